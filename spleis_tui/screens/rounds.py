"""All rounds: switch to one, create one, change its status, erase it."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.errors import ValidationError
from spleis_tui.core.models import ROUND_STATUSES, database
from spleis_tui.core.rounds import (
    RoundRow,
    current_round,
    delete_round,
    list_rounds,
    set_round_status,
)
from spleis_tui.core.text import fold
from spleis_tui.i18n import N_, _, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import PickScreen, TextPrompt
from spleis_tui.screens.round_form import RoundForm
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

COLUMNS = (
    Column("current", "", 1, sortable=False),
    Column("name", N_("Round"), 22, grow=1),
    Column("kind", N_("Kind"), 15),
    Column("status", N_("Status"), 8),
    Column("dates", N_("Dates"), 21),
    Column("active", N_("Signed up"), 9),
    Column("withdrawn", N_("Withdrawn"), 9),
)


class RoundsScreen(SpleisScreen):
    SECTION = "rounds"
    TITLE_TEXT = N_("Rounds")

    BINDINGS = [
        Binding("u", "use", N_("Work on this round"), id="rounds.use"),
        Binding("n", "new", N_("New round"), id="rounds.new"),
        Binding("s", "status", N_("Status"), id="rounds.status"),
        Binding("x", "delete", N_("Erase round"), id="rounds.delete"),
        Binding("i", "invite", N_("Invite to current round"), id="rounds.invite"),
        Binding("d", "reference", N_("Reference data"), id="rounds.reference"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RoundRow] = []

    def compose_body(self) -> ComposeResult:
        yield ColumnsTable(COLUMNS, id="round-table")
        yield Label("", id="status-line")

    def reload(self, select_key: str | None = None) -> None:
        self._load(select_key)

    @work(thread=True, exclusive=True, group="rounds")
    def _load(self, select_key: str | None) -> None:
        with database.connection_context():
            rows = list_rounds()
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, select_key)

    def _show(self, rows: list[RoundRow], select_key: str | None) -> None:
        self.rows = rows
        table = self.query_one(ColumnsTable)
        table.clear()
        for row in rows:
            dates = ""
            if row.starts_on:
                dates = f"{row.starts_on:%d.%m.%Y}–" + (
                    f"{row.ends_on:%d.%m.%Y}" if row.ends_on else ""
                )
            table.add_row(
                Text("●" if row.id == self.round_id else ""),
                plain(row.name, "bold" if row.id == self.round_id else ""),
                Text(labels.label("kind", row.kind)),
                Text(labels.label("round_status", row.status)),
                Text(dates),
                Text(number(row.active)),
                Text(number(row.withdrawn)),
                key=str(row.id),
            )
        target = select_key or (str(self.round_id) if self.round_id else None)
        if target and target in table.rows:
            table.move_cursor(row=table.get_row_index(target), animate=False)
        text = (
            _("● marks the round you are working on. Enter or u switches to another.")
            if rows
            else _("There are no rounds yet. Press n to create the first one.")
        )
        self.query_one("#status-line", Label).update(Text(text))

    def _current(self) -> RoundRow | None:
        table = self.query_one(ColumnsTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            self.notify(_("Choose a round first."), severity="warning")
            return None
        return self.rows[table.cursor_row]

    def action_use(self) -> None:
        row = self._current()
        if row is not None:
            self.app.use_round(row.id)
            self.notify(_("Now working on {name}.").format(name=row.name), markup=False)

    @on(ColumnsTable.RowSelected)
    def _row_chosen(self) -> None:
        self.action_use()

    def action_new(self) -> None:
        def done(round_id: int | None) -> None:
            if round_id is not None:
                self.app.use_round(round_id)
                self.notify(
                    _("Created {name}; you are working on it now.").format(
                        name=self.app.round_name
                    ),
                    markup=False,
                )
                self.reload(str(round_id))

        self.app.push_screen(RoundForm(), done)

    def action_status(self) -> None:
        row = self._current()
        if row is None:
            return
        items = [(status, labels.label("round_status", status)) for status in ROUND_STATUSES]

        def done(choice: str | None) -> None:
            if choice and self.attempt(lambda: set_round_status(row.id, choice))[0]:
                self.reload(str(row.id))

        title = _("Status of {name}").format(name=row.name)
        self.app.push_screen(PickScreen(title, items, current=row.status), done)

    def action_invite(self) -> None:
        """Invite the chosen (earlier) round's people to the current round, as drafts."""
        row = self._current()
        if row is None or not self.round_id:
            return
        if row.id == self.round_id:
            self.notify(
                _("Choose an earlier round: its people are invited to the current one."),
                severity="warning",
            )
            return
        from spleis_tui.core.invitations import write_invitations
        from spleis_tui.core.text import file_slug
        from spleis_tui.locations import export_dir

        target = self.round_id
        folder = export_dir() / f"{file_slug(self.app.round_name)}-invitations"

        def done(report) -> None:
            if report is not None:
                self.notify(
                    ngettext(
                        "Wrote {n} invitation to {folder}.",
                        "Wrote {n} invitations to {folder}.",
                        report.written,
                    ).format(n=number(report.written), folder=report.folder),
                    markup=False,
                    timeout=10,
                )

        self.app.push_screen(
            TextPrompt(
                _("Invite the people of {earlier} to {round}: folder for the drafts").format(
                    earlier=row.name, round=self.app.round_name
                ),
                str(folder),
                apply=lambda path: _invite(write_invitations, target, row.id, path.strip()),
            ),
            done,
        )

    def action_reference(self) -> None:
        self.app.action_show_section("reference")

    def action_delete(self) -> None:
        row = self._current()
        if row is None:
            return
        count = row.active + row.withdrawn
        question = ngettext(
            "Erase {name} with its {n} sign-up, groups and leaders? This cannot be undone.",
            "Erase {name} with its {n} sign-ups, groups and leaders? This cannot be undone.",
            count,
        ).format(name=row.name, n=number(count))
        question += " " + _("Type the round's name to erase it.")

        def erase_if_named(typed: str) -> bool:
            # A whole round is too much to lose to a stray key: its name must be typed.
            if fold(typed) != fold(row.name):
                raise ValidationError("name", _("That is not the round's name."))
            delete_round(row.id)
            return True

        def done(erased: object) -> None:
            if not erased:
                return
            self.notify(_("Erased {name}.").format(name=row.name), markup=False)
            if row.id == self.round_id:
                nxt = current_round()
                if nxt is not None:
                    self.app.use_round(nxt.id)
                else:
                    self.app.round_name = ""
                    self.app.round_id = None
            self.reload()

        self.app.push_screen(TextPrompt(question, apply=erase_if_named), done)


def _invite(write, target: int, earlier: int, folder: str):
    """Write the drafts; a folder that cannot be made is a message in the prompt."""
    from spleis_tui.core.errors import SpleisError

    try:
        return write(target, [earlier], folder)
    except OSError as error:
        raise SpleisError(f"{folder}: {error.strerror or error}") from error
