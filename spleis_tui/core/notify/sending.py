"""Sending every member their own e-mail, and the send log that makes a re-run safe.

One message per member, never a list of addresses in Bcc. The log (`SentMessage`) has
one row per member: "sent" members are skipped on every later run, "failed" ones are
tried again. Each result is written in its own transaction right after the server
answers, so the log stays true if the program stops halfway. It holds no message text.

A server that refuses one recipient fails that one and the others go on. A connection
that drops is opened again once; if that does not help, the rest fail with the reason
and are tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage

from peewee import JOIN

from spleis_tui.core.emails import normalise_email
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.models import Group, Person, SentMessage, SignUp, database, utcnow
from spleis_tui.core.notify import smtp
from spleis_tui.core.notify.messages import build_message, make_address
from spleis_tui.core.notify.templates import render_round
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.i18n import _

ERROR_LIMIT = 500
# Longest single sleep while waiting for the rate limit, so a cancel is noticed quickly.
SLEEP_STEP = 1.0

# What progress() is told about each recipient.
SENT, FAILED, SKIPPED, WOULD_SEND = "sent", "failed", "skipped", "would_send"


@dataclass(frozen=True)
class Recipient:
    signup_id: int
    group_id: int
    group_name: str
    name: str
    email: str
    language: str  # "nb" or "en": the template they get
    subject: str
    body: str
    already_sent: bool  # the log says "sent": a run skips them
    last_status: str  # "", "sent" or "failed"
    last_error: str
    # Sent while in another group: they have not heard about this one (reset_log to resend).
    moved_since_sent: bool


@dataclass(frozen=True)
class SendReport:
    sent: int  # in a dry run: how many would be sent
    failed: int
    skipped_already_sent: int
    dry_run: bool
    failures: list[tuple[str, str]] = field(default_factory=list)  # (e-mail, reason)
    cancelled: bool = False
    not_attempted: int = 0  # left when cancelled: neither sent nor failed


@dataclass(frozen=True)
class LogRow:
    name: str
    email: str
    group: str  # the group they were told about; "" if it has been dissolved since
    status: str  # "sent" or "failed"
    error: str
    attempted_at: dt.datetime  # UTC
    signup_id: int = 0


def plan(round_id: int) -> list[Recipient]:
    """Every active member in a group of the round, with their message and what the log
    says, in group and name order. Renders (and so validates) every message."""
    rendered = render_round(round_id)
    log = {
        signup_id: (status, error, group_id)
        for signup_id, status, error, group_id in SentMessage.select(
            SentMessage.signup, SentMessage.status, SentMessage.error, SentMessage.group
        )
        .where(SentMessage.round == round_id)
        .tuples()
    }
    recipients = []
    for item in rendered:
        status, error, sent_group = log.get(item.signup_id, ("", "", None))
        recipients.append(
            Recipient(
                signup_id=item.signup_id,
                group_id=item.group_id,
                group_name=item.group_name,
                name=item.name,
                email=item.email,
                language=item.language,
                subject=item.subject,
                body=item.body,
                already_sent=status == SENT,
                last_status=status,
                last_error=error,
                moved_since_sent=status == SENT and sent_group != item.group_id,
            )
        )
    return recipients


def _record(round_id: int, recipient: Recipient, status: str, error: str, message_id: str) -> None:
    """One line of the send log, in its own transaction."""
    values = {
        SentMessage.group: recipient.group_id,
        SentMessage.status: status,
        SentMessage.error: error[:ERROR_LIMIT],
        SentMessage.message_id: message_id[:300],
        SentMessage.attempted_at: utcnow(),
    }
    with database.atomic():
        SentMessage.insert(
            {SentMessage.round: round_id, SentMessage.signup: recipient.signup_id, **values}
        ).on_conflict(
            conflict_target=[SentMessage.round, SentMessage.signup], update=values
        ).execute()


def _unsent(recipients: list[Recipient]) -> int:
    return sum(1 for recipient in recipients if not recipient.already_sent)


class _ConnectionLost(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _server_says(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        if answers:
            code, text = answers[0]
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            return f"{code} {text}".strip()
    return smtp.reason_of(error)


def _deliver(client: smtplib.SMTP, message: EmailMessage, sender: str, to: str) -> str:
    """Send one message; return "" or the server's reason for refusing it. A dropped
    connection raises _ConnectionLost."""
    try:
        client.send_message(message, from_addr=sender, to_addrs=[to])
        return ""
    except smtplib.SMTPServerDisconnected as error:
        raise _ConnectionLost(str(error) or _("the server closed the connection")) from error
    except smtplib.SMTPResponseException as error:
        if error.smtp_code == 421:  # "service not available, closing channel"
            raise _ConnectionLost(smtp.reason_of(error)) from error
        return _server_says(error)
    except smtplib.SMTPException as error:
        # SMTPRecipientsRefused (no code of its own), SMTPNotSupportedError (an address
        # that needs SMTPUTF8), and the like: this recipient fails, the others go on.
        return _server_says(error)
    except OSError as error:  # reset, broken pipe, timeout
        raise _ConnectionLost(smtp.reason_of(error)) from error


def send_all(
    round_id: int,
    config: smtp.SmtpConfig,
    password: str,
    *,
    dry_run: bool = False,
    progress: Callable[[Recipient, str, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    connect: Callable[[smtp.SmtpConfig, str], smtplib.SMTP] = smtp.connect,
) -> SendReport:
    """Send each member who has not had it yet their own message; return what happened.

    `progress(recipient, status, error)` hears about every recipient as it is done, with
    status "sent", "failed", "skipped" (sent before) or "would_send" (a dry run). It and
    `cancelled()` are called from the thread that sends. A dry run renders and checks
    every message, connects nowhere and writes nothing. Not being able to connect or log
    in at the start raises SpleisError (smtp.LoginFailed for a refused password) before
    anything is sent.
    """
    if not dry_run:
        refuse_if_closed(round_id)
    recipients = plan(round_id)
    sender = make_address(config.sender_name, config.sender_email)
    interval = 60.0 / max(1, config.rate_per_minute)
    is_cancelled = cancelled or (lambda: False)
    tell = progress or (lambda recipient, status, error: None)

    sent = failed = skipped = 0
    failures: list[tuple[str, str]] = []
    client: smtplib.SMTP | None = None
    last_attempt: float | None = None
    gone: str = ""  # why the connection is gone for good: the rest fail with it

    def fail(recipient: Recipient, reason: str, message_id: str = "") -> None:
        nonlocal failed
        failed += 1
        failures.append((recipient.email, reason))
        if not dry_run:
            _record(round_id, recipient, FAILED, reason, message_id)
        tell(recipient, FAILED, reason)

    def wait_for_rate_limit() -> bool:
        """Sleep until the next message may go; False if cancelled meanwhile."""
        if last_attempt is None:
            return True
        remaining = last_attempt + interval - clock()
        while remaining > 0:
            if is_cancelled():
                return False
            step = min(remaining, SLEEP_STEP)
            sleep(step)
            remaining -= step
        return True

    not_attempted = 0
    stopped = False
    try:
        for index, recipient in enumerate(recipients):
            if recipient.already_sent:
                skipped += 1
                tell(recipient, SKIPPED, "")
                continue
            if gone:
                fail(recipient, gone)
                continue
            if is_cancelled():
                stopped, not_attempted = True, _unsent(recipients[index:])
                break
            try:
                message = build_message(sender, recipient, recipient.subject, recipient.body)
            except ValidationError as error:
                fail(recipient, error.message)
                continue
            if dry_run:
                sent += 1
                tell(recipient, WOULD_SEND, "")
                continue
            if not wait_for_rate_limit():
                stopped, not_attempted = True, _unsent(recipients[index:])
                break
            if client is None:
                client = connect(config, password)
            last_attempt = clock()
            message_id = str(message["Message-ID"])
            try:
                reason = _deliver(client, message, config.sender_email, recipient.email)
            except _ConnectionLost as lost:
                smtp.close(client)
                client = None
                try:
                    client = connect(config, password)
                    reason = _deliver(client, message, config.sender_email, recipient.email)
                except (SpleisError, _ConnectionLost) as again:
                    smtp.close(client)
                    client = None
                    why = again.reason if isinstance(again, _ConnectionLost) else str(again)
                    gone = _("The connection to the server was lost ({reason}).").format(
                        reason=why or lost.reason
                    )
                    fail(recipient, gone, message_id)
                    continue
            if reason:
                fail(recipient, reason, message_id)
            else:
                sent += 1
                _record(round_id, recipient, SENT, "", message_id)
                tell(recipient, SENT, "")
    finally:
        smtp.close(client)
    return SendReport(
        sent=sent,
        failed=failed,
        skipped_already_sent=skipped,
        dry_run=dry_run,
        failures=failures,
        cancelled=stopped,
        not_attempted=not_attempted,
    )


def send_log(round_id: int) -> list[LogRow]:
    """The send log of a round, in group and name order, for the UI."""
    query = (
        SentMessage.select(
            SignUp.name,
            SignUp.email,
            Group.name,
            SentMessage.status,
            SentMessage.error,
            SentMessage.attempted_at,
            SignUp.id,
        )
        .join(SignUp, on=(SentMessage.signup == SignUp.id))
        .switch(SentMessage)
        .join(Group, JOIN.LEFT_OUTER, on=(SentMessage.group == Group.id))
        .where(SentMessage.round == round_id)
        .order_by(Group.sort_key, SignUp.name_key, SignUp.id)
        .tuples()
    )
    return [
        LogRow(name, email, group or "", status, error, attempted_at, signup_id)
        for name, email, group, status, error, attempted_at, signup_id in query
    ]


def reset_log(round_id: int, emails: Iterable[str] | None = None) -> int:
    """Forget who was sent the message (everybody, or these addresses), so the next run
    sends it to them again. Returns how many log lines went."""
    condition = SentMessage.round == round_id
    if emails is not None:
        keys = {normalise_email(email) for email in emails} - {""}
        if not keys:
            return 0
        signups = (
            SignUp.select(SignUp.id)
            .join(Person)
            .where((SignUp.round == round_id) & Person.email_key.in_(keys))
        )
        condition &= SentMessage.signup.in_(signups)
    with database.atomic():
        refuse_if_closed(round_id)
        return SentMessage.delete().where(condition).execute()
