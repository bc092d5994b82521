"""Keeping two people apart from the participants screen, by key presses."""

from __future__ import annotations

from textual.widgets import Label

from spleis_tui.app import SpleisApp
from spleis_tui.core.matching.plan import kept_apart
from spleis_tui.core.rounds import current_round
from spleis_tui.screens.dialogs import TextPrompt
from tests.test_tui import SIZE, open_participants
from tests.tui_helpers import settle


async def test_keep_apart_by_typing_the_other_address(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        table = await open_participants(pilot)
        first = table.current
        table.focus()
        await pilot.press("down")
        await settle(pilot)
        second = table.current
        await pilot.press("up", "k")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"nobody@example.org", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#form-error", Label).render())
        assert "nobody@example.org" in error  # named, and the prompt stays open
        await pilot.press("ctrl+a", "ctrl+k", *second.email, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, TextPrompt)
    pairs = {frozenset(pair) for pair in kept_apart(current_round().id)}
    assert pairs == {frozenset((first.name, second.name))}
