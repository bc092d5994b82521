"""Scheduled activities: a rebus race for the whole round, a barbecue for two groups, or
one session of a series of weekly hikes. People join an activity (with a waiting list
once it is full), and the leader takes attendance.

Who takes part in an activity:

- an activity open to all, or for some groups: the people who joined it. Only members
  of its groups may join one that is for groups. Until the capacity is reached they are
  "going", then "waiting" in the order they joined; when somebody going leaves, the
  first one waiting gets the place.
- a session of a series (see `core.series`): every member of its group, without joining.

Times are wall-clock times in Europe/Oslo, like every meeting time in Spleis. Every
write is one transaction, and a closed round refuses them all. Lists are frozen
dataclasses, safe to hand from a worker thread to the UI, and take a fixed handful of
queries whatever the number of activities and people.

    >>> activity = schedule_activity(round_id, {"type": "rebuslop",
    ...     "starts_at": dt.datetime(2027, 9, 2, 17, 0), "capacity": 40})  # doctest: +SKIP
    >>> join(activity.id, [kari.id, ola.id])  # doctest: +SKIP
    JoinReport(going=(12, 13), waiting=(), already=(), not_allowed=())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from peewee import JOIN, Case, chunked, fn

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import (
    Activity,
    ActivityGroup,
    ActivitySignUp,
    ActivityType,
    Attendance,
    Campus,
    Group,
    Leader,
    Round,
    SignUp,
    database,
    utcnow,
)
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import _, current_language, ngettext

OSLO = ZoneInfo("Europe/Oslo")
TITLE_LIMIT = 200
PLACE_LIMIT = 200
CAPACITY_LIMIT = 10_000
INSERT_CHUNK = 100
# How many ids go into one IN (...) list: far below every backend's parameter limit.
IN_CHUNK = 500


@dataclass(frozen=True)
class ActivityRow:
    id: int
    title: str
    type_code: str  # "" when the activity has no kind from the catalogue
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    campus: str  # a campus code, or ""
    capacity: int | None
    leader: str  # the leader's name, or ""
    open_to_all: bool
    group_names: tuple[str, ...]
    going: int
    waiting: int
    present: int
    # Expected but not marked present, once attendance is taken (0 before).
    absent: int
    series_id: int | None
    session: int | None
    # Who is expected: the people going, or for a series session its group's members.
    expected: int = 0
    taken: bool = False  # attendance has been taken


@dataclass(frozen=True)
class JoinReport:
    """What joining did, as sign-up ids in the order they were given."""

    going: tuple[int, ...]
    waiting: tuple[int, ...]
    already: tuple[int, ...]  # on the list before (or, for a series session, a member)
    not_allowed: tuple[int, ...]  # withdrawn, not in its groups, or not in the round


@dataclass(frozen=True)
class ActivityPerson:
    signup_id: int
    name: str
    email: str
    group: str  # the group's name, or ""
    status: str  # "going", "waiting", or "member" (of a series session's group)
    position: int | None  # place on the waiting list, from 1
    present: bool | None  # None until attendance is taken for them


# Shared queries.


def members_of_groups(groups, *fields):
    """The active members of some groups: a query selecting `fields` (default the id).

    `groups` is a list of group ids or a subquery selecting them. Every "who is in
    these groups" question in activities and series goes through here, so a withdrawn
    member never counts anywhere.
    """
    # "Not withdrawn" rather than "active": an equality would tempt SQLite, which has no
    # statistics, to read every active sign-up by the status index instead of looking
    # up the few members of the groups by the group index.
    return SignUp.select(*(fields or (SignUp.id,))).where(
        SignUp.group.in_(groups) & (SignUp.status != "withdrawn")
    )


def groups_of(activity_id: int):
    """A subquery: the ids of the groups an activity is for."""
    return ActivityGroup.select(ActivityGroup.group).where(ActivityGroup.activity == activity_id)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    yield from chunked(ids, IN_CHUNK)


def _unique_ids(values: Iterable[int]) -> list[int]:
    try:
        return list(dict.fromkeys(int(v) for v in values))
    except (TypeError, ValueError):
        raise ValidationError("signups", _("Give sign-ups by their ids.")) from None


def _for_members(activity: Activity) -> bool:
    """A series session is for its groups' members, who do not join it."""
    return activity.series_id is not None


def _round(round_id: int) -> Round:
    found = Round.get_or_none(Round.id == round_id)
    if found is None:
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    return found


