"""Create a round: its name, kind, dates and the privacy note participants see."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, TextArea

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.rounds import DEFAULT_PRIVACY_NOTE, create_round, parse_date
from spleis_tui.core.signups import describe
from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import SpleisModal

FIELD_LABELS = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "starts_on": N_("Starts"),
    "ends_on": N_("Ends"),
    "privacy_note": N_("Privacy note"),
}


class RoundForm(SpleisModal[int | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="round_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="round_form.cancel"),
    ]

    def compose(self) -> ComposeResult:
        widgets = {
            "name": Input(placeholder=_("for example Trivselsgrupper høst 2027"), id="f-name"),
            "kind": Select(
                labels.choices("kind"), value="vennespleis", allow_blank=False, id="f-kind"
            ),
            "starts_on": Input(placeholder="20.01.2027", id="f-starts_on"),
            "ends_on": Input(placeholder="01.03.2027", id="f-ends_on"),
            "privacy_note": TextArea(_(DEFAULT_PRIVACY_NOTE), id="f-privacy_note"),
        }
        with Vertical(classes="dialog form-dialog small-form"):
            yield Label(_("New round"), classes="dialog-title")
            for key, widget in widgets.items():
                widget.compact = True
                with Horizontal(classes="form-row"):
                    yield Label(_(FIELD_LABELS[key]), classes="form-label")
                    yield widget
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Create"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#f-name").focus()

    def action_save(self) -> None:
        kind = self.query_one("#f-kind", Select).value
        try:
            created = create_round(
                self.query_one("#f-name", Input).value,
                str(kind),
                starts_on=parse_date(self.query_one("#f-starts_on", Input).value, "starts_on"),
                ends_on=parse_date(self.query_one("#f-ends_on", Input).value, "ends_on"),
                privacy_note=self.query_one("#f-privacy_note", TextArea).text,
                make_current=False,
            )
        except ValidationError as error:
            label = _(FIELD_LABELS[error.field]) if error.field in FIELD_LABELS else None
            self.query_one("#form-error", Label).update(Text(describe(error, label)))
            matches = self.query(f"#f-{error.field}")
            if matches:
                matches.first().focus()
            return
        except SpleisError as error:
            self.query_one("#form-error", Label).update(Text(str(error)))
            return
        self.dismiss(created.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
