"""Add or edit a leader (trivselsleder or turleder)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.leaders import add_leader, update_leader
from spleis_tui.core.models import Leader
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import describe
from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import SpleisModal

FIELD_LABELS = {
    "name": N_("Name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "campus": N_("Campus"),
    "role": N_("Role"),
    "capacity": N_("Max groups"),
}


class LeaderForm(SpleisModal[int | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="leader_form.save"),
        Binding("escape", "cancel", N_("Cancel"), id="leader_form.cancel"),
    ]

    def __init__(self, round_id: int, ref: Reference, leader: Leader | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.ref = ref
        self.leader = leader

    def _value(self, key: str, default: object = "") -> object:
        return getattr(self.leader, key) if self.leader is not None else default

    def compose(self) -> ComposeResult:
        widgets = {
            "name": Input(str(self._value("name")), id="f-name"),
            "email": Input(str(self._value("email")), id="f-email"),
            "phone": Input(str(self._value("phone")), id="f-phone"),
            "campus": Select(
                [(c.name, code) for code, c in self.ref.campuses.items()],
                value=self._value("campus") or Select.NULL,
                prompt=_("Choose a campus"),
                id="f-campus",
            ),
            "role": Select(
                labels.choices("role"),
                value=self._value("role", "trivselsleder"),
                allow_blank=False,
                id="f-role",
            ),
            "capacity": Input(str(self._value("capacity", 2)), type="integer", id="f-capacity"),
        }
        with Vertical(classes="dialog form-dialog small-form"):
            yield Label(
                _("Edit leader") if self.leader else _("Add leader"), classes="dialog-title"
            )
            for key, widget in widgets.items():
                widget.compact = True
                with Horizontal(classes="form-row"):
                    yield Label(_(FIELD_LABELS[key]), classes="form-label")
                    yield widget
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#f-name").focus()

    def action_save(self) -> None:
        def select(key: str) -> str:
            value = self.query_one(f"#f-{key}", Select).value
            return "" if value is Select.NULL else str(value)

        data = {
            "name": self.query_one("#f-name", Input).value,
            "email": self.query_one("#f-email", Input).value,
            "phone": self.query_one("#f-phone", Input).value,
            "campus": select("campus"),
            "role": select("role"),
            "capacity": self.query_one("#f-capacity", Input).value,
        }
        try:
            if self.leader is None:
                saved = add_leader(self.round_id, data, self.ref)
            else:
                saved = update_leader(self.leader.id, data, self.ref)
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
        self.dismiss(saved.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
