"""The search that forms groups: split by hard criteria, build a first grouping, anneal.

1. People are split into *blocks* by the categorical hard criteria (campus, and for
   trivselsgrupper programme and year): nobody is ever grouped across a block.
2. Within a block, "language: must share one" splits the groups into English and
   Norwegian ones; people who speak both fill whichever side needs them.
3. A first grouping sorts each side by age and gender and cuts it into groups of the
   fixed count (criteria.group_count), which already gives small age ranges.
4. Simulated annealing improves it with swaps (two people change groups) and moves (one
   person changes group, sizes within min..max). Partners are drawn mostly from people of
   a similar age, the neighbourhood where swaps pay off, and the worst groups are picked
   more often, which lifts them. Each change is priced by recomputing the two groups it
   touches. Several restarts from the best grouping so far, each cooler than the last.

The work is a number of evaluated changes, fixed by the time limit and a rate constant,
so the same seed gives the same groups on any machine that finishes within the limit;
the time limit is a wall-clock cap on top (anytime: the best so far is returned).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import wait as future_wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from spleis_tui.core.matching.criteria import Settings, group_count
from spleis_tui.core.matching.score import Member, Relations, score_group

# Planned evaluations per second of time limit. Set below what this code reaches on a
# 2-core CI machine (about 65,000 a second), so a run normally ends on its own.
EVALUATIONS_PER_SECOND = 50_000
# From HELPER_FROM people a second process shares the work (measured: 1.9x at 5,000).
# The budget depends on the cohort only, never on the machine, so a seed gives the same
# groups anywhere; a one-core machine just reaches the time limit first.
TWO_CORES = 1.5
# A hard violation costs this much in the search: far beyond any soft trade.
HARD = 1000.0
RESTARTS = 3
SMALL_BLOCK = 300  # people
ROOMY_HOT, ROOMY_RESTARTS, ROOMY_CHAINS = 3.0, 8, 3
COOLER = 0.5  # each restart starts this much cooler
MOVES = 0.2  # share of changes that move one person rather than swap two
ROOMY = 1000  # evaluations per person from which a block counts as having work to spare
ENGLISH_OPTIONS = 3  # English-group counts tried where a campus has both sides
HOT, COLD = 1.0, 0.01  # temperatures: a year of age range costs 2, a repeat 1
CATEGORIES = ("campus", "programme", "department", "faculty", "year_of_study")
GENDER_INDEX = {"woman": 0, "man": 1, "nonbinary": 2}  # anything else: 3, never "alone"
PREF_INDEX = {"any": 0, "same": 1, "mixed": 2}
CHECK_EVERY = 512  # iterations between looking at the clock and the cancel flag


def default_time_limit(people: int) -> float:
    """Seconds a run may take by default: 2 s up to about 1,200 people, then more."""
    return round(min(20.0, max(2.0, people / 600)), 1)


@dataclass(frozen=True)
class Unplaced:
    """Somebody the run could not place, and why (a reason the caller words)."""

    member_id: int
    why: str  # "too_few": the block is smaller than a group; "language": no one to talk to
    block: tuple[tuple[str, str], ...]  # the hard criteria's values: (("campus", "oya"),)
    count: int  # how many people were in the same position
    min_size: int


@dataclass
class Grouping:
    groups: list[list[int]]  # member ids, one list per group
    unplaced: list[Unplaced] = field(default_factory=list)
    cost: float = 0.0  # Σ score_group(...).soft
    hard: int = 0  # Σ score_group(...).hard: 0 unless something is infeasible
    stopped: str = "done"  # "done", "time" (the time limit cut it short) or "cancelled"
    seconds: float = 0.0
    evaluations: int = 0


def match(
    members: Sequence[Member],
    relations: Relations,
    settings: Settings,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
    evaluations: int | None = None,
) -> Grouping:
    """Groups for `members` under `settings`. Never raises on cancel: returns the best so far.

    `evaluations` fixes the work instead of the time limit, with no clock at all: the
    same groups on any machine however busy (the demo and tests use it).
    """
    started = time.monotonic()
    limit = default_time_limit(len(members)) if time_limit is None else max(0.1, time_limit)
    rate = EVALUATIONS_PER_SECOND * (TWO_CORES if len(members) >= HELPER_FROM else 1)
    budget = int(rate * limit) if evaluations is None else evaluations
    deadline = started + limit if evaluations is None else math.inf
    blocks, unplaced = _blocks(list(members), settings)
    total = sum(len(b) for b in blocks) or 1
    tasks = [
        _Task(index, block, int(budget * len(block) / total), seed * 1_000_003 + index)
        for index, block in enumerate(blocks)
    ]
    mine, theirs = _share_out(tasks) if _worth_a_helper(tasks) else (tasks, [])
    clock = _Clock(deadline, budget, cancel, progress)
    results = _run_with_helper(mine, theirs, relations, settings, clock)
    result = Grouping(groups=[], unplaced=unplaced)
    for index in sorted(results):
        groups, left = results[index]
        result.groups.extend(groups)
        result.unplaced.extend(left)
    result.stopped = clock.stopped
    result.evaluations = clock.done
    result.seconds = time.monotonic() - started
    by_id = {m.id: m for m in members}
    for group in result.groups:
        score = score_group([by_id[i] for i in group], settings, relations)
        result.cost += score.soft
        result.hard += score.hard
    return result


# Two cores: blocks are independent, so a second process takes some of them. Each block's
# result depends only on its own seed and share of the work, so the groups are the same
# whether one process or two did the work.


@dataclass
class _Task:
    index: int
    block: list[Member]
    evaluations: int
    seed: int


HELPER_FROM = 400  # people: below this a second process costs more than it saves
_helper_stop = None  # set in the helper process: the shared stop flag and work counter
_helper_done = None


def _worth_a_helper(tasks: list[_Task]) -> bool:
    return (
        len(tasks) > 1
        and (os.cpu_count() or 1) > 1
        and sum(len(t.block) for t in tasks) >= HELPER_FROM
        and os.environ.get("SPLEIS_MATCH_PROCESSES", "2") != "1"
    )


def _share_out(tasks: list[_Task]) -> tuple[list[_Task], list[_Task]]:
    """Largest first into the emptier bin; the helper starts later, so it gets less."""
    mine: list[_Task] = []
    theirs: list[_Task] = []
    load = [0.0, 0.1 * sum(t.evaluations for t in tasks)]  # the helper's start-up
    for task in sorted(tasks, key=lambda t: -t.evaluations):
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(task)
        load[side] += task.evaluations
    return mine, theirs


def _solve(task: _Task, relations: Relations, settings: Settings, clock: _Clock):
    search = _BlockSearch(task.block, relations, settings, random.Random(task.seed))
    if search.groups:
        search.anneal(task.evaluations, clock)
    return search.best_groups() if search.groups else [], search.unplaced


def _helper_start(stop, done) -> None:
    global _helper_stop, _helper_done
    _helper_stop, _helper_done = stop, done


def _helper_solve(tasks, relations, settings, deadline):
    clock = _Clock(deadline, 1, _helper_stop.is_set, None, shared=_helper_done)
    found = {t.index: _solve(t, relations, settings, clock) for t in tasks}
    return found, clock.stopped


def _run_with_helper(mine, theirs, relations, settings, clock):
    if not theirs:
        return {t.index: _solve(t, relations, settings, clock) for t in mine}
    context = multiprocessing.get_context("spawn")  # never fork a threaded process
    stop, done = context.Event(), context.Value("q", 0, lock=False)
    results: dict = {}
    try:
        with ProcessPoolExecutor(
            1, mp_context=context, initializer=_helper_start, initargs=(stop, done)
        ) as pool:
            future = pool.submit(_helper_solve, theirs, relations, settings, clock.deadline)
            clock.others = done
            results = {t.index: _solve(t, relations, settings, clock) for t in mine}
            while not future.done():
                if not clock.tick(0):
                    stop.set()
                future_wait([future], timeout=0.05)
            if clock.stopped != "done":
                stop.set()
            found, stopped = future.result()
    except (BrokenProcessPool, OSError):
        # No second process after all (a script without a __main__ guard, no /dev/shm):
        # do its share here; the groups are the same, only slower.
        clock.others = None
        missing = [t for t in [*mine, *theirs] if t.index not in results]
        results.update({t.index: _solve(t, relations, settings, clock) for t in missing})
        return results
    if clock.stopped == "done" and stopped != "done":
        clock.stopped = stopped
    clock.done += done.value
    clock.others = None
    results.update(found)
    return results


class _Clock:
    """Shares the evaluation budget, the deadline and the cancel flag between blocks."""

    def __init__(self, deadline, budget, cancel, progress, shared=None) -> None:
        self.deadline = deadline
        self.budget = max(1, budget)
        self.cancel = cancel
        self.progress = progress
        self.done = 0
        self.shared = shared  # in a helper process: where the work done is counted
        self.others = None  # in the main process: the helper's count
        self.stopped = "done"
        self._reported = -1.0

    def tick(self, evaluations: int) -> bool:
        """Count work; False once the run must stop (time limit or cancel)."""
        self.done += evaluations
        if self.shared is not None:
            self.shared.value += evaluations
        if self.stopped != "done":
            return False
        if self.cancel is not None and self.cancel():
            self.stopped = "cancelled"
            return False
        if time.monotonic() > self.deadline:
            self.stopped = "time"
            return False
        if self.progress is not None:
            done = self.done + (self.others.value if self.others is not None else 0)
            fraction = min(1.0, done / self.budget)
            if fraction - self._reported >= 0.01:
                self._reported = fraction
                self.progress(fraction)
        return True


def hard_key(member: Member, settings: Settings) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, str(getattr(member, name) or ""))
        for name in CATEGORIES
        if settings.mode(name) == "hard"
    )


def _blocks(members: list[Member], settings: Settings) -> tuple[list[list[Member]], list[Unplaced]]:
    """Split by the categorical hard criteria; a block too small for one group is unplaced."""
    by_key: dict[tuple, list[Member]] = defaultdict(list)
    for member in members:
        by_key[hard_key(member, settings)].append(member)
    blocks, unplaced = [], []
    for key in sorted(by_key):
        block = by_key[key]
        if len(block) < settings.min_size:
            unplaced.extend(
                Unplaced(m.id, "too_few", key, len(block), settings.min_size) for m in block
            )
        else:
            blocks.append(block)
    return blocks, unplaced


def _sides_fit(k: int, count: int, english: int, bilingual: int, people: int, s: Settings) -> bool:
    """Can `k` of `count` groups be English (English-only plus some bilingual people) and
    the rest Norwegian, all within min..max?"""
    low = max(english, k * s.min_size)
    high = min(k * s.max_size, english + bilingual)
    rest_low, rest_high = (count - k) * s.min_size, (count - k) * s.max_size
    return max(low, people - rest_high) <= min(high, people - rest_low)


def _split_feasible(english: int, norwegian: int, bilingual: int, s: Settings) -> bool:
    people = english + norwegian + bilingual
    count = group_count(people, s)
    if count is None:
        count = max(1, people // s.min_size)
    return any(_sides_fit(k, count, english, bilingual, people, s) for k in range(1, count))


def _spread(index: int, bits: int = 8) -> int:
    return 1 << (bits * index)


class _BlockSearch:
    """One block's grouping and the annealer that improves it."""

    def __init__(
        self, block: list[Member], relations: Relations, settings: Settings, rng: random.Random
    ) -> None:
        self.rng = rng
        self.settings = settings
        self.unplaced: list[Unplaced] = []
        self.key = hard_key(block[0], settings)
        people = self._placeable(block, settings)
        self.members = people
        self.groups: list[list[int]] = []
        if not people:
            return
        self._prepare(people, relations, settings)
        self.english_options = 1
        self.where = [0] * len(people)
        self._start(self._first_grouping())

    def _start(self, groups: list[list[int]]) -> None:
        self.groups = groups
        for g, group in enumerate(self.groups):
            for i in group:
                self.where[i] = g
        self._reprice()
        self.best = [list(g) for g in self.groups]
        self.best_total = sum(self.costs)

    # Who can be placed at all, and on which language side.

    def _placeable(self, block: list[Member], settings: Settings) -> list[Member]:
        if settings.mode("language") != "hard":
            return block
        english = [m for m in block if m.language == "en"]
        norwegian = [m for m in block if m.language == "no"]
        both = [m for m in block if m.language not in ("en", "no")]
        if not english or not norwegian:
            return block
        sides = ((english, norwegian), (norwegian, english))
        if _split_feasible(len(english), len(norwegian), len(both), settings):
            return block
        # No English and Norwegian groups can be made side by side: the smaller side (or
        # the one with too few to share a language) has nobody to talk to. Say so rather
        # than break the rule.
        short = [pair for pair in sides if len(pair[0]) + len(both) < settings.min_size]
        side, others = short[0] if short else min(sides, key=lambda pair: len(pair[0]))
        self.unplaced.extend(
            Unplaced(m.id, "language", self.key, len(side), settings.min_size) for m in side
        )
        rest = others + both
        return rest if len(rest) >= settings.min_size else self._too_few(rest)

    def _too_few(self, people: list[Member]) -> list[Member]:
        self.unplaced.extend(
            Unplaced(m.id, "too_few", self.key, len(people), self.settings.min_size) for m in people
        )
        return []

    # The compact view of members that the cost function reads.
    #
    # Each member is one integer, a *profile*: a row of byte-wide counters (their
    # programme, gender, language, interests, age... each one-hot). A group's profile is
    # the sum of its members', so a swap or move reprices a group with two additions and
    # a few byte-slice reads, all in C: no loop over members, no dictionaries.

    def _prepare(self, people: list[Member], relations: Relations, s: Settings) -> None:
        local = {m.id: i for i, m in enumerate(people)}
        self.ids = [m.id for m in people]
        self.size_weight = s.size_weight
        self.target = s.size
        width = 0
        profiles = [0] * len(people)

        def field(values: list[list[int]], span: int = 0) -> tuple[int, int]:
            # One counter per value (at least `span`), from byte `width` on; its bytes.
            nonlocal width
            start = width
            for i, chosen in enumerate(values):
                for v in chosen:
                    profiles[i] += 1 << (8 * (start + v))
            width += max(span, 1 + max((v for chosen in values for v in chosen), default=-1))
            return start, width

        def codes(values: list) -> list[list[int]]:
            index: dict = {}
            return [[index.setdefault(v, len(index))] for v in values]

        self.categories = []
        for name in CATEGORIES:
            mode = s.mode(name)
            if mode in ("similar", "mix") and s.weight(name):
                values = codes([getattr(m, name) for m in people])
                self.categories.append((*field(values), mode == "mix", s.weight(name)))
        mode = s.mode("language")
        self.language_weight = {"hard": HARD, "ignore": 0.0}.get(mode, s.weight("language"))
        lang_spread = {"no": 1, "en": 1 << 16}
        self.lang = [lang_spread.get(m.language, 0) for m in people]
        self.language_at = field(
            [[{"no": 0, "en": 1}[m.language]] if m.language in ("no", "en") else [] for m in people]
        )[0]
        width = max(width, self.language_at + 2)
        mode = s.mode("gender")
        self.gender_weight = {"hard": HARD, "ignore": 0.0}.get(mode, s.weight("gender"))
        self.gender = [GENDER_INDEX.get(m.gender, 3) for m in people]
        self.pref = [PREF_INDEX.get(m.group_pref, 0) for m in people]
        self.gender_at = field([[g] for g in self.gender], span=4)[0]
        # Per gender, members who asked for "same" or "mixed" (they must not be alone).
        self.asking_at = field(
            [[g] if p and g < 3 else [] for g, p in zip(self.gender, self.pref, strict=True)],
            span=3,
        )[0]
        # Same-gender wishes, counted for stated genders only: nobody can honour one for
        # someone whose gender we do not know.
        self.same_at = field(
            [[0] if p == 1 and g < 3 else [] for g, p in zip(self.gender, self.pref, strict=True)],
            span=1,
        )[0]
        self.ages = [m.age for m in people]
        self.age_weight = s.weight("age") if s.mode("age") == "similar" else 0.0
        known = [a for a in self.ages if a is not None]
        youngest = min(known, default=0)
        self.age_span = field([[a - youngest] if a is not None else [] for a in self.ages])
        self.sets = []
        for name in ("interests", "availability"):
            weight = {"hard": HARD, "ignore": 0.0}.get(s.mode(name), s.weight(name))
            if not weight:
                continue
            options = sorted({o for m in people for o in getattr(m, name)})
            position = {o: k for k, o in enumerate(options)}
            values = [[position[o] for o in getattr(m, name)] for m in people]
            self.sets.append((*field(values), weight))
        self.taste = self._tastes(people)
        self._prepare_pairs(people, local, relations, s)
        self.related_at = field([[0] if r else [] for r in self.related], span=1)[0]
        self.width = width
        self.profiles = profiles

    def _tastes(self, people: list[Member]) -> list[tuple[int, ...]]:
        """Per person, the rank of the most popular interest and time they chose: sorting
        by it puts people who share one next to each other."""
        ranks = []
        for name in ("interests", "availability"):
            popularity = Counter(o for m in people for o in getattr(m, name))
            rank = {
                o: r
                for r, (o, _) in enumerate(sorted(popularity.items(), key=lambda x: (-x[1], x[0])))
            }
            ranks.append(
                [min((rank[o] for o in getattr(m, name)), default=len(rank)) for m in people]
            )
        return list(zip(*ranks, strict=True))

    def _prepare_pairs(self, people, local, relations: Relations, s: Settings) -> None:
        """Friends, keep-apart and earlier-round pairs: a few people, priced one by one."""
        self.friend_weight = {"hard": HARD, "ignore": 0.0}.get(
            s.mode("friends"), s.weight("friends")
        )
        # A friend outside the block is always split: -1, a constant the cost keeps.
        self.friend_partners = [
            [local.get(f, -1) for f in relations.friend_of.get(m.id, ())]
            if self.friend_weight
            else []
            for m in people
        ]
        apart: dict[int, list[tuple[int, float]]] = defaultdict(list)
        rules = (
            ("keep_apart", relations.apart, HARD if s.mode("keep_apart") == "hard" else 0.0),
            (
                "earlier_rounds",
                relations.met_before,
                {"hard": HARD, "ignore": 0.0}.get(
                    s.mode("earlier_rounds"), s.weight("earlier_rounds")
                ),
            ),
        )
        for _, pairs, weight in rules:
            if not weight:
                continue
            for pair in pairs:
                a, b = sorted(pair)
                if a in local and b in local:
                    apart[local[a]].append((local[b], weight))
                    apart[local[b]].append((local[a], weight))
        self.apart = dict(apart)
        self.related = [
            bool(self.friend_partners[i]) or i in self.apart for i in range(len(people))
        ]

    def cost(self, group: list[int]) -> float:
        """The soft cost of a group, with hard violations at HARD each (score.py's formula)."""
        profiles = self.profiles
        return self.priced(sum([profiles[i] for i in group]), len(group), group)

    def priced(self, profile: int, n: int, group: list[int], out: int = -1, inn: int = -1) -> float:
        """A group's cost from its profile. The group's members are `group` without `out`
        and with `inn`; they are read only when someone in it has a friend or a pair."""
        if not n:
            return 0.0
        b = profile.to_bytes(self.width, "little")
        total = self.size_weight * abs(n - self.target)
        for start, end, mix, weight in self.categories:
            distinct = end - start - b[start:end].count(0)
            total += weight * ((n - distinct) if mix else (distinct - 1))
        if self.language_weight:
            at = self.language_at
            total += self.language_weight * min(b[at], b[at + 1])
        if self.gender_weight and n > 1:
            at = self.gender_at
            counts = b[at : at + 4]
            broken = b[self.same_at] if max(counts) != n else 0
            asking = self.asking_at
            alone = (
                (counts[0] == 1 and b[asking])
                + (counts[1] == 1 and b[asking + 1])
                + (counts[2] == 1 and b[asking + 2])
            )
            total += self.gender_weight * (2 * broken + alone)
        if self.age_weight:
            ages = b[self.age_span[0] : self.age_span[1]]
            stripped = ages.strip(b"\0")
            if stripped:
                total += self.age_weight * (len(stripped) - 1)
        for start, end, weight in self.sets:
            total += weight * (n - (max(b[start:end]) if end > start else 0))
        if b[self.related_at]:
            if out >= 0 or inn >= 0:
                group = [k for k in group if k != out] + ([inn] if inn >= 0 else [])
            total += self._pairs_cost(group)
        return total

    def _pairs_cost(self, group: list[int]) -> float:
        total = 0.0
        if self.friend_weight:
            split = 0
            for i in group:
                for f in self.friend_partners[i]:
                    if f < 0 or f not in group:
                        split += 1
            total += self.friend_weight * split
        if self.apart:
            for i in group:
                for other, weight in self.apart.get(i, ()):
                    if other > i and other in group:
                        total += weight
        return total

    # The first grouping.

    def _first_grouping(self, choice: int = 0) -> list[list[int]]:
        """The first groups; `choice` picks among the likeliest English-group counts."""
        s = self.settings
        n = len(self.members)
        count = group_count(n, s)
        if count is None:  # say 7 people in groups of 4-6: one group, over the maximum
            count = max(1, n // s.min_size)
        english = [i for i in range(n) if self.lang[i] == 1 << 16]
        norwegian = [i for i in range(n) if self.lang[i] == 1]
        if not (self.language_weight and english and norwegian):
            return self._cut(list(range(n)), count)
        both = [i for i in range(n) if self.lang[i] == 0]
        wishes = self._english_gender_wishes(english, both)
        options = self._english_group_counts(len(english), len(both), n, count, len(wishes))
        # The search cannot change how many groups each language side has, so a few
        # counts are tried (anneal) and the best kept.
        self.english_options = min(ENGLISH_OPTIONS, len(options))
        english_count = options[min(choice, len(options) - 1)]
        wanted = len(english) + min(len(both), sum(wishes.values()))
        english_size = min(english_count * s.max_size, max(wanted, english_count * s.min_size))
        # ...leaving the Norwegian side a size its groups can hold.
        rest_groups = count - english_count
        english_size = max(english_size, n - rest_groups * s.max_size)
        english_size = min(english_size, n - rest_groups * s.min_size)
        # Fill the English side with bilingual people: first of the genders whose English
        # speakers asked for a same-gender group, then those nearest their ages.
        mean_age = _mean_age([self.ages[i] for i in english])
        both.sort(key=lambda i: (abs((self.ages[i] or mean_age) - mean_age), i))
        chosen: list[int] = []
        for gender, wanted in wishes.items():
            of_gender = [i for i in both if self.gender[i] == gender and i not in chosen]
            chosen += of_gender[:wanted]
        chosen = chosen[: max(0, english_size - len(english))]
        taken = set(chosen)
        rest_both = [i for i in both if i not in taken]
        extra = english_size - len(english) - len(chosen)
        english += chosen + rest_both[:extra]
        rest = norwegian + rest_both[extra:]
        return self._cut(english, english_count) + self._cut(rest, count - english_count)

    def _english_gender_wishes(self, english: list[int], both: list[int]) -> dict[int, int]:
        """Genders whose English speakers asked for a same-gender group that bilingual
        people of that gender can complete: gender -> bilingual people needed."""
        if not self.gender_weight:
            return {}
        s = self.settings
        needs = {}
        for gender in (0, 1, 2):
            wishing = any(self.gender[i] == gender and self.pref[i] == 1 for i in english)
            have = sum(self.gender[i] == gender for i in english)
            bilingual = sum(self.gender[i] == gender for i in both)
            if wishing and have + bilingual >= s.min_size:
                needs[gender] = max(0, s.size - have) if have < s.size else 0
        return needs

    def _english_group_counts(
        self, english: int, bilingual: int, people: int, count: int, genders: int
    ) -> list[int]:
        """Feasible numbers of English groups, the likeliest first: about english / target,
        and one per gender with a same-gender wish, with both sides' sizes feasible."""
        s = self.settings
        wanted = max(1, round(english / s.size), genders)
        feasible = []
        for k in sorted(range(1, count), key=lambda k: (abs(k - wanted), k)):
            if _sides_fit(k, count, english, bilingual, people, s):
                feasible.append(k)
        return feasible or [max(1, min(count - 1, wanted))]

    def _cut(self, people: list[int], count: int) -> list[list[int]]:
        """A side's first groups: same-gender groups for those who asked, the rest by age."""
        if count <= 0:
            return []
        s = self.settings
        groups: list[list[int]] = []
        rest = list(people)
        if self.gender_weight:
            for gender in (0, 1, 2):
                made = self._same_gender_groups(rest, gender, count - len(groups))
                if made:
                    taken = {i for group in made for i in group}
                    rest = [i for i in rest if i not in taken]
                    groups += made
        left = count - len(groups)
        if left <= 0 or not (left * s.min_size <= len(rest) <= left * s.max_size):
            # The same-gender groups left the rest no feasible split: cut the side plainly.
            return self._cut_by_age(list(people), count)
        return groups + self._pair_rare_genders(self._cut_by_age(rest, left))

    def _same_gender_groups(self, people: list[int], gender: int, room: int) -> list[list[int]]:
        """Groups of one gender holding everyone of it who asked for that, filled by age."""
        s = self.settings
        wishing = [i for i in people if self.gender[i] == gender and self.pref[i] == 1]
        pool = [i for i in people if self.gender[i] == gender]
        if not wishing or len(pool) < s.min_size:
            return []
        count = max(-(-len(wishing) // s.max_size), round(len(wishing) / s.size))
        count = min(count, len(pool) // s.min_size, room - 1)
        if count <= 0:
            return []
        size = min(len(pool), max(len(wishing), count * s.size), count * s.max_size)
        wishing = wishing[:size]
        chosen = set(wishing)
        ages = [self.ages[i] for i in wishing if self.ages[i] is not None]
        low, high = (min(ages), max(ages)) if ages else (0, 0)

        def distance(i: int) -> int:
            age = self.ages[i] if self.ages[i] is not None else low
            return max(0, low - age, age - high)

        others = sorted((i for i in pool if i not in chosen), key=lambda i: (distance(i), i))
        members = wishing + others[: size - len(wishing)]
        return self._cut_by_age(members, count)

    def _pair_rare_genders(self, groups: list[list[int]]) -> list[list[int]]:
        """Put people of a rare gender together in twos, so no one is the only one."""
        for gender in (2, 1, 0):
            alone = [
                (g, i)
                for g, group in enumerate(groups)
                for i in group
                if self.gender[i] == gender and sum(self.gender[k] == gender for k in group) == 1
            ]
            for (g, _), (h, newcomer) in zip(alone[::2], alone[1::2], strict=False):
                # Swap the newcomer with someone of the commonest gender in g.
                common = max(
                    groups[g],
                    key=lambda k: sum(self.gender[m] == self.gender[k] for m in groups[g]),
                )
                if self.gender[common] == gender:
                    continue
                groups[g] = [newcomer if k == common else k for k in groups[g]]
                groups[h] = [common if k == newcomer else k for k in groups[h]]
        return groups

    def _cut_by_age(self, people: list[int], count: int) -> list[list[int]]:
        """Sort by age, then by the most common interest and time each person has, and cut
        into `count` groups as even as can be: neighbours tend to share an interest."""
        people.sort(
            key=lambda i: (
                self.ages[i] if self.ages[i] is not None else 0,
                *self.taste[i],
                self.gender[i],
                i,
            )
        )
        size, extra = divmod(len(people), count)
        groups, start = [], 0
        for g in range(count):
            end = start + size + (1 if g < extra else 0)
            groups.append(people[start:end])
            start = end
        return groups

    # The annealer.

    def anneal(self, evaluations: int, clock: _Clock) -> None:
        n = len(self.members)
        if len(self.groups) < 2 or evaluations <= 0:
            return
        order = sorted(range(n), key=lambda i: (self.ages[i] if self.ages[i] is not None else 0, i))
        self.rank = [0] * n
        for position, i in enumerate(order):
            self.rank[i] = position
        self.order = order
        # With work to spare (small blocks), anneal hotter, restart more, and run several
        # independent chains: it finds the proven optimum of 30-person cases far more often
        # than one long chain. With little work, one cool chain.
        if evaluations < ROOMY * n:
            self._chain(evaluations, HOT, RESTARTS, clock)
            return
        # Each chain starts from another English-group count when there is a choice.
        chains = []
        options = self.english_options if n <= SMALL_BLOCK else 1
        for chain in range(ROOMY_CHAINS):
            if chain:
                self._start(self._first_grouping(chain % options))
            going = self._chain(
                evaluations // ROOMY_CHAINS, ROOMY_HOT, ROOMY_RESTARTS, clock, tries=1
            )
            chains.append((self.best_total, chain, self.best))
            if not going:
                break
        self.best_total, _, self.best = min(chains, key=lambda c: (c[0], c[1]))

    def _chain(
        self, evaluations: int, hot: float, restarts: int, clock: _Clock, tries: int | None = None
    ) -> bool:
        n = len(self.members)
        # Only small blocks try other English-group counts: on a big campus one group more
        # or less on a side matters little, and the work is better spent annealing.
        if tries is None:
            tries = self.english_options if n <= SMALL_BLOCK else 1
        per_restart = max(1, evaluations // (restarts + tries - 1))
        if tries > 1:
            found, going = [], True
            for choice in range(tries):
                if choice:
                    self._start(self._first_grouping(choice))
                going = self._anneal_once(per_restart, hot, COLD, clock)
                found.append((self.best_total, choice, self.best))
                if not going:
                    break
            self.best_total, _, self.best = min(found, key=lambda f: (f[0], f[1]))
            self._restore_best()
            if not going:
                return False
        start_temperature = hot * (0.5 if tries > 1 else 1.0)
        for restart in range(1 if tries > 1 else 0, restarts):
            if restart:
                self._restore_best()
            if not self._anneal_once(per_restart, start_temperature, COLD, clock):
                return False
            start_temperature *= COOLER
        return True

    def _restore_best(self) -> None:
        self.groups = [list(g) for g in self.best]
        for g, group in enumerate(self.groups):
            for i in group:
                self.where[i] = g
        self._reprice()

    def _reprice(self) -> None:
        self.totals = [sum([self.profiles[i] for i in group]) for group in self.groups]
        self.costs = [self.cost(group) for group in self.groups]

    def _anneal_once(self, steps: int, hot: float, cold: float, clock: _Clock) -> bool:
        rng = self.rng
        random_, randrange, exp = rng.random, rng.randrange, math.exp
        groups, where, costs, totals = self.groups, self.where, self.costs, self.totals
        order, rank, profiles, priced = self.order, self.rank, self.profiles, self.priced
        gender = self.gender
        by_gender: dict[int, list[int]] = defaultdict(list)
        for i in range(len(gender)):
            by_gender[gender[i]].append(i)
        n = len(order)
        low, high = self.settings.min_size, self.settings.max_size
        window = max(6, min(60, n // 10))
        total = sum(costs)
        if not clock.tick(0):  # a small block may never reach a checkpoint below
            return False
        cooling = (cold / hot) ** (1 / max(1, steps))
        temperature = hot
        worst: list[int] = []
        for step in range(steps):
            if step % CHECK_EVERY == 0:
                self._keep_if_best(total)
                if step and not clock.tick(CHECK_EVERY):
                    return False
                # The worst tenth of the groups get a third of the attention.
                tenth = max(1, len(groups) // 10)
                worst = sorted(range(len(groups)), key=costs.__getitem__)[-tenth:]
            temperature *= cooling
            if random_() < 0.3:
                group = groups[worst[randrange(len(worst))]]
                i = group[randrange(len(group))]
            else:
                i = randrange(n)
            a = where[i]
            chance = random_()
            if chance < 0.6:  # someone of about the same age
                j = order[min(n - 1, max(0, rank[i] + randrange(-window, window + 1)))]
            elif chance < 0.85:  # someone of the gender of one of i's group: mends gender wishes
                kind = by_gender[gender[groups[a][randrange(len(groups[a]))]]]
                j = kind[randrange(len(kind))]
            else:
                j = randrange(n)
            b = where[j]
            if a == b:
                continue
            group_a, group_b = groups[a], groups[b]
            size_a, size_b = len(group_a), len(group_b)
            if random_() < MOVES and size_a > low and size_b < high:
                swap = False
                total_a = totals[a] - profiles[i]
                total_b = totals[b] + profiles[i]
                cost_a = priced(total_a, size_a - 1, group_a, i)
                cost_b = priced(total_b, size_b + 1, group_b, -1, i)
            else:
                swap = True
                moved = profiles[j] - profiles[i]
                total_a, total_b = totals[a] + moved, totals[b] - moved
                cost_a = priced(total_a, size_a, group_a, i, j)
                cost_b = priced(total_b, size_b, group_b, j, i)
            delta = cost_a + cost_b - costs[a] - costs[b]
            if delta <= 0 or random_() < exp(-delta / temperature):
                if swap:
                    groups[a] = [j if k == i else k for k in group_a]
                    groups[b] = [i if k == j else k for k in group_b]
                    where[j] = a
                else:
                    groups[a] = [k for k in group_a if k != i]
                    groups[b] = [*group_b, i]
                where[i] = b
                totals[a], totals[b] = total_a, total_b
                costs[a], costs[b] = cost_a, cost_b
                total += delta
        self._keep_if_best(total)
        return clock.tick(steps % CHECK_EVERY)

    def _keep_if_best(self, total: float) -> None:
        # Checked at checkpoints, not after every change: copying all groups on each
        # improvement would cost more than the search at 10,000 people.
        if total < self.best_total - 1e-9:
            self.best_total = total
            self.best = [list(g) for g in self.groups]

    def best_groups(self) -> list[list[int]]:
        return [[self.ids[i] for i in group] for group in self.best if group]


def _mean_age(ages: list[int | None]) -> int:
    known = [a for a in ages if a is not None]
    return round(sum(known) / len(known)) if known else 0
