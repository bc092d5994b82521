"""Cohorts written as form services' export files: the samples' bytes, headers and cells.

Everything is read back with the standard library (csv, codecs) and openpyxl, never with
an importer, and compared with the generator's people: these files are what the
importer's tests read, so they must be what Nettskjema, Microsoft Forms, Google Forms and
a Norwegian Excel really give you.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib.util
import io
import itertools
import re
import tempfile
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.cohort import generate_people
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.form_exports import (
    FAULTS,
    FORMATS,
    SUFFIXES,
    ExpectedRow,
    faults_for,
    headers_for,
    write_form_export,
)
from spleis_tui.core.reference import Reference, load_reference

OSLO = ZoneInfo("Europe/Oslo")
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "signups"
SAMPLE_FILES = {
    "nettskjema": "nettskjema.csv",
    "msforms": "msforms.xlsx",
    "googleforms": "googleforms.csv",
    "excel-nb": "excel_nb.csv",
    "unicode-text": "unicode_text.txt",
}
CSV_FORMATS = ("nettskjema", "googleforms", "excel-nb", "unicode-text")
# How each text export is encoded and split, as the samples are.
ENCODING = {
    "nettskjema": "utf-8",
    "googleforms": "utf-8",
    "excel-nb": "cp1252",
    "unicode-text": "utf-16",
}
DELIMITER = {"nettskjema": ";", "googleforms": ",", "excel-nb": ";", "unicode-text": "\t"}

# The samples' header rows (Nettskjema's without its checkbox columns, which are ours).
NETTSKJEMA_HEADERS = [
    "$submission_id",
    "$created",
    "$answer_time_ms",
    "navn",
    "epost",
    "telefon",
    "kjonn",
    "alder",
    "campus",
    "studieprogram",
    "institutt",
    "arstrinn",
    "sprak",
    "gruppeonske",
    "<checkboxes>",
    "venn_epost",
    "kommentar",
    "samtykke",
]
MSFORMS_HEADERS = [
    "ID",
    "Starttidspunkt",
    "Fullføringstidspunkt",
    "E-postadresse",
    "Navn",
    "Tidspunkt for siste endring",
    "Fullt navn",
    "Kjønn",
    "Alder",
    "Campus",
    "Studieprogram\xa0",
    "Institutt",
    "Årstrinn",
    "Språk",
    "Hvem vil du være i gruppe med?",
    "Interesser",
    "Når passer det for deg?",
    "Melder du deg på sammen med en venn? (e-post)",
    "Kommentar",
]
GOOGLEFORMS_HEADERS = [
    "Timestamp",
    "Email address",
    "Full name",
    "Phone number",
    "Gender",
    "Age",
    "Campus",
    "Study programme",
    "Department",
    "Year of study",
    "Language",
    "Who would you like to be grouped with?",
    "Interests",
    "When are you available?",
    "Signing up with a friend? (their e-mail)",
    "Comments",
    "I consent to NTNU storing my answers",
]
EXCEL_NB_HEADERS = [
    "Tidsmerke",
    "E-postadresse",
    "Fullt navn",
    "Telefon",
    "Kjønn",
    "Alder",
    "Campus",
    "Studieprogram",
    "Institutt",
    "Årstrinn",
    "Språk",
    "Hvem vil du være i gruppe med?",
    "Interesser",
    "Når passer det for deg?",
    "Melder du deg på sammen med en venn? (e-post)",
    "Kommentar",
    "Samtykke",
]
# Which column holds what, per format.
FIELD_OF = {
    "nettskjema": dict(
        zip(
            NETTSKJEMA_HEADERS[3:14] + NETTSKJEMA_HEADERS[15:],
            [
                "name",
                "email",
                "phone",
                "gender",
                "age",
                "campus",
                "programme",
                "department",
                "year_of_study",
                "language",
                "group_pref",
                "friend_email",
                "comment",
                "consent",
            ],
            strict=True,
        )
    ),
    "msforms": dict(
        zip(
            MSFORMS_HEADERS[6:],
            [
                "name",
                "gender",
                "age",
                "campus",
                "programme",
                "department",
                "year_of_study",
                "language",
                "group_pref",
                "interests",
                "availability",
                "friend_email",
                "comment",
            ],
            strict=True,
        )
    ),
}
FIELD_OF["msforms"]["E-postadresse"] = "email"
_GOOGLE_FIELDS = [
    "submitted",
    "email",
    "name",
    "phone",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "year_of_study",
    "language",
    "group_pref",
    "interests",
    "availability",
    "friend_email",
    "comment",
    "consent",
]
FIELD_OF["googleforms"] = dict(zip(GOOGLEFORMS_HEADERS, _GOOGLE_FIELDS, strict=True))
FIELD_OF["excel-nb"] = FIELD_OF["unicode-text"] = dict(
    zip(EXCEL_NB_HEADERS, _GOOGLE_FIELDS, strict=True)
)
# The samples' answer labels.
LABELS = {
    "nb": {
        "gender": {
            "woman": "Kvinne",
            "man": "Mann",
            "nonbinary": "Ikke-binær",
            "unspecified": "Vil ikke oppgi",
        },
        "language": {"no": "Norsk", "en": "Engelsk", "both": "Begge"},
        "group_pref": {"same": "Samme kjønn", "mixed": "Blandet", "any": "Spiller ingen rolle"},
        "consent": "Ja",
    },
    "en": {
        "gender": {
            "woman": "Woman",
            "man": "Man",
            "nonbinary": "Non-binary",
            "unspecified": "Prefer not to say",
        },
        "language": {"no": "Norwegian", "en": "English", "both": "Both"},
        "group_pref": {"same": "Same gender", "mixed": "Mixed", "any": "No preference"},
        "consent": "Yes",
    },
}


@pytest.fixture(scope="module")
def ref(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    # A snapshot of plain values: it outlives the database it was read from.
    open_db(tmp_path_factory.mktemp("ref") / "ref.db")
    try:
        return load_reference()
    finally:
        close_db()


@pytest.fixture(scope="module")
def people(ref: Reference) -> list[dict]:
    return generate_people(120, 7, ref)


def export(people: list[dict], fmt: str, folder: Path, ref: Reference, **options):
    path = folder / f"export-{fmt}{SUFFIXES[fmt]}"
    return path, write_form_export(people, fmt, path, ref=ref, **options)


def read_rows(path: Path, fmt: str) -> list[list]:
    """All rows, the header first: text cells for CSV, openpyxl's values for a workbook."""
    if fmt == "msforms":
        workbook = openpyxl.load_workbook(path)
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    with path.open(encoding=ENCODING[fmt], newline="") as handle:
        return list(csv.reader(handle, delimiter=DELIMITER[fmt]))


