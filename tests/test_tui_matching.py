"""The matching screen (F8) and late sign-ups on the groups screen, by real key presses."""

from __future__ import annotations

from textual.widgets import Input, Select

from spleis_tui.app import SpleisApp, known_binding_ids
from spleis_tui.core.matching import engine, plan
from spleis_tui.core.matching.criteria import PRESETS
from spleis_tui.core.matching.summary import decimal
from spleis_tui.core.models import Group, SignUp
from spleis_tui.core.rounds import current_round
from spleis_tui.screens.dialogs import ConfirmScreen
from spleis_tui.screens.matching import MatchingScreen
from spleis_tui.widgets.columns_table import ColumnsTable
from spleis_tui.widgets.paged_table import PagedTable
from tests.tui_helpers import cell_texts, settle

SIZE = (100, 30)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_matching(pilot) -> MatchingScreen:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MatchingScreen)
    return screen


async def type_into(pilot, selector: str, text: str) -> None:
    """Replace a field's text the way a person does: go there, clear it, type."""
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.pause()
    await pilot.press("ctrl+a", "ctrl+k", *text)


async def run_quickly(pilot, seconds: str = "0.5") -> MatchingScreen:
    screen = await open_matching(pilot)
    await type_into(pilot, "#m-time", seconds)
    await pilot.press("enter")  # Enter in a settings field runs
    await settle(pilot)
    assert not screen.running
    return screen


def snapshot_of_groups(round_id: int) -> set[tuple[str, frozenset[int]]]:
    groups = {}
    for group in Group.select().where(Group.round == round_id):
        members = SignUp.select(SignUp.id).where(SignUp.group == group.id)
        groups[group.name] = frozenset(s.id for s in members)
    return set(groups.items())


def locked_count(round_id: int) -> int:
    return Group.select().where((Group.round == round_id) & Group.locked).count()


async def test_a_run_shows_the_proposal_worst_group_first(demo_db):
    before = snapshot_of_groups(current_round().id)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        proposal = screen.proposal
        assert proposal is not None and proposal.groups
        assert proposal.seed == 1  # the default seed
        table = screen.query_one("#m-groups", ColumnsTable)
        assert table.row_count == len(proposal.groups)
        assert cell_texts(table) == [str(i + 1) for i in range(len(proposal.groups))]
        costs = [group.score.soft for group in proposal.groups]
        assert cell_texts(table, 2)[0] == decimal(costs[0])
        assert costs == sorted(costs, reverse=True) or any(g.score.hard for g in proposal.groups)
        summary = text_of(app, "#m-summary")
        locked = locked_count(app.round_id)
        assert locked > 0  # the demo locks some groups
        assert summary.startswith(f"Proposal (with the {locked} locked group")
        assert "Hard violations: 0" in summary
        for line in proposal.summary.lines():
            assert line in summary
        state = text_of(app, "#m-state")
        assert state in ("Done.", "Stopped at the time limit: this is the best grouping it found.")
        # The worst group's members are named under the table; the next row's after Down.
        first = proposal.groups[0]
        assert proposal.names[first.members[0]] in text_of(app, "#m-detail")
        assert screen.focused is table
        await pilot.press("down")
        await settle(pilot)
        second = proposal.groups[1]
        assert text_of(app, "#m-detail").startswith("Group 2")
        assert proposal.names[second.members[-1]] in text_of(app, "#m-detail")
        # Nothing is written before accepting.
        assert snapshot_of_groups(app.round_id) == before


