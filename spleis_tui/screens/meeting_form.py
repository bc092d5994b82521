"""A group's first meeting: what they do, where and when. Rosters, e-mails and the
calendar all show it."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Checkbox, Input

from spleis_tui.core.models import Group
from spleis_tui.core.rosters import parse_meeting_time, set_first_meeting
from spleis_tui.core.signups import field_label
from spleis_tui.i18n import _
from spleis_tui.screens.form import SpleisForm

TIME_FORMAT = "%Y-%m-%d %H:%M"


class MeetingForm(SpleisForm[int | None]):
    """Returns how many groups changed, or None when cancelled."""

    def __init__(self, group: Group, all_group_ids: list[int]) -> None:
        super().__init__()
        self.group = group
        self.all_group_ids = all_group_ids

    def form_title(self) -> str:
        return _("First meeting of {group}").format(group=self.group.name)

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        at = self.group.meeting_at
        widgets = {
            "activity": Input(
                self.group.activity,
                placeholder=_("empty: suggested from what they like"),
                id="f-activity",
            ),
            "meeting_place": Input(
                self.group.meeting_place,
                placeholder=_("for example Stripa, by the café in Realfagbygget"),
                id="f-meeting_place",
            ),
            "meeting_at": Input(
                at.strftime(TIME_FORMAT) if at else "",
                placeholder=_("2027-01-28 17:00, or empty: to be agreed"),
                id="f-meeting_at",
            ),
        }
        return [(key, field_label(key), widget) for key, widget in widgets.items()]

    def extra(self) -> Iterable[Widget]:
        yield Checkbox(_("The same for every group in the round"), id="f-all", compact=True)

    def save(self) -> int:
        text = self.query_one("#f-meeting_at", Input).value.strip()
        every = self.query_one("#f-all", Checkbox).value
        return set_first_meeting(
            self.all_group_ids if every else [self.group.id],
            activity=self.query_one("#f-activity", Input).value,
            place=self.query_one("#f-meeting_place", Input).value,
            at=parse_meeting_time(text) if text else None,
        )