def get_activity(activity_id: int) -> Activity:
    found = Activity.get_or_none(Activity.id == activity_id)
    if found is None:
        raise NotFound(_("No activity has the id {id}.").format(id=activity_id))
    return found


def find_activity(round_id: int, ref: str | int) -> Activity:
    """An activity of a round by id, or by its title (case-insensitive) if only one has
    it; failing that, by a part of its title if only one title holds it."""
    text = str(ref).strip()
    if text.isdigit():
        found = Activity.get_or_none((Activity.id == int(text)) & (Activity.round == round_id))
        if found is not None:
            return found
    key = fold(text)
    titles = list(
        Activity.select(Activity.id, Activity.title)
        .where(Activity.round == round_id)
        .order_by(Activity.starts_at, Activity.id)
        .tuples()
    )
    matches = [i for i, title in titles if fold(title) == key]
    if not matches and key:
        matches = [i for i, title in titles if key in fold(title)]
    if len(matches) == 1:
        return get_activity(matches[0])
    if matches:
        shown = ", ".join(str(i) for i in matches[:20]) + (" …" if len(matches) > 20 else "")
        raise ValidationError(
            "activity",
            ngettext(
                "{count} activity matches {value}: id {ids}. Give the id.",
                "{count} activities match {value}: ids {ids}. Give the id.",
                len(matches),
            ).format(count=len(matches), value=text, ids=shown),
        )
    raise NotFound(_("No activity in this round matches {value}.").format(value=text))


# Validating what the user gives.


def parse_moment(text: str, field: str = "starts_at") -> dt.datetime:
    """ "2027-01-28 17:00", "2027-01-28T17:00" or "28.01.2027 17.00" as a datetime."""
    value = " ".join(text.strip().replace("T", " ").replace(" kl. ", " ").split())
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M"):
        try:
            return dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValidationError(
        field,
        _("{value} is not a date and time. Write it like 2027-01-28 17:00.").format(value=text),
    )


def _moment(value: object, field: str, *, required: bool) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(field, _("Choose when the activity starts."))
        return None
    if isinstance(value, str):
        value = parse_moment(value, field)
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, _("Give a date and a time."))
    if value.tzinfo is not None:  # stored as wall-clock time in Oslo
        value = value.astimezone(OSLO).replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


def _text(value: object, field: str, limit: int) -> str:
    text = clean_text(value)[0]
    if len(text) > limit:
        raise ValidationError(
            field, _("This is too long (at most {limit} characters).").format(limit=limit)
        )
    return text


