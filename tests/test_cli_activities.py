"""The headless commands of issue 6: leaders, activities with a waiting list, a series,
attendance with drop-outs, and follow-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import Spleis, add, error_line


@pytest.fixture
def in_round(tmp_path: Path) -> Spleis:
    runner = Spleis(tmp_path / "t.db")
    runner("rounds", "create", "Vennespleis vår 2027")
    return runner


def test_an_activity_fills_up_and_the_waiting_list_moves(in_round: Spleis) -> None:
    for index in range(3):
        add(in_round, f"Person {index}", f"p{index}@stud.ntnu.no")
    planned = in_round(
        "activities", "add", "rebuslop", "--at", "2027-02-06 12:00", "--capacity", "2"
    )
    assert "Planned Rebus race on 2027-02-06 12:00 (id 1)." in planned.stdout
    joined = in_round("activities", "join", "1", *(f"p{i}@stud.ntnu.no" for i in range(3)))
    assert joined.stdout.startswith("2 going, 1 on the waiting list")
    left = in_round("activities", "leave", "1", "p0@stud.ntnu.no")
    assert "Person 2 got the place from the waiting list." in left.stdout
    people = in_round("activities", "people", "1", "--format", "csv").stdout
    assert "p2@stud.ntnu.no" in people and "waiting" not in people
    bad = in_round("activities", "add", "--at", "tomorrow", "--title", "X", code=1)
    assert "tomorrow" in error_line(bad)


def test_a_series_takes_attendance_and_finds_who_dropped_out(in_round: Spleis) -> None:
    for index in range(2):
        add(in_round, f"Hiker {index}", f"h{index}@stud.ntnu.no")
    in_round("groups", "create", "Turgjengen")
    for index in range(2):
        in_round("groups", "move", f"h{index}@stud.ntnu.no", "Turgjengen")
    created = in_round(
        "series", "create", "--weeks", "3", "--start", "2027-02-01", "--weekday", "ons",
        "--time", "17:00", "--place", "Lian",
    )  # fmt: skip
    assert "3 sessions for 1 group, 2027-02-03 to 2027-02-17" in created.stdout
    listed = in_round("activities", "list", "--format", "csv").stdout.splitlines()
    ids = [line.split(",")[0] for line in listed[1:]]
    for session in ids[:2]:
        in_round("attendance", "mark", session, "h0@stud.ntnu.no")
        in_round("attendance", "mark", session, "h1@stud.ntnu.no", "--absent")
    report = in_round("attendance", "report").stdout
    assert "1 person missed two sessions in a row" in report
    assert "Hiker 1" in report and "Hiker 0" not in report.split("reach out")[1]
    outsider = add(in_round, "Ute", "ute@stud.ntnu.no")
    assert outsider.exit_code == 0
    refused = in_round("attendance", "mark", ids[0], "ute@stud.ntnu.no", code=1)
    assert "Ute" in error_line(refused)


def test_leaders_are_assigned_and_follow_up_is_reported(in_round: Spleis) -> None:
    add(in_round, "Kari", "kari@stud.ntnu.no", "--campus", "dragvoll")
    in_round("groups", "create", "Gruppe 1")
    in_round("groups", "move", "kari@stud.ntnu.no", "Gruppe 1")
    plan = in_round("leaders", "assign", "--dry-run").stdout
    assert "Dragvoll: 1 group without a leader" in plan
    in_round(
        "leaders", "add", "--name", "Lea Leder", "--email", "lea@ntnu.no", "--campus", "dragvoll"
    )
    assert "1 group got a leader." in in_round("leaders", "assign").stdout
    assert "Gruppe 1" in in_round("leaders", "groups", "lea@ntnu.no").stdout
    in_round("followup", "group", "Gruppe 1", "--met", "yes", "--times", "3")
    assert "Groups: 1 met, 0 did not, 0 not known." in in_round("followup", "report").stdout
