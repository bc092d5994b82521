"""Export a round's sign-ups, groups or leaders as CSV, XLSX, Markdown or JSON.

Values are the stable codes stored in the database, whatever the UI language, so
a script or a pivot table reads the same file in every language. Participant text
is untrusted, and each format keeps it inert in its own way:

- CSV: a cell that a spreadsheet would read as a formula gets a leading ``'``, which
  Excel and LibreOffice show as "this is text" and hide.
- XLSX: every cell is written as a typed string or number, never through XlsxWriter's
  guessing `write()`, so no cell can become a formula and the text stays exactly as
  stored (no ``'``). Two XlsxWriter flaws are closed here as well: a string shaped like
  ``<r>...</r>`` would go into the sheet's XML unescaped (and could add a formula
  cell), and some ``_xHHHH_`` look-alikes did not read back as written.
- Markdown: ``|``, ``\\``, backticks and ``<`` are escaped and line breaks become
  spaces, so text stays inside its cell and cannot start code or HTML.
- JSON: plain JSON strings; nothing to neutralise.

Every file is written beside its target and renamed over it at the end, so a failure
never leaves half a file, and it is readable by its owner only (personal data).

    >>> export_dataset("groups", "xlsx", round_id, "grupper.xlsx")  # doctest: +SKIP
    312
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from peewee import JOIN

from spleis_tui.core.errors import NotFound, SpleisError
from spleis_tui.core.leaders import list_leaders
from spleis_tui.core.models import Group, Leader, Round, SignUp
from spleis_tui.core.signups import signups_for_export
from spleis_tui.core.text import sort_key
from spleis_tui.i18n import _

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

# A cell's value: text, a whole number, or nothing.
Value = str | int | None
# Called with (rows written so far, rows in all); raising from it stops the export.
Progress = Callable[[int, int], None]

DATASETS = ("participants", "groups", "leaders")
FORMATS = ("csv", "xlsx", "md", "json")
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".md": "md", ".markdown": "md", ".json": "json"}

# Exactly these columns, in this order: people build spreadsheets on them.
EXPORT_COLUMNS = (
    "name",
    "email",
    "phone",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "faculty",
    "year",
    "language",
    "group_pref",
    "interests",
    "availability",
    "status",
)

# The groups export: one row per member, for sending lists to leaders. New columns go
# at the end, so spreadsheets built on the earlier ones keep working.
GROUP_COLUMNS = (
    "group",
    "leader",
    "name",
    "email",
    "phone",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "language",
    "group_pref",
    "first_activity",  # the activity chosen for the first meeting; "" until one is chosen
    "meeting_place",
    "meeting_at",  # wall-clock time in Europe/Oslo, "2027-01-28T17:00"; "" until set
)

# The leaders export: one row per leader, with the groups they lead.
LEADER_COLUMNS = (
    "name",
    "email",
    "phone",
    "campus",
    "role",
    "capacity",
    "groups",  # how many groups
    "group_names",  # "Gruppe 1; Gruppe 4", in group order
)

COLUMNS = {"participants": EXPORT_COLUMNS, "groups": GROUP_COLUMNS, "leaders": LEADER_COLUMNS}

# What makes a spreadsheet evaluate a cell (OWASP's list). A leading quote is
# escaped too, so removing one leading quote always gives back the stored value.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"

# Norwegian Excel's list separator: with `excel=True` a double-click opens the CSV in columns.
EXCEL_DELIMITER = ";"
PROGRESS_EVERY = 500


def neutralise(value: object) -> str:
    """The cell text for a value: never a formula, and reversible by dropping one `'`."""
    text = "" if value is None else str(value)
    if text.startswith((*FORMULA_TRIGGERS, ESCAPE)):
        return ESCAPE + text
    return text


# The datasets: each is its columns and a stream of rows of raw values.


def signup_values(signup: SignUp) -> list[Value]:
    """A sign-up's raw values in `EXPORT_COLUMNS` order."""
    return [
        signup.name,
        signup.email,
        signup.phone,
        signup.gender,
        signup.age,
        signup.campus,
        signup.programme,
        signup.department,
        signup.faculty,
        signup.year_of_study,
        signup.language,
        signup.group_pref,
        signup.interests,
        signup.availability,
        signup.status,
    ]


