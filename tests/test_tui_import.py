"""The import screen (F10): a form's export read, checked and imported by real key presses."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Button, Input

from spleis_tui.app import SpleisApp, known_binding_ids
from spleis_tui.core.importing import run
from spleis_tui.core.models import SignUp
from spleis_tui.core.rounds import create_round
from spleis_tui.screens.dialogs import PickScreen
from spleis_tui.screens.importer import ImportScreen, column_letter
from spleis_tui.widgets.columns_table import ColumnsTable
from tests.tui_helpers import cell_texts, settle

SIZE = (120, 40)

HEADER = (
    "Timestamp,Email address,Full name,Gender,Age,Campus,Study programme,Interests,"
    "Notes for the organisers,[b]Shoe size[/b],I consent to NTNU storing my answers"
)
ROWS = [
    "2027/01/11 09:01:00 AM GMT+1,kari@stud.ntnu.no,Kari Nordmann,Woman,21,Gløshaugen,"
    'Informatikk,"Hiking, Board games",Vegetarian,38,Yes',
    "2027/01/11 09:05:00 AM GMT+1,,Nobody Atall,Man,22,Dragvoll,Historie,,,42,Yes",
    "2027/01/11 09:07:00 AM GMT+1,markup@stud.ntnu.no,[b]markup[/b],Man,23,Øya,,Skiing,,44,Yes",
    "2027/01/11 09:09:00 AM GMT+1,tjue@stud.ntnu.no,Per Tjue,Man,tjue,Gjøvik,,,,43,Yes",
    "2027/01/11 09:11:00 AM GMT+1,evil@stud.ntnu.no,[@click=app.quit]Evil[/],Woman,20,"
    "Gløshaugen,,,,37,Yes",
    "2027/01/11 09:13:00 AM GMT+1,ola@stud.ntnu.no,Ola Nordmann,Man,24,Gløshaugen,,Hiking,"
    "Comes late,45,Yes",
    "2027/01/11 09:15:00 AM GMT+1,ada@stud.ntnu.no,Ada Lund,Woman,19,Dragvoll,,,,39,Yes",
    "2027/01/11 09:17:00 AM GMT+1,siri@stud.ntnu.no,Siri Berg,Woman,25,Øya,,,,40,Yes",
]


def write_export(folder, name: str = "signups.csv"):
    path = folder / name
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def signups(round_id: int) -> int:
    return SignUp.select().where(SignUp.round == round_id).count()


async def open_file(pilot, typed: str) -> ImportScreen:
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    assert screen.focused is screen.query_one("#imp-path", Input)
    await pilot.press(*typed, "enter")
    await settle(pilot)
    return screen


def mapping_row(screen: ImportScreen, header: str) -> int:
    return cell_texts(screen.query_one("#imp-mapping", ColumnsTable), 1).index(header)


async def choose_field(pilot, screen: ImportScreen, header: str, typed: str) -> None:
    """Go to a column of the mapping, press f and pick a field by typing its name."""
    table = screen.query_one("#imp-mapping", ColumnsTable)
    table.focus()
    await pilot.pause()
    await pilot.press("home", *["down"] * mapping_row(screen, header), "f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PickScreen)
    await pilot.press(*typed, "enter")
    await settle(pilot)
    assert pilot.app.screen is screen


@pytest.fixture
def export_round(db, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    write_export(tmp_path)
    return create_round("Import test").id


async def test_importing_an_export_with_a_changed_column(export_round, tmp_path):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "~/signups.csv")  # ~ is the home folder
        assert "signups.csv" in text_of(app, "#imp-format")
        assert "text, utf-8, comma" in text_of(app, "#imp-format")
        assert "8 rows, all shown" in text_of(app, "#imp-format")

        mapping = screen.query_one("#imp-mapping", ColumnsTable)
        assert screen.focused is mapping  # the next thing to look at
        headers = cell_texts(mapping, 1)
        assert "[b]Shoe size[/b]" in headers  # a header is text, never markup
        fields = dict(zip(headers, cell_texts(mapping, 2), strict=True))
        assert fields["Full name"] == "Name"
        assert fields["Notes for the organisers"] == "not imported · unknown column"
        samples = dict(zip(headers, cell_texts(mapping, 3), strict=True))
        assert samples["Notes for the organisers"] == "Vegetarian"
        assert cell_texts(mapping, 0)[:3] == ["A", "B", "C"]

        preview = screen.query_one("#imp-preview", ColumnsTable)
        assert cell_texts(preview, 2)[2] == "[b]markup[/b]"
        marks = dict(zip(cell_texts(preview, 0), cell_texts(preview, 1), strict=True))
        assert marks["3"] == "✗" and marks["5"] == "⚠" and marks["2"] == ""
        assert "✗ 1 row left out" in text_of(app, "#imp-preview-title")
        preview.focus()
        await pilot.press("down", "down", "down")  # row 5: the age "tjue"
        await settle(pilot)
        assert "Age: tjue is not a number; left empty." in text_of(app, "#imp-row-detail")
        await pilot.press("up", "up")  # row 3: no e-mail
        await settle(pilot)
        assert "Row 3: no e-mail address." in text_of(app, "#imp-row-detail")

        await choose_field(pilot, screen, "Notes for the organisers", "comment")
        fields = dict(zip(cell_texts(mapping, 1), cell_texts(mapping, 2), strict=True))
        assert fields["Notes for the organisers"] == "Comment"
        assert "to import into Import test" in text_of(app, "#imp-next")

        await pilot.press("i")
        await settle(pilot)
        assert not screen.running
        report = text_of(app, "#imp-report")
        assert "8 rows read: 7 imported, 0 updated, 0 unchanged, 1 rejected" in report
        assert "Row 3: no e-mail address." in report
        assert "Row 5 (tjue@stud.ntnu.no): Age: tjue is not a number; left empty." in report
        assert "signups-rejects.csv" in report
        assert "Imported into Import test" in text_of(app, "#imp-next")
        assert app.is_running  # [@click=app.quit] in a name did nothing

    assert signups(export_round) == 7
    assert (tmp_path / "signups-rejects.csv").exists()
    stored = {s.name: s for s in SignUp.select().where(SignUp.round == export_round)}
    assert "[b]markup[/b]" in stored and "[@click=app.quit]Evil[/]" in stored
    assert stored["Kari Nordmann"].comment == "Vegetarian"
    assert stored["Per Tjue"].age is None


async def test_a_dry_run_saves_nothing(export_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        await pilot.press("d")
        await settle(pilot)
        report = text_of(app, "#imp-report")
        assert report.startswith("Dry run: nothing was saved.")
        assert "8 rows read: 7 imported" in report
        assert "Press i to import" in text_of(app, "#imp-next")
        assert screen.report is not None and screen.report.dry_run
    assert signups(export_round) == 0


async def test_cancelling_an_import_leaves_the_round_as_it_was(export_round, monkeypatch):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        # A slow import that looks at the cancel button after every row.
        monkeypatch.setattr(run, "PROGRESS_EVERY", 1)
        convert = run.RowConverter.convert

        def slowly(self, number, cells):
            time.sleep(0.1)
            return convert(self, number, cells)

        monkeypatch.setattr(run.RowConverter, "convert", slowly)
        await pilot.press("i")
        await pilot.pause(0.25)
        assert screen.running
        assert screen.query_one("#imp-cancel", Button).display
        assert "press c or Escape to stop" in text_of(app, "#imp-next")
        await pilot.press("c")
        await settle(pilot)
        assert not screen.running
        assert "The import was cancelled; nothing was saved." in messages(app)
        assert "cancelled" in text_of(app, "#imp-next")
        assert screen.report is None
    assert signups(export_round) == 0


async def test_without_an_email_column_importing_is_refused_with_the_reason(export_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        await choose_field(pilot, screen, "Email address", "don't")
        mapping = screen.query_one("#imp-mapping", ColumnsTable)
        fields = dict(zip(cell_texts(mapping, 1), cell_texts(mapping, 2), strict=True))
        assert fields["Email address"] == "not imported · dropped by you"
        problems = text_of(app, "#imp-problems")
        assert "Cannot import yet:" in problems
        assert "No column holds the e-mail address" in problems
        assert screen.query_one("#imp-problems").display
        assert screen.query_one("#imp-run", Button).disabled
        assert "Not ready" in text_of(app, "#imp-next")
        await pilot.press("i")
        await settle(pilot)
        assert screen.report is None and not screen.running

        # Giving the column back makes it importable again.
        await choose_field(pilot, screen, "Email address", "e-mail")
        assert not screen.query_one("#imp-problems").display
        assert not screen.query_one("#imp-run", Button).disabled
    assert signups(export_round) == 0


async def test_a_file_that_cannot_be_read_says_why(export_round, tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "missing.csv")
        assert "no such file" in text_of(app, "#imp-next")
        assert screen.preview is None
        await pilot.press("ctrl+a", "ctrl+k", *"empty.csv", "enter")
        await settle(pilot)
        assert "cannot tell how the columns are separated" in text_of(app, "#imp-next")
        assert app.is_running


async def test_choosing_the_file_in_the_folder_tree(export_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        screen = app.screen
        tree = screen.query_one("#imp-tree")
        tree.focus()
        await settle(pilot)
        labels = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert "signups.csv" in labels
        assert "spleis.db" not in labels  # only files an export can be
        await pilot.press(*["down"] * labels.index("signups.csv"), "enter")
        await settle(pilot)
        assert screen.query_one("#imp-path", Input).value == "signups.csv"
        assert screen.preview is not None
        assert screen.query_one("#imp-mapping", ColumnsTable).row_count == 11


async def test_saving_the_columns_as_a_profile(export_round):
    from spleis_tui.core.importing import profiles

    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        await choose_field(pilot, screen, "Notes for the organisers", "comment")
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"Vår form", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.profile == "Vår form"
    saved = profiles.find_profile("Vår form")
    assert saved is not None and saved.columns["notes for the organisers"] == "comment"


async def test_without_a_round_the_screen_says_to_make_one(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_export(tmp_path)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        assert "create one on the Rounds screen (F6)" in text_of(app, "#imp-next")
        assert screen.query_one("#imp-run", Button).disabled


async def test_the_participants_screen_leads_to_the_import(export_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)


def test_every_import_key_has_an_id():
    ids = known_binding_ids()
    for action in ("browse", "field", "save_profile", "run", "dry_run", "cancel"):
        assert f"import.{action}" in ids
    assert "app.import" in ids and "participants.import" in ids


def test_column_letters_are_the_spreadsheets():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_the_mapping_step(snap_compare, export_round):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press(*"signups.csv", "enter")
        await settle(pilot)
        await pilot.press(*["down"] * 9)  # to the header that looks like markup
        await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


async def test_switching_language_keeps_the_file_and_the_changes(export_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_file(pilot, "signups.csv")
        await choose_field(pilot, screen, "Notes for the organisers", "comment")
        await pilot.press("f9")
        await settle(pilot)
        mapping = screen.query_one("#imp-mapping", ColumnsTable)
        assert mapping.row_count == 11
        fields = dict(zip(cell_texts(mapping, 1), cell_texts(mapping, 2), strict=True))
        assert fields["Notes for the organisers"] == "Kommentar"
        assert screen.query_one("#imp-path", Input).value == "signups.csv"
        await pilot.press("f9")
        await settle(pilot)
        assert app.is_running
