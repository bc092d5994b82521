"""Giving groups their leaders: campus, capacity, language, balance, and what is missing."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.groups import create_group, move_member, set_group_leader, set_locked
from spleis_tui.core.leader_assignment import (
    Shortage,
    apply_assignment,
    describe_shortage,
    leader_groups,
    propose_assignment,
)
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Group
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.signups import add_signup
from tests.factories import person

# A group's members by what the group needs of its leader.
MEMBERS = {"no": ["no"], "en": ["en"], "mixed": ["no", "en"], "any": ["both"]}


class Builder:
    """Small factories over the core functions, with unique names and e-mails."""

    def __init__(self, ref, round_id: int) -> None:
        self.ref, self.round_id = ref, round_id
        self.count = itertools.count()

    def group(self, campus: str = "gloshaugen", languages=("no",), name: str | None = None) -> int:
        group = create_group(self.round_id, name)
        for language in languages:
            n = next(self.count)
            signup = add_signup(
                self.round_id,
                person(
                    name=f"Member {n}",
                    email=f"m{n}@stud.ntnu.no",
                    campus=campus,
                    language=language,
                    programme="",
                ),
                self.ref,
                consent=True,
            )
            move_member(signup.id, group.id)
        return group.id

    def leader(
        self, name: str, campus: str = "gloshaugen", language: str = "both", capacity: int = 2
    ) -> int:
        n = next(self.count)
        return add_leader(
            self.round_id,
            {
                "name": name,
                "email": f"leader{n}@ntnu.no",
                "campus": campus,
                "language": language,
                "capacity": capacity,
            },
            self.ref,
        ).id


@pytest.fixture
def build(ref, round_id):
    return Builder(ref, round_id)


def by_group(plan) -> dict[int, int]:
    return {a.group_id: a.leader_id for a in plan.assignments}


def test_two_equal_leaders_share_four_groups_evenly(build, round_id):
    ann, bob = build.leader("Ann", capacity=4), build.leader("Bob", capacity=4)
    for _ in range(4):
        build.group()
    plan = propose_assignment(round_id)
    loads = {load.leader_id: load.groups_after for load in plan.loads}
    assert loads == {ann: 2, bob: 2}
    assert plan.unassigned == () and plan.missing == ()


def test_balance_follows_the_load_ratio_then_the_number_then_the_name(build, round_id):
    big, small = build.leader("Big", capacity=4), build.leader("Small", capacity=2)
    for _ in range(3):
        build.group()
    loads = {load.leader_id: load.groups_after for load in propose_assignment(round_id).loads}
    # 0/4 and 0/2 tie (and so do 0 groups): Big by name; then Small (0/2 < 1/4); then
    # Big again (1/4 < 1/2).
    assert loads == {big: 2, small: 1}


def test_a_leader_never_gets_more_than_their_capacity(build, round_id):
    only = build.leader("Only", capacity=2)
    groups = [build.group() for _ in range(5)]
    plan = propose_assignment(round_id)
    assert len(plan.assignments) == 2
    assert {a.leader_id for a in plan.assignments} == {only}
    assert len(plan.unassigned) == 3
    assert apply_assignment(plan) == 2
    assert Group.select().where(Group.leader == only).count() == 2
    assert set(by_group(plan)) <= set(groups)


def test_leaders_stay_on_their_campus(build, round_id):
    build.leader("Gløs", campus="gloshaugen")
    dragvoll = build.group(campus="dragvoll")
    plan = propose_assignment(round_id)
    assert plan.assignments == ()
    [missing] = plan.unassigned
    assert missing.group_id == dragvoll
    assert "No leader works on Dragvoll" in missing.why


def test_the_group_campus_is_its_members_most_common(build, round_id):
    drag = build.leader("Drag", campus="dragvoll")
    build.leader("Gløs", campus="gloshaugen")
    group = build.group(campus="dragvoll", languages=("no", "no"))
    other = build.group(campus="gloshaugen")
    move_member(Group.get_by_id(other).members[0].id, group)
    plan = propose_assignment(round_id)
    assert by_group(plan)[group] == drag
    assert {a.group_id: a.campus for a in plan.assignments}[group] == "dragvoll"


def test_a_campus_less_leader_is_used_last(build, round_id):
    build.leader("Aaron Anywhere", campus="")  # first by name, but without a campus
    zed = build.leader("Zed", campus="gloshaugen", capacity=1)
    first, second = build.group(), build.group()
    plan = propose_assignment(round_id)
    assigned = by_group(plan)
    assert zed in assigned.values() and len(assigned) == 2
    anywhere = next(a for a in plan.assignments if a.leader_id != zed)
    assert "has no campus" in anywhere.reason
    assert {first, second} == set(assigned)


def test_language_never_contradicts(build, round_id):
    build.leader("Nora", language="no", capacity=5)
    english = build.group(languages=("en", "both"))
    norwegian = build.group(languages=("no",))
    plan = propose_assignment(round_id)
    assert set(by_group(plan)) == {norwegian}
    [left] = plan.unassigned
    assert left.group_id == english and left.language == "en"
    assert "No leader on Gløshaugen speaks English" in left.why
    [shortage] = plan.missing
    assert shortage == Shortage("gloshaugen", "en", 1, 1, 5)


def test_a_mixed_group_prefers_a_leader_who_speaks_both(build, round_id):
    build.leader("Anne", language="no")
    both = build.leader("Bea", language="both")
    mixed = build.group(languages=("no", "en"))
    plan = propose_assignment(round_id)
    assert by_group(plan) == {mixed: both}
    assert "speaks both" in plan.assignments[0].reason


def test_a_mixed_group_takes_anyone_when_nobody_speaks_both(build, round_id):
    anne = build.leader("Anne", language="no")
    mixed = build.group(languages=("no", "en"))
    assert by_group(propose_assignment(round_id)) == {mixed: anne}


def test_scarce_leaders_go_where_only_they_fit(build, round_id):
    # A greedy in name order gives Aud (the only English speaker) to the first group,
    # which anybody could lead, and leaves the English group without a leader.
    aud = build.leader("Aud", language="en", capacity=1)
    bjorn = build.leader("Bjørn", language="no", capacity=1)
    anyone = build.group(languages=("both",), name="A first")
    english = build.group(languages=("en",), name="B English")
    assert by_group(propose_assignment(round_id)) == {english: aud, anyone: bjorn}


def test_a_campus_less_leader_shared_by_two_campuses_goes_where_needed(build, round_id):
    build.leader("Free", campus="", capacity=1)
    drag = build.leader("Drag", campus="dragvoll", capacity=1)
    build.group(campus="gloshaugen")
    d = build.group(campus="dragvoll")
    plan = propose_assignment(round_id)
    assert len(plan.assignments) == 2
    assert by_group(plan)[d] == drag


def test_groups_with_a_leader_keep_them_and_count_for_capacity(build, round_id):
    kari = build.leader("Kari", capacity=2)
    ola = build.leader("Ola", capacity=2)
    kept = build.group()
    set_group_leader(kept, kari)
    new = [build.group() for _ in range(2)]
    plan = propose_assignment(round_id)
    assert kept not in by_group(plan)
    loads = {load.leader_id: (load.groups_before, load.groups_after) for load in plan.loads}
    # Kari has 1 of 2 (ratio 1/2), Ola 0 of 2: Ola first; then both are at 1/2 with one
    # group each, and Kari comes first by name.
    assert loads == {kari: (1, 2), ola: (0, 1)}
    assert set(by_group(plan)) == set(new)
    apply_assignment(plan)
    assert Group.get_by_id(kept).leader_id == kari


def test_replace_plans_afresh_but_locked_groups_keep_their_leader(build, round_id):
    wrong = build.leader("Wrong campus", campus="dragvoll", capacity=3)
    right = build.leader("Right", campus="gloshaugen", capacity=3)
    locked, unlocked = build.group(), build.group()
    set_group_leader(locked, wrong)
    set_group_leader(unlocked, wrong)
    set_locked(locked, True)
    kept = propose_assignment(round_id)
    assert kept.assignments == () and kept.unassigned == ()
    plan = propose_assignment(round_id, replace=True)
    assert by_group(plan) == {unlocked: right}
    assert apply_assignment(plan) == 1
    assert Group.get_by_id(locked).leader_id == wrong
    assert Group.get_by_id(unlocked).leader_id == right


def test_replace_takes_the_leader_from_a_group_nobody_fits(build, round_id):
    wrong = build.leader("Wrong campus", campus="dragvoll")
    group = build.group()
    set_group_leader(group, wrong)
    plan = propose_assignment(round_id, replace=True)
    assert [u.group_id for u in plan.unassigned] == [group]
    assert apply_assignment(plan) == 0
    assert Group.get_by_id(group).leader_id is None


def test_a_locked_group_without_a_leader_may_get_one(build, round_id):
    leader = build.leader("Kari")
    group = build.group()
    set_locked(group, True)
    assert by_group(propose_assignment(round_id)) == {group: leader}


def test_missing_leaders_are_counted_per_campus(build, round_id):
    build.leader("Kari", capacity=2)
    for _ in range(5):
        build.group()
    build.group(campus="dragvoll", languages=("en",))
    plan = propose_assignment(round_id)
    assert plan.missing == (
        Shortage("dragvoll", "en", 1, 1, 2),
        Shortage("gloshaugen", "no", 3, 2, 2),
    )
    assert describe_shortage(plan) == [
        "Dragvoll: 1 group without a leader; 1 more leader who speaks English, with "
        "capacity 2, would cover them.",
        "Gløshaugen: 3 groups without a leader; 2 more leaders who speak Norwegian, with "
        "capacity 2, would cover them.",
    ]


def test_the_shortage_uses_the_campus_leaders_typical_capacity(build, round_id):
    for name in ("A", "B", "C"):
        build.leader(name, capacity=3)
    for _ in range(13):
        build.group(languages=("both",))
    plan = propose_assignment(round_id)
    assert plan.missing == (Shortage("gloshaugen", "any", 4, 2, 3),)
    assert describe_shortage(plan) == [
        "Gløshaugen: 4 groups without a leader; 2 more leaders with capacity 3 would cover them."
    ]


def test_an_empty_group_is_left_without_a_leader_and_not_counted_missing(build, round_id):
    build.leader("Kari")
    empty = create_group(round_id).id
    plan = propose_assignment(round_id)
    assert [(u.group_id, u.why) for u in plan.unassigned] == [
        (empty, "The group has no active members.")
    ]
    assert plan.missing == ()


def test_apply_skips_what_changed_since_the_plan(build, round_id):
    kari = build.leader("Kari", capacity=3)
    ola = build.leader("Ola", capacity=2)
    gone, taken, fine = build.group(), build.group(), build.group()
    plan = propose_assignment(round_id)
    assert by_group(plan) == {gone: kari, taken: kari, fine: ola}
    Group.delete_by_id(gone)
    set_group_leader(taken, ola)  # by hand, since the plan was made
    assert apply_assignment(plan) == 1
    assert Group.get_by_id(taken).leader_id == ola
    assert Group.get_by_id(fine).leader_id == ola


def test_apply_skips_a_leader_who_filled_up_since_the_plan(build, round_id):
    ola = build.leader("Ola", capacity=1)
    planned = build.group()
    plan = propose_assignment(round_id)
    assert by_group(plan) == {planned: ola}
    later = build.group()
    set_group_leader(later, ola)
    assert apply_assignment(plan) == 0
    assert Group.get_by_id(planned).leader_id is None


def test_apply_refuses_a_closed_round(build, round_id):
    build.leader("Kari")
    build.group()
    plan = propose_assignment(round_id)
    set_round_status(round_id, "closed")
    with pytest.raises(ValidationError):
        apply_assignment(plan)


def test_a_plan_is_deterministic(build, round_id):
    for name, campus, language in [
        ("A", "gloshaugen", "no"),
        ("B", "", "both"),
        ("C", "gloshaugen", "en"),
        ("D", "dragvoll", "both"),
    ]:
        build.leader(name, campus=campus, language=language)
    for campus, need in itertools.product(("gloshaugen", "dragvoll"), MEMBERS):
        build.group(campus=campus, languages=MEMBERS[need])
    assert propose_assignment(round_id) == propose_assignment(round_id)


def test_an_unknown_round_is_not_found(db):
    with pytest.raises(NotFound):
        propose_assignment(12345)


def test_leader_groups_show_size_campus_and_languages(build, round_id):
    kari = build.leader("Kari", capacity=3)
    group = build.group(languages=("no", "en", "en", "both"))
    set_group_leader(group, kari)
    [row] = leader_groups(kari)
    assert (row.group_id, row.size, row.campus) == (group, 4, "gloshaugen")
    assert row.language_mix == (("no", 1), ("en", 2), ("both", 1))
    assert row.meeting_at is None and row.meeting_place == ""
    with pytest.raises(NotFound):
        leader_groups(99999)


# The property: for random small instances, the plan keeps every rule and leads as
# many groups as any assignment could (checked by trying them all).

CAMPUSES = ("gloshaugen", "dragvoll")
_rounds = itertools.count()


def _fits(leader: tuple[str, str, int], group: tuple[str, str]) -> bool:
    campus, language, _capacity = leader
    group_campus, need = group
    if campus and campus != group_campus:
        return False
    if need == "en":
        return language in ("en", "both")
    if need == "no":
        return language in ("no", "both")
    return True


def _objective(leaders, groups, pick) -> tuple:
    """What a plan is judged by, in order: groups led (most), groups given to campus-less
    leaders, mixed groups without a leader who speaks both, then the load ratios (least)."""
    used = [pick.count(i) for i in range(len(leaders))]
    led = [(g, p) for g, p in zip(groups, pick, strict=True) if p is not None]
    return (
        -len(led),
        sum(1 for _g, p in led if not leaders[p][0]),
        sum(1 for g, p in led if g[1] == "mixed" and leaders[p][1] != "both"),
        sum(Fraction(j, leaders[i][2]) for i in range(len(leaders)) for j in range(used[i])),
    )


def _best_by_brute_force(leaders, groups) -> tuple:
    """The best objective over every assignment that keeps campus, language, capacity."""
    choices = [[None] + [i for i, leader in enumerate(leaders) if _fits(leader, g)] for g in groups]
    return min(
        _objective(leaders, groups, pick)
        for pick in itertools.product(*choices)
        if all(pick.count(i) <= leaders[i][2] for i in range(len(leaders)))
    )


leaders_strategy = st.lists(
    st.tuples(
        st.sampled_from((*CAMPUSES, "")), st.sampled_from(("no", "en", "both")), st.integers(1, 3)
    ),
    min_size=0,
    max_size=4,
)
groups_strategy = st.lists(
    st.tuples(st.sampled_from(CAMPUSES), st.sampled_from(tuple(MEMBERS))), min_size=1, max_size=6
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(leaders=leaders_strategy, groups=groups_strategy)
def test_plans_keep_every_rule_and_lead_as_many_groups_as_possible(ref, leaders, groups):
    round_id = create_round(f"Property {next(_rounds)}").id
    build = Builder(ref, round_id)
    leader_ids = [
        build.leader(f"Leader {i}", campus=c, language=lang, capacity=cap)
        for i, (c, lang, cap) in enumerate(leaders)
    ]
    group_ids = [build.group(campus=c, languages=MEMBERS[need]) for c, need in groups]
    plan = propose_assignment(round_id)
    by_leader = {lid: leaders[i] for i, lid in enumerate(leader_ids)}
    by_id = {gid: groups[i] for i, gid in enumerate(group_ids)}
    counts = {lid: 0 for lid in leader_ids}
    for assignment in plan.assignments:
        leader, group = by_leader[assignment.leader_id], by_id[assignment.group_id]
        counts[assignment.leader_id] += 1
        assert leader[0] in ("", group[0])  # the leader's campus, or a campus-less leader
        assert assignment.campus == group[0]
        if group[1] == "en":
            assert leader[1] != "no"
        if group[1] == "no":
            assert leader[1] != "en"
    assert all(counts[lid] <= by_leader[lid][2] for lid in leader_ids)
    assert all(load.groups_after <= load.capacity for load in plan.loads)
    best = _best_by_brute_force(leaders, groups)
    most = -best[0]
    index = {lid: i for i, lid in enumerate(leader_ids)}
    chosen = {a.group_id: index[a.leader_id] for a in plan.assignments}
    assert _objective(leaders, groups, tuple(chosen.get(g) for g in group_ids)) == best
    assert len(plan.assignments) + len(plan.unassigned) == len(groups)
    assert sum(s.groups_without_leader for s in plan.missing) == len(groups) - most
    assert apply_assignment(plan) == most
