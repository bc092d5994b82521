"""The TUI driven by real key presses, on a seeded demo database file."""

from __future__ import annotations

from textual.widgets import Input, Label, Select

from spleis_tui.app import SpleisApp
from spleis_tui.core.groups import create_group, group_members, move_member
from spleis_tui.core.models import Group, Round, SignUp
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import create_round, current_round
from spleis_tui.core.signups import add_signup
from spleis_tui.core.text import sort_key
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen
from spleis_tui.screens.help import HelpScreen
from spleis_tui.screens.participant_form import ParticipantForm
from spleis_tui.widgets.paged_table import PagedTable
from tests.factories import person
from tests.tui_helpers import cell_texts, settle

SIZE = (100, 30)


def status_line(app) -> str:
    return str(app.screen.query_one("#status-line", Label).render())


async def open_participants(pilot) -> PagedTable:
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    return pilot.app.screen.query_one("#table", PagedTable)


async def test_adding_a_participant_with_a_bad_email_then_a_good_one(demo_db):
    round_id = current_round().id
    before = SignUp.select().where(SignUp.round == round_id).count()
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantForm)
        await pilot.press(*"Kari Testesen", "tab", *"kari-at-example")
        form.query_one("#f-consent").focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        error = str(form.query_one("#form-error", Label).render())
        assert error.startswith("E-mail:")
        assert "kari-at-example is not an e-mail address" in error
        assert app.screen is form
        assert form.focused is form.query_one("#f-email")
        assert SignUp.select().where(SignUp.round == round_id).count() == before

        await pilot.press("ctrl+u", *"kari.testesen@stud.ntnu.no", "ctrl+s")
        await settle(pilot)
        error = str(form.query_one("#form-error", Label).render())
        assert error == "Campus: Choose a campus."
        assert form.focused is form.query_one("#f-campus")
        await pilot.press("enter", "down", "enter", "ctrl+s")  # the first campus: Dragvoll
        await settle(pilot)
        assert not isinstance(app.screen, ParticipantForm)
    added = SignUp.get(SignUp.email == "kari.testesen@stud.ntnu.no")
    assert (added.name, added.round_id, added.status) == ("Kari Testesen", round_id, "active")
    assert added.campus == "dragvoll"