def _capacity(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= CAPACITY_LIMIT:
        raise ValidationError(
            "capacity",
            _(
                "The capacity is a whole number from 1 to {limit}, or empty for room for everybody."
            ).format(limit=CAPACITY_LIMIT),
        )
    return number


def _campus(value: object) -> str:
    text = clean_text(value)[0]
    if not text:
        return ""
    wanted = fold(text)
    for code, name in Campus.select(Campus.code, Campus.name).tuples():
        if wanted in (fold(code), fold(name)):
            return code
    raise ValidationError("campus", _("{value} is not a known campus.").format(value=text))


def _leader(round_id: int, value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        leader_id = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        leader_id = None
    if leader_id is None or not (
        Leader.select().where((Leader.id == leader_id) & (Leader.round == round_id)).exists()
    ):
        raise ValidationError(
            "leader", _("No leader in this round has the id {id}.").format(id=value)
        )
    return leader_id


def _group_ids(round_id: int, value: object) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, int | str):
        value = [value]
    try:
        ids = list(dict.fromkeys(int(v) for v in value))  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValidationError("groups", _("Give the groups by their ids.")) from None
    known: set[int] = set()
    for chunk in _chunks(ids):
        known |= {
            group_id
            for (group_id,) in Group.select(Group.id)
            .where((Group.round == round_id) & Group.id.in_(chunk))
            .tuples()
        }
    missing = [group_id for group_id in ids if group_id not in known]
    if missing:
        raise ValidationError("groups", _("No group has the id {id}.").format(id=missing[0]))
    return ids


def _type_code(value: object) -> str | None:
    code = str(value).strip().lower() if value not in (None, "") else ""
    if not code:
        return None
    if not ActivityType.select().where(ActivityType.code == code).exists():
        raise ValidationError(
            "type", _("No activity in the catalogue has the code {code}.").format(code=value)
        )
    return code


def _validate(
    round_id: int, data: Mapping[str, object], current: Activity | None = None
) -> tuple[dict, list[int] | None]:
    """The columns to store and the groups (None: leave them as they are).

    Creating takes every key (missing ones get their default); updating only the keys
    given.
    """

    def given(key: str) -> bool:
        return current is None or key in data

    values: dict = {}
    before = {}  # what the checks across fields need of the activity as it is
    if current is not None:
        before = {
            "activity_type": current.activity_type_id,
            "starts_at": current.starts_at,
            "ends_at": current.ends_at,
        }
    if given("type"):
        values["activity_type"] = _type_code(data.get("type"))
    type_code = (before | values)["activity_type"]
    if given("title"):
        title = _text(data.get("title"), "title", TITLE_LIMIT)
        if not title and type_code:
            title = ActivityType.get_by_id(type_code).name(current_language())
        if not title:
            raise ValidationError(
                "title", _("An activity needs a title, or a kind from the catalogue.")
            )
        values["title"] = title
    if given("starts_at"):
        values["starts_at"] = _moment(data.get("starts_at"), "starts_at", required=True)
    if given("ends_at"):
        values["ends_at"] = _moment(data.get("ends_at"), "ends_at", required=False)
    starts, ends = (before | values)["starts_at"], (before | values)["ends_at"]
    if ends is not None and ends <= starts:
        raise ValidationError("ends_at", _("An activity must end after it starts."))
    if given("place"):
        values["place"] = _text(data.get("place"), "place", PLACE_LIMIT)
    if given("campus"):
        values["campus"] = _campus(data.get("campus"))
    if given("capacity"):
        values["capacity"] = _capacity(data.get("capacity"))
    if given("leader_id"):
        values["leader"] = _leader(round_id, data.get("leader_id"))
    groups = _group_ids(round_id, data.get("group_ids")) if given("group_ids") else None
    if groups is not None:
        values["open_to_all"] = not groups
    return values, groups


# Scheduling.


def _link_groups(activity_id: int, group_ids: Sequence[int]) -> None:
    rows = [{"activity": activity_id, "group": group_id} for group_id in group_ids]
    for batch in chunked(rows, INSERT_CHUNK):
        ActivityGroup.insert_many(batch).execute()


def schedule_activity(round_id: int, data: Mapping[str, object]) -> Activity:
    """Schedule an activity. Keys: type (a catalogue code), title (default: the kind's
    name), starts_at, ends_at, place, campus, capacity (None: room for everybody),
    leader_id, group_ids (empty: open to the whole round)."""
    with database.atomic():
        _round(round_id)
        refuse_if_closed(round_id)
        values, groups = _validate(round_id, data)
        activity = Activity.create(round=round_id, **values)
        _link_groups(activity.id, groups or [])
        return activity


def update_activity(activity_id: int, data: Mapping[str, object]) -> Activity:
    """Change the keys given (as for `schedule_activity`). More places let the people
    waiting in, in order; fewer places than people going is refused."""
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        values, groups = _validate(activity.round_id, data, activity)
        if values.get("capacity") is not None:
            going = _count(activity_id, "going")
            if values["capacity"] < going:
                raise ValidationError(
                    "capacity",
                    ngettext(
                        "{count} person is already going, so there must be room for at "
                        "least {count}. Ask somebody to leave first.",
                        "{count} people are already going, so there must be room for at "
                        "least {count}. Ask somebody to leave first.",
                        going,
                    ).format(count=going),
                )
        if values:
            Activity.update(values).where(Activity.id == activity_id).execute()
        if groups is not None:
            ActivityGroup.delete().where(ActivityGroup.activity == activity_id).execute()
            _link_groups(activity_id, groups)
        activity = get_activity(activity_id)
        _fill_places(activity)
        return activity


def delete_activity(activity_id: int) -> None:
    """Delete an activity with its list and attendance."""
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        activity.delete_instance()


# Listing.


def list_activities(round_id: int) -> list[ActivityRow]:
    """A round's activities by start time, with how many go, wait and came (5 queries)."""
    in_round = Activity.select(Activity.id).where(Activity.round == round_id)
    rows = list(
        Activity.select(
            Activity.id,
            Activity.title,
            Activity.activity_type,
            Activity.starts_at,
            Activity.ends_at,
            Activity.place,
            Activity.campus,
            Activity.capacity,
            Leader.name.alias("leader_name"),
            Activity.open_to_all,
            Activity.series,
            Activity.session,
        )
        .join(Leader, JOIN.LEFT_OUTER, on=(Activity.leader == Leader.id))
        .where(Activity.round == round_id)
        .order_by(Activity.starts_at, Activity.id)
        .dicts()
    )
    places: dict[tuple[int, str], int] = {
        (activity, status): count
        for activity, status, count in ActivitySignUp.select(
            ActivitySignUp.activity, ActivitySignUp.status, fn.COUNT(ActivitySignUp.id)
        )
        .where(ActivitySignUp.activity.in_(in_round))
        .group_by(ActivitySignUp.activity, ActivitySignUp.status)
        .tuples()
    }
    marked: dict[tuple[int, bool], int] = {
        (activity, bool(present)): count
        for activity, present, count in Attendance.select(
            Attendance.activity, Attendance.present, fn.COUNT(Attendance.id)
        )
        .where(Attendance.activity.in_(in_round))
        .group_by(Attendance.activity, Attendance.present)
        .tuples()
    }
    names: dict[int, list[str]] = {}
    groups: dict[int, list[int]] = {}
    for activity, group_id, name in (
        ActivityGroup.select(ActivityGroup.activity, Group.id, Group.name)
        .join(Group, on=(ActivityGroup.group == Group.id))
        .where(ActivityGroup.activity.in_(in_round))
        .order_by(Group.sort_key, Group.id)
        .tuples()
    ):
        names.setdefault(activity, []).append(name)
        groups.setdefault(activity, []).append(group_id)
    sizes = dict(
        members_of_groups(
            ActivityGroup.select(ActivityGroup.group)
            .join(Activity, on=(ActivityGroup.activity == Activity.id))
            .where((Activity.round == round_id) & Activity.series.is_null(False)),
            SignUp.group,
            fn.COUNT(SignUp.id),
        )
        .group_by(SignUp.group)
        .tuples()
    )
    out = []
    for r in rows:
        key = r["id"]
        going = places.get((key, "going"), 0)
        present = marked.get((key, True), 0)
        taken = present + marked.get((key, False), 0) > 0
        if r["series"] is not None:
            expected = sum(sizes.get(group_id, 0) for group_id in groups.get(key, ()))
        else:
            expected = going
        out.append(
            ActivityRow(
                id=key,
                title=r["title"],
                type_code=r["activity_type"] or "",
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                place=r["place"],
                campus=r["campus"],
                capacity=r["capacity"],
                leader=r["leader_name"] or "",
                open_to_all=bool(r["open_to_all"]),
                group_names=tuple(names.get(key, ())),
                going=going,
                waiting=places.get((key, "waiting"), 0),
                present=present,
                absent=max(expected - present, 0) if taken else 0,
                series_id=r["series"],
                session=r["session"],
                expected=expected,
                taken=taken,
            )
        )
    return out


def participants(activity_id: int) -> list[ActivityPerson]:
    """Who takes part: those going (by name), then those waiting (in order); for a series
    session, the members of its groups (by group, then name)."""
    activity = get_activity(activity_id)
    present = dict(
        Attendance.select(Attendance.signup, Attendance.present)
        .where(Attendance.activity == activity_id)
        .tuples()
    )
    if _for_members(activity):
        query = (
            members_of_groups(
                groups_of(activity_id), SignUp.id, SignUp.name, SignUp.email, Group.name
            )
            .join(Group, on=(SignUp.group == Group.id))
            .order_by(Group.sort_key, SignUp.name_key, SignUp.id)
            .tuples()
        )
        return [
            ActivityPerson(i, name, email, group, "member", None, _present(present, i))
            for i, name, email, group in query
        ]
    query = (
        ActivitySignUp.select(
            SignUp.id, SignUp.name, SignUp.email, Group.name, ActivitySignUp.status
        )
        .join(SignUp, on=(ActivitySignUp.signup == SignUp.id))
        .join(Group, JOIN.LEFT_OUTER, on=(SignUp.group == Group.id))
        .where(ActivitySignUp.activity == activity_id)
        .order_by(
            Case(None, [(ActivitySignUp.status == "going", 0)], 1),
            Case(None, [(ActivitySignUp.status == "going", SignUp.name_key)], ""),
            ActivitySignUp.signed_up_at,
            ActivitySignUp.id,
        )
        .tuples()
    )
    out = []
    position = 0
    for i, name, email, group, status in query:
        if status == "waiting":
            position += 1
        out.append(
            ActivityPerson(
                i,
                name,
                email,
                group or "",
                status,
                position if status == "waiting" else None,
                _present(present, i),
            )
        )
    return out


def _present(marked: Mapping[int, object], signup_id: int) -> bool | None:
    value = marked.get(signup_id)
    return None if value is None else bool(value)


# Joining, leaving and the waiting list.


def _count(activity_id: int, status: str) -> int:
    return (
        ActivitySignUp.select()
        .where((ActivitySignUp.activity == activity_id) & (ActivitySignUp.status == status))
        .count()
    )


def _fill_places(activity: Activity) -> list[int]:
    """Give free places to the people waiting, first come first served; return who got
    one (sign-up ids, in order)."""
    waiting = (
        ActivitySignUp.select(ActivitySignUp.id, ActivitySignUp.signup)
        .where((ActivitySignUp.activity == activity.id) & (ActivitySignUp.status == "waiting"))
        .order_by(ActivitySignUp.signed_up_at, ActivitySignUp.id)
    )
    if activity.capacity is not None:
        free = activity.capacity - _count(activity.id, "going")
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    chosen = list(waiting.tuples())
    for batch in _chunks([row_id for row_id, _signup in chosen]):
        ActivitySignUp.update(status="going").where(ActivitySignUp.id.in_(batch)).execute()
    return [signup for _row, signup in chosen]


def _people(ids: Sequence[int]) -> dict[int, tuple[int, str, int | None]]:
    """Sign-up id -> (round, status, group) for the ids that exist."""
    people = {}
    for chunk in _chunks(ids):
        for i, round_id, status, group_id in (
            SignUp.select(SignUp.id, SignUp.round, SignUp.status, SignUp.group)
            .where(SignUp.id.in_(chunk))
            .tuples()
        ):
            people[i] = (round_id, status, group_id)
    return people


def _join(activity: Activity, ids: list[int]) -> JoinReport:
    people = _people(ids)
    allowed_groups = (
        None
        if activity.open_to_all and not _for_members(activity)
        else {group_id for (group_id,) in groups_of(activity.id).tuples()}
    )

    def allowed(signup_id: int) -> bool:
        person = people.get(signup_id)
        return (
            person is not None
            and person[0] == activity.round_id
            and person[1] == "active"
            and (allowed_groups is None or person[2] in allowed_groups)
        )

    if _for_members(activity):
        # Members take part without joining; nobody else can.
        return JoinReport(
            going=(),
            waiting=(),
            already=tuple(i for i in ids if allowed(i)),
            not_allowed=tuple(i for i in ids if not allowed(i)),
        )
    on_list: set[int] = set()
    for chunk in _chunks(ids):
        on_list |= {
            signup
            for (signup,) in ActivitySignUp.select(ActivitySignUp.signup)
            .where((ActivitySignUp.activity == activity.id) & ActivitySignUp.signup.in_(chunk))
            .tuples()
        }
    _fill_places(activity)  # nobody who joins now goes before somebody already waiting
    going_now = _count(activity.id, "going")
    going, waiting, already, not_allowed = [], [], [], []
    for signup_id in ids:
        if not allowed(signup_id):
            not_allowed.append(signup_id)
        elif signup_id in on_list:
            already.append(signup_id)
        elif activity.capacity is None or going_now < activity.capacity:
            going.append(signup_id)
            going_now += 1
        else:
            waiting.append(signup_id)
    now = utcnow()
    status = {signup_id: "going" for signup_id in going} | {i: "waiting" for i in waiting}
    rows = [
        {"activity": activity.id, "signup": i, "status": status[i], "signed_up_at": now}
        for i in ids
        if i in status
    ]
    # In the order given: ids then keep the waiting list in arrival order within a second.
    for batch in chunked(rows, INSERT_CHUNK):
        ActivitySignUp.insert_many(batch).execute()
    return JoinReport(tuple(going), tuple(waiting), tuple(already), tuple(not_allowed))


def join(activity_id: int, signup_ids: Iterable[int]) -> JoinReport:
    """Put people on an activity's list, in the order given: going while there is room,
    then waiting. Withdrawn people, and for an activity that is for some groups anybody
    outside them, are not allowed."""
    ids = _unique_ids(signup_ids)
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        return _join(activity, ids)


def join_group(activity_id: int, group_id: int) -> JoinReport:
    """Put a whole group on an activity's list: its active members, in name order."""
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        group = Group.get_or_none((Group.id == group_id) & (Group.round == activity.round_id))
        if group is None:
            raise NotFound(_("No group has the id {id}.").format(id=group_id))
        ids = [
            i
            for (i,) in members_of_groups([group_id], SignUp.id)
            .order_by(SignUp.name_key, SignUp.id)
            .tuples()
        ]
        return _join(activity, ids)


def leave(activity_id: int, signup_id: int) -> int | None:
    """Take somebody off an activity's list (and its attendance). When they had a place,
    the first one waiting gets it: return that sign-up's id, or None."""
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        row = ActivitySignUp.get_or_none(
            (ActivitySignUp.activity == activity_id) & (ActivitySignUp.signup == signup_id)
        )
        if row is None:
            person = SignUp.get_or_none(SignUp.id == signup_id)
            if person is None:
                raise NotFound(_("No sign-up has the id {id}.").format(id=signup_id))
            raise ValidationError(
                "signup",
                _("{name} is not on the list for {title}.").format(
                    name=person.name, title=activity.title
                ),
            )
        row.delete_instance()
        Attendance.delete().where(
            (Attendance.activity == activity_id) & (Attendance.signup == signup_id)
        ).execute()
        promoted = _fill_places(activity)
        return promoted[0] if promoted else None


# Attendance.


def _participant_ids(activity: Activity, ids: Sequence[int]) -> set[int]:
    """Which of `ids` take part in the activity."""
    found: set[int] = set()
    for chunk in _chunks(ids):
        if _for_members(activity):
            query = members_of_groups(groups_of(activity.id), SignUp.id).where(SignUp.id.in_(chunk))
        else:
            query = ActivitySignUp.select(ActivitySignUp.signup).where(
                (ActivitySignUp.activity == activity.id) & ActivitySignUp.signup.in_(chunk)
            )
        found |= {i for (i,) in query.tuples()}
    return found


def _refuse_outsiders(activity: Activity, ids: Sequence[int]) -> None:
    inside = _participant_ids(activity, ids)
    outside = [i for i in ids if i not in inside]
    if not outside:
        return
    known = {}
    for chunk in _chunks(outside[:10]):
        known |= dict(SignUp.select(SignUp.id, SignUp.name).where(SignUp.id.in_(chunk)).tuples())
    names = ", ".join(known.get(i, f"#{i}") for i in outside[:10])
    if len(outside) > 10:
        names += " " + _("and {count} more").format(count=len(outside) - 10)
    raise ValidationError(
        "signups",
        ngettext(
            "{names} does not take part in {title}.",
            "{names} do not take part in {title}.",
            len(outside),
        ).format(names=names, title=activity.title),
    )


def mark_attendance(activity_id: int, signup_ids: Iterable[int], present: bool = True) -> int:
    """Mark people present (or absent) at an activity; return how many were marked.

    Only people who take part may be marked: those on its list, or for a series session
    its groups' members. Anybody else is refused, by name, and nothing is marked.
    """
    ids = _unique_ids(signup_ids)
    if not ids:
        return 0
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        _refuse_outsiders(activity, ids)
        now = utcnow()
        existing: dict[int, int] = {}
        for chunk in _chunks(ids):
            existing |= dict(
                Attendance.select(Attendance.signup, Attendance.id)
                .where((Attendance.activity == activity_id) & Attendance.signup.in_(chunk))
                .tuples()
            )
        for batch in _chunks(list(existing.values())):
            Attendance.update(present=bool(present), marked_at=now).where(
                Attendance.id.in_(batch)
            ).execute()
        rows = [
            {"activity": activity_id, "signup": i, "present": bool(present), "marked_at": now}
            for i in ids
            if i not in existing
        ]
        for batch in chunked(rows, INSERT_CHUNK):
            Attendance.insert_many(batch).execute()
        return len(ids)


def clear_attendance(activity_id: int, signup_ids: Iterable[int]) -> int:
    """Forget whether people came (as if never marked); return how many were cleared."""
    ids = _unique_ids(signup_ids)
    with database.atomic():
        activity = get_activity(activity_id)
        refuse_if_closed(activity.round_id)
        cleared = 0
        for chunk in _chunks(ids):
            cleared += (
                Attendance.delete()
                .where((Attendance.activity == activity_id) & Attendance.signup.in_(chunk))
                .execute()
            )
        return cleared
