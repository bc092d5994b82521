"""The Activities screen (F7) driven by real key presses: the round's activities by time,
planning one (and a wrong time kept in the form), the catalogue's tips, signing people up
until it is full and the waiting list behind, leaving, a six-week series for every group,
attendance saved in the database, deleting, the catalogue with an entry of one's own,
hostile titles, and how it looks."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from textual.widgets import Input, Label, Static

from spleis_tui.app import SpleisApp
from spleis_tui.core.activities import join, mark_attendance, participants, schedule_activity
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Activity, ActivityType, Attendance
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.signups import add_signup
from spleis_tui.screens import activities as activities_screen
from spleis_tui.screens.activities import ActivitiesScreen
from spleis_tui.screens.activity_forms import ActivityForm, SeriesForm
from spleis_tui.screens.catalogue import CatalogueForm, CatalogueScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen
from spleis_tui.widgets.columns_table import ColumnsTable
from tests.factories import person
from tests.tui_helpers import cell_texts, settle

SIZE = (100, 30)
SNAPSHOT_SIZE = (120, 34)
TODAY = dt.date(2027, 9, 1)
NAMES = [
    "Kari Nordmann",
    "Ola Hansen",
    "Aisha Khan",
    "Bjørn Berg",
    "Chen Li",
    "Dina Dahl",
    "Erik Eide",
    "Frida Fjell",
    "Gunnar Gran",
    "Hege Holm",
]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """ "Upcoming" and the first row chosen depend on the day: make it one day."""
    monkeypatch.setattr(activities_screen, "today", lambda: TODAY)


@pytest.fixture
def planned(db):
    """Ten people in two groups (A: the first five, led by Lea; B: the rest), and three
    activities planned out of time order: a rebus race for four with six signed up, a
    quiz night where attendance was taken, and a pizza evening for Group B."""
    ref = load_reference()
    round_id = create_round("Vennespleis høst 2027").id
    lea = add_leader(
        round_id, {"name": "Lea Lund", "email": "lea@ntnu.no", "role": "trivselsleder"}, ref
    )
    ids = [
        add_signup(round_id, person(name=name, email=f"p{i}@stud.ntnu.no"), ref, consent=True).id
        for i, name in enumerate(NAMES)
    ]
    first, second = create_group(round_id, "Group A"), create_group(round_id, "Group B")
    for signup_id in ids[:5]:
        move_member(signup_id, first.id)
    for signup_id in ids[5:]:
        move_member(signup_id, second.id)
    set_group_leader(first.id, lea.id)
    rebus = schedule_activity(
        round_id,
        {
            "type": "rebuslop",
            "starts_at": dt.datetime(2027, 9, 2, 17, 0),
            "ends_at": dt.datetime(2027, 9, 2, 19, 0),
            "place": "Stripa",
            "campus": "gloshaugen",
            "capacity": 4,
            "leader_id": lea.id,
        },
    )
    join(rebus.id, ids[:6])
    pizza = schedule_activity(
        round_id,
        {
            "title": "Pizza evening",
            "starts_at": dt.datetime(2027, 9, 10, 18, 0),
            "place": "Dragvoll",
            "group_ids": [second.id],
        },
    )
    quiz = schedule_activity(
        round_id,
        {"type": "quiz", "starts_at": dt.datetime(2027, 8, 26, 19, 0), "place": "Samfundet"},
    )
    join(quiz.id, ids[2:8])
    mark_attendance(quiz.id, ids[2:6], True)
    return SimpleNamespace(
        round_id=round_id,
        ids=ids,
        groups=(first.id, second.id),
        rebus=rebus.id,
        pizza=pizza.id,
        quiz=quiz.id,
        lea=lea.id,
    )


@pytest.fixture
def empty_round(db):
    """A round with two groups of three and nothing planned."""
    ref = load_reference()
    round_id = create_round("Turgrupper høst 2027").id
    groups = [create_group(round_id, "Group A"), create_group(round_id, "Group B")]
    for i, name in enumerate(NAMES[:6]):
        signup = add_signup(
            round_id, person(name=name, email=f"h{i}@stud.ntnu.no"), ref, consent=True
        )
        move_member(signup.id, groups[i // 3].id)
    return round_id


async def open_activities(pilot) -> ActivitiesScreen:
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ActivitiesScreen)
    return screen


def activity_table(screen) -> ColumnsTable:
    return screen.query_one("#activity-table", ColumnsTable)


def people_table(screen) -> ColumnsTable:
    return screen.query_one("#people-table", ColumnsTable)


async def choose_activity(pilot, screen, title: str) -> None:
    table = activity_table(screen)
    table.focus()
    target = cell_texts(table, 1).index(title)
    while table.cursor_row != target:
        await pilot.press("down" if table.cursor_row < target else "up")
    await settle(pilot)


def people(screen) -> list[tuple[str, str, str]]:
    table = people_table(screen)
    return [
        (str(cells[0]), str(cells[2]), str(cells[3]))
        for cells in (table.get_row_at(i) for i in range(table.row_count))
    ]


def details(screen) -> str:
    return str(screen.query_one("#activity-details", Static).render())


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_f7_lists_the_rounds_activities_by_time(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        table = activity_table(screen)
        assert cell_texts(table, 1) == ["Quiz night", "Rebus race", "Pizza evening"]
        assert cell_texts(table, 0) == ["Thu 26 Aug 19:00", "Thu  2 Sep 17:00", "Fri 10 Sep 18:00"]
        # Four going of four places and two waiting; the quiz had four of six there.
        assert cell_texts(table, 3) == ["4/6 ✓", "4/4 +2", "0"]
        assert cell_texts(table, 4) == ["", "Lea Lund", ""]
        # The first activity from today on is chosen, with its people.
        assert table.cursor_row == 1
        assert app.focused is table
        assert [name for name, _s, _p in people(screen)][:2] == ["Aisha Khan", "Bjørn Berg"]


async def test_the_list_is_in_norwegian_too(planned):
    app = SpleisApp(lang="nb")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        table = activity_table(screen)
        assert cell_texts(table, 0) == ["tor 26.08 19:00", "tor 02.09 17:00", "fre 10.09 18:00"]
        assert cell_texts(table, 1)[:2] == ["Quiz night", "Rebus race"]  # titles as saved


async def test_switching_language_keeps_the_chosen_activity(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await choose_activity(pilot, screen, "Pizza evening")
        await pilot.press("f9")
        await settle(pilot)
        table = activity_table(screen)
        assert cell_texts(table, 0)[0] == "tor 26.08 19:00"
        assert table.cursor_row == 2
        assert str(screen.query_one("#activity-title", Label).render()) == "Pizza evening"


async def test_choosing_an_activity_shows_the_catalogues_tips_and_plan_b(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        text = details(screen)
        assert "Thursday 2 September 2027, 17:00–19:00" in text
        assert "Stripa · Gløshaugen" in text
        assert "4 places" in text and "leader: Lea Lund" in text
        assert "Small teams solve riddles" in text
        assert "Make the teams beforehand" in text
        assert "Move the race indoors" in text
        assert str(screen.query_one("#activity-title", Label).render()) == "Rebus race"

        await choose_activity(pilot, screen, "Pizza evening")
        text = details(screen)
        assert "only for Group B" in text
        assert "Make the teams" not in text  # no kind, no tips
        assert "nobody yet" in str(screen.query_one("#people-status", Label).render())


async def test_planning_an_activity_keeps_a_wrong_time_in_the_form(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        before = Activity.select().count()
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        # Kind: (no type); then the title and a time that does not exist.
        await pilot.press("tab", *"Waffle Friday", "tab", *"2027-13-01 17:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#form-error", Label).render())
        assert error.startswith("When:")
        assert "2027-13-01 17:00 is not a date and time" in error
        assert form.focused is form.query_one("#f-starts_at")
        assert Activity.select().count() == before

        await pilot.press("ctrl+u", *"2027-09-03 14:00", "tab", *"16:00", "tab", *"Stripa")
        await pilot.press("tab", "tab", *"12", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        saved = Activity.get(Activity.title == "Waffle Friday")
        assert saved.starts_at == dt.datetime(2027, 9, 3, 14, 0)
        assert saved.ends_at == dt.datetime(2027, 9, 3, 16, 0)  # "16:00": the same day
        assert (saved.place, saved.capacity, saved.open_to_all) == ("Stripa", 12, True)
        table = activity_table(screen)
        assert cell_texts(table, 1) == [
            "Quiz night",
            "Rebus race",
            "Waffle Friday",
            "Pizza evening",
        ]
        assert table.cursor_row == 2  # the new one is chosen
        assert "Saved." in messages(app)


async def test_editing_keeps_what_was_not_changed(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert form.query_one("#f-title", Input).value == "Rebus race"
        assert form.query_one("#f-ends_at", Input).value == "2027-09-02 19:00"
        form.query_one("#f-place", Input).focus()
        await pilot.press("ctrl+u", *"Realfagbygget", "ctrl+s")
        await settle(pilot)
    saved = Activity.get_by_id(planned.rebus)
    assert (saved.place, saved.capacity, saved.leader_id) == ("Realfagbygget", 4, planned.lea)
    assert saved.activity_type_id == "rebuslop"


async def test_signing_up_fills_the_places_then_the_waiting_list(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await pilot.press("n", "tab", *"Bowling", "tab", *"2027-09-20 18:00")
        await pilot.press("tab", "tab", "tab", "tab", *"1", "ctrl+s")
        await settle(pilot)
        assert str(screen.query_one("#activity-title", Label).render()) == "Bowling"
        for name in ("Hege", "Gunnar", "Frida"):
            await pilot.press("j")
            await settle(pilot)
            assert isinstance(app.screen, PickScreen)
            await pilot.press(*name, "enter")  # the filter, then the first that matches
            await settle(pilot)
        assert people(screen) == [
            ("Hege Holm", "going", "–"),
            ("Gunnar Gran", "waiting #1", "–"),
            ("Frida Fjell", "waiting #2", "–"),
        ]
        assert "Frida Fjell is on the waiting list." in messages(app)
        assert str(activity_table(screen).get_row_at(3)[3]) == "1/1 +2"


async def test_a_whole_group_can_sign_up_at_once(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await choose_activity(pilot, screen, "Pizza evening")
        await pilot.press("j")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickScreen)
        # Only Group B may join: Group A's people are not offered.
        labels = [label for _key, label in picker.items]
        assert labels[0] == "The whole group Group B (5 members)"
        assert not any("Kari" in label for label in labels)
        await pilot.press("enter")
        await settle(pilot)
        assert [status for _n, status, _p in people(screen)] == ["going"] * 5
        assert str(activity_table(screen).get_row_at(2)[3]) == "5"


async def test_leaving_gives_the_place_to_the_first_waiting(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        assert people(screen)[4:] == [
            ("Chen Li", "waiting #1", "–"),
            ("Dina Dahl", "waiting #2", "–"),
        ]
        await pilot.press("l")  # the list of people needs the focus first
        await settle(pilot)
        assert any("Tab to the list of people" in m for m in messages(app))
        assert len(people(screen)) == 6

        await pilot.press("tab")
        assert app.focused is people_table(screen)
        await pilot.press("l")  # Aisha, the first going
        await settle(pilot)
        assert any(
            "Aisha Khan is off the list. Chen Li got the place from the waiting list." in m
            for m in messages(app)
        )
        assert people(screen) == [
            ("Bjørn Berg", "going", "–"),
            ("Chen Li", "going", "–"),
            ("Kari Nordmann", "going", "–"),
            ("Ola Hansen", "going", "–"),
            ("Dina Dahl", "waiting #1", "–"),
        ]
        assert str(activity_table(screen).get_row_at(1)[3]) == "4/4 +1"
        await pilot.press("escape")
        assert app.focused is activity_table(screen)


async def test_a_series_makes_six_sessions_for_every_group(empty_round):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        assert "Nothing planned yet" in str(screen.query_one("#activities-status").render())
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SeriesForm)
        # Kind (Hike), name, weeks (6), the first day; then the time and the place.
        await pilot.press("tab", "tab", "tab", *"2027-08-30", "tab", "tab", "ctrl+u")
        await pilot.press(*"17:30", "tab", "tab", *"Lian")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert any("Planned 12 sessions for 2 groups" in m for m in messages(app))
        titles = cell_texts(activity_table(screen), 1)
        assert len(titles) == 12
        for group in ("Group A", "Group B"):
            assert [t for t in titles if t.startswith(group)] == [
                f"{group} — Hike {n}/6" for n in range(1, 7)
            ]
        # Mondays from 30 August, both groups at 17:30 in the same week.
        assert cell_texts(activity_table(screen), 0)[:2] == ["Mon 30 Aug 17:30"] * 2
        assert cell_texts(activity_table(screen), 0)[-1] == "Mon  4 Oct 17:30"
        # A session's people are its group's members, without signing up.
        assert [status for _n, status, _p in people(screen)] == ["member"] * 3
        await pilot.press("j")
        await settle(pilot)
        assert not isinstance(app.screen, PickScreen)
        assert any("nobody needs to sign up" in m for m in messages(app))
    assert Activity.select().where(Activity.place == "Lian").count() == 12


async def test_the_filter_shows_series_sessions_or_one_offs(planned):
    from spleis_tui.core.series import create_series

    create_series(planned.round_id, start=dt.date(2027, 8, 30), weekday=2, time="17:00", weeks=2)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        assert activity_table(screen).row_count == 7
        for value, expected in (
            ("series", 4),
            ("single", 3),
            ("upcoming", 6),  # from 1 September: all but the quiz
        ):
            screen.query_one("#activity-filter").value = value
            await settle(pilot)
            assert activity_table(screen).row_count == expected, value
        assert "6 of 7 activities" in str(screen.query_one("#activities-status").render())


async def test_marking_who_came_updates_the_rows_and_the_database(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await pilot.press("tab", "p")
        await settle(pilot)
        assert people(screen)[0] == ("Aisha Khan", "going", "✓")
        assert str(activity_table(screen).get_row_at(1)[3]) == "1/4 ✓"
        assert "1 of 4 came" in str(screen.query_one("#people-status", Label).render())
        aisha = planned.ids[2]
        assert Attendance.get(activity=planned.rebus, signup=aisha).present is True

        await pilot.press("p")  # again: did not come
        await settle(pilot)
        assert people(screen)[0][2] == "✗"
        assert Attendance.get(activity=planned.rebus, signup=aisha).present is False
        assert str(activity_table(screen).get_row_at(1)[3]) == "0/4 ✓"

        await pilot.press("enter")  # and again: not marked
        await settle(pilot)
        assert people(screen)[0][2] == "–"
        assert Attendance.get_or_none(activity=planned.rebus, signup=aisha) is None
        assert str(activity_table(screen).get_row_at(1)[3]) == "4/4 +2"

        await pilot.press("down", "p", "a")  # Bjørn came, then the rest who are going
        await settle(pilot)
        assert [came for _n, _s, came in people(screen)] == ["✓"] * 4 + ["–", "–"]
        assert str(activity_table(screen).get_row_at(1)[3]) == "4/4 ✓"
    marked = {p.name: p.present for p in participants(planned.rebus)}
    assert marked["Bjørn Berg"] and marked["Ola Hansen"] and marked["Chen Li"] is None


async def test_deleting_asks_first(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert Activity.get_or_none(Activity.id == planned.rebus) is not None
        await pilot.press("x", "y")
        await settle(pilot)
        assert Activity.get_or_none(Activity.id == planned.rebus) is None
        assert cell_texts(activity_table(screen), 1) == ["Quiz night", "Pizza evening"]
        assert "Deleted Rebus race." in messages(app)


async def test_the_catalogue_shows_tips_and_takes_an_entry_of_ones_own(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await pilot.press("k")
        await settle(pilot)
        catalogue = app.screen
        assert isinstance(catalogue, CatalogueScreen)
        table = catalogue.query_one(ColumnsTable)
        assert cell_texts(table)[0] == "Rebus race"
        text = str(catalogue.query_one("#catalogue-details", Static).render())
        assert "Make the teams beforehand" in text and "Plan B" in text

        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CatalogueForm)
        await pilot.press(*"kubb", "tab", *"Kubb", "tab", *"Kubb game", "tab")
        await pilot.press(*"Kast pinner på klosser.", "tab", *"Throw sticks at blocks.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is catalogue
        added = ActivityType.get_by_id("kubb")
        assert (added.name_nb, added.name_en, added.shipped) == ("Kubb", "Kubb game", False)
        assert cell_texts(table)[table.cursor_row] == "Kubb game"
        assert "Throw sticks at blocks." in str(
            catalogue.query_one("#catalogue-details", Static).render()
        )

        await pilot.press("n")  # plan one of these
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActivityForm)
        assert form.query_one("#f-type").value == "kubb"
        await pilot.press("tab", "tab", *"2027-09-25 12:00", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    saved = Activity.get(Activity.activity_type == "kubb")
    assert saved.title == "Kubb game"  # the kind's name, since the title was empty


async def test_the_catalogue_in_norwegian(planned):
    app = SpleisApp(lang="nb")
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(pilot)
        await pilot.press("k")
        await settle(pilot)
        table = app.screen.query_one(ColumnsTable)
        assert cell_texts(table)[0] == "Rebusløp"


async def test_a_bad_cost_in_the_catalogue_form_names_the_field(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CatalogueForm)
        await pilot.press(*"Not a code!", "tab", *"Noe")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert str(form.query_one("#form-error", Label).render()).startswith("Code:")
        assert form.focused is form.query_one("#f-code")


async def test_hostile_titles_show_literally(planned):
    schedule_activity(
        planned.round_id,
        {"title": "[b]x[/b]", "place": "[@click=app.quit]y[/]", "starts_at": "2027-09-05 12:00"},
    )
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_activities(pilot)
        await choose_activity(pilot, screen, "[b]x[/b]")
        assert cell_texts(activity_table(screen), 2)[2] == "[@click=app.quit]y[/]"
        assert str(screen.query_one("#activity-title", Label).render()) == "[b]x[/b]"
        assert "[@click=app.quit]y[/]" in details(screen)
        await pilot.click("#activity-details")
        await settle(pilot)
        assert app.is_running


async def test_a_closed_round_refuses_changes_with_a_message(planned):
    set_round_status(planned.round_id, "closed")
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(pilot)
        await pilot.press("tab", "p")
        await settle(pilot)
        assert app.is_running
        assert any("This round is closed" in m for m in messages(app))
    assert Attendance.select().where(Attendance.activity == planned.rebus).count() == 0


async def test_the_keys_are_in_the_command_palette(planned):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Catalogue")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)


# How it looks.


def test_snapshot_of_activities(snap_compare, planned):
    schedule_activity(
        planned.round_id,
        {"title": "[b]Board games[/b]", "starts_at": "2027-09-05 18:00", "place": "[/]"},
    )

    async def run_before(pilot):
        await open_activities(pilot)
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SNAPSHOT_SIZE, run_before=run_before)


def test_snapshot_of_the_catalogue(snap_compare, planned):
    async def run_before(pilot):
        await open_activities(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SNAPSHOT_SIZE, run_before=run_before)
