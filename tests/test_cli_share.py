"""Sharing a round from the command line: first meetings, welcome texts, PDF rosters,
printing, spreadsheets, the calendar and the members' e-mail (to a real SMTP server on
127.0.0.1)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import Result
from icalendar import Calendar
from openpyxl import load_workbook
from pypdf import PdfReader

from spleis_tui.cli import cli
from spleis_tui.core.export import COLUMNS
from spleis_tui.core.rosters import default_welcome_text
from spleis_tui.i18n import gettext_in, ngettext, set_language
from tests.test_cli import Spleis, error_line
from tests.test_notify_send import Collector, start_server
from tests.test_rosters import ACTIVE_MEMBERS, build_template

MEMBER_EMAILS = {
    "hong@example.no",
    "ming@example.no",
    "kari@example.no",
    "bjorn@example.no",
    "ase@example.no",
    "ola@example.no",
}
GROUP_OF = {
    "bjorn@example.no": "Gruppe 2",
    "ase@example.no": "Gruppe 2",
    "ola@example.no": "Gruppe 3",
    "hong@example.no": "Gruppe 10",
    "ming@example.no": "Gruppe 10",
    "kari@example.no": "Gruppe 10",
}


class Share(Spleis):
    """The `spleis` runner of test_cli, with environment variables for one call."""

    def __call__(
        self,
        *args: str,
        code: int = 0,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Result:
        result = self.runner.invoke(
            cli, ["--db", str(self.db), *args], input=input, catch_exceptions=False, env=env
        )
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    def groups(self) -> dict[str, dict]:
        """Each group's first meeting as the groups export shows it."""
        rows = json.loads(self("export", "groups", "--format", "json", "-o", "-").stdout)
        return {
            row["group"]: {
                key: row[key] for key in ("first_activity", "meeting_place", "meeting_at")
            }
            for row in rows
        }


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, SimpleNamespace]:
    return build_template(tmp_path_factory.mktemp("share"))


@pytest.fixture
def spleis(tmp_path: Path, template, monkeypatch) -> Share:
    """A copy of "Test round" (see tests.test_rosters.build_round), with no mail settings
    and exports going to a folder of the test's own."""
    db = tmp_path / "t.db"
    shutil.copyfile(template[0], db)
    monkeypatch.setenv("SPLEIS_MAIL_CONFIG", str(tmp_path / "mail.toml"))
    monkeypatch.setenv("SPLEIS_EXPORT_DIR", str(tmp_path / "exports"))
    return Share(db)


@pytest.fixture
def ids(template) -> SimpleNamespace:
    return template[1]


# spleis groups meeting


BOWLING = {
    "first_activity": "Bowling at Lerkendal",
    "meeting_place": "Stripa, Gløshaugen",
    "meeting_at": "2027-01-28T17:00",
}
UNSET = {"first_activity": "", "meeting_place": "", "meeting_at": None}


def test_meeting_for_all_groups_changes_only_the_options_given(spleis: Share):
    result = spleis("groups", "meeting", "--all", "--place", "Hovedbygningen")
    assert result.stdout == "Set the first meeting of 3 groups.\n"
    groups = spleis.groups()
    assert groups["Gruppe 3"] == {**BOWLING, "meeting_place": "Hovedbygningen"}
    assert groups["Gruppe 2"] == groups["Gruppe 10"] == {**UNSET, "meeting_place": "Hovedbygningen"}


def test_meeting_for_named_groups(spleis: Share):
    result = spleis(
        "groups", "meeting", "Gruppe 2", "Gruppe 10", "--activity", "Quiz", "--at", "3.2.2027 18.30"
    )
    assert result.stdout == "Set the first meeting of 2 groups.\n"
    groups = spleis.groups()
    quiz = {"first_activity": "Quiz", "meeting_place": "", "meeting_at": "2027-02-03T18:30"}
    assert groups["Gruppe 2"] == groups["Gruppe 10"] == quiz
    assert groups["Gruppe 3"] == BOWLING


def test_an_empty_activity_and_no_time_clear_what_was_chosen(spleis: Share):
    spleis("groups", "meeting", "Gruppe 3", "--activity", "", "--no-time")
    assert spleis.groups()["Gruppe 3"] == {**UNSET, "meeting_place": "Stripa, Gløshaugen"}


