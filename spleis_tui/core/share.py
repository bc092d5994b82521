"""One request, many outputs: rosters and attendance sheets as PDF, the round's data as
spreadsheets, the first meetings as a calendar. The CLI and the Rosters & export screen
both describe what they want as an `ExportRequest` and hand it here.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spleis_tui.core.errors import SpleisError
from spleis_tui.core.text import file_slug
from spleis_tui.i18n import _, ngettext, number

PDF_KINDS = ("rosters", "attendance", "pack")
SPREADSHEETS = ("groups", "participants", "leaders")
WHATS = (*PDF_KINDS, *SPREADSHEETS, "calendar")
# "csv-excel" is CSV with ";", the list separator of Norwegian Excel.
SHEET_FORMATS = ("csv", "csv-excel", "xlsx", "md", "json")
PREVIEW_LINES = 40

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class ExportRequest:
    round_id: int
    what: str
    fmt: str = ""  # for spreadsheets: one of SHEET_FORMATS
    group_id: int | None = None
    leader_id: int | None = None
    path: Path | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    count: int
    message: str  # one line for the user: what was written where


def extension(what: str, fmt: str = "") -> str:
    if what in PDF_KINDS:
        return ".pdf"
    if what == "calendar":
        return ".ics"
    return ".csv" if fmt in ("csv", "csv-excel", "") else f".{fmt}"


def default_path(round_name: str, what: str, fmt: str, folder: Path) -> Path:
    """`~/Documents/Spleis/vennespleis-var-2027-rosters.pdf`, say."""
    return folder / f"{file_slug(round_name)}-{what}{extension(what, fmt)}"


def _check(request: ExportRequest) -> None:
    if request.what not in WHATS:
        raise SpleisError(
            _("{what} is not something Spleis exports (choose from {known}).").format(
                what=request.what, known=", ".join(WHATS)
            )
        )
    if request.what in SPREADSHEETS and request.fmt not in SHEET_FORMATS:
        raise SpleisError(
            _("{fmt} is not a format Spleis writes (choose from {known}).").format(
                fmt=request.fmt, known=", ".join(SHEET_FORMATS)
            )
        )


def run(
    request: ExportRequest,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ExportResult:
    """Write what the request asks for to its path, whole or not at all."""
    _check(request)
    if request.path is None:
        raise SpleisError(_("Say where to save the file."))
    path = request.path.expanduser()
    if request.what in PDF_KINDS:
        return _write_pdf(request, path, progress, cancelled)
    if request.what == "calendar":
        return _write_calendar(request, path)
    return _write_sheet(request, path, _stoppable(progress, cancelled))


def _roster(request: ExportRequest):
    from spleis_tui.core.rosters import load_roster

    return load_roster(request.round_id, group_id=request.group_id, leader_id=request.leader_id)


def _write_pdf(
    request: ExportRequest, path: Path, progress: Progress | None, cancelled: Cancelled | None
) -> ExportResult:
    from spleis_tui.core import roster_pdf

    roster = _roster(request)
    data = roster_pdf.render_roster_pdf(
        roster, kind=request.what, progress=progress, cancelled=cancelled
    )
    roster_pdf.write_pdf(path, data)
    groups = len(roster.groups)
    text = {
        "rosters": ngettext(
            "Wrote the roster of {n} group ({members}) to {path}.",
            "Wrote the rosters of {n} groups ({members}) to {path}.",
            groups,
        ),
        "attendance": ngettext(
            "Wrote the attendance sheet of {n} group ({members}) to {path}.",
            "Wrote the attendance sheets of {n} groups ({members}) to {path}.",
            groups,
        ),
        "pack": ngettext(
            "Wrote the leader's pack for {n} group ({members}) to {path}.",
            "Wrote the leaders' packs for {n} groups ({members}) to {path}.",
            groups,
        ),
    }[request.what]
    members = ngettext("{n} member", "{n} members", roster.member_count).format(
        n=number(roster.member_count)
    )
    return ExportResult(path, groups, text.format(n=number(groups), members=members, path=path))


class ExportCancelled(SpleisError):
    """The user stopped an export; nothing was written."""


def _stoppable(progress: Progress | None, cancelled: Cancelled | None) -> Progress | None:
    """A progress callback that stops the export (which then writes nothing) on cancel."""
    if cancelled is None:
        return progress

    def report(done: int, total: int) -> None:
        if cancelled():
            raise ExportCancelled(_("Cancelled: nothing was written."))
        if progress is not None:
            progress(done, total)

    return report


def _write_sheet(request: ExportRequest, path: Path, progress: Progress | None) -> ExportResult:
    from spleis_tui.core import export

    fmt, excel = _sheet_format(request.fmt)
    count = export.export_dataset(
        request.what, fmt, request.round_id, path, excel=excel, progress=progress
    )
    rows = ngettext("{n} row", "{n} rows", count).format(n=number(count))
    return ExportResult(path, count, _("Exported {rows} to {path}.").format(rows=rows, path=path))


def _sheet_format(fmt: str) -> tuple[str, bool]:
    return ("csv", True) if fmt == "csv-excel" else (fmt, False)


def _write_calendar(request: ExportRequest, path: Path) -> ExportResult:
    from spleis_tui.core import calendar

    written = calendar.export_calendar(request.round_id, path)
    meetings = written.events - written.activities
    message = ngettext(
        "Wrote {n} first meeting to {path}.", "Wrote {n} first meetings to {path}.", meetings
    ).format(n=number(meetings), path=path)
    if written.activities:
        message += " " + ngettext(
            "It has {n} planned activity too.",
            "It has {n} planned activities too.",
            written.activities,
        ).format(n=number(written.activities))
    if written.skipped:
        message += " " + ngettext(
            "{n} group has no meeting time yet.",
            "{n} groups have no meeting time yet.",
            written.skipped,
        ).format(n=number(written.skipped))
    return ExportResult(path, written.events, message)


def preview(request: ExportRequest, lines: int = PREVIEW_LINES) -> str:
    """The first page (a PDF) or the first lines (anything else) as text."""
    _check(request)
    if request.what in PDF_KINDS:
        return _preview_pdf(request)
    if request.what == "calendar":
        from spleis_tui.core import calendar

        text = calendar.calendar_bytes(request.round_id).decode("utf-8")
        return _first_lines(text, lines)
    from spleis_tui.core import export

    fmt, excel = _sheet_format(request.fmt)
    stream = io.StringIO()
    # A workbook shows as the Markdown table of its cells: the same values, readable.
    export.write_dataset(
        request.what, "md" if fmt == "xlsx" else fmt, request.round_id, stream, excel=excel
    )
    return _first_lines(stream.getvalue(), lines)


def _preview_pdf(request: ExportRequest) -> str:
    from spleis_tui.core import roster_pdf
    from spleis_tui.core.rosters import Roster

    roster = _roster(request)
    if not roster.groups:
        raise SpleisError(_("There are no groups to print in this round."))
    # Only what the first page needs: one group, or one leader's groups for a pack.
    first = roster.groups[0]
    if request.what == "pack":
        keep = tuple(g for g in roster.groups if g.leader_id == first.leader_id)
    else:
        keep = (first,)
    small = Roster(roster.round_id, roster.round_name, roster.round_kind, roster.welcome_text, keep)
    data = roster_pdf.render_roster_pdf(small, kind=request.what)
    return roster_pdf.first_page_text(data)


def _first_lines(text: str, lines: int) -> str:
    every = text.splitlines()
    head = every[:lines]
    more = len(every) - len(head)
    if more > 0:
        head.append(ngettext("… and {n} more line", "… and {n} more lines", more).format(n=more))
    return "\n".join(head)


def print_file(path: Path) -> str:
    """Send a PDF to the printer; say where it is when there is no printer command."""
    from spleis_tui.core.printing import print_pdf

    said = print_pdf(path)
    if said is None:
        return _("There is no lp or lpr here to print with: the PDF is {path}.").format(path=path)
    return said
