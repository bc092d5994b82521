"""Exports in four formats: every cell as stored, nothing a spreadsheet runs, never half a file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from spleis_tui.core import export
from spleis_tui.core.errors import NotFound, SpleisError
from spleis_tui.core.export import (
    COLUMNS,
    DATASETS,
    FORMATS,
    FORMULA_TRIGGERS,
    GROUP_COLUMNS,
    LEADER_COLUMNS,
    count_rows,
    dataset_rows,
    export_dataset,
    guess_format,
    write_dataset,
)
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import SignUp
from spleis_tui.core.rosters import set_first_meeting
from spleis_tui.core.signups import add_signup
from tests.factories import person

NASTY = ['=HYPERLINK("http://x","y")', "+47 912", "-1", "@SUM(A1)", "\tx", "\rx"]


def signup(round_id: int, ref, name: str, email: str, group_id: int | None = None, **answers):
    created = add_signup(round_id, person(name=name, email=email, **answers), ref, consent=True)
    if group_id is not None:
        move_member(created.id, group_id)
    return created.id


@pytest.fixture
def filled(round_id: int, ref) -> int:
    """Gruppe 1 and Gruppe 4 led by Lise (Gruppe 1 meets on a set day), Gruppe 2 by nobody,
    Ola leads nothing; five members, one outside any group."""
    one, two, four = (create_group(round_id, f"Gruppe {n}") for n in (1, 2, 4))
    lise = add_leader(
        round_id,
        {"name": "Lise Leder", "email": "lise@example.no", "phone": "+47 400 00 000"},
        ref,
    )
    add_leader(round_id, {"name": "Ola Olsen", "email": "ola@example.no", "capacity": 3}, ref)
    set_group_leader(one.id, lise.id)
    set_group_leader(four.id, lise.id)
    set_first_meeting(
        [one.id], activity="Bowling", place="Sit Kafé, Hangaren", at=dt.datetime(2027, 1, 28, 17)
    )
    signup(round_id, ref, "Åse Ås", "ase@example.no", one.id, age=None)
    signup(round_id, ref, "Bjørn Berg", "bjorn@example.no", one.id, gender="man")
    signup(round_id, ref, "Cato | Pipe", "cato@example.no", two.id)
    signup(round_id, ref, "Dina Dahl", "dina@example.no", four.id, phone="")
    signup(round_id, ref, "Nils Nogroup", "nils@example.no")
    return round_id


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where the exports go: a folder of their own, away from the database file."""
    path = tmp_path / "exports"
    path.mkdir()
    return path


def expected(dataset: str, round_id: int) -> list[list[object]]:
    """The header and rows as the database has them, empty cells as ""."""
    rows = [["" if v is None else v for v in row] for row in dataset_rows(dataset, round_id)]
    return [list(COLUMNS[dataset]), *rows]


