"""`spleis import`: exit codes, the report, dry runs, mappings and profiles."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.test_cli import Spleis, error_line


@pytest.fixture
def spleis(tmp_path: Path) -> Spleis:
    runner = Spleis(tmp_path / "t.db")
    runner("rounds", "create", "Vennespleis vår 2027")
    return runner


def export(
    path: Path, rows: list[list[str]], header=("Tidsmerke", "E-post", "Navn", "Alder", "Skonummer")
) -> Path:
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


ROWS = [
    ["11.01.2027 09:01:00", "kari@stud.ntnu.no", "Kari Ødegård", "21", "38"],
    ["11.01.2027 09:05:00", "", "Uten Adresse", "22", "40"],
    ["11.01.2027 09:07:00", "ola@stud.ntnu.no", "Ola Nordmann", "tjue", "44"],
]


def test_import_reports_every_row_and_exits_0_with_rejected_rows(spleis, tmp_path):
    path = export(tmp_path / "skjema.csv", ROWS)
    result = spleis("import", str(path))
    out = result.stdout
    assert "text, cp1252, semicolon" in out
    assert "Not imported: Skonummer (unknown" in out
    assert "Row 3: no e-mail address." in out
    assert "Row 4 (ola@stud.ntnu.no): Age: tjue is not a number; left empty." in out
    assert "3 rows read: 2 imported, 0 updated, 0 unchanged, 1 rejected" in out
    assert spleis.count("sign_up") == 2
    rejects = tmp_path / "skjema-rejects.csv"
    assert str(rejects) in out and rejects.exists()
    again = spleis("import", str(path))
    assert "3 rows read: 0 imported, 0 updated, 2 unchanged, 1 rejected" in again.stdout


def test_a_dry_run_saves_nothing(spleis, tmp_path):
    result = spleis("import", str(export(tmp_path / "s.csv", ROWS)), "--dry-run")
    assert "2 imported" in result.stdout and "Dry run: nothing was saved." in result.stdout
    assert spleis.count("sign_up") == 0


def test_an_unreadable_file_is_one_line_and_exit_1(spleis, tmp_path):
    assert "no such file" in error_line(spleis("import", str(tmp_path / "nope.csv"), code=1))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x81\x82\x83;x\n")
    assert "--encoding" in error_line(spleis("import", str(bad), code=1))
    no_email = export(tmp_path / "n.csv", [["x", "y"]], header=("Navn", "Noe"))
    assert "e-mail" in error_line(spleis("import", str(no_email), code=1))
    assert "delimiter" in error_line(spleis("import", str(no_email), "--delimiter", "|", code=1))
    assert "FIELD=HEADER" in error_line(spleis("import", str(no_email), "--map", "email", code=1))


def test_map_and_save_profile_then_reuse_it(spleis, tmp_path):
    path = export(tmp_path / "s.csv", [["x@stud.ntnu.no", "Kari"]], header=("Svar til", "Hvem"))
    result = spleis(
        "import",
        str(path),
        "--map",
        "email=Svar til",
        "--map",
        "name=Hvem",
        "--save-profile",
        "Vårt skjema",
        "--dry-run",
    )
    assert "Saved the mapping as the profile Vårt skjema." in result.stdout
    result = spleis("import", str(path), "--profile", "Vårt skjema")
    assert "1 imported" in result.stdout
    assert "No import profile" in error_line(
        spleis("import", str(path), "--profile", "Nobody", code=1)
    )


def test_import_into_a_closed_round_is_refused(spleis, tmp_path):
    spleis("rounds", "status", "Vennespleis vår 2027", "closed")
    assert "closed" in error_line(spleis("import", str(export(tmp_path / "s.csv", ROWS)), code=1))


def test_import_help_names_the_options(spleis):
    out = spleis("import", "--help").stdout
    for flag in (
        "--round",
        "--profile",
        "--encoding",
        "--delimiter",
        "--map",
        "--dry-run",
        "--rejects",
    ):
        assert flag in out


def test_profiles_are_listed_and_deleted(spleis, tmp_path):
    path = export(tmp_path / "s.csv", [["x@stud.ntnu.no", "Kari"]], header=("E-post", "Navn"))
    spleis("import", str(path), "--save-profile", "Vårt skjema", "--dry-run")
    listed = spleis("profiles", "list").stdout
    assert "nettskjema" in listed and "Vårt skjema" in listed
    assert "Deleted" in spleis("profiles", "delete", "vårt skjema").stdout
    assert "Vårt skjema" not in spleis("profiles", "list").stdout
    assert "No import profile" in error_line(spleis("profiles", "delete", "Vårt skjema", code=1))
