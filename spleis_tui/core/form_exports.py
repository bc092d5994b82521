"""Write a generated cohort as the file a form service would have given you.

Five kinds of file, each copied from the real sample exports beside the guide
(``shared/data/signups``): Nettskjema's CSV, Microsoft Forms' workbook, Google Forms'
CSV, that CSV resaved by a Norwegian Excel (cp1252, ``;``) and Excel's "Unicode text".
The files feed the importer's tests, so they are written the way the services write
them (their headers, value labels, time formats, quoting, encodings and line
endings), never the way an importer would like them.

``write_form_export(..., messy=True)`` adds one broken row of each kind in
``FAULTS`` (the rows ``messy.csv`` lists), at seeded, spread-out places. What went
into each data row is returned as an `ExpectedRow`, so a test can compare an import
with what is really in the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from spleis_tui.core.cohort import generate_people
from spleis_tui.core.reference import Reference

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("nettskjema", "msforms", "googleforms", "excel-nb", "unicode-text")

# The file name ending each service gives its export.
SUFFIXES = {
    "nettskjema": ".csv",
    "msforms": ".xlsx",
    "googleforms": ".csv",
    "excel-nb": ".csv",
    "unicode-text": ".txt",
}

# One broken row of each, as in the samples' messy.csv, in that file's order.
FAULTS = (
    "missing_email",
    "invalid_email",
    "age_not_a_number",
    "age_out_of_range",
    "unknown_campus",
    "empty_name",
    "markup_in_name",
    "formula_in_name",
    "escape_in_name",
    "email_case_duplicate",
)

# The texts the samples use for the faults.
EMPTY_NAME = "   "
MARKUP_NAME = "[bold red]Kari[/] [@click=app.quit]Nordmann[/]"
FORMULA_NAME = '=HYPERLINK("http://example.invalid","Klikk")'
ESCAPE_NAME = "Per \x1b[31mRød\x1b[0m Hansen"
AGE_NOT_A_NUMBER = "tjue"
AGE_OUT_OF_RANGE = 7
UNKNOWN_CAMPUS = "Oslo"
DUPLICATE_COMMENT = {"en": "Sent the form twice", "nb": "Sendte skjemaet to ganger"}

OSLO = ZoneInfo("Europe/Oslo")

# Headers exactly as in the samples. Nettskjema's checkbox columns are made from the
# reference's options (`nettskjema_headers`); the other services keep a question in one column.
NETTSKJEMA_BEFORE = (
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
)
NETTSKJEMA_AFTER = ("venn_epost", "kommentar", "samtykke")
NETTSKJEMA_QUESTIONS = {"interest": "interesser", "availability": "tid"}
MSFORMS_HEADERS = (
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
    "Studieprogram\xa0",  # the sample's non-breaking space, kept
    "Institutt",
    "Årstrinn",
    "Språk",
    "Hvem vil du være i gruppe med?",
    "Interesser",
    "Når passer det for deg?",
    "Melder du deg på sammen med en venn? (e-post)",
    "Kommentar",
)
GOOGLEFORMS_HEADERS = (
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
)
EXCEL_NB_HEADERS = (
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
)

# The answers' labels on the Norwegian and the English form (the samples' wording).
GENDER = {
    "nb": {
        "woman": "Kvinne",
        "man": "Mann",
        "nonbinary": "Ikke-binær",
        "unspecified": "Vil ikke oppgi",
    },
    "en": {
        "woman": "Woman",
        "man": "Man",
        "nonbinary": "Non-binary",
        "unspecified": "Prefer not to say",
    },
}
LANGUAGE = {
    "nb": {"no": "Norsk", "en": "Engelsk", "both": "Begge"},
    "en": {"no": "Norwegian", "en": "English", "both": "Both"},
}
GROUP_PREF = {
    "nb": {"same": "Samme kjønn", "mixed": "Blandet", "any": "Spiller ingen rolle"},
    "en": {"same": "Same gender", "mixed": "Mixed", "any": "No preference"},
}
CONSENT = {"nb": "Ja", "en": "Yes"}

# Nettskjema numbers submissions upwards; the sample's first is 31000000.
FIRST_SUBMISSION_ID = 31_000_000
# How long people take to fill in the form (Nettskjema's $answer_time_ms, MS Forms' start).
ANSWER_SECONDS = (45, 600)
MSFORMS_DATE_FORMAT = "m/d/yy h:mm:ss"  # the sample's number format
EMPTY_EXPORT_TIME = dt.datetime(2027, 1, 1)  # the date a workbook of no answers carries


@dataclass(frozen=True)
class ExpectedRow:
    """What one data row of an export holds."""

    row: int  # 1-based data row number in the file (header not counted), file order
    email: str  # the e-mail cell exactly as written ("" if none)
    fault: str | None  # None for a clean row, else one of FAULTS
    person: dict  # the person dict as written (a faulty field holds the faulty value)


# The rows of a file in order: (None or the fault, the person as written).
Layout = list[tuple[str | None, dict]]


def faults_for(fmt: str) -> tuple[str, ...]:
    """The faults `messy=True` adds in a format: a workbook cannot hold an ESC character."""
    _check_format(fmt)
    if fmt == "msforms":
        return tuple(f for f in FAULTS if f != "escape_in_name")
    return FAULTS


def headers_for(fmt: str, ref: Reference) -> list[str]:
    """The header row an export in `fmt` has."""
    _check_format(fmt)
    if fmt == "nettskjema":
        return nettskjema_headers(ref)
    if fmt == "msforms":
        return list(MSFORMS_HEADERS)
    if fmt == "googleforms":
        return list(GOOGLEFORMS_HEADERS)
    return list(EXCEL_NB_HEADERS)


def nettskjema_headers(ref: Reference) -> list[str]:
    """Nettskjema's variable names: one `question.option` 0/1 column per checkbox option."""
    options = [
        f"{question}.{code}"
        for kind, question in NETTSKJEMA_QUESTIONS.items()
        for code in ref.options.get(kind, {})
    ]
    return [*NETTSKJEMA_BEFORE, *options, *NETTSKJEMA_AFTER]


