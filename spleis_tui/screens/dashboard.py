"""The current round at a glance: who signed up, how they spread, who has no group yet."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Sparkline, Static
from textual.worker import get_current_worker

from spleis_tui import labels
from spleis_tui.core.matching.summary import decimal
from spleis_tui.core.models import Round, database
from spleis_tui.core.stats import RoundStats, round_stats, signups_per_day
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.base import SpleisScreen

# People named under "Reach out"; the rest are counted (the CLI lists all).
NAMED_DROPOUTS = 6
RATING_BAR = 20


@dataclass(frozen=True)
class RoundProgress:
    signups_per_day: list
    weeks: list
    dropouts: list
    feedback: object


def load_progress(round_id: int) -> RoundProgress:
    """Everything under "How the round is going", from core, in one go (a worker calls it)."""
    from spleis_tui.core.followup import feedback_summary
    from spleis_tui.core.series import attendance_by_week, dropouts

    return RoundProgress(
        signups_per_day(round_id),
        attendance_by_week(round_id),
        dropouts(round_id),
        feedback_summary(round_id),
    )


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
            yield Static(_("How the round is going"), id="progress-title", classes="dash-title")
            with Grid(id="round-progress"):
                with VerticalScroll(classes="chart"):
                    yield Static("", id="signups-caption")
                    yield Sparkline([], id="signups-chart", summary_function=max)
                with VerticalScroll(classes="chart"):
                    yield Static("", id="attendance-caption")
                    yield Sparkline([], id="attendance-chart", summary_function=max)
                yield Static("", id="met-chart", classes="chart")
                yield Static("", id="rating-chart", classes="chart")
            yield Static("", id="dropouts", classes="chart")

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
        if current is None or get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._show, current, stats)
        # The slower figures follow, so the numbers above never wait for them.
        with database.connection_context():
            progress = load_progress(round_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_progress, progress)

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

    def _show_progress(self, progress: RoundProgress) -> None:
        days = progress.signups_per_day
        caption = Text(_("Sign-ups per day"), style="bold")
        if days:
            busiest_day, busiest = max(days, key=lambda d: (d[1], d[0]))
            caption.append(
                "\n"
                + ngettext(
                    "{n} day from {first} · most on {day} ({count})",
                    "{n} days from {first} · most on {day} ({count})",
                    len(days),
                ).format(
                    n=len(days),
                    first=f"{days[0][0]:%d.%m}",
                    day=f"{busiest_day:%d.%m}",
                    count=number(busiest),
                ),
                style="dim",
            )
        else:
            caption.append("\n" + _("no sign-ups with a date yet"), style="dim")
        self.query_one("#signups-caption", Static).update(caption)
        self.query_one("#signups-chart", Sparkline).data = [n for _day, n in days]

        weeks = progress.weeks
        caption = Text(_("Attendance per week"), style="bold")
        shares = [round(100 * w.present / w.expected) if w.expected else 0 for w in weeks]
        if any(w.expected for w in weeks):
            caption.append(
                "\n"
                + "  ".join(
                    _("w{week} {share} %").format(week=w.session, share=share)
                    for w, share in zip(weeks, shares, strict=True)
                    if w.expected
                ),
                style="dim",
            )
        else:
            caption.append("\n" + _("no attendance taken yet"), style="dim")
        self.query_one("#attendance-caption", Static).update(caption)
        # Only the weeks whose attendance is taken: later weeks are not zeros.
        self.query_one("#attendance-chart", Sparkline).data = [
            share for w, share in zip(weeks, shares, strict=True) if w.expected
        ]

        summary = progress.feedback
        met = Text(_("Groups that met"), style="bold")
        known = summary.groups_met + summary.groups_not_met
        if known:
            met.append("\n" + "█" * round(RATING_BAR * summary.groups_met / known), style="green")
            met.append("█" * round(RATING_BAR * summary.groups_not_met / known), style="red")
        met.append(
            "\n"
            + _("{met} met · {not_met} did not · {unknown} not known").format(
                met=number(summary.groups_met),
                not_met=number(summary.groups_not_met),
                unknown=number(summary.groups_unknown),
            ),
            style="dim",
        )
        self.query_one("#met-chart", Static).update(met)

        rating = Text(_("Satisfaction"), style="bold")
        most = max(summary.ratings) if summary.answers else 0
        if most:
            for score, count in enumerate(summary.ratings, start=1):
                rating.append(f"\n{score} ")
                rating.append("█" * round(RATING_BAR * count / most), style="dim")
                rating.append(f" {number(count)}")
            rating.append(
                "\n"
                + _("{average} of 5 · {answers}").format(
                    average=decimal(summary.average or 0),
                    answers=ngettext("{n} answer", "{n} answers", summary.answers).format(
                        n=number(summary.answers)
                    ),
                ),
                style="dim",
            )
        else:
            rating.append("\n" + _("no feedback yet"), style="dim")
        self.query_one("#rating-chart", Static).update(rating)

        gone = progress.dropouts
        reach = Text(_("Reach out"), style="bold")
        if gone:
            reach.append(
                "  "
                + ngettext(
                    "{n} person missed two sessions in a row",
                    "{n} people missed two sessions in a row",
                    len(gone),
                ).format(n=number(len(gone))),
                style="dim",
            )
            for dropout in gone[:NAMED_DROPOUTS]:
                line = f"\n{dropout.name} · {dropout.group}"
                if dropout.leader:
                    line += " · " + _("leader {name}").format(name=dropout.leader)
                reach.append(line)
            if len(gone) > NAMED_DROPOUTS:
                reach.append(
                    "\n"
                    + _("… and {n} more: spleis attendance report lists them all.").format(
                        n=number(len(gone) - NAMED_DROPOUTS)
                    ),
                    style="dim",
                )
        else:
            reach.append("  " + _("nobody has missed two sessions in a row"), style="dim")
        self.query_one("#dropouts", Static).update(reach)

    def action_show_ungrouped(self) -> None:
        self.app.switch_mode("participants")
        self.app.call_after_refresh(self._filter_ungrouped)

    def _filter_ungrouped(self) -> None:
        screen = self.app.screen
        if hasattr(screen, "show_ungrouped"):
            screen.show_ungrouped()