async def test_bad_settings_name_the_field_and_run_nothing(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(pilot)
        await type_into(pilot, "#weight-age", "lots")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.proposal is None and not screen.running
        assert "Weight of Age: enter a number of 0 or more." in messages(app)
        assert screen.focused is screen.query_one("#weight-age")
        assert screen.query_one("#weight-age").has_class("-invalid-field")

        await type_into(pilot, "#weight-age", "2,5")  # a Norwegian decimal comma is fine
        await type_into(pilot, "#m-min", "6")  # above the target of 5
        await pilot.press("enter")
        await settle(pilot)
        assert screen.proposal is None
        assert any(m.startswith("Group sizes must satisfy") for m in messages(app))
        assert screen.focused is screen.query_one("#m-min")

        await type_into(pilot, "#m-min", "4")
        await type_into(pilot, "#m-time", "0")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.proposal is None
        assert screen.focused is screen.query_one("#m-time")
        assert any(m.startswith("Time limit:") for m in messages(app))

        await type_into(pilot, "#m-time", "0.3")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.proposal is not None
        assert screen.proposal.settings.weight("age") == 2.5
        assert screen.proposal.settings.min_size == 4


async def test_a_preset_refills_the_fields_and_a_mode_decides_the_weight(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(pilot)
        assert screen.query_one("#m-preset", Select).value == "vennespleis"
        assert screen.query_one("#m-size", Input).value == "5"
        assert screen.query_one("#weight-campus", Input).disabled  # hard: no weight
        assert not screen.query_one("#weight-age", Input).disabled
        await pilot.press("enter", "down", "enter")  # the preset list: Trivselsgrupper
        await settle(pilot)
        assert screen.query_one("#m-preset", Select).value == "trivselsgrupper"
        assert [screen.query_one(f"#{k}", Input).value for k in ("m-size", "m-min", "m-max")] == [
            "9",
            "8",
            "10",
        ]
        assert screen.query_one("#mode-programme", Select).value == "hard"
        assert screen.query_one("#weight-age", Input).value == "0.5"
        assert screen.query_one("#weight-programme", Input).disabled
        settings, seed, limit = screen.read_settings()
        assert settings == PRESETS["trivselsgrupper"]
        assert (seed, limit) == (1, None)


async def test_cancelling_keeps_the_best_so_far_and_says_so(demo_db, monkeypatch):
    # A budget no machine gets through: the run lasts until it is cancelled.
    monkeypatch.setattr(engine, "EVALUATIONS_PER_SECOND", 10**9)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(pilot)
        await type_into(pilot, "#m-time", "600")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert screen.running
        assert "Running" in text_of(app, "#m-state")
        assert screen.query_one("#m-cancel").disabled is False
        await pilot.press("v")  # the screen stays live while it runs
        await pilot.pause()
        assert screen.compare
        await pilot.press("c")
        await settle(pilot)
        assert not screen.running
        proposal = screen.proposal
        assert proposal is not None and proposal.grouping.stopped == "cancelled"
        assert text_of(app, "#m-state").startswith("Cancelled")
        assert "Matching cancelled. The best grouping so far is shown." in messages(app)
        assert screen.query_one("#m-groups", ColumnsTable).row_count == len(proposal.groups)


async def test_escape_cancels_a_run_from_a_settings_field(demo_db, monkeypatch):
    monkeypatch.setattr(engine, "EVALUATIONS_PER_SECOND", 10**9)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(pilot)
        await type_into(pilot, "#m-time", "600")
        await pilot.press("enter")
        await pilot.pause(0.1)
        screen.query_one("#m-seed", Input).focus()
        await pilot.press("escape")
        await settle(pilot)
        assert screen.proposal is not None
        assert screen.proposal.grouping.stopped == "cancelled"


async def test_compare_shows_the_groups_as_they_are(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        assert not screen.query_one("#m-current").display
        await pilot.press("v")
        await settle(pilot)
        assert screen.query_one("#m-current").display
        now = text_of(app, "#m-current")
        current = plan.current_groups(app.round_id, screen.proposal.settings)
        assert now.startswith(f"Now\n{len(current.groups)} groups")
        placed = sum(len(g.members) for g in current.groups)
        assert f"{placed} placed, {len(current.unplaced)} not placed" in now
        assert current.summary.lines()[2] in now  # hard violations
        await pilot.press("v")
        await settle(pilot)
        assert not screen.query_one("#m-current").display


async def test_accepting_replaces_the_unlocked_groups_and_undo_brings_them_back(demo_db):
    round_id = current_round().id
    before = snapshot_of_groups(round_id)
    locked = locked_count(round_id)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        proposal = screen.proposal
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        unlocked = len(before) - locked
        assert dialog.question.startswith(
            f"Replace the {unlocked} unlocked groups with {len(proposal.groups)} new groups? "
            "Locked groups stay."
        )
        await pilot.press("n")  # not yet
        await settle(pilot)
        assert snapshot_of_groups(round_id) == before
        await pilot.press("a", "y")
        await settle(pilot)
        assert Group.select().where(Group.round == round_id).count() == (
            len(proposal.groups) + locked
        )
        proposed = {frozenset(g.members) for g in proposal.groups}
        after = snapshot_of_groups(round_id)
        assert proposed <= {members for _name, members in after}
        assert any(m.startswith("Accepted:") for m in messages(app))
        assert screen.proposal is None and screen.can_undo
        # The groups screen shows them.
        await pilot.press("f4")
        await settle(pilot)
        groups_now = app.screen.query_one("#group-table", PagedTable).total
        assert groups_now == len(proposal.groups) + locked

        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert snapshot_of_groups(round_id) == before
        assert not screen.can_undo
        assert f"Undone: {unlocked} groups are back." in messages(app)


async def test_discard_clears_the_proposal(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        assert screen.proposal is not None
        await pilot.press("d")
        await settle(pilot)
        assert screen.proposal is None
        assert screen.query_one("#m-groups", ColumnsTable).row_count == 0
        await pilot.press("a")  # nothing to accept: no dialog
        await settle(pilot)
        assert app.screen is screen


async def test_accepting_in_a_closed_round_is_a_message(demo_db):
    from spleis_tui.core.rounds import set_round_status

    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        set_round_status(app.round_id, "closed")
        await pilot.press("a", "y")
        await settle(pilot)
        assert app.is_running
        assert any("This round is closed" in m for m in messages(app))
        assert screen.proposal is not None  # still there to accept once it is open


async def test_the_palette_and_the_keymap_know_the_matching_screen(demo_db):
    assert {"app.matching", "matching.run", "matching.accept", "groups.late"} <= (
        known_binding_ids()
    )
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Go to Matching")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MatchingScreen)


async def test_switching_language_keeps_what_was_typed(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_quickly(pilot)
        groups = len(screen.proposal.groups)
        await type_into(pilot, "#m-seed", "7")
        await pilot.press("f9")
        await settle(pilot)
        assert screen.query_one("#m-seed", Input).value == "7"
        assert screen.query_one("#m-time", Input).value == "0.5"
        assert screen.query_one("#m-groups", ColumnsTable).row_count == groups


# The groups screen: each group's cost, and late sign-ups.


async def test_a_groups_cost_follows_a_move(demo_db):
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one("#group-table", PagedTable)
        source = table.current
        settings = PRESETS["vennespleis"]

        def cost_of(group_id: int) -> str:
            current = plan.current_groups(app.round_id, settings)
            group = next(g for g in current.groups if g.group_id == group_id)
            return decimal(group.score.soft)

        expected = cost_of(source.id)
        assert cell_texts(table, 2)[0] == expected
        breakdown = text_of(app, "#group-breakdown")
        assert breakdown.startswith(f"Cost {expected} (lower is better)")
        await pilot.press("tab", "m", "enter")
        await settle(pilot)
        assert cell_texts(table, 2)[0] == cost_of(source.id) != expected
        assert text_of(app, "#group-breakdown").startswith(f"Cost {cost_of(source.id)} ")


async def test_late_sign_ups_are_placed_after_a_question(demo_db):
    round_id = current_round().id

    def waiting() -> int:
        return (
            SignUp.select()
            .where(
                (SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.is_null()
            )
            .count()
        )

    before_waiting = waiting()
    before_groups = Group.select().where(Group.round == round_id).count()
    proposal = plan.propose_late(round_id, PRESETS["vennespleis"])
    new_groups = sum(1 for g in proposal.groups if g.group_id is None)
    left = len(proposal.unplaced)
    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert dialog.question.startswith(f"Place {before_waiting - left} late sign-ups?")
        if new_groups:
            assert f"{new_groups} new group" in dialog.question
        else:
            assert "new group" not in dialog.question
        await pilot.press("y")
        await settle(pilot)
        assert waiting() == left
        assert Group.select().where(Group.round == round_id).count() == before_groups + new_groups
        assert f"Placed {before_waiting - left} late sign-ups." in messages(app)
        assert app.screen.query_one("#group-table", PagedTable).total == before_groups + new_groups
        # Nobody is waiting now but the unplaceable: a second press asks nothing.
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)


async def test_saving_settings_as_a_preset_of_ones_own(demo_db):
    from spleis_tui.core.matching.presets import saved_presets
    from spleis_tui.screens.dialogs import TextPrompt

    app = SpleisApp()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_matching(pilot)
        await type_into(pilot, "#m-size", "4")
        await type_into(pilot, "#m-min", "3")
        screen.query_one("#m-preset", Select).focus()
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Vennespleis", "enter")  # a built-in's name is refused...
        await settle(pilot)
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("ctrl+a", "ctrl+k", *"[b]Små[/b]", "enter")  # ...this is text
        await settle(pilot)
        assert not isinstance(app.screen, TextPrompt)
        assert screen.query_one("#m-preset", Select).value == "[b]Små[/b]"
        assert "Saved the preset [b]Små[/b]." in messages(app)
    saved = saved_presets()["[b]Små[/b]"]
    assert (saved.size, saved.min_size, saved.max_size) == (4, 3, 6)