def write_form_export(
    people: list[dict],
    fmt: str,
    path: str | os.PathLike[str],
    *,
    ref: Reference,
    messy: bool = False,
    seed: int = 1,
) -> list[ExpectedRow]:
    """Write `people` (from `cohort.generate_people`) to `path` as a `fmt` export.

    With `messy`, one extra row of each of `faults_for(fmt)` is inserted (the duplicate
    needs someone to duplicate: with no people it is left out). The same people, format
    and seed give the same bytes. Returns the data rows in file order.
    """
    _check_format(fmt)
    layout = _layout(people, ref, seed) if messy else [(None, p) for p in people]
    if fmt == "msforms":
        layout = [(fault, p) for fault, p in layout if fault != "escape_in_name"]
    rng = random.Random(f"spleis-form-export:{seed}:{fmt}:times")
    durations = [
        dt.timedelta(seconds=rng.randint(*ANSWER_SECONDS))
        + dt.timedelta(milliseconds=rng.randrange(1000))
        for _ in layout
    ]
    if fmt == "excel-nb":
        layout = [(fault, _as_cp1252(p)) for fault, p in layout]
    _WRITERS[fmt](layout, durations, path, ref)
    return [
        ExpectedRow(row=number, email=p["email"], fault=fault, person=p)
        for number, (fault, p) in enumerate(layout, 1)
    ]


# Where the messy rows go and what they hold.


