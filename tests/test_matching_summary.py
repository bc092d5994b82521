"""A matching run's summary: the counts add up and the lines read well."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from spleis_tui.core.matching.criteria import VENNESPLEIS
from spleis_tui.core.matching.score import (
    COUNTED_GENDERS,
    Member,
    Relations,
    gender_wishes_broken,
    score_group,
)
from spleis_tui.core.matching.summary import summarise
from spleis_tui.i18n import set_language

NONE = Relations.build()


def group(start: int, *specs: dict) -> list[Member]:
    return [Member(id=start + i, campus="gloshaugen", **spec) for i, spec in enumerate(specs)]


def test_a_small_run_in_numbers_and_lines():
    first = group(
        0,
        {"gender": "woman", "group_pref": "same", "age": 20, "interests": frozenset({"hiking"})},
        {"gender": "woman", "group_pref": "same", "age": 22, "interests": frozenset({"hiking"})},
    )
    second = group(
        10,
        {"gender": "woman", "group_pref": "same", "age": 25},
        {"gender": "man", "group_pref": "mixed", "age": 25},
        {"gender": "woman", "group_pref": "mixed"},
    )
    late = Member(id=99, campus="gloshaugen")
    relations = Relations.build(friends=[(0, 1), (0, 10), (10, 99)])
    summary = summarise([first, second], [(late, "no group fits")], VENNESPLEIS, relations)

    assert (summary.groups, summary.sizes, summary.placed, summary.not_placed) == (
        2,
        {2: 1, 3: 1},
        5,
        1,
    )
    assert summary.unplaced == ((late, "no group fits"),)
    assert (summary.same_gender_met, summary.same_gender_asked) == (2, 3)
    assert (summary.mixed_met, summary.mixed_asked) == (1, 2)
    # (10, 99) does not count: 99 was not placed.
    assert (summary.friend_pairs_together, summary.friend_pairs) == (1, 2)
    assert (summary.shared_interest_groups, summary.shared_time_groups) == (1, 0)
    assert summary.mean_age_range == 1.0
    assert summary.hard == 0
    expected_soft = sum(score_group(g, VENNESPLEIS, relations).soft for g in (first, second))
    assert summary.soft == expected_soft

    assert summary.lines() == [
        "2 groups: 1 of 2, 1 of 3",
        "5 placed, 1 not placed",
        "Hard violations: 0",
        f"Soft cost: {expected_soft:,.1f}",
        "Same-gender wishes met: 2 of 3",
        "Mixed-group wishes met (not alone in their gender): 1 of 2",
        "Friend pairs together: 1 of 2",
        "Groups where one interest suits all: 1 of 2",
        "Groups where one time suits all: 0 of 2",
        "Mean age range in a group: 1.0 years",
    ]


def test_sizes_are_listed_most_common_first_with_thousands_grouped():
    many = [group(i * 5, *({} for _ in range(5))) for i in range(1200)]
    many += [group(10_000 + i * 4, *({} for _ in range(4))) for i in range(3)]
    settings = replace(VENNESPLEIS, criteria={})
    lines = summarise(many, [], settings, NONE).lines()
    assert lines[0] == "1,203 groups: 1,200 of 5, 3 of 4"
    assert lines[1] == "6,012 placed, 0 not placed"
    set_language("nb")
    assert "1\u00a0200" in summarise(many, [], settings, NONE).lines()[0]


def test_wishes_nobody_made_get_no_line():
    lines = summarise([group(0, {}, {})], [], VENNESPLEIS, NONE).lines()
    assert not any("wish" in line or "Friend" in line or "age range" in line for line in lines)


def test_an_empty_run():
    summary = summarise([], [], VENNESPLEIS, NONE)
    assert (summary.groups, summary.placed, summary.mean_age_range) == (0, 0, None)
    assert summary.lines()[0] == "0 groups"


def test_hard_violations_are_summed():
    clash = group(0, {"language": "no"}, {"language": "en"})
    assert summarise([clash], [], VENNESPLEIS, NONE).hard == 1


# Property: whatever the run, the counts add up.

member = st.builds(
    Member,
    id=st.just(0),
    campus=st.sampled_from(["gloshaugen", "dragvoll"]),
    language=st.sampled_from(["no", "en", "both"]),
    gender=st.sampled_from(["woman", "man", "nonbinary", "unspecified"]),
    group_pref=st.sampled_from(["same", "mixed", "any"]),
    age=st.none() | st.integers(18, 40),
    interests=st.frozensets(st.sampled_from(["hiking", "cooking"])),
    availability=st.frozensets(st.sampled_from(["evening", "weekend"])),
)
runs = st.tuples(
    st.lists(st.lists(member, min_size=1, max_size=7), max_size=6),
    st.lists(member, max_size=4),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=12),
)


@given(runs)
def test_the_counts_add_up(run):
    raw_groups, raw_unplaced, friend_ids = run
    ids = iter(range(1000))
    groups = [[replace(m, id=next(ids)) for m in g] for g in raw_groups]
    unplaced = [(replace(m, id=next(ids)), "reason") for m in raw_unplaced]
    relations = Relations.build(friends=friend_ids)
    summary = summarise(groups, unplaced, VENNESPLEIS, relations)

    everyone = sum(len(g) for g in groups) + len(unplaced)
    assert summary.placed + summary.not_placed == everyone
    assert sum(summary.sizes.values()) == summary.groups == len(groups)
    assert sum(size * count for size, count in summary.sizes.items()) == summary.placed
    placed = [m for g in groups for m in g]
    assert summary.same_gender_asked == sum(
        m.group_pref == "same" and m.gender in COUNTED_GENDERS for m in placed
    )
    assert summary.mixed_asked == sum(m.group_pref == "mixed" for m in placed)
    broken = sum(gender_wishes_broken(g)[0] for g in groups)
    assert summary.same_gender_met == summary.same_gender_asked - broken
    assert 0 <= summary.mixed_met <= summary.mixed_asked
    assert 0 <= summary.friend_pairs_together <= summary.friend_pairs
    assert 0 <= summary.shared_interest_groups <= summary.groups
    assert 0 <= summary.shared_time_groups <= summary.groups
    assert summary.hard == sum(score_group(g, VENNESPLEIS, relations).hard for g in groups)
    assert len(summary.lines()) >= 4
