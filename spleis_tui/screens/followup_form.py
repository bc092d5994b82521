"""Follow-up after a round: whether a group met (from its leader), and the members'
answers to a follow-up form, read from its export."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static, TextArea
from textual.worker import get_current_worker

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.followup import (
    KEEP,
    MAX_TIMES,
    FeedbackReport,
    GroupFollowUpRow,
    describe_report,
    field_label,
    import_feedback,
    set_group_followup,
)
from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import SpleisModal
from spleis_tui.screens.file_jobs import read_in_worker
from spleis_tui.screens.form import SpleisForm
from spleis_tui.widgets.plain import plain

MET_CHOICES = {"yes": True, "no": False, "unknown": None}


def met_code(met: bool | None) -> str:
    return next(code for code, value in MET_CHOICES.items() if value is met)


class GroupFollowUpForm(SpleisForm[GroupFollowUpRow | None]):
    """Did the group meet, how many times, and a note. Returns the saved row, or None."""

    def __init__(self, row: GroupFollowUpRow) -> None:
        super().__init__()
        self.row = row

    def form_title(self) -> str:
        return _("Follow-up of {group}").format(group=self.row.name)

    def fields(self) -> Iterable[tuple[str, str, Widget]]:
        row = self.row
        widgets = {
            "met": Select(
                [(_("Yes"), "yes"), (_("No"), "no"), (_("Not known"), "unknown")],
                value=met_code(row.met),
                allow_blank=False,
                id="f-met",
            ),
            "times_met": Input(
                "" if row.times_met is None else str(row.times_met),
                placeholder=_("empty: not known"),
                id="f-times_met",
            ),
            "note": TextArea(row.note, id="f-note"),
        }
        return [(key, field_label(key), widget) for key, widget in widgets.items()]

    def save(self) -> GroupFollowUpRow:
        chosen = str(self.query_one("#f-met", Select).value)
        # Unchanged, "not known" lets a number of meetings say whether they met.
        met = KEEP if chosen == met_code(self.row.met) else MET_CHOICES[chosen]
        text = self.query_one("#f-times_met", Input).value.strip()
        if not text:
            times = None
        elif text.isascii() and text.isdigit():
            times = int(text)
        else:
            raise ValidationError(
                "times_met",
                _("Times met must be a whole number from 0 to {limit}.").format(limit=MAX_TIMES),
            )
        note = self.query_one("#f-note", TextArea).text
        return set_group_followup(self.row.group_id, met=met, times_met=times, note=note)


class FeedbackImportDialog(SpleisModal[bool]):
    """Read a follow-up form's export into the round: a dry run first, then the import.

    Returns True when answers were saved.
    """

    BINDINGS = [
        Binding("ctrl+r", "dry_run", N_("Dry run"), id="feedback.dry_run"),
        Binding("ctrl+s", "run", N_("Import"), id="feedback.run"),
        Binding("c", "stop", N_("Cancel import"), show=False, id="feedback.stop"),
        Binding("escape", "close", N_("Close"), id="feedback.close"),
    ]

    class Progress(Message):
        def __init__(self, token: int, fraction: float) -> None:
            super().__init__()
            self.token = token
            self.fraction = fraction

    class Finished(Message):
        def __init__(
            self, token: int, report: FeedbackReport | None, error: str, cancelled: bool
        ) -> None:
            super().__init__()
            self.token = token
            self.report = report
            self.error = error
            self.cancelled = cancelled

    def __init__(self, round_id: int, path: str = "") -> None:
        super().__init__()
        self.round_id = round_id
        self.initial_path = path
        self.running = False
        self.saved = False  # answers were written: the caller may show them
        self._token = 0
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog feedback-dialog"):
            yield Label(_("Import feedback"), classes="dialog-title")
            yield Label(
                _(
                    "The export of a follow-up form (CSV, XLSX, ODS) with an e-mail column. "
                    "Members are found by e-mail among the round's sign-ups."
                ),
                classes="question",
            )
            with Horizontal(classes="form-row"):
                yield Label(_("File"), classes="form-label")
                yield Input(
                    self.initial_path,
                    placeholder=_("for example ~/Downloads/followup.csv"),
                    id="fb-path",
                    compact=True,
                )
            with Horizontal(classes="buttons"):
                yield ProgressBar(total=100, show_eta=False, id="fb-progress")
                yield Button(_("Dry run"), id="fb-dry-run")
                yield Button(_("Import"), variant="primary", id="fb-run")
                yield Button(_("Close"), id="fb-close")
            yield Label("", id="fb-state")
            with VerticalScroll(id="fb-report-box"):
                yield Static("", id="fb-report")

    def on_mount(self) -> None:
        self.query_one("#fb-path", Input).focus()
        self.query_one("#fb-progress", ProgressBar).display = False

    # Running it

    def action_dry_run(self) -> None:
        self._start(dry_run=True)

    def action_run(self) -> None:
        self._start(dry_run=False)

    @on(Input.Submitted, "#fb-path")
    def _path_submitted(self) -> None:
        self._start(dry_run=True)  # Enter checks the file; saving is a separate choice

    def _start(self, *, dry_run: bool) -> None:
        if self.running:
            return
        text = self.query_one("#fb-path", Input).value.strip()
        if not text:
            self._set_state(_("Type the path of the file first."), "error")
            self.query_one("#fb-path", Input).focus()
            return
        path = Path(text).expanduser()
        if not path.is_file():
            self._set_state(_("There is no file {path}.").format(path=text), "error")
            self.query_one("#fb-path", Input).focus()
            return
        self._cancel = threading.Event()
        self._token += 1
        self.running = True
        bar = self.query_one("#fb-progress", ProgressBar)
        bar.update(total=100, progress=0)
        bar.display = True
        self._set_state(_("Checking…") if dry_run else _("Importing…"), "")
        self.query_one("#fb-report", Static).update("")
        self._set_buttons()
        self.query_one("#fb-report-box").focus()  # so c and Escape stop it, not type
        self._import(self._token, path, self.round_id, dry_run, self._cancel)

    @work(thread=True, exclusive=True, group="feedback-import")
    def _import(
        self, token: int, path: Path, round_id: int, dry_run: bool, cancel: threading.Event
    ) -> None:
        worker = get_current_worker()

        def stop() -> bool:
            return cancel.is_set() or worker.is_cancelled

        def progress(fraction: float) -> None:
            self.post_message(self.Progress(token, fraction))

        report, error, cancelled = read_in_worker(
            path,
            lambda: import_feedback(
                path, round_id, dry_run=dry_run, progress=progress, cancelled=stop
            ),
        )
        self.post_message(self.Finished(token, report, error, cancelled))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        if message.token == self._token and self.running:
            self.query_one("#fb-progress", ProgressBar).update(progress=message.fraction * 100)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if message.token != self._token:
            return
        self.running = False
        self._set_buttons()
        bar = self.query_one("#fb-progress", ProgressBar)
        if message.report is None:
            bar.update(progress=0)
            bar.display = False
            self._set_state(message.error, "warning" if message.cancelled else "error")
            return
        report = message.report
        bar.update(progress=100)
        lines = describe_report(report)
        self._set_state(lines[0], "success")
        self.query_one("#fb-report", Static).update(self._report_text(report, lines))
        if not report.dry_run and (report.imported or report.updated):
            self.saved = True
            self.notify(lines[0], markup=False)

    def _report_text(self, report: FeedbackReport, lines: list[str]) -> Text:
        """The counts, which column was read as what, then every row with a problem."""
        text = plain(lines[0], style="bold")
        if report.columns:
            read = ", ".join(f"{field_label(key)}: “{header}”" for key, header in report.columns)
            text.append("\n")
            text.append_text(plain(_("Read as: {columns}").format(columns=read)))
        for line in lines[1:]:
            text.append("\n")
            text.append_text(plain(line))
        return text

    def _set_state(self, message: str, kind: str) -> None:
        state = self.query_one("#fb-state", Label)
        state.set_classes(f"-{kind}" if kind else "")
        state.update(plain(message))

    def _set_buttons(self) -> None:
        for button in self.query("#fb-dry-run, #fb-run").results(Button):
            button.disabled = self.running

    # Stopping and closing

    def action_stop(self) -> None:
        if self.running:
            self._cancel.set()
            self._set_state(_("Cancelling…"), "warning")

    def action_close(self) -> None:
        """Escape stops a running import; when nothing runs, it closes the dialog."""
        if self.running:
            self.action_stop()
            return
        self.dismiss(self.saved)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fb-dry-run":
            self.action_dry_run()
        elif event.button.id == "fb-run":
            self.action_run()
        else:
            self.action_close()