def _layout(people: list[dict], ref: Reference, seed: int) -> Layout:
    """The clean rows with one row of each fault among them, at seeded, spread-out places.

    The places are the same for every format, so one seed gives matching files.
    """
    rng = random.Random(f"spleis-form-export:{seed}:messy")
    n = len(people)
    faults = [f for f in FAULTS if n or f != "email_case_duplicate"]
    k = len(faults)
    extras = generate_people(k, rng.randrange(2**32), ref)
    rng.shuffle(faults)
    # Fault j goes after `before[j]` clean rows: somewhere in the j-th of k equal stretches.
    before = [rng.randint(j * n // k, (j + 1) * n // k) for j in range(k)]
    if "email_case_duplicate" in faults:
        j = faults.index("email_case_duplicate")
        before[j] = max(before[j], 1)  # after the row it duplicates
    messy_rows = []
    for j, (fault, extra) in enumerate(zip(faults, extras, strict=True)):
        if fault == "email_case_duplicate":
            original = people[rng.randrange(before[j])]
            person = _duplicate(original, rng)
        else:
            person = _faulty(fault, extra)
            person["submitted_at"] = _between(people, before[j], rng, extra["submitted_at"])
        messy_rows.append((before[j], j, fault, person))
    messy_rows.sort(key=lambda row: row[:2])
    layout: Layout = []
    pending = iter(messy_rows)
    upcoming = next(pending, None)
    for i in range(n + 1):
        while upcoming is not None and upcoming[0] == i:
            layout.append((upcoming[2], upcoming[3]))
            upcoming = next(pending, None)
        if i < n:
            layout.append((None, people[i]))
    return layout


def _faulty(fault: str, extra: dict) -> dict:
    """A generated person with a fresh address, and one field broken as `fault` says."""
    person = dict(extra, friend_email="", email=f"messy{FAULTS.index(fault)}@stud.ntnu.no")
    if fault == "missing_email":
        person["email"] = ""
    elif fault == "invalid_email":
        person["email"] = extra["email"].replace("@", "(at)")
    elif fault == "age_not_a_number":
        person["age"] = AGE_NOT_A_NUMBER
    elif fault == "age_out_of_range":
        person["age"] = AGE_OUT_OF_RANGE
    elif fault == "unknown_campus":
        person["campus"] = UNKNOWN_CAMPUS
    elif fault == "empty_name":
        person["name"] = EMPTY_NAME
    elif fault == "markup_in_name":
        person["name"] = MARKUP_NAME
    elif fault == "formula_in_name":
        person["name"] = FORMULA_NAME
    elif fault == "escape_in_name":
        person["name"] = ESCAPE_NAME
    return person


def _duplicate(original: dict, rng: random.Random) -> dict:
    """The same person sending the form again days later, the address in capitals."""
    later = dt.timedelta(days=rng.randint(1, 3), seconds=rng.randrange(6 * 3600))
    return dict(
        original,
        email=original["email"].upper(),
        submitted_at=original["submitted_at"] + later,
        comment=DUPLICATE_COMMENT["en" if original["language"] == "en" else "nb"],
    )


def _between(people: list[dict], i: int, rng: random.Random, default: dt.datetime) -> dt.datetime:
    """A submission time between the clean rows i - 1 and i, so the file stays in order."""
    if not people:
        return default
    if i == 0:
        return people[0]["submitted_at"] - dt.timedelta(seconds=rng.randrange(1, 1800))
    earlier = people[i - 1]["submitted_at"]
    if i == len(people):
        return earlier + dt.timedelta(seconds=rng.randrange(1, 1800))
    gap = (people[i]["submitted_at"] - earlier).total_seconds()
    return earlier + dt.timedelta(seconds=int(gap * rng.random()))


def _as_cp1252(person: dict) -> dict:
    """The person as a cp1252 file holds them: Excel writes "?" for what cp1252 lacks."""
    changed = {
        key: value.encode("cp1252", "replace").decode("cp1252")
        for key in ("name", "email", "phone", "friend_email", "comment")
        if isinstance(value := person[key], str) and not value.isascii()
    }
    changed = {key: value for key, value in changed.items() if value != person[key]}
    return dict(person, **changed) if changed else person


# The cells.


class _Labels:
    """Codes to the words one form shows, looked up once."""

    def __init__(self, ref: Reference, lang: str) -> None:
        self.gender = GENDER[lang]
        self.language = LANGUAGE[lang]
        self.group_pref = GROUP_PREF[lang]
        self.campus = {code: c.name for code, c in ref.campuses.items()}
        self.programme = {code: p.name(lang) for code, p in ref.programmes.items()}
        self.department = {
            code: d.name_nb if lang == "nb" else d.name_en for code, d in ref.departments.items()
        }
        self.options = {
            kind: {code: o.label(lang) for code, o in options.items()}
            for kind, options in ref.options.items()
        }

    def answers(self, p: dict) -> list:
        """Gender to group wish, the columns every form has in this order, after the phone."""
        return [
            self.gender.get(p["gender"], p["gender"]),
            p["age"],
            self.campus.get(p["campus"], p["campus"]),
            self.programme.get(p["programme"], p["programme"]),
            self.department.get(p["department"], p["department"]),
            p["year_of_study"],
            self.language.get(p["language"], p["language"]),
            self.group_pref.get(p["group_pref"], p["group_pref"]),
        ]

    def chosen(self, kind: str, codes: Sequence[str]) -> list[str]:
        labels = self.options.get(kind, {})
        return [labels.get(code, code) for code in codes]


def _local(utc: dt.datetime) -> dt.datetime:
    return utc.replace(tzinfo=dt.UTC).astimezone(OSLO)


def _google_time(utc: dt.datetime) -> str:
    """2027/01/11 09:01:00 AM GMT+1, in Oslo time."""
    t = _local(utc)
    offset = t.utcoffset() or dt.timedelta()
    hours = int(offset.total_seconds() // 3600)
    return (
        f"{t:%Y/%m/%d} {t.hour % 12 or 12:02d}:{t:%M:%S} {'AM' if t.hour < 12 else 'PM'} "
        f"GMT{hours:+d}"
    )


def _excel_nb_time(utc: dt.datetime) -> str:
    """11.01.2027 09:01:00: how a Norwegian Excel writes a date and time back to CSV."""
    return f"{_local(utc):%d.%m.%Y %H:%M:%S}"


def _write_csv(
    rows: list[list], path: str | os.PathLike[str], encoding: str, **dialect: object
) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n", **dialect).writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")  # little-endian with a BOM, as Excel
    else:
        data = text.encode(encoding, "replace")
    with open(path, "wb") as handle:
        handle.write(data)


def _nettskjema(
    layout: Layout, durations: list[dt.timedelta], path: str | os.PathLike[str], ref: Reference
) -> None:
    labels = _Labels(ref, "nb")
    columns = {kind: list(ref.options.get(kind, {})) for kind in NETTSKJEMA_QUESTIONS}
    rows: list[list] = [nettskjema_headers(ref)]
    for number, ((_fault, p), took) in enumerate(zip(layout, durations, strict=True)):
        interests, slots = set(p["interests"]), set(p["availability"])
        rows.append(
            [
                FIRST_SUBMISSION_ID + number,
                _local(p["submitted_at"]).isoformat(timespec="seconds"),
                took // dt.timedelta(milliseconds=1),
                p["name"],
                p["email"],
                p["phone"],
                *labels.answers(p),
                *(int(code in interests) for code in columns["interest"]),
                *(int(code in slots) for code in columns["availability"]),
                p["friend_email"],
                p["comment"],
                CONSENT["nb"],
            ]
        )
    _write_csv(rows, path, "utf-8", delimiter=";", quoting=csv.QUOTE_ALL)


def _google_rows(layout: Layout, ref: Reference, lang: str, when: Callable) -> list[list]:
    """Google Forms' columns; `lang` is the form's language."""
    labels = _Labels(ref, lang)
    rows: list[list] = [list(GOOGLEFORMS_HEADERS if lang == "en" else EXCEL_NB_HEADERS)]
    for _fault, p in layout:
        rows.append(
            [
                when(p["submitted_at"]),
                p["email"],
                p["name"],
                p["phone"],
                *labels.answers(p),
                ", ".join(labels.chosen("interest", p["interests"])),
                ", ".join(labels.chosen("availability", p["availability"])),
                p["friend_email"],
                p["comment"],
                CONSENT[lang],
            ]
        )
    return rows


def _googleforms(
    layout: Layout, durations: list[dt.timedelta], path: str | os.PathLike[str], ref: Reference
) -> None:
    _write_csv(_google_rows(layout, ref, "en", _google_time), path, "utf-8")


def _excel_nb(
    layout: Layout, durations: list[dt.timedelta], path: str | os.PathLike[str], ref: Reference
) -> None:
    rows = _google_rows(layout, ref, "nb", _excel_nb_time)
    _write_csv(rows, path, "cp1252", delimiter=";")


def _unicode_text(
    layout: Layout, durations: list[dt.timedelta], path: str | os.PathLike[str], ref: Reference
) -> None:
    rows = _google_rows(layout, ref, "nb", _excel_nb_time)
    _write_csv(rows, path, "utf-16", delimiter="\t")


def _msforms_values(
    layout: Layout, durations: list[dt.timedelta], ref: Reference
) -> Iterator[list]:
    """Each data row's cell values, as Microsoft Forms fills them in (None: an empty cell)."""
    labels = _Labels(ref, "nb")
    for number, ((_fault, p), took) in enumerate(zip(layout, durations, strict=True), 1):
        # Completion is when the form was sent. Excel keeps whole seconds here.
        completed = _local(p["submitted_at"]).replace(tzinfo=None, microsecond=0)
        started = completed - dt.timedelta(seconds=int(took.total_seconds()))
        interests = labels.chosen("interest", p["interests"])
        slots = labels.chosen("availability", p["availability"])
        yield [
            number,
            started,
            completed,
            p["email"] or None,
            p["name"] or None,
            None,  # Tidspunkt for siste endring: nobody changed an answer
            p["name"] or None,
            *(value if value != "" else None for value in labels.answers(p)),
            "".join(f"{label};" for label in interests) or None,
            "".join(f"{label};" for label in slots) or None,
            p["friend_email"] or None,
            p["comment"] or None,
        ]


def _msforms(
    layout: Layout, durations: list[dt.timedelta], path: str | os.PathLike[str], ref: Reference
) -> None:
    """An .xlsx like the sample: openpyxl's write-only workbook, the data rows spliced in.

    openpyxl takes ~10 s to serialise 50,000 rows (~1 s here), so it writes the
    workbook and the header row, and `_sheet_rows` the rows, in the markup openpyxl's
    write-only sheet gives them (a test compares the two).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet1")
    date_cell = WriteOnlyCell(sheet)
    date_cell.number_format = MSFORMS_DATE_FORMAT
    date_style = date_cell.style_id  # adds the date format to the workbook's styles
    sheet.append(list(MSFORMS_HEADERS))
    # As Workbook.save, but with the workbook's and the zip entries' dates fixed (to an
    # hour after the last answer, when the export was downloaded), so a seed gives one file.
    last = max((p["submitted_at"] for _fault, p in layout), default=EMPTY_EXPORT_TIME)
    downloaded = (last + dt.timedelta(hours=1)).replace(microsecond=0)
    workbook.properties.created = workbook.properties.modified = downloaded
    archive = _StampedZip(os.fspath(path), "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = _local(downloaded).timetuple()[:6]
    archive.sheet_path = "xl/worksheets/sheet1.xml"  # the only sheet
    archive.dimension = f"A1:{get_column_letter(len(MSFORMS_HEADERS))}{len(layout) + 1}"
    archive.rows = _sheet_rows(_msforms_values(layout, durations, ref), 2, date_style, workbook)
    ExcelWriter(workbook, archive).save()
    if not archive.spliced:  # a later openpyxl that writes its sheets another way
        raise RuntimeError(f"openpyxl wrote no {archive.sheet_path}: the rows are missing")


def _sheet_rows(
    rows: Iterable[list], first: int, date_style: int, workbook: Workbook
) -> Iterator[str]:
    """`<row>` elements as openpyxl writes them, numbered from `first`."""
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.compat import safe_string
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel

    letters: list[str] = []
    for r, values in enumerate(rows, first):
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if value is None:
                continue
            ref = f"{letter}{r}"
            if isinstance(value, str):
                value = value[:32767]  # the most a cell holds
                if ILLEGAL_CHARACTERS_RE.search(value):
                    raise ValueError(f"{ref}: a workbook cannot hold {value!r}")
                if value.startswith("=") and len(value) > 1:  # openpyxl: a formula
                    cells.append(f'<c r="{ref}"><f>{_xml_text(value[1:])}</f><v /></c>')
                elif value in ERROR_CODES:
                    cells.append(f'<c r="{ref}" t="e"><v>{_xml_text(value)}</v></c>')
                elif not value:
                    cells.append(f'<c r="{ref}" t="inlineStr" />')
                else:
                    stripped = value.strip()
                    space = ' xml:space="preserve"' if stripped and stripped != value else ""
                    cells.append(
                        f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
                    )
            elif isinstance(value, dt.datetime):
                serial = safe_string(to_excel(value, workbook.epoch))
                cells.append(f'<c r="{ref}" s="{date_style}" t="n"><v>{serial}</v></c>')
            elif isinstance(value, bool | int | float):
                cells.append(f'<c r="{ref}" t="n"><v>{safe_string(value)}</v></c>')
            else:
                raise TypeError(f"{ref}: cannot write {value!r}")
        yield f'<row r="{r}">{"".join(cells)}</row>'


def _xml_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class _StampedZip(zipfile.ZipFile):
    """The zip openpyxl writes the workbook into: every entry carries one date (not the
    time it was written), and the data rows are added to the sheet openpyxl wrote."""

    stamp: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)
    sheet_path = ""
    dimension = ""
    rows: Iterable[str] = ()
    spliced = False

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16  # what ZipFile.writestr gives a name
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes a write-only sheet to a temporary file and adds it with write().
        name = arcname or os.path.basename(filename)
        with open(filename, "rb") as source:
            xml = source.read()
        with self.open(self._info(name), "w", force_zip64=True) as target:
            if name != self.sheet_path:
                target.write(xml)
                return
            head, tail = xml.split(b"</sheetData>")
            # The sample (and Excel) say how big the sheet is; openpyxl's write-only sheet not.
            head = head.replace(
                b"</sheetPr>", f'</sheetPr><dimension ref="{self.dimension}" />'.encode(), 1
            )
            target.write(head)
            batch: list[str] = []
            for row in self.rows:
                batch.append(row)
                if len(batch) == 1000:
                    target.write("".join(batch).encode())
                    batch.clear()
            target.write("".join(batch).encode())
            target.write(b"</sheetData>" + tail)
            self.spliced = True


_Writer = Callable[[Layout, list[dt.timedelta], str | os.PathLike[str], Reference], None]
_WRITERS: dict[str, _Writer] = {
    "nettskjema": _nettskjema,
    "msforms": _msforms,
    "googleforms": _googleforms,
    "excel-nb": _excel_nb,
    "unicode-text": _unicode_text,
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown form export format {fmt!r} (known: {', '.join(FORMATS)})")
