"""Reading an export file as a header and rows of text, streamed.

CSV and text files: the encoding is found from a byte-order mark, else by checking
that the whole file is strict UTF-8, else strict Windows-1252; never silently
latin-1. The delimiter is `,`, `;` or tab, accepted only when it splits many lines
into the same number of columns. Spreadsheets (.xlsx, .xls, .ods) are read through
calamine. Every cell comes out as text: a phone number keeps its `+47` and zeros.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from spleis_tui.core.errors import SpleisError
from spleis_tui.i18n import _

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SAMPLE_RECORDS = 200  # records read to judge a delimiter
CHUNK = 1 << 20

# csv's default limit (128 KiB) is smaller than a long comment pasted many times.
csv.field_size_limit(16 * 1024 * 1024)


class ImportFileError(SpleisError):
    """A file that cannot be read at all; the message names the file."""


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    kind: str  # "csv" or "spreadsheet"
    encoding: str  # "" for a spreadsheet
    delimiter: str  # "" for a spreadsheet
    headers: tuple[str, ...]
    sheet: str = ""

    @property
    def description(self) -> str:
        if self.kind == "spreadsheet":
            return _("spreadsheet, sheet {sheet}").format(sheet=self.sheet)
        return _("text, {encoding}, {delimiter}").format(
            encoding=self.encoding, delimiter=delimiter_name(self.delimiter)
        )


def delimiter_name(delimiter: str) -> str:
    return {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(delimiter, delimiter)


def parse_delimiter(text: str) -> str:
    """A delimiter the user typed: ",", ";", "tab", "\\t", "semicolon"..."""
    aliases = {
        ",": ",",
        "comma": ",",
        "komma": ",",
        ";": ";",
        "semicolon": ";",
        "semikolon": ";",
        "\t": "\t",
        "\\t": "\t",
        "tab": "\t",
        "tabulator": "\t",
    }
    found = aliases.get(text.strip().lower() if text.strip() else text)
    if found is None:
        raise ImportFileError(
            _("The delimiter must be comma, semicolon or tab, not {value}.").format(value=text)
        )
    return found


def check_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ImportFileError(
            _("{value} is not an encoding Python knows (try utf-8 or cp1252).").format(value=name)
        ) from None


class Source:
    """An open export file. `rows()` yields (row number, cells), the header being row 1."""

    def __init__(
        self,
        info: SourceInfo,
        rows: Iterator[tuple[int, list[str]]],
        handle: IO | None,
        size: int,
        total_rows: int | None,
    ) -> None:
        self.info = info
        self._rows = rows
        self._handle = handle
        self._size = size
        self._total_rows = total_rows
        self._row = 1

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The rows that hold anything; numbered as a spreadsheet shows them."""
        for number, cells in self._rows:
            self._row = number
            yield number, cells

    def fraction_done(self) -> float:
        """How far reading has got, from 0 to 1, for a progress bar."""
        if self._total_rows:
            return min(1.0, (self._row - 1) / self._total_rows)
        if self._handle is not None and self._size:
            if self._handle.closed:  # the reader closes it when it reaches the end
                return 1.0
            try:
                return min(1.0, self._handle.tell() / self._size)
            except (OSError, ValueError):
                return 0.0
        return 0.0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_source(
    path: str | os.PathLike[str], *, encoding: str | None = None, delimiter: str | None = None
) -> Source:
    """Open an export for reading; raise ImportFileError naming the file if it cannot be."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(_("{file}: no such file.").format(file=path))
    if path.is_dir():
        raise ImportFileError(_("{file} is a folder, not a file.").format(file=path))
    try:
        with path.open("rb") as probe:
            head = probe.read(8)
    except OSError as error:
        raise ImportFileError(
            _("{file}: cannot be read ({reason}).").format(file=path, reason=error.strerror)
        ) from None
    if _is_spreadsheet(path, head):
        return _open_spreadsheet(path)
    return _open_text(path, encoding, delimiter)


def _is_spreadsheet(path: Path, head: bytes) -> bool:
    if head.startswith(b"PK\x03\x04"):
        return zipfile.is_zipfile(path)
    # The old binary .xls format (an OLE2 compound file).
    return head.startswith(b"\xd0\xcf\x11\xe0") or path.suffix.lower() in SPREADSHEET_SUFFIXES


# Text files


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(path: Path) -> str:
    """BOM first, then strict UTF-8 over the whole file, then strict Windows-1252."""
    with path.open("rb") as handle:
        head = handle.read(4)
        for bom, name in _BOMS:
            if head.startswith(bom):
                return name
        handle.seek(0)
        sample = handle.read(4096)
        if sample.count(b"\x00") > len(sample) // 8:
            raise ImportFileError(
                _(
                    "{file} looks like UTF-16 text without a byte-order mark; "
                    "choose the encoding utf-16-le (--encoding utf-16-le)."
                ).format(file=path)
            )
        for name in ("utf-8", "cp1252"):
            handle.seek(0)
            if _decodes(handle, name):
                return name
    raise ImportFileError(
        _(
            "{file} is neither UTF-8 nor Windows-1252 text; choose its encoding (--encoding)."
        ).format(file=path)
    )


def _decodes(handle: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while chunk := handle.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_handle(path: Path, encoding: str) -> tuple[IO[bytes], IO[str]]:
    raw = path.open("rb")
    return raw, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")


def detect_delimiter(lines: list[str]) -> str | None:
    """The delimiter that gives one column count over most records, the most columns first.

    `csv.Sniffer` guesses `,` for many `;` files; counting over many records does not.
    """
    best: tuple[int, str] | None = None
    for delimiter in ("\t", ";", ","):
        records = [r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        same = sum(1 for r in records if len(r) == width)
        # A few broken rows should not hide the delimiter; most records must agree.
        if same >= max(1, int(len(records) * 0.9)) and (best is None or width > best[0]):
            best = (width, delimiter)
    return best[1] if best else None


def _open_text(path: Path, encoding: str | None, delimiter: str | None) -> Source:
    encoding = check_encoding(encoding) if encoding else detect_encoding(path)
    size = path.stat().st_size
    try:
        if delimiter is None:
            raw, text = _text_handle(path, encoding)
            with raw, text:
                sample = _sample_lines(text)
            delimiter = detect_delimiter(sample)
            if delimiter is None:
                raise ImportFileError(
                    _(
                        "{file}: cannot tell how the columns are separated "
                        "(comma, semicolon or tab); choose the delimiter (--delimiter)."
                    ).format(file=path)
                )
        raw, text = _text_handle(path, encoding)
        reader = csv.reader(text, delimiter=delimiter, strict=False)
        header = next(reader, None)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("{file} is not {encoding} text (byte {offset}).").format(
                file=path, encoding=encoding, offset=error.start
            )
        ) from None
    if header is None:
        raw.close()
        raise ImportFileError(_("{file} is empty.").format(file=path))
    info = SourceInfo(path, "csv", encoding, delimiter, tuple(header))
    return Source(info, _csv_rows(reader, path, encoding), raw, size, None)


def _sample_lines(text: IO[str]) -> list[str]:
    """The first records' lines, whole: a quoted field may span several lines."""
    lines: list[str] = []
    for line in text:
        lines.append(line)
        if len(lines) >= SAMPLE_RECORDS * 2:
            break
    return lines


