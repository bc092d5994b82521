"""The exact model against brute force: every partition of a small cohort, scored by score.py."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import replace

import pytest

pytest.importorskip("ortools")

from spleis_tui.core.matching.criteria import VENNESPLEIS, Criterion, Settings, group_count
from spleis_tui.core.matching.exact import integer_scale, solve_exact
from spleis_tui.core.matching.score import Member, Relations, score_group

PROGRAMMES = {
    "MTDT": ("IDI", "IE"),
    "MTKJ": ("IKJ", "NV"),
    "BIT": ("IDI", "IE"),
    "LAN": ("ILU", "SU"),
}


def cohort(n: int, seed: int, campuses: tuple[str, ...] = ("gloshaugen",)) -> list[Member]:
    rng = random.Random(seed)
    members = []
    for i in range(n):
        programme = rng.choice(sorted(PROGRAMMES))
        members.append(
            Member(
                id=100 + i,  # ids are not positions
                campus=rng.choice(campuses),
                language=rng.choice(("no", "no", "both", "both", "en")),
                gender=rng.choice(("woman", "man", "woman", "man", "nonbinary", "unspecified")),
                group_pref=rng.choice(("same", "mixed", "any")),
                age=rng.choice((None, *range(19, 27))),
                programme=programme,
                department=PROGRAMMES[programme][0],
                faculty=PROGRAMMES[programme][1],
                year_of_study=rng.randint(1, 3),
                interests=frozenset(rng.sample("abcde", rng.randint(0, 3))),
                availability=frozenset(rng.sample("wxyz", rng.randint(1, 2))),
            )
        )
    return members


def relations(members: list[Member], seed: int) -> Relations:
    rng = random.Random(seed)
    ids = [m.id for m in members]
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(4)]
    # The last friend is not in the cohort: always apart, a fixed cost.
    return Relations.build(
        friends=[pairs[0], pairs[1], (ids[0], 999)], apart=[pairs[2]], met_before=[pairs[3]]
    )


def partitions(ids: list[int], count: int, low: int, high: int) -> Iterator[list[list[int]]]:
    """Every split of ids into exactly `count` groups of low..high people, each once."""
    groups: list[list[int]] = []

    def place(i: int) -> Iterator[list[list[int]]]:
        left = len(ids) - i
        if left < sum(max(0, low - len(g)) for g in groups) + low * (count - len(groups)):
            return
        if i == len(ids):
            yield [list(g) for g in groups]
            return
        for g in groups:
            if len(g) < high:
                g.append(ids[i])
                yield from place(i + 1)
                g.pop()
        if len(groups) < count:
            groups.append([ids[i]])
            yield from place(i + 1)
            groups.pop()

    yield from place(0)


def brute_force(members: list[Member], rel: Relations, settings: Settings) -> float:
    by_id = {m.id: m for m in members}
    count = group_count(len(members), settings)
    best = math.inf
    for split in partitions(list(by_id), count, settings.min_size, settings.max_size):
        scores = [score_group([by_id[i] for i in g], settings, rel) for g in split]
        if all(s.hard == 0 for s in scores):
            best = min(best, sum(s.soft for s in scores))
    return best


EXPECTED: dict[tuple[int, int, int], float] = {}
SMALL = VENNESPLEIS.with_sizes(3, 2, 4)
EVERY_SOFT = replace(
    SMALL,
    size_weight=1.5,
    criteria={
        "campus": Criterion("similar", 3.0),
        "programme": Criterion("similar", 1.0),
        "department": Criterion("mix", 0.5),
        "faculty": Criterion("mix", 2.0),
        "year_of_study": Criterion("mix", 1.0),
        "language": Criterion("similar", 2.5),
        "gender": Criterion("similar", 1.5),
        "age": Criterion("similar", 0.5),
        "interests": Criterion("similar", 1.0),
        "availability": Criterion("similar", 3.0),
        "friends": Criterion("similar", 2.0),
        "keep_apart": Criterion("hard"),
        "earlier_rounds": Criterion("similar", 4.0),
    },
)


def hard(**modes: str) -> Settings:
    return replace(
        SMALL, criteria={**SMALL.criteria, **{k: Criterion(v) for k, v in modes.items()}}
    )


TWO = ("gloshaugen", "dragvoll")


@pytest.mark.parametrize(
    ("settings", "n", "seed", "campuses"),
    [
        (VENNESPLEIS, 10, 1, TWO[:1]),
        (VENNESPLEIS, 12, 2, TWO[:1]),
        (SMALL, 9, 3, TWO[:1]),
        (SMALL, 10, 4, TWO[:1]),
        (EVERY_SOFT, 9, 5, TWO),
        (EVERY_SOFT, 10, 6, TWO),
        (replace(EVERY_SOFT, size_weight=0.0), 8, 7, TWO),
        (hard(friends="hard", availability="hard"), 8, 1, TWO[:1]),
        (hard(friends="hard", gender="hard"), 8, 9, TWO[:1]),
        (hard(friends="hard", year_of_study="hard"), 8, 5, TWO[:1]),
        (hard(friends="hard", interests="hard"), 9, 21, TWO[:1]),
        (hard(friends="hard", availability="hard", faculty="hard"), 8, 1, TWO[:1]),  # none fits
    ],
)
@pytest.mark.parametrize("method", ["groups", "compact"])
def test_the_exact_optimum_is_what_brute_force_finds(settings, n, seed, campuses, method):
    members = cohort(n, seed, campuses)
    rel = relations(members, seed)
    if settings.mode("friends") == "hard":  # a friend outside the cohort would rule out all
        rel = Relations.build(
            friends=[tuple(p) for p in rel.friends if 999 not in p],
            apart=[tuple(p) for p in rel.apart],
            met_before=[tuple(p) for p in rel.met_before],
        )
    key = (id(settings), n, seed)  # both methods are checked against one brute force
    if key not in EXPECTED:
        EXPECTED[key] = brute_force(members, rel, settings)
    expected = EXPECTED[key]
    result = solve_exact(members, rel, settings, time_limit=20, method=method)
    assert result.method == method
    assert result.cost == pytest.approx(expected)
    if math.isfinite(expected):
        assert result.optimal and result.hard == 0
        assert result.objective == pytest.approx(result.cost)
        assert result.bound == pytest.approx(result.cost)
        assert sorted(i for g in result.groups for i in g) == sorted(m.id for m in members)
    else:
        assert result.status == "infeasible" and result.groups == []


def test_two_campuses_never_share_a_group_when_campus_is_hard():
    kalvskinnet = [replace(m, id=m.id + 50, campus="kalvskinnet") for m in cohort(5, 12)]
    members = [replace(m, language="both") for m in cohort(5, 11) + kalvskinnet]
    rel = Relations.build()
    result = solve_exact(members, rel, VENNESPLEIS, time_limit=20)
    assert result.optimal
    by_id = {m.id: m for m in members}
    assert all(len({by_id[i].campus for i in g}) == 1 for g in result.groups)
    assert result.cost == pytest.approx(brute_force(members, rel, VENNESPLEIS))


def test_a_hint_is_taken_in_any_group_order():
    members = [replace(m, language="both") for m in cohort(10, 13)]
    rel = relations(members, 13)
    ids = [m.id for m in members]
    hint = [ids[5:], ids[:5]]  # not the model's order: the group with the first person second
    result = solve_exact(members, rel, VENNESPLEIS, time_limit=20, hint=hint)
    assert result.optimal
    assert result.cost == pytest.approx(brute_force(members, rel, VENNESPLEIS))


def test_weights_are_scaled_to_whole_numbers():
    assert integer_scale([1.0, 4.0]) == 1
    assert integer_scale([0.5, 2.0]) == 2
    assert integer_scale([0.25, 0.1]) == 20
    with pytest.raises(ValueError):
        integer_scale([0.0001])


def test_no_group_count_fits_the_sizes():
    with pytest.raises(ValueError):
        solve_exact(cohort(7, 1), Relations.build(), VENNESPLEIS)
