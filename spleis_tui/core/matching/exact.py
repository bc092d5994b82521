"""The proven optimum, for benchmarks and tests: the grouping solved exactly with OR-Tools.

It minimises exactly what score.py scores, the sum over groups of score_group(...).soft, with
no hard violation, every size within min..max and the group count fixed as the search fixes
it. Meant for small cohorts (about 30 people). Needs OR-Tools, which only the `bench` and
`test` extras install: the app never imports this module.

Two models. The default lists every group that could be formed (every set of min..max people
with no hard violation) with its cost from score_group itself, and picks groups that cover
everyone once: a set-partitioning model, exact by construction for any criterion and mode.
Its linear relaxation is tight, but CP-SAT alone does not close it on 80,000 groups, so the
relaxation is solved first (GLOP) and its duals price each group: a group whose reduced
cost exceeds (best known cost - relaxation) cannot be in a better grouping. CP-SAT then
solves the few groups left to proven optimality. When there are too many possible groups
(large groups, few hard criteria), a compact assignment model is used instead, which
models each criterion's formula and rarely proves optimality beyond about 20 people.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from spleis_tui.core.matching.criteria import Settings, group_count
from spleis_tui.core.matching.score import (
    CATEGORIES,
    COUNTED_GENDERS,
    SETS,
    Member,
    Relations,
    score_group,
)

# Possible groups the set-partitioning model lists before it gives way to the compact one.
MAX_COLUMNS = 2_000_000
# Groups of lowest reduced cost the first restricted solve starts with, per person.
FIRST_COLUMNS_PER_PERSON = 50
# Criteria whose hard violation a larger group can mend (a friend or a second person of the
# same gender joins): two people breaking them may still share a group.
NOT_MONOTONE = ("gender", "friends")
TOLERANCE = 1e-6


@dataclass
class ExactResult:
    groups: list[list[int]]  # member ids; empty when no grouping was found
    cost: float  # Σ score_group(...).soft over the groups, re-scored; inf when none was found
    optimal: bool  # proved: no grouping costs less
    seconds: float
    bound: float = 0.0  # the proven lower bound on the cost (inf when proved infeasible)
    objective: float = math.inf  # the model's own value: equals cost unless the model is wrong
    hard: int = 0  # Σ score_group(...).hard, re-scored: 0 unless the model is wrong
    status: str = "unknown"  # optimal, feasible, infeasible or unknown
    method: str = ""  # "groups" (set partitioning) or "compact"
    columns: int = 0  # possible groups listed by the set-partitioning model


@dataclass
class _Outcome:
    groups: list[list[int]]  # positions
    status: str
    objective: float = math.inf  # scaled
    bound: float = 0.0  # scaled


def solve_exact(
    members: Sequence[Member],
    relations: Relations,
    settings: Settings,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    hint: Sequence[Sequence[int]] | None = None,
    method: str = "auto",
) -> ExactResult:
    """The cheapest grouping of `members`, proved so when the solve ends within the limit.

    `hint` (groups of member ids, say from the search) gives a first solution. `method` is
    "auto", "groups" (set partitioning, however many groups) or "compact".
    Raises ValueError when no group count fits the sizes or a weight has no exact
    integer scale (more than three decimals).
    """
    started = time.perf_counter()
    members = list(members)
    count = group_count(len(members), settings)
    if count is None:
        raise ValueError(f"{len(members)} people cannot be split into groups of the sizes asked")
    soft = [c.weight for c in settings.criteria.values() if c.mode not in ("hard", "ignore")]
    scale = integer_scale([settings.size_weight, 1.0, *soft])
    position = {m.id: p for p, m in enumerate(members)}
    hinted = [[position[i] for i in g if i in position] for g in hint or ()]
    deadline = started + time_limit
    columns = None
    if method != "compact":
        limit = math.inf if method == "groups" else MAX_COLUMNS
        columns = possible_groups(members, relations, settings, scale, limit)
    if columns is not None:
        found = _solve_groups(columns, len(members), count, deadline, workers, hinted)
    else:
        found = _solve_compact(
            members, relations, settings, count, scale, deadline, workers, hinted
        )
    result = ExactResult(
        [[members[p].id for p in g] for g in found.groups],
        math.inf,
        found.status == "optimal",
        time.perf_counter() - started,
        bound=found.bound / scale,
        objective=found.objective / scale,
        status=found.status,
        method="compact" if columns is None else "groups",
        columns=len(columns or ()),
    )
    if result.groups:
        scores = [score_group([members[p] for p in g], settings, relations) for g in found.groups]
        result.cost = sum(s.soft for s in scores)
        result.hard = sum(s.hard for s in scores)
    return result


def integer_scale(weights: Iterable[float]) -> int:
    """The smallest factor that makes every weight whole: 0.5 -> 2, 0.25 -> 4, 0.1 -> 10."""
    used = [w for w in weights if w]
    for scale in range(1, 1001):
        if all(abs(w * scale - round(w * scale)) < 1e-9 for w in used):
            return scale
    raise ValueError("weights with more than three decimals have no exact integer scale")


# The set-partitioning model


def possible_groups(
    members: list[Member],
    relations: Relations,
    settings: Settings,
    scale: int,
    limit: float = MAX_COLUMNS,
) -> list[tuple[tuple[int, ...], int]] | None:
    """Every group of min..max people (positions) with no hard violation, and its soft cost
    times `scale`; None when there are more than `limit`.

    Pairs that break a hard criterion no larger group could mend are never grown further.
    """
    monotone = replace(
        settings, criteria={k: c for k, c in settings.criteria.items() if k not in NOT_MONOTONE}
    )
    pairs_only = Relations(apart=relations.apart, met_before=relations.met_before)
    n = len(members)
    fits = [
        {
            q
            for q in range(p + 1, n)
            if not score_group([members[p], members[q]], monotone, pairs_only).hard
        }
        for p in range(n)
    ]
    found: list[tuple[tuple[int, ...], int]] = []

    def grow(group: list[int], candidates: list[int]) -> bool:
        if len(group) >= settings.min_size:
            score = score_group([members[p] for p in group], settings, relations)
            if not score.hard:
                found.append((tuple(group), round(score.soft * scale)))
                if len(found) > limit:
                    return False
        if len(group) == settings.max_size:
            return True
        for k, q in enumerate(candidates):
            group.append(q)
            going = grow(group, [r for r in candidates[k + 1 :] if r in fits[q]])
            group.pop()
            if not going:
                return False
        return True

    for p in range(n):
        if not grow([p], sorted(fits[p])):
            return None
    return found


def _solve_groups(
    columns: list[tuple[tuple[int, ...], int]],
    people: int,
    count: int,
    deadline: float,
    workers: int,
    hint: list[list[int]],
) -> _Outcome:
    """Relaxation, pricing, then CP-SAT on the groups that could still improve on the best."""
    relaxed = _relaxation(columns, people, count)
    if relaxed is None:
        return _Outcome([], "infeasible", bound=math.inf)
    reduced, dual_value = relaxed
    # For any grouping: cost = dual_value + Σ reduced over its groups, and every reduced cost
    # is ≥ -slack (the relaxation's rounding), so this is a lower bound on every grouping.
    slack = max(0.0, -min(reduced)) * count + TOLERANCE
    lower = math.ceil(dual_value - slack)
    index = {group: k for k, (group, _) in enumerate(columns)}
    best = [index.get(tuple(sorted(g))) for g in hint]
    best = best if len(best) == count and None not in best else []
    order = sorted(range(len(columns)), key=reduced.__getitem__)
    if best:
        threshold = sum(columns[k][1] for k in best) - dual_value + slack
    else:
        first = min(len(order), FIRST_COLUMNS_PER_PERSON * people) - 1
        threshold = reduced[order[first]]
    while True:
        kept = [k for k in order if reduced[k] <= threshold]
        status, chosen, value = _partition(
            columns, kept, people, count, lower, best, deadline, workers
        )
        if chosen:
            best = chosen
        if status == "optimal" and value - dual_value + slack <= threshold:
            groups = [list(columns[k][0]) for k in best]  # no better grouping left out
            return _Outcome(groups, "optimal", value, value)
        if status == "optimal":
            threshold = value - dual_value + slack  # now every group that could help is in
        elif status == "infeasible" and len(kept) < len(columns):
            threshold = reduced[order[min(len(order), 4 * len(kept)) - 1]]
        elif status == "infeasible":
            return _Outcome([], "infeasible", bound=math.inf)
        else:  # out of time
            groups = [list(columns[k][0]) for k in best]
            value = sum(columns[k][1] for k in best) if best else math.inf
            return _Outcome(groups, "feasible" if best else "unknown", value, lower)


def _relaxation(
    columns: list[tuple[tuple[int, ...], int]], people: int, count: int
) -> tuple[list[float], float] | None:
    """(each group's reduced cost, the dual bound) of the linear relaxation; None if infeasible."""
    from ortools.linear_solver import pywraplp

    if not columns:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    rows = [lp.Constraint(1, 1) for _ in range(people)]
    total = lp.Constraint(count, count)
    objective = lp.Objective()
    for group, cost in columns:
        picked = lp.NumVar(0, lp.infinity(), "")  # no upper bound: it would hide duals
        for p in group:
            rows[p].SetCoefficient(picked, 1)
        total.SetCoefficient(picked, 1)
        objective.SetCoefficient(picked, cost)
    objective.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    duals = [row.dual_value() for row in rows]
    per_group = total.dual_value()
    reduced = [cost - sum(duals[p] for p in group) - per_group for group, cost in columns]
    return reduced, sum(duals) + per_group * count


def _partition(
    columns: list[tuple[tuple[int, ...], int]],
    kept: list[int],
    people: int,
    count: int,
    lower: int,
    hint: list[int],
    deadline: float,
    workers: int,
) -> tuple[str, list[int], float]:
    """CP-SAT on the kept groups: (status, the groups chosen, their cost)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    picked = {k: model.NewBoolVar(f"g{k}") for k in kept}
    covering: list[list[Any]] = [[] for _ in range(people)]
    for k, var in picked.items():
        for p in columns[k][0]:
            covering[p].append(var)
    if not all(covering):
        return "infeasible", [], math.inf
    for options in covering:
        model.AddExactlyOne(options)
    model.Add(sum(picked.values()) == count)
    cost = sum(columns[k][1] * var for k, var in picked.items())
    model.Add(cost >= lower)
    model.Minimize(cost)
    for k in hint:
        if k in picked:
            model.AddHint(picked[k], True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
    solver.parameters.num_workers = workers
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return "infeasible", [], math.inf
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", [], math.inf
    chosen = [k for k, var in picked.items() if solver.BooleanValue(var)]
    value = solver.ObjectiveValue()
    return ("optimal" if status == cp_model.OPTIMAL else "feasible"), chosen, value


# The compact model


def _solve_compact(
    members: list[Member],
    relations: Relations,
    settings: Settings,
    count: int,
    scale: int,
    deadline: float,
    workers: int,
    hint: list[list[int]],
) -> _Outcome:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    built = _Model(model, members, relations, settings, count, scale)
    if hint:
        built.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
    solver.parameters.num_workers = workers
    status = solver.Solve(model)
    if status == cp_model.INFEASIBLE:
        return _Outcome([], "infeasible", bound=math.inf)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _Outcome([], "unknown")
    return _Outcome(
        built.groups(solver),
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        solver.ObjectiveValue(),
        solver.BestObjectiveBound(),
    )


class _Model:
    """The variables and constraints. x[p][g]: the person at position p is in group g.

    Groups are interchangeable, so each grouping is kept in one order only: person p sits in
    a group ≤ p, and opens group g only if someone before them opened group g - 1.
    """

    def __init__(
        self,
        model: Any,
        members: list[Member],
        relations: Relations,
        settings: Settings,
        count: int,
        scale: int,
    ) -> None:
        self.model, self.members, self.settings = model, members, settings
        self.relations = relations
        self.position = {m.id: p for p, m in enumerate(members)}
        self.count = count
        self.sizes = range(settings.min_size, settings.max_size + 1)
        self.x = [
            {g: model.NewBoolVar(f"x{p}_{g}") for g in range(min(p + 1, count))}
            for p in range(len(members))
        ]
        self.scale = scale
        self.terms: list[Any] = []  # the objective, in scaled integer units
        self._present: dict[tuple[int, tuple[int, ...]], Any] = {}
        self._assign_and_size()
        self._categories()
        self._language()
        self._gender()
        self._age()
        for name in SETS:
            self._shared_option(name)
        self._friends()
        self._pairs(relations.apart, self.settings.mode("keep_apart"), 1.0)
        self._pairs(
            relations.met_before,
            self.settings.mode("earlier_rounds"),
            self.settings.weight("earlier_rounds"),
        )
        model.Minimize(sum(self.terms))

    # Helpers

    def _weight(self, weight: float) -> int:
        return round(weight * self.scale)

    def _in(self, p: int, g: int) -> Any:
        return self.x[p].get(g, 0)

    def _count(self, g: int, positions: Iterable[int]) -> Any:
        return sum(self.x[p][g] for p in positions if g in self.x[p])

    def _groups_of(self, positions: Iterable[int]) -> set[int]:
        return {g for p in positions for g in self.x[p]}

    def present(self, g: int, positions: Sequence[int]) -> Any:
        """A literal that is at least "one of these positions is in group g".

        Only its lower bound is enforced: use it where the objective or a constraint gains
        nothing from a needless 1 (a cost that grows with it, or "at most one present").
        """
        key = (g, tuple(positions))
        if key not in self._present:
            inside = [self.x[p][g] for p in positions if g in self.x[p]]
            if len(inside) == 1:
                self._present[key] = inside[0]
            else:
                literal = self.model.NewBoolVar(f"present{g}_{len(self._present)}")
                for x in inside:
                    self.model.AddImplication(x, literal)
                self._present[key] = literal
        return self._present[key]

    def _by(self, key: Any) -> dict[Any, list[int]]:
        grouped: dict[Any, list[int]] = defaultdict(list)
        for p, member in enumerate(self.members):
            grouped[key(member)].append(p)
        return grouped

    def _charge(self, mode: str, weight: float, costs: Iterable[Any]) -> None:
        """A criterion's costs: must all be 0 when hard, weighed into the objective when soft."""
        costs = list(costs)
        if mode == "hard":
            for cost in costs:
                self.model.Add(cost == 0)
        elif mode != "ignore" and weight:
            self.terms.append(self._weight(weight) * sum(costs))

    # Criteria

    def _assign_and_size(self) -> None:
        model = self.model
        for p, groups in enumerate(self.x):
            model.AddExactlyOne(groups.values())
            for g, x in groups.items():
                if g > 0:  # p may open group g only after group g - 1 was opened
                    model.Add(x <= sum(self.x[q][g - 1] for q in range(g - 1, p)))
        self.size_is: list[dict[int, Any]] = []
        everyone = range(len(self.members))
        for g in range(self.count):
            size_is = {k: model.NewBoolVar(f"size{g}_{k}") for k in self.sizes}
            model.AddExactlyOne(size_is.values())
            model.Add(self._count(g, everyone) == sum(k * v for k, v in size_is.items()))
            self.size_is.append(size_is)
            gaps = [abs(k - self.settings.size) * v for k, v in size_is.items()]
            self._charge("similar", self.settings.size_weight, gaps)

    def _categories(self) -> None:
        for name in CATEGORIES:
            mode, weight = self.settings.mode(name), self.settings.weight(name)
            values = list(self._by(lambda m, name=name: getattr(m, name)).values())
            if mode == "ignore" or (mode != "mix" and len(values) < 2):
                continue  # one value: nothing to break or spread (mix still counts repeats)
            for g in range(self.count):
                if mode == "hard":
                    self.model.AddAtMostOne(self.present(g, v) for v in values)
                elif mode == "similar":  # different values - 1
                    present = [self.present(g, v) for v in values if self._groups_of(v) & {g}]
                    self._charge(mode, weight, [sum(present) - 1])
                else:  # mix: n - different values, from the values two or more people share
                    self._charge(mode, weight, [self._repeats(g, v) for v in values if len(v) > 1])

    def _repeats(self, g: int, positions: list[int]) -> Any:
        """How many of these positions in group g repeat a value: their count - [any there]."""
        inside = self._count(g, positions)
        there = self.model.NewBoolVar(f"there{g}")
        self.model.Add(there <= inside)
        return inside - there

    def _language(self) -> None:
        mode, weight = self.settings.mode("language"), self.settings.weight("language")
        speaks = self._by(lambda m: m.language)
        norwegian, english = speaks.get("no", []), speaks.get("en", [])
        if mode == "ignore" or not norwegian or not english:
            return
        for g in range(self.count):
            if mode == "hard":
                no, en = self.present(g, norwegian), self.present(g, english)
                self.model.AddBoolOr([no.Not(), en.Not()])
            elif weight:
                clash = self.model.NewIntVar(0, len(self.members), f"clash{g}")
                self.model.AddMinEquality(
                    clash, [self._count(g, norwegian), self._count(g, english)]
                )
                self._charge(mode, weight, [clash])

    def _gender(self) -> None:
        """2 · same-gender wishes broken + people alone in their gender who asked for company."""
        mode, weight = self.settings.mode("gender"), self.settings.weight("gender")
        if mode == "ignore" or (mode != "hard" and not weight):
            return
        genders = self._by(lambda m: m.gender)
        costs = []
        for p, member in enumerate(self.members):
            counted = member.gender in COUNTED_GENDERS  # "prefer not to say" has no wish to break
            others = [v for gender, v in genders.items() if gender != member.gender]
            if member.group_pref == "same" and counted and others:
                broken = self.model.NewBoolVar(f"broken{p}")
                for g, x in self.x[p].items():
                    for other in others:
                        if g in self._groups_of(other):
                            self.model.AddBoolOr([x.Not(), self.present(g, other).Not(), broken])
                costs.append(2 * broken)
            if member.group_pref in ("same", "mixed") and counted:
                alone = self.model.NewBoolVar(f"alone{p}")
                for g, x in self.x[p].items():
                    # 2x - (count of their gender, them included) is 1 exactly when alone
                    single = self.size_is[g].get(1, 0)  # a group of one is alone by itself
                    self.model.Add(alone >= 2 * x - self._count(g, genders[member.gender]) - single)
                costs.append(alone)
        self._charge(mode, weight, costs)

    def _age(self) -> None:
        if self.settings.mode("age") != "similar" or not self.settings.weight("age"):
            return
        aged = [(p, m.age) for p, m in enumerate(self.members) if m.age is not None]
        if len({age for _, age in aged}) < 2:
            return
        low, high = min(a for _, a in aged), max(a for _, a in aged)
        ranges = []
        for g in range(self.count):
            oldest = self.model.NewIntVar(low, high, f"oldest{g}")
            youngest = self.model.NewIntVar(low, high, f"youngest{g}")
            self.model.Add(oldest >= youngest)
            for p, age in aged:
                if g in self.x[p]:
                    self.model.Add(oldest >= low + (age - low) * self.x[p][g])
                    self.model.Add(youngest <= high - (high - age) * self.x[p][g])
            ranges.append(oldest - youngest)
        self._charge("similar", self.settings.weight("age"), ranges)

    def _shared_option(self, name: str) -> None:
        """Members without the option most of the group shares: each group picks one option,
        and whoever lacks it costs one (the best pick is the most shared option)."""
        mode, weight = self.settings.mode(name), self.settings.weight(name)
        if mode == "ignore" or (mode != "hard" and not weight):
            return
        options = sorted({o for m in self.members for o in getattr(m, name)})
        missing = []
        for g in range(self.count):
            chosen = {o: self.model.NewBoolVar(f"{name}{g}_{o}") for o in options}
            self.model.AddAtMostOne(chosen.values())
            for p, member in enumerate(self.members):
                if g in self.x[p]:
                    covered = sum(chosen[o] for o in getattr(member, name))
                    lacks = self.model.NewBoolVar(f"lacks{p}_{g}")
                    self.model.Add(lacks >= self.x[p][g] - covered)
                    missing.append(lacks)
        self._charge(mode, weight, missing)

    def _friends(self) -> None:
        """Friendships across a group's border, counted from each side as score.py counts."""
        mode, weight = self.settings.mode("friends"), self.settings.weight("friends")
        if mode == "ignore" or (mode != "hard" and not weight):
            return
        sides: dict[tuple[int, int], int] = defaultdict(int)
        outside = 0  # friends who are not in this cohort are always apart
        for member in self.members:
            for friend in self.relations.friend_of.get(member.id, ()):
                if friend in self.position:
                    pair = sorted((self.position[member.id], self.position[friend]))
                    sides[(pair[0], pair[1])] += 1
                else:
                    outside += 1
        splits = []
        for (p, q), times in sides.items():
            split = self.model.NewBoolVar(f"split{p}_{q}")
            for g in self._groups_of((p, q)):
                self.model.Add(split >= self._in(p, g) - self._in(q, g))
                self.model.Add(split >= self._in(q, g) - self._in(p, g))
            splits.append(times * split)
        if mode == "hard" and outside:
            self.model.AddBoolOr([])  # nobody can be grouped with a friend outside the cohort
        self._charge(mode, weight, splits if mode == "hard" else [outside, *splits])

    def _pairs(self, pairs: frozenset[frozenset[int]], mode: str, weight: float) -> None:
        """Pairs who should not share a group (keep-apart, met before)."""
        if mode == "ignore" or (mode != "hard" and not weight):
            return
        inside = []
        for pair in pairs:
            if not all(i in self.position for i in pair):
                continue
            p, q = sorted(self.position[i] for i in pair)
            together = self.model.NewBoolVar(f"together{p}_{q}")
            for g in self._groups_of((p, q)):
                self.model.Add(together >= self._in(p, g) + self._in(q, g) - 1)
            inside.append(together)
        self._charge(mode, weight, inside)

    # Solutions

    def hint(self, groups: list[list[int]]) -> None:
        """Hint a grouping (positions), renumbered into the one order the model keeps."""
        placed = sorted((sorted(g) for g in groups if g), key=lambda g: g[0])
        if len(placed) != self.count:
            return
        group_of = {p: g for g, positions in enumerate(placed) for p in positions}
        for p, xs in enumerate(self.x):
            for g, x in xs.items():
                self.model.AddHint(x, group_of.get(p) == g)

    def groups(self, solver: Any) -> list[list[int]]:
        """The solution's groups, as positions."""
        found: list[list[int]] = [[] for _ in range(self.count)]
        for p, xs in enumerate(self.x):
            found[next(g for g, x in xs.items() if solver.BooleanValue(x))].append(p)
        return found
