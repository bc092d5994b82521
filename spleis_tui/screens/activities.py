"""The round's activities by time, and who takes part in the chosen one: plan, sign people
up (with a waiting list), and take attendance. Series of weekly sessions (six hikes per
turgruppe) are made here too."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static
from textual.worker import get_current_worker

from spleis_tui.core.activities import (
    ActivityPerson,
    ActivityRow,
    JoinReport,
    clear_attendance,
    delete_activity,
    get_activity,
    join,
    join_group,
    leave,
    list_activities,
    mark_attendance,
    participants,
)
from spleis_tui.core.catalogue import CatalogueEntry, fits_season, list_catalogue, season_of
from spleis_tui.core.dates import MONTHS, WEEKDAYS, format_meeting_time
from spleis_tui.core.groups import list_groups
from spleis_tui.core.leaders import list_leaders
from spleis_tui.core.models import database
from spleis_tui.core.series import SeriesReport, delete_series, list_series
from spleis_tui.core.signups import ParticipantQuery
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.activity_forms import SEASON_LABELS, ActivityForm, SeriesForm
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.catalogue import CatalogueScreen, InfoScroll, entry_details
from spleis_tui.screens.dialogs import ConfirmScreen, PickScreen
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

ACTIVITY_COLUMNS = (
    Column("when", N_("When"), 16, sortable=False),
    Column("title", N_("Title"), 12, grow=2, sortable=False),
    Column("place", N_("Place"), 6, grow=1, sortable=False),
    Column("people", N_("People"), 8, sortable=False),
    Column("leader", N_("Leader"), 5, grow=1, sortable=False),
)
PEOPLE_COLUMNS = (
    Column("name", N_("Name"), 10, grow=3, sortable=False),
    Column("group", N_("Group"), 6, grow=2, sortable=False),
    Column("status", N_("Status"), 10, sortable=False),
    Column("present", N_("Came"), 4, sortable=False),
)
FILTERS = (
    ("all", N_("All activities")),
    ("upcoming", N_("Upcoming")),
    ("series", N_("Series sessions")),
    ("single", N_("One-off")),
)
# Sign-ups offered when signing people up; a bigger round is narrowed by typing.
MAX_CANDIDATES = 5_000


def today() -> dt.date:
    """The day "upcoming" starts from (a function, so tests can fix it)."""
    return dt.date.today()


def when_text(at: dt.datetime) -> str:
    """A short start time for a list: "Thu 28 Jan 17:00", "tor 28.01 17:00"."""
    lang = "nb" if current_language() == "nb" else "en"
    weekday = WEEKDAYS[lang][at.weekday()][:3]
    if lang == "nb":
        return f"{weekday} {at:%d.%m %H:%M}"
    return f"{weekday} {at.day:>2} {MONTHS['en'][at.month - 1][:3]} {at:%H:%M}"


def people_text(row: ActivityRow) -> Text:
    """ "4/10 +2" (going of places, and waiting), "6" members, or "5/6 ✓" once taken."""
    if row.taken:
        text = Text(f"{row.present}/{row.expected} ")
        text.append("✓", style="bold green")
        return text
    if row.series_id is not None:
        return Text(str(row.expected))
    text = Text(f"{row.going}/{row.capacity}" if row.capacity else str(row.going))
    if row.waiting:
        text.append(f" +{row.waiting}", style="bold yellow")
    return text


def status_text(person: ActivityPerson) -> Text:
    if person.status == "waiting":
        return Text(_("waiting #{n}").format(n=person.position), style="yellow")
    if person.status == "member":
        return Text(_("member"))
    return Text(_("going"))


def present_text(present: bool | None) -> Text:
    if present is None:
        return Text("–", style="dim")
    return Text("✓", style="bold green") if present else Text("✗", style="bold red")


def counted(row: ActivityRow, people: list[ActivityPerson]) -> ActivityRow:
    """The activity's figures worked out again from its people (after a change)."""
    expected = [p for p in people if p.status in ("going", "member")]
    present = sum(1 for p in people if p.present)
    taken = any(p.present is not None for p in people)
    return replace(
        row,
        going=sum(1 for p in people if p.status == "going"),
        waiting=sum(1 for p in people if p.status == "waiting"),
        expected=len(expected),
        present=present,
        taken=taken,
        absent=max(len(expected) - present, 0) if taken else 0,
    )


