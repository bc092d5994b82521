"""Benchmark PDF rosters, beside the same roster pages drawn the naive fpdf2 way.

    python scripts/bench_rosters.py                          # 10, 100, 250 and 500 groups
    python scripts/bench_rosters.py --sizes 250 --repeat 5 --kinds rosters

One database file holds a round per size: a seeded cohort put into groups of 5 and 6 by
hand, a leader for four groups in five (two groups each), a first meeting (activity,
time and place) for every other group, and five international names in every round
(王小明, Nguyễn Thị Hồng, Łukasz Żółkiewski, Александр Щукин, 김민준), so the CJK/Hangul
fallback font is loaded and used each time, as it will be for a real NTNU cohort.

Every run is a fresh child process (spawned), and the time covers `load_roster` plus
the render, importing fpdf2 and loading the fonts included, to the PDF's bytes:

* ours: `roster_pdf.render_roster_pdf(roster, kind=...)`.
* naive (rosters only): the same page content with fpdf2's own tools, as its documentation
  shows them: `header()`/`footer()` with the `{nb}` alias, `multi_cell` for the welcome
  text on each page, `set_fallback_fonts` for the CJK font, and `pdf.table()` for the
  members (which wraps long cells instead of shortening them, and repeats its headings
  on a new page). Same fonts, same data, same sizes.

"names" is the quality figure: how many members' names pypdf finds whole in the text of
our PDF (a name shortened with "…" to fit its column counts as missing).
Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("rosters", "attendance", "pack")
GOAL_GROUPS, GOAL_SECONDS = 250, 2.0
INTERNATIONAL = (
    "王小明",
    "Nguyễn Thị Hồng",
    "Łukasz Żółkiewski",
    "Александр Щукин",
    "김민준",
)


def build_database(path: Path, sizes: list[int], seed: int) -> dict[int, int]:
    """A round per size with that many groups; returns {size: round_id}."""
    from spleis_tui.core.cohort import seed_cohort
    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.models import Group, Leader, SignUp, database
    from spleis_tui.core.rosters import set_first_meeting

    open_db(path)
    rounds = {}
    for size in sizes:
        group_sizes = [6 if index % 3 == 2 else 5 for index in range(size)]
        # Extra people: some sign-ups are withdrawn and stay out of every group.
        result = seed_cohort(
            int(sum(group_sizes) * 1.15) + 10, seed, round_name=f"Bench {size} groups"
        )
        round_id = result.round_id
        active = [
            signup_id
            for (signup_id,) in SignUp.select(SignUp.id)
            .where((SignUp.round == round_id) & (SignUp.status == "active"))
            .order_by(SignUp.id)
            .tuples()
        ]
        with database.atomic():
            leaders = [
                Leader.create(
                    round=round_id,
                    name=f"Leder {number} Trivselsen",
                    email=f"leder{number}@stud.ntnu.no",
                    email_key=f"leder{number}@stud.ntnu.no",
                    phone=f"+47 900 {number:02d} {number % 100:03d}",
                )
                for number in range(1, size // 2 + 2)
            ]
            start, meetings = 0, []
            for index, members in enumerate(group_sizes):
                leader = leaders[index // 2] if index % 5 != 4 else None
                group = Group.create(round=round_id, name=f"Gruppe {index + 1}", leader=leader)
                ids = active[start : start + members]
                start += members
                SignUp.update(group=group).where(SignUp.id.in_(ids)).execute()
                if index % 2 == 0:
                    meetings.append(group.id)
            for signup_id, name in zip(active, INTERNATIONAL, strict=False):
                SignUp.update(name=name).where(SignUp.id == signup_id).execute()
        set_first_meeting(
            meetings,
            activity="Brettspillkveld",
            place="Stripa, inngang ved Hovedbygningen",
            at=dt.datetime(2027, 1, 28, 17, 0),
        )
        rounds[size] = round_id
    close_db()
    return rounds


def naive_rosters(roster) -> bytes:
    """Roster pages the way fpdf2's documentation draws them (the baseline)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    from spleis_tui.core import roster_pdf as ours

    fonts = ours.FONT_DIR

    class Naive(FPDF):
        def header(self) -> None:
            self.set_font(ours.SANS, "", 8)
            self.cell(0, 5, f"{roster.round_name} · Group roster", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-17)
            self.set_font(ours.SANS, "", 7.5)
            self.cell(
                0,
                4.5,
                f"Spleis · {roster.round_name} · page {self.page_no()} of {{nb}}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            self.cell(
                0,
                4.5,
                "This list holds personal data: share it only with the group and throw it "
                "away when the round is over.",
            )

    pdf = Naive(unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=21)
    pdf.set_margins(ours.MARGIN, 9, ours.MARGIN)
    pdf.add_font(ours.SANS, "", str(fonts / ours.SANS_FILES[""]))
    pdf.add_font(ours.SANS, "B", str(fonts / ours.SANS_FILES["B"]))
    pdf.add_font(ours.CJK, "", str(fonts / ours.CJK_FILE))
    pdf.set_fallback_fonts([ours.CJK], exact_match=False)
    pdf.set_title(f"Rosters — {roster.round_name}")
    pdf.set_creator("Spleis")
    for group in roster.groups:
        pdf.add_page()
        pdf.set_font(ours.SANS, "B", 22)
        pdf.cell(0, 11, group.name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(ours.SANS, "", 10)
        pdf.set_fill_color(*ours.WELCOME_SHADE)
        pdf.multi_cell(0, 4.8, roster.welcome_text, fill=True, padding=3.5)
        pdf.ln(4)
        pdf.set_font(ours.SANS, "B", 11.5)
        pdf.cell(110, 7, "First meeting")
        pdf.cell(0, 7, "Leader", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(ours.SANS, "", 10)
        meeting = group.meeting
        leader = group.leader
        left = (
            f"What: {meeting.activity}",
            f"When: {ours.format_meeting_time(meeting.at) if meeting.at else 'to be agreed'}",
            f"Where: {meeting.place or 'to be agreed'}",
        )
        right = (leader.name, leader.phone, leader.email) if leader else ("No leader yet", "", "")
        for one, other in zip(left, right, strict=True):
            pdf.cell(110, 5.2, one)
            pdf.cell(0, 5.2, other, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(5)
        pdf.set_font(ours.SANS, "", 9)
        with pdf.table(
            col_widths=(58, 44, 50, 26),
            line_height=7,
            borders_layout="HORIZONTAL_LINES",
            cell_fill_color=ours.SHADE,
            cell_fill_mode="ROWS",
            headings_style=FontFace(emphasis="BOLD"),
            text_align="LEFT",
        ) as table:
            table.row(("Name", "Programme", "E-mail", "Phone"))
            for member in group.members:
                table.row((member.name, member.programme, member.email, member.phone))
    return bytes(pdf.output())


def _child(db_path: str, round_id: int, kind: str, impl: str, queue) -> None:
    from spleis_tui.core.db import close_db, open_db
    from spleis_tui.core.rosters import load_roster

    open_db(db_path)
    started = time.perf_counter()
    roster = load_roster(round_id)
    if impl == "ours":
        from spleis_tui.core.roster_pdf import render_roster_pdf

        data = render_roster_pdf(roster, kind=kind)
    else:
        data = naive_rosters(roster)
    seconds = time.perf_counter() - started
    close_db()
    names = [member.name for group in roster.groups for member in group.members]
    queue.put({"seconds": seconds, "data": data, "names": names})


def run_child(*args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def names_found(data: bytes, names: list[str]) -> tuple[int, int]:
    from io import BytesIO

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)
    return sum(1 for name in names if name in text), len(names)


def page_count(data: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(data)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,100,250,500", help="numbers of groups")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-quality", action="store_true", help="skip the names check")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = [k for k in args.kinds.split(",") if k]

    work = Path(tempfile.mkdtemp(prefix="spleis-bench-rosters-"))
    db_path = work / "bench.db"
    print(f"# building {db_path}", file=sys.stderr)
    rounds = build_database(db_path, sizes, args.seed)
    load = os.getloadavg()[0]
    print(
        f"# bench_rosters: {os.cpu_count()} cores, load average {load:.2f}, "
        f"median of {args.repeat}, each run a fresh process",
        file=sys.stderr,
    )
    rows = []
    for size in sizes:
        for kind in kinds:
            ours = []
            for _attempt in range(args.repeat):
                ours.append(run_child(str(db_path), rounds[size], kind, "ours"))
                print(f"  {size} {kind} ours {ours[-1]['seconds']:.2f} s", file=sys.stderr)
            base = []
            if kind == "rosters" and not args.no_baseline:
                for _attempt in range(args.repeat):
                    base.append(run_child(str(db_path), rounds[size], kind, "naive"))
                    print(f"  {size} {kind} naive {base[-1]['seconds']:.2f} s", file=sys.stderr)
            data = ours[0]["data"]
            quality = None if args.no_quality else names_found(data, ours[0]["names"])
            rows.append(
                (
                    size,
                    kind,
                    page_count(data),
                    statistics.median(r["seconds"] for r in ours),
                    len(data) / 2**20,
                    statistics.median(r["seconds"] for r in base) if base else None,
                    page_count(base[0]["data"]) if base else None,
                    quality,
                )
            )

    print(
        "| groups | kind | pages | ours (s, median) | MB of PDF | naive table() (s) "
        "| naive pages | naive / ours | names | goal (<2 s for 250) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for size, kind, pages, seconds, mb, base_seconds, base_pages, quality in rows:
        base_cells = (
            (f"{base_seconds:.2f}", str(base_pages), f"{base_seconds / seconds:.1f}x")
            if base_seconds is not None
            else ("—", "—", "—")
        )
        names = f"{quality[0]:,}/{quality[1]:,}" if quality else "—"
        goal = ("yes" if seconds < GOAL_SECONDS else "NO") if size == GOAL_GROUPS else "—"
        print(
            f"| {size:,} | {kind} | {pages:,} | {seconds:.2f} | {mb:.2f} | "
            + " | ".join(base_cells)
            + f" | {names} | {goal} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
