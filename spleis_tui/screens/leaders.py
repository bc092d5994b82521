"""Leaders of the current round and how many groups each has."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.worker import get_current_worker

from spleis_tui import labels
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
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen
from spleis_tui.screens.leader_form import LeaderForm
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

COLUMNS = (
    Column("name", N_("Name"), 20, grow=2),
    Column("email", N_("E-mail"), 22, grow=2),
    Column("phone", N_("Phone"), 14),
    Column("campus", N_("Campus"), 11),
    Column("role", N_("Role"), 13),
    Column("groups", N_("Groups"), 7),
)


class LeadersScreen(SpleisScreen):
    SECTION = "leaders"
    TITLE_TEXT = N_("Leaders")

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="leaders.add"),
        Binding("e", "edit", N_("Edit"), id="leaders.edit"),
        Binding("x", "remove", N_("Remove"), id="leaders.remove"),
        Binding("c", "copy", N_("Copy from round"), id="leaders.copy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[LeaderRow] = []

    def compose_body(self) -> ComposeResult:
        yield ColumnsTable(COLUMNS, id="leader-table")
        yield Label("", id="status-line")

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
        table = self.query_one(ColumnsTable)
        keep = table.cursor_row
        table.clear()
        ref = self.app.ref
        for row in rows:
            load = Text(f"{row.groups}/{row.capacity}")
            if row.groups > row.capacity:
                load.stylize("bold red")
            table.add_row(
                plain(row.name),
                plain(row.email),
                plain(row.phone),
                plain(ref.campus_name(row.campus)),
                Text(labels.label("role", row.role)),
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

    def _current(self) -> LeaderRow | None:
        table = self.query_one(ColumnsTable)
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

    @on(ColumnsTable.RowSelected)
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
