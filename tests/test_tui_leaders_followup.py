"""Leaders and their groups, giving groups leaders, and follow-up, driven by real keys."""

from __future__ import annotations

import csv
import datetime as dt
import itertools

import pytest
from textual.widgets import Input, Label, Static

from spleis_tui.app import SpleisApp
from spleis_tui.core.followup import group_followups
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Feedback, Group, SignUp
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rosters import set_first_meeting
from spleis_tui.core.rounds import create_round, set_current_round
from spleis_tui.core.signups import add_signup
from spleis_tui.screens.assignment_dialog import AssignmentDialog
from spleis_tui.screens.followup_form import FeedbackImportDialog, GroupFollowUpForm
from spleis_tui.screens.groups import GroupsScreen
from spleis_tui.screens.leaders import LeadersScreen
from spleis_tui.widgets.columns_table import ColumnsTable
from tests.factories import person
from tests.tui_helpers import cell_texts, settle

SIZE = (120, 34)


class Round:
    """A small trivselsgruppe round, the same every time:

    Gløshaugen: Lea Leder (both languages, 2 groups) leads Gruppe 1 and Gruppe 3; Ola
    Nordmann (Norwegian only) leads nothing; Gruppe 2 needs English, so only Lea could
    take it, and she is full. Dragvoll: Kari Dahl (1 group) and Gruppe 4 without a
    leader. Øya: Gruppe 5 and no leader at all.
    """

    def __init__(self) -> None:
        self.ref = load_reference()
        self.id = create_round("Trivselsgrupper vår 2027", "trivselsgruppe").id
        set_current_round(self.id)
        self.count = itertools.count(1)
        self.emails: list[str] = []
        self.lea = self.leader("Lea Leder", "gloshaugen", "both", 2)
        self.ola = self.leader("Ola Nordmann", "gloshaugen", "no", 2)
        self.kari = self.leader("Kari Dahl", "dragvoll", "both", 1)
        self.groups = {
            "Gruppe 1": self.group("Gruppe 1", "gloshaugen", ["no", "no", "both"]),
            "Gruppe 2": self.group("Gruppe 2", "gloshaugen", ["en", "en", "both", "en"]),
            "Gruppe 3": self.group("Gruppe 3", "gloshaugen", ["no", "en", "both"]),
            "Gruppe 4": self.group("Gruppe 4", "dragvoll", ["no", "no", "no"]),
            "Gruppe 5": self.group("Gruppe 5", "oya", ["no", "both", "no"]),
        }
        set_group_leader(self.groups["Gruppe 1"], self.lea)
        set_group_leader(self.groups["Gruppe 3"], self.lea)
        set_first_meeting(
            [self.groups["Gruppe 1"]],
            place="Stripa, ved kafeen",
            at=dt.datetime(2027, 1, 28, 17, 0),
        )
        set_first_meeting([self.groups["Gruppe 3"]], at=dt.datetime(2027, 1, 29, 16, 30))

    def leader(self, name: str, campus: str, language: str, capacity: int) -> int:
        data = {
            "name": name,
            "email": f"{name.split()[0].lower()}@ntnu.no",
            "phone": "+47 912 34 567",
            "campus": campus,
            "language": language,
            "capacity": capacity,
        }
        return add_leader(self.id, data, self.ref).id

    def group(self, name: str, campus: str, languages: list[str]) -> int:
        group_id = create_group(self.id, name).id
        for language in languages:
            n = next(self.count)
            email = f"student{n}@stud.ntnu.no"
            self.emails.append(email)
            answers = person(
                name=f"Student {n}", email=email, campus=campus, language=language, programme=""
            )
            signup = add_signup(self.id, answers, self.ref, consent=True)
            move_member(signup.id, group_id)
        return group_id


@pytest.fixture
def small_round(db) -> Round:
    return Round()


def leader_of(group_id: int) -> int | None:
    return Group.get_by_id(group_id).leader_id


def label_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())


def static_text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_leaders(pilot) -> LeadersScreen:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, LeadersScreen)
    return pilot.app.screen


async def open_groups(pilot) -> GroupsScreen:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, GroupsScreen)
    return pilot.app.screen


# The leaders and their groups


