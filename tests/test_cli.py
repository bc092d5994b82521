"""The headless `spleis` CLI, driven as a user would, on a temporary database file."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from spleis_tui import cli as cli_module
from spleis_tui.cli import cli, display_width, plain
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import current_language, set_language

EXPORT_COLUMNS = (
    "name,email,phone,gender,age,campus,programme,department,faculty,year,language,"
    "group_pref,interests,availability,status"
)


class Spleis:
    """Runs `spleis --db FILE ...` and checks the exit code."""

    def __init__(self, db: Path) -> None:
        self.db = db
        # LANGUAGE pins English whatever the machine's locale; SPLEIS_DB must not leak in.
        self.runner = CliRunner(env={"LANGUAGE": "en", "SPLEIS_DB": None})

    def __call__(self, *args: str, code: int = 0, input: str | None = None) -> Result:
        result = self.runner.invoke(
            cli, ["--db", str(self.db), *args], input=input, catch_exceptions=False
        )
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> list[dict]:
        return json.loads(self(*args, "--format", "json").stdout)

    def count(self, table: str) -> int:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def spleis(tmp_path: Path) -> Iterator[Spleis]:
    yield Spleis(tmp_path / "t.db")
    set_language("en")


@pytest.fixture
def in_round(spleis: Spleis) -> Spleis:
    spleis("rounds", "create", "Vennespleis vår 2027")
    return spleis


def add(spleis: Spleis, name: str, email: str, *extra: str, code: int = 0) -> Result:
    # Every sign-up needs a campus; a test that gives its own --campus overrides this one.
    campus = () if "--campus" in extra else ("--campus", "gloshaugen")
    args = ("participants", "add", "--name", name, "--email", email, "--consent", *campus, *extra)
    return spleis(*args, code=code)


def error_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    return lines[0]


# Global options, help and start-up.


def test_help_shows_the_global_options(spleis: Spleis) -> None:
    result = CliRunner().invoke(cli, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for option in ("--db", "--lang", "--demo"):
        assert option in result.stdout


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def test_every_command_has_help_and_help_never_creates_the_database(spleis: Spleis) -> None:
    paths = list(walk(cli))
    assert ("participants", "erase") in paths and ("export", "participants") in paths
    for path in paths:
        result = spleis(*path, "--help")
        assert result.stdout.startswith("Usage: spleis"), path
    assert not spleis.db.exists()


def test_lang_nb_is_accepted(spleis: Spleis) -> None:
    spleis("--lang", "nb", "rounds", "create", "Turgrupper høst 2027")
    assert [r["name"] for r in spleis.json("--lang", "nb", "rounds", "list")] == [
        "Turgrupper høst 2027"
    ]


def test_lang_outside_the_list_is_a_usage_error(spleis: Spleis) -> None:
    result = spleis("--lang", "de", "rounds", "list", code=2)
    assert "Invalid value for '--lang'" in result.stderr


def test_a_run_leaves_the_language_as_it_found_it(spleis: Spleis) -> None:
    spleis("--lang", "nb", "rounds", "list")
    assert current_language() == "en"


def test_the_database_file_is_private(spleis: Spleis) -> None:
    spleis("rounds", "create", "R")
    assert stat.S_IMODE(spleis.db.stat().st_mode) == 0o600


def test_a_folder_as_database_is_one_clear_line(tmp_path: Path) -> None:
    result = Spleis(tmp_path)("rounds", "list", code=1)
    assert "Cannot open the database" in error_line(result)


def test_a_file_in_the_way_of_the_database_folder_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    result = Spleis(tmp_path / "notes.txt" / "t.db")("rounds", "list", code=1)
    assert "is a file, not a folder" in error_line(result)


def test_a_file_that_is_not_a_database_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "t.db").write_text("this is not sqlite " * 100)
    result = Spleis(tmp_path / "t.db")("rounds", "list", code=1)
    assert "not a database" in error_line(result)


def test_headless_commands_import_neither_textual_nor_faker(spleis: Spleis) -> None:
    code = (
        "import sys\n"
        "from spleis_tui.cli import cli\n"
        f"cli.main(['--db', {str(spleis.db)!r}, 'rounds', 'create', 'R'], standalone_mode=False)\n"
        f"cli.main(['--db', {str(spleis.db)!r}, 'participants', 'list'], standalone_mode=False)\n"
        "heavy = sorted(m for m in ('textual', 'faker') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# Rounds.


def test_rounds_create_list_and_use(spleis: Spleis) -> None:
    spleis("rounds", "create", "Vennespleis vår 2027", "--starts", "2027-01-20")
    spleis("rounds", "create", "Turgrupper vår 2027", "--kind", "turgruppe")
    rounds = {r["name"]: r for r in spleis.json("rounds", "list")}
    assert rounds["Turgrupper vår 2027"]["current"] is True
    assert rounds["Turgrupper vår 2027"]["kind"] == "turgruppe"
    assert rounds["Vennespleis vår 2027"]["starts_on"] == "2027-01-20"

    spleis("rounds", "use", "vennespleis VÅR 2027")
    table = spleis("rounds", "list").stdout.splitlines()
    current = [line for line in table if line.startswith("*")]
    assert len(current) == 1 and "Vennespleis vår 2027" in current[0]


def test_commands_work_on_the_current_round_unless_told(spleis: Spleis) -> None:
    spleis("rounds", "create", "First")
    add(spleis, "Kari Nordmann", "kari@example.no")
    spleis("rounds", "create", "Second")
    assert spleis.json("participants", "list") == []
    assert len(spleis.json("participants", "list", "--round", "First")) == 1


def test_a_bad_date_names_the_option(spleis: Spleis) -> None:
    result = spleis("rounds", "create", "R", "--starts", "2027-13-01", code=2)
    assert "--starts" in result.stderr and "not a date like 20.01.2027" in result.stderr
    assert not spleis.db.exists()


def test_a_round_cannot_end_before_it_starts(spleis: Spleis) -> None:
    result = spleis(
        "rounds", "create", "R", "--starts", "2027-02-01", "--ends", "2027-01-01", code=1
    )
    assert "End date" in error_line(result)


def test_rounds_status_and_delete(in_round: Spleis) -> None:
    spleis = in_round
    spleis("rounds", "status", "Vennespleis vår 2027", "matched")
    assert spleis.json("rounds", "list")[0]["status"] == "matched"
    add(spleis, "Kari Nordmann", "kari@example.no")

    spleis("rounds", "delete", "Vennespleis vår 2027", input="n\n", code=1)
    assert spleis.count("sign_up") == 1
    spleis("rounds", "delete", "Vennespleis vår 2027", "--yes")
    assert spleis.json("rounds", "list") == []
    assert spleis.count("sign_up") == 0 and spleis.count("person") == 0


def test_an_unknown_round_is_one_clear_line(in_round: Spleis) -> None:
    result = in_round("participants", "list", "--round", "Nope", code=1)
    assert "Nope" in error_line(result)


def test_with_no_round_yet_the_error_says_how_to_make_one(spleis: Spleis) -> None:
    result = spleis("participants", "list", code=1)
    assert "spleis rounds create" in error_line(result)


# Participants.


def test_added_participants_show_in_the_list(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no", "--campus", "gloshaugen", "--gender", "woman")
    add(spleis, "Ola Nordmann", "ola@example.no", "--interest", "hiking", "--interest", "cafe")
    table = spleis("participants", "list").stdout
    assert "Kari Nordmann" in table and "Ola Nordmann" in table
    rows = spleis.json("participants", "list", "--gender", "woman")
    assert [(r["name"], r["campus"]) for r in rows] == [("Kari Nordmann", "gloshaugen")]


def test_add_with_a_bad_email_names_the_field_and_writes_nothing(in_round: Spleis) -> None:
    result = add(in_round, "Kari Nordmann", "kari.example.no", code=1)
    assert "E-mail" in error_line(result)
    assert in_round.count("sign_up") == 0 and in_round.count("person") == 0


def test_add_without_consent_is_refused(in_round: Spleis) -> None:
    result = in_round(
        "participants",
        "add",
        "--name",
        "Kari",
        "--email",
        "kari@example.no",
        "--campus",
        "gloshaugen",
        code=1,
    )
    assert "Consent" in error_line(result)
    assert in_round.count("sign_up") == 0


def test_add_without_a_campus_is_refused(in_round: Spleis) -> None:
    result = in_round(
        "participants", "add", "--name", "Kari", "--email", "kari@example.no", "--consent", code=1
    )
    assert error_line(result) == "Error: Campus: Choose a campus."
    assert in_round.count("sign_up") == 0


def test_adding_the_same_email_twice_is_refused(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no")
    result = add(in_round, "Kari N.", "KARI@example.no", code=1)
    assert "already signed up" in error_line(result)


def test_edit_changes_only_the_options_given(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no", "--phone", "+47 912 34 567", "--age", "21")
    spleis("participants", "edit", "kari@example.no", "--name", "Kari Berg", "--age", "22")
    [row] = spleis.json("participants", "list")
    assert (row["name"], row["age"], row["phone"]) == ("Kari Berg", 22, "+47 912 34 567")

    spleis("participants", "edit", "kari@example.no", "--email", "kari.berg@example.no")
    [row] = spleis.json("participants", "list")
    assert row["email"] == "kari.berg@example.no"


def test_edit_with_a_bad_value_names_the_field_and_keeps_the_old(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no", "--age", "21")
    result = in_round("participants", "edit", "kari@example.no", "--age", "3", code=1)
    # The message names the field once: "Age must be…", not "Age: Age must be…".
    assert error_line(result) == "Error: Age must be a whole number from 15 to 99."
    assert in_round.json("participants", "list")[0]["age"] == 21


def test_edit_with_nothing_to_change_is_a_usage_error(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no")
    result = in_round("participants", "edit", "kari@example.no", code=2)
    assert "Give at least one option to change." in result.stderr
    assert in_round.json("participants", "list")[0]["name"] == "Kari Nordmann"


def test_withdraw_and_reactivate_show_in_the_list(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no")
    spleis("participants", "withdraw", "kari@example.no")
    assert spleis.json("participants", "list")[0]["status"] == "withdrawn"
    assert "Withdrawn" in spleis("participants", "list").stdout
    assert spleis.json("participants", "list", "--status", "active") == []
    spleis("participants", "reactivate", "kari@example.no")
    assert spleis.json("participants", "list")[0]["status"] == "active"


def test_delete_asks_first_and_then_erases_the_signup(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no")
    spleis("participants", "delete", "kari@example.no", input="n\n", code=1)
    assert spleis.count("sign_up") == 1
    spleis("participants", "delete", "kari@example.no", input="y\n")
    assert spleis.json("participants", "list") == []
    assert spleis.count("person") == 0


def test_erase_removes_a_person_from_every_round(spleis: Spleis) -> None:
    spleis("rounds", "create", "First")
    add(spleis, "Kari Nordmann", "kari@example.no")
    add(spleis, "Ola Nordmann", "ola@example.no")
    spleis("rounds", "create", "Second")
    add(spleis, "Kari Nordmann", "Kari@Example.no")
    spleis("participants", "erase", "kari@example.no", "--yes")
    assert spleis.json("participants", "list", "--round", "Second") == []
    assert [r["name"] for r in spleis.json("participants", "list", "--round", "First")] == [
        "Ola Nordmann"
    ]
    assert spleis.count("person") == 1


def test_erasing_somebody_unknown_is_one_clear_line(in_round: Spleis) -> None:
    result = in_round("participants", "erase", "nobody@example.no", "--yes", code=1)
    assert "nobody@example.no" in error_line(result)


def test_list_filters_search_and_status(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no")
    add(spleis, "Åse Berg", "ase@example.no")
    spleis("participants", "withdraw", "ase@example.no")
    assert [r["name"] for r in spleis.json("participants", "list", "--search", "åse")] == [
        "Åse Berg"
    ]
    assert [r["name"] for r in spleis.json("participants", "list", "--status", "active")] == [
        "Kari Nordmann"
    ]


def test_list_pages_through_every_row_once_in_order(
    in_round: Spleis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "PAGE_SIZE", 3)
    names = [f"Person {i:02d}" for i in range(8)]
    for i, name in enumerate(names):
        add(in_round, name, f"p{i}@example.no")
    assert [r["name"] for r in in_round.json("participants", "list")] == names
    table = in_round("participants", "list").stdout.splitlines()
    assert [line.split("  ")[0] for line in table[2:]] == names
    rows = list(
        csv.DictReader(io.StringIO(in_round("participants", "list", "--format", "csv").stdout))
    )
    assert [r["name"] for r in rows] == names


def test_markup_looking_names_print_literally(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "[b]x[/b]", "a@example.no")
    add(spleis, "[@click=app.quit]x[/]", "b@example.no")
    add(spleis, "Ola [/] \x1b[31mRed\x1b[0m", "c@example.no")
    table = spleis("participants", "list").stdout
    assert "[b]x[/b]" in table
    assert "[@click=app.quit]x[/]" in table
    assert "Ola [/] Red" in table
    assert "\x1b" not in table


def test_old_data_with_escape_sequences_prints_clean(in_round: Spleis) -> None:
    add(in_round, "Kari", "kari@example.no")
    with sqlite3.connect(in_round.db) as connection:
        connection.execute("UPDATE sign_up SET name = ?", ("Kari\x1b]0;owned\x07 \u202eN",))
    for fmt in ("table", "csv", "json"):
        output = in_round("participants", "list", "--format", fmt).stdout
        assert "\x1b" not in output and "\u202e" not in output and "Kari" in output


def test_table_columns_line_up(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no", "--age", "21")
    add(in_round, "Åsmund Ødegård-Strøm", "asmund@example.no", "--age", "30")
    header, rule, *rows = in_round("participants", "list").stdout.splitlines()
    assert set(rule) == {"-", " "}
    column = header.index("E-mail")
    for row in rows:
        email = next(word for word in row.split() if "@" in word)
        assert row.index(email) == column, rows


@given(st.text())
def test_printed_text_is_exactly_what_clean_text_makes_of_it(text: str) -> None:
    assert plain(text) == clean_text(text)[0]


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("Åse") == 3
    assert display_width("山田") == 4
    assert display_width("e\u0301") == 1


# Groups and leaders.


def test_groups_create_move_lock_and_dissolve(in_round: Spleis) -> None:
    spleis = in_round
    add(spleis, "Kari Nordmann", "kari@example.no", "--campus", "dragvoll")
    add(spleis, "Ola Nordmann", "ola@example.no")
    spleis("groups", "create")
    spleis("groups", "create", "Fjellgjengen")
    assert [g["name"] for g in spleis.json("groups", "list")] == ["Fjellgjengen", "Group 1"]

    spleis("groups", "move", "kari@example.no", "Group 1")
    [member] = spleis.json("groups", "list", "--members")
    assert (member["group"], member["name"]) == ("Group 1", "Kari Nordmann")
    groups = {g["name"]: g for g in spleis.json("groups", "list")}
    assert groups["Group 1"]["size"] == 1 and groups["Group 1"]["campuses"] == ["dragvoll"]

    spleis("groups", "lock", "Group 1")
    result = spleis("groups", "move", "ola@example.no", "Group 1", code=1)
    assert "locked" in error_line(result)
    result = spleis("groups", "move", "kari@example.no", "-", code=1)
    assert "locked" in error_line(result)
    spleis("groups", "dissolve", "Group 1", "--yes", code=1)

    spleis("groups", "unlock", "Group 1")
    spleis("groups", "rename", "Group 1", "Kaffegjengen")
    spleis("groups", "dissolve", "Kaffegjengen", "--yes")
    assert [g["name"] for g in spleis.json("groups", "list")] == ["Fjellgjengen"]
    assert spleis.json("participants", "list")[0]["group"] == ""


def test_groups_move_dash_takes_somebody_out(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no")
    in_round("groups", "create", "A")
    in_round("groups", "move", "kari@example.no", "A")
    in_round("groups", "move", "kari@example.no", "-")
    assert in_round.json("participants", "list")[0]["group"] == ""


def test_a_withdrawn_participant_cannot_join_a_group(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no")
    in_round("participants", "withdraw", "kari@example.no")
    in_round("groups", "create", "A")
    result = in_round("groups", "move", "kari@example.no", "A", code=1)
    assert error_line(result).startswith("Error: Status:")


def test_leaders_add_list_lead_and_remove(in_round: Spleis) -> None:
    spleis = in_round
    spleis(
        "leaders", "add", "--name", "Turid Leder", "--email", "turid@example.no",
        "--role", "turleder", "--capacity", "3", "--campus", "gloshaugen",
    )  # fmt: skip
    [leader] = spleis.json("leaders", "list")
    assert (leader["name"], leader["role"], leader["capacity"]) == ("Turid Leder", "turleder", 3)
    assert "Turleder" in spleis("leaders", "list").stdout

    spleis("groups", "create", "A")
    spleis("groups", "leader", "A", "turid@example.no")
    assert spleis.json("groups", "list")[0]["leader"] == "Turid Leder"
    assert spleis.json("leaders", "list")[0]["groups"] == 1
    spleis("groups", "leader", "A", "-")
    assert spleis.json("groups", "list")[0]["leader"] == ""

    spleis("leaders", "remove", "Turid Leder", "--yes")
    assert spleis.json("leaders", "list") == []


def test_a_leader_with_a_bad_capacity_names_the_field(in_round: Spleis) -> None:
    result = in_round(
        "leaders", "add", "--name", "T", "--email", "t@example.no", "--capacity", "0", code=1
    )
    assert error_line(result) == "Error: Max groups must be a whole number from 1 to 50."


# Reference data.


def test_reference_lists_and_additions(spleis: Spleis) -> None:
    campuses = {c["code"] for c in spleis.json("reference", "list", "campuses")}
    assert {"gloshaugen", "dragvoll", "alesund"} <= campuses
    spleis("reference", "add-campus", "tromso", "Tromsø", "--city", "Tromsø")
    spleis(
        "reference", "add-programme", "ZZ", "Sjakkstudier", "--name-en", "Chess studies",
        "--department", "IDI", "--campus", "tromso", "--campus", "gloshaugen", "--years", "2",
    )  # fmt: skip
    spleis("reference", "add-option", "interest", "chess", "Sjakk", "--label-en", "Chess")
    programmes = {p["code"]: p for p in spleis.json("reference", "list", "programmes")}
    assert programmes["ZZ"]["campuses"] == ["gloshaugen", "tromso"]
    assert programmes["ZZ"]["name"] == "Chess studies"
    interests = {o["code"]: o["label"] for o in spleis.json("reference", "list", "interests")}
    assert interests["chess"] == "Chess"
    assert "weekend_day" in spleis("reference", "list", "availability").stdout

    spleis("rounds", "create", "R")
    add(spleis, "Kari", "kari@example.no", "--campus", "tromso", "--programme", "ZZ")
    result = spleis("reference", "add-campus", "tromso", "Again", code=1)
    assert "tromso" in error_line(result)


# Export.


def test_export_csv_is_spreadsheet_safe_with_stable_codes(in_round: Spleis, tmp_path: Path) -> None:
    spleis = in_round
    add(spleis, '=HYPERLINK("x")', "a@example.no", "--gender", "woman", "--language", "no")
    add(spleis, "@SUM(1)", "b@example.no", "--phone", "+47 912 34 567", "--interest", "hiking")
    add(spleis, "Kari Nordmann", "c@example.no", "--group-pref", "same")
    spleis("participants", "withdraw", "c@example.no")
    out = tmp_path / "export.csv"
    result = spleis("--lang", "nb", "export", "participants", "-o", str(out))
    assert "3" in result.stderr and result.stdout == ""

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == EXPORT_COLUMNS
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["a@example.no"]["name"] == '\'=HYPERLINK("x")'
    assert (rows["a@example.no"]["gender"], rows["a@example.no"]["language"]) == ("woman", "no")
    assert rows["b@example.no"]["name"] == "'@SUM(1)"
    assert rows["b@example.no"]["phone"] == "'+47 912 34 567"
    assert rows["b@example.no"]["interests"] == "hiking"
    assert (rows["c@example.no"]["group_pref"], rows["c@example.no"]["status"]) == (
        "same",
        "withdrawn",
    )


def test_export_to_stdout(in_round: Spleis) -> None:
    add(in_round, "Kari Nordmann", "kari@example.no")
    result = in_round("export", "participants", "-o", "-")
    lines = result.stdout.splitlines()
    assert lines[0] == EXPORT_COLUMNS and lines[1].startswith("Kari Nordmann,kari@example.no")
    assert "1 sign-up" in result.stderr


def test_export_into_a_missing_folder_is_one_clear_line(in_round: Spleis, tmp_path: Path) -> None:
    result = in_round("export", "participants", "-o", str(tmp_path / "nope" / "x.csv"), code=1)
    assert "Cannot write" in error_line(result)
    assert not (tmp_path / "nope").exists()


def test_list_csv_uses_stable_values_in_every_language(in_round: Spleis) -> None:
    in_round("groups", "create", "A")
    in_round("groups", "lock", "A")
    output = in_round("--lang", "nb", "groups", "list", "--format", "csv").stdout
    [row] = csv.DictReader(io.StringIO(output))
    assert row["locked"] == "true"


def test_list_csv_is_spreadsheet_safe_too(in_round: Spleis) -> None:
    add(in_round, "=1+1", "a@example.no")
    rows = list(
        csv.DictReader(io.StringIO(in_round("participants", "list", "--format", "csv").stdout))
    )
    assert rows[0]["name"] == "'=1+1"


# Demo cohorts.


def test_seed_adds_a_reproducible_cohort(tmp_path: Path) -> None:
    first, second = Spleis(tmp_path / "a.db"), Spleis(tmp_path / "b.db")
    result = first("seed", "--participants", "40", "--seed", "7", "--round", "Demo")
    assert "Demo" in result.stdout
    [round_] = first.json("rounds", "list")
    assert round_["name"] == "Demo" and round_["active"] + round_["withdrawn"] == 40
    second("seed", "--participants", "40", "--seed", "7", "--round", "Demo")
    exports = [s("export", "participants", "-o", "-").stdout for s in (first, second)]
    assert exports[0] == exports[1]
    assert len(exports[0].splitlines()) == 41


def test_a_db_in_a_missing_folder_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    from spleis_tui.cli import cli

    target = tmp_path / "typo" / "spleis.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "rounds", "list"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    assert not target.parent.exists()


def test_the_campus_filter_takes_a_name_and_refuses_an_unknown_one(in_round: Spleis) -> None:
    add(in_round, "Kari", "kari@example.no", "--campus", "dragvoll")
    add(in_round, "Ola", "ola@example.no", "--campus", "gloshaugen")
    result = in_round("participants", "list", "--campus", "Gløshaugen", "--format", "csv")
    assert "Ola" in result.stdout and "Kari" not in result.stdout
    result = in_round("participants", "list", "--campus", "mars", code=1)
    assert error_line(result).startswith("Error: Campus: mars is not a known campus")


def test_the_group_filter(in_round: Spleis) -> None:
    add(in_round, "Kari", "kari@example.no")
    add(in_round, "Ola", "ola@example.no")
    in_round("groups", "create", "Turgjengen")
    in_round("groups", "move", "ola@example.no", "Turgjengen")
    grouped = in_round("participants", "list", "--group", "in", "--format", "csv").stdout
    alone = in_round("participants", "list", "--group", "none", "--format", "csv").stdout
    assert "Ola" in grouped and "Kari" not in grouped
    assert "Kari" in alone and "Ola" not in alone


def test_leaders_can_be_copied_from_an_earlier_round(in_round: Spleis) -> None:
    in_round(
        "leaders",
        "add",
        "--name",
        "Turid",
        "--email",
        "turid@example.no",
        "--campus",
        "gloshaugen",
        "--capacity",
        "3",
    )
    in_round("rounds", "create", "Turgrupper høst 2027")
    result = in_round("leaders", "copy", "--from", "Vennespleis vår 2027")
    assert (
        result.stdout.strip()
        == "Copied 1 leader from Vennespleis vår 2027 to Turgrupper høst 2027."
    )
    again = in_round("leaders", "copy", "--from", "Vennespleis vår 2027")
    assert "Copied 0 leaders" in again.stdout
    listed = in_round("leaders", "list", "--format", "csv").stdout
    assert "Turid" in listed and "3" in listed
    same = in_round("leaders", "copy", "--from", "Turgrupper høst 2027", code=1)
    assert "another round" in error_line(same)


def test_seed_into_an_existing_round_by_id(in_round: Spleis) -> None:
    in_round("seed", "--participants", "12", "--seed", "3", "--round", "1")
    rounds = in_round.json("rounds", "list")
    assert [r["name"] for r in rounds] == ["Vennespleis vår 2027"]
    assert len(in_round.json("participants", "list")) == 12
