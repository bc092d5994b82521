"""What every Spleis screen shares: the header, the section bar, the footer,
translated key descriptions, and reloading when the round or the language changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header

from spleis_tui.core.errors import SpleisError
from spleis_tui.i18n import _, current_language
from spleis_tui.widgets.navbar import NavBar


def spleis_bindings(screen: Screen):
    """The active bindings that are Spleis's own (they all have ids), in order."""
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id and binding.description and binding.action not in seen:
            seen.add(binding.action)
            yield active


class TranslatedBindings:
    """Binding descriptions are English msgids; translate them where the footer reads them."""

    @property
    def active_bindings(self):
        return {
            key: active._replace(
                binding=replace(active.binding, description=_(active.binding.description))
            )
            for key, active in super().active_bindings.items()
        }


ResultT = TypeVar("ResultT")
T = TypeVar("T")


class SpleisModal(TranslatedBindings, ModalScreen[ResultT]):
    """A dialog over a screen, with a footer of its own keys."""

    def on_mount(self) -> None:
        # Textual calls every class's on_mount, so subclasses need not call this.
        self.mount(Footer(compact=True))


class SpleisScreen(TranslatedBindings, Screen):
    """A top-level section. Subclasses set SECTION and implement `compose_body` and `reload`."""

    SECTION = ""
    TITLE_TEXT = ""  # an English msgid

    def __init__(self) -> None:
        super().__init__()
        self._composed_language = current_language()
        self._seen_round: int | None = None

    @property
    def round_id(self) -> int | None:
        return self.app.round_id

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield NavBar(self.SECTION)
        yield from self.compose_body()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self._update_titles()
        self._seen_round = self.round_id
        self.reload()

    def _update_titles(self) -> None:
        self.title = _(self.TITLE_TEXT) if self.TITLE_TEXT else "Spleis"
        self.sub_title = self.app.round_name

    async def on_screen_resume(self) -> None:
        # Other screens may have changed what this one shows: fetch it again (one page).
        if self._composed_language != current_language():
            await self.relocalise()
        else:
            self._seen_round = self.round_id
            self._update_titles()
            self.reload()

    async def relocalise(self) -> None:
        """Build the screen again in the current language."""
        self._composed_language = current_language()
        await self.recompose()
        self._update_titles()
        self._seen_round = self.round_id
        self.reload()

    def round_changed(self) -> None:
        """The app switched round while this screen is showing."""
        self._seen_round = self.round_id
        self._update_titles()
        self.reload()

    def reload(self) -> None:
        """Fetch this screen's data again."""

    def attempt(self, change: Callable[[], T]) -> tuple[bool, T | None]:
        """Run a core call; a problem the user can fix (or a row someone else erased)
        becomes a message instead of ending the app."""
        try:
            return True, change()
        except SpleisError as error:
            self.notify(str(error), severity="error", markup=False)
            self.reload()
            return False, None
