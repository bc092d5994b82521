"""The participants CSV export: exact columns, stable codes, no formulas, never half a file."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core import export
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.export import (
    EXPORT_COLUMNS,
    FORMULA_TRIGGERS,
    export_participants_csv,
    neutralise,
    write_participants_csv,
)
from spleis_tui.core.models import SignUp
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import create_round
from spleis_tui.core.signups import add_signup, find_signup, set_status
from spleis_tui.i18n import set_language

COLUMNS = [
    "name", "email", "phone", "gender", "age", "campus", "programme", "department",
    "faculty", "year", "language", "group_pref", "interests", "availability", "status",
]  # fmt: skip


@pytest.fixture
def round_id(tmp_path: Path):
    open_db(tmp_path / "t.db")
    yield create_round("Vennespleis vår 2027").id
    close_db()
    set_language("en")


def add(round_id: int, name: str, email: str, **answers: object) -> None:
    answers = {"campus": "dragvoll", **answers}  # every sign-up needs a campus
    add_signup(round_id, {"name": name, "email": email, **answers}, load_reference(), consent=True)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def all_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_export_has_exactly_the_agreed_columns_in_order(round_id: int, tmp_path: Path) -> None:
    add(round_id, "Kari Nordmann", "kari@example.no")
    out = tmp_path / "out.csv"
    export_participants_csv(round_id, out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == COLUMNS
    assert list(EXPORT_COLUMNS) == COLUMNS


def test_export_starts_with_a_bom_and_keeps_norwegian_letters(
    round_id: int, tmp_path: Path
) -> None:
    add(round_id, "Åse Ødegård", "ase@example.no", campus="alesund")
    out = tmp_path / "out.csv"
    export_participants_csv(round_id, out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert read_csv(out)[0]["name"] == "Åse Ødegård"


def test_export_writes_one_row_per_signup_and_returns_the_count(
    round_id: int, tmp_path: Path
) -> None:
    for i in range(3):
        add(round_id, f"Person {i}", f"p{i}@example.no")
    set_status(find_signup(round_id, "p1@example.no").id, "withdrawn")
    out = tmp_path / "out.csv"
    assert export_participants_csv(round_id, out) == 3
    rows = read_csv(out)
    assert [r["email"] for r in rows] == ["p0@example.no", "p1@example.no", "p2@example.no"]
    assert [r["status"] for r in rows] == ["active", "withdrawn", "active"]


def test_export_uses_stable_codes_whatever_the_language(round_id: int, tmp_path: Path) -> None:
    add(
        round_id,
        "Nora Berg",
        "nora@example.no",
        gender="woman",
        age=21,
        campus="gloshaugen",
        programme="MTDT",
        year_of_study=2,
        language="no",
        group_pref="same",
        interests=["hiking", "boardgames"],
        availability=["weekend_day"],
    )
    set_language("nb")
    out = tmp_path / "out.csv"
    export_participants_csv(round_id, out)
    row = read_csv(out)[0]
    assert row == {
        "name": "Nora Berg",
        "email": "nora@example.no",
        "phone": "",
        "gender": "woman",
        "age": "21",
        "campus": "gloshaugen",
        "programme": "MTDT",
        "department": "IDI",
        "faculty": "IE",
        "year": "2",
        "language": "no",
        "group_pref": "same",
        "interests": "hiking;boardgames",
        "availability": "weekend_day",
        "status": "active",
    }


def test_export_neutralises_cells_a_spreadsheet_would_run(round_id: int, tmp_path: Path) -> None:
    add(round_id, '=HYPERLINK("http://evil.example","x")', "a@example.no")
    add(round_id, "@SUM(1)", "b@example.no", phone="+47 912 34 567")
    add(round_id, "-2+3", "c@example.no")
    out = tmp_path / "out.csv"
    export_participants_csv(round_id, out)
    rows = {r["email"]: r for r in read_csv(out)}
    assert rows["a@example.no"]["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows["b@example.no"]["name"] == "'@SUM(1)"
    assert rows["b@example.no"]["phone"] == "'+47 912 34 567"
    assert rows["c@example.no"]["name"] == "'-2+3"
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in all_cells(out))


def test_export_of_an_empty_round_is_just_the_header(round_id: int, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert export_participants_csv(round_id, out) == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(COLUMNS)]


def test_export_file_is_readable_by_its_owner_only(round_id: int, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    export_participants_csv(round_id, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_failed_export_keeps_the_old_file_and_leaves_no_temp_file(
    round_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(round_id, "Kari Nordmann", "kari@example.no")
    out = tmp_path / "out.csv"
    out.write_text("the previous export\n", encoding="utf-8")

    def broken(_round_id: int):
        yield from SignUp.select()
        raise OSError("disk full")

    monkeypatch.setattr(export, "signups_for_export", broken)
    with pytest.raises(OSError, match="disk full"):
        export_participants_csv(round_id, out)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


# Properties: whatever text a participant (or an old import) put in, the cell is inert
# and the stored value can be recovered by dropping one leading quote.

TRIGGERS = [*FORMULA_TRIGGERS, "'"]
untrusted_text = st.one_of(
    st.text(),
    st.tuples(st.sampled_from(TRIGGERS), st.text()).map("".join),
)


def recovered(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


@given(untrusted_text)
def test_neutralised_text_never_starts_a_formula_and_is_reversible(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_TRIGGERS)
    assert recovered(cell) == text


# Stored values straight into the table: old data was not always validated on the way in.
stored_text = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
    st.tuples(
        st.sampled_from(TRIGGERS),
        st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")),
    ).map("".join),
)


@pytest.fixture
def one_signup(round_id: int) -> int:
    add(round_id, "Placeholder", "one@example.no")
    return round_id


# One row, rewritten by every example: the fixture's database is shared on purpose.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(name=stored_text, phone=stored_text, comment=stored_text, programme=stored_text)
def test_no_exported_cell_starts_a_formula_for_any_stored_text(
    one_signup: int, name: str, phone: str, comment: str, programme: str
) -> None:
    round_id = one_signup
    SignUp.update(name=name, phone=phone, comment=comment, programme=programme).execute()
    buffer = io.StringIO(newline="")
    write_participants_csv(round_id, buffer)
    buffer.seek(0)
    header, row = list(csv.reader(buffer))
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in [*header, *row])
    values = dict(zip(header, row, strict=True))
    assert recovered(values["name"]) == name
    assert recovered(values["phone"]) == phone
    assert recovered(values["programme"]) == programme
