"""Leaders of the current round: how many groups each has, the groups of the one under
the cursor (their own view of the round), and giving the groups leaders in one go."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.errors import NotFound, SpleisError
from spleis_tui.core.leader_assignment import (
    AssignmentPlan,
    LeaderGroup,
    describe_shortage,
    leader_groups,
    propose_assignment,
)
from spleis_tui.core.leaders import (
    LeaderRow,
    copy_leaders,
    delete_leader,
    get_leader,
    list_leaders,
)
from spleis_tui.core.models import database
from spleis_tui.core.rounds import list_rounds
from spleis_tui.i18n import N_, _, ngettext
from spleis_tui.screens.assignment_dialog import AssignmentDialog
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen
from spleis_tui.screens.leader_form import LeaderForm
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

# The e-mail, phone and role of the leader under the cursor are above their groups, on
# the right: the list keeps to what choosing a leader for a group needs.
COLUMNS = (
    Column("name", N_("Name"), 17, grow=1),
    Column("campus", N_("Campus"), 11),
    Column("language", N_("Language"), 9),
    Column("groups", N_("Groups"), 6),
)
GROUP_COLUMNS = (
    Column("name", N_("Group"), 10, grow=1),
    Column("size", N_("Size"), 4),
    Column("campus", N_("Campus"), 11),
    Column("meeting_at", N_("First meeting"), 16),
    Column("languages", N_("Languages"), 14, grow=2),
)
MEETING_FORMAT = "%Y-%m-%d %H:%M"  # as the first-meeting form writes it


class LeadersScreen(SpleisScreen):
    SECTION = "leaders"
    TITLE_TEXT = N_("Leaders")
    AUTO_FOCUS = "#leader-table"

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="leaders.add"),
        Binding("e", "edit", N_("Edit"), id="leaders.edit"),
        Binding("x", "remove", N_("Remove"), id="leaders.remove"),
        Binding("c", "copy", N_("Copy from round"), id="leaders.copy"),
        Binding("g", "assign", N_("Assign leaders"), id="leaders.assign"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LeaderRow] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="leaders-panes"):
            with Vertical(id="leaders-left"):
                yield ColumnsTable(COLUMNS, id="leader-table")
                yield Label("", id="status-line")
            with Vertical(id="leaders-right"):
                yield Label("", id="leader-groups-title")
                yield Label("", id="leader-contact")
                yield ColumnsTable(GROUP_COLUMNS, id="leader-group-table")
                yield Label("", id="leader-groups-status")

    def reload(self, select_key: str | None = None) -> None:
        if self.round_id:
            self._load(self.round_id, select_key)
        else:
            self._show([], None)  # the round was erased: show nothing stale

    @work(thread=True, exclusive=True, group="leaders")
    def _load(self, round_id: int, select_key: str | None) -> None:
        with database.connection_context():
            rows = list_leaders(round_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, select_key)

    def _show(self, rows: list[LeaderRow], select_key: str | None) -> None:
        self.rows = rows
        table = self.query_one("#leader-table", ColumnsTable)
        keep = table.cursor_row
        table.clear()
        ref = self.app.ref
        for row in rows:
            load = Text(f"{row.groups}/{row.capacity}")
            if row.groups > row.capacity:
                load.stylize("bold red")
            table.add_row(
                plain(row.name),
                plain(ref.campus_name(row.campus)),
                Text(labels.label("language", row.language)),
                load,
                key=str(row.id),
            )
        if select_key and select_key in table.rows:
            table.move_cursor(row=table.get_row_index(select_key), animate=False)
        elif rows:
            table.move_cursor(row=min(keep, len(rows) - 1), animate=False)
        capacity = sum(r.capacity for r in rows)
        text = (
            ngettext(
                "{n} leader, who can take {capacity} groups.",
                "{n} leaders, who can take {capacity} groups in all.",
                len(rows),
            ).format(n=len(rows), capacity=capacity)
            if rows
            else _("No leaders in this round yet. Press a to add one.")
        )
        self.query_one("#status-line", Label).update(Text(text))
        if not rows:
            self._show_groups(None, [])
        # Otherwise the table's RowHighlighted (first row added, cursor moved) loads the
        # groups of the leader under the cursor.

    # The groups of the leader under the cursor

    @on(ColumnsTable.RowHighlighted, "#leader-table")
    def _leader_highlighted(self, event: ColumnsTable.RowHighlighted) -> None:
        self._load_groups(int(event.row_key))

    @work(thread=True, exclusive=True, group="leader-groups")
    def _load_groups(self, leader_id: int) -> None:
        try:
            with database.connection_context():
                groups = leader_groups(leader_id)
        except NotFound:
            groups = []  # removed meanwhile: the list's own reload shows it gone
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_groups, leader_id, groups)

    def _highlighted(self) -> LeaderRow | None:
        index = self.query_one("#leader-table", ColumnsTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show_groups(self, leader_id: int | None, groups: list[LeaderGroup]) -> None:
        leader = self._highlighted()
        if leader_id is not None and (leader is None or leader.id != leader_id):
            return  # the cursor has moved on: a newer load is coming
        if leader_id is None:
            leader = None
        table = self.query_one("#leader-group-table", ColumnsTable)
        table.clear()
        ref = self.app.ref
        for group in groups:
            languages = ", ".join(
                f"{labels.label('language', code)} {n}" for code, n in group.language_mix
            )
            table.add_row(
                plain(group.name),
                Text(str(group.size)),
                plain(ref.campus_name(group.campus) if group.campus else ""),
                Text(group.meeting_at.strftime(MEETING_FORMAT) if group.meeting_at else ""),
                Text(languages),
                key=str(group.group_id),
            )
        title = self.query_one("#leader-groups-title", Label)
        contact = self.query_one("#leader-contact", Label)
        status = self.query_one("#leader-groups-status", Label)
        if leader is None:
            title.update(Text(_("No leader chosen"), style="bold"))
            contact.update("")
            status.update("")
            return
        title.update(plain(_("Groups of {leader}").format(leader=leader.name), style="bold"))
        parts = [leader.email, leader.phone, labels.label("role", leader.role)]
        contact.update(Text("  ·  ").join(plain(part) for part in parts if part))
        members = sum(group.size for group in groups)
        if groups:
            load = ngettext(
                "{count} of {capacity} group", "{count} of {capacity} groups", leader.capacity
            ).format(count=len(groups), capacity=leader.capacity)
            people = ngettext("{n} member", "{n} members", members).format(n=members)
            status.update(Text(f"{load}  ·  {people}"))
        else:
            status.update(plain(_("{name} leads no group yet.").format(name=leader.name)))

    # Giving the groups leaders

    def action_assign(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        self._propose(self.round_id)

    @work(thread=True, exclusive=True, group="assign")
    def _propose(self, round_id: int) -> None:
        try:
            with database.connection_context():
                plan = propose_assignment(round_id)
                shortage = describe_shortage(plan)
        except SpleisError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_plan, plan, shortage)

    def _show_plan(self, plan: AssignmentPlan, shortage: list[str]) -> None:
        if isinstance(self.app.screen, AssignmentDialog):
            return  # g pressed twice: one dialog is enough
        self.app.push_screen(AssignmentDialog(plan, shortage), self._assigned)

    def _assigned(self, applied: bool | None) -> None:
        if applied:
            self.reload()

    # Acting on leaders

    def _current(self) -> LeaderRow | None:
        table = self.query_one("#leader-table", ColumnsTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            self.notify(_("Choose a leader first."), severity="warning")
            return None
        return self.rows[table.cursor_row]

    def _saved(self, leader_id: int | None) -> None:
        if leader_id is not None:
            self.notify(_("Saved."))
            self.reload(str(leader_id))

    def action_add(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        self.app.push_screen(LeaderForm(self.round_id, self.app.ref), self._saved)

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        found, leader = self.attempt(lambda: get_leader(row.id))
        if found:
            self.app.push_screen(LeaderForm(self.round_id, self.app.ref, leader), self._saved)

    @on(ColumnsTable.RowSelected, "#leader-table")
    def _row_chosen(self) -> None:
        self.action_edit()

    def action_copy(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        rounds = [r for r in list_rounds() if r.id != self.round_id]
        if not rounds:
            self.notify(_("There is no other round to copy leaders from."), severity="warning")
            return
        round_id = self.round_id

        def done(choice: str | None) -> None:
            if choice is None:
                return
            copied, added = self.attempt(lambda: copy_leaders(int(choice), round_id))
            if copied:
                self.notify(
                    ngettext("Copied {n} leader.", "Copied {n} leaders.", added).format(n=added)
                )
                self.reload()

        items = [(str(r.id), r.name) for r in rounds]
        self.app.push_screen(PickScreen(_("Copy the leaders of which round?"), items), done)

    def action_remove(self) -> None:
        row = self._current()
        if row is None:
            return
        question = _("Remove {name} as a leader? Their groups keep going without a leader.").format(
            name=row.name
        )

        def done(yes: bool | None) -> None:
            if yes and self.attempt(lambda: delete_leader(row.id))[0]:
                self.notify(_("Removed {name}.").format(name=row.name), markup=False)
                self.reload()

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Remove")), done)
