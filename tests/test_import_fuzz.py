"""Hypothesis fuzzes the reader: never a traceback, and every row accounted for."""

from __future__ import annotations

import csv
import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.errors import SpleisError
from spleis_tui.core.importing.run import import_file
from spleis_tui.core.models import SignUp

# SPLEIS_FUZZ_EXAMPLES=1000 for a longer hunt than the suite can afford.
EXAMPLES = int(os.environ.get("SPLEIS_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = [
    "E-post",
    "Navn",
    "Alder",
    "Telefon",
    "Campus",
    "Kjønn",
    "Interesser",
    "Tidsmerke",
    "Kommentar",
    "Samtykke",
]
cell = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "ola@stud.ntnu.no",
            "KARI@stud.ntnu.no",
            "x@y",
            "Ja",
            "Nei",
            "21",
            "tjue",
            "Gløshaugen",
            "Oslo",
            "Kvinne",
            '"',
            ";",
            ",",
            "\t",
            "\r\n",
            "=1+1",
            "[b]x[/b]",
            "\x1b[31m",
            "11.01.2027 09:01",
            "Tur, Ski",
        ]
    ),
)


def _import(tmp_path, round_id, name: str, data: bytes):
    """Import the bytes; return the report, or None when the file was refused cleanly."""
    path = tmp_path / name
    path.write_bytes(data)
    before = SignUp.select().count()
    try:
        report = import_file(path, round_id, rejects_path=tmp_path / "rejects.csv")
    except SpleisError as error:
        assert str(error)  # one clear line, nothing written
        assert "\n" not in str(error)
        assert SignUp.select().count() == before
        return None
    assert report.accounted
    assert SignUp.select().count() - before == report.imported
    return report


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash_the_reader(tmp_path_factory, round_id, data):
    report = _import(tmp_path_factory.mktemp("b"), round_id, "random.csv", data)
    assert report is None or report.rows_read == report.imported + report.updated + (
        report.unchanged + report.rejected
    )


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes_named_as_a_spreadsheet_never_crash_it(tmp_path_factory, round_id, data):
    report = _import(tmp_path_factory.mktemp("x"), round_id, "random.xlsx", b"PK\x03\x04" + data)
    # Random bytes after a zip's magic are never a readable workbook: refused, in one line.
    assert report is None


@FUZZ
@given(
    order=st.permutations(HEADERS),
    rows=st.lists(st.lists(cell, min_size=0, max_size=12), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_any_export_like_file_is_read_or_refused_cleanly(
    tmp_path_factory, round_id, order, rows, delimiter, quoting, encoding, newline
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerow(order)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding, errors="replace")
    report = _import(tmp_path_factory.mktemp("c"), round_id, "export.csv", data)
    if report is not None and report.source.delimiter == delimiter:
        # Every record that held anything was read as one row.
        assert report.rows_read <= len(rows)
