"""Participants of the current round: search, filter, add, edit, withdraw, delete, move."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.export import export_participants_csv
from spleis_tui.core.groups import list_groups, move_member
from spleis_tui.core.matching.plan import keep_apart
from spleis_tui.core.models import database
from spleis_tui.core.signups import (
    ParticipantQuery,
    ParticipantRow,
    delete_signup,
    get_signup,
    set_status,
)
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen, TextPrompt
from spleis_tui.screens.groups import group_choices, moved_message, warn_if_large
from spleis_tui.screens.participant_form import ParticipantForm
from spleis_tui.widgets.paged_table import Column, PagedTable, PageRequest
from spleis_tui.widgets.plain import plain


def slug(name: str) -> str:
    """A file-name-friendly form of a round's name."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split()) or "round"


# E-mail goes last: on a narrow terminal it is the column that gets cut.
COLUMNS = (
    Column("name", N_("Name"), 20, grow=3),
    Column("age", N_("Age"), 5),
    Column("campus", N_("Campus"), 11),
    Column("programme", N_("Programme"), 16, grow=3),
    Column("language", N_("Language"), 9),
    Column("group", N_("Group"), 9, grow=1),
    Column("status", N_("Status"), 9),
    Column("email", N_("E-mail"), 26, grow=2),
)
GROUPED = {"yes": True, "no": False}


