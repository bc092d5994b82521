"""Add or edit a leader (trivselsleder or turleder)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select

from spleis_tui import labels
from spleis_tui.core.leaders import add_leader, update_leader
from spleis_tui.core.models import Leader
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import field_label
from spleis_tui.i18n import _
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.plain import plain


class LeaderForm(SpleisForm[int | None]):
    """Returns the saved leader's id, or None when cancelled."""

    def __init__(self, round_id: int, ref: Reference, leader: Leader | None = None) -> None:
        super().__init__()
        self.round_id = round_id
        self.ref = ref
        self.leader = leader

    def _value(self, key: str, default: object = "") -> object:
        return getattr(self.leader, key) if self.leader is not None else default

    def form_title(self) -> str:
        return _("Edit leader") if self.leader else _("Add leader")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        widgets = {
            "name": Input(str(self._value("name")), id="f-name"),
            "email": Input(str(self._value("email")), id="f-email"),
            "phone": Input(str(self._value("phone")), id="f-phone"),
            "campus": Select(
                [(plain(c.name), code) for code, c in self.ref.campuses.items()],
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
            "language": Select(
                labels.choices("language"),
                value=self._value("language", "both"),
                allow_blank=False,
                id="f-language",
            ),
        }
        return [(key, field_label(key), widget) for key, widget in widgets.items()]

    def save(self) -> int:
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
            "language": select("language"),
        }
        if self.leader is None:
            return add_leader(self.round_id, data, self.ref).id
        return update_leader(self.leader.id, data, self.ref).id
