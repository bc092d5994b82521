"""The activity catalogue: what a group can do together, with tips and a plan B for bad
weather. The user can add kinds of their own; the shipped ones stay as they are."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.worker import get_current_worker

from spleis_tui.core.catalogue import CatalogueEntry, add_type, list_catalogue
from spleis_tui.core.models import SEASONS, database
from spleis_tui.i18n import N_, _
from spleis_tui.screens.activity_forms import SEASON_LABELS, seasons_text
from spleis_tui.screens.base import SpleisModal
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.plain import plain

COLUMNS = (
    Column("name", N_("Activity"), 16, grow=2),
    Column("seasons", N_("Seasons"), 22, grow=1),
    Column("cost", N_("Cost"), 6),
)


class InfoScroll(VerticalScroll, can_focus=False):
    """Text to read beside a list: scrolls with the mouse wheel, keeps out of Tab's way."""


def cost_text(entry: CatalogueEntry) -> str:
    return _("free") if entry.free else _("{cost} kr").format(cost=entry.cost_nok)


def entry_details(entry: CatalogueEntry, *, heading: bool = True) -> Text:
    """What the catalogue says about a kind: description, tips and plan B."""
    text = Text()
    if heading:
        text.append_text(plain(entry.name(), style="bold"))
        text.append("\n")
    facts = [
        *([] if heading else [entry.name()]),
        seasons_text(entry),
        cost_text(entry),
        _("outdoors") if entry.outdoor else _("indoors"),
    ]
    if not entry.shipped:
        facts.append(_("your own"))
    text.append("  ·  ".join(facts) + "\n", style="dim")
    if entry.description():
        text.append("\n")
        text.append_text(plain(entry.description()))
        text.append("\n")
    tips = entry.tips()
    if tips:
        text.append("\n" + _("Tips") + "\n", style="bold")
        for tip in tips:
            text.append("• ")
            text.append_text(plain(tip))
            text.append("\n")
    if entry.bad_weather():
        text.append("\n" + _("Plan B") + "\n", style="bold")
        text.append_text(plain(entry.bad_weather()))
        text.append("\n")
    text.rstrip()
    return text


