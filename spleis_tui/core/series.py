"""Series: N weekly sessions per group, made at once (a turgruppe round: six hikes).

Every group of the series gets its own session activities, for its members only, with
its leader and the campus most of its members study on. The leader takes attendance
each week; from that Spleis counts attendance per week and finds the people who have
stopped coming (absent twice in a row), so somebody can ask them how it is going.

    >>> report = create_series(round_id, start=dt.date(2027, 8, 30), weekday=2,
    ...                        time="17:00", place="Lian")  # doctest: +SKIP
    SeriesReport(series_id=1, groups=40, sessions=240, ...)
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import JOIN, chunked, fn

from spleis_tui.core.activities import (
    INSERT_CHUNK,
    PLACE_LIMIT,
    TITLE_LIMIT,
    members_of_groups,
)
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import (
    Activity,
    ActivityGroup,
    ActivityType,
    Attendance,
    Group,
    Leader,
    Round,
    Series,
    SignUp,
    database,
    utcnow,
)
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import ascii_fold, clean_text, fold
from spleis_tui.i18n import _, current_language

NAME_LIMIT = 200
WEEKS_LIMIT = 52
DURATION_LIMIT = 24 * 60

_WEEKDAY_NAMES = (
    ("monday", "mandag"),
    ("tuesday", "tirsdag"),
    ("wednesday", "onsdag"),
    ("thursday", "torsdag"),
    ("friday", "fredag"),
    ("saturday", "lordag"),  # "lørdag" and "søndag" are folded to ASCII first
    ("sunday", "sondag"),
)
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


@dataclass(frozen=True)
class SeriesReport:
    series_id: int
    groups: int  # how many groups got sessions
    sessions: int  # how many activities were made (groups × weeks)
    name: str = ""
    first_day: dt.date | None = None
    last_day: dt.date | None = None


@dataclass(frozen=True)
class WeekAttendance:
    session: int
    date: dt.date  # the session's day (the earliest, if a group moved theirs)
    present: int
    expected: int  # members of the groups whose attendance for this session is taken
    taken_groups: int
    groups: int
    series_id: int = 0


@dataclass(frozen=True)
class Dropout:
    signup_id: int
    name: str
    email: str
    phone: str
    group: str
    leader: str  # the group's leader's name, or ""
    missed_sessions: tuple[int, ...]  # every taken session they were not marked present at
    last_seen_session: int | None  # the last session they came to; None if never
    series_id: int = 0


# Parsing what people type.


def parse_weekday(text: str) -> int:
    """0 (Monday) to 6 (Sunday) from a weekday's name in English or bokmål, or its first
    three letters or more: "wed", "Wednesday", "ons", "onsdag", "lør". Digits are not
    accepted, since people count weekdays from 0, 1 or Sunday."""
    word = ascii_fold(fold(str(text))).strip().rstrip(".")
    if len(word) >= 3:
        for number, names in enumerate(_WEEKDAY_NAMES):
            if any(name.startswith(word) for name in names):
                return number
    raise ValidationError(
        "weekday",
        _(
            "{value} is not a weekday. Write its name, like wednesday or onsdag (or wed, ons)."
        ).format(value=text),
    )


def parse_time(text: str) -> dt.time:
    """ "17:00" or "17.00" as a time of day."""
    match = _TIME.fullmatch(str(text).strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise ValidationError(
        "time", _("{value} is not a time of day. Write it like 17:00.").format(value=text)
    )


def _whole(value: object, field: str, low: int, high: int, message: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, message)
    return value


def session_days(start: dt.date, weekday: int, weeks: int) -> list[dt.date]:
    """The first `weekday` on or after `start`, then the same day each following week."""
    first = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
    return [first + dt.timedelta(weeks=week) for week in range(weeks)]


# Creating and deleting.


def _round(round_id: int) -> Round:
    found = Round.get_or_none(Round.id == round_id)
    if found is None:
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    return found


def _groups(round_id: int, group_ids: Sequence[int] | None) -> list[tuple[int, str, int | None]]:
    """(id, name, leader) of the groups, in name order."""
    query = (
        Group.select(Group.id, Group.name, Group.leader)
        .where(Group.round == round_id)
        .order_by(Group.sort_key, Group.id)
    )
    groups = list(query.tuples())
    if group_ids is not None:
        try:
            wanted = list(dict.fromkeys(int(g) for g in group_ids))
        except (TypeError, ValueError):
            raise ValidationError("groups", _("Give the groups by their ids.")) from None
        known = {g[0] for g in groups}
        missing = [g for g in wanted if g not in known]
        if missing:
            raise ValidationError("groups", _("No group has the id {id}.").format(id=missing[0]))
        groups = [g for g in groups if g[0] in set(wanted)]
    if not groups:
        raise ValidationError(
            "groups", _("A series needs at least one group. Make the groups first.")
        )
    return groups


def _main_campuses(group_ids: Sequence[int]) -> dict[int, str]:
    """The campus most members of each group study on (ties: the first code)."""
    counts: dict[int, Counter[str]] = {}
    for batch in chunked(group_ids, 500):
        for group_id, campus, count in (
            members_of_groups(list(batch), SignUp.group, SignUp.campus, fn.COUNT(SignUp.id))
            .where(SignUp.campus != "")
            .group_by(SignUp.group, SignUp.campus)
            .tuples()
        ):
            counts.setdefault(group_id, Counter())[campus] = count
    return {
        group_id: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
        for group_id, counter in counts.items()
    }


def create_series(
    round_id: int,
    *,
    weeks: int = 6,
    start: dt.date,
    weekday: int,
    time: str,
    place: str = "",
    type_code: str | None = "fottur",
    name: str | None = None,
    group_ids: Sequence[int] | None = None,
    duration_minutes: int | None = 90,
) -> SeriesReport:
    """Make `weeks` weekly sessions for each group (default: every group of the round),
    on `weekday` (0 is Monday) at `time` ("17:00", Oslo time), from the first such day
    on or after `start`. One transaction: all the sessions, or none."""
    weeks = _whole(
        weeks,
        "weeks",
        1,
        WEEKS_LIMIT,
        _("The number of weeks is a whole number from 1 to {limit}.").format(limit=WEEKS_LIMIT),
    )
    weekday = _whole(
        weekday, "weekday", 0, 6, _("The weekday is a number from 0 (Monday) to 6 (Sunday).")
    )
    clock = parse_time(time)
    if isinstance(start, dt.datetime):
        start = start.date()
    if not isinstance(start, dt.date):
        raise ValidationError("start", _("Give the first day as a date."))
    if duration_minutes in (None, 0):
        length = None
    else:
        length = dt.timedelta(
            minutes=_whole(
                duration_minutes,
                "duration_minutes",
                1,
                DURATION_LIMIT,
                _("The length is a whole number of minutes from 1 to {limit}.").format(
                    limit=DURATION_LIMIT
                ),
            )
        )
    place = clean_text(place)[0]
    if len(place) > PLACE_LIMIT:
        raise ValidationError(
            "place", _("This is too long (at most {limit} characters).").format(limit=PLACE_LIMIT)
        )
    with database.atomic():
        _round(round_id)
        refuse_if_closed(round_id)
        kind = None
        if type_code:
            kind = ActivityType.get_or_none(ActivityType.code == str(type_code).strip().lower())
            if kind is None:
                raise ValidationError(
                    "type",
                    _("No activity in the catalogue has the code {code}.").format(code=type_code),
                )
        label = clean_text(name)[0] if name else ""
        if len(label) > NAME_LIMIT:
            raise ValidationError(
                "name",
                _("This is too long (at most {limit} characters).").format(limit=NAME_LIMIT),
            )
        label = label or (kind.name(current_language()) if kind else "")
        if not label:
            raise ValidationError("name", _("A series needs a name, or a kind from the catalogue."))
        groups = _groups(round_id, group_ids)
        days = session_days(start, weekday, weeks)
        series = Series.create(
            round=round_id,
            name=label,
            activity_type=kind.code if kind else None,
            weeks=weeks,
            first_day=days[0],
            weekday=weekday,
            time=f"{clock.hour:02d}:{clock.minute:02d}",
            place=place,
        )
        campuses = _main_campuses([g[0] for g in groups])
        activity_name = kind.name(current_language()) if kind else label
        now = utcnow()
        rows = []
        for group_id, group_name, leader_id in groups:
            for session, day in enumerate(days, start=1):
                starts = dt.datetime.combine(day, clock)  # wall-clock time, whatever DST
                title = _("{group} — {activity} {session}/{weeks}").format(
                    group=group_name, activity=activity_name, session=session, weeks=weeks
                )
                rows.append(
                    {
                        "round": round_id,
                        "activity_type": kind.code if kind else None,
                        "title": title[:TITLE_LIMIT],
                        "starts_at": starts,
                        "ends_at": starts + length if length else None,
                        "place": place,
                        "campus": campuses.get(group_id, ""),
                        "capacity": None,
                        "leader": leader_id,
                        "open_to_all": False,
                        "series": series.id,
                        "session": session,
                        "created_at": now,
                    }
                )
        for batch in chunked(rows, INSERT_CHUNK):
            Activity.insert_many(batch).execute()
        # Ids come in insertion order: the n-th session made is the n-th row above.
        made = [
            i
            for (i,) in Activity.select(Activity.id)
            .where(Activity.series == series.id)
            .order_by(Activity.id)
            .tuples()
        ]
        if len(made) != len(rows):  # pragma: no cover - a broken database
            raise RuntimeError("the series' sessions were not all made")
        links = [
            {"activity": activity_id, "group": groups[index // weeks][0]}
            for index, activity_id in enumerate(made)
        ]
        for batch in chunked(links, INSERT_CHUNK):
            ActivityGroup.insert_many(batch).execute()
    return SeriesReport(
        series_id=series.id,
        groups=len(groups),
        sessions=len(rows),
        name=label,
        first_day=days[0],
        last_day=days[-1],
    )


def get_series(series_id: int) -> Series:
    found = Series.get_or_none(Series.id == series_id)
    if found is None:
        raise NotFound(_("No series has the id {id}.").format(id=series_id))
    return found


def list_series(round_id: int) -> list[SeriesReport]:
    """A round's series, oldest first, with how many groups and sessions each has."""
    counts = {
        series_id: (groups, sessions)
        for series_id, groups, sessions in Activity.select(
            Activity.series,
            fn.COUNT(ActivityGroup.group.distinct()),
            fn.COUNT(Activity.id.distinct()),
        )
        .join(ActivityGroup, JOIN.LEFT_OUTER, on=(ActivityGroup.activity == Activity.id))
        .where((Activity.round == round_id) & Activity.series.is_null(False))
        .group_by(Activity.series)
        .tuples()
    }
    out = []
    for series in Series.select().where(Series.round == round_id).order_by(Series.id):
        groups, sessions = counts.get(series.id, (0, 0))
        last = series.first_day + dt.timedelta(weeks=series.weeks - 1)
        out.append(SeriesReport(series.id, groups, sessions, series.name, series.first_day, last))
    return out