def group_member_values(signup: SignUp) -> list[Value]:
    """A grouped sign-up's raw values in `GROUP_COLUMNS` order (joined with its group)."""
    group = signup.group
    leader = group.leader
    return [
        group.name,
        leader.name if leader else "",
        signup.name,
        signup.email,
        signup.phone,
        signup.gender,
        signup.age,
        signup.campus,
        signup.programme,
        signup.department,
        signup.language,
        signup.group_pref,
        group.activity,
        group.meeting_place,
        group.meeting_at.isoformat(timespec="minutes") if group.meeting_at else None,
    ]


def group_members_for_export(round_id: int) -> Iterable[SignUp]:
    """Active sign-ups in a group of the round, by group order, then by name."""
    return (
        SignUp.select(SignUp, Group, Leader)
        .join(Group)
        .join(Leader, JOIN.LEFT_OUTER)
        .where((SignUp.round == round_id) & (Group.round == round_id) & (SignUp.status == "active"))
        .order_by(Group.sort_key, Group.id, SignUp.name_key, SignUp.id)
        .iterator()
    )


def leader_rows(round_id: int) -> Iterator[list[Value]]:
    """A round's leaders in name order, each with the groups they lead."""
    led: dict[int, list[str]] = {}
    query = (
        Group.select(Group.leader, Group.name)
        .where((Group.round == round_id) & Group.leader.is_null(False))
        .order_by(Group.sort_key, Group.id)
        .tuples()
    )
    for leader_id, name in query:
        led.setdefault(leader_id, []).append(name)
    for leader in sorted(list_leaders(round_id), key=lambda row: (sort_key(row.name), row.id)):
        names = led.get(leader.id, [])
        yield [
            leader.name,
            leader.email,
            leader.phone,
            leader.campus,
            leader.role,
            leader.capacity,
            len(names),
            "; ".join(names),
        ]


def dataset_rows(dataset: str, round_id: int) -> Iterator[list[Value]]:
    """A dataset's rows of raw values, in `COLUMNS[dataset]` order, streamed."""
    check_dataset(dataset)
    if dataset == "participants":
        return (signup_values(s) for s in signups_for_export(round_id))
    if dataset == "groups":
        return (group_member_values(s) for s in group_members_for_export(round_id))
    return leader_rows(round_id)


def count_rows(dataset: str, round_id: int) -> int:
    """How many rows `dataset_rows` gives, in one COUNT query (for a progress bar)."""
    check_dataset(dataset)
    if dataset == "participants":
        return SignUp.select().where(SignUp.round == round_id).count()
    if dataset == "groups":
        return (
            SignUp.select()
            .join(Group)
            .where(
                (SignUp.round == round_id) & (Group.round == round_id) & (SignUp.status == "active")
            )
            .count()
        )
    return Leader.select().where(Leader.round == round_id).count()


def check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise SpleisError(
            _("{value} is not something to export. Choose one of: {choices}.").format(
                value=dataset, choices=", ".join(DATASETS)
            )
        )


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise SpleisError(
            _("{value} is not a file format Spleis writes. Choose one of: {choices}.").format(
                value=fmt, choices=", ".join(FORMATS)
            )
        )


def guess_format(path: str | os.PathLike[str]) -> str | None:
    """The format a file name asks for by its suffix ("groups.xlsx" is xlsx), or None."""
    return SUFFIXES.get(Path(path).suffix.lower())


def _check_round(round_id: int) -> None:
    if not Round.select().where(Round.id == round_id).exists():
        raise NotFound(_("No round has the id {id}.").format(id=round_id))


def _counted(
    rows: Iterable[list[Value]], progress: Progress | None, total: int
) -> Iterator[list[Value]]:
    """The rows, telling `progress` how far the export has come every few hundred rows."""
    if progress is None:
        yield from rows
        return
    progress(0, total)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))


# The one entry point: a dataset in a format, to a file or an open stream.