async def test_search_and_filter_narrow_the_table(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        everyone = table.total
        target = SignUp.select().where(SignUp.round == app.round_id).order_by(SignUp.id).first()
        surname = target.name.split()[-1]
        await pilot.press("slash", *surname.lower())
        await settle(pilot)
        assert 0 < table.total < everyone
        assert all(
            surname.lower() in name.lower()
            or surname.lower() in str(table.get_row_at(i)[-1]).lower()
            for i, name in enumerate(cell_texts(table))
        )
        assert target.name in cell_texts(table)

        # Tab from the search box to the campus filter, open it, take the first campus.
        await pilot.press("slash", "tab", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")  # campuses are sorted by name: Dragvoll first
        await settle(pilot)
        assert app.screen.query_one("#campus", Select).value == "dragvoll"
        expected = (
            SignUp.select()
            .where(
                (SignUp.round == app.round_id)
                & (SignUp.campus == "dragvoll")
                & SignUp.search_key.contains(surname.lower())
            )
            .count()
        )
        assert table.total == expected
        assert set(cell_texts(table, 2)) <= {"Dragvoll"}

        table.focus()
        await pilot.press("c")
        await settle(pilot)
        assert table.total == everyone


async def test_editing_a_participant(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        first = table.current
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantForm)
        await pilot.press("ctrl+u", *"Aaron Aabakken", "ctrl+s")
        await settle(pilot)
        assert SignUp.get_by_id(first.id).name == "Aaron Aabakken"
        assert cell_texts(table)[0] == "Aaron Aabakken"


async def test_withdrawing_asks_first_and_then_marks_the_person(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        row = table.current
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert SignUp.get_by_id(row.id).status == "active"
        await pilot.press("w", "y")
        await settle(pilot)
        assert SignUp.get_by_id(row.id).status == "withdrawn"
        assert SignUp.get_by_id(row.id).group is None
        assert str(table.get_row(str(row.id))[6]) == "Withdrawn"


async def test_moving_a_member_to_another_group(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        groups = app.screen.query_one("#group-table", PagedTable)
        source = groups.current
        assert source is not None and source.size > 0 and not source.locked
        moving = app.screen.members[0]
        await pilot.press("tab", "m")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickScreen)
        await pilot.press("enter")  # the first other group in the list
        await settle(pilot)
        target_id = int(picker.items[0][0])
        assert SignUp.get_by_id(moving.id).group_id == target_id
        assert moving.id not in [m.id for m in group_members(source.id)]
        assert len(app.screen.members) == source.size - 1


async def test_a_locked_group_refuses_a_move_with_a_message(db):
    ref = load_reference()
    round_id = create_round("Lås").id
    a = add_signup(round_id, person(), ref, consent=True)
    locked, other = create_group(round_id, "A låst"), create_group(round_id, "B åpen")
    move_member(a.id, locked.id)
    Group.update(locked=True).where(Group.id == locked.id).execute()
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("tab", "m", "enter")
        await settle(pilot)
        assert SignUp.get_by_id(a.id).group_id == locked.id
        assert any("locked" in str(n.message) for n in app._notifications)
    assert other.id


async def test_switching_round_shows_that_rounds_people(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        start = app.round_id
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.round_id != start
        assert current_round().id == app.round_id
        table = await open_participants(pilot)
        assert table.total == SignUp.select().where(SignUp.round == app.round_id).count()
        assert Round.get_by_id(app.round_id).name in app.screen.sub_title


async def test_switching_language_translates_the_screen(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        assert app.screen.title == "Participants"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen.title == "Deltakere"
        descriptions = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "Legg til" in descriptions
        assert status_line(app).startswith("1–50 av")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.title == "Oversikt"


async def test_starting_in_norwegian(demo_db):
    app = SpleisApp(lang="nb")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.title == "Oversikt"


async def test_hostile_names_show_literally_and_trigger_nothing(db):
    ref = load_reference()
    round_id = create_round("Fiendtlig").id
    names = ["[/]", "[@click=app.quit]x[/]", "[b]fet[/b]", "Evil\x1b[31mRed"]
    for i, name in enumerate(names):
        add_signup(round_id, person(name=name, email=f"h{i}@stud.ntnu.no"), ref, consent=True)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        shown = cell_texts(table)
        assert "[/]" in shown
        assert "[@click=app.quit]x[/]" in shown
        assert "[b]fet[/b]" in shown
        assert "EvilRed ⚠" in shown
        row = shown.index("[@click=app.quit]x[/]")
        await pilot.click(table, offset=(3, row + 1))
        await settle(pilot)
        assert app.is_running
        await pilot.press("w")  # a dialog that quotes the name
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.is_running


async def test_pages_move_through_a_large_round(db):
    ref = load_reference()
    round_id = create_round("Stor").id
    for i in range(120):
        add_signup(
            round_id, person(name=f"Person {i:03d}", email=f"p{i}@stud.ntnu.no"), ref, consent=True
        )
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        assert table.row_count == 50
        assert status_line(app).startswith("1–50 of 120")
        await pilot.press("pagedown")
        await settle(pilot)
        assert cell_texts(table)[0] == "Person 050"
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert status_line(app).startswith("101–120 of 120")
        await pilot.press("ctrl+home")
        await settle(pilot)
        for _ in range(50):
            await pilot.press("down")
        await settle(pilot)
        assert table.page_offset == 50
        assert table.current.name == "Person 050"


async def test_clicking_a_header_sorts_in_the_database(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        await pilot.click(table, offset=(2, 0))  # the Name header
        await settle(pilot)
        assert table.descending
        names = cell_texts(table)
        assert names == sorted(
            names, key=lambda name: sort_key(name.removesuffix(" ⚠")), reverse=True
        )


async def test_the_command_palette_runs_screen_actions(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Add")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantForm)


async def test_help_lists_the_keys_of_the_screen(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#keys").content
        texts = [str(cell) for column in table.columns for cell in column._cells]
        assert "Withdraw" in texts and "Move" in texts and "F4" in texts
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_dashboard_shows_who_has_no_group(demo_db):
    round_id = current_round().id
    ungrouped = (
        SignUp.select()
        .where((SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.is_null())
        .count()
    )
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        figure = str(app.screen.query_one("#fig-ungrouped").render())
        assert figure.startswith(str(ungrouped))
        await pilot.press("u")
        await settle(pilot)
        table = app.screen.query_one("#table", PagedTable)
        assert table.total == ungrouped
        assert set(cell_texts(table, 5)) == {""}


async def test_a_new_round_from_the_rounds_screen(db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.SECTION == "rounds"  # no round yet: start where one is made
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Turgrupper høst 2027", "ctrl+s")
        await settle(pilot)
        made = Round.get(Round.name == "Turgrupper høst 2027")
        assert app.round_id == made.id
        assert "Turgrupper høst 2027" in cell_texts(app.screen.query_one("#round-table"), 1)


async def test_exporting_the_round_from_the_participants_screen(demo_db, tmp_path):
    target = tmp_path / "deltakere.csv"
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        await pilot.press("ctrl+u", *str(target), "enter")
        await settle(pilot)
        assert any("Saved 150 participants" in str(n.message) for n in app._notifications)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("name,email,phone,gender,age,campus,programme")
    assert len(lines) == 151


async def test_a_users_keymap_moves_a_key(demo_db, tmp_path, monkeypatch):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"participants.add" = "n"\n', encoding="utf-8")
    monkeypatch.setenv("SPLEIS_KEYMAP", str(keymap))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, ParticipantForm)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantForm)


async def test_a_broken_keymap_is_reported_not_fatal(demo_db, tmp_path, monkeypatch):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"participants.add = \n', encoding="utf-8")
    monkeypatch.setenv("SPLEIS_KEYMAP", str(keymap))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("Ignored the keymap" in str(n.message) for n in app._notifications)


async def test_adding_a_campus_on_the_reference_screen(demo_db):
    from spleis_tui.core.models import Campus

    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("d")  # Reference data is reached from Rounds
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"sentrum", "tab", *"Trondheim sentrum", "tab", *"Trondheim", "ctrl+s")
        await settle(pilot)
        assert Campus.get_by_id("sentrum").name == "Trondheim sentrum"
        assert app.ref.campus_name("sentrum") == "Trondheim sentrum"
        assert "Trondheim sentrum" in cell_texts(app.screen.query_one("#ref-campuses"), 1)


async def test_a_programme_needs_a_campus(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("d", "right")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"BKLIMA", "tab", *"Klima", "ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#form-error", Label).render())
        # Named the way the form labels the field.
        assert error == "Campuses: Choose at least one campus."


async def test_switching_language_on_every_screen_keeps_working(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        for key in ("f4", "f9", "f3", "f5", "f6", "f7", "f4", "f2", "f9", "f4"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running
        members = app.screen.query_one("#member-table")
        assert members.row_count > 0
        assert str(members.columns["name"].label) == "Name"


async def test_member_keys_need_the_member_list(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        group = app.screen.query_one("#group-table", PagedTable).current
        await pilot.press("x")
        await settle(pilot)
        assert len(group_members(group.id)) == group.size
        assert any("member list" in str(n.message) for n in app._notifications)


async def test_a_taken_group_name_is_explained_in_the_prompt(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        prompt = app.screen
        await pilot.press(*"gruppe 1", "enter")
        await settle(pilot)
        assert app.screen is prompt
        error = str(prompt.query_one("#form-error", Label).render())
        assert error == "Name: There is already a group called gruppe 1."
        await pilot.press("ctrl+u", *"Turgjengen", "enter")
        await settle(pilot)
        assert app.screen.query_one("#group-table", PagedTable).current.name == "Turgjengen"


async def test_the_move_list_filters_as_you_type(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        # Someone active without a group: nothing (a lock, a withdrawal) stands in the way.
        row = next(i for i, r in enumerate(table.records) if r.status == "active" and not r.group)
        table.move_cursor(row=row)
        person_id = table.current.id
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press(*"gruppe 10", "enter")
        await settle(pilot)
        assert Group.get_by_id(SignUp.get_by_id(person_id).group_id).name == "Gruppe 10"


async def test_unknown_ids_in_a_keymap_are_named(demo_db, tmp_path, monkeypatch):
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('"participants.add" = "n"\n"nonsense.id" = "z"\n', encoding="utf-8")
    monkeypatch.setenv("SPLEIS_KEYMAP", str(keymap))
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("nonsense.id" in m and "participants.add" not in m for m in messages)


async def test_escape_asks_before_throwing_away_what_was_typed(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_participants(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: closes at once
        await settle(pilot)
        assert not isinstance(app.screen, ParticipantForm)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Kari", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantForm)
        assert app.screen.query_one("#f-name", Input).value == "Kari"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert not isinstance(app.screen, (ParticipantForm, ConfirmScreen))


async def test_hostile_labels_in_reference_data_trigger_nothing(db):
    from spleis_tui.core.leaders import add_leader
    from spleis_tui.core.reference import add_campus, add_option

    add_campus("evil", "[@click=app.quit]Evil[/]", "[b]x")
    add_option("interest", "evil", "[/]bad", "[/]bad")
    ref = load_reference()
    round_id = create_round("[b]Runde[/b]").id
    add_signup(round_id, person(campus="evil", programme=""), ref, consent=True)
    create_group(round_id, "[@click=app.quit]Gruppe[/]")
    add_leader(round_id, {"name": "[/]Leder", "email": "l@ntnu.no", "campus": "evil"}, ref)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("f3", "a", "escape", "f4", "f5", "a", "escape", "f6", "f7"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.click("#campus")
        await settle(pilot)
        # The list opens with the prompt first; "[@click=app.quit]Evil[/]" sorts next.
        await pilot.click("SelectOverlay", offset=(4, 1))
        await settle(pilot)
        assert app.screen.query_one("#campus", Select).value == "evil"
        await pilot.click("#campus", offset=(3, 0))  # on the chosen label, "Evil"
        await settle(pilot)
        assert app.is_running
        assert "[b]Runde[/b]" in app.screen.sub_title


async def test_copying_leaders_from_an_earlier_round(demo_db):
    from spleis_tui.core.leaders import list_leaders
    from spleis_tui.core.rounds import list_rounds

    current = current_round().id
    earlier = next(r.id for r in list_rounds() if r.id != current)
    Round.update(status="open").where(Round.id == earlier).execute()
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6", "down", "enter")  # work on the earlier round
        await settle(pilot)
        assert app.round_id == earlier
        await pilot.press("f5")
        await settle(pilot)
        assert list_leaders(earlier) == []
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        copied = {leader.email for leader in list_leaders(earlier)}
        assert copied == {leader.email for leader in list_leaders(current)}
        assert app.screen.query_one("#leader-table").row_count == len(copied)


async def test_erasing_a_round_needs_its_name_typed(demo_db):
    from spleis_tui.screens.dialogs import TextPrompt

    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6", "down")  # the earlier, closed round
        await settle(pilot)
        target = app.screen.rows[1]
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Vennespleis", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)  # not the name: nothing erased
        assert Round.get_or_none(Round.id == target.id) is not None
        await pilot.press("ctrl+u", *target.name.upper(), "enter")
        await settle(pilot)
        assert Round.get_or_none(Round.id == target.id) is None
        assert app.round_id is not None and app.round_id != target.id
        assert any(f"Erased {target.name}." == str(n.message) for n in app._notifications)