def delete_series(series_id: int) -> int:
    """Delete a series with all its sessions and their attendance; return the sessions."""
    with database.atomic():
        series = get_series(series_id)
        refuse_if_closed(series.round_id)
        sessions = Activity.select().where(Activity.series == series_id).count()
        Activity.delete().where(Activity.series == series_id).execute()
        series.delete_instance()
        return sessions


# Attendance over the weeks.


@dataclass(frozen=True)
class _Session:
    activity_id: int
    series_id: int
    session: int
    day: dt.date
    group_id: int


def _sessions(round_id: int, series_id: int | None) -> list[_Session]:
    if series_id is not None:
        series = get_series(series_id)
        if series.round_id != round_id:
            raise NotFound(_("No series has the id {id}.").format(id=series_id))
    condition = (Activity.round == round_id) & Activity.series.is_null(False)
    if series_id is not None:
        condition &= Activity.series == series_id
    query = (
        ActivityGroup.select(
            Activity.id, Activity.series, Activity.session, Activity.starts_at, ActivityGroup.group
        )
        .join(Activity, on=(ActivityGroup.activity == Activity.id))
        .where(condition)
        .order_by(Activity.series, Activity.session, Activity.id)
        .tuples()
    )
    return [
        _Session(activity_id, series, session, starts.date(), group_id)
        for activity_id, series, session, starts, group_id in query
    ]


