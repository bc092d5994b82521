"""Scheduled activities: scheduling, the list with its waiting list, and attendance."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.activities import (
    ActivityPerson,
    clear_attendance,
    delete_activity,
    find_activity,
    join,
    join_group,
    leave,
    list_activities,
    mark_attendance,
    participants,
    schedule_activity,
    update_activity,
)
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Activity, ActivityGroup, ActivitySignUp, Attendance
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.series import create_series
from spleis_tui.core.signups import add_signup, set_status
from spleis_tui.i18n import set_language
from tests.factories import person

START = dt.datetime(2027, 9, 2, 17, 0)
NAMES = ["Kari", "Ola", "Aisha", "Bjørn", "Chen", "Dina", "Erik", "Frida", "Gunnar", "Hege"]


@pytest.fixture
def people(ref, round_id):
    """Ten sign-ups, in the order of NAMES."""
    return [
        add_signup(
            round_id, person(name=name, email=f"{name.lower()}@stud.ntnu.no"), ref, consent=True
        ).id
        for name in NAMES
    ]


@pytest.fixture
def groups(round_id, people):
    """Two groups: Kari, Ola, Aisha in Group A; Bjørn, Chen in Group B; the rest in none."""
    first, second = create_group(round_id, "Group A"), create_group(round_id, "Group B")
    for signup_id in people[:3]:
        move_member(signup_id, first.id)
    for signup_id in people[3:5]:
        move_member(signup_id, second.id)
    return first.id, second.id


def statuses(activity_id: int) -> list[tuple[str, str, int | None]]:
    return [(p.name, p.status, p.position) for p in participants(activity_id)]


# Scheduling.


def test_an_activity_of_a_kind_takes_the_kinds_name(round_id):
    activity = schedule_activity(round_id, {"type": "rebuslop", "starts_at": START})
    assert activity.title == "Rebus race"
    assert activity.activity_type_id == "rebuslop"
    assert activity.open_to_all and activity.capacity is None


def test_the_kinds_name_is_in_the_apps_language(round_id):
    set_language("nb")
    assert schedule_activity(round_id, {"type": "rebuslop", "starts_at": START}).title == "Rebusløp"


def test_scheduling_keeps_every_detail(ref, round_id, groups):
    lea = add_leader(round_id, {"name": "Lea", "email": "lea@ntnu.no"}, ref)
    activity = schedule_activity(
        round_id,
        {
            "type": "grilling",
            "title": "  Grilling i Korsvika ",
            "starts_at": "2027-09-02 17:00",
            "ends_at": dt.datetime(2027, 9, 2, 19, 30),
            "place": "Korsvika",
            "campus": "Gløshaugen",
            "capacity": "20",
            "leader_id": lea.id,
            "group_ids": list(groups),
        },
    )
    assert (activity.title, activity.place, activity.campus, activity.capacity) == (
        "Grilling i Korsvika",
        "Korsvika",
        "gloshaugen",
        20,
    )
    assert activity.starts_at == START and activity.leader_id == lea.id
    assert not activity.open_to_all
    linked = {g for (g,) in ActivityGroup.select(ActivityGroup.group).tuples()}
    assert linked == set(groups)


def test_a_time_with_a_zone_is_kept_as_oslo_wall_clock_time(round_id):
    utc = dt.datetime(2027, 9, 2, 15, 0, tzinfo=dt.UTC)
    assert schedule_activity(round_id, {"title": "Quiz", "starts_at": utc}).starts_at == START


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("type", {"type": "paragliding"}, "paragliding"),
        ("title", {"title": ""}, "needs a title"),
        ("title", {"title": "x" * 201}, "at most 200"),
        ("starts_at", {"starts_at": None}, "when the activity starts"),
        ("starts_at", {"starts_at": dt.date(2027, 9, 2)}, "date and a time"),
        ("starts_at", {"starts_at": "tomorrow"}, "tomorrow"),
        ("ends_at", {"ends_at": START}, "end after it starts"),
        ("ends_at", {"ends_at": START - dt.timedelta(hours=1)}, "end after it starts"),
        ("place", {"place": "x" * 201}, "at most 200"),
        ("campus", {"campus": "Atlantis"}, "Atlantis"),
        ("capacity", {"capacity": 0}, "from 1 to 10000"),
        ("capacity", {"capacity": 10_001}, "from 1 to 10000"),
        ("capacity", {"capacity": "many"}, "from 1 to 10000"),
        ("capacity", {"capacity": 2.5}, "from 1 to 10000"),
        ("leader", {"leader_id": 999}, "No leader in this round"),
        ("groups", {"group_ids": [999]}, "No group has the id 999"),
    ],
)
def test_scheduling_names_the_field_at_fault(round_id, field, data, message):
    with pytest.raises(ValidationError, match=message) as caught:
        schedule_activity(round_id, {"title": "Quiz", "starts_at": START, **data})
    assert caught.value.field == field
    assert Activity.select().count() == 0


def test_a_leader_or_group_of_another_round_is_refused(ref, round_id):
    other = create_round("Another round").id
    lea = add_leader(other, {"name": "Lea", "email": "lea@ntnu.no"}, ref)
    group = create_group(other, "Elsewhere")
    with pytest.raises(ValidationError) as caught:
        schedule_activity(round_id, {"title": "Quiz", "starts_at": START, "leader_id": lea.id})
    assert caught.value.field == "leader"
    with pytest.raises(ValidationError) as caught:
        schedule_activity(round_id, {"title": "Quiz", "starts_at": START, "group_ids": [group.id]})
    assert caught.value.field == "groups"


def test_a_closed_round_refuses_every_change(round_id, people):
    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    join(activity.id, people[:1])
    set_round_status(round_id, "closed")
    for attempt in (
        lambda: schedule_activity(round_id, {"title": "Quiz", "starts_at": START}),
        lambda: update_activity(activity.id, {"title": "Quiz 2"}),
        lambda: join(activity.id, people[1:2]),
        lambda: leave(activity.id, people[0]),
        lambda: mark_attendance(activity.id, people[:1]),
        lambda: delete_activity(activity.id),
    ):
        with pytest.raises(ValidationError, match="closed"):
            attempt()


def test_updating_changes_only_what_is_given(round_id, groups):
    activity = schedule_activity(
        round_id, {"type": "fottur", "starts_at": START, "place": "Lian", "capacity": 10}
    )
    updated = update_activity(activity.id, {"place": "Skistua", "group_ids": [groups[0]]})
    assert (updated.title, updated.place, updated.capacity) == ("Hike", "Skistua", 10)
    assert not updated.open_to_all
    assert update_activity(activity.id, {"group_ids": []}).open_to_all
    with pytest.raises(ValidationError, match="end after it starts"):
        update_activity(activity.id, {"ends_at": START - dt.timedelta(minutes=1)})


def test_deleting_an_activity_takes_its_list_and_attendance(round_id, people):
    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    join(activity.id, people[:2])
    mark_attendance(activity.id, people[:1])
    delete_activity(activity.id)
    assert ActivitySignUp.select().count() == Attendance.select().count() == 0
    with pytest.raises(NotFound):
        delete_activity(activity.id)


def test_find_an_activity_by_id_title_or_part_of_it(round_id):
    quiz = schedule_activity(round_id, {"title": "Quizkveld på Samfundet", "starts_at": START})
    ski = schedule_activity(round_id, {"title": "Skidag", "starts_at": START})
    schedule_activity(round_id, {"title": "Skidag", "starts_at": START + dt.timedelta(days=7)})
    assert find_activity(round_id, str(quiz.id)).id == quiz.id
    assert find_activity(round_id, "QUIZKVELD PÅ SAMFUNDET").id == quiz.id
    assert find_activity(round_id, "samfundet").id == quiz.id
    with pytest.raises(ValidationError, match=f"ids {ski.id}, {ski.id + 1}"):
        find_activity(round_id, "skidag")
    with pytest.raises(NotFound):
        find_activity(round_id, "bowling")


# Listing.


def test_the_list_counts_going_waiting_and_attendance(round_id, people, groups):
    later = schedule_activity(
        round_id, {"title": "Quiz", "starts_at": START + dt.timedelta(days=1), "capacity": 2}
    )
    first = schedule_activity(
        round_id, {"type": "brettspill", "starts_at": START, "group_ids": list(groups)}
    )
    join(later.id, people[:4])
    mark_attendance(later.id, people[:1])
    mark_attendance(later.id, people[1:2], present=False)
    rows = list_activities(round_id)
    assert [r.id for r in rows] == [first.id, later.id]  # by start time
    assert (rows[0].title, rows[0].type_code, rows[0].group_names) == (
        "Board game night",
        "brettspill",
        ("Group A", "Group B"),
    )
    assert (rows[0].going, rows[0].waiting, rows[0].present, rows[0].taken) == (0, 0, 0, False)
    quiz = rows[1]
    assert (quiz.going, quiz.waiting, quiz.present, quiz.absent) == (2, 2, 1, 1)
    assert quiz.open_to_all and quiz.group_names == () and quiz.taken


def test_listing_takes_the_same_queries_for_many_activities(db, round_id, people, monkeypatch):
    def queries_for_listing() -> int:
        count = itertools.count()
        original = db.execute_sql

        def counting(*args, **kwargs):
            next(count)
            return original(*args, **kwargs)

        monkeypatch.setattr(db, "execute_sql", counting)
        list_activities(round_id)
        monkeypatch.undo()
        return next(count)

    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    join(activity.id, people[:3])
    few = queries_for_listing()
    for day in range(30):
        other = schedule_activity(
            round_id, {"title": f"Quiz {day}", "starts_at": START + dt.timedelta(days=day)}
        )
        join(other.id, people[day % 10 :])
    assert queries_for_listing() == few <= 6


# Joining and the waiting list.


def test_people_go_until_it_is_full_and_then_wait_in_order(round_id, people):
    activity = schedule_activity(round_id, {"title": "Skøyter", "starts_at": START, "capacity": 2})
    report = join(activity.id, people[:3])
    assert (report.going, report.waiting) == (tuple(people[:2]), (people[2],))
    report = join(activity.id, [people[3], people[0]])
    assert (report.waiting, report.already) == ((people[3],), (people[0],))
    assert statuses(activity.id) == [
        ("Kari", "going", None),
        ("Ola", "going", None),
        ("Aisha", "waiting", 1),
        ("Bjørn", "waiting", 2),
    ]


def test_without_a_capacity_everybody_goes(round_id, people):
    activity = schedule_activity(round_id, {"title": "Fottur", "starts_at": START})
    assert join(activity.id, people).going == tuple(people)


def test_leaving_gives_the_place_to_the_first_one_waiting(round_id, people):
    activity = schedule_activity(round_id, {"title": "Skøyter", "starts_at": START, "capacity": 2})
    join(activity.id, people[:4])
    assert leave(activity.id, people[3]) is None  # a waiting one leaves: nobody moves up
    assert leave(activity.id, people[0]) == people[2]
    assert statuses(activity.id) == [("Aisha", "going", None), ("Ola", "going", None)]


def test_leaving_an_activity_one_is_not_on_says_so(round_id, people):
    activity = schedule_activity(round_id, {"title": "Skøyter", "starts_at": START})
    with pytest.raises(ValidationError, match="Kari is not on the list for Skøyter"):
        leave(activity.id, people[0])
    with pytest.raises(NotFound):
        leave(activity.id, 99_999)


def test_more_places_let_the_waiting_in_and_fewer_than_going_is_refused(round_id, people):
    activity = schedule_activity(round_id, {"title": "Skidag", "starts_at": START, "capacity": 2})
    join(activity.id, people[:6])
    update_activity(activity.id, {"capacity": 4})
    assert [p.name for p in participants(activity.id) if p.status == "going"] == [
        "Aisha",
        "Bjørn",
        "Kari",
        "Ola",
    ]
    assert statuses(activity.id)[4:] == [("Chen", "waiting", 1), ("Dina", "waiting", 2)]
    with pytest.raises(ValidationError, match="4 people are already going") as caught:
        update_activity(activity.id, {"capacity": 3})
    assert caught.value.field == "capacity"
    assert Activity.get_by_id(activity.id).capacity == 4
    update_activity(activity.id, {"capacity": None})
    assert {p.status for p in participants(activity.id)} == {"going"}


def test_an_activity_for_groups_refuses_outsiders(round_id, people, groups):
    activity = schedule_activity(
        round_id, {"title": "Bålpanne", "starts_at": START, "group_ids": [groups[0]]}
    )
    report = join(activity.id, [people[0], people[3], people[9]])
    assert report.going == (people[0],)
    assert report.not_allowed == (people[3], people[9])


def test_withdrawn_people_and_people_of_other_rounds_cannot_join(ref, round_id, people):
    other = create_round("Another round").id
    stranger = add_signup(other, person(email="s@stud.ntnu.no"), ref, consent=True).id
    set_status(people[1], "withdrawn")
    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    report = join(activity.id, [people[0], people[1], stranger, 99_999])
    assert report.going == (people[0],)
    assert report.not_allowed == (people[1], stranger, 99_999)


def test_a_whole_group_joins_in_name_order(round_id, people, groups):
    activity = schedule_activity(round_id, {"title": "Kafé", "starts_at": START, "capacity": 2})
    report = join_group(activity.id, groups[0])
    assert report.going == (people[2], people[0])  # Aisha, Kari
    assert report.waiting == (people[1],)  # Ola
    assert join_group(activity.id, groups[0]).already == (people[2], people[0], people[1])
    with pytest.raises(NotFound):
        join_group(activity.id, 99_999)


# Attendance.


def test_attendance_is_marked_for_participants_only(round_id, people):
    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    join(activity.id, people[:3])
    with pytest.raises(ValidationError, match="Bjørn, Chen do not take part in Quiz") as caught:
        mark_attendance(activity.id, [people[0], people[3], people[4]])
    assert caught.value.field == "signups"
    assert Attendance.select().count() == 0  # nothing marked
    assert mark_attendance(activity.id, people[:2]) == 2
    assert mark_attendance(activity.id, people[1:3], present=False) == 2
    present = {p.name: p.present for p in participants(activity.id)}
    assert present == {"Kari": True, "Ola": False, "Aisha": False}
    assert Attendance.select().count() == 3  # Ola's row was updated, not doubled
    assert clear_attendance(activity.id, [people[1]]) == 1
    assert {p.name: p.present for p in participants(activity.id)}["Ola"] is None


def test_leaving_takes_ones_attendance_too(round_id, people):
    activity = schedule_activity(round_id, {"title": "Quiz", "starts_at": START})
    join(activity.id, people[:1])
    mark_attendance(activity.id, people[:1])
    leave(activity.id, people[0])
    assert Attendance.select().count() == 0


def test_the_people_of_a_series_session_are_its_groups_members(round_id, people, groups, ref):
    lea = add_leader(round_id, {"name": "Lea", "email": "lea@ntnu.no"}, ref)
    set_group_leader(groups[0], lea.id)
    create_series(
        round_id, weeks=2, start=dt.date(2027, 9, 1), weekday=2, time="17:00", place="Lian"
    )
    session = find_activity(round_id, "Group A — Hike 1/2")
    assert participants(session.id) == [
        ActivityPerson(people[2], "Aisha", "aisha@stud.ntnu.no", "Group A", "member", None, None),
        ActivityPerson(people[0], "Kari", "kari@stud.ntnu.no", "Group A", "member", None, None),
        ActivityPerson(people[1], "Ola", "ola@stud.ntnu.no", "Group A", "member", None, None),
    ]
    # Members take part without joining; nobody else can join.
    report = join(session.id, [people[0], people[3]])
    assert (report.going, report.already, report.not_allowed) == ((), (people[0],), (people[3],))
    assert ActivitySignUp.select().count() == 0
    with pytest.raises(ValidationError, match="Bjørn does not take part"):
        mark_attendance(session.id, [people[3]])
    assert mark_attendance(session.id, [people[0], people[1]]) == 2
    row = next(r for r in list_activities(round_id) if r.id == session.id)
    assert (row.expected, row.present, row.absent, row.leader) == (3, 2, 1, "Lea")


# The waiting list keeps its promises, whatever the order of joining and leaving.

operations = st.lists(
    st.tuples(st.sampled_from(["join", "leave"]), st.integers(min_value=0, max_value=9)),
    max_size=40,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(min_value=1, max_value=5), ops=operations)
def test_the_waiting_list_never_overfills_and_keeps_arrival_order(round_id, people, capacity, ops):
    activity = schedule_activity(
        round_id, {"title": "Skøyter", "starts_at": START, "capacity": capacity}
    )
    going: list[int] = []
    waiting: list[int] = []  # the model: who waits, in arrival order
    for op, index in ops:
        signup_id = people[index]
        on_list = signup_id in going or signup_id in waiting
        if op == "join":
            join(activity.id, [signup_id])
            if not on_list:
                (going if len(going) < capacity else waiting).append(signup_id)
        elif on_list:
            promoted = leave(activity.id, signup_id)
            if signup_id in going:
                going.remove(signup_id)
                expected = waiting.pop(0) if waiting else None
                if expected is not None:
                    going.append(expected)
                assert promoted == expected
            else:
                waiting.remove(signup_id)
                assert promoted is None
        listed = participants(activity.id)
        now_going = {p.signup_id for p in listed if p.status == "going"}
        now_waiting = [p.signup_id for p in listed if p.status == "waiting"]
        assert len(now_going) <= capacity
        assert now_going == set(going)
        assert now_waiting == waiting
        assert [p.position for p in listed if p.status == "waiting"] == list(
            range(1, len(waiting) + 1)
        )
        assert not waiting or len(now_going) == capacity  # nobody waits for a free place
