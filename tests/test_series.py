"""Series of weekly sessions: making them, attendance per week, and who stopped coming."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.activities import (
    list_activities,
    mark_attendance,
    participants,
    schedule_activity,
)
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Activity, ActivityGroup, Attendance, Series
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.series import (
    attendance_by_week,
    create_series,
    delete_series,
    dropouts,
    list_series,
    parse_weekday,
    session_days,
)
from spleis_tui.core.signups import add_signup, set_status
from spleis_tui.i18n import set_language
from tests.factories import person

MONDAY = dt.date(2027, 8, 30)
WEDNESDAY = 2


@pytest.fixture
def hikers(ref, round_id):
    """Group A: Kari, Ola (Dragvoll) and Aisha (Gløshaugen), led by Lea;
    Group B: Bjørn and Chen (Gløshaugen), without a leader; Dina in no group."""
    lea = add_leader(round_id, {"name": "Lea", "email": "lea@ntnu.no", "role": "turleder"}, ref)
    first, second = create_group(round_id, "Group A"), create_group(round_id, "Group B")
    set_group_leader(first.id, lea.id)
    ids = {}
    for name, campus, group in (
        ("Kari", "dragvoll", first.id),
        ("Ola", "dragvoll", first.id),
        ("Aisha", "gloshaugen", first.id),
        ("Bjørn", "gloshaugen", second.id),
        ("Chen", "gloshaugen", second.id),
        ("Dina", "gloshaugen", None),
    ):
        data = person(name=name, email=f"{name.lower()}@stud.ntnu.no", campus=campus)
        data["programme"] = ""
        ids[name] = add_signup(round_id, data, ref, consent=True).id
        if group is not None:
            move_member(ids[name], group)
    return {"lea": lea.id, "A": first.id, "B": second.id, **ids}


def sessions_of(series_id: int, group_id: int) -> list[Activity]:
    return list(
        Activity.select()
        .join(ActivityGroup, on=(ActivityGroup.activity == Activity.id))
        .where((Activity.series == series_id) & (ActivityGroup.group == group_id))
        .order_by(Activity.session)
    )


def hikes(round_id: int, **kwargs):
    args = {"start": MONDAY, "weekday": WEDNESDAY, "time": "17:00", "place": "Lian"} | kwargs
    return create_series(round_id, **args)


# Making a series.


def test_a_series_starts_on_the_weekday_in_the_week_of_the_start(round_id, hikers):
    report = hikes(round_id)
    days = [a.starts_at for a in sessions_of(report.series_id, hikers["A"])]
    assert days[0] == dt.datetime(2027, 9, 1, 17, 0)  # the Wednesday after Monday 30 August
    assert days == [days[0] + dt.timedelta(weeks=week) for week in range(6)]
    assert (report.groups, report.sessions, report.first_day, report.last_day) == (
        2,
        12,
        dt.date(2027, 9, 1),
        dt.date(2027, 10, 6),
    )


def test_a_start_after_the_weekday_moves_to_the_next_week(round_id, hikers):
    report = hikes(round_id, start=dt.date(2027, 9, 2))  # a Thursday
    assert sessions_of(report.series_id, hikers["A"])[0].starts_at.date() == dt.date(2027, 9, 8)


def test_a_start_on_the_weekday_is_the_first_session():
    assert session_days(dt.date(2027, 9, 1), WEDNESDAY, 2) == [
        dt.date(2027, 9, 1),
        dt.date(2027, 9, 8),
    ]


@pytest.mark.parametrize("start", [dt.date(2027, 10, 13), dt.date(2028, 3, 8)])
def test_the_wall_clock_time_stays_across_a_change_of_summer_time(round_id, hikers, start):
    report = hikes(round_id, start=start, time="17:00")
    times = [a.starts_at for a in sessions_of(report.series_id, hikers["A"])]
    assert {(t.hour, t.minute) for t in times} == {(17, 0)}
    oslo = ZoneInfo("Europe/Oslo")
    offsets = {t.replace(tzinfo=oslo).utcoffset() for t in times}
    assert len(offsets) == 2  # the series does cross the change


def test_each_group_gets_its_own_sessions_with_its_leader_and_campus(round_id, hikers):
    report = hikes(round_id, weeks=3, duration_minutes=120)
    first = sessions_of(report.series_id, hikers["A"])
    second = sessions_of(report.series_id, hikers["B"])
    assert [a.title for a in first] == [
        "Group A — Hike 1/3",
        "Group A — Hike 2/3",
        "Group A — Hike 3/3",
    ]
    assert [a.session for a in second] == [1, 2, 3]
    assert {a.leader_id for a in first} == {hikers["lea"]}
    assert {a.leader_id for a in second} == {None}
    assert {a.campus for a in first} == {"dragvoll"}  # two of three study there
    assert {a.campus for a in second} == {"gloshaugen"}
    assert {(a.place, a.open_to_all, a.activity_type_id) for a in first + second} == {
        ("Lian", False, "fottur")
    }
    assert all(a.ends_at - a.starts_at == dt.timedelta(hours=2) for a in first)
    series = Series.get_by_id(report.series_id)
    assert (series.name, series.weeks, series.time, series.first_day) == (
        "Hike",
        3,
        "17:00",
        dt.date(2027, 9, 1),
    )


def test_titles_follow_the_language_and_a_series_without_a_kind_uses_its_name(round_id, hikers):
    set_language("nb")
    report = hikes(round_id, weeks=1)
    title = sessions_of(report.series_id, hikers["A"])[0].title
    assert title.startswith("Group A ") and title.endswith(" Fottur 1/1")
    own = hikes(round_id, weeks=2, type_code=None, name="Kveldstur")
    assert sessions_of(own.series_id, hikers["B"])[1].title.endswith(" Kveldstur 2/2")
    assert sessions_of(own.series_id, hikers["B"])[1].activity_type_id is None


def test_only_the_groups_given_get_sessions(round_id, hikers):
    report = hikes(round_id, group_ids=[hikers["B"]])
    assert report.groups == 1
    assert sessions_of(report.series_id, hikers["A"]) == []
    assert len(sessions_of(report.series_id, hikers["B"])) == 6


def test_series_are_listed_with_their_size(round_id, hikers):
    first = hikes(round_id, weeks=2)
    assert list_series(round_id) == [first]


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("weeks", {"weeks": 0}),
        ("weeks", {"weeks": 53}),
        ("weeks", {"weeks": "six"}),
        ("weekday", {"weekday": 7}),
        ("weekday", {"weekday": -1}),
        ("time", {"time": "25:00"}),
        ("time", {"time": "5pm"}),
        ("time", {"time": "17:60"}),
        ("start", {"start": "2027-09-01"}),
        ("type", {"type_code": "paragliding"}),
        ("name", {"type_code": None, "name": None}),
        ("groups", {"group_ids": []}),
        ("groups", {"group_ids": [99_999]}),
        ("place", {"place": "x" * 201}),
        ("duration_minutes", {"duration_minutes": -5}),
    ],
)
def test_making_a_series_names_the_field_at_fault(round_id, hikers, field, kwargs):
    with pytest.raises(ValidationError) as caught:
        hikes(round_id, **kwargs)
    assert caught.value.field == field
    assert caught.value.message
    assert Series.select().count() == Activity.select().count() == 0


def test_a_round_without_groups_cannot_have_a_series(round_id):
    with pytest.raises(ValidationError, match="at least one group"):
        hikes(round_id)


def test_a_closed_round_refuses_a_series(round_id, hikers):
    report = hikes(round_id)
    set_round_status(round_id, "closed")
    with pytest.raises(ValidationError, match="closed"):
        hikes(round_id)
    with pytest.raises(ValidationError, match="closed"):
        delete_series(report.series_id)


def test_a_time_may_be_written_with_a_dot(round_id, hikers):
    report = hikes(round_id, time="9.30", weeks=1)
    assert sessions_of(report.series_id, hikers["A"])[0].starts_at.time() == dt.time(9, 30)


def test_deleting_a_series_takes_its_sessions_and_attendance(round_id, hikers):
    keep = schedule_activity(round_id, {"title": "Quiz", "starts_at": dt.datetime(2027, 9, 3)})
    report = hikes(round_id)
    session = sessions_of(report.series_id, hikers["A"])[0]
    mark_attendance(session.id, [hikers["Kari"]])
    assert delete_series(report.series_id) == 12
    assert [a.id for a in Activity.select()] == [keep.id]
    assert ActivityGroup.select().count() == Attendance.select().count() == 0
    with pytest.raises(NotFound):
        delete_series(report.series_id)


def test_250_groups_get_their_sessions_in_one_go(ref, db):
    round_id = create_round("Turgrupper høst 2027", "turgruppe").id
    for number in range(250):
        create_group(round_id, f"Turgruppe {number + 1}")
    report = create_series(round_id, start=MONDAY, weekday=WEDNESDAY, time="17:00")
    assert (report.groups, report.sessions) == (250, 1500)
    assert ActivityGroup.select().count() == 1500
    # Every group's sessions are its own, numbered 1 to 6.
    pairs = set(
        ActivityGroup.select(ActivityGroup.group, Activity.session)
        .join(Activity, on=(ActivityGroup.activity == Activity.id))
        .tuples()
    )
    assert len(pairs) == 1500
    titles = {a.title for a in sessions_of(report.series_id, ActivityGroup.get().group_id)}
    assert len(titles) == 6


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("wed", 2),
        ("Wednesday", 2),
        ("onsdag", 2),
        ("ONS", 2),
        ("mon", 0),
        ("mandag", 0),
        ("tue", 1),
        ("tirsdag", 1),
        ("thu", 3),
        ("torsdag", 3),
        ("tors", 3),
        ("fri", 4),
        ("fredag", 4),
        ("sat", 5),
        ("lørdag", 5),
        ("lør", 5),
        ("lordag", 5),
        ("sun", 6),
        ("søndag", 6),
        (" Søn. ", 6),
    ],
)
def test_weekdays_in_english_and_norwegian(text, day):
    assert parse_weekday(text) == day


@pytest.mark.parametrize("text", ["3", "0", "", "we", "to", "someday", "onsdagx"])
def test_an_unknown_weekday_is_refused_clearly(text):
    with pytest.raises(ValidationError, match="not a weekday") as caught:
        parse_weekday(text)
    assert caught.value.field == "weekday"


# Attendance over the weeks.


def test_attendance_by_week_counts_the_groups_whose_attendance_is_taken(round_id, hikers):
    report = hikes(round_id, weeks=3)
    a, b = sessions_of(report.series_id, hikers["A"]), sessions_of(report.series_id, hikers["B"])
    mark_attendance(a[0].id, [hikers["Kari"], hikers["Ola"]])
    mark_attendance(b[0].id, [hikers["Bjørn"]])
    mark_attendance(a[1].id, [hikers["Kari"], hikers["Ola"], hikers["Aisha"]])
    weeks = attendance_by_week(round_id)
    assert [(w.session, w.present, w.expected, w.taken_groups, w.groups) for w in weeks] == [
        (1, 3, 5, 2, 2),
        (2, 3, 3, 1, 2),
        (3, 0, 0, 0, 2),
    ]
    assert [w.date for w in weeks] == [
        dt.date(2027, 9, 1),
        dt.date(2027, 9, 8),
        dt.date(2027, 9, 15),
    ]
    assert attendance_by_week(round_id, report.series_id) == weeks


def test_attendance_counts_marked_absences_as_taken(round_id, hikers):
    report = hikes(round_id, weeks=1)
    session = sessions_of(report.series_id, hikers["B"])[0]
    mark_attendance(session.id, [hikers["Bjørn"], hikers["Chen"]], present=False)
    (week,) = attendance_by_week(round_id)
    assert (week.present, week.expected, week.taken_groups) == (0, 2, 1)


def test_a_series_of_another_round_is_not_found(round_id, hikers):
    report = hikes(round_id)
    other = create_round("Another round").id
    with pytest.raises(NotFound):
        attendance_by_week(other, report.series_id)
    with pytest.raises(NotFound):
        dropouts(other, report.series_id)


def test_a_sessions_people_are_the_current_members_of_its_group(round_id, hikers):
    report = hikes(round_id, weeks=1)
    session = sessions_of(report.series_id, hikers["A"])[0]
    set_status(hikers["Ola"], "withdrawn")
    assert [p.name for p in participants(session.id)] == ["Aisha", "Kari"]


# Who stopped coming.


def take(round_id, series_id, group_id, session, present_names, hikers):
    """Take attendance for one group's session: these came, the others were absent."""
    activity = sessions_of(series_id, group_id)[session - 1]
    members = [p.signup_id for p in participants(activity.id)]
    came = [hikers[name] for name in present_names]
    if came:
        mark_attendance(activity.id, came)
    others = [m for m in members if m not in came]
    if others:
        mark_attendance(activity.id, others, present=False)


