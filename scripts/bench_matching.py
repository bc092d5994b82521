"""Benchmark the matcher against what people use today, a greedy baseline and the optimum.

    python scripts/bench_matching.py
    python scripts/bench_matching.py --sizes 30,300,1168 --seed 1 --skip-10x --no-exact

Cohorts are generated with `cohort.generate_people` (campus-skewed like NTNU), in a temporary
database that only holds the shipped reference data. A cohort of N is the first N *active*
people in submission order of a generated cohort a little larger than N (2 % withdraw). The
cohort of 30 is one campus: the first 30 active people on Gløshaugen, the biggest campus, of a
generated cohort of 200. Friends come from friend_email among the people taken.

Settings: the vennespleis preset. Contenders, one run each, on the same people:

* random within campus: what Canvas and Moodle do. Each campus is shuffled and cut into
  criteria.group_count(campus size) groups of near-equal size.
* greedy: each campus, sorted by language (English, both, Norwegian) and then age, is placed
  one person at a time into the open group (size < max) where adding them raises
  score_group's soft + 1000 · hard least (ties: the emptier group; the campus's group count is
  fixed, and once the people left only just fill the groups below min, only those are open).
* ours (default): engine.match with its default time limit; ours (10x): ten times that.
* optimum: the CP-SAT model (exact.solve_exact) for cohorts of 30 or fewer, 2 workers.

Every figure is computed afterwards by the same code from the groups alone: the objective is
Σ score_group(...).soft over the groups, whoever made them. Each contender runs in a forked
child process; "peak MB" is that child's peak resident memory (ru_maxrss) minus its resident
memory when it started, so it counts what the contender allocated, Python and C++ alike, plus
the peak resident memory of any process the contender started (the engine's helper, which
takes some campuses on the second core from 400 people up).
Our matcher stops at its time limit when it has not done its planned work by then, so on a
busy machine its results are worse: the header gives the load average.
Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spleis_tui.core.matching.criteria import PRESETS, Settings, group_count
from spleis_tui.core.matching.load import member_from_answers, relations_from_answers
from spleis_tui.core.matching.score import (
    Member,
    Relations,
    gender_wishes_broken,
    language_clash,
    missing_from_best_shared,
    score_group,
)

SETTINGS = PRESETS["vennespleis"]
ONE_CAMPUS = "gloshaugen"
ONE_CAMPUS_POOL = 200
HARD = 1000.0
LANGUAGE_ORDER = {"en": 0, "both": 1, "no": 2}

# The anchor table, 1,168 people: language clashes, same-gender broken, alone,
# mean age range, distinct programmes / size.
ANCHORS = [
    ("random within campus", 173, 267, 87, 10.8, 0.68),
    ("GroupEng", 0, 241, 13, 11.6, 0.83),
    ("plain annealer, 2 s", 0, 9, 0, 3.4, 0.78),
    ("same annealer, 60 s", 0, 5, 0, 1.6, 0.80),
]
ANCHOR_COHORT = 1168


@dataclass
class Cohort:
    members: list[Member]
    relations: Relations


@dataclass
class Run:
    contender: str
    groups: list[list[int]]
    unplaced: int
    seconds: float
    peak_mb: float
    note: str = ""


@dataclass
class Row:
    n: int
    run: Run
    objective: float
    hard: int
    clashes: int
    same_broken: int
    alone: int
    age_range: float
    programmes: float
    shared_interest: float
    not_placed: int
    gap: float = 0.0


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# Cohorts


def build_cohort(n: int, seed: int) -> Cohort:
    from spleis_tui.core.cohort import generate_people
    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.reference import load_reference

    with tempfile.TemporaryDirectory() as folder:
        open_db(Path(folder) / "reference.db")  # loads the shipped reference
        try:
            ref = load_reference()
        finally:
            close_db()
    if n <= 30:
        people = [
            p
            for p in generate_people(ONE_CAMPUS_POOL, seed, ref)
            if p["status"] == "active" and p["campus"] == ONE_CAMPUS
        ][:n]
    else:
        people = [
            p for p in generate_people(int(n * 1.05) + 20, seed, ref) if p["status"] == "active"
        ]
        people = people[:n]
    if len(people) < n:
        raise SystemExit(f"only {len(people)} active people generated for a cohort of {n}")
    answers = dict(enumerate(people))
    members = [member_from_answers(i, person) for i, person in answers.items()]
    return Cohort(members, relations_from_answers(answers))


# Contenders


def by_campus(members: Sequence[Member]) -> list[list[Member]]:
    campuses: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        campuses[member.campus].append(member)
    return [campuses[c] for c in sorted(campuses)]


def groups_for(people: int, settings: Settings) -> int:
    """The group count rule; a campus too small for it still gets one group, as Canvas does."""
    return group_count(people, settings) or max(1, round(people / settings.size))


def random_within_campus(cohort: Cohort, settings: Settings, seed: int) -> Run:
    rng = random.Random(seed)
    groups = []
    for campus in by_campus(cohort.members):
        ids = [m.id for m in campus]
        rng.shuffle(ids)
        count = groups_for(len(ids), settings)
        groups += [ids[g::count] for g in range(count)]
    return Run("random within campus", groups, 0, 0.0, 0.0)


def greedy(cohort: Cohort, settings: Settings, seed: int) -> Run:
    groups = []
    for campus in by_campus(cohort.members):
        groups += greedy_campus(campus, cohort.relations, settings)
    return Run("greedy", groups, 0, 0.0, 0.0)


def greedy_campus(
    campus: list[Member], relations: Relations, settings: Settings
) -> list[list[int]]:
    def cost(group: list[Member]) -> float:
        score = score_group(group, settings, relations)
        return score.soft + HARD * score.hard

    order = sorted(campus, key=lambda m: (LANGUAGE_ORDER.get(m.language, 1), m.age or 0, m.id))
    count = groups_for(len(order), settings)
    groups: list[list[Member]] = [[] for _ in range(count)]
    costs = [0.0] * count
    for index, member in enumerate(order):
        left = len(order) - index  # this person and everyone after them
        short = sum(max(0, settings.min_size - len(g)) for g in groups)
        open_ = [g for g in range(count) if len(groups[g]) < settings.max_size]
        if short >= left:  # the rest are needed to bring groups up to min
            open_ = [g for g in open_ if len(groups[g]) < settings.min_size]
        # Empty groups are all alike: trying one of them is enough.
        empty = [g for g in open_ if not groups[g]]
        candidates = [g for g in open_ if groups[g]] + empty[:1]
        best = min(
            candidates,
            key=lambda g: (cost([*groups[g], member]) - costs[g], len(groups[g]), g),
        )
        groups[best].append(member)
        costs[best] = cost(groups[best])
    return [[m.id for m in g] for g in groups if g]


def ours(cohort: Cohort, settings: Settings, seed: int, factor: float = 1.0) -> Run:
    from spleis_tui.core.matching.engine import default_time_limit, match

    limit = default_time_limit(len(cohort.members)) * factor
    result = match(cohort.members, cohort.relations, settings, seed=seed, time_limit=limit)
    name = "ours (default)" if factor == 1 else f"ours ({factor:g}x)"
    note = f"limit {limit:g} s, stopped: {result.stopped}"
    return Run(name, result.groups, len(result.unplaced), 0.0, 0.0, note)


def optimum(cohort: Cohort, settings: Settings, seed: int, limit: float = 300.0) -> Run:
    from spleis_tui.core.matching.exact import solve_exact

    result = solve_exact(cohort.members, cohort.relations, settings, time_limit=limit, workers=2)
    proved = "proved optimal" if result.optimal else f"not proved, bound {result.bound:g}"
    note = f"{proved}, {result.columns:,} possible groups ({result.method} model)"
    return Run("optimum (CP-SAT)", result.groups, 0, 0.0, 0.0, note)


# Running each contender in a child process, for its own time and memory


def resident_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(send, contender, args) -> None:
    start_mb = resident_mb()
    started = time.perf_counter()
    run = contender(*args)
    run.seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    # A helper process the contender started (the engine's second core) counts in full.
    helper_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    run.peak_mb = max(0.0, peak_mb - start_mb) + helper_mb
    send.send(run)
    send.close()


def isolated(contender: Callable[..., Run], *args: object) -> Run:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, contender, args))
    child.start()
    send.close()
    run = receive.recv()
    child.join()
    return run


# Figures


def figures(n: int, cohort: Cohort, run: Run, settings: Settings) -> Row:
    by_id = {m.id: m for m in cohort.members}
    groups = [[by_id[i] for i in g] for g in run.groups if g]
    scores = [score_group(g, settings, cohort.relations) for g in groups]
    wishes = [gender_wishes_broken(g) for g in groups]
    ranges = [max(a) - min(a) for g in groups if (a := [m.age for m in g if m.age is not None])]
    placed = sum(len(g) for g in groups)
    return Row(
        n=n,
        run=run,
        objective=sum(s.soft for s in scores),
        hard=sum(s.hard for s in scores),
        clashes=sum(language_clash([m.language for m in g]) for g in groups),
        same_broken=sum(w[0] for w in wishes),
        alone=sum(w[1] for w in wishes),
        age_range=statistics.fmean(ranges) if ranges else 0.0,
        programmes=statistics.fmean(len({m.programme for m in g}) / len(g) for g in groups),
        shared_interest=statistics.fmean(
            missing_from_best_shared([m.interests for m in g]) == 0 for g in groups
        ),
        not_placed=len(cohort.members) - placed,
    )


COLUMNS = (
    "N",
    "contender",
    "time (s)",
    "objective",
    "gap %",
    "hard",
    "language clashes",
    "alone in gender",
    "same-gender broken",
    "age range",
    "programmes / size",
    "groups sharing an interest",
    "not placed",
    "peak MB",
    "note",
)


def table_row(row: Row) -> list[str]:
    return [
        f"{row.n:,}",
        row.run.contender,
        f"{row.run.seconds:.2f}",
        f"{row.objective:,.1f}",
        f"{row.gap:.1f}",
        str(row.hard),
        str(row.clashes),
        str(row.alone),
        str(row.same_broken),
        f"{row.age_range:.2f}",
        f"{row.programmes:.3f}",
        f"{row.shared_interest:.2f}",
        str(row.not_placed),
        f"{row.run.peak_mb:.1f}",
        row.run.note,
    ]


def markdown(rows: list[list[str]], columns: Sequence[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def anchor_report(rows: list[Row]) -> str:
    table = markdown(
        [
            [name, *(f"{v:g}" if isinstance(v, int) else f"{v:.2f}" for v in values)]
            for name, *values in ANCHORS
        ],
        (
            "issue anchor (1,168)",
            "language clashes",
            "same-gender broken",
            "alone",
            "age range",
            "programmes / size",
        ),
    )
    lines = ["", f"The issue's anchor table for {ANCHOR_COHORT:,} people, to compare with:", ""]
    lines.append(table)
    mine = next((r for r in rows if r.run.contender == "ours (default)"), None)
    if mine is None:
        return "\n".join([*lines, "", "ours (default) did not run on this cohort."])
    checks = {
        "hard 0": mine.hard == 0,
        "same-gender broken < 5": mine.same_broken < 5,
        "alone 0": mine.alone <= 0,
        "age range < 1.6": mine.age_range < 1.6,
        "programmes > 0.83": mine.programmes > 0.83,
        "time ≤ 2 s": mine.run.seconds <= 2.0,
    }
    missed = [name for name, ok in checks.items() if not ok]
    verdict = (
        "yes: ours (default) beats every anchor on every column at once"
        if not missed
        else "no: ours (default) misses " + ", ".join(missed)
    )
    return "\n".join([*lines, "", f"Beats every anchor on every column at once? {verdict}."])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,300,1168,5000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-10x", action="store_true", help="leave out ours with 10x time")
    parser.add_argument("--no-exact", action="store_true", help="leave out the CP-SAT optimum")
    parser.add_argument("--exact-limit", type=float, default=300.0, metavar="S")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    settings = SETTINGS
    rows: list[Row] = []
    anchor_rows: list[Row] = []
    for n in sizes:
        log(f"cohort of {n:,}: generating")
        cohort = build_cohort(n, args.seed)
        campuses = len({m.campus for m in cohort.members})
        log(f"  {campuses} campus(es), {len(cohort.relations.friends)} friend pairs")
        contenders: list[tuple[Callable[..., Run], tuple]] = [
            (random_within_campus, ()),
            (greedy, ()),
            (ours, ()),
        ]
        if not args.skip_10x:
            contenders.append((ours, (10.0,)))
        if n <= 30 and not args.no_exact:
            contenders.append((optimum, (args.exact_limit,)))
        cohort_rows = []
        for contender, extra in contenders:
            log(f"  {contender.__name__} {extra or ''}".rstrip())
            try:
                run = isolated(contender, cohort, settings, args.seed, *extra)
            except ImportError as error:  # engine.py or ortools missing
                log(f"    skipped: {error}")
                continue
            row = figures(n, cohort, run, settings)
            log(f"    {run.seconds:.2f} s, objective {row.objective:,.1f} {run.note}")
            cohort_rows.append(row)
        best = min(r.objective for r in cohort_rows)
        for row in cohort_rows:
            row.gap = 100 * (row.objective - best) / best if best else 0.0
        rows += cohort_rows
        if n == ANCHOR_COHORT:
            anchor_rows = cohort_rows
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Matching benchmark: vennespleis preset, seed {args.seed}; {os.cpu_count()} CPUs, "
        f"load average {load} at the end (other work on the machine slows every contender).\n"
    )
    print(markdown([table_row(r) for r in rows], COLUMNS))
    if anchor_rows:
        print(anchor_report(anchor_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
