"""Generate a realistic demo cohort of sign-ups with Faker.

    python scripts/generate_cohort.py --participants 2000 --seed 7 --db cohort.db
    python scripts/generate_cohort.py --participants 20000 --seed 1 --round "Turgrupper høst 2027"
    python scripts/generate_cohort.py -n 1168 --format nettskjema --messy --out signups.csv

The same seed gives the same cohort. Runs the same generator as `spleis seed`. With
--format it writes no database but the file a form service would export (see
spleis_tui/core/form_exports.py); --messy adds one broken row of each kind importers meet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from spleis_tui.core.cohort import DEFAULT_TODAY, SeedResult, generate_people, seed_cohort
from spleis_tui.core.form_exports import FORMATS, SUFFIXES, write_form_export
from spleis_tui.core.models import ROUND_KINDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Seed a database with a realistic, reproducible demo cohort."
    )
    parser.add_argument("--participants", "-n", type=int, required=True, metavar="N")
    parser.add_argument("--seed", "-s", type=int, default=1, metavar="S")
    parser.add_argument(
        "--round",
        dest="round_name",
        metavar="NAME",
        help="round to add to, created if missing (default: e.g. 'Vennespleis vår 2027')",
    )
    parser.add_argument("--kind", choices=ROUND_KINDS, default="vennespleis")
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=DEFAULT_TODAY,
        metavar="YYYY-MM-DD",
        help=f"the date ages and submission times count from (default {DEFAULT_TODAY})",
    )
    parser.add_argument(
        "--db",
        default="cohort.db",  # a str, not a Path: Path would mangle a postgresql:// URL
        metavar="PATH",
        help="database file or URL to seed (default ./cohort.db)",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=FORMATS,
        help="write the cohort as this form service's export file instead of a database",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="the export file to write (default: cohort-FORMAT.csv, .xlsx or .txt)",
    )
    parser.add_argument(
        "--messy",
        action="store_true",
        help="add one broken row of each kind (bad e-mail, bad age, markup in a name...)",
    )
    return parser


def seed_database(args: argparse.Namespace) -> SeedResult:
    from spleis_tui.core.db import close_db, open_db

    open_db(args.db)
    try:
        return seed_cohort(
            args.participants,
            args.seed,
            round_name=args.round_name,
            kind=args.kind,
            today=args.today,
        )
    finally:
        close_db()


def summary(result: SeedResult, target: object) -> str:
    skipped = f", {result.skipped} already there" if result.skipped else ""
    return (
        f"Added {result.participants} participants ({result.withdrawn} withdrawn{skipped}) "
        f"to '{result.round_name}' (round {result.round_id}) in {target} "
        f"in {result.seconds:.1f} s"
    )


def write_export(args: argparse.Namespace) -> str:
    """Write the export file; return the line that says what was written."""
    import tempfile
    import time
    from pathlib import Path

    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.reference import load_reference

    started = time.perf_counter()
    out = Path(args.out or f"cohort-{args.fmt}{SUFFIXES[args.fmt]}")
    # The shipped reference data, from a scratch database: nobody's data is touched.
    with tempfile.TemporaryDirectory(prefix="spleis-") as scratch:
        open_db(Path(scratch) / "reference.db")
        try:
            ref = load_reference()
        finally:
            close_db()
    people = generate_people(args.participants, args.seed, ref, today=args.today)
    rows = write_form_export(people, args.fmt, out, ref=ref, messy=args.messy, seed=args.seed)
    messy = sum(1 for row in rows if row.fault)
    return (
        f"Wrote {len(rows)} rows ({len(rows) - messy} sign-ups, {messy} messy) to {out} "
        f"({args.fmt} export) in {time.perf_counter() - started:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.participants < 0:
        print("--participants must be 0 or more", file=sys.stderr)
        return 2
    if args.fmt:
        print(write_export(args))
        return 0
    if args.out or args.messy:
        parser.error("--out and --messy go with --format")
    result = seed_database(args)
    print(summary(result, args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
