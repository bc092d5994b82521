"""Create a round: its name, kind, dates and the privacy note participants see."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from spleis_tui import labels
from spleis_tui.core.rounds import DEFAULT_PRIVACY_NOTE, create_round, parse_date
from spleis_tui.i18n import N_, _
from spleis_tui.screens.form import SpleisForm

FIELD_LABELS = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "starts_on": N_("Starts"),
    "ends_on": N_("Ends"),
    "privacy_note": N_("Privacy note"),
}


class RoundForm(SpleisForm[int | None]):
    """Returns the new round's id, or None when cancelled."""

    def form_title(self) -> str:
        return _("New round")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        widgets = {
            "name": Input(placeholder=_("for example Trivselsgrupper høst 2027"), id="f-name"),
            "kind": Select(
                labels.choices("kind"), value="vennespleis", allow_blank=False, id="f-kind"
            ),
            "starts_on": Input(placeholder="20.01.2027", id="f-starts_on"),
            "ends_on": Input(placeholder="01.03.2027", id="f-ends_on"),
            "privacy_note": TextArea(_(DEFAULT_PRIVACY_NOTE), id="f-privacy_note"),
        }
        return [(key, _(FIELD_LABELS[key]), widget) for key, widget in widgets.items()]

    def save(self) -> int:
        def text(key: str) -> str:
            return self.query_one(f"#f-{key}", Input).value

        return create_round(
            text("name"),
            str(self.query_one("#f-kind", Select).value),
            starts_on=parse_date(text("starts_on"), "starts_on"),
            ends_on=parse_date(text("ends_on"), "ends_on"),
            privacy_note=self.query_one("#f-privacy_note", TextArea).text,
            make_current=False,
        ).id
