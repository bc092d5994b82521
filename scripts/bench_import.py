"""Benchmark importing form exports, beside sqlite-utils inserting the same CSV.

    python scripts/bench_import.py                       # 1,000, 10,000 and 50,000 rows
    python scripts/bench_import.py --sizes 10000 --repeat 3 --formats googleforms

Each export is written by the cohort generator (`form_exports.write_form_export`, with
the ten broken rows of messy.csv), then imported into a new round of an empty database
file in a fresh child process (spawned, so no memory is shared with this one):

* ours: `spleis import` (`importing.run.import_file`): detect the encoding and delimiter,
  map the headers, convert and check every row, write people, sign-ups and a rejects file
  in one transaction.
* sqlite-utils: `sqlite-utils insert DB rows FILE --csv` as a library call
  (`rows_from_file` + `insert_all`) on the same file with its encoding and delimiter given:
  every cell stored as text in one table, no checks, no mapping, no people. It reads
  CSV only, so the .xlsx has no baseline. It is the floor for "reading a CSV into SQLite".

Time is the median of --repeat runs of the import itself, without starting Python.
"peak MB" is the child's peak resident memory minus its resident memory just before the
import: what the import allocated, Python and the spreadsheet reader alike.
"accounted" checks imported + updated + unchanged + rejected = rows read.
Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

FORMATS = ("nettskjema", "msforms", "googleforms", "excel-nb", "unicode-text")
CSV_DIALECTS = {  # format -> (encoding, delimiter) for sqlite-utils
    "nettskjema": ("utf-8", ";"),
    "googleforms": ("utf-8", ","),
    "excel-nb": ("cp1252", ";"),
    "unicode-text": ("utf-16", "\t"),
}


def _rss_mb() -> float:
    """Resident memory now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _peak_mb()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ours(path: str, db_path: str, queue) -> None:
    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.importing.run import import_file
    from spleis_tui.core.rounds import create_round

    open_db(db_path)
    round_id = create_round("Bench").id
    before = _rss_mb()
    started = time.perf_counter()
    report = import_file(path, round_id, rejects_path=db_path + "-rejects.csv")
    seconds = time.perf_counter() - started
    close_db()
    queue.put(
        {
            "seconds": seconds,
            "peak": _peak_mb() - before,
            "read": report.rows_read,
            "rejected": report.rejected,
            "accounted": report.accounted,
        }
    )


def _sqlite_utils(path: str, db_path: str, encoding: str, delimiter: str, queue) -> None:
    import csv

    import sqlite_utils
    from sqlite_utils.utils import Format, rows_from_file

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    db = sqlite_utils.Database(db_path)
    before = _rss_mb()
    started = time.perf_counter()
    with open(path, "rb") as handle:
        rows, _format = rows_from_file(handle, Format.CSV, dialect=Dialect, encoding=encoding)
        db["rows"].insert_all(rows)
    seconds = time.perf_counter() - started
    count = db["rows"].count
    db.close()
    queue.put({"seconds": seconds, "peak": _peak_mb() - before, "read": count})


def run_child(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = [f for f in args.formats.split(",") if f]

    from spleis_tui.core.cohort import generate_people
    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.form_exports import SUFFIXES, write_form_export
    from spleis_tui.core.reference import load_reference

    work = Path(tempfile.mkdtemp(prefix="spleis-bench-import-"))
    open_db(work / "reference.db")
    ref = load_reference()
    close_db()
    load = os.getloadavg()[0]
    print(
        f"# bench_import: {os.cpu_count()} cores, load average {load:.2f}, median of {args.repeat}",
        file=sys.stderr,
    )
    rows_out = []
    for size in sizes:
        people = generate_people(size, args.seed, ref)
        for fmt in formats:
            path = work / f"export-{size}{SUFFIXES[fmt]}"
            write_form_export(people, fmt, path, ref=ref, messy=True, seed=args.seed)
            ours = []
            for attempt in range(args.repeat):
                db_path = str(work / f"ours-{size}-{fmt}-{attempt}.db")
                ours.append(run_child(_ours, str(path), db_path))
                print(f"  {size} {fmt} ours {ours[-1]['seconds']:.2f} s", file=sys.stderr)
            base = []
            if not args.no_baseline and fmt in CSV_DIALECTS:
                encoding, delimiter = CSV_DIALECTS[fmt]
                for attempt in range(args.repeat):
                    db_path = str(work / f"su-{size}-{fmt}-{attempt}.db")
                    base.append(run_child(_sqlite_utils, str(path), db_path, encoding, delimiter))
            rows_out.append((size, fmt, ours, base))
            path.unlink()

    print(
        "| rows | format | ours (s) | ours rows/s | peak MB | sqlite-utils (s) "
        "| sqlite-utils rows/s | ours / sqlite-utils | rejected | accounted |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for _size, fmt, ours, base in rows_out:
        seconds = statistics.median(r["seconds"] for r in ours)
        read = ours[0]["read"]
        peak = max(r["peak"] for r in ours)
        if base:
            base_seconds = statistics.median(r["seconds"] for r in base)
            base_cells = (
                f"{base_seconds:.2f}",
                f"{base[0]['read'] / base_seconds:,.0f}",
                f"{seconds / base_seconds:.1f}x",
            )
        else:
            base_cells = ("—", "—", "—")
        print(
            f"| {read:,} | {fmt} | {seconds:.2f} | {read / seconds:,.0f} | {peak:.0f} | "
            + " | ".join(base_cells)
            + f" | {ours[0]['rejected']} | {'yes' if all(r['accounted'] for r in ours) else 'NO'} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
