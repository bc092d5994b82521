"""The Rosters & export screen driven by real key presses: the first page before writing,
PDF rosters, spreadsheets and the calendar written to the export folder, one leader's
groups, the welcome text, a bad folder, and how it looks."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import io
import stat
import threading
import time

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from textual.widgets import Input, Label, ProgressBar, Select, Static, TextArea

from spleis_tui.app import SpleisApp
from spleis_tui.core import roster_pdf
from spleis_tui.core.demo import seed_demo
from spleis_tui.core.models import Group, Round, SignUp
from spleis_tui.core.rounds import current_round
from spleis_tui.screens.groups import GroupsScreen
from spleis_tui.screens.share import ShareScreen
from tests.tui_helpers import settle

SIZE = (120, 34)
SNAPSHOT_EXPORTS = "/tmp/spleis-snapshot-exports"


@pytest.fixture
def small_demo(db):
    """The demo at its smallest useful size: nine groups, leaders, first meetings."""
    seed_demo(size=60, earlier_size=10)
    return current_round().id


@pytest.fixture
def exports(tmp_path, monkeypatch):
    folder = tmp_path / "exports"  # not made yet: the screen makes the default folder
    monkeypatch.setenv("SPLEIS_EXPORT_DIR", str(folder))
    return folder


def grouped_members(round_id: int, leader_id: int | None = None) -> dict[str, str]:
    """Active members in a group: name -> group name, straight from the database."""
    query = (
        SignUp.select(SignUp.name, Group.name)
        .join(Group, on=(SignUp.group == Group.id))
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
    )
    if leader_id is not None:
        query = query.where(Group.leader == leader_id)
    return dict(query.tuples())


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def state_of(screen) -> Label:
    return screen.query_one("#share-state", Label)


def state_text(screen) -> str:
    return str(state_of(screen).render())


def preview_text(screen) -> str:
    return str(screen.query_one("#share-preview", Static).render())


async def open_share(pilot) -> ShareScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, GroupsScreen)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ShareScreen)
    return screen


async def choose(pilot, select_id: str, value: str) -> None:
    """Pick an option the way a user does: focus, Enter, arrows, Enter."""
    select = pilot.app.screen.query_one(f"#{select_id}", Select)
    values = [option_value for _prompt, option_value in select._options]
    steps = values.index(value) - values.index(select.value)
    select.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(abs(steps)):
        await pilot.press("down" if steps > 0 else "up")
    await pilot.press("enter")
    await settle(pilot)
    assert select.value == value


async def write(pilot, screen: ShareScreen) -> None:
    await pilot.press("w")
    await settle(pilot)
    assert pilot.app.is_running
    assert not screen.running


async def test_the_preview_shows_the_first_group_and_its_members(small_demo, exports):
    first = Group.select().where(Group.round == small_demo).order_by(Group.sort_key).first()
    members = [
        s.name for s in SignUp.select().where((SignUp.group == first) & (SignUp.status == "active"))
    ]
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        text = preview_text(screen)
        assert first.name in text
        assert members and all(name in text for name in members)
        assert app.focused is screen.query_one("#share-what", Select)
        assert screen.query_one("#share-path", Input).value == str(
            exports / "vennespleis-var-2027-rosters.pdf"
        )
    assert not exports.exists()  # a preview writes nothing


async def test_writing_the_rosters_puts_every_member_in_the_pdf(small_demo, exports):
    expected = grouped_members(small_demo)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        await write(pilot, screen)
        path = exports / "vennespleis-var-2027-rosters.pdf"
        assert path.is_file()
        assert state_text(screen).startswith("Wrote the rosters of")
        assert str(path) in state_text(screen)
        assert state_of(screen).has_class("-success")
        bar = screen.query_one("#share-progress", ProgressBar)
        assert bar.progress == bar.total
    text = pdf_text(path)
    missing = [name for name in expected if name not in text]
    assert not missing
    assert all(group in text for group in set(expected.values()))
    # Personal data: the file and the folder Spleis made are the owner's alone.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(exports.stat().st_mode) == 0o700


async def test_spreadsheets_and_the_calendar_are_written_in_the_chosen_format(small_demo, exports):
    expected = grouped_members(small_demo)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        await choose(pilot, "share-what", "groups")
        assert screen.query_one("#share-scope", Select).disabled  # For is for PDFs
        assert screen.query_one("#share-print-button").disabled
        await choose(pilot, "share-format", "md")
        await choose(pilot, "share-format", "xlsx")
        path = screen.query_one("#share-path", Input).value
        assert path == str(exports / "vennespleis-var-2027-groups.xlsx")
        assert "|" in preview_text(screen)  # a workbook previews as its table
        await write(pilot, screen)
        assert state_text(screen).startswith("Exported")

        await choose(pilot, "share-what", "calendar")
        assert screen.query_one("#share-format", Select).value == "ics"
        assert "BEGIN:VCALENDAR" in preview_text(screen)
        await write(pilot, screen)
        assert state_text(screen).startswith("Wrote")

    sheet = load_workbook(exports / "vennespleis-var-2027-groups.xlsx").active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
    assert set(expected) <= cells
    calendar = (exports / "vennespleis-var-2027-calendar.ics").read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert calendar.count("BEGIN:VEVENT") >= 1


async def test_csv_for_norwegian_excel_uses_semicolons(small_demo, exports):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        await choose(pilot, "share-what", "participants")
        await choose(pilot, "share-format", "csv-excel")
        await write(pilot, screen)
    text = (exports / "vennespleis-var-2027-participants.csv").read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    assert ";" in header and "," not in header


async def test_choosing_a_leader_writes_only_that_leaders_groups(small_demo, exports):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        scope = screen.query_one("#share-scope", Select)
        leaders = [value for _p, value in scope._options if str(value).startswith("leader:")]
        assert leaders
        await choose(pilot, "share-scope", leaders[0])
        leader_id = int(leaders[0].partition(":")[2])
        await write(pilot, screen)
        assert "Wrote the roster" in state_text(screen)
    theirs = grouped_members(small_demo, leader_id)
    others = set(grouped_members(small_demo)) - set(theirs)
    assert theirs and others
    text = pdf_text(exports / "vennespleis-var-2027-rosters.pdf")
    assert all(name in text for name in theirs)
    assert not [name for name in others if name in text]


async def test_the_welcome_text_is_saved_and_shown_in_the_preview(small_demo, exports):
    new_text = "[b]Hi[/b] & {cake}!"
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        area = screen.query_one("#share-welcome", TextArea)
        area.focus()
        area.select_all()
        await pilot.press(*new_text)
        assert area.text == new_text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Round.get_by_id(small_demo).welcome_text == new_text
        assert new_text in preview_text(screen)
        assert app.screen is screen

        await pilot.click("#share-default-welcome")
        await settle(pilot)
        assert Round.get_by_id(small_demo).welcome_text == ""
        assert new_text not in preview_text(screen)
        assert area.text.startswith("Welcome to your group!")


async def test_a_path_into_a_missing_folder_is_an_error_not_a_crash(
    small_demo, exports, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a short relative path, quick to type
    typed = "gone/r.pdf"
    target = tmp_path / typed
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        screen.query_one("#share-path", Input).focus()
        await pilot.press("end", "ctrl+u", *typed)
        assert screen.query_one("#share-path", Input).value == typed
        await pilot.click("#share-write-button")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert state_of(screen).has_class("-error")
        assert "No such file or directory" in state_text(screen)
        assert not screen.running
        # A path the user typed is kept when the choice changes.
        await choose(pilot, "share-what", "attendance")
        assert screen.query_one("#share-path", Input).value == typed
    assert not target.parent.exists()
    assert not exports.exists()  # the default folder is made only when it is used


async def test_print_sends_the_written_pdf_to_the_printer(small_demo, exports, monkeypatch):
    from spleis_tui.core import printing

    printed = []

    def fake_print(path):
        printed.append(path)
        return "request id is Printer-7"

    monkeypatch.setattr(printing, "print_pdf", fake_print)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert printed == [exports / "vennespleis-var-2027-rosters.pdf"]
        assert printed[0].is_file()
        assert state_text(screen).endswith("request id is Printer-7")

        await choose(pilot, "share-what", "leaders")
        screen.query_one("#share-what", Select).blur()
        await pilot.press("o")  # no printing a spreadsheet
        await settle(pilot)
        assert len(printed) == 1


async def test_escape_goes_back_to_the_groups(small_demo, exports):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_share(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)


async def test_the_command_palette_opens_rosters_and_export(small_demo, exports):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Rosters")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ShareScreen)
        assert "Gruppe" in preview_text(app.screen)


def test_snapshot_of_rosters_and_export(snap_compare, small_demo, monkeypatch):
    # A folder name that is the same everywhere; the snapshot only previews, never writes.
    monkeypatch.setenv("SPLEIS_EXPORT_DIR", SNAPSHOT_EXPORTS)
    # The roster header says the day it was printed: make that day fixed.
    monkeypatch.setattr(
        roster_pdf,
        "render_roster_pdf",
        functools.partial(roster_pdf.render_roster_pdf, printed_on=dt.date(2027, 1, 15)),
    )

    async def run_before(pilot):
        await open_share(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await settle(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


async def test_an_unsaved_welcome_text_survives_the_help_screen(small_demo, exports):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        area = screen.query_one("#share-welcome", TextArea)
        area.focus()
        area.select_all()
        await pilot.press(*"Hei alle")
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is not screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert area.text == "Hei alle"
    assert Round.get_by_id(small_demo).welcome_text == ""


async def test_cancel_stops_a_write_and_leaves_no_file(small_demo, exports, monkeypatch):
    started = threading.Event()
    real = roster_pdf.render_roster_pdf

    def slow(roster, *, kind, progress=None, cancelled=None, **options):
        if progress is not None:  # the write, not the preview
            started.set()
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
        return real(roster, kind=kind, progress=progress, cancelled=cancelled, **options)

    monkeypatch.setattr(roster_pdf, "render_roster_pdf", slow)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_share(pilot)
        await pilot.press("w")
        assert await asyncio.to_thread(started.wait, 10)
        assert screen.running
        await pilot.press("escape")  # while writing, Escape stops rather than leaves
        await settle(pilot)
        assert app.screen is screen and not screen.running
        assert state_text(screen) == "Making the PDF was cancelled."
        assert state_of(screen).has_class("-error")
    assert not (exports / "vennespleis-var-2027-rosters.pdf").exists()
    assert not list(exports.iterdir())  # no half-written file either