def test_absent_twice_in_a_row_is_a_dropout(round_id, hikers):
    report = hikes(round_id)
    s = report.series_id
    take(round_id, s, hikers["A"], 1, ["Kari", "Ola", "Aisha"], hikers)
    take(round_id, s, hikers["A"], 2, ["Ola", "Aisha"], hikers)
    take(round_id, s, hikers["A"], 3, ["Ola", "Aisha"], hikers)
    (kari,) = dropouts(round_id)
    assert (kari.name, kari.email, kari.phone, kari.group, kari.leader) == (
        "Kari",
        "kari@stud.ntnu.no",
        "+47 912 34 567",
        "Group A",
        "Lea",
    )
    assert (kari.missed_sessions, kari.last_seen_session) == ((2, 3), 1)


def test_absent_present_absent_is_not_a_dropout(round_id, hikers):
    report = hikes(round_id)
    s = report.series_id
    for session, came in ((1, ["Kari", "Ola"]), (2, ["Ola"]), (3, ["Kari", "Ola"]), (4, ["Ola"])):
        take(round_id, s, hikers["A"], session, came, hikers)
    names = [d.name for d in dropouts(round_id)]
    assert "Kari" not in names
    assert names == ["Aisha"]  # never came at all


def test_a_session_without_attendance_between_two_absences_does_not_break_the_streak(
    round_id, hikers
):
    report = hikes(round_id)
    s = report.series_id
    take(round_id, s, hikers["A"], 1, ["Kari", "Ola", "Aisha"], hikers)
    take(round_id, s, hikers["A"], 2, ["Ola", "Aisha"], hikers)
    # Session 3 went unrecorded.
    take(round_id, s, hikers["A"], 4, ["Ola", "Aisha"], hikers)
    (kari,) = dropouts(round_id)
    assert (kari.name, kari.missed_sessions, kari.last_seen_session) == ("Kari", (2, 4), 1)