def _session_filter(round_id: int, series_id: int | None):
    """A subquery: the ids of the round's series sessions (of one series, if given)."""
    query = Activity.select(Activity.id).where(
        (Activity.round == round_id) & Activity.series.is_null(False)
    )
    return query.where(Activity.series == series_id) if series_id is not None else query


def attendance_by_week(round_id: int, series_id: int | None = None) -> list[WeekAttendance]:
    """Per session of each series: who came, out of the members of the groups whose
    attendance was taken that week. Four queries, whatever the size of the round."""
    sessions = _sessions(round_id, series_id)
    activities = _session_filter(round_id, series_id)
    taken = {
        a
        for (a,) in Attendance.select(Attendance.activity)
        .where(Attendance.activity.in_(activities))
        .distinct()
        .tuples()
    }
    present = dict(
        Attendance.select(Attendance.activity, fn.COUNT(Attendance.id))
        .where(Attendance.activity.in_(activities) & (Attendance.present == True))  # noqa: E712
        .group_by(Attendance.activity)
        .tuples()
    )
    sizes = dict(
        members_of_groups(
            ActivityGroup.select(ActivityGroup.group).where(ActivityGroup.activity.in_(activities)),
            SignUp.group,
            fn.COUNT(SignUp.id),
        )
        .group_by(SignUp.group)
        .tuples()
    )
    weeks: dict[tuple[int, int], dict] = {}
    for s in sessions:
        week = weeks.setdefault(
            (s.series_id, s.session),
            {"date": s.day, "present": 0, "expected": 0, "taken": set(), "groups": set()},
        )
        week["date"] = min(week["date"], s.day)
        week["groups"].add(s.group_id)
        if s.activity_id in taken and s.group_id not in week["taken"]:
            week["taken"].add(s.group_id)
            week["present"] += present.get(s.activity_id, 0)
            week["expected"] += sizes.get(s.group_id, 0)
    return [
        WeekAttendance(
            session=session,
            date=week["date"],
            present=week["present"],
            expected=week["expected"],
            taken_groups=len(week["taken"]),
            groups=len(week["groups"]),
            series_id=series,
        )
        for (series, session), week in sorted(weeks.items())
    ]


