"""What each screen looks like at 100x30 on the seeded demo. Update with --snapshot-update."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from spleis_tui.app import SpleisApp
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import create_round
from spleis_tui.core.signups import add_signup
from tests.factories import person
from tests.tui_helpers import settle


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The Activities screen picks the first activity from today on: pin today."""
    import datetime as dt

    from spleis_tui.screens import activities

    monkeypatch.setattr(activities, "today", lambda: dt.date(2027, 1, 15))


SIZE = (100, 30)


async def steady(pilot) -> None:
    """Workers done, results painted, no blinking cursor."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


SCREENS = {
    "dashboard": [],
    "participants": ["f3"],
    "groups": ["f4"],
    "leaders": ["f5"],
    "rounds": ["f6"],
    "activities": ["f7"],
    "reference": ["f6", "d"],
    "help": ["f3", "f1"],
}


@pytest.mark.parametrize("keys", list(SCREENS.values()), ids=list(SCREENS))
def test_screen(snap_compare, demo_db, keys):
    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await steady(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


def test_participant_form(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("a")
        await steady(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


def test_participants_in_norwegian(snap_compare, demo_db):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f3")
        await steady(pilot)

    assert snap_compare(SpleisApp(lang="nb"), terminal_size=SIZE, run_before=run_before)


def test_hostile_names_show_literally(snap_compare, db):
    ref = load_reference()
    round_id = create_round("Hostile").id
    names = ["[/]", "[@click=app.quit]x[/]", "[b]not bold[/b]", "Evil\x1b[31mRed", "=1+1"]
    for i, name in enumerate(names):
        add_signup(round_id, person(name=name, email=f"h{i}@stud.ntnu.no"), ref, consent=True)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f3")
        await steady(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)


def test_matching_preview(snap_compare, db, monkeypatch):
    from spleis_tui.core.cohort import seed_cohort
    from spleis_tui.core.matching import engine
    from spleis_tui.core.rounds import set_current_round

    set_current_round(seed_cohort(26, 11, round_name="Snapshot").round_id)
    # A budget far inside the time limit: the run ends on its own, the same everywhere.
    monkeypatch.setattr(engine, "EVALUATIONS_PER_SECOND", 2_000)

    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("down")
        await steady(pilot)

    assert snap_compare(SpleisApp(), terminal_size=SIZE, run_before=run_before)