def xlsx_cells(path: Path, sheet: str) -> list[list[object]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    # Calamine reads every number as a float; the export writes whole numbers only.
    return [[int(v) if isinstance(v, float) else v for v in row] for row in rows]


def csv_cells(path: Path, delimiter: str = ",") -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def unquoted(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def markdown_cells(text: str) -> list[list[str]]:
    """A Markdown table's cells, unescaped (a backslash escapes the next character)."""
    lines = text.splitlines()
    assert re.fullmatch(r"\|(---\|)+", lines[1])
    table = []
    for line in [lines[0], *lines[2:]]:
        # Split on pipes that no backslash escapes (an escaped backslash is "\\").
        cells, cell, escaped = [], "", False
        for char in line.strip()[1:-1]:
            if escaped:
                cell += char
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "|":
                cells.append(cell.strip())
                cell = ""
            else:
                cell += char
        cells.append(cell.strip())
        table.append(cells)
    return table


def read_back(fmt: str, path: Path, dataset: str) -> list[list[object]]:
    """Any format's file as header and rows of cells, each as the database value."""
    if fmt == "xlsx":
        return xlsx_cells(path, dataset)
    if fmt == "json":
        items = json.loads(path.read_text(encoding="utf-8"))
        rows = [["" if v is None else v for v in item.values()] for item in items]
        return [list(items[0]) if items else list(COLUMNS[dataset]), *rows]
    if fmt == "md":
        return markdown_cells(path.read_text(encoding="utf-8"))
    return [[unquoted(c) for c in row] for row in csv_cells(path)]


def as_text(table: list[list[object]]) -> list[list[str]]:
    return [[str(v) for v in row] for row in table]


# Every dataset in every format.


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_dataset_writes_in_every_format(filled: int, folder: Path, dataset, fmt):
    out = folder / f"{dataset}.{fmt}"
    count = export_dataset(dataset, fmt, filled, out)
    assert (
        count
        == count_rows(dataset, filled)
        == {"participants": 5, "groups": 4, "leaders": 2}[dataset]
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    back = read_back(fmt, out, dataset)
    if fmt in ("xlsx", "json"):  # typed formats keep numbers as numbers
        assert back == expected(dataset, filled)
    else:
        assert as_text(back) == as_text(expected(dataset, filled))
    assert os.listdir(folder) == [out.name]


@pytest.mark.parametrize("fmt", ["csv", "md", "json"])
def test_text_formats_stream_the_same_text_as_the_file_without_a_bom(
    filled: int, folder: Path, fmt
):
    out = folder / f"groups.{fmt}"
    export_dataset("groups", fmt, filled, out)
    stream = io.StringIO(newline="")
    assert write_dataset("groups", fmt, filled, stream) == 4
    assert out.read_bytes().decode("utf-8").removeprefix("\ufeff") == stream.getvalue()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") == (fmt == "csv")


def test_empty_datasets_are_just_the_header(round_id: int, folder: Path):
    for fmt in FORMATS:
        out = folder / f"leaders.{fmt}"
        assert export_dataset("leaders", fmt, round_id, out) == 0
    assert json.loads((folder / "leaders.json").read_text()) == []
    assert xlsx_cells(folder / "leaders.xlsx", "leaders") == [list(LEADER_COLUMNS)]
    assert csv_cells(folder / "leaders.csv") == [list(LEADER_COLUMNS)]
    assert len((folder / "leaders.md").read_text().splitlines()) == 2


# The groups and leaders datasets.


def test_groups_add_the_first_meeting_after_the_earlier_columns(filled: int, folder: Path):
    assert GROUP_COLUMNS[:12] == (
        "group", "leader", "name", "email", "phone", "gender", "age", "campus", "programme",
        "department", "language", "group_pref",
    )  # fmt: skip
    assert GROUP_COLUMNS[12:] == ("first_activity", "meeting_place", "meeting_at")
    out = folder / "groups.json"
    export_dataset("groups", "json", filled, out)
    rows = json.loads(out.read_text(encoding="utf-8"))
    first = {(r["group"], r["name"]): r for r in rows}
    ase = first["Gruppe 1", "Åse Ås"]
    assert (ase["first_activity"], ase["meeting_place"], ase["meeting_at"]) == (
        "Bowling",
        "Sit Kafé, Hangaren",
        "2027-01-28T17:00",
    )
    assert ase["age"] is None and first["Gruppe 1", "Bjørn Berg"]["age"] == 21
    # No activity chosen yet: empty, not the translated suggestion (values are stable).
    cato = first["Gruppe 2", "Cato | Pipe"]
    assert (cato["first_activity"], cato["meeting_place"], cato["meeting_at"]) == ("", "", None)
    assert [r["group"] for r in rows] == ["Gruppe 1", "Gruppe 1", "Gruppe 2", "Gruppe 4"]


def test_leaders_count_their_groups_and_name_them_in_group_order(filled: int, folder: Path):
    out = folder / "leaders.csv"
    export_dataset("leaders", "csv", filled, out)
    header, *rows = csv_cells(out)
    assert header == list(LEADER_COLUMNS) == [
        "name", "email", "phone", "campus", "role", "capacity", "groups", "group_names",
    ]  # fmt: skip
    assert rows == [
        [
            "Lise Leder",
            "lise@example.no",
            "'+47 400 00 000",
            "",
            "trivselsleder",
            "2",
            "2",
            "Gruppe 1; Gruppe 4",
        ],
        ["Ola Olsen", "ola@example.no", "", "", "trivselsleder", "3", "0", ""],
    ]


# XLSX: typed cells, exactly the stored text, no formula anywhere.


def set_names(names: list[str]) -> None:
    """Store names as they are (old data was not always cleaned on the way in)."""
    ids = [s.id for s in SignUp.select().order_by(SignUp.id)]
    for signup_id, name in zip(ids, names, strict=False):
        SignUp.update(name=name).where(SignUp.id == signup_id).execute()


def assert_no_formula(path: Path) -> openpyxl.worksheet.worksheet.Worksheet:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    return sheet


def test_xlsx_has_the_database_values_a_bold_frozen_header_and_a_filter(filled: int, folder: Path):
    set_names(NASTY[:5])
    out = folder / "participants.xlsx"
    assert export_dataset("participants", "xlsx", filled, out) == 5
    assert xlsx_cells(out, "participants") == expected("participants", filled)
    sheet = assert_no_formula(out)
    assert sheet.title == "participants"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O6"  # 15 columns, header and 5 rows
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    # Numbers are numbers, codes and phone numbers are text.
    age = sheet.cell(row=3, column=EXPORT_INDEX["age"])
    assert age.data_type == "n" and age.value == 21
    phone = sheet.cell(row=3, column=EXPORT_INDEX["phone"])
    assert phone.data_type == "s" and phone.value == "+47 912 34 567"
    widths = {key: sheet.column_dimensions[key].width for key in ("A", "B", "E")}
    assert widths["B"] > widths["E"] and all(w <= 51 for w in widths.values())


EXPORT_INDEX = {name: index + 1 for index, name in enumerate(COLUMNS["participants"])}


def test_formula_looking_names_are_text_in_xlsx_and_quoted_in_csv(round_id: int, ref, folder: Path):
    for index in range(len(NASTY)):
        signup(round_id, ref, f"Person {index}", f"p{index}@example.no")
    set_names(NASTY)
    export_dataset("participants", "xlsx", round_id, folder / "p.xlsx")
    export_dataset("participants", "csv", round_id, folder / "p.csv")
    names = [row[0] for row in xlsx_cells(folder / "p.xlsx", "participants")[1:]]
    stored = [name for (name,) in SignUp.select(SignUp.name).order_by(SignUp.name_key).tuples()]
    assert sorted(names) == sorted(NASTY) and names == stored
    sheet = assert_no_formula(folder / "p.xlsx")
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 8))
    quoted = [row[0] for row in csv_cells(folder / "p.csv")[1:]]
    assert sorted(quoted) == sorted("'" + name for name in NASTY)
    assert not any(
        cell.startswith(FORMULA_TRIGGERS) for row in csv_cells(folder / "p.csv") for cell in row
    )


# XlsxWriter takes "<r>...</r>" for its own rich-string XML and writes it unescaped:
# this name would add a formula cell B1 to a plain XlsxWriter sheet.
XML_INJECTION = (
    '<r><t>a</t></r></is></c><c r="B1"><f>HYPERLINK("http://evil.example","click")</f></c>'
    '<c r="C1" t="inlineStr"><is><r><t>b</t></r>'
)
ESCAPE_LOOKALIKES = ["_x0041_", "_x005F_x0041_", "_x0041\x01", "a\x01b\x1f", "_xFFFF_", "_x00e5_"]


def test_xlsx_text_that_looks_like_sheet_xml_or_escapes_stays_text(
    round_id: int, ref, folder: Path
):
    names = ["<r>x</r>", XML_INJECTION, *ESCAPE_LOOKALIKES]
    for index in range(len(names)):
        signup(round_id, ref, f"Person {index}", f"p{index}@example.no")
    set_names(names)
    out = folder / "p.xlsx"
    export_dataset("participants", "xlsx", round_id, out)
    cells = xlsx_cells(out, "participants")
    assert sorted(row[0] for row in cells[1:]) == sorted(names)
    assert all(len(row) == len(COLUMNS["participants"]) for row in cells)
    assert_no_formula(out)


def test_xlsx_cannot_go_to_a_stream_and_unknown_names_are_refused(filled: int):
    with pytest.raises(SpleisError, match=r"XLSX cannot go to standard output; give a file name\."):
        write_dataset("groups", "xlsx", filled, io.StringIO())
    with pytest.raises(SpleisError, match=r"members is not something to export.*participants"):
        write_dataset("members", "csv", filled, io.StringIO())
    with pytest.raises(SpleisError, match=r"ods is not a file format.*csv, xlsx, md, json"):
        export_dataset("groups", "ods", filled, "x.ods")
    with pytest.raises(NotFound):
        write_dataset("groups", "csv", filled + 99, io.StringIO())


def test_guess_format_reads_the_suffix():
    assert [guess_format(p) for p in ("a.csv", "B.XLSX", "c.md", "d.json", "e.txt", "-")] == [
        "csv",
        "xlsx",
        "md",
        "json",
        None,
        None,
    ]


# CSV for Norwegian Excel, Markdown, JSON.


def test_csv_for_excel_uses_semicolons_and_a_bom(filled: int, folder: Path):
    out = folder / "groups.csv"
    export_dataset("groups", "csv", filled, out, excel=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == ";".join(GROUP_COLUMNS)
    rows = csv_cells(out, delimiter=";")
    assert rows[0] == list(GROUP_COLUMNS)
    assert [unquoted(c) for c in rows[1]] == [str(v) for v in expected("groups", filled)[1]]
    assert rows[1][GROUP_COLUMNS.index("meeting_place")] == "Sit Kafé, Hangaren"


def test_markdown_escapes_what_would_break_the_table(round_id: int, ref, folder: Path):
    names = ["Cato | Pipe", "back\\slash|", "two\nlines\r\nhere", "`code | span`", "<b>x</b>"]
    for index in range(len(names)):
        signup(round_id, ref, f"Person {index}", f"p{index}@example.no")
    set_names(names)
    out = folder / "p.md"
    export_dataset("participants", "md", round_id, out)
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 2 + len(names)
    assert lines[0].startswith("| name | email | phone |")
    assert "| Cato \\| Pipe |" in text and "| back\\\\slash\\| |" in text
    assert "| two lines here |" in text and "\\<b>x\\</b>" in text
    # Every row has exactly as many cells as the header, and they read back as stored.
    table = markdown_cells(text)
    assert {len(row) for row in table} == {len(COLUMNS["participants"])}
    assert sorted(row[0] for row in table[1:]) == sorted(
        ["Cato | Pipe", "back\\slash|", "two lines here", "`code | span`", "<b>x</b>"]
    )


def test_json_is_a_list_of_objects_with_numbers_and_nulls(filled: int, folder: Path):
    out = folder / "participants.json"
    export_dataset("participants", "json", filled, out)
    text = out.read_text(encoding="utf-8")
    items = json.loads(text)
    assert "Åse Ås" in text  # not \u00c5
    assert items == [
        dict(zip(COLUMNS["participants"], row, strict=True))
        for row in dataset_rows("participants", filled)
    ]
    assert text == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    ase = next(i for i in items if i["name"] == "Åse Ås")
    assert ase["age"] is None and ase["year"] == 2 and ase["interests"] == "hiking;boardgames"


# Never half a file, never a file others can read.


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_export_keeps_the_old_file_and_leaves_no_temp_file(
    filled: int, folder: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
):
    out = folder / f"out.{fmt}"
    out.write_text("the previous export\n", encoding="utf-8")
    scratch: list[str] = []
    real_mkdtemp = export.tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        scratch.append(real_mkdtemp(*args, **kwargs))
        return scratch[-1]

    def broken(_round_id: int):
        # More rows than the width sample, so the failure comes after the sheet began.
        for _ in range(export.WIDTH_SAMPLE + 1):
            yield from SignUp.select().limit(1)
        raise OSError("disk full")

    monkeypatch.setattr(export.tempfile, "mkdtemp", recording_mkdtemp)
    monkeypatch.setattr(export, "signups_for_export", broken)
    with pytest.raises(OSError, match="disk full"):
        export_dataset("participants", fmt, filled, out)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert os.listdir(folder) == [out.name]
    # XlsxWriter's own scratch files (row data) are gone too.
    assert all(not Path(path).exists() for path in scratch)


def test_a_new_file_that_fails_is_not_created(filled: int, folder: Path, monkeypatch):
    def broken(_round_id: int):
        raise RuntimeError("boom")
        yield

    monkeypatch.setattr(export, "signups_for_export", broken)
    with pytest.raises(RuntimeError):
        export_dataset("participants", "xlsx", filled, folder / "new.xlsx")
    assert os.listdir(folder) == []


def test_an_export_replaces_an_earlier_file_and_keeps_it_private(filled: int, folder: Path):
    out = folder / "groups.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o644)
    export_dataset("groups", "xlsx", filled, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert xlsx_cells(out, "groups") == expected("groups", filled)


def test_progress_is_reported_and_can_stop_the_export(filled: int, folder: Path):
    seen: list[tuple[int, int]] = []
    export_dataset(
        "participants", "csv", filled, folder / "a.csv", progress=lambda *a: seen.append(a)
    )
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_dataset("participants", "xlsx", filled, folder / "b.xlsx", progress=cancel)
    assert os.listdir(folder) == ["a.csv"]


# Property: whatever text a name holds, it reads back from the sheet exactly, as text.

FRAGMENTS = [
    *FORMULA_TRIGGERS, "'", "|", "\n", "\r\n", "<r>", "</r>", "<t>", "&amp;", "_x0041_", "_x0041",
    "_x005F", "_x", "005F_", "\x01", "\x1f", "ø", "Å", "😀", " ", "\u2028", "\u202e",
]  # fmt: skip
# Not NUL (SQLite text ends there), nor U+FFFE/U+FFFF: noncharacters XML cannot hold,
# written as Excel's _xFFFE_ escape, which calamine leaves as it is.
stored_text = st.lists(
    st.one_of(
        st.text(
            st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\ufffe\uffff")
        ),
        st.sampled_from(FRAGMENTS),
    ),
    max_size=8,
).map("".join)
# Wrapped as XlsxWriter's rich strings are, which it would write into the XML unescaped.
stored_text = st.one_of(stored_text, stored_text.map(lambda text: f"<r>{text}</r>"))


@pytest.fixture
def three_signups(round_id: int, ref) -> int:
    for index in range(3):
        signup(round_id, ref, f"Person {index}", f"p{index}@example.no")
    return round_id


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=60
)
@given(names=st.lists(stored_text, min_size=3, max_size=3))
def test_any_stored_name_survives_an_xlsx_round_trip_and_is_never_a_formula(
    three_signups: int, folder: Path, names: list[str]
):
    set_names(names)
    out = folder / "p.xlsx"
    export_dataset("participants", "xlsx", three_signups, out)
    back = [row[0] for row in xlsx_cells(out, "participants")[1:]]
    assert sorted(back) == sorted(names)
    assert_no_formula(out)