def export_dataset(
    dataset: str,
    fmt: str,
    round_id: int,
    path: str | os.PathLike[str],
    *,
    excel: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write one of `DATASETS` as one of `FORMATS` to a file; return the rows written.

    `excel=True` makes a CSV `;`-separated, as Excel with a Norwegian locale expects;
    it changes nothing for the other formats. `progress(done, total)` is called every
    few hundred rows; an exception raised from it stops the export and writes nothing.
    """
    check_dataset(dataset)
    check_format(fmt)
    _check_round(round_id)
    columns = COLUMNS[dataset]
    total = count_rows(dataset, round_id) if progress else 0
    rows = _counted(dataset_rows(dataset, round_id), progress, total)
    if fmt == "xlsx":
        count = replace_atomically(path, lambda temp: write_xlsx(temp, dataset, columns, rows))
    else:
        # A BOM for CSV only: Excel needs it for æøå, and JSON must not have one.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        count = write_file(
            path,
            lambda handle: _write_text(fmt, handle, columns, rows, excel=excel),
            encoding=encoding,
        )
    if progress:
        progress(count, count)
    return count


def write_dataset(
    dataset: str,
    fmt: str,
    round_id: int,
    stream: TextIO,
    *,
    excel: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write a dataset in a text format to an open stream (standard output); return the rows.

    Nothing adds a BOM here: the stream's own encoding decides.
    """
    check_dataset(dataset)
    check_format(fmt)
    if fmt == "xlsx":
        raise SpleisError(_("XLSX cannot go to standard output; give a file name."))
    _check_round(round_id)
    total = count_rows(dataset, round_id) if progress else 0
    rows = _counted(dataset_rows(dataset, round_id), progress, total)
    count = _write_text(fmt, stream, COLUMNS[dataset], rows, excel=excel)
    if progress:
        progress(count, count)
    return count


def _write_text(
    fmt: str,
    handle: TextIO,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
    *,
    excel: bool = False,
) -> int:
    if fmt == "csv":
        return write_rows(rows, handle, columns, delimiter=EXCEL_DELIMITER if excel else ",")
    if fmt == "md":
        return write_markdown(rows, handle, columns)
    if fmt == "json":
        return write_json(rows, handle, columns)
    raise AssertionError(fmt)  # check_format ran first


# CSV.


def write_rows(
    rows: Iterable[Iterable[object]],
    handle: TextIO,
    header: Iterable[str],
    *,
    delimiter: str = ",",
) -> int:
    """Write a header and neutralised rows to an open text stream; return the rows written."""
    writer = csv.writer(handle, delimiter=delimiter)
    writer.writerow([neutralise(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        count += 1
    return count


def write_participants_csv(round_id: int, handle: TextIO) -> int:
    """Stream a round's sign-ups as CSV to an open stream (opened with ``newline=""``)."""
    return write_rows(dataset_rows("participants", round_id), handle, EXPORT_COLUMNS)


def export_participants_csv(round_id: int, path: str | os.PathLike[str]) -> int:
    """Write a round's sign-ups to a CSV file and return how many rows it has."""
    return write_file(path, lambda handle: write_participants_csv(round_id, handle))


def write_groups_csv(round_id: int, handle: TextIO) -> int:
    """Stream a round's groups as CSV, one row per member, to an open stream."""
    return write_rows(dataset_rows("groups", round_id), handle, GROUP_COLUMNS)


def export_groups(round_id: int, path: str | os.PathLike[str]) -> int:
    """Write a round's groups to a CSV file, one row per member; return the rows written."""
    return write_file(path, lambda handle: write_groups_csv(round_id, handle))


# Markdown: a GitHub table. Pipes and backslashes would end or bend a cell, a line
# break would end the table, a backtick or "<" could start code or HTML that runs
# past the cell; everything else (emphasis, links) stays as the text has it.
_MARKDOWN_SPECIAL = re.compile(r"[\\|`<]")
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def markdown_cell(value: object) -> str:
    """A value as the text of one Markdown table cell that cannot break the table."""
    text = "" if value is None else str(value)
    text = _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(), text)
    return _LINE_BREAK.sub(" ", text)


def write_markdown(rows: Iterable[Sequence[Value]], handle: TextIO, columns: Sequence[str]) -> int:
    handle.write("| " + " | ".join(markdown_cell(c) for c in columns) + " |\n")
    handle.write("|" + "|".join("---" for _c in columns) + "|\n")
    count = 0
    for row in rows:
        handle.write("| " + " | ".join(markdown_cell(v) for v in row) + " |\n")
        count += 1
    return count


# JSON: a list of objects keyed by column, written object by object (a big round never
# sits in memory as one string); the same text `json.dump(rows, indent=2)` gives.


def write_json(rows: Iterable[Sequence[Value]], handle: TextIO, columns: Sequence[str]) -> int:
    count = 0
    for row in rows:
        item = json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False, indent=2)
        handle.write(("[\n" if count == 0 else ",\n") + "  " + item.replace("\n", "\n  "))
        count += 1
    handle.write("\n]\n" if count else "[]\n")
    return count


# XLSX through XlsxWriter, in constant-memory mode: rows go to disk as they come.

XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
WIDTH_SAMPLE = 500
WIDTH_LIMIT = 50

# Characters XML 1.0 cannot hold, which OOXML writes as _xHHHH_ ...
_XML_UNSAFE = "\x00-\x08\x0b-\x1f\ufffe\uffff"
# ... and so an underscore that would read as the start of such an escape is escaped too.
# XlsxWriter's own version misses overlapping look-alikes ("_x005F_x0041_") and ones
# ended by an escaped control character ("_x0041\x01"): both read back changed.
_XLSX_ESCAPE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}[_{_XML_UNSAFE}])|[{_XML_UNSAFE}]")