async def test_the_leader_list_shows_each_leaders_language(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leaders(pilot)
        table = screen.query_one("#leader-table", ColumnsTable)
        assert cell_texts(table) == ["Kari Dahl", "Lea Leder", "Ola Nordmann"]
        assert cell_texts(table, 2) == ["Both", "Both", "Norwegian"]
        assert cell_texts(table, 3) == ["0/1", "2/2", "0/2"]


async def test_highlighting_a_leader_shows_their_groups(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leaders(pilot)
        groups = screen.query_one("#leader-group-table", ColumnsTable)
        assert label_text(screen, "#leader-groups-title") == "Groups of Kari Dahl"
        assert groups.row_count == 0
        assert label_text(screen, "#leader-groups-status") == "Kari Dahl leads no group yet."

        await pilot.press("down")
        await settle(pilot)
        assert label_text(screen, "#leader-groups-title") == "Groups of Lea Leder"
        assert "lea@ntnu.no" in label_text(screen, "#leader-contact")
        assert cell_texts(groups) == ["Gruppe 1", "Gruppe 3"]
        assert cell_texts(groups, 1) == ["3", "3"]
        assert cell_texts(groups, 2) == ["Gløshaugen", "Gløshaugen"]
        assert cell_texts(groups, 3) == ["2027-01-28 17:00", "2027-01-29 16:30"]
        assert cell_texts(groups, 4) == ["Norwegian 2, Both 1", "Norwegian 1, English 1, Both 1"]
        assert label_text(screen, "#leader-groups-status") == "2 of 2 groups  ·  6 members"

        await pilot.press("down")
        await settle(pilot)
        assert label_text(screen, "#leader-groups-title") == "Groups of Ola Nordmann"
        assert groups.row_count == 0


async def test_the_old_keys_still_work_beside_the_groups(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "LeaderForm"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LeadersScreen)


# Giving the groups leaders


async def test_assign_shows_the_plan_and_gives_the_groups_leaders(small_round):
    groups = small_round.groups
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AssignmentDialog)
        assert label_text(dialog, "#assign-summary") == (
            "1 group gets a leader. 2 stay without one."
        )
        plan = static_text(dialog, "#assign-list")
        assert "Gruppe 4 → Kari Dahl  (works on Dragvoll; the group needs Norwegian;" in plan
        unassigned = static_text(dialog, "#assign-unassigned")
        assert "Gruppe 5: No leader works on Øya." in unassigned
        assert "Gruppe 2: Every leader on Gløshaugen who fits already has" in unassigned
        assert leader_of(groups["Gruppe 4"]) is None  # nothing is written before Assign

        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert leader_of(groups["Gruppe 4"]) == small_round.kari
        assert leader_of(groups["Gruppe 2"]) is None
        assert leader_of(groups["Gruppe 5"]) is None
        assert "1 group got a leader." in [str(n.message) for n in app._notifications]
        # The list and the pane show it: Kari, under the cursor, now has Gruppe 4.
        assert cell_texts(screen.query_one("#leader-table", ColumnsTable), 3)[0] == "1/1"
        assert cell_texts(screen.query_one("#leader-group-table", ColumnsTable)) == ["Gruppe 4"]


async def test_the_plan_says_where_leaders_are_missing(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        shortage = dialog.query_one("#assign-shortage", Static)
        assert shortage.display
        text = static_text(dialog, "#assign-shortage")
        assert text.startswith("Leaders missing\n")
        assert "Øya: 1 group without a leader; 1 more leader who speaks Norwegian" in text
        assert "Gløshaugen: 1 group without a leader; 1 more leader who speaks English" in text


async def test_nothing_to_assign_says_so_and_shows_the_shortage(db):
    ref = load_reference()
    round_id = create_round("Bare Øya").id
    set_current_round(round_id)
    group = create_group(round_id, "Gruppe 1").id
    signup = add_signup(round_id, person(campus="oya", programme=""), ref, consent=True)
    move_member(signup.id, group)
    add_leader(round_id, {"name": "Lea Leder", "email": "lea@ntnu.no", "campus": "dragvoll"}, ref)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert label_text(dialog, "#assign-summary") == "No group can get a leader."
        assert "Øya: 1 group without a leader" in static_text(dialog, "#assign-shortage")
        await pilot.press("y")  # nothing to write: the dialog stays and says why
        await settle(pilot)
        assert app.screen is dialog
        assert "There is no group to give a leader." in [str(n.message) for n in app._notifications]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeadersScreen)
    assert leader_of(group) is None


async def test_reassigning_plans_the_groups_that_have_a_leader_too(small_round):
    groups = small_round.groups
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("r")
        await settle(pilot)
        assert dialog.plan.replace
        # Lea speaks English: planned afresh, she takes Gruppe 2, and Ola a Norwegian one.
        assert "Gruppe 2 → Lea Leder" in static_text(dialog, "#assign-list")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LeadersScreen)
    assert leader_of(groups["Gruppe 2"]) == small_round.lea
    assert leader_of(groups["Gruppe 4"]) == small_round.kari
    assert {leader_of(groups["Gruppe 1"]), leader_of(groups["Gruppe 3"])} <= {
        small_round.lea,
        small_round.ola,
    }
    assert leader_of(groups["Gruppe 5"]) is None