def records(path: Path, fmt: str) -> list[dict]:
    header, *rows = read_rows(path, fmt)
    assert all(len(row) == len(header) for row in rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def as_utc(local: dt.datetime) -> dt.datetime:
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def submitted_at(fmt: str, record: dict) -> dt.datetime:
    """The submission time a record shows, back in naive UTC."""
    if fmt == "nettskjema":
        return as_utc(dt.datetime.fromisoformat(record["$created"]))
    if fmt == "msforms":
        return as_utc(record["Fullføringstidspunkt"].replace(tzinfo=OSLO))
    if fmt == "googleforms":
        match = re.fullmatch(r"(.+ [AP]M) GMT([+-]\d+)", record["Timestamp"])
        assert match, record["Timestamp"]
        zone = dt.timezone(dt.timedelta(hours=int(match[2])))
        return as_utc(dt.datetime.strptime(match[1], "%Y/%m/%d %I:%M:%S %p").replace(tzinfo=zone))
    local = dt.datetime.strptime(record["Tidsmerke"], "%d.%m.%Y %H:%M:%S")
    return as_utc(local.replace(tzinfo=OSLO))


def expected_cells(fmt: str, person: dict, ref: Reference) -> dict:
    """What each field's cell should show for this person, keyed by field."""
    lang = "en" if fmt == "googleforms" else "nb"
    labels = LABELS[lang]
    programme = ref.programmes.get(person["programme"])
    department = ref.departments.get(person["department"])
    campus = ref.campuses.get(person["campus"])
    cells = {
        "name": person["name"],
        "email": person["email"],
        "phone": person["phone"],
        "gender": labels["gender"][person["gender"]],
        "age": person["age"],
        "campus": campus.name if campus else person["campus"],
        "programme": programme.name_en if lang == "en" else programme.name_nb,
        "department": department.name_en if lang == "en" else department.name_nb,
        "year_of_study": person["year_of_study"],
        "language": labels["language"][person["language"]],
        "group_pref": labels["group_pref"][person["group_pref"]],
        "friend_email": person["friend_email"],
        "comment": person["comment"],
        "consent": labels["consent"],
    }
    chosen = {
        kind: [ref.options[option][code].label(lang) for code in person[kind]]
        for kind, option in (("interests", "interest"), ("availability", "availability"))
    }
    if fmt == "msforms":
        cells = {
            k: (None if v == "" else v) for k, v in cells.items() if k in FIELD_OF[fmt].values()
        }
        cells.update({kind: "".join(f"{label};" for label in chosen[kind]) for kind in chosen})
    else:
        cells = {k: str(v) for k, v in cells.items()}
        if fmt != "nettskjema":
            cells.update({kind: ", ".join(chosen[kind]) for kind in chosen})
    return cells


def assert_record_shows(fmt: str, record: dict, person: dict, ref: Reference) -> None:
    shown = {
        FIELD_OF[fmt][column]: value for column, value in record.items() if column in FIELD_OF[fmt]
    }
    shown.pop("submitted", None)
    assert shown == expected_cells(fmt, person, ref)
    assert submitted_at(fmt, record) == person["submitted_at"]
    if fmt == "nettskjema":
        for kind, question in (("interest", "interesser"), ("availability", "tid")):
            codes = person["interests" if kind == "interest" else "availability"]
            ticks = {code: record[f"{question}.{code}"] for code in ref.options[kind]}
            assert ticks == {code: str(int(code in codes)) for code in ref.options[kind]}
    if fmt == "msforms":
        assert record["Navn"] == (person["name"] or None)
        assert record["E-postadresse"] == (person["email"] or None)
        assert record["Tidspunkt for siste endring"] is None
        assert record["Starttidspunkt"] < record["Fullføringstidspunkt"]


# Bytes: encodings, BOMs, line endings, delimiters and quoting, as in the samples


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_text_exports_have_the_samples_encoding_line_endings_and_delimiter(
    fmt: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    path, rows = export(people, fmt, tmp_path, ref, messy=True)
    data = path.read_bytes()
    if fmt == "unicode-text":
        assert data.startswith(codecs.BOM_UTF16_LE)
        text = data[2:].decode("utf-16-le")
    else:
        assert not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE))
        text = data.decode(ENCODING[fmt])  # strict: every byte is in the encoding
    if fmt == "excel-nb":
        assert "Kjønn".encode("cp1252") in data  # not UTF-8
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    # Records end in CRLF; the only other line breaks are LFs inside quoted answers.
    assert text.endswith("\r\n")
    assert "\r" not in text.replace("\r\n", "")
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER[fmt]))
    assert len(parsed) == len(rows) + 1
    header_line = text.split("\r\n", 1)[0]
    headers = headers_for(fmt, ref)
    if fmt == "nettskjema":
        # Every field quoted, empty ones too.
        assert header_line == ";".join(f'"{h}"' for h in headers)
        for line in text.split("\r\n")[1:-1]:
            if "\n" not in line:
                assert re.fullmatch(r'"(?:[^"]|"")*"(?:;"(?:[^"]|"")*")*', line), line
    else:
        # Quoted only where needed, as the csv module's minimal quoting does.
        assert header_line == DELIMITER[fmt].join(headers)
        first = text.split("\r\n")[1]
        assert not first.startswith('"')