def xlsx_escape(text: str) -> str:
    """Text as OOXML stores it, so that Excel, LibreOffice and calamine read back `text`."""
    return _XLSX_ESCAPE.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


@cache
def _text_worksheet_class() -> type[Worksheet]:
    from xlsxwriter.worksheet import Worksheet

    class TextWorksheet(Worksheet):
        """A worksheet whose strings are always text, whatever they look like.

        XlsxWriter writes a string that starts with ``<r>`` and ends with ``</r>`` into
        the XML unescaped, taking it for one of its own rich strings: a participant
        could add cells, formulas among them. We never write rich strings, so that
        path writes plain, escaped text here.
        """

        @staticmethod
        def _escape_control_characters(data):
            return xlsx_escape(data) if isinstance(data, str) else data

        def _xml_rich_inline_string(self, string, attributes=()) -> None:
            self._xml_inline_string(string, True, list(attributes))

    return TextWorksheet


def _width(value: Value) -> int:
    if value is None:
        return 0
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_xlsx(
    path: str | os.PathLike[str],
    sheet: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Value]],
) -> int:
    """Write a header and rows to a new workbook at `path` (overwritten); return the rows.

    Whole numbers become numbers, everything else text: a cell is never a formula, and
    its text is the stored value exactly (no `'`, unlike CSV). The header is bold and
    frozen, with a filter over the data; widths fit the first rows' longest values.
    """
    import xlsxwriter
    from xlsxwriter.exceptions import XlsxWriterException

    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    # XlsxWriter keeps row data in temporary files until close(); a private directory
    # we remove ourselves means no personal data is left in /tmp if the export fails.
    scratch = tempfile.mkdtemp(prefix="spleis-xlsx-")
    try:
        workbook = xlsxwriter.Workbook(os.fspath(path), {**XLSX_OPTIONS, "tmpdir": scratch})
        worksheet = workbook.add_worksheet(sheet, worksheet_class=_text_worksheet_class())
        bold = workbook.add_format({"bold": True})
        for index, column in enumerate(columns):
            longest = max([len(column), *(_width(row[index]) for row in sample)])
            worksheet.set_column(index, index, min(longest + 2, WIDTH_LIMIT))
            worksheet.write_string(0, index, column, bold)
        count = 0
        for row in chain(sample, rows):
            count += 1
            for index, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, int) and not isinstance(value, bool):
                    worksheet.write_number(count, index, value)
                elif worksheet.write_string(count, index, str(value)) == -2:
                    raise SpleisError(
                        _("A value in {column} is too long for a spreadsheet cell.").format(
                            column=columns[index]
                        )
                    )
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, count, len(columns) - 1)
        try:
            workbook.close()
        except XlsxWriterException as error:
            raise OSError(str(error)) from error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return count


# Files: written beside the target, flushed to disk, then renamed over it.


def replace_atomically(path: str | os.PathLike[str], produce: Callable[[Path], int]) -> int:
    """Let `produce` write a new private file, then put it at `path`; return what it returns.

    The file is made beside the target (mode 0600, personal data) and renamed over it
    only once it is complete, so a failure never leaves half a file, nor a temp file,
    and an earlier file at `path` stays as it was.
    """
    target = Path(path).expanduser()
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(temp_name)
    try:
        count = produce(temp)
        with temp.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return count


def write_file(
    path: str | os.PathLike[str],
    write: Callable[[TextIO], int],
    *,
    encoding: str = "utf-8-sig",
) -> int:
    """Run `write` on a new text file at `path` and return what it returns.

    By default the file is UTF-8 with a BOM, so Excel with a Norwegian locale reads æøå
    right. It is written atomically and privately, as `replace_atomically` says.
    """

    def produce(temp: Path) -> int:
        with temp.open("w", encoding=encoding, newline="") as handle:
            return write(handle)

    return replace_atomically(path, produce)
