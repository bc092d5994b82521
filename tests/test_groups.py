"""Editing groups by hand."""

from __future__ import annotations

import pytest

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.groups import (
    count_groups,
    create_group,
    dissolve_group,
    group_members,
    list_groups,
    move_member,
    rename_group,
    set_group_leader,
    set_locked,
)
from spleis_tui.core.leaders import add_leader, list_leaders
from spleis_tui.core.models import SignUp
from spleis_tui.core.signups import add_signup, set_status
from tests.factories import person


@pytest.fixture
def people(ref, round_id):
    return [
        add_signup(round_id, person(name=f"P{i}", email=f"p{i}@stud.ntnu.no"), ref, consent=True).id
        for i in range(4)
    ]


def test_new_groups_get_free_numbers(round_id):
    assert create_group(round_id).name == "Group 1"
    assert create_group(round_id).name == "Group 2"
    with pytest.raises(ValidationError):
        create_group(round_id, "group 1")


def test_moving_members_between_groups(round_id, people):
    first, second = create_group(round_id), create_group(round_id)
    move_member(people[0], first.id)
    move_member(people[1], first.id)
    move_member(people[0], second.id)
    assert [m.id for m in group_members(first.id)] == [people[1]]
    assert [m.id for m in group_members(second.id)] == [people[0]]
    sizes = {g.name: g.size for g in list_groups(round_id)}
    assert sizes == {"Group 1": 1, "Group 2": 1}


def test_a_locked_group_keeps_its_members(round_id, people):
    group, other = create_group(round_id), create_group(round_id)
    move_member(people[0], group.id)
    set_locked(group.id, True)
    with pytest.raises(ValidationError):
        move_member(people[0], other.id)
    with pytest.raises(ValidationError):
        move_member(people[1], group.id)
    with pytest.raises(ValidationError):
        dissolve_group(group.id)
    assert [m.id for m in group_members(group.id)] == [people[0]]


def test_withdrawn_people_cannot_join(round_id, people):
    group = create_group(round_id)
    set_status(people[0], "withdrawn")
    with pytest.raises(ValidationError):
        move_member(people[0], group.id)


def test_dissolving_leaves_members_without_a_group(round_id, people):
    group = create_group(round_id)
    for signup_id in people:
        move_member(signup_id, group.id)
    assert dissolve_group(group.id) == 4
    assert count_groups(round_id) == 0
    assert SignUp.select().where(SignUp.group.is_null(False)).count() == 0


def test_rename_refuses_a_taken_name(round_id):
    create_group(round_id, "Turgjengen")
    other = create_group(round_id)
    with pytest.raises(ValidationError):
        rename_group(other.id, "TURGJENGEN")
    assert rename_group(other.id, "Kaffegjengen").name == "Kaffegjengen"


def test_groups_page_and_search(round_id):
    for i in range(12):
        create_group(round_id, f"Gruppe {i:02d}")
    page = list_groups(round_id, offset=5, limit=5)
    assert [g.name for g in page] == [f"Gruppe {i:02d}" for i in range(5, 10)]
    # Every word must match somewhere: "gruppe" and "1" find 01, 10 and 11.
    assert count_groups(round_id, "gruppe 1") == 3
    assert [g.name for g in list_groups(round_id, search="11")] == ["Gruppe 11"]


def test_a_leader_takes_a_group(ref, round_id):
    leader = add_leader(
        round_id, {"name": "Lea", "email": "lea@ntnu.no", "campus": "gloshaugen"}, ref
    )
    group = create_group(round_id)
    set_group_leader(group.id, leader.id)
    assert list_groups(round_id)[0].leader == "Lea"
    assert list_leaders(round_id)[0].groups == 1