def test_one_absence_then_nothing_recorded_is_not_a_dropout(round_id, hikers):
    report = hikes(round_id)
    take(round_id, report.series_id, hikers["A"], 1, ["Ola", "Aisha"], hikers)
    assert dropouts(round_id) == []


def test_people_who_always_came_are_never_dropouts(round_id, hikers):
    report = hikes(round_id)
    for session in range(1, 7):
        take(round_id, report.series_id, hikers["A"], session, ["Kari", "Ola", "Aisha"], hikers)
        take(round_id, report.series_id, hikers["B"], session, ["Bjørn", "Chen"], hikers)
    assert dropouts(round_id) == []


def test_a_leader_who_marks_only_who_came_still_shows_who_did_not(round_id, hikers):
    report = hikes(round_id)
    for session in (1, 2):
        activity = sessions_of(report.series_id, hikers["B"])[session - 1]
        mark_attendance(activity.id, [hikers["Bjørn"]])
    assert [(d.name, d.group, d.leader, d.last_seen_session) for d in dropouts(round_id)] == [
        ("Chen", "Group B", "", None)
    ]


def test_dropouts_are_sorted_by_group_then_name(round_id, hikers):
    report = hikes(round_id)
    for session in (1, 2):
        take(round_id, report.series_id, hikers["B"], session, [], hikers)
        take(round_id, report.series_id, hikers["A"], session, [], hikers)
    assert [(d.group, d.name) for d in dropouts(round_id, report.series_id)] == [
        ("Group A", "Aisha"),
        ("Group A", "Kari"),
        ("Group A", "Ola"),
        ("Group B", "Bjørn"),
        ("Group B", "Chen"),
    ]