class CatalogueScreen(SpleisModal[str | None]):
    """Browse the kinds of activity; returns a kind's code to plan it, or None."""

    BINDINGS = [
        Binding("n", "plan", N_("Plan this"), id="catalogue.plan"),
        Binding("a", "add", N_("Add your own"), id="catalogue.add"),
        Binding("escape", "close", N_("Close"), id="catalogue.close"),
    ]
    AUTO_FOCUS = "#catalogue-table"

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[CatalogueEntry] = []
        self.pending_code: str | None = None  # to choose once the list has it

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog catalogue-dialog"):
            with Horizontal(id="catalogue-top"):
                yield Label(_("Activity catalogue"), classes="dialog-title")
                yield Select(
                    [(_(SEASON_LABELS[s]).capitalize(), s) for s in SEASONS if s != "all"],
                    prompt=_("Every season"),
                    id="catalogue-season",
                    compact=True,
                )
            with Horizontal(id="catalogue-panes"):
                yield ColumnsTable(COLUMNS, id="catalogue-table")
                with InfoScroll(id="catalogue-info"):
                    yield Static("", id="catalogue-details")
            with Horizontal(classes="buttons"):
                yield Button(_("Plan this"), variant="primary", id="catalogue-plan")
                yield Button(_("Add your own"), id="catalogue-add")
                yield Button(_("Close"), id="catalogue-close")

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        season = self.query_one("#catalogue-season", Select).value
        self._load(None if season is Select.NULL else str(season))

    @work(thread=True, exclusive=True, group="catalogue")
    def _load(self, season: str | None) -> None:
        with database.connection_context():
            entries = list_catalogue(season=season)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, entries)

    def _show(self, entries: list[CatalogueEntry]) -> None:
        select_code, self.pending_code = self.pending_code, None
        self.entries = entries
        table = self.query_one(ColumnsTable)
        keep = table.cursor_row
        table.replace_rows(
            (
                entry.code,
                [
                    plain(entry.name(), style="" if entry.shipped else "italic"),
                    Text(seasons_text(entry)),
                    Text(cost_text(entry)),
                ],
            )
            for entry in entries
        )
        if select_code and select_code in table.rows:
            table.move_cursor(row=table.get_row_index(select_code))
        elif entries:
            table.move_cursor(row=min(keep, len(entries) - 1))
        self._show_details()

    @on(ColumnsTable.RowHighlighted, "#catalogue-table")
    def _highlighted(self) -> None:
        self._show_details()

    @on(ColumnsTable.RowSelected, "#catalogue-table")
    def _chosen(self) -> None:
        self.action_plan()

    @on(Select.Changed, "#catalogue-season")
    def _season_changed(self) -> None:
        self.reload()

    def _current(self) -> CatalogueEntry | None:
        table = self.query_one(ColumnsTable)
        if not self.entries or not 0 <= table.cursor_row < len(self.entries):
            return None
        return self.entries[table.cursor_row]

    def _show_details(self) -> None:
        entry = self._current()
        details = self.query_one("#catalogue-details", Static)
        if entry is None:
            details.update(Text(_("Nothing in the catalogue suits this season.")))
        else:
            details.update(entry_details(entry))
        self.query_one("#catalogue-info", InfoScroll).scroll_home(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {
            "catalogue-plan": self.action_plan,
            "catalogue-add": self.action_add,
            "catalogue-close": self.action_close,
        }[event.button.id or "catalogue-close"]()

    def action_plan(self) -> None:
        entry = self._current()
        if entry is None:
            self.notify(_("Choose a kind of activity first."), severity="warning")
            return
        self.dismiss(entry.code)

    def action_add(self) -> None:
        def done(code: str | None) -> None:
            if code is not None:
                self.notify(_("Added to the catalogue."))
                self.pending_code = code
                self.query_one("#catalogue-season", Select).clear()  # show every season
                self.reload()

        self.app.push_screen(CatalogueForm(), done)

    def action_close(self) -> None:
        self.dismiss(None)


class CatalogueForm(SpleisForm[str | None]):
    """A kind of activity of the user's own; returns its code, or None when cancelled."""

    DIALOG_CLASSES = "dialog form-dialog catalogue-form"
    SCROLLS = True

    def form_title(self) -> str:
        return _("Add a kind of activity")

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        return [
            ("code", _("Code"), Input(placeholder="kubb", id="f-code")),
            ("name_nb", _("Name in Norwegian"), Input(id="f-name_nb")),
            ("name_en", _("Name in English"), Input(id="f-name_en")),
            ("description_nb", _("What it is (Norwegian)"), Input(id="f-description_nb")),
            ("description_en", _("What it is (English)"), Input(id="f-description_en")),
            (
                "seasons",
                _("Seasons"),
                SelectionList[str](
                    *((_(SEASON_LABELS[s]), s) for s in SEASONS if s != "all"), id="f-seasons"
                ),
            ),
            (
                "cost_nok",
                _("Cost per person (kr)"),
                Input("0", type="integer", id="f-cost_nok"),
            ),
            (
                "outdoor",
                _("Where"),
                Select(
                    [(_("Outdoors"), "yes"), (_("Indoors"), "no")],
                    value="yes",
                    allow_blank=False,
                    id="f-outdoor",
                ),
            ),
            ("tips_nb", _("Tips (Norwegian)"), TextArea(id="f-tips_nb")),
            ("tips_en", _("Tips (English)"), TextArea(id="f-tips_en")),
            ("bad_weather_nb", _("Plan B (Norwegian)"), Input(id="f-bad_weather_nb")),
            ("bad_weather_en", _("Plan B (English)"), Input(id="f-bad_weather_en")),
        ]

    def extra(self) -> Iterable[Widget]:
        yield Label(
            Text(
                _(
                    "One tip a line. No season chosen: it suits the whole year. "
                    "Without an English name, the Norwegian one is used."
                )
            ),
            classes="form-note",
        )

    def save(self) -> str:
        def text(key: str) -> str:
            return self.query_one(f"#f-{key}", Input).value

        def area(key: str) -> str:
            return self.query_one(f"#f-{key}", TextArea).text

        seasons = list(self.query_one("#f-seasons", SelectionList).selected)
        created = add_type(
            text("code"),
            text("name_nb"),
            text("name_en"),
            description_nb=text("description_nb"),
            description_en=text("description_en"),
            seasons=seasons or ("all",),
            cost_nok=text("cost_nok"),  # type: ignore[arg-type]  # core checks it
            outdoor=self.query_one("#f-outdoor", Select).value != "no",
            tips_nb=area("tips_nb"),
            tips_en=area("tips_en"),
            bad_weather_nb=text("bad_weather_nb"),
            bad_weather_en=text("bad_weather_en"),
        )
        return created.code
