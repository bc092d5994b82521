"""Plan one activity, or a series of weekly sessions for the groups (six hikes)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList

from spleis_tui.core.activities import schedule_activity, update_activity
from spleis_tui.core.catalogue import CatalogueEntry
from spleis_tui.core.dates import WEEKDAYS
from spleis_tui.core.errors import ValidationError
from spleis_tui.core.groups import GroupRow
from spleis_tui.core.leaders import LeaderRow
from spleis_tui.core.models import Activity
from spleis_tui.core.reference import Reference
from spleis_tui.core.rounds import parse_date
from spleis_tui.core.series import SeriesReport, create_series
from spleis_tui.i18n import N_, _, current_language
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.plain import plain

TIME_FORMAT = "%Y-%m-%d %H:%M"
SEASON_LABELS = {
    "all": N_("all year"),
    "autumn": N_("autumn"),
    "winter": N_("winter"),
    "spring": N_("spring"),
    "summer": N_("summer"),
}
_CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")


def seasons_text(entry: CatalogueEntry) -> str:
    """ "winter", "spring, summer, autumn" or "all year", in the app's language."""
    return ", ".join(_(SEASON_LABELS.get(season, season)) for season in entry.seasons)


def type_choices(catalogue: Sequence[CatalogueEntry]) -> list[tuple[object, str]]:
    """Select options: "(no type)", then each kind with the seasons it suits."""
    options: list[tuple[object, str]] = [(_("(no type)"), "")]
    for entry in catalogue:
        label = plain(entry.name())
        if "all" not in entry.seasons:
            label.append(f" · {seasons_text(entry)}", style="dim")
        options.append((label, entry.code))
    return options


def _select(form: SpleisForm, key: str) -> str:
    value = form.query_one(f"#f-{key}", Select).value
    return "" if value is Select.NULL else str(value)


def _text(form: SpleisForm, key: str) -> str:
    return form.query_one(f"#f-{key}", Input).value


class ActivityForm(SpleisForm[int | None]):
    """Plan or change one activity; returns its id, or None when cancelled."""

    DIALOG_CLASSES = "dialog form-dialog small-form activity-form"

    def __init__(
        self,
        round_id: int,
        ref: Reference,
        catalogue: Sequence[CatalogueEntry],
        leaders: Sequence[LeaderRow],
        groups: Sequence[GroupRow],
        activity: Activity | None = None,
        *,
        group_ids: Sequence[int] = (),
        type_code: str = "",
    ) -> None:
        super().__init__()
        self.round_id = round_id
        self.ref = ref
        self.catalogue = list(catalogue)
        self.leaders = list(leaders)
        self.groups = list(groups)
        self.activity = activity
        self.group_ids = set(group_ids)
        self.type_code = type_code
        # A session belongs to its group's series: its groups stay as the series made them.
        self.in_series = activity is not None and activity.series_id is not None

    def form_title(self) -> str:
        return _("Edit activity") if self.activity else _("Plan an activity")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        a = self.activity
        known = {entry.code for entry in self.catalogue}
        kind = (a.activity_type_id or "") if a else self.type_code
        rows: list[tuple[str, str, Widget]] = [
            (
                "type",
                _("Kind"),
                Select(
                    type_choices(self.catalogue),
                    value=kind if kind in known else "",
                    allow_blank=False,
                    id="f-type",
                ),
            ),
            (
                "title",
                _("Title"),
                Input(
                    a.title if a else "",
                    placeholder=_("empty: the name of the kind"),
                    id="f-title",
                ),
            ),
            (
                "starts_at",
                _("When"),
                Input(
                    a.starts_at.strftime(TIME_FORMAT) if a else "",
                    placeholder="2027-01-28 17:00",
                    id="f-starts_at",
                ),
            ),
            (
                "ends_at",
                _("Until"),
                Input(
                    a.ends_at.strftime(TIME_FORMAT) if a and a.ends_at else "",
                    placeholder=_("19:00, or empty"),
                    id="f-ends_at",
                ),
            ),
            (
                "place",
                _("Place"),
                Input(
                    a.place if a else "",
                    placeholder=_("for example Stripa, by the café in Realfagbygget"),
                    id="f-place",
                ),
            ),
            (
                "campus",
                _("Campus"),
                Select(
                    [(plain(c.name), code) for code, c in self.ref.campuses.items()],
                    value=a.campus if a and a.campus in self.ref.campuses else Select.NULL,
                    prompt=_("No campus"),
                    id="f-campus",
                ),
            ),
            (
                "capacity",
                _("Places"),
                Input(
                    str(a.capacity) if a and a.capacity else "",
                    placeholder=_("empty: room for everybody"),
                    id="f-capacity",
                ),
            ),
            (
                "leader",
                _("Leader"),
                Select(
                    [(plain(leader.name), leader.id) for leader in self.leaders],
                    value=a.leader_id
                    if a and a.leader_id in {leader.id for leader in self.leaders}
                    else Select.NULL,
                    prompt=_("No leader"),
                    id="f-leader",
                ),
            ),
        ]
        if not self.in_series:
            rows.append(
                (
                    "groups",
                    _("Only for groups"),
                    SelectionList[int](
                        *(
                            (plain(group.name), group.id, group.id in self.group_ids)
                            for group in self.groups
                        ),
                        id="f-groups",
                    ),
                )
            )
        return rows

    def _ends_at(self) -> str:
        """ "19:00" alone means the day the activity starts."""
        text = _text(self, "ends_at").strip()
        starts = _text(self, "starts_at").split()
        if _CLOCK.fullmatch(text) and starts:
            return f"{starts[0]} {text}"
        return text

    def save(self) -> int:
        data: dict[str, object] = {
            "type": _select(self, "type"),
            "title": _text(self, "title"),
            "starts_at": _text(self, "starts_at"),
            "ends_at": self._ends_at(),
            "place": _text(self, "place"),
            "campus": _select(self, "campus"),
            "capacity": _text(self, "capacity"),
            "leader_id": _select(self, "leader"),
        }
        if not self.in_series:
            data["group_ids"] = list(self.query_one("#f-groups", SelectionList).selected)
        if self.activity is None:
            return schedule_activity(self.round_id, data).id
        return update_activity(self.activity.id, data).id