class ActivitiesScreen(SpleisScreen):
    SECTION = "activities"
    TITLE_TEXT = N_("Activities")
    AUTO_FOCUS = "#activity-table"

    BINDINGS = [
        Binding("n", "new", N_("New"), id="activities.new"),
        Binding("e", "edit", N_("Edit"), id="activities.edit"),
        Binding("x", "delete", N_("Delete"), id="activities.delete"),
        Binding("s", "series", N_("Series"), id="activities.series"),
        Binding("j", "join", N_("Join"), id="activities.join"),
        Binding("l", "leave", N_("Leave"), id="activities.leave"),
        Binding("p", "present", N_("Came"), id="activities.present"),
        Binding("a", "all_present", N_("All came"), id="activities.all_present"),
        Binding("k", "catalogue", N_("Catalogue"), id="activities.catalogue"),
        Binding("escape", "back", N_("Back to the list"), show=False, id="activities.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[ActivityRow] = []
        self.rows: list[ActivityRow] = []  # those the filter shows, in table order
        self.catalogue: dict[str, CatalogueEntry] = {}
        self.people: list[ActivityPerson] = []
        self.people_of: int | None = None  # the activity whose people are shown
        self.filter = "all"
        self.select_key: str | None = None  # the row to choose when the list comes

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="activities-panes"):
            with Vertical(id="activities-left"):
                yield Select(
                    [(_(label), key) for key, label in FILTERS],
                    value=self.filter,
                    allow_blank=False,
                    compact=True,
                    id="activity-filter",
                )
                yield ColumnsTable(ACTIVITY_COLUMNS, id="activity-table")
                yield Label("", id="activities-status")
            with Vertical(id="activities-right"):
                yield Label("", id="activity-title")
                with InfoScroll(id="activity-info"):
                    yield Static("", id="activity-details")
                yield ColumnsTable(PEOPLE_COLUMNS, id="people-table")
                yield Label("", id="people-status")

    @property
    def table(self) -> ColumnsTable:
        return self.query_one("#activity-table", ColumnsTable)

    @property
    def people_table(self) -> ColumnsTable:
        return self.query_one("#people-table", ColumnsTable)

    # Loading

    async def relocalise(self) -> None:
        row = self._activity()
        if row is not None:
            self.select_key = str(row.id)  # the new language keeps the same row chosen
        await super().relocalise()

    def reload(self, select_key: str | None = None) -> None:
        # Kept until a load finishes: closing a form reloads again, without the key.
        if select_key is not None:
            self.select_key = select_key
        if self.round_id:
            self._load(self.round_id)
        else:
            self._show([], {})

    @work(thread=True, exclusive=True, group="activities")
    def _load(self, round_id: int) -> None:
        with database.connection_context():
            rows = list_activities(round_id)
            catalogue = {entry.code: entry for entry in list_catalogue()}
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, catalogue)

    def _show(
        self,
        rows: list[ActivityRow],
        catalogue: dict[str, CatalogueEntry],
    ) -> None:
        select_key, self.select_key = self.select_key, None
        table = self.table
        current = self._activity()
        keep_key = select_key or (str(current.id) if current else None)
        keep_row = table.cursor_row
        self.all_rows = rows
        self.catalogue = catalogue
        self.rows = self._filtered(rows)
        table.replace_rows((str(row.id), self._cells(row)) for row in self.rows)
        if keep_key and keep_key in table.rows:
            table.move_cursor(row=table.get_row_index(keep_key))
        elif current is None and self.rows and keep_row == 0:
            table.move_cursor(row=self._next_upcoming())
        elif self.rows:
            table.move_cursor(row=min(keep_row, len(self.rows) - 1))
        self._update_status()
        self._show_activity()

    def _filtered(self, rows: list[ActivityRow]) -> list[ActivityRow]:
        if self.filter == "upcoming":
            first = today()
            return [r for r in rows if (r.ends_at or r.starts_at).date() >= first]
        if self.filter == "series":
            return [r for r in rows if r.series_id is not None]
        if self.filter == "single":
            return [r for r in rows if r.series_id is None]
        return list(rows)

    def _next_upcoming(self) -> int:
        """The row of the first activity from today on (the last one if all are past)."""
        first = today()
        for index, row in enumerate(self.rows):
            if row.starts_at.date() >= first:
                return index
        return len(self.rows) - 1

    def _cells(self, row: ActivityRow) -> list[Text]:
        return [
            Text(when_text(row.starts_at)),
            plain(row.title),
            plain(row.place or (self.app.ref.campus_name(row.campus) if row.campus else "")),
            people_text(row),
            plain(row.leader),
        ]

    def _update_status(self) -> None:
        shown, total = len(self.rows), len(self.all_rows)
        if not total:
            text = _("Nothing planned yet. Press n for an activity or s for weekly sessions.")
        elif shown == total:
            text = ngettext("{n} activity", "{n} activities", total).format(n=number(total))
        else:
            text = _("{shown} of {total} activities").format(
                shown=number(shown), total=number(total)
            )
        self.query_one("#activities-status", Label).update(Text(text), layout=False)

    @on(Select.Changed, "#activity-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.filter:
            return
        self.filter = str(event.value)
        self._show(self.all_rows, self.catalogue)

    # The chosen activity

    def _activity(self) -> ActivityRow | None:
        table = self.table
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(ColumnsTable.RowHighlighted, "#activity-table")
    def _activity_highlighted(self) -> None:
        self._show_activity()

    @on(ColumnsTable.RowSelected, "#activity-table")
    def _activity_chosen(self) -> None:
        if self.people_table.row_count:
            self.people_table.focus()

    def _show_activity(self) -> None:
        row = self._activity()
        title = self.query_one("#activity-title", Label)
        details = self.query_one("#activity-details", Static)
        if row is None:
            title.update(Text(_("No activity chosen"), style="bold"))
            details.update("")
            self.people = []
            self.people_of = None
            self.people_table.clear()
            self.query_one("#people-status", Label).update("")
            return
        title.update(plain(row.title, style="bold"))
        details.update(self._details(row))
        self.query_one("#activity-info", InfoScroll).scroll_home(animate=False)
        if self.people_of != row.id:
            self.people = []
            self.people_of = row.id
            self.people_table.clear()
        self._load_people(row.id)

    def _details(self, row: ActivityRow) -> Text:
        ref = self.app.ref
        text = Text()
        when = format_meeting_time(row.starts_at)
        if row.ends_at is not None:
            same_day = row.ends_at.date() == row.starts_at.date()
            when += "–" + (f"{row.ends_at:%H:%M}" if same_day else format_meeting_time(row.ends_at))
        text.append(when + "\n")
        where = [row.place, ref.campus_name(row.campus) if row.campus else ""]
        if any(where):
            text.append_text(plain("  ·  ".join(part for part in where if part)))
            text.append("\n")
        facts = []
        if row.series_id is not None:
            facts.append(
                _("session {n}, for {groups}").format(
                    n=row.session, groups=", ".join(row.group_names)
                )
            )
        elif row.group_names:
            facts.append(_("only for {groups}").format(groups=", ".join(row.group_names)))
        else:
            facts.append(_("open to everybody in the round"))
        if row.series_id is None:
            facts.append(
                ngettext("{n} place", "{n} places", row.capacity).format(n=row.capacity)
                if row.capacity
                else _("room for everybody")
            )
        if row.leader:
            facts.append(_("leader: {name}").format(name=row.leader))
        text.append_text(plain("  ·  ".join(facts)))
        entry = self.catalogue.get(row.type_code) if row.type_code else None
        if entry is not None:
            if not fits_season(entry, row.starts_at.date()):
                text.append("\n")
                text.append(
                    _("{kind} suits {seasons}; this is in {season}.").format(
                        kind=entry.name(),
                        seasons=", ".join(_(SEASON_LABELS[s]) for s in entry.seasons),
                        season=_(SEASON_LABELS[season_of(row.starts_at.date())]),
                    ),
                    style="bold yellow",
                )
            text.append("\n\n")
            text.append_text(entry_details(entry, heading=False))
        return text

    @work(thread=True, exclusive=True, group="activity-people")
    def _load_people(self, activity_id: int) -> None:
        with database.connection_context():
            try:
                people = participants(activity_id)
            except Exception:  # erased meanwhile: the next list load shows that
                people = []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_people, activity_id, people)

    def _show_people(self, activity_id: int, people: list[ActivityPerson]) -> None:
        if activity_id != self.people_of:
            return  # another activity was chosen meanwhile
        table = self.people_table
        keep = table.cursor_row
        self.people = people
        table.replace_rows((str(p.signup_id), self._person_cells(p)) for p in people)
        if people:
            table.move_cursor(row=min(keep, len(people) - 1))
        self._people_changed()

    def _person_cells(self, person: ActivityPerson) -> list[Text]:
        return [
            plain(person.name),
            plain(person.group),
            status_text(person),
            present_text(person.present),
        ]

    def _people_changed(self) -> None:
        """The people list changed: redraw the activity's row and the summary below."""
        row = self._activity()
        if row is None or row.id != self.people_of:
            return
        new = counted(row, self.people)
        if new != row:
            self.rows[self.rows.index(row)] = new
            self.all_rows = [new if r.id == new.id else r for r in self.all_rows]
            self.table.update_row(str(new.id), self._cells(new))
        parts = []
        if new.series_id is not None:
            parts.append(ngettext("{n} member", "{n} members", new.expected).format(n=new.expected))
        else:
            parts.append(ngettext("{n} going", "{n} going", new.going).format(n=new.going))
            if new.waiting:
                parts.append(
                    ngettext("{n} waiting", "{n} waiting", new.waiting).format(n=new.waiting)
                )
        if new.taken:
            parts.append(
                _("{present} of {expected} came").format(present=new.present, expected=new.expected)
            )
        elif self.people:
            parts.append(_("p marks who came"))
        else:
            parts.append(
                _("nobody yet: press j to sign people up")
                if new.series_id is None
                else _("the group has no members")
            )
        self.query_one("#people-status", Label).update(Text("  ·  ".join(parts)), layout=False)

    # Moving between the lists

    def action_back(self) -> None:
        if self.focused is not self.table:
            self.table.focus()

    @on(ColumnsTable.RowSelected, "#people-table")
    def _person_chosen(self) -> None:
        self.action_present()

    def _chosen_activity(self) -> ActivityRow | None:
        row = self._activity()
        if row is None:
            self.notify(_("Choose an activity first."), severity="warning")
        return row

    def _person(self) -> ActivityPerson | None:
        """The person under the cursor, when the people list has the focus."""
        table = self.people_table
        if self.focused is not table or not self.people:
            self.notify(
                _("Tab to the list of people and choose somebody first."), severity="warning"
            )
            return None
        return self.people[min(table.cursor_row, len(self.people) - 1)]

    def _no_round(self) -> bool:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return True
        return False

    # Planning

    def action_new(self, type_code: str = "") -> None:
        if self._no_round():
            return
        self._open_form(None, type_code=type_code)

    def action_edit(self) -> None:
        row = self._chosen_activity()
        if row is None:
            return
        found, activity = self.attempt(lambda: get_activity(row.id))
        if found:
            self._open_form(activity, group_names=row.group_names)

    def _open_form(self, activity, *, group_names=(), type_code: str = "") -> None:
        round_id = self.round_id
        groups = list_groups(round_id)
        chosen = [g.id for g in groups if g.name in set(group_names)]
        form = ActivityForm(
            round_id,
            self.app.ref,
            list(self.catalogue.values()),
            list_leaders(round_id),
            groups,
            activity,
            group_ids=chosen,
            type_code=type_code,
        )

        def done(activity_id: int | None) -> None:
            if activity_id is not None:
                self.notify(_("Saved."))
                self.reload(str(activity_id))

        self.app.push_screen(form, done)

    def action_series(self) -> None:
        if self._no_round():
            return
        groups = list_groups(self.round_id)
        if not groups:
            self.notify(
                _("Weekly sessions are for groups: make the groups first (F4)."),
                severity="warning",
            )
            return

        def done(report: SeriesReport | None) -> None:
            if report is None:
                return
            self.notify(
                _("Planned {sessions} for {groups}, {first} to {last}.").format(
                    sessions=ngettext("{n} session", "{n} sessions", report.sessions).format(
                        n=number(report.sessions)
                    ),
                    groups=ngettext("{n} group", "{n} groups", report.groups).format(
                        n=number(report.groups)
                    ),
                    first=report.first_day.strftime("%d.%m") if report.first_day else "",
                    last=report.last_day.strftime("%d.%m.%Y") if report.last_day else "",
                ),
                markup=False,
            )
            self.reload()

        self.app.push_screen(SeriesForm(self.round_id, list(self.catalogue.values()), groups), done)

    def action_delete(self) -> None:
        row = self._chosen_activity()
        if row is None:
            return
        if row.series_id is None:
            self._confirm_delete(
                _("Delete {title}? Its list and attendance go too.").format(title=row.title),
                lambda: delete_activity(row.id),
                _("Deleted {title}.").format(title=row.title),
            )
            return
        series = next((s for s in list_series(self.round_id) if s.id == row.series_id), None)
        items = [("one", _("Only this session: {title}").format(title=row.title))]
        if series is not None:
            items.append(
                (
                    "series",
                    _("The whole series {name}: {sessions} for {groups}").format(
                        name=series.name,
                        sessions=ngettext("{n} session", "{n} sessions", series.sessions).format(
                            n=number(series.sessions)
                        ),
                        groups=ngettext("{n} group", "{n} groups", series.groups).format(
                            n=number(series.groups)
                        ),
                    ),
                )
            )

        def chosen(choice: str | None) -> None:
            if choice == "one":
                self._confirm_delete(
                    _("Delete {title}? Its attendance goes too.").format(title=row.title),
                    lambda: delete_activity(row.id),
                    _("Deleted {title}.").format(title=row.title),
                )
            elif choice == "series" and series is not None:
                self._confirm_delete(
                    _("Delete {name} with all its sessions and their attendance?").format(
                        name=series.name
                    ),
                    lambda: delete_series(series.id),
                    _("Deleted {name}.").format(name=series.name),
                )

        self.app.push_screen(PickScreen(_("Delete what?"), items), chosen)

    def _confirm_delete(self, question: str, change, message: str) -> None:
        def done(yes: bool | None) -> None:
            if yes and self.attempt(change)[0]:
                self.notify(message, markup=False)
                self.reload()

        self.app.push_screen(ConfirmScreen(question, confirm_label=_("Delete")), done)

    def action_catalogue(self) -> None:
        def done(code: str | None) -> None:
            # The user may have added a kind: the form and the details should know it.
            found, entries = self.attempt(list_catalogue)
            if found and entries is not None:
                self.catalogue = {entry.code: entry for entry in entries}
            self._show_activity()
            if code:
                self.action_new(code)

        self.app.push_screen(CatalogueScreen(), done)

    # Who takes part

    def action_join(self) -> None:
        row = self._chosen_activity()
        if row is None:
            return
        if row.series_id is not None:
            self.notify(
                _("Every member of the group takes part in a session; nobody needs to sign up."),
                severity="warning",
            )
            return
        self._find_candidates(self.round_id, row, {p.signup_id for p in self.people})

    @work(thread=True, exclusive=True, group="activity-candidates")
    def _find_candidates(self, round_id: int, row: ActivityRow, on_list: set[int]) -> None:
        with database.connection_context():
            groups = list_groups(round_id)
            people = ParticipantQuery(round_id, status="active").page(0, MAX_CANDIDATES)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._pick_candidate, row, groups, people, on_list)

    def _pick_candidate(self, row: ActivityRow, groups, people, on_list: set[int]) -> None:
        allowed = set(row.group_names)
        items: list[tuple[str, str]] = []
        for group in groups:
            if (allowed and group.name not in allowed) or not group.size:
                continue
            items.append(
                (
                    f"group:{group.id}",
                    ngettext(
                        "The whole group {name} ({n} member)",
                        "The whole group {name} ({n} members)",
                        group.size,
                    ).format(name=group.name, n=group.size),
                )
            )
        for person in people:
            if person.id in on_list or (allowed and person.group not in allowed):
                continue
            label = person.name + (f" · {person.group}" if person.group else "")
            items.append((str(person.id), label))
        if not items:
            self.notify(_("Everybody who may join is on the list already."), severity="warning")
            return
        names = {str(p.id): p.name for p in people}

        def done(choice: str | None) -> None:
            if choice is None:
                return
            if choice.startswith("group:"):
                ok, report = self.attempt(lambda: join_group(row.id, int(choice[6:])))
            else:
                ok, report = self.attempt(lambda: join(row.id, [int(choice)]))
            if ok and report is not None:
                self.notify(joined_text(report, names), markup=False)
                self._reload_people()

        title = _("Who signs up for {title}?").format(title=row.title)
        self.app.push_screen(PickScreen(title, items), done)

    def _reload_people(self) -> None:
        if self.people_of is not None:
            self._load_people(self.people_of)

    def action_leave(self) -> None:
        row = self._chosen_activity()
        if row is None:
            return
        if row.series_id is not None:
            self.notify(
                _("Members of the group take part in its sessions; move them in Groups (F4)."),
                severity="warning",
            )
            return
        person = self._person()
        if person is None:
            return
        ok, promoted = self.attempt(lambda: leave(row.id, person.signup_id))
        if not ok:
            return
        message = _("{name} is off the list.").format(name=person.name)
        if promoted is not None:
            name = next((p.name for p in self.people if p.signup_id == promoted), "")
            message += " " + _("{name} got the place from the waiting list.").format(name=name)
        self.notify(message, markup=False)
        self._reload_people()

    # Attendance

    def action_present(self) -> None:
        """Came, did not come, not marked: each press moves one step."""
        row = self._chosen_activity()
        if row is None:
            return
        person = self._person()
        if person is None:
            return
        if person.present is None:
            change, now, said = (
                lambda: mark_attendance(row.id, [person.signup_id], True),
                True,
                _("{name} came."),
            )
        elif person.present:
            change, now, said = (
                lambda: mark_attendance(row.id, [person.signup_id], False),
                False,
                _("{name} did not come."),
            )
        else:
            change, now, said = (
                lambda: clear_attendance(row.id, [person.signup_id]),
                None,
                _("{name} is not marked."),
            )
        if not self.attempt(change)[0]:
            return
        self._set_present({person.signup_id}, now)
        self.notify(said.format(name=person.name), markup=False, timeout=2)

    def _set_present(self, ids: set[int], present: bool | None) -> None:
        table = self.people_table
        for index, person in enumerate(self.people):
            if person.signup_id in ids:
                person = replace(person, present=present)
                self.people[index] = person
                table.update_row(str(person.signup_id), self._person_cells(person))
        self._people_changed()

    def action_all_present(self) -> None:
        row = self._chosen_activity()
        if row is None:
            return
        ids = {p.signup_id for p in self.people if p.status != "waiting" and p.present is None}
        if not ids:
            self.notify(_("Everybody on the list is marked already."), severity="warning")
            return
        if self.attempt(lambda: mark_attendance(row.id, sorted(ids), True))[0]:
            self._set_present(ids, True)
            self.notify(
                ngettext(
                    "Marked {n} more person as came.", "Marked {n} more people as came.", len(ids)
                ).format(n=len(ids))
            )


def joined_text(report: JoinReport, names: dict[str, str]) -> str:
    """What signing up did, in a line or two."""

    def who(ids: tuple[int, ...]) -> str:
        shown = [names.get(str(i), f"#{i}") for i in ids[:3]]
        if len(ids) > 3:
            shown.append(_("{n} more").format(n=len(ids) - 3))
        return ", ".join(shown)

    lines = []
    if report.going:
        lines.append(
            ngettext("{names} is going.", "{names} are going.", len(report.going)).format(
                names=who(report.going)
            )
        )
    if report.waiting:
        lines.append(
            ngettext(
                "{names} is on the waiting list.",
                "{names} are on the waiting list.",
                len(report.waiting),
            ).format(names=who(report.waiting))
        )
    if report.already:
        lines.append(
            ngettext(
                "{names} was on the list already.",
                "{names} were on the list already.",
                len(report.already),
            ).format(names=who(report.already))
        )
    if report.not_allowed:
        lines.append(
            ngettext(
                "{names} may not join this one.",
                "{names} may not join this one.",
                len(report.not_allowed),
            ).format(names=who(report.not_allowed))
        )
    return "\n".join(lines) or _("Nobody was added.")