async def test_cancel_writes_nothing(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeadersScreen)
    assert leader_of(small_round.groups["Gruppe 4"]) is None


async def test_names_in_the_plan_are_shown_literally(db):
    ref = load_reference()
    round_id = create_round("Fiendtlig").id
    set_current_round(round_id)
    group = create_group(round_id, "[@click=app.quit]x[/]").id
    signup = add_signup(round_id, person(programme=""), ref, consent=True)
    move_member(signup.id, group)
    leader = {"name": "[b]Lea[/b] [/]", "email": "lea@ntnu.no", "campus": "gloshaugen"}
    add_leader(round_id, leader, ref)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_leaders(pilot)
        await pilot.press("g")
        await settle(pilot)
        plan = static_text(app.screen, "#assign-list")
        assert "[@click=app.quit]x[/] → [b]Lea[/b] [/]" in plan
        await pilot.click("#assign-list")
        await pilot.press("y")
        await settle(pilot)
        assert app.is_running
        screen = app.screen
        assert label_text(screen, "#leader-groups-title") == "Groups of [b]Lea[/b] [/]"
        groups = screen.query_one("#leader-group-table", ColumnsTable)
        assert cell_texts(groups) == ["[@click=app.quit]x[/]"]


def test_the_new_keys_can_be_remapped():
    from spleis_tui.app import known_binding_ids

    ids = known_binding_ids()
    assert {"leaders.assign", "groups.followup", "groups.feedback"} <= ids
    assert {"assign.apply", "assign.replace", "feedback.run", "feedback.dry_run"} <= ids


# Follow-up of a group


async def test_follow_up_saves_whether_the_group_met(small_round):
    group_id = small_round.groups["Gruppe 1"]
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GroupFollowUpForm)
        assert form.query_one(".dialog-title", Label).render().plain == "Follow-up of Gruppe 1"
        # Met: Not known -> Yes (the first option), then the times and a note.
        await pilot.press("enter", "home", "enter", "tab", *"4", "tab", *"Bowling, to ganger")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
        messages = [str(n.message) for n in app._notifications]
        assert "Saved the follow-up of Gruppe 1: met 4 times." in messages
    saved = next(r for r in group_followups(small_round.id) if r.group_id == group_id)
    assert (saved.met, saved.times_met, saved.note) == (True, 4, "Bowling, to ganger")