@pytest.mark.parametrize("at", ["tomorrow", "2027-02-30 17:00", "28/01/2027 17:00"])
def test_a_meeting_time_spleis_cannot_read_is_one_error_line(spleis: Share, at: str):
    result = spleis("groups", "meeting", "--all", "--place", "X", "--at", at, code=1)
    assert error_line(result) == (
        f"Error: Meeting time: {at} is not a date and time. Write it like 2027-01-28 17:00."
    )
    assert spleis.groups()["Gruppe 3"] == BOWLING  # nothing changed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--all",), "Give --activity, --place, --at or --no-time."),
        (("--place", "X"), "Name the groups, or give --all (not both)."),
        (("Gruppe 2", "--all", "--place", "X"), "Name the groups, or give --all (not both)."),
        (("--all", "--at", "2027-01-28 17:00", "--no-time"), "Give --at or --no-time, not both."),
        (("Gruppe 99", "--place", "X"), None),
        (
            ("--all", "--place", "x" * 201),
            "Meeting point: This is too long (at most 200 characters).",
        ),
    ],
)
def test_a_meeting_command_that_makes_no_sense_is_refused(spleis: Share, args, message):
    line = error_line(spleis("groups", "meeting", *args, code=1))
    if message:
        assert line == f"Error: {message}"
    assert spleis.groups()["Gruppe 2"] == UNSET


def test_a_closed_rounds_meetings_stay_as_they_are(spleis: Share):
    spleis("rounds", "status", "Test round", "closed")
    error_line(spleis("groups", "meeting", "--all", "--place", "X", code=1))
    assert spleis.groups()["Gruppe 3"] == BOWLING


# spleis rounds welcome


def test_welcome_shows_the_default_text(spleis: Share):
    assert spleis("rounds", "welcome").stdout == default_welcome_text() + "\n"


def test_welcome_text_from_an_option_a_file_and_standard_input(spleis: Share, tmp_path: Path):
    result = spleis("rounds", "welcome", "--text", "Hei alle!")
    assert result.stdout == "Saved the welcome text of Test round.\n"
    assert spleis("rounds", "welcome").stdout == "Hei alle!\n"

    spleis("rounds", "welcome", "--file", "-", input="Linje én\n\n  Linje  to \x1b[2J\n")
    assert spleis("rounds", "welcome", "Test round").stdout == "Linje én\n\nLinje to\n"

    text = tmp_path / "welcome.txt"
    text.write_text("Velkommen fra fil\n", encoding="utf-8")
    spleis("rounds", "welcome", "--file", str(text))
    assert spleis("rounds", "welcome").stdout == "Velkommen fra fil\n"


def test_welcome_reset_brings_the_default_back(spleis: Share):
    spleis("rounds", "welcome", "--text", "Vår egen tekst")
    result = spleis("rounds", "welcome", "--reset")
    assert result.stdout == "Test round uses the default welcome text again.\n"
    assert spleis("rounds", "welcome").stdout == default_welcome_text() + "\n"
    spleis("rounds", "welcome", "--text", "Vår egen tekst")
    assert "default welcome text again" in spleis("rounds", "welcome", "--text", "").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--text", "A", "--reset"),
        ("--text", "A", "--file", "-"),
        ("--file", "-", "--reset"),
    ],
)
def test_welcome_options_that_conflict_are_refused(spleis: Share, args):
    result = spleis("rounds", "welcome", *args, input="B", code=1)
    assert error_line(result) == "Error: Give one of --text, --file and --reset."
    assert spleis("rounds", "welcome").stdout == default_welcome_text() + "\n"


def test_a_welcome_file_that_is_not_utf8_is_one_error_line(spleis: Share, tmp_path: Path):
    latin1 = tmp_path / "welcome.txt"
    latin1.write_bytes("Velkommen til gruppa, hilsen Åse".encode("latin-1"))
    line = error_line(spleis("rounds", "welcome", "--file", str(latin1), code=1))
    assert line == f"Error: {latin1} is not UTF-8 text. Save it as UTF-8 and try again."
    assert spleis("rounds", "welcome").stdout == default_welcome_text() + "\n"  # unchanged