def test_dropouts_and_weeks_take_the_same_queries_for_many_groups(
    db, ref, round_id, hikers, monkeypatch
):
    def queries(call) -> int:
        count = itertools.count()
        original = db.execute_sql

        def counting(*args, **kwargs):
            next(count)
            return original(*args, **kwargs)

        monkeypatch.setattr(db, "execute_sql", counting)
        call()
        monkeypatch.undo()
        return next(count)

    report = hikes(round_id, weeks=3)
    take(round_id, report.series_id, hikers["A"], 1, ["Kari"], hikers)
    few = (queries(lambda: dropouts(round_id)), queries(lambda: attendance_by_week(round_id)))
    for number in range(20):
        group = create_group(round_id, f"Extra {number}")
        signup = add_signup(
            round_id, person(email=f"extra{number}@stud.ntnu.no"), ref, consent=True
        )
        move_member(signup.id, group.id)
    more = hikes(round_id, weeks=3)
    for group_id in {g for (g,) in ActivityGroup.select(ActivityGroup.group).tuples()}:
        for activity in sessions_of(more.series_id, group_id)[:2]:
            mark_attendance(activity.id, [p.signup_id for p in participants(activity.id)], False)
    many = (queries(lambda: dropouts(round_id)), queries(lambda: attendance_by_week(round_id)))
    assert many == few
    assert max(many) <= 6


