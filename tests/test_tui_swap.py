"""Swapping two members by hand on the groups screen, by key presses."""

from __future__ import annotations

from spleis_tui.app import SpleisApp
from spleis_tui.core.models import SignUp
from spleis_tui.screens.dialogs import PickScreen
from spleis_tui.widgets.paged_table import PagedTable
from tests.test_tui import SIZE
from tests.tui_helpers import settle


async def test_swapping_a_member_with_someone_in_another_group(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        source = app.screen.query_one("#group-table", PagedTable).current
        assert source is not None and not source.locked
        moving = app.screen.members[0]
        await pilot.press("tab", "w")
        await settle(pilot)
        groups = app.screen
        assert isinstance(groups, PickScreen)
        target = int(groups.items[0][0])
        await pilot.press("enter")
        await settle(pilot)
        people = app.screen
        assert isinstance(people, PickScreen)
        other = int(people.items[0][0])
        await pilot.press("enter")
        await settle(pilot)
    assert SignUp.get_by_id(moving.id).group_id == target
    assert SignUp.get_by_id(other).group_id == source.id