def test_a_too_long_welcome_text_is_one_error_line(spleis: Share):
    result = spleis("rounds", "welcome", "--file", "-", input="x" * 2001, code=1)
    assert error_line(result) == "Error: Welcome text: This is too long (at most 2000 characters)."


# spleis roster


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_roster_writes_every_member_to_the_pdf(spleis: Share, tmp_path: Path):
    out = tmp_path / "rosters.pdf"
    result = spleis("roster", "-o", str(out))
    assert result.stdout == f"Wrote the rosters of 3 groups (6 members) to {out}.\n"
    text = pdf_text(out)
    for name in ACTIVE_MEMBERS:
        assert name in text, name
    assert "Nguyễn Thị Hồng" in text and "王小明" in text
    assert "Nils Nogroup" not in text and "Wenche Went" not in text
    assert "Lise Leder" in text and "Bowling at Lerkendal" in text


def test_roster_of_one_group_or_one_leader(spleis: Share, tmp_path: Path):
    one = tmp_path / "one.pdf"
    result = spleis("roster", "--group", "Gruppe 10", "-o", str(one))
    assert result.stdout == f"Wrote the roster of 1 group (3 members) to {one}.\n"
    text = pdf_text(one)
    assert "王小明" in text and "Bjørn Berg" not in text and "Ola Nordmann" not in text

    lises = tmp_path / "lise.pdf"
    result = spleis("roster", "--leader", "lise@example.no", "-o", str(lises))
    assert result.stdout == f"Wrote the rosters of 2 groups (4 members) to {lises}.\n"
    text = pdf_text(lises)
    assert "Ola Nordmann" in text and "Kari Ødegård" in text and "Åse Ås" not in text


