"""Generate a realistic demo cohort of sign-ups with Faker.

    python scripts/generate_cohort.py --participants 2000 --seed 7 --db cohort.db
    python scripts/generate_cohort.py --participants 20000 --seed 1 --round "Turgrupper høst 2027"

The same seed gives the same cohort. Runs the same generator as `spleis seed`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from spleis_tui.core.cohort import DEFAULT_TODAY, SeedResult, seed_cohort
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
    # Export formats (--format nettskjema|msforms|google --out FILE) go here, beside --db.
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.participants < 0:
        print("--participants must be 0 or more", file=sys.stderr)
        return 2
    result = seed_database(args)
    print(summary(result, args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
