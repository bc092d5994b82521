"""SpleisApp: the sections, the keys and the command palette. Thin: screens do the work."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from importlib import import_module

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from spleis_tui.core.models import Round
from spleis_tui.core.reference import Reference, load_reference
from spleis_tui.core.rounds import current_round, set_current_round
from spleis_tui.i18n import N_, _, current_language, set_language
from spleis_tui.keymap import load_keymap
from spleis_tui.locations import keymap_path
from spleis_tui.screens.base import spleis_bindings
from spleis_tui.widgets.navbar import SECTIONS

SCREEN_PATHS = {
    "dashboard": "spleis_tui.screens.dashboard:DashboardScreen",
    "participants": "spleis_tui.screens.participants:ParticipantsScreen",
    "groups": "spleis_tui.screens.groups:GroupsScreen",
    "leaders": "spleis_tui.screens.leaders:LeadersScreen",
    "rounds": "spleis_tui.screens.rounds:RoundsScreen",
    "activities": "spleis_tui.screens.activities:ActivitiesScreen",
    # Reached from Rounds (d) and the command palette: edited seldom, so no function key.
    "reference": "spleis_tui.screens.reference:ReferenceScreen",
    "matching": "spleis_tui.screens.matching:MatchingScreen",
    "import": "spleis_tui.screens.importer:ImportScreen",
}
# Dialogs and widgets with keys of their own.
EXTRA_BINDING_OWNERS = (
    ("spleis_tui.screens.dialogs", "ConfirmScreen"),
    ("spleis_tui.screens.dialogs", "PickScreen"),
    ("spleis_tui.screens.dialogs", "TextPrompt"),
    ("spleis_tui.screens.help", "HelpScreen"),
    ("spleis_tui.screens.participant_form", "ParticipantForm"),
    ("spleis_tui.screens.leader_form", "LeaderForm"),
    ("spleis_tui.screens.meeting_form", "MeetingForm"),
    ("spleis_tui.screens.assignment_dialog", "AssignmentDialog"),
    ("spleis_tui.screens.followup_form", "GroupFollowUpForm"),
    ("spleis_tui.screens.followup_form", "FeedbackImportDialog"),
    ("spleis_tui.screens.share", "ShareScreen"),
    ("spleis_tui.screens.tell", "TellScreen"),
    ("spleis_tui.screens.round_form", "RoundForm"),
    ("spleis_tui.screens.reference", "ReferenceForm"),
    ("spleis_tui.screens.activity_forms", "ActivityForm"),
    ("spleis_tui.screens.activity_forms", "SeriesForm"),
    ("spleis_tui.screens.catalogue", "CatalogueScreen"),
    ("spleis_tui.screens.catalogue", "CatalogueForm"),
    ("spleis_tui.widgets.paged_table", "PagedTable"),
)


def known_binding_ids() -> set[str]:
    """Every binding id in the app, for checking a user's keymap."""
    ids = {binding.id for binding in SpleisApp.BINDINGS if binding.id}
    for factory_path in SCREEN_PATHS.values():
        module_name, class_name = factory_path.split(":")
        screen_class = getattr(import_module(module_name), class_name)
        ids |= {b.id for b in screen_class.BINDINGS if isinstance(b, Binding) and b.id}
    for module_name, class_name in EXTRA_BINDING_OWNERS:
        owner = getattr(import_module(module_name), class_name)
        ids |= {b.id for b in owner.BINDINGS if isinstance(b, Binding) and b.id}
    return ids


def _screen(path: str) -> Callable[[], Screen]:
    """A factory that imports a screen class on first use, keeping start-up light."""

    def make() -> Screen:
        module_name, class_name = path.split(":")
        return getattr(import_module(module_name), class_name)()

    return make