def test_attendance_sheets_and_leaders_packs(spleis: Share, tmp_path: Path):
    sheets = tmp_path / "attendance.pdf"
    result = spleis("roster", "--attendance", "-o", str(sheets))
    assert result.stdout == f"Wrote the attendance sheets of 3 groups (6 members) to {sheets}.\n"
    assert "Signature" in pdf_text(sheets)

    pack = tmp_path / "pack.pdf"
    result = spleis("roster", "--pack", "--leader", "Per Ledersen", "-o", str(pack))
    assert result.stdout == f"Wrote the leader's pack for 1 group (2 members) to {pack}.\n"
    text = pdf_text(pack)
    assert "Per Ledersen" in text and "Bjørn Berg" in text and "Lise Leder" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--group", "Gruppe 2", "--leader", "Per Ledersen"),
            "Give --group or --leader, not both.",
        ),
        (("--attendance", "--pack"), "Give --attendance or --pack, not both."),
        (("--group", "Gruppe 99"), None),
        (("--leader", "nobody@example.no"), "No leader in this round matches nobody@example.no."),
    ],
)
def test_roster_options_that_make_no_sense_are_refused(spleis: Share, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    line = error_line(spleis("roster", *args, "-o", str(out), code=1))
    if message:
        assert line == f"Error: {message}"
    assert not out.exists()


def test_roster_of_a_round_without_groups_is_one_error_line(spleis: Share, tmp_path: Path):
    spleis("rounds", "create", "Empty round")
    result = spleis("roster", "-o", str(tmp_path / "x.pdf"), code=1)
    assert error_line(result) == "Error: There are no groups to print in this round."


def test_roster_goes_to_the_export_folder_by_default(spleis: Share, tmp_path: Path):
    expected = tmp_path / "exports" / "test-round-attendance.pdf"
    result = spleis("roster", "--attendance")
    assert result.stdout == f"Wrote the attendance sheets of 3 groups (6 members) to {expected}.\n"
    assert expected.read_bytes().startswith(b"%PDF-")


def test_roster_to_a_folder_that_is_not_there_is_one_error_line(spleis: Share, tmp_path: Path):
    result = spleis("roster", "-o", str(tmp_path / "nope" / "x.pdf"), code=1)
    assert error_line(result).startswith(f"Error: Cannot write {tmp_path / 'nope' / 'x.pdf'}")


def test_print_without_lp_or_lpr_says_where_the_pdf_is(spleis: Share, tmp_path: Path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    out = tmp_path / "rosters.pdf"
    result = spleis("roster", "-o", str(out), "--print", env={"PATH": str(empty)})
    assert result.stdout.splitlines() == [
        f"Wrote the rosters of 3 groups (6 members) to {out}.",
        f"There is no lp or lpr here to print with: the PDF is {out}.",
    ]
    assert out.exists()


def fake_printer(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    tool.chmod(0o755)
    return folder


def test_print_sends_the_pdf_to_lp(spleis: Share, tmp_path: Path):
    calls = tmp_path / "lp-calls.txt"
    bin_dir = fake_printer(
        tmp_path / "bin",
        "lp",
        f'printf "%s\\n" "$@" > "{calls}"\necho "request id is Office-42 (1 file(s))"\n',
    )
    out = tmp_path / "rosters.pdf"
    result = spleis("roster", "-o", str(out), "--print", env={"PATH": str(bin_dir)})
    assert result.stdout.splitlines()[-1] == (
        "Sent to the printer with lp: request id is Office-42 (1 file(s))"
    )
    assert calls.read_text(encoding="utf-8").splitlines() == [str(out.resolve())]


def test_a_printer_that_fails_is_one_error_line_and_the_pdf_stays(spleis: Share, tmp_path):
    bin_dir = fake_printer(
        tmp_path / "bin", "lpr", 'echo "lpr: The printer or class does not exist." >&2\nexit 1\n'
    )
    out = tmp_path / "rosters.pdf"
    result = spleis("roster", "-o", str(out), "--print", env={"PATH": str(bin_dir)}, code=1)
    assert error_line(result) == (
        "Error: Printing with lpr failed: lpr: The printer or class does not exist."
    )
    assert out.exists()


# spleis export groups|participants|leaders


COUNTED = {"groups": "6 group members", "participants": "8 sign-ups", "leaders": "2 leaders"}
ROWS = {"groups": 6, "participants": 8, "leaders": 2}


def read_table(path: Path, fmt: str) -> tuple[list[str], int]:
    """The header and the number of rows after it."""
    if fmt == "xlsx":
        rows = list(
            load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active.iter_rows(
                values_only=True
            )
        )
        return list(rows[0]), len(rows) - 1
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        items = json.loads(text)
        return list(items[0]), len(items)
    if fmt == "md":
        lines = text.splitlines()
        return [cell.strip() for cell in lines[0].strip("|").split("|")], len(lines) - 2
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    return rows[0], len(rows) - 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "json"])
@pytest.mark.parametrize("dataset", ["groups", "participants", "leaders"])
def test_export_each_dataset_in_each_format(spleis: Share, tmp_path: Path, dataset, fmt):
    out = tmp_path / f"{dataset}.data"  # a suffix that says nothing: --format decides
    result = spleis("export", dataset, "--format", fmt, "-o", str(out))
    assert result.stdout == ""
    assert result.stderr == f"Exported {COUNTED[dataset]} from Test round to {out}.\n"
    assert read_table(out, fmt) == (list(COLUMNS[dataset]), ROWS[dataset])


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".xlsx", "xlsx"), (".md", "md"), (".json", "json"), (".txt", "csv")]
)
def test_export_format_is_guessed_from_the_file_name(spleis: Share, tmp_path, suffix, fmt):
    out = tmp_path / f"groups{suffix}"
    spleis("export", "groups", "-o", str(out))
    assert read_table(out, fmt) == (list(COLUMNS["groups"]), 6)


