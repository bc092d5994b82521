"""The groups CSV export: one row per member, in group order, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from spleis_tui.core.export import FORMULA_TRIGGERS, GROUP_COLUMNS, export_groups
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.reference import load_reference
from spleis_tui.core.signups import add_signup, set_status
from tests.factories import person
from tests.test_cli import Spleis, add

HEADER = [
    "group", "leader", "name", "email", "phone", "gender", "age", "campus", "programme",
    "department", "language", "group_pref", "first_activity", "meeting_place", "meeting_at",
]  # fmt: skip


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def signup(round_id: int, name: str, email: str, group_id: int | None = None, **answers) -> int:
    created = add_signup(
        round_id, person(name=name, email=email, **answers), load_reference(), consent=True
    )
    if group_id is not None:
        move_member(created.id, group_id)
    return created.id


@pytest.fixture
def grouped(round_id: int) -> int:
    """Group 10 led by Lise, Group 2 without a leader, one person in no group, one withdrawn."""
    ten, two = create_group(round_id, "Group 10"), create_group(round_id, "Group 2")
    leader = add_leader(
        round_id, {"name": "Lise Leder", "email": "lise@example.no"}, load_reference()
    )
    set_group_leader(ten.id, leader.id)
    signup(round_id, "Åse Ås", "ase@example.no", ten.id)
    signup(round_id, "=cmd|'/c calc'!A1", "evil@example.no", ten.id, phone="+47 900 00 000")
    signup(round_id, "Bjørn Berg", "bjorn@example.no", two.id, gender="man", language="en")
    signup(round_id, "Nils Nogroup", "nils@example.no")
    gone = signup(round_id, "Wenche Went", "wenche@example.no", two.id)
    set_status(gone, "withdrawn")
    return round_id


def test_one_row_per_active_member_in_group_then_name_order(grouped: int, tmp_path: Path):
    out = tmp_path / "groups.csv"
    assert export_groups(grouped, out) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == HEADER == list(GROUP_COLUMNS)
    rows = read(out)
    # "Group 2" sorts before "Group 10"; inside a group, by name ("=cmd" before "Åse").
    assert [(r["group"], r["email"]) for r in rows] == [
        ("Group 2", "bjorn@example.no"),
        ("Group 10", "evil@example.no"),
        ("Group 10", "ase@example.no"),
    ]
    assert [r["leader"] for r in rows] == ["", "Lise Leder", "Lise Leder"]
    assert rows[0] == {
        "group": "Group 2",
        "leader": "",
        "name": "Bjørn Berg",
        "email": "bjorn@example.no",
        "phone": "'+47 912 34 567",
        "gender": "man",
        "age": "21",
        "campus": "gloshaugen",
        "programme": "MTDT",
        "department": "IDI",
        "language": "en",
        "group_pref": "any",
        "first_activity": "",
        "meeting_place": "",
        "meeting_at": "",
    }


def test_formula_looking_text_is_neutralised(grouped: int, tmp_path: Path):
    out = tmp_path / "groups.csv"
    export_groups(grouped, out)
    evil = next(r for r in read(out) if r["email"] == "evil@example.no")
    assert evil["name"] == "'=cmd|'/c calc'!A1"
    assert evil["phone"] == "'+47 900 00 000"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert not any(
            cell.startswith(FORMULA_TRIGGERS) for row in csv.reader(handle) for cell in row
        )


def test_a_round_without_groups_is_just_the_header(round_id: int, tmp_path: Path):
    signup(round_id, "Kari", "kari@example.no")
    out = tmp_path / "groups.csv"
    assert export_groups(round_id, out) == 0
    assert out.read_text(encoding="utf-8-sig").splitlines() == [",".join(HEADER)]


# The command.


@pytest.fixture
def spleis(tmp_path: Path) -> Spleis:
    runner = Spleis(tmp_path / "t.db")
    runner("rounds", "create", "Vennespleis vår 2027")
    return runner


def test_export_groups_command_writes_the_file(spleis: Spleis, tmp_path: Path):
    spleis("groups", "create", "Group 10")
    spleis("groups", "create", "Group 2")
    add(spleis, "@SUM(1)", "a@example.no")
    add(spleis, "Kari Nordmann", "b@example.no")
    add(spleis, "Ola Alone", "c@example.no")
    spleis("groups", "move", "a@example.no", "Group 10")
    spleis("groups", "move", "b@example.no", "Group 2")
    out = tmp_path / "groups.csv"
    result = spleis("export", "groups", "--format", "csv", "-o", str(out))
    assert "2 group members" in result.stderr and result.stdout == ""
    rows = read(out)
    assert list(rows[0]) == HEADER
    assert [(r["group"], r["name"]) for r in rows] == [
        ("Group 2", "Kari Nordmann"),
        ("Group 10", "'@SUM(1)"),
    ]


def test_export_groups_to_stdout_and_its_errors(spleis: Spleis, tmp_path: Path):
    spleis("groups", "create", "A")
    add(spleis, "Kari Nordmann", "kari@example.no")
    spleis("groups", "move", "kari@example.no", "A")
    result = spleis("export", "groups", "--round", "Vennespleis vår 2027", "-o", "-")
    lines = list(csv.reader(io.StringIO(result.stdout)))
    assert lines[0] == HEADER and lines[1][:3] == ["A", "", "Kari Nordmann"]
    assert "1 group member" in result.stderr

    missing = spleis("export", "groups", "-o", str(tmp_path / "nope" / "x.csv"), code=1)
    assert missing.stderr.startswith("Error: Cannot write")
    # json, xlsx and md are formats now; a format Spleis does not write is still refused.
    assert "ods" in spleis("export", "groups", "--format", "ods", "-o", "-", code=2).stderr
    spleis("export", "groups", "--round", "No such round", "-o", "-", code=1)