class SpleisApp(App):
    TITLE = "Spleis"
    CSS_PATH = "styles/app.tcss"

    MODES = {name: _screen(path) for name, path in SCREEN_PATHS.items()}

    BINDINGS = [
        Binding("f1", "help", N_("Help"), id="app.help"),
        *(
            Binding(key, f"show_section('{section}')", title, show=False, id=f"app.{section}")
            for section, key, title in SECTIONS
        ),
        Binding("f9", "switch_language", N_("Norsk/English"), show=False, id="app.language"),
        # Quit is in F1 and the palette; the footer's room goes to the screen's own keys.
        Binding("ctrl+q", "quit", N_("Quit"), show=False, id="app.quit", priority=True),
    ]

    round_id: reactive[int | None] = reactive(None, init=False)

    def __init__(self, *, lang: str = "en", demo: bool = False) -> None:
        set_language(lang)
        super().__init__()
        self.demo = demo
        self.ref: Reference = load_reference()
        self._keymap_problem: str | None = None
        self._user_keymap, self._keymap_problem = load_keymap(keymap_path())
        if self._user_keymap:
            self.set_keymap(self._user_keymap)
        current = current_round()
        self.set_reactive(SpleisApp.round_id, current.id if current else None)
        self.round_name = current.name if current else ""

    def on_mount(self) -> None:
        self.title = "Spleis" + (" · demo" if self.demo else "")
        self.switch_mode("dashboard" if self.round_id else "rounds")
        # Start-up makes many long-lived objects (Textual, the screens); freezing them keeps
        # Python's full garbage collections, which stalled keystrokes by 100 ms, short.
        self.call_after_refresh(gc.freeze)
        if self._keymap_problem:
            self.notify(self._keymap_problem, severity="warning", markup=False)
        unknown = sorted(set(self._user_keymap) - known_binding_ids()) if self._user_keymap else []
        if unknown:
            self.notify(
                _("These ids in your keymap are not keys of Spleis: {ids}").format(
                    ids=", ".join(unknown)
                ),
                severity="warning",
                markup=False,
            )

    # Sections and rounds

    def action_show_section(self, section: str) -> None:
        if self.current_mode != section:
            self.switch_mode(section)

    def use_round(self, round_id: int) -> None:
        """Make a round the current one, for this and every later session."""
        found: Round = set_current_round(round_id)
        self.round_name = found.name
        self.round_id = found.id

    def watch_round_id(self) -> None:
        screen = self.screen
        if hasattr(screen, "round_changed"):
            screen.round_changed()

    def refresh_reference(self) -> None:
        self.ref = load_reference()

    # Language

    async def action_switch_language(self) -> None:
        set_language("en" if current_language() == "nb" else "nb")
        self.refresh_bindings()
        screen = self.screen
        if hasattr(screen, "relocalise"):
            await screen.relocalise()
        self.notify(_("Language: English") if current_language() == "en" else _("Language: Norsk"))

    # Rosters, exports and e-mail: screens over the current one

    def action_share(self) -> None:
        from spleis_tui.screens.share import ShareScreen

        self._push_round_screen(ShareScreen)

    def action_tell(self) -> None:
        from spleis_tui.screens.tell import TellScreen

        self._push_round_screen(TellScreen)

    def _push_round_screen(self, screen_class: type[Screen]) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        if not isinstance(self.screen, screen_class):
            self.push_screen(screen_class())

    # Help and the command palette

    def action_help(self) -> None:
        from spleis_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a command, plus the sections."""
        seen: set[str] = set()
        for section, key, title in SECTIONS:
            seen.add(f"show_section('{section}')")
            yield SystemCommand(
                _("Go to {section}").format(section=_(title)),
                _("Open the {section} screen ({key})").format(section=_(title), key=key.upper()),
                lambda section=section: self.action_show_section(section),
            )
        for active in spleis_bindings(screen):
            binding = active.binding
            if binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            node = active.node
            yield SystemCommand(
                _(binding.description),
                _("Key: {key}").format(key=self.get_key_display(binding)),
                lambda node=node, action=binding.action: self.run_action(action, node),
            )
        yield SystemCommand(
            _("Go to {section}").format(section=_("Reference data")),
            _("Campuses, study programmes and answer options"),
            lambda: self.action_show_section("reference"),
        )
        yield SystemCommand(
            _("Rosters & export"),
            _("PDF rosters, attendance sheets, spreadsheets and the calendar"),
            self.action_share,
        )
        yield SystemCommand(
            _("Tell the groups"),
            _("E-mail every member about their group: drafts, a dry run or sending"),
            self.action_tell,
        )
        yield SystemCommand(_("Theme"), _("Change the colours"), self.action_change_theme)