def test_google_quotes_only_the_cells_that_need_it(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    person = dict(people[0], interests=["hiking", "cafe"], availability=["weekday_evening"])
    path, _rows = export([person], "googleforms", tmp_path, ref)
    line = path.read_bytes().decode("utf-8").split("\r\n")[1]
    assert ',"Hiking and the outdoors, Cafés and coffee","Weekdays, evening",' in line
    assert f",{person['email']},{person['name']}," in line


def test_nettskjema_and_excel_keep_commas_unquoted_because_they_split_on_semicolons(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    person = dict(people[0], availability=["weekday_evening", "weekend_day"])
    path, _rows = export([person], "excel-nb", tmp_path, ref)
    assert ";Hverdager, kveld, Helg, dagtid;" in path.read_text(encoding="cp1252")


# Headers


def test_headers_are_the_samples_header_rows(ref: Reference) -> None:
    checkboxes = [f"interesser.{code}" for code in ref.options["interest"]] + [
        f"tid.{code}" for code in ref.options["availability"]
    ]
    i = NETTSKJEMA_HEADERS.index("<checkboxes>")
    nettskjema = NETTSKJEMA_HEADERS[:i] + checkboxes + NETTSKJEMA_HEADERS[i + 1 :]
    assert headers_for("nettskjema", ref) == nettskjema
    assert headers_for("msforms", ref) == MSFORMS_HEADERS
    assert headers_for("googleforms", ref) == GOOGLEFORMS_HEADERS
    assert headers_for("excel-nb", ref) == EXCEL_NB_HEADERS
    assert headers_for("unicode-text", ref) == EXCEL_NB_HEADERS


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_of_no_people_is_its_header_row(fmt: str, ref: Reference, tmp_path: Path):
    path, rows = export([], fmt, tmp_path, ref)
    assert rows == []
    assert read_rows(path, fmt) == [headers_for(fmt, ref)]


# How each sample writes a submission time (the first column with one).
TIME_PATTERN = {
    "nettskjema": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00",
    "googleforms": r"\d{4}/\d\d/\d\d (0\d|1[0-2]):\d\d:\d\d [AP]M GMT\+[12]",
    "excel-nb": r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d",
    "unicode-text": r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d",
}


def _checkbox_questions(header: list[str]) -> list[str]:
    """Nettskjema's header with each run of `question.option` columns as one `question.*`."""
    shape = [h.split(".")[0] + ".*" if "." in h else h for h in header]
    return [name for name, _run in itertools.groupby(shape)]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the sample exports are in ../shared")
@pytest.mark.parametrize("fmt", FORMATS)
def test_headers_and_style_match_the_sample_exports(
    fmt: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    sample = SAMPLES / SAMPLE_FILES[fmt]
    path, _rows = export(people, fmt, tmp_path, ref, messy=True)
    ours, theirs = read_rows(path, fmt), read_rows(sample, fmt)
    if fmt == "nettskjema":
        # The options are ours (the sample's are made up); the questions are the same.
        assert _checkbox_questions(ours[0]) == _checkbox_questions(theirs[0])
    else:
        assert ours[0] == theirs[0]
    if fmt == "msforms":
        mine, real = openpyxl.load_workbook(path).active, openpyxl.load_workbook(sample).active
        assert mine.title == real.title
        first_rows = next(mine.iter_rows(min_row=2)), next(real.iter_rows(min_row=2))
        for a, b in zip(*first_rows, strict=True):
            if a.value is not None and b.value is not None:
                assert (a.data_type, a.number_format) == (b.data_type, b.number_format)
        return
    mine, real = path.read_bytes(), sample.read_bytes()
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE):
        assert mine.startswith(bom) == real.startswith(bom)
    newline = "\r\n".encode("utf-16-le") if fmt == "unicode-text" else b"\r\n"
    assert mine.endswith(newline) and real.endswith(newline)
    assert mine.startswith(b'"') == real.startswith(b'"')  # Nettskjema quotes every field
    time_column = 1 if fmt == "nettskjema" else 0
    for row in (ours[1], theirs[1]):
        assert re.fullmatch(TIME_PATTERN[fmt], row[time_column]), row[time_column]


# Cells


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_person_appears_in_file_order_with_their_answers(
    fmt: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    path, rows = export(people, fmt, tmp_path, ref)
    found = records(path, fmt)
    assert len(found) == len(rows) == len(people)
    assert [row.row for row in rows] == list(range(1, len(people) + 1))
    assert all(row.fault is None for row in rows)
    for row, record, person in zip(rows, found, people, strict=True):
        if fmt != "excel-nb":
            assert row.person is person
        assert row.email == person["email"]
        assert_record_shows(fmt, record, row.person, ref)
    if fmt == "nettskjema":
        ids = [int(record["$submission_id"]) for record in found]
        assert ids == list(range(ids[0], ids[0] + len(ids)))
        assert all(int(record["$answer_time_ms"]) > 0 for record in found)
    if fmt == "msforms":
        assert [record["ID"] for record in found] == list(range(1, len(people) + 1))


def test_phone_numbers_stay_text_as_typed(people: list[dict], ref: Reference, tmp_path: Path):
    phones = ["+47 98532084", "04712345", "98 53 20 84", ""]
    typed = [dict(people[0], phone=phone) for phone in phones]
    for fmt in CSV_FORMATS:
        path, _rows = export(typed, fmt, tmp_path, ref)
        column = "telefon" if fmt == "nettskjema" else read_rows(path, fmt)[0][3]
        assert [record[column] for record in records(path, fmt)] == phones


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("nettskjema", "2027-07-01T12:30:05+02:00"),
        ("googleforms", "2027/07/01 12:30:05 PM GMT+2"),
        ("excel-nb", "01.07.2027 12:30:05"),
        ("unicode-text", "01.07.2027 12:30:05"),
    ],
)
def test_times_are_oslo_time_with_summer_time(
    fmt: str, shown: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    summer = dict(people[0], submitted_at=dt.datetime(2027, 7, 1, 10, 30, 5))
    winter = dict(people[0], submitted_at=dt.datetime(2027, 1, 11, 8, 1))
    path, _rows = export([summer, winter], fmt, tmp_path, ref)
    first, second = read_rows(path, fmt)[1:]
    column = 1 if fmt == "nettskjema" else 0
    assert first[column] == shown
    assert second[column] == {
        "nettskjema": "2027-01-11T09:01:00+01:00",
        "googleforms": "2027/01/11 09:01:00 AM GMT+1",
    }.get(fmt, "11.01.2027 09:01:00")


def test_google_writes_noon_and_midnight_as_twelve(people: list[dict], ref: Reference, tmp_path):
    noon = dict(people[0], submitted_at=dt.datetime(2027, 1, 11, 11, 5))
    midnight = dict(people[0], submitted_at=dt.datetime(2027, 1, 11, 23, 5))
    path, _rows = export([noon, midnight], "googleforms", tmp_path, ref)
    assert [row[0] for row in read_rows(path, "googleforms")[1:]] == [
        "2027/01/11 12:05:00 PM GMT+1",
        "2027/01/12 12:05:00 AM GMT+1",
    ]


def test_msforms_cells_are_typed_like_the_sample(people: list[dict], ref: Reference, tmp_path):
    summer = dict(people[0], submitted_at=dt.datetime(2027, 7, 1, 10, 30, 5), comment="")
    path, _rows = export([summer], "msforms", tmp_path, ref)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Sheet1"
    assert sheet.dimensions == "A1:S2"
    header, row = list(sheet.iter_rows())
    cells = {h.value: c for h, c in zip(header, row, strict=True)}
    assert cells["ID"].value == 1
    for column in ("Starttidspunkt", "Fullføringstidspunkt"):
        assert cells[column].is_date
        assert cells[column].number_format == "m/d/yy h:mm:ss"
    # Oslo's own clock, summer time, no zone (Excel has none).
    assert cells["Fullføringstidspunkt"].value == dt.datetime(2027, 7, 1, 12, 30, 5)
    assert cells["Alder"].data_type == "n" and cells["Alder"].value == summer["age"]
    assert cells["Årstrinn"].data_type == "n"
    assert cells["Kommentar"].value is None
    assert cells["Interesser"].value.endswith(";")


def test_msforms_rows_are_what_openpyxl_itself_writes(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    # The data rows are serialised by us for speed: they must be openpyxl's own markup.
    path, _rows = export(people, "msforms", tmp_path, ref, messy=True)
    values = read_rows(path, "msforms")
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    for row in values:
        cells = []
        for value in row:
            if isinstance(value, dt.datetime):
                value = openpyxl.cell.WriteOnlyCell(sheet, value=value)
                value.number_format = "m/d/yy h:mm:ss"
            cells.append(value)
        sheet.append(cells)
    again = tmp_path / "openpyxl.xlsx"
    workbook.save(again)

    def sheet_data(file: Path) -> bytes:
        xml = zipfile.ZipFile(file).read("xl/worksheets/sheet1.xml")
        return re.search(rb"<sheetData>.*</sheetData>", xml, re.DOTALL)[0]

    assert sheet_data(path) == sheet_data(again)


def test_excel_nb_writes_a_question_mark_for_what_cp1252_lacks(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    names = ["艳 杨", "Nguyễn Thị Ánh", "Elżbieta Rudyk", "Åse Bjørnstad"]
    typed = [dict(people[i], name=name) for i, name in enumerate(names)]
    typed[0]["comment"] = "Gleder meg! 😊"
    before = [dict(p) for p in typed]
    path, rows = export(typed, "excel-nb", tmp_path, ref)
    written = ["? ?", "Nguy?n Th? Ánh", "El?bieta Rudyk", "Åse Bjørnstad"]
    assert [record["Fullt navn"] for record in records(path, "excel-nb")] == written
    assert [row.person["name"] for row in rows] == written
    assert rows[0].person["comment"] == "Gleder meg! ?"
    assert rows[3].person is typed[3]  # nothing changed, nothing copied
    assert typed == before  # the caller's people are left alone
    path, rows = export(typed, "unicode-text", tmp_path, ref)
    assert [record["Fullt navn"] for record in records(path, "unicode-text")] == names
    assert records(path, "unicode-text")[0]["Kommentar"] == "Gleder meg! 😊"


def test_unicode_text_is_excel_nb_with_every_character_kept(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    nb_path, _rows = export(people, "excel-nb", tmp_path, ref, messy=True)
    text_path, _rows = export(people, "unicode-text", tmp_path, ref, messy=True)
    nb, text = read_rows(nb_path, "excel-nb"), read_rows(text_path, "unicode-text")
    assert len(nb) == len(text)
    for a, b in zip(nb, text, strict=True):
        assert a == [cell.encode("cp1252", "replace").decode("cp1252") for cell in b]


# Messy rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_messy_adds_one_row_of_each_fault_where_the_expected_rows_say(
    fmt: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    path, rows = export(people, fmt, tmp_path, ref, messy=True, seed=5)
    found = records(path, fmt)
    faults = faults_for(fmt)
    assert len(found) == len(rows) == len(people) + len(faults)
    messy = {row.fault: row for row in rows if row.fault}
    assert sorted(messy) == sorted(faults)
    assert ("escape_in_name" in messy) == (fmt != "msforms")
    assert [row.row for row in rows] == list(range(1, len(rows) + 1))
    # The clean rows are the people, in their order.
    assert [row.person["email"] for row in rows if not row.fault] == [p["email"] for p in people]
    # Spread through the file, not bunched together.
    tenths = {(row.row - 1) * 10 // len(rows) for row in messy.values()}
    assert len(tenths) >= 6

    def cell(row: ExpectedRow, field: str):
        record = found[row.row - 1]
        return next(v for c, v in record.items() if FIELD_OF[fmt].get(c) == field)

    empty = None if fmt == "msforms" else ""
    for row in rows:
        assert_record_shows(fmt, found[row.row - 1], row.person, ref)
        assert (cell(row, "email") or "") == row.email
    assert messy["missing_email"].email == "" and cell(messy["missing_email"], "email") == empty
    assert "(at)" in messy["invalid_email"].email and "@" not in messy["invalid_email"].email
    assert cell(messy["age_not_a_number"], "age") == "tjue"
    assert messy["age_not_a_number"].person["age"] == "tjue"
    assert str(cell(messy["age_out_of_range"], "age")) == "7"
    assert cell(messy["unknown_campus"], "campus") == "Oslo"
    assert messy["unknown_campus"].person["campus"] == "Oslo"
    assert cell(messy["empty_name"], "name") == "   "
    assert cell(messy["markup_in_name"], "name") == "[bold red]Kari[/] [@click=app.quit]Nordmann[/]"
    assert cell(messy["formula_in_name"], "name") == '=HYPERLINK("http://example.invalid","Klikk")'
    if fmt != "msforms":
        assert cell(messy["escape_in_name"], "name") == "Per \x1b[31mRød\x1b[0m Hansen"
    fresh = [
        row
        for f, row in messy.items()
        if f not in ("missing_email", "invalid_email", "email_case_duplicate")
    ]
    assert sorted(row.email for row in fresh) == sorted(
        f"messy{FAULTS.index(row.fault)}@stud.ntnu.no" for row in fresh
    )
    # The duplicate: an earlier clean row's person again, days later, the address in capitals.
    duplicate = messy["email_case_duplicate"]
    originals = [
        row for row in rows if row.fault is None and row.email.lower() == duplicate.email.lower()
    ]
    assert len(originals) == 1 and originals[0].row < duplicate.row
    original = originals[0].person
    assert duplicate.email == original["email"].upper() != original["email"]
    assert duplicate.person["submitted_at"] - original["submitted_at"] >= dt.timedelta(days=1)
    assert cell(duplicate, "comment") in ("Sendte skjemaet to ganger", "Sent the form twice")
    assert cell(duplicate, "name") == original["name"]
    # No other e-mail appears twice, whatever its case.
    emails = [row.email.lower() for row in rows if row.email]
    assert len(emails) == len(set(emails)) + 1


def test_messy_rows_are_at_the_same_places_in_every_text_format(
    people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    places = {
        fmt: [
            (row.row, row.fault, row.email)
            for row in export(people, fmt, tmp_path, ref, messy=True)[1]
            if row.fault
        ]
        for fmt in CSV_FORMATS
    }
    assert len({tuple(p) for p in places.values()}) == 1


def test_messy_does_not_change_the_callers_people(people: list[dict], ref: Reference, tmp_path):
    before = [dict(p) for p in people]
    for fmt in FORMATS:
        export(people, fmt, tmp_path, ref, messy=True)
    assert people == before


def test_messy_without_people_leaves_out_the_duplicate(ref: Reference, tmp_path: Path) -> None:
    path, rows = export([], "googleforms", tmp_path, ref, messy=True)
    assert [row.fault for row in rows if row.fault] and len(rows) == len(FAULTS) - 1
    assert "email_case_duplicate" not in {row.fault for row in rows}
    assert len(read_rows(path, "googleforms")) == len(rows) + 1


# Reproducible


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_seed_gives_the_same_bytes(
    fmt: str, people: list[dict], ref: Reference, tmp_path: Path
) -> None:
    files = []
    for folder, seed in (("a", 3), ("b", 3), ("c", 4)):
        (tmp_path / folder).mkdir()
        files.append(export(people, fmt, tmp_path / folder, ref, messy=True, seed=seed)[0])
    first, again, other = files
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_an_unknown_format_is_refused(people: list[dict], ref: Reference, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown form export format"):
        write_form_export(people, "typeform", tmp_path / "x.csv", ref=ref)
    assert not (tmp_path / "x.csv").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=0, max_value=40), fmt=st.sampled_from(FORMATS), messy=st.booleans())
def test_an_export_has_a_data_row_per_person_plus_the_messy_ones(
    ref: Reference, n: int, fmt: str, messy: bool
) -> None:
    people = generate_people(n, n, ref)
    extra = len(faults_for(fmt)) - (n == 0) if messy else 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{SUFFIXES[fmt]}"
        rows = write_form_export(people, fmt, path, ref=ref, messy=messy, seed=n)
        found = read_rows(path, fmt)
    assert len(rows) == len(found) - 1 == n + extra
    assert [row.person["email"] for row in rows if row.fault is None] == [
        p["email"] for p in people
    ]


# The generator script


def _script_main():
    script = Path(__file__).resolve().parents[1] / "scripts" / "generate_cohort.py"
    spec = importlib.util.spec_from_file_location("generate_cohort_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_generator_script_writes_an_export_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = _script_main()
    out = tmp_path / "signups.csv"
    args = ["-n", "30", "--seed", "4", "--format", "googleforms", "--messy", "--out", str(out)]
    assert main(args) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    assert "40 rows" in line and "10 messy" in line and str(out) in line
    assert read_rows(out, "googleforms")[0] == GOOGLEFORMS_HEADERS
    assert len(read_rows(out, "googleforms")) == 41
    assert not list(tmp_path.glob("*.db"))  # no database written


def test_generator_script_names_the_file_after_the_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _script_main()(["-n", "12", "--format", "msforms"]) == 0
    assert "cohort-msforms.xlsx" in capsys.readouterr().out
    assert len(read_rows(tmp_path / "cohort-msforms.xlsx", "msforms")) == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort-msforms.xlsx"]


def test_generator_script_wants_a_format_for_messy(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        _script_main()(["-n", "5", "--messy", "--db", str(tmp_path / "x.db")])
    assert stopped.value.code == 2
    assert not (tmp_path / "x.db").exists()
