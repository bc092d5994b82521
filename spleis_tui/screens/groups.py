"""Groups of the current round with their members: move, lock, rename, dissolve by hand."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.groups import (
    GroupRow,
    MemberRow,
    count_groups,
    create_group,
    dissolve_group,
    group_members,
    list_groups,
    move_member,
    rename_group,
    set_group_leader,
    set_locked,
)
from spleis_tui.core.leaders import list_leaders
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen, TextPrompt
from spleis_tui.widgets.paged_table import Column, PagedTable, PageRequest
from spleis_tui.widgets.plain import plain

GROUP_COLUMNS = (
    Column("name", N_("Group"), 14),
    Column("size", N_("Size"), 4),
    Column("leader", N_("Leader"), 13),
    Column("locked", "🔒", 2),
)


class GroupsScreen(SpleisScreen):
    SECTION = "groups"
    TITLE_TEXT = N_("Groups")
    AUTO_FOCUS = "#group-table"

    BINDINGS = [
        Binding("n", "new_group", N_("New group"), id="groups.new"),
        Binding("r", "rename", N_("Rename"), id="groups.rename"),
        Binding("l", "toggle_lock", N_("Lock"), id="groups.lock"),
        Binding("d", "dissolve", N_("Dissolve"), id="groups.dissolve"),
        Binding("m", "move", N_("Move"), id="groups.move"),
        Binding("x", "remove_member", N_("Take out"), id="groups.remove"),
        Binding("s", "set_leader", N_("Leader"), id="groups.leader"),
        Binding("slash", "focus_search", N_("Search"), show=False, id="groups.search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search = ""
        self.members: list[MemberRow] = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="groups-panes"):
            with Vertical(id="groups-left"):
                yield Input(placeholder=_("Search groups"), id="group-search")
                yield PagedTable(GROUP_COLUMNS, self._load, self._cells, id="group-table")
                yield Label("", id="groups-status")
            with Vertical(id="groups-right"):
                yield Label("", id="members-title")
                members = DataTable(id="member-table", cursor_type="row", zebra_stripes=True)
                yield members
                yield Label("", id="members-status")

    def on_mount(self) -> None:
        members = self.query_one("#member-table", DataTable)
        for key, title, width in (
            ("name", N_("Name"), 20),
            ("gender", N_("Gender"), 10),
            ("age", N_("Age"), 3),
            ("programme", N_("Programme"), 16),
            ("campus", N_("Campus"), 11),
            ("language", N_("Language"), 9),
        ):
            members.add_column(Text(_(title)), key=key, width=width)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#group-table", PagedTable)

    @property
    def member_table(self) -> DataTable:
        return self.query_one("#member-table", DataTable)

    def reload(self, *, select_key: str | None = None) -> None:
        self.table.reload(select_key=select_key)

    def _load(self, request: PageRequest) -> tuple[int | None, list[GroupRow]]:
        round_id = self.round_id or 0
        total = count_groups(round_id, self.search) if request.with_count else None
        rows = list_groups(
            round_id,
            offset=request.offset,
            limit=request.limit,
            search=self.search,
            order_by=request.order_by,
            descending=request.descending,
        )
        return total, rows

    def _cells(self, row: GroupRow) -> tuple[str, list[Text]]:
        return str(row.id), [
            plain(row.name),
            Text(str(row.size)),
            plain(row.leader),
            Text("🔒" if row.locked else ""),
        ]

    def on_paged_table_page_loaded(self, event: PagedTable.PageLoaded) -> None:
        if event.total == 0:
            text = _("No groups yet. Press n to make one, or use matching.")
        else:
            text = _("{first}–{last} of {total}").format(
                first=number(event.offset + 1),
                last=number(event.offset + event.shown),
                total=number(event.total),
            )
        self.query_one("#groups-status", Label).update(Text(text))
        self._show_members()

    @on(DataTable.RowHighlighted, "#group-table")
    def _group_highlighted(self) -> None:
        self._show_members()

    @on(DataTable.RowSelected, "#group-table")
    def _group_chosen(self) -> None:
        if self.member_table.row_count:
            self.member_table.focus()

    @on(Input.Changed, "#group-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self.table.reload(reset=True)

    def action_focus_search(self) -> None:
        self.query_one("#group-search", Input).focus()

    def _show_members(self) -> None:
        group = self.table.current
        table = self.member_table
        keep = table.cursor_row
        table.clear()
        self.members = group_members(group.id) if group else []
        ref, lang = self.app.ref, current_language()
        for member in self.members:
            table.add_row(
                plain(member.name),
                Text(labels.label("gender", member.gender)),
                Text("" if member.age is None else str(member.age)),
                plain(ref.programme_name(member.programme, lang)),
                plain(ref.campus_name(member.campus)),
                Text(labels.label("language", member.language)),
                key=str(member.id),
            )
        if self.members:
            table.move_cursor(row=min(keep, len(self.members) - 1), animate=False)
        title = Text(group.name if group else _("No group chosen"), style="bold")
        if group is not None:
            if group.leader:
                title.append("  ·  " + _("leader: {name}").format(name=group.leader))
            if group.locked:
                title.append("  ·  " + _("locked"))
        self.query_one("#members-title", Label).update(title)
        summary = self._summary(ref, lang)
        self.query_one("#members-status", Label).update(Text(summary if group else ""))

    def _summary(self, ref, lang: str) -> str:
        """A line a person can read: size, campuses, ages, languages, programmes."""
        members = self.members
        parts = [ngettext("{n} member", "{n} members", len(members)).format(n=len(members))]
        campuses = sorted({ref.campus_name(m.campus) for m in members if m.campus})
        if len(campuses) == 1:
            parts.append(_("all on {campus}").format(campus=campuses[0]))
        elif campuses:
            parts.append(", ".join(campuses))
        ages = [m.age for m in members if m.age is not None]
        if ages:
            parts.append(_("ages {low}–{high}").format(low=min(ages), high=max(ages)))
        languages = sorted({labels.label("language", m.language) for m in members})
        if languages:
            parts.append("/".join(languages))
        programmes = {m.programme for m in members if m.programme}
        if programmes:
            parts.append(
                ngettext("{n} programme", "{n} programmes", len(programmes)).format(
                    n=len(programmes)
                )
            )
        return "  ·  ".join(parts)

    # Acting on groups

    def _group(self) -> GroupRow | None:
        group = self.table.current
        if group is None:
            self.notify(_("Choose a group first."), severity="warning")
        return group

    def _member(self) -> MemberRow | None:
        table = self.member_table
        if not self.members or not 0 <= table.cursor_row < len(self.members):
            self.notify(_("Choose a member first (Tab to the member list)."), severity="warning")
            return None
        return self.members[table.cursor_row]

    def _attempt(self, change: Callable[[], object], *, select_key: str | None = None) -> bool:
        try:
            change()
        except SpleisError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.reload(select_key=select_key)
        return True

    def action_new_group(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return

        def done(name: str | None) -> None:
            if name is None:
                return
            try:
                group = create_group(self.round_id, name or None)
            except SpleisError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.reload(select_key=str(group.id))

        self.app.push_screen(TextPrompt(_("Name of the new group (empty for a number)")), done)

    def action_rename(self) -> None:
        group = self._group()
        if group is None:
            return

        def done(name: str | None) -> None:
            if name is not None:
                self._attempt(lambda: rename_group(group.id, name), select_key=str(group.id))

        self.app.push_screen(
            TextPrompt(_("New name for {name}").format(name=group.name), group.name), done
        )

    def action_toggle_lock(self) -> None:
        group = self._group()
        if group is not None:
            self._attempt(lambda: set_locked(group.id, not group.locked), select_key=str(group.id))

    def action_dissolve(self) -> None:
        group = self._group()
        if group is None:
            return
        question = ngettext(
            "Dissolve {name}? Its {n} member stays in the round without a group.",
            "Dissolve {name}? Its {n} members stay in the round without a group.",
            group.size,
        ).format(name=group.name, n=group.size)

        def done(yes: bool | None) -> None:
            if yes:
                self._attempt(lambda: dissolve_group(group.id))

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Dissolve")), done)

    def action_move(self) -> None:
        member = self._member()
        group = self.table.current
        if member is None or group is None:
            return
        others = [g for g in list_groups(self.round_id) if g.id != group.id]
        items = [
            (
                str(g.id),
                ngettext("{name} ({size} member)", "{name} ({size} members)", g.size).format(
                    name=g.name, size=g.size
                )
                + (" 🔒" if g.locked else ""),
            )
            for g in others
        ]
        title = _("Move {name} to which group?").format(name=member.name)

        def done(choice: str | None) -> None:
            if choice is not None:
                self._attempt(lambda: move_member(member.id, int(choice)), select_key=str(group.id))

        self.app.push_screen(PickScreen(title, items), done)

    def action_remove_member(self) -> None:
        member = self._member()
        group = self.table.current
        if member is not None and group is not None:
            self._attempt(lambda: move_member(member.id, None), select_key=str(group.id))

    def action_set_leader(self) -> None:
        group = self._group()
        if group is None:
            return
        leaders = list_leaders(self.round_id)
        items = [("-", _("No leader"))] + [
            (
                str(leader.id),
                f"{leader.name} · {self.app.ref.campus_name(leader.campus)} · "
                + _("{n} of {capacity} groups").format(n=leader.groups, capacity=leader.capacity),
            )
            for leader in leaders
        ]

        def done(choice: str | None) -> None:
            if choice is not None:
                leader = None if choice == "-" else int(choice)
                self._attempt(lambda: set_group_leader(group.id, leader), select_key=str(group.id))

        self.app.push_screen(
            PickScreen(_("Leader for {name}").format(name=group.name), items), done
        )