class SeriesForm(SpleisForm[SeriesReport | None]):
    """Weekly sessions for the chosen groups (all of them at first); returns the report."""

    DIALOG_CLASSES = "dialog form-dialog small-form series-form"

    def __init__(
        self, round_id: int, catalogue: Sequence[CatalogueEntry], groups: Sequence[GroupRow]
    ) -> None:
        super().__init__()
        self.round_id = round_id
        self.catalogue = list(catalogue)
        self.groups = list(groups)

    def form_title(self) -> str:
        return _("Weekly sessions for the groups")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        known = {entry.code for entry in self.catalogue}
        weekdays = WEEKDAYS["nb" if current_language() == "nb" else "en"]
        return [
            (
                "type",
                _("Kind"),
                Select(
                    type_choices(self.catalogue),
                    value="fottur" if "fottur" in known else "",
                    allow_blank=False,
                    id="f-type",
                ),
            ),
            (
                "name",
                _("Name"),
                Input(placeholder=_("empty: the name of the kind"), id="f-name"),
            ),
            ("weeks", _("Weeks"), Input("6", type="integer", id="f-weeks")),
            ("start", _("First day"), Input(placeholder="2027-08-30", id="f-start")),
            (
                "weekday",
                _("Weekday"),
                Select(
                    [(name.capitalize(), number) for number, name in enumerate(weekdays)],
                    prompt=_("The first day's"),
                    id="f-weekday",
                ),
            ),
            ("time", _("Time"), Input("17:00", id="f-time")),
            (
                "duration_minutes",
                _("Length (minutes)"),
                Input("90", type="integer", id="f-duration_minutes"),
            ),
            (
                "place",
                _("Place"),
                Input(
                    placeholder=_("where they meet, such as the tram stop at Lian"), id="f-place"
                ),
            ),
            (
                "groups",
                _("Groups"),
                SelectionList[int](
                    *((plain(group.name), group.id, True) for group in self.groups),
                    id="f-groups",
                ),
            ),
        ]

    def save(self) -> SeriesReport:
        start = parse_date(_text(self, "start"), "start")
        if start is None:
            raise ValidationError("start", _("Choose the day the series starts."))
        weekday = self.query_one("#f-weekday", Select).value
        chosen = list(self.query_one("#f-groups", SelectionList).selected)
        every = len(chosen) == len(self.groups)
        length = _text(self, "duration_minutes").strip()
        return create_series(
            self.round_id,
            weeks=_text(self, "weeks").strip(),  # type: ignore[arg-type]  # core checks it
            start=start,
            weekday=start.weekday() if weekday is Select.NULL else int(weekday),  # type: ignore[arg-type]
            time=_text(self, "time"),
            place=_text(self, "place"),
            type_code=_select(self, "type") or None,
            name=_text(self, "name").strip() or None,
            group_ids=None if every else chosen,
            duration_minutes=length or None,  # type: ignore[arg-type]
        )