class ParticipantsScreen(SpleisScreen):
    SECTION = "participants"
    TITLE_TEXT = N_("Participants")
    AUTO_FOCUS = "#table"

    BINDINGS = [
        Binding("a", "add", N_("Add"), id="participants.add"),
        Binding("e", "edit", N_("Edit"), id="participants.edit"),
        Binding("w", "withdraw", N_("Withdraw"), id="participants.withdraw"),
        Binding("x", "delete", N_("Delete"), id="participants.delete"),
        Binding("m", "move", N_("Move"), id="participants.move"),
        Binding("k", "keep_apart", N_("Keep apart"), id="participants.keep_apart"),
        Binding("slash", "focus_search", N_("Search"), id="participants.search"),
        Binding("c", "clear_filters", N_("Clear"), id="participants.clear"),
        Binding("o", "sort", N_("Sort"), id="participants.sort"),
        Binding("ctrl+e", "export", N_("Export"), id="participants.export"),
        # Not in the footer, which is full at 100 columns; F1 and the palette list it.
        Binding("i", "import", N_("Import"), show=False, id="participants.import"),
        Binding("down", "focus_table", N_("To the table"), show=False, id="participants.to_table"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ParticipantQuery(round_id=0)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="filters"):
            yield Input(placeholder=_("Name, e-mail or programme"), id="search", compact=True)
            # Reference data can be typed by anyone: labels are Text, never markup.
            campuses = [(plain(c.name), code) for code, c in self.app.ref.campuses.items()]
            yield Select(campuses, prompt=_("Campus"), id="campus", compact=True)
            yield Select(labels.choices("gender"), prompt=_("Gender"), id="gender", compact=True)
            languages = labels.choices("language")
            yield Select(languages, prompt=_("Language"), id="language", compact=True)
            yield Select(labels.choices("status"), prompt=_("Status"), id="status", compact=True)
            grouped = [(_("In a group"), "yes"), (_("No group"), "no")]
            yield Select(grouped, prompt=_("Group"), id="grouped", compact=True)
        yield PagedTable(COLUMNS, self._load, self._cells, id="table")
        yield Label("", id="status-line")

    @property
    def table(self) -> PagedTable:
        return self.query_one("#table", PagedTable)

    def reload(self, *, select_key: str | None = None) -> None:
        self.query_state.round_id = self.round_id or 0
        self.table.reload(select_key=select_key)

    # Runs in the table's worker thread.
    def _load(self, request: PageRequest) -> tuple[int | None, list[ParticipantRow]]:
        query = ParticipantQuery(**{**self.query_state.__dict__})
        query.order_by, query.descending = request.order_by, request.descending
        total = query.count() if request.with_count else None
        return total, query.page(request.offset, request.limit)

    def _cells(self, row: ParticipantRow) -> tuple[str, list[Text]]:
        ref = self.app.ref
        muted = "dim" if row.status == "withdrawn" else ""
        name = plain(row.name, muted)
        if row.cleaned:
            name.append(" ⚠", style="yellow")  # unsafe characters were removed on the way in
        return str(row.id), [
            name,
            Text(str(row.age) if row.age is not None else "", style=muted),
            plain(ref.campus_name(row.campus), muted),
            plain(ref.programme_name(row.programme, current_language()), muted),
            Text(labels.label("language", row.language), style=muted),
            plain(row.group, muted),
            Text(labels.label("status", row.status), style=muted),
            plain(row.email, muted),
        ]

    def on_paged_table_page_loaded(self, event: PagedTable.PageLoaded) -> None:
        if event.total == 0:
            text = (
                _("Nobody matches.")
                if self._filtered()
                else _(
                    "Nobody has signed up for this round yet. Press i to import a form's "
                    "answers, or a to add someone."
                )
            )
        else:
            text = _("{first}–{last} of {total}").format(
                first=number(event.offset + 1),
                last=number(event.offset + event.shown),
                total=number(event.total),
            )
            text += "  ·  " + _("PgUp/PgDn: pages · click a header to sort")
        self.query_one("#status-line", Label).update(Text(text), layout=False)

    def _filtered(self) -> bool:
        q = self.query_state
        return bool(
            q.search or q.campus or q.gender or q.language or q.status or q.grouped is not None
        )

    # Search and filters

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_state.search = event.value
        self.table.reload(reset=True)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        key = event.select.id or ""
        if key == "grouped":
            self.query_state.grouped = GROUPED.get(str(event.value))
        elif key in ("campus", "gender", "language", "status"):
            value = "" if event.value is Select.NULL else str(event.value)
            setattr(self.query_state, key, value)
        else:
            return
        self.table.reload(reset=True)

    def show_ungrouped(self) -> None:
        """Called from the dashboard: show the active people who have no group yet."""
        self.query_one("#status", Select).value = "active"
        self.query_one("#grouped", Select).value = "no"

    def action_clear_filters(self) -> None:
        self.query_state.grouped = None
        self.query_one("#search", Input).value = ""
        for key in ("campus", "gender", "language", "status", "grouped"):
            self.query_one(f"#{key}", Select).clear()
        self.query_state.search = self.query_state.campus = ""
        self.query_state.gender = self.query_state.language = self.query_state.status = ""
        self.table.reload(reset=True)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    # Actions on the participant under the cursor

    def _current(self) -> ParticipantRow | None:
        row = self.table.current
        if row is None:
            self.notify(_("Choose a participant first."), severity="warning")
        return row

    def action_add(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        self.app.push_screen(ParticipantForm(self.round_id, self.app.ref), self._saved)

    def action_edit(self) -> None:
        row = self._current()
        if row is None:
            return
        found, signup = self.attempt(lambda: get_signup(row.id))
        if found:
            self.app.push_screen(ParticipantForm(self.round_id, self.app.ref, signup), self._saved)

    @on(PagedTable.RowSelected, "#table")
    def _row_chosen(self) -> None:
        self.action_edit()

    def _saved(self, signup_id: int | None) -> None:
        if signup_id is not None:
            found, signup = self.attempt(lambda: get_signup(signup_id))
            if found:
                self.notify(_("Saved {name}.").format(name=signup.name), markup=False)
            self.reload(select_key=str(signup_id))

    def action_withdraw(self) -> None:
        row = self._current()
        if row is None:
            return
        if row.status == "withdrawn":
            self._set_status(row, "active", _("{name} is active again."))
            return
        if row.group:
            question = _("Withdraw {name} from this round? They also leave {group}.")
        else:
            question = _("Withdraw {name} from this round?")

        def done(yes: bool | None) -> None:
            if yes:
                self._set_status(row, "withdrawn", _("{name} has withdrawn."))

        question = question.format(name=row.name, group=row.group)

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Withdraw")), done)

    def action_delete(self) -> None:
        row = self._current()
        if row is None:
            return
        question = _(
            "Delete {name}'s sign-up? Their answers are erased and cannot be brought back."
        ).format(name=row.name)

        def done(yes: bool | None) -> None:
            if yes and self.attempt(lambda: delete_signup(row.id))[0]:
                self.notify(_("{name} was deleted.").format(name=row.name), markup=False)
                self.reload()

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Delete")), done)

    def action_import(self) -> None:
        """Sign-ups from a form's export: the Import screen (F10)."""
        self.app.action_show_section("import")

    def action_export(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        suggested = Path.home() / f"spleis-{slug(self.app.round_name)}.csv"

        def done(path: str | None) -> None:
            if path and path.strip():
                self.notify(_("Exporting…"))
                self._export(self.round_id, path.strip())

        self.app.push_screen(
            TextPrompt(
                _("Save this round's participants as CSV (UTF-8, for Excel) to:"), str(suggested)
            ),
            done,
        )

    @work(thread=True, exclusive=True, group="export")
    def _export(self, round_id: int, path: str) -> None:
        try:
            with database.connection_context():
                count = export_participants_csv(round_id, path)
        except OSError as error:
            message = _("Could not save {path}: {reason}").format(
                path=path, reason=error.strerror or error
            )
            self.app.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        message = ngettext(
            "Saved {n} participant to {path}.", "Saved {n} participants to {path}.", count
        ).format(n=number(count), path=path)
        self.app.call_from_thread(self.notify, message, markup=False)

    def _set_status(self, row: ParticipantRow, status: str, message: str) -> None:
        try:
            set_status(row.id, status)
        except SpleisError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.notify(message.format(name=row.name), markup=False)
        self.reload(select_key=str(row.id))

    def action_move(self) -> None:
        row = self._current()
        if row is None:
            return
        groups = list_groups(self.round_id)
        items = [("-", _("No group")), *group_choices(groups, self.app.ref)]
        current = next((str(g.id) for g in groups if g.name == row.group), "-")
        title = _("Move {name} to which group?").format(name=row.name)

        def done(choice: str | None) -> None:
            if choice is None or choice == current:
                return
            target = None if choice == "-" else int(choice)
            try:
                move_member(row.id, target)
            except SpleisError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            if target is None:
                self.notify(_("{name} is in no group now.").format(name=row.name), markup=False)
            else:
                self.notify(moved_message(row.name, target), markup=False)
                warn_if_large(self, target)
            self.reload(select_key=str(row.id))

        self.app.push_screen(PickScreen(title, items, current=current), done)

    def action_keep_apart(self) -> None:
        """Never group the selected person with someone else (typed by e-mail)."""
        row = self._current()
        if row is None:
            return

        def apply(other: str) -> object:
            created = keep_apart(row.email, other.strip())
            message = (
                _("{name} and {other} will never be put in one group.")
                if created
                else _("{name} and {other} were already kept apart.")
            )
            return message.format(name=row.name, other=other.strip())

        def done(message: object | None) -> None:
            if message:
                self.notify(str(message), markup=False)

        title = _("Keep {name} apart from (e-mail address):").format(name=row.name)
        self.app.push_screen(TextPrompt(title, apply=apply), done)

    def action_sort(self) -> None:
        table = self.table
        items = [(c.key, _(c.title)) for c in table.column_specs if c.sortable]

        def done(key: str | None) -> None:
            if key:
                table.sort_by(key)

        self.app.push_screen(
            PickScreen(_("Sort by (again to reverse)"), items, current=table.order_by), done
        )