def missed_in_a_row(taken: Sequence[int], present: set[int]) -> bool:
    """Whether somebody missed two taken sessions in a row (sessions whose attendance was
    not taken are left out of `taken`, so they neither break nor lengthen a streak)."""
    streak = 0
    for session in taken:
        streak = 0 if session in present else streak + 1
        if streak >= 2:
            return True
    return False


def dropouts(round_id: int, series_id: int | None = None) -> list[Dropout]:
    """Members who were absent from two sessions in a row whose attendance was taken, by
    group and name. Absent is "not marked present": the leader may mark only those who
    came. Four queries, whatever the size of the round."""
    sessions = _sessions(round_id, series_id)
    activities = _session_filter(round_id, series_id)
    taken = {
        a
        for (a,) in Attendance.select(Attendance.activity)
        .where(Attendance.activity.in_(activities))
        .distinct()
        .tuples()
    }
    # (series, group) -> [(session, activity)] of the taken sessions, in order.
    plan: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for s in sessions:
        if s.activity_id in taken:
            plan.setdefault((s.series_id, s.group_id), []).append((s.session, s.activity_id))
    if not plan:
        return []
    came: dict[int, set[int]] = {}  # signup -> activities they came to
    for activity_id, signup_id in (
        Attendance.select(Attendance.activity, Attendance.signup)
        .where(Attendance.activity.in_(activities) & (Attendance.present == True))  # noqa: E712
        .tuples()
    ):
        came.setdefault(signup_id, set()).add(activity_id)
    members = (
        members_of_groups(
            ActivityGroup.select(ActivityGroup.group).where(ActivityGroup.activity.in_(activities)),
            SignUp.id,
            SignUp.name,
            SignUp.email,
            SignUp.phone,
            SignUp.group,
            Group.name,
            Leader.name,
        )
        .join(Group, on=(SignUp.group == Group.id))
        .join(Leader, JOIN.LEFT_OUTER, on=(Group.leader == Leader.id))
        .order_by(Group.sort_key, Group.id, SignUp.name_key, SignUp.id)
        .tuples()
    )
    series_ids = sorted({key[0] for key in plan})
    out = []
    for signup_id, name, email, phone, group_id, group_name, leader in members:
        attended = came.get(signup_id, set())
        for series in series_ids:
            planned = plan.get((series, group_id))
            if not planned:
                continue
            present = {session for session, activity in planned if activity in attended}
            order = [session for session, _activity in planned]
            if not missed_in_a_row(order, present):
                continue
            out.append(
                Dropout(
                    signup_id=signup_id,
                    name=name,
                    email=email,
                    phone=phone,
                    group=group_name,
                    leader=leader or "",
                    missed_sessions=tuple(s for s in order if s not in present),
                    last_seen_session=max(present) if present else None,
                    series_id=series,
                )
            )
    return out
