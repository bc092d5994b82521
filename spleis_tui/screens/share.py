"""Rosters and exports: choose what, for whom, in which format and where; see the first
page before writing it; write it with a progress bar; print a PDF."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static, TextArea
from textual.worker import get_current_worker

from spleis_tui.core import share
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.leaders import list_leaders
from spleis_tui.core.models import Group, Round, database
from spleis_tui.core.rosters import default_welcome_text, set_welcome_text
from spleis_tui.i18n import N_, _
from spleis_tui.locations import export_dir
from spleis_tui.screens.base import SpleisScreen

WHAT_LABELS = {
    "rosters": N_("Rosters (PDF): a page per group"),
    "attendance": N_("Attendance sheets (PDF)"),
    "pack": N_("Leader's packs (PDF)"),
    "groups": N_("Groups: a row per member"),
    "participants": N_("Participants: every sign-up"),
    "leaders": N_("Leaders"),
    "calendar": N_("Calendar of first meetings (.ics)"),
}
FORMAT_LABELS = {
    "csv": N_("CSV"),
    "csv-excel": N_("CSV for Norwegian Excel (;)"),
    "xlsx": N_("Excel workbook (.xlsx)"),
    "md": N_("Markdown table"),
    "json": N_("JSON"),
}
EVERYONE = "all"


class ShareScreen(SpleisScreen):
    """Pushed over the Groups screen (p), or opened from the command palette."""

    SECTION = "groups"
    TITLE_TEXT = N_("Rosters & export")
    AUTO_FOCUS = "#share-what"

    BINDINGS = [
        Binding("v", "preview", N_("Preview"), id="share.preview"),
        Binding("w", "write", N_("Write file"), id="share.write"),
        Binding("o", "print", N_("Print"), id="share.print"),
        Binding("ctrl+s", "save_welcome", N_("Save welcome text"), id="share.save_welcome"),
        Binding("c", "cancel", N_("Cancel"), id="share.cancel"),
        Binding("escape", "back", N_("Back"), id="share.back"),
    ]

    class Progress(Message):
        def __init__(self, token: int, done: int, total: int) -> None:
            super().__init__()
            self.token, self.done, self.total = token, done, total

    class Finished(Message):
        def __init__(self, token: int, text: str, error: bool, preview: str | None) -> None:
            super().__init__()
            self.token, self.text, self.error, self.preview = token, text, error, preview

    def __init__(self) -> None:
        super().__init__()
        self.what = "rosters"
        self.fmt = "xlsx"
        self.scope = EVERYONE
        self.path_touched = False
        self._format_keys: list[str] = list(FORMAT_LABELS)
        self.running = False
        self.written: Path | None = None
        self._token = 0
        self._cancel = threading.Event()
        # The round whose welcome text the editor holds: reload() runs again after every
        # dialog or help screen, and must not throw away what is being typed.
        self._welcome_for: int | None = None

    # Layout

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="share-panes"):
            with VerticalScroll(id="share-form"):
                with Horizontal(classes="share-row"):
                    yield Label(_("What"), classes="share-label")
                    yield Select(
                        [(_(text), key) for key, text in WHAT_LABELS.items()],
                        value=self.what,
                        allow_blank=False,
                        id="share-what",
                        compact=True,
                    )
                with Horizontal(classes="share-row"):
                    yield Label(_("For"), classes="share-label")
                    yield Select(
                        [(_("All groups"), EVERYONE)],
                        value=EVERYONE,
                        allow_blank=False,
                        id="share-scope",
                        compact=True,
                    )
                with Horizontal(classes="share-row"):
                    yield Label(_("Format"), classes="share-label")
                    yield Select(
                        [(_(text), key) for key, text in FORMAT_LABELS.items()],
                        value=self.fmt,
                        allow_blank=False,
                        id="share-format",
                        compact=True,
                    )  # _update_form shows PDF or iCalendar alone when they are the only way
                with Horizontal(classes="share-row"):
                    yield Label(_("Save to"), classes="share-label")
                    yield Input("", id="share-path", compact=True)
                with Horizontal(id="share-buttons"):
                    yield Button(_("Preview"), id="share-preview-button", compact=True)
                    yield Button(
                        _("Write file"), variant="primary", id="share-write-button", compact=True
                    )
                    yield Button(_("Print"), id="share-print-button", compact=True)
                yield Label(_("Welcome text on every roster page"), classes="share-heading")
                yield TextArea("", id="share-welcome", soft_wrap=True)
                with Horizontal(classes="share-buttons"):
                    yield Button(_("Save text"), id="share-save-welcome", compact=True)
                    yield Button(_("Default text"), id="share-default-welcome", compact=True)
            with Vertical(id="share-result"):
                with Horizontal(id="share-progress-row"):
                    yield ProgressBar(total=100, show_eta=False, id="share-progress")
                    yield Label("", id="share-state")
                yield Label(_("Preview of the first page"), id="share-preview-title")
                with VerticalScroll(id="share-preview-box"):
                    yield Static("", id="share-preview", markup=False)

    def reload(self) -> None:
        if not self.round_id:
            return
        round_ = Round.get_or_none(Round.id == self.round_id)
        if round_ is None:
            return
        self.round_name = round_.name
        if self._welcome_for != round_.id:
            area = self.query_one("#share-welcome", TextArea)
            area.load_text(round_.welcome_text or default_welcome_text())
            self._welcome_for = round_.id
        self._fill_scopes()
        self._update_form()
        self.action_preview()

    async def relocalise(self) -> None:
        self._welcome_for = None  # the editor is built again, empty
        await super().relocalise()

    def _fill_scopes(self) -> None:
        options: list[tuple[str, str]] = [(_("All groups"), EVERYONE)]
        for leader in list_leaders(self.round_id):
            if leader.groups:
                options.append(
                    (_("Leader: {name}").format(name=leader.name), f"leader:{leader.id}")
                )
        groups = Group.select(Group.id, Group.name).where(Group.round == self.round_id)
        for group in groups.order_by(Group.sort_key, Group.id):
            options.append((_("Group: {name}").format(name=group.name), f"group:{group.id}"))
        select = self.query_one("#share-scope", Select)
        # Select labels are markup-free Text, so a leader's name is shown as written.
        select.set_options([(Text(label), value) for label, value in options])
        values = {value for _label, value in options}
        select.value = self.scope if self.scope in values else EVERYONE

    def _update_form(self) -> None:
        """Show only the choices that fit what is being made, and a path that fits."""
        is_pdf = self.what in share.PDF_KINDS
        self.query_one("#share-scope", Select).disabled = not is_pdf
        formats = self.query_one("#share-format", Select)
        if self.what in share.SPREADSHEETS:
            options = [(_(text), key) for key, text in FORMAT_LABELS.items()]
        elif is_pdf:
            options = [(_("PDF, A4"), "pdf")]
        else:
            options = [(_("iCalendar (.ics)"), "ics")]
        if [key for _label, key in options] != self._format_keys:
            self._format_keys = [key for _label, key in options]
            with formats.prevent(Select.Changed):
                formats.set_options(options)
                formats.value = self.fmt if self.fmt in self._format_keys else options[0][1]
        formats.disabled = len(options) == 1
        self.query_one("#share-print-button", Button).disabled = not is_pdf
        field = self.query_one("#share-path", Input)
        if not self.path_touched:
            path = share.default_path(self.round_name, self.what, self._format(), export_dir())
        else:
            # A path typed by hand keeps its folder and name, with the right extension.
            typed = Path(field.value.strip() or "spleis").expanduser()
            path = typed.with_suffix(share.extension(self.what, self._format()))
        if str(path) != field.value:
            with field.prevent(Input.Changed):
                field.value = str(path)
        self.refresh_bindings()

    def _format(self) -> str:
        return self.fmt if self.what in share.SPREADSHEETS else ""

    def _request(self) -> share.ExportRequest | None:
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return None
        group_id = leader_id = None
        if self.what in share.PDF_KINDS and self.scope != EVERYONE:
            kind, _sep, ident = self.scope.partition(":")
            if kind == "group":
                group_id = int(ident)
            else:
                leader_id = int(ident)
        text = self.query_one("#share-path", Input).value.strip()
        path = Path(text).expanduser() if text else None
        return share.ExportRequest(
            round_id=self.round_id,
            what=self.what,
            fmt=self._format(),
            group_id=group_id,
            leader_id=leader_id,
            path=path,
        )

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        value = str(event.value)
        if event.select.id == "share-what":
            self.what = value
        elif event.select.id == "share-format":
            if value in FORMAT_LABELS:
                self.fmt = value
        elif event.select.id == "share-scope":
            self.scope = value
        else:
            return
        self._update_form()
        self.action_preview()

    @on(Input.Changed, "#share-path")
    def _path_typed(self) -> None:
        self.path_touched = True

    # Actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return True if self.running else None
        if action in ("write", "preview"):
            return None if self.running else True
        if action == "print":
            return True if self.what in share.PDF_KINDS and not self.running else None
        return True

    def action_preview(self) -> None:
        request = self._request()
        if request is None or self.running:
            return
        self._start(request, "preview")

    def action_write(self) -> None:
        request = self._request()
        if request is None or self.running:
            return
        if request.path is None:
            self.notify(_("Say where to save the file."), severity="warning")
            self.query_one("#share-path", Input).focus()
            return
        self._start(request, "write")

    def action_print(self) -> None:
        request = self._request()
        if request is None or self.running or self.what not in share.PDF_KINDS:
            return
        if request.path is None:
            self.notify(_("Say where to save the PDF."), severity="warning")
            return
        self._start(request, "print")

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self._set_state(_("Stopping…"))

    def action_back(self) -> None:
        if self.running:
            self.action_cancel()
            return
        self.app.pop_screen()

    def action_save_welcome(self) -> None:
        if not self.round_id:
            return
        text = self.query_one("#share-welcome", TextArea).text
        ok, _saved = self.attempt(lambda: set_welcome_text(self.round_id, text))
        if ok:
            self.notify(_("Saved the welcome text."))
            self.action_preview()

    def _default_welcome(self) -> None:
        if not self.round_id:
            return
        ok, _saved = self.attempt(lambda: set_welcome_text(self.round_id, ""))
        if ok:
            self.query_one("#share-welcome", TextArea).load_text(default_welcome_text())
            self.notify(_("The rosters use the default welcome text again."))
            self.action_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "share-preview-button": self.action_preview,
            "share-write-button": self.action_write,
            "share-print-button": self.action_print,
            "share-save-welcome": self.action_save_welcome,
            "share-default-welcome": self._default_welcome,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    # The worker

    def _start(self, request: share.ExportRequest, job: str) -> None:
        if job != "preview" and request.path is not None and request.path.parent == export_dir():
            # The default folder is ours to make; any other must exist already.
            try:
                export_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as error:
                self.notify(str(error), severity="error", markup=False)
                return
        self._token += 1
        self._cancel = threading.Event()
        self.running = job != "preview"
        self.query_one("#share-progress", ProgressBar).update(total=100, progress=0)
        self._set_state(_("Making the preview…") if job == "preview" else _("Writing…"))
        self.refresh_bindings()
        self._work(self._token, request, job, self._cancel)

    @work(thread=True, exclusive=True, group="share")
    def _work(
        self, token: int, request: share.ExportRequest, job: str, cancel: threading.Event
    ) -> None:
        worker = get_current_worker()

        def cancelled() -> bool:
            return cancel.is_set() or worker.is_cancelled

        def progress(done: int, total: int) -> None:
            if not cancelled():
                self.post_message(self.Progress(token, done, total))

        try:
            with database.connection_context():
                if job == "preview":
                    text = share.preview(request)
                    self.post_message(self.Finished(token, _("Preview ready."), False, text))
                    return
                result = share.run(request, progress=progress, cancelled=cancelled)
            message = result.message
            if job == "print":
                message += " " + share.print_file(result.path)
        except SpleisError as error:
            self.post_message(self.Finished(token, str(error), True, None))
            return
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            self.post_message(self.Finished(token, f"{error.strerror or error}{where}", True, None))
            return
        self.post_message(self.Finished(token, message, False, None))

    def on_share_screen_progress(self, message: Progress) -> None:
        if message.token == self._token and message.total:
            bar = self.query_one("#share-progress", ProgressBar)
            bar.update(total=message.total, progress=message.done)

    def on_share_screen_finished(self, message: Finished) -> None:
        if message.token != self._token:
            return  # an older preview, replaced by a newer one
        was_running = self.running
        self.running = False
        self.refresh_bindings()
        if message.preview is not None:
            self.query_one("#share-preview", Static).update(Text(message.preview))
            self._set_state("")
            return
        self._set_state(message.text, "error" if message.error else "success")
        if was_running:
            bar = self.query_one("#share-progress", ProgressBar)
            if not message.error:
                bar.update(total=100, progress=100)
            self.notify(
                message.text, severity="error" if message.error else "information", markup=False
            )

    def _set_state(self, text: str, kind: str = "") -> None:
        state = self.query_one("#share-state", Label)
        state.update(Text(text))
        for name in ("error", "success"):
            state.set_class(kind == name, f"-{name}")