def test_export_for_norwegian_excel_has_semicolons_and_a_bom(spleis: Share, tmp_path: Path):
    out = tmp_path / "participants.csv"
    spleis("export", "participants", "--excel", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(COLUMNS["participants"]) and len(rows) == 9
    assert "Nguyễn Thị Hồng" in {row[0] for row in rows}


@pytest.mark.parametrize("args", [("--format", "xlsx", "-o", "x.csv"), ("-o", "x.xlsx")])
def test_excel_with_a_workbook_is_refused(spleis: Share, tmp_path: Path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = spleis("export", "groups", "--excel", *args, code=1)
    assert error_line(result) == "Error: --excel is for CSV files only."
    assert list(tmp_path.glob("x.*")) == []


def test_a_workbook_to_standard_output_is_one_error_line(spleis: Share):
    result = spleis("export", "leaders", "--format", "xlsx", "-o", "-", code=1)
    assert error_line(result) == "Error: XLSX cannot go to standard output; give a file name."
    assert result.stdout == ""


def test_markdown_and_json_to_standard_output(spleis: Share):
    md = spleis("export", "groups", "--format", "md", "-o", "-")
    lines = md.stdout.splitlines()
    assert lines[0] == "| " + " | ".join(COLUMNS["groups"]) + " |" and len(lines) == 8
    assert md.stderr == "Exported 6 group members.\n"
    items = json.loads(spleis("export", "leaders", "--format", "json", "-o", "-").stdout)
    assert [item["name"] for item in items] == ["Lise Leder", "Per Ledersen"]


# spleis export calendar


def test_export_calendar_parses_back_and_counts_the_groups_without_a_time(spleis: Share, tmp_path):
    spleis("groups", "meeting", "Gruppe 10", "--at", "2027-02-03 18:30", "--place", "Samfundet")
    out = tmp_path / "meetings.ics"
    result = spleis("export", "calendar", "-o", str(out))
    assert result.stderr == f"Wrote 2 first meetings to {out}. 1 group has no meeting time yet.\n"
    calendar = Calendar.from_ical(out.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("DTSTART"))
    assert [str(event["SUMMARY"]) for event in events] == [
        "Gruppe 3 — Bowling at Lerkendal",
        "Gruppe 10 — Hiking and the outdoors (3 of 3 like it)",
    ]
    assert [str(event["LOCATION"]) for event in events] == ["Stripa, Gløshaugen", "Samfundet"]
    start = events[1].decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (18, 30, "Europe/Oslo")


def test_export_calendar_to_standard_output(spleis: Share):
    result = spleis("export", "calendar", "-o", "-")
    assert len(Calendar.from_ical(result.stdout).walk("VEVENT")) == 1


# spleis notify: drafts


def test_notify_drafts_writes_one_file_per_member(spleis: Share, tmp_path: Path):
    folder = tmp_path / "drafts"
    result = spleis("notify", "--drafts", str(folder))
    assert result.stdout.splitlines() == [
        f"Wrote 6 drafts to {folder}.",
        "1 sign-up is in no group yet and got no draft.",
    ]
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 6
    recipients = {
        BytesParser(policy=policy.default)
        .parsebytes(file.read_bytes())["To"]
        .addresses[0]
        .addr_spec
        for file in files
    }
    assert recipients == MEMBER_EMAILS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--drafts", "d", "--send"),
            "Give --drafts DIR or --send (with --dry-run to try it first).",
        ),
        ((), "Give --drafts DIR or --send (with --dry-run to try it first)."),
        (("--drafts", "d", "--dry-run"), "--dry-run goes with --send."),
        (("--drafts", "d", "log"), "Give --drafts or --send without a subcommand."),
    ],
)
def test_notify_options_that_conflict_are_refused(
    spleis: Share, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    assert error_line(spleis("notify", *args, code=1)) == f"Error: {message}"
    assert not (tmp_path / "d").exists()


# spleis notify --send


def write_mail_config(port: int) -> Path:
    path = Path(os.environ["SPLEIS_MAIL_CONFIG"])
    path.write_text(
        "[smtp]\n"
        'host = "127.0.0.1"\n'
        f"port = {port}\n"
        'security = "none"\n'
        'username = ""\n'
        'sender_name = "Vennespleis NTNU"\n'
        'sender_email = "spleis@example.no"\n'
        "rate_per_minute = 600\n"
        "timeout = 5\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def server() -> Iterator[Collector]:
    handler = Collector()
    controller = start_server(handler)
    handler.controller = controller
    yield handler
    controller.stop()


@pytest.fixture
def mailing(spleis: Share, server: Collector) -> Share:
    write_mail_config(server.controller.port)
    return spleis


def status_lines(result: Result, word: str) -> dict[str, str]:
    """The e-mail address -> group of each output line that starts with `word`."""
    found = {}
    for line in result.stdout.splitlines():
        if line.startswith(word + " "):
            address, group = line[len(word) :].split(maxsplit=1)
            found[address] = group
    return found


def test_a_dry_run_says_who_would_get_it_and_sends_nothing(mailing: Share, server: Collector):
    result = mailing("notify", "--send", "--dry-run")
    assert status_lines(result, "would send") == {
        email: f"({group})" for email, group in GROUP_OF.items()
    }
    assert result.stdout.splitlines()[-1] == "Dry run: 6 messages would be sent."
    assert server.received == []
    log = mailing("notify", "log")
    assert log.stdout == "Nobody in Test round has been sent an e-mail yet.\n"


def test_send_delivers_one_message_per_member_and_never_twice(mailing: Share, server: Collector):
    result = mailing("notify", "--send")
    assert set(status_lines(result, "sent")) == MEMBER_EMAILS
    assert result.stdout.splitlines()[-1] == "Sent 6 messages."
    assert len(server.received) == 6
    assert all(len(item.rcpt_tos) == 1 for item in server.received)
    assert {item.rcpt_tos[0] for item in server.received} == MEMBER_EMAILS
    assert {item.mail_from for item in server.received} == {"spleis@example.no"}
    subjects = {item.rcpt_tos[0]: item.message["Subject"] for item in server.received}
    assert subjects["kari@example.no"] == "Gruppen din i Test round: Gruppe 10"
    assert subjects["ming@example.no"] == "Your group in Test round: Gruppe 10"

    again = mailing("notify", "--send")
    assert again.stdout == "Sent 0 messages, 6 had it already.\n"
    assert len(server.received) == 6


def test_a_refused_recipient_fails_alone_and_is_retried(mailing: Share, server: Collector):
    server.reject = {"bjorn@example.no"}
    result = mailing("notify", "--send", code=1)
    assert "failed       bjorn@example.no  (Gruppe 2): 550 no such user" in result.stdout
    assert result.stdout.splitlines()[-2:] == [
        "Sent 5 messages, 1 failed.",
        "Run the same command again to retry the ones that failed.",
    ]
    assert {item.rcpt_tos[0] for item in server.received} == MEMBER_EMAILS - {"bjorn@example.no"}

    log = mailing("notify", "log").stdout.splitlines()
    assert len(log) == 6
    failed = [line for line in log if line.startswith("failed")]
    assert len(failed) == 1 and "bjorn@example.no  Gruppe 2" in failed[0]
    assert failed[0].endswith("550 no such user")
    assert sum(line.startswith("sent ") for line in log) == 5
    assert all(" UTC" in line for line in log)

    server.reject = set()
    retry = mailing("notify", "--send")
    assert retry.stdout.splitlines() == [
        "sent         bjorn@example.no  (Gruppe 2)",
        "Sent 1 message, 5 had it already.",
    ]


def test_send_without_mail_settings_names_the_file(spleis: Share, tmp_path: Path):
    result = spleis("notify", "--send", code=1)
    assert error_line(result) == (
        f"Error: There are no mail settings yet. Write them to {tmp_path / 'mail.toml'} "
        "(`spleis notify config --init` makes one to fill in)."
    )


def test_send_to_a_server_that_is_not_there_is_one_error_line(spleis: Share):
    from tests.test_notify_send import free_port

    write_mail_config(free_port())
    line = error_line(spleis("notify", "--send", code=1))
    assert line.startswith("Error: Could not connect to 127.0.0.1:")
    assert spleis("notify", "log").stdout.startswith("Nobody in Test round")


# spleis notify template / config


def test_template_shows_sets_and_resets(spleis: Share, tmp_path: Path):
    shown = spleis("notify", "template", "--lang", "en").stdout
    assert shown.startswith("Subject: Your group in {round}: {group}\n\nHi {first_name},")
    assert shown.splitlines()[-1].startswith("Placeholders: ")

    result = spleis("notify", "template", "--lang", "en", "--subject", "{group}: say hello!")
    assert result.stdout == "Saved the English template of Test round.\n"
    shown = spleis("notify", "template", "--lang", "en").stdout
    assert shown.startswith("Subject: {group}: say hello!\n\nHi {first_name},")
    assert spleis("notify", "template").stdout.startswith("Subject: Gruppen din i {round}")

    body = tmp_path / "body.txt"
    body.write_text("Hei {first_name}, du er i {group}.\n", encoding="utf-8")
    spleis("notify", "template", "--body-file", str(body))
    assert "\n\nHei {first_name}, du er i {group}.\n" in spleis("notify", "template").stdout

    result = spleis("notify", "template", "--lang", "en", "--reset")
    assert result.stdout == "The English template is the default again.\n"
    assert spleis("notify", "template", "--lang", "en").stdout.startswith(
        "Subject: Your group in {round}: {group}\n"
    )


def test_an_unknown_placeholder_is_one_clear_error_line(spleis: Share):
    result = spleis(
        "notify", "template", "--body-file", "-", input="Hei {nickname}!\n{group}\n", code=1
    )
    line = error_line(result)
    assert line.startswith("Error: Message: Unknown placeholder {nickname}. You can use: {")
    assert spleis("notify", "template").stdout.startswith("Subject: Gruppen din i {round}")


def test_a_body_file_that_is_not_utf8_is_one_error_line(spleis: Share, tmp_path: Path):
    latin1 = tmp_path / "body.txt"
    latin1.write_bytes("Hei {first_name}, hilsen Åse".encode("latin-1"))
    line = error_line(spleis("notify", "template", "--body-file", str(latin1), code=1))
    assert line == f"Error: {latin1} is not UTF-8 text. Save it as UTF-8 and try again."
    assert "Åse" not in spleis("notify", "template").stdout  # nothing saved


def test_an_empty_subject_is_refused_not_ignored(spleis: Share):
    result = spleis("notify", "template", "--subject", "", code=1)
    assert "needs a subject" in error_line(result)


def test_template_reset_goes_alone(spleis: Share):
    result = spleis("notify", "template", "--reset", "--subject", "X", code=1)
    assert error_line(result) == "Error: Give --reset alone."


def test_config_init_writes_a_private_file_once(spleis: Share, tmp_path: Path):
    path = tmp_path / "mail.toml"
    assert spleis("notify", "config").stdout == f"{path} (not there yet)\n"
    result = spleis("notify", "config", "--init")
    assert result.stdout == (
        f"Wrote {path}. Fill in your server, then run spleis notify --send --dry-run.\n"
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "[smtp]" in path.read_text(encoding="utf-8")
    assert "password" not in path.read_text(encoding="utf-8").split("[smtp]")[1].split("#")[0]
    assert spleis("notify", "config").stdout == f"{path}\n"

    path.write_text("# mine\n", encoding="utf-8")
    result = spleis("notify", "config", "--init", code=1)
    assert error_line(result) == f"Error: {path} exists already; edit it."
    assert path.read_text(encoding="utf-8") == "# mine\n"


def test_notify_config_never_creates_a_database(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SPLEIS_MAIL_CONFIG", str(tmp_path / "mail.toml"))
    fresh = Share(tmp_path / "fresh.db")
    fresh("notify", "config")
    assert not fresh.db.exists()


# --lang nb


def norwegian_or_skip(message: str) -> str:
    translated = gettext_in("nb", message)
    if translated == message:
        pytest.skip(f"the nb catalogue has no translation of {message!r} yet")
    return translated


def ngettext_nb(singular: str, plural: str, n: int) -> str:
    set_language("nb")
    try:
        return ngettext(singular, plural, n)
    finally:
        set_language("en")


def test_set_first_meeting_speaks_norwegian(spleis: Share):
    sentence = norwegian_or_skip("Set the first meeting of {groups}.")
    groups = ngettext_nb("{n} group", "{n} groups", 3).format(n=3)
    result = spleis("--lang", "nb", "groups", "meeting", "--all", "--place", "Stripa")
    assert result.stdout == sentence.format(groups=groups) + "\n"


def test_export_speaks_norwegian(spleis: Share, tmp_path: Path):
    sentence = norwegian_or_skip("Exported {rows} from {round} to {path}.")
    rows = ngettext_nb("{n} leader", "{n} leaders", 2).format(n=2)
    out = tmp_path / "leaders.csv"
    result = spleis("--lang", "nb", "export", "leaders", "-o", str(out))
    assert result.stderr == sentence.format(rows=rows, round="Test round", path=out) + "\n"
    assert result.stderr.startswith("Eksporterte")
