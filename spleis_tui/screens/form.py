"""The shape every Spleis form shares: labelled one-line fields, an error line, Save and Cancel.

A form lists its fields, and saves by calling core, which raises ValidationError naming
the field at fault; the form shows the message, marks the field and puts the cursor there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, SelectionList, TextArea

from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.signups import describe
from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import ResultT, SpleisModal
from spleis_tui.screens.dialogs import ConfirmScreen


class SpleisForm(SpleisModal[ResultT]):
    """Subclasses give `form_title`, `fields` and `save`; the rest is shared."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]
    # CSS classes of the dialog: "form-dialog" scrolls its fields in a tall dialog.
    DIALOG_CLASSES = "dialog form-dialog small-form"
    SCROLLS = False

    def form_title(self) -> str:
        raise NotImplementedError

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        """(field key, label, widget) for each row; the widget's id is `f-KEY`."""
        raise NotImplementedError

    def extra(self) -> Iterable[Widget]:
        """Widgets below the fields, such as a consent checkbox."""
        return ()

    def save(self) -> Any:
        """Write through core and return the form's result; raise ValidationError if wrong."""
        raise NotImplementedError

    def label_for(self, key: str) -> str | None:
        """The label a row shows, so an error names the field the way the form does."""
        return self._labels.get(key)

    def compose(self) -> ComposeResult:
        self._labels: dict[str, str] = {}
        with Vertical(classes=self.DIALOG_CLASSES):
            yield Label(self.form_title(), classes="dialog-title")
            with VerticalScroll(classes="form-fields") if self.SCROLLS else Vertical():
                for key, label, widget in self.fields():
                    self._labels[key] = label
                    if hasattr(widget, "compact"):
                        widget.compact = True  # one line per field: the form fits at 100x30
                    with Horizontal(classes="form-row"):
                        yield Label(label, classes="form-label")
                        yield widget
                yield from self.extra()
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        first = self.query(".form-row > *:last-child")
        if first:
            first.first().focus()
        self._initial = self._snapshot()

    def _snapshot(self) -> list[object]:
        """What the fields hold now, to tell whether the user has typed anything."""
        values: list[object] = []
        for widget in self.query("Input, Select, TextArea, SelectionList, Checkbox"):
            if isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, SelectionList):
                values.append(tuple(widget.selected))
            else:
                values.append(getattr(widget, "value", None))
        return values

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-invalid-field")

    def action_save(self) -> None:
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")
        try:
            result = self.save()
        except ValidationError as error:
            self.show_error(error)
            return
        except SpleisError as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        self.dismiss(result)

    def show_error(self, error: ValidationError) -> None:
        self.query_one("#form-error", Label).update(
            Text(describe(error, self.label_for(error.field)))
        )
        matches = self.query(f"#f-{error.field}")
        if matches:
            widget = matches.first()
            widget.add_class("-invalid-field")
            widget.focus()
            widget.scroll_visible(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Close; ask first when something was typed, so a stray Escape loses nothing."""
        if self._snapshot() == self._initial:
            self.dismiss(None)
            return

        def done(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(_("Close the form and lose what you typed?"), confirm_label=_("Close")),
            done,
        )