# Dropouts agree with a plain reading of the rule, for any attendance.

MEMBERS = {"A": ["Kari", "Ola", "Aisha"], "B": ["Bjørn", "Chen"]}
WEEKS = 5
# Per member and session: came, marked absent, or not marked.
marks = st.sampled_from(["present", "absent", "unmarked"])
matrices = st.fixed_dictionaries(
    {
        group: st.lists(
            st.tuples(st.booleans(), st.lists(marks, min_size=len(names), max_size=len(names))),
            min_size=WEEKS,
            max_size=WEEKS,
        )
        for group, names in MEMBERS.items()
    }
)


def reference_dropouts(matrix) -> list[tuple[str, str, tuple[int, ...], int | None]]:
    """The rule read plainly: list the sessions with any attendance mark; somebody dropped
    out when two neighbours in that list both lack a "present" mark for them."""
    out = []
    for group in ("A", "B"):
        names = MEMBERS[group]
        taken = [
            session
            for session, (take_it, row) in enumerate(matrix[group], start=1)
            if take_it and any(mark != "unmarked" for mark in row)
        ]

        def came(name, session, group=group, names=names):
            take_it, row = matrix[group][session - 1]
            return take_it and row[names.index(name)] == "present"

        for name in sorted(names, key=lambda n: n.replace("ø", "{")):
            pairs = itertools.pairwise(taken)
            if any(not came(name, x) and not came(name, y) for x, y in pairs):
                seen = [s for s in taken if came(name, s)]
                missed = tuple(s for s in taken if not came(name, s))
                out.append((group, name, missed, seen[-1] if seen else None))
    return out


@pytest.fixture
def weekly(round_id, hikers):
    return hikes(round_id, weeks=WEEKS).series_id


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(matrix=matrices)
def test_dropouts_match_the_rule_for_any_attendance(round_id, hikers, weekly, matrix):
    Attendance.delete().execute()
    for group, names in MEMBERS.items():
        activities = sessions_of(weekly, hikers[group])
        for session, (take_it, row) in enumerate(matrix[group], start=1):
            if not take_it:
                continue
            for state, present in (("present", True), ("absent", False)):
                chosen = [hikers[n] for n, mark in zip(names, row, strict=True) if mark == state]
                if chosen:
                    mark_attendance(activities[session - 1].id, chosen, present=present)
    found = [
        (d.group[-1], d.name, d.missed_sessions, d.last_seen_session) for d in dropouts(round_id)
    ]
    assert found == reference_dropouts(matrix)
    rows = {r.id: r for r in list_activities(round_id)}
    weeks = attendance_by_week(round_id, weekly)
    for week in weeks:
        assert week.present <= week.expected
        assert week.present == sum(
            rows[a.id].present
            for group in MEMBERS
            for a in sessions_of(weekly, hikers[group])
            if a.session == week.session
        )
