"""Small modal dialogs: confirm an action, pick one item from a list, type a line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.signups import describe
from spleis_tui.core.text import fold
from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import SpleisModal


class ConfirmScreen(SpleisModal[bool]):
    """Ask before something that cannot be undone. The question is plain text."""

    BINDINGS = [
        # j as in "ja", so the Norwegian answer works too.
        Binding("y,j", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: str, *, confirm_label: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question), classes="question")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, variant="error", id="yes")
                yield Button(_("Cancel"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PickScreen(SpleisModal[str | None]):
    """Choose one of several items; returns its id, or None when cancelled.

    Long lists get a filter box: type to narrow the list, Down to move into it.
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="pick.cancel")]
    FILTER_FROM = 10

    def __init__(
        self, title: str, items: Sequence[tuple[str, str]], *, current: str | None = None
    ) -> None:
        super().__init__()
        self.title_text = title
        self.items = list(items)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="question")
            if len(self.items) >= self.FILTER_FROM:
                yield Input(placeholder=_("Type to filter"), id="pick-filter", compact=True)
            yield OptionList(*self._options(""))
            with Horizontal(classes="buttons"):
                yield Button(_("Cancel"), id="cancel")

    def _options(self, text: str) -> list[Option]:
        words = fold(text).split()
        return [
            Option(Text(label), id=key)
            for key, label in self.items
            if all(word in fold(label) for word in words)
        ]

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current is not None:
            index = next((i for i, (key, _l) in enumerate(self.items) if key == self.current), 0)
            options.highlighted = index
        if self.query("#pick-filter"):
            self.query_one("#pick-filter").focus()
        else:
            options.focus()

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Submitted, "#pick-filter")
    def _take_first(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            self.dismiss(options.get_option_at_index(options.highlighted or 0).id)

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is not None and self.focused.id == "pick-filter":
            self.query_one(OptionList).focus()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(SpleisModal[object | None]):
    """Ask for one line of text, such as a new name.

    With `apply`, the prompt calls it with the text and stays open to show what was
    wrong; it closes with what `apply` returned once it succeeds.
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        apply: Callable[[str], object] | None = None,
        password: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.initial = value
        self.apply = apply
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="question")
            yield Input(self.initial, id="prompt-input", password=self.password)
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#prompt-input").focus()

    def _submit(self, value: str) -> None:
        if self.apply is None:
            self.dismiss(value)
            return
        try:
            result = self.apply(value)
        except ValidationError as error:
            self.query_one("#form-error", Label).update(Text(describe(error)))
            return
        except SpleisError as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        self.dismiss(result)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._submit(self.query_one("#prompt-input", Input).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
