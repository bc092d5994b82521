"""The current round at a glance: who signed up, how they spread, who has no group yet."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.models import Round, database
from spleis_tui.core.stats import RoundStats, round_stats
from spleis_tui.i18n import N_, _, current_language, number
from spleis_tui.screens.base import SpleisScreen


class Figure(Static):
    """One big number with a caption."""

    def show(self, value: int, caption: str) -> None:
        text = Text(number(value), style="bold")
        text.append("\n" + caption, style="dim")
        self.update(text)


class DashboardScreen(SpleisScreen):
    SECTION = "dashboard"
    TITLE_TEXT = N_("Dashboard")

    BINDINGS = [
        Binding("u", "show_ungrouped", N_("Not in a group"), id="dashboard.ungrouped"),
        Binding("r", "refresh", N_("Refresh"), id="dashboard.refresh"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="dashboard"):
            yield Static("", id="round-info")
            with Horizontal(id="figures"):
                for key in ("active", "withdrawn", "groups", "grouped", "ungrouped"):
                    yield Figure("", id=f"fig-{key}", classes="figure")
            with Grid(id="breakdowns"):
                for key in ("campus", "gender", "language", "programme"):
                    yield Static("", id=f"by-{key}", classes="breakdown")

    def reload(self) -> None:
        if not self.round_id:
            self.query_one("#round-info", Static).update(
                Text(_("There is no round yet. Press F6 to create one."))
            )
            for figure in self.query(Figure):
                figure.update("")
            for breakdown in self.query(".breakdown"):
                breakdown.update("")
            return
        self._load(self.round_id)

    def action_refresh(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="dashboard")
    def _load(self, round_id: int) -> None:
        with database.connection_context():
            current = Round.get_or_none(Round.id == round_id)  # erased meanwhile: show nothing
            stats = round_stats(round_id) if current else None
        if current is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, current, stats)

    def _show(self, current: Round, stats: RoundStats) -> None:
        info = Text(current.name, style="bold")
        info.append("  ·  " + labels.label("kind", current.kind))
        info.append("  ·  " + labels.label("round_status", current.status))
        if current.starts_on:
            info.append(f"  ·  {current.starts_on:%d.%m.%Y}")
            if current.ends_on:
                info.append(f"–{current.ends_on:%d.%m.%Y}")
        if current.privacy_note:
            info.append(
                "\n" + _("Privacy note: {note}").format(note=current.privacy_note), style="dim"
            )
        self.query_one("#round-info", Static).update(info)
        figures = {
            "active": (stats.active, _("signed up")),
            "withdrawn": (stats.withdrawn, _("withdrawn")),
            "groups": (stats.groups, _("groups")),
            "grouped": (stats.grouped, _("in a group")),
            "ungrouped": (stats.ungrouped, _("not in a group yet")),
        }
        for key, (value, caption) in figures.items():
            self.query_one(f"#fig-{key}", Figure).show(value, caption)
        ref, lang = self.app.ref, current_language()
        ungrouped = dict(stats.ungrouped_by_campus)
        self._breakdown(
            "campus",
            _("By campus"),
            [(ref.campus_name(code), n, ungrouped.get(code, 0)) for code, n in stats.by_campus],
            _("no group"),
        )
        self._breakdown(
            "gender",
            _("By gender"),
            [(labels.label("gender", code), n, None) for code, n in stats.by_gender],
        )
        self._breakdown(
            "language",
            _("By language"),
            [(labels.label("language", code), n, None) for code, n in stats.by_language],
        )
        top = stats.by_programme[:8]
        rest = sum(n for _code, n in stats.by_programme[8:])
        rows = [(ref.programme_name(code, lang) or "–", n, None) for code, n in top]
        if rest:
            rows.append((_("other programmes"), rest, None))
        self._breakdown("programme", _("Largest programmes"), rows)

    def _breakdown(
        self,
        key: str,
        title: str,
        rows: list[tuple[str, int, int | None]],
        extra_title: str = "",
    ) -> None:
        total = sum(n for _label, n, _extra in rows) or 1
        table = Table(
            title=title,
            title_justify="left",
            box=None,
            expand=True,
            show_header=bool(extra_title),
            padding=(0, 1),
        )
        table.add_column("", ratio=3, no_wrap=True, overflow="ellipsis")
        table.add_column("", justify="right")
        table.add_column("", ratio=2, no_wrap=True)
        if extra_title:
            table.add_column(extra_title, justify="right")
        for label, n, extra in rows:
            bar = "█" * max(1, round(12 * n / total)) if n else ""
            cells = [Text(label), Text(number(n)), Text(bar, style="dim")]
            if extra_title:
                cells.append(Text(number(extra or 0)))
            table.add_row(*cells)
        if not rows:
            table.add_row(Text(_("nobody yet"), style="dim"), "", "")
        self.query_one(f"#by-{key}", Static).update(table)

    def action_show_ungrouped(self) -> None:
        self.app.switch_mode("participants")
        self.app.call_after_refresh(self._filter_ungrouped)

    def _filter_ungrouped(self) -> None:
        screen = self.app.screen
        if hasattr(screen, "show_ungrouped"):
            screen.show_ungrouped()