async def test_follow_up_times_alone_says_the_group_met(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("tab", *"2", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
    saved = group_followups(small_round.id)[0]
    assert (saved.met, saved.times_met) == (True, 2)


async def test_follow_up_shows_a_bad_number_of_meetings_at_the_field(small_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_groups(pilot)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        await pilot.press("tab", *"fire", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = label_text(form, "#form-error")
        assert error == "Times met must be a whole number from 0 to 100."
        field = form.query_one("#f-times_met", Input)
        assert form.focused is field
        assert field.has_class("-invalid-field")

        # "Did not meet" with meetings is refused by core, and shown the same way.
        await pilot.press("ctrl+u", "3", "shift+tab", "enter", "up", "enter", "ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert label_text(form, "#form-error") == (
            "Times met: Gruppe 1 did not meet, so it cannot have met 3 times."
        )
    saved = group_followups(small_round.id)[0]
    assert (saved.met, saved.times_met) == (None, None)


# Importing the members' feedback


def write_form_export(path, rows) -> None:
    """A Google Forms CSV export of a small follow-up form."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["Timestamp", "Email", "Did you meet your group?", "How satisfied are you (1-5)?"]
        )
        writer.writerows(rows)


def feedback_rows(small_round) -> list[tuple[str, str, str, str]]:
    first, second, third = small_round.emails[:3]
    return [
        ("2027/03/01 10:00:00 AM GMT+1", first, "Yes", "5"),
        ("2027/03/01 11:00:00 AM GMT+1", second.upper(), "Ja, flere ganger", "4"),
        ("2027/03/01 12:00:00 PM GMT+1", third, "No", "2"),
        ("2027/03/01 01:00:00 PM GMT+1", "stranger@example.com", "Yes", "3"),
        ("2027/03/01 02:00:00 PM GMT+1", "not-an-address", "Yes", "3"),
    ]


async def open_feedback(pilot) -> FeedbackImportDialog:
    await open_groups(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FeedbackImportDialog)
    return pilot.app.screen


async def test_importing_feedback_reports_the_counts_and_saves_the_answers(small_round, tmp_path):
    export = tmp_path / "oppfolging.csv"
    write_form_export(export, feedback_rows(small_round))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_feedback(pilot)
        dialog.query_one("#fb-path", Input).value = str(export)
        await pilot.press("ctrl+s")
        await settle(pilot)
        report = static_text(dialog, "#fb-report")
        assert report.startswith("oppfolging.csv: 5 rows; 3 imported, 0 updated")
        assert "1 unknown e-mail, 1 rejected." in report
        assert "row 5: nobody in the round has the e-mail stranger@example.com." in report
        assert "not-an-address is not an e-mail address." in report
        assert "Dry run" not in report
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
    answers = {f.signup.email: (f.met, f.rating) for f in Feedback.select().join(SignUp)}
    first, second, third = small_round.emails[:3]
    assert answers == {first: (True, 5), second: (True, 4), third: (False, 2)}


async def test_a_dry_run_of_feedback_writes_nothing(small_round, tmp_path):
    export = tmp_path / "oppfolging.csv"
    write_form_export(export, feedback_rows(small_round))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_feedback(pilot)
        # The path as typed, from the home folder; Enter is the dry run.
        await pilot.press(*str(export), "enter")
        await settle(pilot)
        report = static_text(dialog, "#fb-report")
        assert "3 imported" in report
        assert "Dry run: nothing was saved." in report
    assert Feedback.select().count() == 0


async def test_a_missing_feedback_file_is_named(small_round, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_feedback(pilot)
        await pilot.press(*"~/nope.csv", "enter")
        await settle(pilot)
        assert label_text(dialog, "#fb-state") == "There is no file ~/nope.csv."
        (tmp_path / "nope.csv").write_text("Email,Rating\nx@y.no,3\n", encoding="utf-8")
        await pilot.press("enter")  # ~ is the home folder
        await settle(pilot)
        assert "nope.csv: 1 rows" in label_text(dialog, "#fb-state")


async def test_escape_stops_a_running_feedback_import(small_round, tmp_path, monkeypatch):
    import threading

    from spleis_tui.screens import followup_form

    export = tmp_path / "oppfolging.csv"
    write_form_export(export, feedback_rows(small_round))
    started = threading.Event()

    def slow_import(path, round_id, *, dry_run, progress, cancelled):
        from spleis_tui.core.importing.run import ImportCancelled

        started.set()
        progress(0.3)
        while not cancelled():
            threading.Event().wait(0.01)
        raise ImportCancelled("The import was cancelled; nothing was saved.")

    monkeypatch.setattr(followup_form, "import_feedback", slow_import)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_feedback(pilot)
        dialog.query_one("#fb-path", Input).value = str(export)
        await pilot.press("ctrl+s")
        started.wait(5)
        await pilot.pause()
        assert dialog.running
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog  # the first Escape stops; it does not close
        assert not dialog.running
        assert label_text(dialog, "#fb-state") == "The import was cancelled; nothing was saved."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GroupsScreen)
    assert Feedback.select().count() == 0


# What they look like


def _steady_app():
    return SpleisApp()


async def _steady(pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_snapshot_leaders_with_their_groups(snap_compare, small_round):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("down")  # Lea Leder and her two groups
        await _steady(pilot)

    assert snap_compare(_steady_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_leaders_assignment_plan(snap_compare, small_round):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("g")
        await _steady(pilot)

    assert snap_compare(_steady_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_group_follow_up_form(snap_compare, small_round):
    async def run_before(pilot):
        await open_groups(pilot)
        await pilot.press("u")
        await _steady(pilot)

    assert snap_compare(_steady_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_feedback_import_report(snap_compare, small_round, tmp_path, monkeypatch):
    # A path relative to the working folder, so the picture is the same on every machine.
    monkeypatch.chdir(tmp_path)
    write_form_export(tmp_path / "oppfolging.csv", feedback_rows(small_round))

    async def run_before(pilot):
        await open_feedback(pilot)
        await pilot.press(*"oppfolging.csv", "enter")  # a dry run
        await _steady(pilot)

    assert snap_compare(_steady_app(), terminal_size=SIZE, run_before=run_before)
