"""The plan for giving the round's groups leaders: who gets whom and why, the groups
left without one and why, and how many leaders are missing where. Nothing is written
until Assign."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Label, Static
from textual.worker import get_current_worker

from spleis_tui.core.errors import SpleisError
from spleis_tui.core.leader_assignment import (
    AssignmentPlan,
    apply_assignment,
    describe_shortage,
    propose_assignment,
)
from spleis_tui.core.models import database
from spleis_tui.i18n import N_, _, ngettext, number
from spleis_tui.screens.base import SpleisModal
from spleis_tui.widgets.plain import plain


def plan_lines(plan: AssignmentPlan) -> Text:
    """One line per group that gets a leader: "Gruppe 3 → Lea Leder (why)"."""
    text = Text()
    for item in plan.assignments:
        if text:
            text.append("\n")
        text.append_text(plain(item.group_name, style="bold"))
        text.append(" → ")
        text.append_text(plain(item.leader_name, style="bold"))
        text.append("  (")
        text.append_text(plain(item.reason))
        text.append(")")
    return text


def unassigned_lines(plan: AssignmentPlan) -> Text:
    """One line per group left without a leader, with why."""
    text = Text()
    for item in plan.unassigned:
        if text:
            text.append("\n")
        text.append_text(plain(item.group_name, style="bold"))
        text.append(": ")
        text.append_text(plain(item.why))
    return text


def lines(texts: list[str]) -> Text:
    """Untrusted lines, one under the other."""
    return Text("\n").join(plain(text) for text in texts)


def headed(heading: str, body: Text) -> Text:
    text = Text(heading, style="bold")
    text.append("\n")
    text.append_text(body)
    return text


class AssignmentDialog(SpleisModal[bool]):
    """Shows a plan and writes it on Assign; returns True when groups got a leader."""

    BINDINGS = [
        # j as in "ja", as in every question Spleis asks.
        Binding("y,j,enter", "assign", N_("Assign"), id="assign.apply"),
        Binding("r", "toggle_replace", N_("Reassign all unlocked groups"), id="assign.replace"),
        Binding("n,escape", "cancel", N_("Cancel"), id="assign.cancel"),
    ]

    def __init__(self, plan: AssignmentPlan, shortage: list[str]) -> None:
        super().__init__()
        self.plan = plan
        self.shortage = shortage  # describe_shortage(plan)
        self.busy = False  # planning again or writing: Assign waits
        self.writing = False
        self._token = 0  # the newest planning; older answers are dropped

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog assign-dialog"):
            yield Label(_("Assign leaders"), classes="dialog-title")
            yield Label("", id="assign-summary")
            yield Checkbox(
                _("Reassign all unlocked groups"),
                self.plan.replace,
                id="assign-replace",
                compact=True,
            )
            with VerticalScroll(id="assign-plan"):
                yield Static("", id="assign-list")
                yield Static("", id="assign-unassigned")
                yield Static("", id="assign-shortage")
            yield Label("", id="form-error", classes="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Assign"), variant="primary", id="assign")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self._render_plan()
        self.query_one("#assign-plan").focus()

    # Showing the plan

    def _render_plan(self) -> None:
        plan = self.plan
        given, left = len(plan.assignments), len(plan.unassigned)
        if given:
            summary = ngettext(
                "{n} group gets a leader.", "{n} groups get a leader.", given
            ).format(n=number(given))
            if left:
                summary += " " + ngettext(
                    "{n} stays without one.", "{n} stay without one.", left
                ).format(n=number(left))
        elif left:
            summary = _("No group can get a leader.")
        elif not any(load.groups_before for load in plan.loads):
            summary = _("The round has no groups yet.")
        elif plan.replace:
            summary = _("There are no unlocked groups to give a leader.")
        else:
            summary = _(
                "Every group has a leader. Tick “Reassign all unlocked groups” to plan them afresh."
            )
        self.query_one("#assign-summary", Label).update(Text(summary))

        listing = self.query_one("#assign-list", Static)
        listing.display = bool(given)
        listing.update(headed(_("Leaders for the groups"), plan_lines(plan)))
        unassigned = self.query_one("#assign-unassigned", Static)
        unassigned.display = bool(left)
        unassigned.update(headed(_("Without a leader"), unassigned_lines(plan)))
        shortage = self.query_one("#assign-shortage", Static)
        shortage.display = bool(self.shortage)
        shortage.update(headed(_("Leaders missing"), lines(self.shortage)))

        self.query_one("#assign", Button).disabled = self.busy or not given
        self.query_one("#assign-replace", Checkbox).disabled = self.busy

    def _show_error(self, message: str) -> None:
        self.query_one("#form-error", Label).update(Text(message))

    # Planning again, with or without the groups that have a leader

    def action_toggle_replace(self) -> None:
        if not self.busy:
            self.query_one("#assign-replace", Checkbox).toggle()

    @on(Checkbox.Changed, "#assign-replace")
    def _replace_changed(self, event: Checkbox.Changed) -> None:
        if event.value == self.plan.replace:
            return
        self.busy = True
        self._token += 1
        self._show_error("")
        self.query_one("#assign-summary", Label).update(Text(_("Planning…")))
        self.query_one("#assign", Button).disabled = True
        self._propose(self._token, self.plan.round_id, event.value)

    @work(thread=True, exclusive=True, group="assign-plan")
    def _propose(self, token: int, round_id: int, replace: bool) -> None:
        try:
            with database.connection_context():
                plan = propose_assignment(round_id, replace=replace)
                shortage = describe_shortage(plan)
        except SpleisError as error:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._proposal_failed, token, str(error))
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._proposed, token, plan, shortage)

    def _proposed(self, token: int, plan: AssignmentPlan, shortage: list[str]) -> None:
        if token != self._token:
            return
        self.busy = False
        self.plan, self.shortage = plan, shortage
        self._render_plan()

    def _proposal_failed(self, token: int, message: str) -> None:
        if token != self._token:
            return
        self.busy = False
        checkbox = self.query_one("#assign-replace", Checkbox)
        with checkbox.prevent(Checkbox.Changed):
            checkbox.value = self.plan.replace  # back to the plan that is shown
        self._render_plan()
        self._show_error(message)

    # Writing it

    def action_assign(self) -> None:
        if self.busy:
            return
        if not self.plan.assignments:
            self.notify(_("There is no group to give a leader."), severity="warning")
            return
        self.busy = self.writing = True
        self._render_plan()
        self._apply(self.plan)

    @work(thread=True, exclusive=True, group="assign-apply")
    def _apply(self, plan: AssignmentPlan) -> None:
        try:
            with database.connection_context():
                changed = apply_assignment(plan)
        except SpleisError as error:
            self.app.call_from_thread(self._apply_failed, str(error))
            return
        self.app.call_from_thread(self._applied, changed, len(plan.assignments))

    def _applied(self, changed: int, planned: int) -> None:
        self.notify(
            ngettext("{n} group got a leader.", "{n} groups got a leader.", changed).format(
                n=number(changed)
            )
        )
        if changed < planned:
            skipped = planned - changed
            self.notify(
                ngettext(
                    "{n} group was left as it is: it or its leader changed since the plan "
                    "was made.",
                    "{n} groups were left as they are: they or their leaders changed since "
                    "the plan was made.",
                    skipped,
                ).format(n=number(skipped)),
                severity="warning",
            )
        self.dismiss(True)

    def _apply_failed(self, message: str) -> None:
        self.busy = self.writing = False
        self._render_plan()
        self._show_error(message)
        self.notify(message, severity="error", markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "assign":
            self.action_assign()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self.writing:  # a write runs to its end: it is one short transaction
            self.dismiss(False)
