"""Groups of the current round with their members: move, lock, rename, dissolve by hand."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.followup import GroupFollowUpRow, group_followups
from spleis_tui.core.groups import (
    GroupRow,
    MemberRow,
    count_groups,
    create_group,
    dissolve_group,
    get_group,
    group_members,
    group_offset,
    list_groups,
    move_member,
    rename_group,
    set_group_leader,
    set_locked,
    swap_members,
)
from spleis_tui.core.leaders import list_leaders
from spleis_tui.core.matching import plan
from spleis_tui.core.matching.criteria import Settings
from spleis_tui.core.matching.explain import breakdown_text
from spleis_tui.core.matching.score import GroupScore, score_group
from spleis_tui.core.matching.summary import decimal
from spleis_tui.core.models import database
from spleis_tui.core.reference import Reference
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen, TextPrompt
from spleis_tui.screens.followup_form import FeedbackImportDialog, GroupFollowUpForm
from spleis_tui.screens.matching import round_settings
from spleis_tui.screens.meeting_form import MeetingForm
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.paged_table import PagedTable, PageRequest
from spleis_tui.widgets.plain import plain

GROUP_COLUMNS = (
    Column("name", N_("Group"), 14, grow=1),
    Column("size", N_("Size"), 4),
    Column("cost", N_("Cost"), 5, sortable=False),
    Column("leader", N_("Leader"), 13, grow=1),
    Column("locked", "🔒", 2),
)
MEMBER_COLUMNS = (
    Column("name", N_("Name"), 20, grow=2),
    Column("gender", N_("Gender"), 10),
    Column("age", N_("Age"), 5),
    Column("programme", N_("Programme"), 16, grow=2),
    Column("campus", N_("Campus"), 11),
    Column("language", N_("Language"), 9),
)
# Matching aims at groups of 4 to 6; moving past this gets a gentle warning.
LARGE_GROUP = 6
# People named in the late sign-ups dialog; the rest are counted.
NAMED_UNPLACED = 5


def group_choices(
    groups: list[GroupRow], ref: Reference, *, without: int | None = None
) -> list[tuple[str, str]]:
    """Picker lines: name, size, campus and a lock for each group."""
    items = []
    for group in groups:
        if group.id == without:
            continue
        line = ngettext("{name} ({size} member)", "{name} ({size} members)", group.size).format(
            name=group.name, size=group.size
        )
        if group.campuses:
            line += " · " + ", ".join(ref.campus_name(c) for c in group.campuses)
        if group.locked:
            line += " 🔒"
        items.append((str(group.id), line))
    return items


class GroupsScreen(SpleisScreen):
    SECTION = "groups"
    TITLE_TEXT = N_("Groups")
    AUTO_FOCUS = "#group-table"

    BINDINGS = [
        # The footer shows the first that fit: the everyday ones first.
        Binding("n", "new_group", N_("New group"), id="groups.new"),
        Binding("m", "move", N_("Move"), id="groups.move"),
        Binding("w", "swap", N_("Swap"), id="groups.swap"),
        Binding("x", "remove_member", N_("Take out"), id="groups.remove"),
        Binding("s", "set_leader", N_("Leader"), id="groups.leader"),
        Binding("p", "share", N_("Rosters & export"), id="groups.share"),
        Binding("t", "tell", N_("Tell the groups"), id="groups.tell"),
        Binding("f", "first_meeting", N_("First meeting"), id="groups.meeting"),
        Binding("a", "late", N_("Late sign-ups"), id="groups.late"),
        Binding("r", "rename", N_("Rename"), id="groups.rename"),
        Binding("l", "toggle_lock", N_("Lock"), id="groups.lock"),
        Binding("d", "dissolve", N_("Dissolve"), id="groups.dissolve"),
        # In F1 and the palette; the footer has no room left at 100 columns.
        Binding("u", "followup", N_("Follow-up"), show=False, id="groups.followup"),
        Binding("b", "feedback", N_("Feedback"), show=False, id="groups.feedback"),
        Binding("slash", "focus_search", N_("Search"), show=False, id="groups.search"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search = ""
        self.members: list[MemberRow] = []
        # What matching knows about the round's people, for each group's cost: loaded in
        # the table's worker, kept until the screen is shown again (answers may change).
        self._cohort: plan.Cohort | None = None
        self._settings: Settings | None = None
        self._cohort_round: int | None = None
        self._scores: dict[int, GroupScore] = {}

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="groups-panes"):
            with Vertical(id="groups-left"):
                yield Input(placeholder=_("Search groups"), id="group-search", compact=True)
                yield PagedTable(GROUP_COLUMNS, self._load, self._cells, id="group-table")
                yield Label("", id="groups-status")
            with Vertical(id="groups-right"):
                yield Label("", id="members-title")
                yield ColumnsTable(MEMBER_COLUMNS, id="member-table")
                yield Label("", id="members-status")
                yield Label("", id="group-breakdown")

    @property
    def table(self) -> PagedTable:
        return self.query_one("#group-table", PagedTable)

    @property
    def member_table(self) -> ColumnsTable:
        return self.query_one("#member-table", ColumnsTable)

    def reload(self, *, select_key: str | None = None) -> None:
        self.table.reload(select_key=select_key)

    def on_screen_resume(self) -> None:
        # Runs before SpleisScreen's handler reloads: answers may have changed elsewhere.
        self._cohort = None

    def round_changed(self) -> None:
        self._cohort = None
        super().round_changed()

    # Runs in the table's worker thread.
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
        self._score_groups(round_id, rows)
        return total, rows

    def _score_groups(self, round_id: int, rows: list[GroupRow]) -> None:
        """Each group's cost as matching sees it (lower is better), with the round's preset."""
        members = {row.id: [m.id for m in group_members(row.id)] for row in rows}
        cohort = self._cohort
        wanted = {i for ids in members.values() for i in ids}
        if cohort is None or self._cohort_round != round_id or not wanted <= cohort.members.keys():
            # First page, another round, or someone the cached cohort does not know yet.
            cohort = plan.load_cohort(round_id) if round_id else None
            self._settings = round_settings(round_id)
            self._cohort, self._cohort_round = cohort, round_id
        if cohort is None or self._settings is None:
            return
        for group_id, ids in members.items():
            known = [cohort.members[i] for i in ids if i in cohort.members]
            self._scores[group_id] = score_group(known, self._settings, cohort.relations)

    def _cells(self, row: GroupRow) -> tuple[str, list[Text]]:
        size = Text(str(row.size), style="bold yellow" if row.size > LARGE_GROUP else "")
        score = self._scores.get(row.id)
        if score is None or not row.size:
            cost = Text("")
        else:
            cost = Text(decimal(score.soft), style="bold red" if score.hard else "")
        return str(row.id), [
            plain(row.name),
            size,
            cost,
            plain(row.leader),
            Text("🔒" if row.locked else ""),
        ]

    def on_paged_table_page_loaded(self, event: PagedTable.PageLoaded) -> None:
        if event.total == 0:
            text = (
                _("No group matches.") if self.search else _("No groups yet. Press n to make one.")
            )
        else:
            text = _("{first}–{last} of {total}").format(
                first=number(event.offset + 1),
                last=number(event.offset + event.shown),
                total=number(event.total),
            )
        self.query_one("#groups-status", Label).update(Text(text), layout=False)
        self._show_members()

    @on(ColumnsTable.RowHighlighted, "#group-table")
    def _group_highlighted(self) -> None:
        self._show_members()

    @on(ColumnsTable.RowSelected, "#group-table")
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
        summary = self._summary(ref) if group else ""
        self.query_one("#members-status", Label).update(Text(summary))
        self.query_one("#group-breakdown", Label).update(self._breakdown())

    def _breakdown(self) -> Text:
        """The chosen group's cost and what its members share, as matching explains it."""
        cohort, settings = self._cohort, self._settings
        if cohort is None or settings is None or not self.members:
            return Text("")
        members = [cohort.members[m.id] for m in self.members if m.id in cohort.members]
        score = score_group(members, settings, cohort.relations)
        text = Text(_("Cost {cost} (lower is better)").format(cost=decimal(score.soft)))
        if score.hard:
            text.append(
                "  ·  "
                + ngettext("breaks {n} hard rule", "breaks {n} hard rules", score.hard).format(
                    n=score.hard
                ),
                style="bold red",
            )
        words = breakdown_text(members, settings, cohort.relations, self.app.ref)
        if words:
            text.append("\n")
            text.append_text(plain(words))
        return text

    def _summary(self, ref: Reference) -> str:
        """A line a person can read: size, campuses, ages, languages, programmes."""
        members = self.members
        parts = [ngettext("{n} member", "{n} members", len(members)).format(n=len(members))]
        campuses = sorted({ref.campus_name(m.campus) for m in members if m.campus})
        if campuses:
            parts.append(", ".join(campuses))
        ages = sorted(m.age for m in members if m.age is not None)
        if ages and ages[0] == ages[-1]:
            parts.append(_("age {age}").format(age=ages[0]))
        elif ages:
            parts.append(_("ages {low}–{high}").format(low=ages[0], high=ages[-1]))
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
        """The member under the cursor, when the member list has the focus."""
        table = self.member_table
        if self.focused is not table or not self.members:
            self.notify(_("Tab to the member list and choose a member first."), severity="warning")
            return None
        return self.members[min(table.cursor_row, len(self.members) - 1)]

    def _attempt(
        self, change: Callable[[], object], done: str, *, select_key: str | None = None
    ) -> bool:
        """Make a change; say what happened, or what was wrong."""
        try:
            change()
        except SpleisError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.notify(done, markup=False)
        self.reload(select_key=select_key)
        return True

    def action_new_group(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        round_id = self.round_id

        def done(group) -> None:
            if group is None:
                return
            self.notify(_("Created {name}.").format(name=group.name), markup=False)
            offset = group_offset(round_id, group.id, self.search)
            self.table.show_row_at(offset, str(group.id))

        self.app.push_screen(
            TextPrompt(
                _("Name of the new group (leave it empty for the next number)"),
                apply=lambda name: create_group(round_id, name.strip() or None),
            ),
            done,
        )

    def action_rename(self) -> None:
        group = self._group()
        if group is None:
            return

        def done(renamed) -> None:
            if renamed is not None:
                self.notify(_("Renamed to {name}.").format(name=renamed.name), markup=False)
                self.reload(select_key=str(group.id))

        self.app.push_screen(
            TextPrompt(
                _("New name for {name}").format(name=group.name),
                group.name,
                apply=lambda name: rename_group(group.id, name),
            ),
            done,
        )

    def action_toggle_lock(self) -> None:
        group = self._group()
        if group is None:
            return
        message = (
            _("Unlocked {name}.") if group.locked else _("Locked {name}: its members stay put.")
        ).format(name=group.name)
        self._attempt(
            lambda: set_locked(group.id, not group.locked), message, select_key=str(group.id)
        )

    def action_dissolve(self) -> None:
        group = self._group()
        if group is None:
            return
        if group.locked:
            self.notify(
                _("{name} is locked. Unlock it first.").format(name=group.name),
                severity="error",
                markup=False,
            )
            return
        question = ngettext(
            "Dissolve {name}? Its {n} member stays in the round without a group.",
            "Dissolve {name}? Its {n} members stay in the round without a group.",
            group.size,
        ).format(name=group.name, n=group.size)

        def done(yes: bool | None) -> None:
            if yes:
                self._attempt(
                    lambda: dissolve_group(group.id),
                    _("Dissolved {name}.").format(name=group.name),
                )

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Dissolve")), done)

    def action_move(self) -> None:
        member = self._member()
        group = self.table.current
        if member is None or group is None:
            return
        items = group_choices(list_groups(self.round_id), self.app.ref, without=group.id)
        title = _("Move {name} to which group?").format(name=member.name)

        def done(choice: str | None) -> None:
            if choice is None:
                return
            target = int(choice)
            moved = self._attempt(
                lambda: move_member(member.id, target),
                moved_message(member.name, target),
                select_key=str(group.id),
            )
            if moved:
                warn_if_large(self, target)

        self.app.push_screen(PickScreen(title, items), done)

    def action_swap(self) -> None:
        """Trade the chosen member for someone in another group: pick the group, then them."""
        member = self._member()
        group = self.table.current
        if member is None or group is None:
            return
        groups = group_choices(list_groups(self.round_id), self.app.ref, without=group.id)
        candidates: dict[str, MemberRow] = {}

        def chose_group(choice: str | None) -> None:
            if choice is None:
                return
            candidates.update({str(m.id): m for m in group_members(int(choice))})
            others = [(key, m.name) for key, m in candidates.items()]
            if not others:
                self.notify(_("That group has nobody to swap with."), severity="warning")
                return
            title = _("Swap {name} with whom?").format(name=member.name)
            self.app.push_screen(PickScreen(title, others), chose_person)

        def chose_person(choice: str | None) -> None:
            if choice is None:
                return
            other = candidates[choice]
            self._attempt(
                lambda: swap_members(member.id, other.id),
                _("{name} and {other} swapped groups.").format(name=member.name, other=other.name),
                select_key=str(group.id),
            )

        title = _("Swap {name} with someone in which group?").format(name=member.name)
        self.app.push_screen(PickScreen(title, groups), chose_group)

    def action_remove_member(self) -> None:
        member = self._member()
        group = self.table.current
        if member is not None and group is not None:
            self._attempt(
                lambda: move_member(member.id, None),
                _("Took {name} out of {group}.").format(name=member.name, group=group.name),
                select_key=str(group.id),
            )

    def action_set_leader(self) -> None:
        group = self._group()
        if group is None:
            return
        leaders = {leader.id: leader for leader in list_leaders(self.round_id)}
        items = [("-", _("No leader"))]
        for leader in leaders.values():
            load = _("{n} of {capacity} groups").format(n=leader.groups, capacity=leader.capacity)
            if leader.groups >= leader.capacity:
                load += " · " + _("full")
            campus = self.app.ref.campus_name(leader.campus)
            items.append((str(leader.id), f"{leader.name} · {campus} · {load}"))

        def done(choice: str | None) -> None:
            if choice is None:
                return
            chosen = None if choice == "-" else leaders[int(choice)]
            message = (
                _("{group} has no leader now.").format(group=group.name)
                if chosen is None
                else _("{name} leads {group}.").format(name=chosen.name, group=group.name)
            )
            changed = self._attempt(
                lambda: set_group_leader(group.id, chosen.id if chosen else None),
                message,
                select_key=str(group.id),
            )
            if changed and chosen is not None and chosen.groups >= chosen.capacity:
                self.notify(
                    _("{name} now leads more groups than the {capacity} they can take.").format(
                        name=chosen.name, capacity=chosen.capacity
                    ),
                    severity="warning",
                    markup=False,
                )

        self.app.push_screen(
            PickScreen(_("Leader for {name}").format(name=group.name), items), done
        )

    # The first meeting, rosters and telling people

    def action_first_meeting(self) -> None:
        row = self._group()
        if row is None:
            return
        ok, group = self.attempt(lambda: get_group(row.id))
        if not ok:
            return
        ids = [g.id for g in list_groups(self.round_id)]

        def done(changed: int | None) -> None:
            if changed:
                self.notify(
                    ngettext(
                        "Saved the first meeting of {n} group.",
                        "Saved the first meeting of {n} groups.",
                        changed,
                    ).format(n=changed)
                )
                self.reload(select_key=str(row.id))

        self.app.push_screen(MeetingForm(group, ids), done)

    def action_share(self) -> None:
        self.app.action_share()

    # Follow-up: did the group meet, and what did the members think

    def action_followup(self) -> None:
        group = self._group()
        if group is not None and self.round_id:
            self._load_followup(self.round_id, group.id)

    @work(thread=True, exclusive=True, group="followup")
    def _load_followup(self, round_id: int, group_id: int) -> None:
        try:
            with database.connection_context():
                rows = group_followups(round_id)
        except SpleisError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        row = next((r for r in rows if r.group_id == group_id), None)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._open_followup, row)

    def _open_followup(self, row: GroupFollowUpRow | None) -> None:
        if row is None:
            self.notify(_("That group is gone."), severity="warning")
            self.reload()
            return
        if isinstance(self.app.screen, GroupFollowUpForm):
            return

        def done(saved: GroupFollowUpRow | None) -> None:
            if saved is not None:
                self.notify(followup_message(saved), markup=False)
                self.reload(select_key=str(saved.group_id))

        self.app.push_screen(GroupFollowUpForm(row), done)

    def action_feedback(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        self.app.push_screen(FeedbackImportDialog(self.round_id))

    def action_tell(self) -> None:
        self.app.action_tell()

    # Late sign-ups

    def action_late(self) -> None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        self.notify(_("Finding places for the late sign-ups…"))
        self._propose_late(self.round_id)

    @work(thread=True, exclusive=True, group="late")
    def _propose_late(self, round_id: int) -> None:
        try:
            with database.connection_context():
                proposal = plan.propose_late(round_id, round_settings(round_id))
        except SpleisError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._confirm_late, proposal)

    def _confirm_late(self, proposal: plan.Proposal) -> None:
        joining = sum(len(g.newcomers) for g in proposal.groups if g.group_id is not None)
        new_groups = [g for g in proposal.groups if g.group_id is None]
        in_new = sum(len(g.members) for g in new_groups)
        placed = joining + in_new
        left = len(proposal.unplaced)
        if not placed and not left:
            self.notify(_("Nobody is waiting for a group."))
            return
        lines = []
        if placed:
            lines.append(
                ngettext("Place {n} late sign-up?", "Place {n} late sign-ups?", placed).format(
                    n=number(placed)
                )
            )
        if joining:
            lines.append(
                "  · "
                + ngettext(
                    "{n} joins an existing group", "{n} join existing groups", joining
                ).format(n=number(joining))
            )
        if new_groups:
            lines.append(
                "  · "
                + ngettext(
                    "{n} new group ({people} people)",
                    "{n} new groups ({people} people)",
                    len(new_groups),
                ).format(n=number(len(new_groups)), people=number(in_new))
            )
        if left:
            lines.append(
                ("  · " if placed else "")
                + ngettext("{n} cannot be placed:", "{n} cannot be placed:", left).format(
                    n=number(left)
                )
            )
            for signup_id, reason in proposal.unplaced[:NAMED_UNPLACED]:
                name = proposal.names.get(signup_id, str(signup_id))
                lines.append(f"    {name}: {reason}")
            if left > NAMED_UNPLACED:
                lines.append("    " + _("and {n} more").format(n=number(left - NAMED_UNPLACED)))
        if not placed:
            self.notify("\n".join(lines), severity="warning", markup=False)
            return
        done_message = ngettext(
            "Placed {n} late sign-up.", "Placed {n} late sign-ups.", placed
        ).format(n=number(placed))

        def done(yes: bool | None) -> None:
            if yes:
                self._attempt(lambda: plan.accept(proposal), done_message)

        self.app.push_screen(ConfirmScreen("\n".join(lines), confirm_label=_("Place them")), done)


def followup_message(row: GroupFollowUpRow) -> str:
    """What was saved, in words: "Gruppe 3: met 4 times." """
    if row.met is None:
        said = _("not known whether it met")
    elif not row.met:
        said = _("did not meet")
    elif row.times_met is None:
        said = _("met")
    else:
        said = ngettext("met {n} time", "met {n} times", row.times_met).format(n=row.times_met)
    return _("Saved the follow-up of {group}: {said}.").format(group=row.name, said=said)


def moved_message(name: str, group_id: int) -> str:
    return _("Moved {name} to {group}.").format(name=name, group=get_group(group_id).name)


def warn_if_large(screen, group_id: int) -> None:
    size = len(group_members(group_id))
    if size > LARGE_GROUP:
        screen.notify(
            _("{group} now has {n} members; groups of 4 to 6 work best.").format(
                group=get_group(group_id).name, n=size
            ),
            severity="warning",
            markup=False,
        )
