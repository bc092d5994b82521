"""Tell the groups: edit the round's e-mail with a live preview for one member, then write
drafts, try a dry run, or send, with a progress bar and a status for every recipient."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static, TextArea
from textual.worker import get_current_worker

from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.models import database
from spleis_tui.core.notify import messages, sending, smtp, templates
from spleis_tui.core.rosters import load_roster
from spleis_tui.core.signups import describe
from spleis_tui.core.text import file_slug
from spleis_tui.i18n import N_, _, ngettext, number
from spleis_tui.locations import export_dir
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import ConfirmScreen, TextPrompt
from spleis_tui.widgets.columns_table import Column, ColumnsTable

LOG_COLUMNS = (
    Column("name", N_("Name"), 18, sortable=False, grow=2),
    Column("email", N_("E-mail"), 20, sortable=False, grow=2),
    Column("group", N_("Group"), 10, sortable=False, grow=1),
    Column("status", N_("Status"), 14, sortable=False, grow=2),
)
STATUS_TEXT = {
    "": N_("not sent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "skipped": N_("sent before"),
    "would_send": N_("would send"),
    "sending": N_("sending…"),
}
LANGUAGE_LABELS = (("nb", N_("Norwegian (bokmål)")), ("en", N_("English")))


def status_cell(status: str, error: str = "", moved: bool = False) -> Text:
    text = Text(_(STATUS_TEXT.get(status, status)))
    if status == "failed":
        text.stylize("bold red")
    elif status in ("sent", "skipped"):
        text.stylize("green")
    if moved:
        text.append(" · " + _("moved group since"))
    if error:
        text.append(": " + error)
    return text


class TellScreen(SpleisScreen):
    """Pushed over the Groups screen (t), or opened from the command palette."""

    SECTION = "groups"
    TITLE_TEXT = N_("Tell the groups")
    AUTO_FOCUS = "#tell-subject"

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save template"), id="tell.save"),
        Binding("n", "next_member", N_("Next member"), id="tell.next"),
        Binding("b", "previous_member", N_("Previous member"), id="tell.previous"),
        Binding("e", "drafts", N_("Write drafts"), id="tell.drafts"),
        Binding("d", "dry_run", N_("Dry run"), id="tell.dry_run"),
        Binding("s", "send", N_("Send"), id="tell.send"),
        Binding("c", "cancel", N_("Cancel"), id="tell.cancel"),
        Binding("escape", "back", N_("Back"), id="tell.back"),
    ]

    class Loaded(Message):
        def __init__(self, token: int, roster, recipients, error: str) -> None:
            super().__init__()
            self.token, self.roster, self.recipients, self.error = token, roster, recipients, error

    class Step(Message):
        def __init__(self, token: int, signup_id: int, status: str, error: str) -> None:
            super().__init__()
            self.token, self.signup_id, self.status, self.error = token, signup_id, status, error

    class Done(Message):
        def __init__(
            self,
            token: int,
            text: str,
            error: bool,
            typed: str | None = None,
            *,
            complete: bool = True,
        ) -> None:
            super().__init__()
            self.token, self.text, self.error, self.typed = token, text, error, typed
            self.complete = complete  # every recipient was dealt with: the bar is full

    def __init__(self) -> None:
        super().__init__()
        self.language = "nb"
        self.unsent = 0  # members a send would go to: not told yet, or failed
        self.roster = None
        self.pairs: list[tuple[object, object]] = []  # (group, member) to preview, in order
        self.position = 0
        self.total = 0
        self.done = 0
        self.running = False
        self._token = 0
        self._cancel = threading.Event()
        # The (round, language) whose template the editor holds: reload() runs again after
        # every dialog, and must not throw away what is being typed.
        self._template_for: tuple[int, str] | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="tell-panes"):
            with Vertical(id="tell-form"):
                with Horizontal(classes="share-row"):
                    yield Label(_("Template"), classes="share-label")
                    yield Select(
                        [(_(text), key) for key, text in LANGUAGE_LABELS],
                        value=self.language,
                        allow_blank=False,
                        id="tell-language",
                        compact=True,
                    )
                with Horizontal(classes="share-row"):
                    yield Label(_("Subject"), classes="share-label")
                    yield Input("", id="tell-subject", compact=True)
                yield TextArea("", id="tell-body", soft_wrap=True)
                yield Static(
                    Text(" ".join("{" + name + "}" for name in templates.PLACEHOLDERS)),
                    id="tell-placeholders",
                )
                with Horizontal(classes="share-buttons"):
                    yield Button(_("Save"), id="tell-save", compact=True)
                    yield Button(_("Default"), id="tell-default", compact=True)
                with Horizontal(classes="share-buttons"):
                    yield Button(_("Drafts"), id="tell-drafts-button", compact=True)
                    yield Button(_("Dry run"), id="tell-dry-button", compact=True)
                    yield Button(_("Send"), variant="primary", id="tell-send-button", compact=True)
            with Vertical(id="tell-result"):
                with Horizontal(id="tell-progress-row"):
                    yield ProgressBar(total=100, show_eta=False, id="tell-progress")
                    yield Label("", id="tell-state")
                yield Label("", id="tell-preview-title")
                with Vertical(id="tell-preview-box"):
                    yield Static("", id="tell-preview", markup=False)
                yield ColumnsTable(LOG_COLUMNS, id="tell-log")

    # Loading

    def reload(self) -> None:
        if not self.round_id or self.running:
            return
        if self._template_for != (self.round_id, self.language):
            self._load_template()
        self._token += 1
        self._load(self._token, self.round_id, self.language)

    async def relocalise(self) -> None:
        self._template_for = None  # the editor is built again, empty
        await super().relocalise()

    def _load_template(self) -> None:
        template = templates.get_template(self.round_id, self.language)
        self._template_for = (self.round_id, self.language)
        subject = self.query_one("#tell-subject", Input)
        with subject.prevent(Input.Changed):
            subject.value = template.subject
        body = self.query_one("#tell-body", TextArea)
        with body.prevent(TextArea.Changed):
            body.load_text(template.body)

    @work(thread=True, exclusive=True, group="tell-load")
    def _load(self, token: int, round_id: int, language: str) -> None:
        try:
            with database.connection_context():
                roster = load_roster(round_id, lang=language)
                recipients = sending.plan(round_id)
        except SpleisError as error:
            # A saved template that no longer renders: show the roster, say what is wrong.
            with database.connection_context():
                roster = load_roster(round_id, lang=language)
            self.post_message(self.Loaded(token, roster, None, str(error)))
            return
        self.post_message(self.Loaded(token, roster, recipients, ""))

    def on_tell_screen_loaded(self, message: Loaded) -> None:
        if message.token != self._token:
            return
        self.roster = message.roster
        self.pairs = [(g, m) for g in message.roster.groups for m in g.members]
        # Start the preview on somebody who reads this template, if anybody does.
        self.position = next(
            (
                i
                for i, (_g, m) in enumerate(self.pairs)
                if templates.language_for(m) == self.language
            ),
            0,
        )
        if message.recipients is not None:
            self._fill_log(message.recipients)
        if message.error:
            self._set_state(message.error, "error")
        self._render_preview()

    def _fill_log(self, recipients) -> None:
        table = self.query_one("#tell-log", ColumnsTable)
        table.replace_rows(
            (
                str(r.signup_id),
                [
                    Text(r.name),
                    Text(r.email),
                    Text(r.group_name),
                    status_cell(r.last_status, r.last_error, r.moved_since_sent),
                ],
            )
            for r in recipients
        )
        sent = sum(1 for r in recipients if r.already_sent)
        failed = sum(1 for r in recipients if r.last_status == "failed")
        self.unsent = len(recipients) - sent
        self._set_state(
            _("{members}: {sent} told, {failed} failed, {left} not yet.").format(
                members=ngettext("{n} member", "{n} members", len(recipients)).format(
                    n=number(len(recipients))
                ),
                sent=number(sent),
                failed=number(failed),
                left=number(len(recipients) - sent - failed),
            )
        )

    # The live preview

    def _render_preview(self) -> None:
        title = self.query_one("#tell-preview-title", Label)
        preview = self.query_one("#tell-preview", Static)
        subject = self.query_one("#tell-subject", Input).value
        body = self.query_one("#tell-body", TextArea).text
        if not self.pairs or self.roster is None:
            title.update(_("Preview"))
            preview.update(Text(_("Nobody is in a group yet: there is nobody to tell.")))
            return
        group, member = self.pairs[self.position % len(self.pairs)]
        title.update(
            Text(
                _("Preview for {name} ({n} of {total}; n and b step)").format(
                    name=member.name, n=self.position + 1, total=len(self.pairs)
                )
            )
        )
        try:
            subject, body = templates.validate_template(subject, body)
        except ValidationError as error:
            preview.update(Text(describe(error), style="bold red"))
            return
        context = templates.context_for(group, member, self.roster.round_name, self.language)
        rendered_subject, rendered_body = templates.render(
            templates.Template(subject, body, self.language, False), context
        )
        text = Text()
        text.append(_("To") + ": ", style="bold")
        text.append(f"{member.name} <{member.email}>\n")
        text.append(_("Subject") + ": ", style="bold")
        text.append(rendered_subject + "\n\n")
        text.append(rendered_body)
        if templates.language_for(member) != self.language:
            text.append("\n" + _("(This member reads the other template.)"), style="italic")
        preview.update(text)

    @on(Input.Changed, "#tell-subject")
    @on(TextArea.Changed, "#tell-body")
    def _edited(self) -> None:
        self._render_preview()

    @on(Select.Changed, "#tell-language")
    def _language_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self.language:
            return
        chosen = str(event.value)

        def switch(go: bool | None = True) -> None:
            if go:
                self.language = chosen
                self.reload()
            else:
                with event.select.prevent(Select.Changed):
                    event.select.value = self.language

        if not self._unsaved():
            switch()
            return
        self.app.push_screen(
            ConfirmScreen(
                _("The template has changes that are not saved. Leave them?"),
                confirm_label=_("Leave them"),
            ),
            switch,
        )

    def action_next_member(self) -> None:
        if self.pairs:
            self.position = (self.position + 1) % len(self.pairs)
            self._render_preview()

    def action_previous_member(self) -> None:
        if self.pairs:
            self.position = (self.position - 1) % len(self.pairs)
            self._render_preview()

    # The template

    def action_save(self) -> None:
        subject = self.query_one("#tell-subject", Input).value
        body = self.query_one("#tell-body", TextArea).text
        ok, _saved = self.attempt(
            lambda: templates.save_template(self.round_id, self.language, subject, body)
        )
        if ok:
            self.notify(_("Saved the template."))

    def _reset(self) -> None:
        ok, _template = self.attempt(lambda: templates.reset_template(self.round_id, self.language))
        if ok:
            self._load_template()
            self._render_preview()
            self.notify(_("The template is the default again."))

    def _unsaved(self) -> bool:
        saved = templates.get_template(self.round_id, self.language)
        # Saving tidies the text (stripped subject, a body ending in one newline): compare
        # the tidied text, or what was just saved would never count as saved.
        try:
            edited = templates.validate_template(
                self.query_one("#tell-subject", Input).value,
                self.query_one("#tell-body", TextArea).text,
            )
        except ValidationError:
            return True  # saving shows what is wrong
        return edited != (saved.subject, saved.body)

    def _then_if_saved(self, go) -> None:
        """Sending uses the saved template: offer to save what is being edited first."""
        if not self._unsaved():
            go()
            return

        def answered(save: bool | None) -> None:
            if save:
                self.action_save()
                if not self._unsaved():
                    go()

        self.app.push_screen(
            ConfirmScreen(
                _("The template has changes that are not saved. Save them first?"),
                confirm_label=_("Save"),
            ),
            answered,
        )

    # Drafts, dry run, send

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return True if self.running else None
        if action in ("drafts", "dry_run", "send", "save"):
            return None if self.running else True
        return True

    def action_drafts(self) -> None:
        if self.running or not self.round_id:
            return
        folder = export_dir() / f"{file_slug(self.app.round_name)}-drafts"

        def chosen(path: object | None) -> None:
            if path:
                self._start()
                self._write_drafts(self._token, self.round_id, Path(str(path)).expanduser())

        self._then_if_saved(
            lambda: self.app.push_screen(
                TextPrompt(_("Folder for the .eml drafts"), str(folder)), chosen
            )
        )

    def action_dry_run(self) -> None:
        if self.running or not self.round_id:
            return
        config = self._config()
        if config is not None:
            self._then_if_saved(lambda: self._begin_send(config, "", dry_run=True))

    def action_send(self) -> None:
        if self.running or not self.round_id:
            return
        config = self._config()
        if config is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            password = smtp.stored_password(config)
            if password is not None or not config.username:
                self._begin_send(config, password or "", dry_run=False)
                return
            self.app.push_screen(
                TextPrompt(
                    _("Password for {user} on {host}").format(
                        user=config.username, host=config.host
                    ),
                    password=True,
                ),
                lambda typed: (
                    typed and self._begin_send(config, str(typed), dry_run=False, typed=True)
                ),
            )

        question = ngettext(
            "Send the e-mail to the {n} member who has not had it yet, through {host}?",
            "Send the e-mail to the {n} members who have not had it yet, through {host}?",
            self.unsent,
        ).format(n=number(self.unsent), host=config.host)
        self._then_if_saved(
            lambda: self.app.push_screen(
                ConfirmScreen(
                    question,
                    confirm_label=_("Send"),
                ),
                confirmed,
            )
        )

    def _config(self) -> smtp.SmtpConfig | None:
        path = smtp.config_path()
        if not path.exists():

            def create(yes: bool | None) -> None:
                if yes and self.attempt(lambda: smtp.write_config_template(path))[0]:
                    self.notify(
                        _("Wrote {path}. Fill in your mail server there, then try again.").format(
                            path=path
                        ),
                        markup=False,
                        timeout=10,
                    )

            self.app.push_screen(
                ConfirmScreen(
                    _("There are no mail settings yet. Make {path} to fill in?").format(path=path),
                    confirm_label=_("Make it"),
                ),
                create,
            )
            return None
        ok, config = self.attempt(lambda: smtp.load_config(path))
        return config if ok else None

    def _start(self) -> None:
        self._token += 1
        self._cancel = threading.Event()
        self.running = True
        self.done = 0
        self.total = max(1, self.query_one("#tell-log", ColumnsTable).row_count)
        self.query_one("#tell-progress", ProgressBar).update(total=self.total, progress=0)
        self.refresh_bindings()

    def _begin_send(
        self, config: smtp.SmtpConfig, password: str, *, dry_run: bool, typed: bool = False
    ) -> None:
        self._start()
        self._set_state(_("Checking every message…") if dry_run else _("Sending… c stops."))
        self._send(self._token, self.round_id, config, password, dry_run, typed, self._cancel)

    @work(thread=True, exclusive=True, group="tell-send")
    def _write_drafts(self, token: int, round_id: int, folder: Path) -> None:
        try:
            sender = None
            if smtp.config_path().exists():
                config = smtp.load_config()
                sender = (config.sender_name, config.sender_email)
            with database.connection_context():
                report = messages.write_drafts(round_id, folder, sender=sender)
        except (SpleisError, OSError) as error:
            self.post_message(self.Done(token, str(error), True))
            return
        text = ngettext(
            "Wrote {n} draft to {folder}.", "Wrote {n} drafts to {folder}.", report.written
        ).format(n=number(report.written), folder=report.folder)
        self.post_message(self.Done(token, text, False))

    @work(thread=True, exclusive=True, group="tell-send")
    def _send(
        self,
        token: int,
        round_id: int,
        config: smtp.SmtpConfig,
        password: str,
        dry_run: bool,
        typed: bool,
        cancel: threading.Event,
    ) -> None:
        worker = get_current_worker()

        def progress(recipient, status: str, error: str) -> None:
            self.post_message(self.Step(token, recipient.signup_id, status, error))

        try:
            with database.connection_context():
                report = sending.send_all(
                    round_id,
                    config,
                    password,
                    dry_run=dry_run,
                    progress=progress,
                    cancelled=lambda: cancel.is_set() or worker.is_cancelled,
                )
        except smtp.LoginFailed as error:
            smtp.forget_password(config)
            self.post_message(self.Done(token, str(error), True))
            return
        except SpleisError as error:
            self.post_message(self.Done(token, str(error), True))
            return
        if dry_run:
            text = ngettext(
                "Dry run: {n} message would be sent.",
                "Dry run: {n} messages would be sent.",
                report.sent,
            ).format(n=number(report.sent))
        else:
            text = ngettext("Sent {n} message.", "Sent {n} messages.", report.sent).format(
                n=number(report.sent)
            )
        if report.failed:
            text += " " + ngettext("{n} failed.", "{n} failed.", report.failed).format(
                n=number(report.failed)
            )
        if report.skipped_already_sent:
            text += " " + ngettext(
                "{n} had it already.", "{n} had it already.", report.skipped_already_sent
            ).format(n=number(report.skipped_already_sent))
        if report.cancelled:
            text += " " + _("Stopped: run it again to send the rest.")
        keep = password if typed and report.sent and not dry_run else None
        self.post_message(
            self.Done(token, text, bool(report.failed), keep, complete=not report.cancelled)
        )

    def on_tell_screen_step(self, message: Step) -> None:
        if message.token != self._token:
            return
        table = self.query_one("#tell-log", ColumnsTable)
        key = str(message.signup_id)
        if key in table.rows:
            cells = table.get_row(key)
            table.update_row(key, [*cells[:3], status_cell(message.status, message.error)])
        self.done += 1
        self.query_one("#tell-progress", ProgressBar).update(progress=self.done)

    def on_tell_screen_done(self, message: Done) -> None:
        if message.token != self._token:
            return
        self.running = False
        self.refresh_bindings()
        if message.complete and not message.error:
            self.query_one("#tell-progress", ProgressBar).update(progress=self.total)
        self._set_state(message.text, "error" if message.error else "success")
        self.notify(
            message.text, severity="error" if message.error else "information", markup=False
        )
        if message.typed:
            self._offer_keyring(message.typed)

    def _offer_keyring(self, password: str) -> None:
        config = self._config()
        if config is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.attempt(lambda: smtp.store_password(config, password))

        self.app.push_screen(
            ConfirmScreen(
                _("Keep the password in the system keyring for next time?"),
                confirm_label=_("Keep it"),
            ),
            answered,
        )

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self._set_state(_("Stopping after this message…"))

    def action_back(self) -> None:
        if self.running:
            self.action_cancel()
            return
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {
            "tell-save": self.action_save,
            "tell-default": self._reset,
            "tell-drafts-button": self.action_drafts,
            "tell-dry-button": self.action_dry_run,
            "tell-send-button": self.action_send,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def _set_state(self, text: str, kind: str = "") -> None:
        state = self.query_one("#tell-state", Label)
        state.update(Text(text))
        for name in ("error", "success"):
            state.set_class(kind == name, f"-{name}")