def _csv_rows(
    reader: Iterator[list[str]], path: Path, encoding: str
) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, record in enumerate(reader, start=2):
            if any(cell.strip() for cell in record):
                yield number, record
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("{file} is not {encoding} text (byte {offset}).").format(
                file=path, encoding=encoding, offset=error.start
            )
        ) from None
    except csv.Error as error:
        raise ImportFileError(
            _("{file}: the file is not CSV ({reason}).").format(file=path, reason=error)
        ) from None


# Spreadsheets


def _open_spreadsheet(path: Path) -> Source:
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportFileError(_("{file} has no sheets.").format(file=path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        header = next(rows, None)
    except ImportFileError:
        raise
    except Exception as error:  # calamine raises its own types for every broken file
        raise ImportFileError(
            _("{file} is not a spreadsheet that can be read ({reason}).").format(
                file=path, reason=str(error) or type(error).__name__
            )
        ) from None
    if header is None:
        raise ImportFileError(_("{file} is empty.").format(file=path))
    formulas = _formula_cells(path)
    start_row, start_col = sheet.start or (0, 0)
    headers = tuple(
        _with_formula(cell_text(c), formulas, start_row, start_col + i)
        for i, c in enumerate(header)
    )
    info = SourceInfo(path, "spreadsheet", "", "", headers, sheet=sheet.name)
    total = max(0, (sheet.total_height or 1) - 1)
    return Source(info, _sheet_rows(rows, formulas, start_row, start_col), None, 0, total)


def _sheet_rows(
    rows: Iterator[list[object]], formulas: dict[tuple[int, int], str], top: int, left: int
) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(rows, start=2):
        cells = [cell_text(c) for c in row]
        if formulas:
            cells = [
                _with_formula(c, formulas, top + number - 1, left + i) for i, c in enumerate(cells)
            ]
        if any(c.strip() for c in cells):
            yield number, cells


def _with_formula(text: str, formulas: dict[tuple[int, int], str], row: int, col: int) -> str:
    formula = formulas.get((row, col))
    return formula if formula is not None and not text else text


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


_FORMULA = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*>\s*<f(?:\s[^>]*)?>([^<]*)</f>')


def _formula_cells(path: Path) -> dict[tuple[int, int], str]:
    """The formulas of an .xlsx's first sheet, by (row, column) from 0, as "=…" text.

    calamine reads a formula cell's cached result, and a form export's `=HYPERLINK(…)`
    in a name has none: without this the name would be lost, not kept literally.
    The sheet's XML is scanned in pieces (no tree is built), so a big sheet costs
    little more than decompressing it.
    """
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet_path(archive)
            if sheet is None:
                return found
            with archive.open(sheet) as handle:
                tail = b""
                while chunk := handle.read(CHUNK):
                    window = tail + chunk
                    if b"<f" in window:
                        for match in _FORMULA.finditer(window):
                            column = 0
                            for letter in match.group(1):
                                column = column * 26 + letter - 64
                            text = unescape(match.group(3).decode("utf-8"))
                            found[(int(match.group(2)) - 1, column - 1)] = "=" + text
                    # Keep the end: a cell may straddle two pieces (a formula cell is short).
                    tail = window[-8192:]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, UnicodeDecodeError):
        return {}
    return found


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return None  # not an .xlsx (an .ods has no formulas to lose this way)
    first = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    if first is None:
        return None
    rel_id = first.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees: 22.0 is "22", a date is ISO."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)
