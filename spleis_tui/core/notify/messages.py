"""One member's e-mail as a message object, and drafts written as `.eml` files.

Addresses go through `email.headerregistry.Address`, so a display name with quotes,
commas or letters beyond ASCII ("Ola "Olsen", Æøå Nguyễn Thị") is quoted and encoded
the way every mail program reads it back. Each message has exactly one recipient.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.models import SignUp
from spleis_tui.core.notify.templates import render_round
from spleis_tui.core.text import file_slug
from spleis_tui.i18n import _

OSLO = ZoneInfo("Europe/Oslo")
# How the drafts are written: CRLF line ends, which Outlook expects of an .eml file.
FILE_POLICY = policy.SMTP


class HasAddress(Protocol):
    name: str
    email: str


# A sender: an Address, a (display name, e-mail) pair, or "Name <e-mail>".
Sender = Address | tuple[str, str] | str


def _one_line(text: str) -> str:
    """No line breaks in a header, whatever the text: they would start a new header."""
    return " ".join(str(text).replace("\r", " ").replace("\n", " ").split())


def make_address(display_name: str, email: str) -> Address:
    """An address to put in a header; ValidationError when the e-mail cannot be one."""
    email = _one_line(email)
    try:
        return Address(display_name=_one_line(display_name), addr_spec=email)
    except (ValueError, IndexError, MessageError):
        raise ValidationError(
            "email", _("{value} is not an address we can send to.").format(value=email)
        ) from None


def as_address(sender: Sender) -> Address:
    if isinstance(sender, Address):
        return sender
    if isinstance(sender, tuple):
        return make_address(*sender)
    from email.utils import parseaddr

    name, email = parseaddr(str(sender))
    return make_address(name, email)


def message_id_domain(address: Address) -> str:
    """The part after @ in ASCII, as a Message-ID needs it."""
    domain = address.domain or "localhost"
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def build_message(
    sender: Sender | None,
    member: HasAddress,
    subject: str,
    body: str,
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """An e-mail to one member. Without a sender (a draft), From and Message-ID are left
    for the mail program that sends it."""
    message = EmailMessage()
    if sender is not None:
        sender_address = as_address(sender)
        message["From"] = sender_address
    message["To"] = make_address(member.name, member.email)
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(now or dt.datetime.now(OSLO))
    if sender is not None:
        message["Message-ID"] = make_msgid(domain=message_id_domain(sender_address))
    # Quoted-printable keeps the body 7-bit: any server takes it, however old.
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


# Drafts.


@dataclass(frozen=True)
class DraftReport:
    written: int
    folder: Path
    files: tuple[Path, ...]
    skipped_without_group: int  # active sign-ups of the round in no group: nothing to tell


def slug(text: str, fallback: str, limit: int = 40) -> str:
    """ASCII letters, digits and dashes only: "Gruppe Øst 2" → "gruppe-ost-2"."""
    return file_slug(text, fallback, limit)


def draft_file_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """ "{group}-{n}-{member}.eml" for (group name, member name) pairs: n counts from 1
    over all of them, so names are unique even when two slugs are the same."""
    items = list(pairs)
    width = max(3, len(str(len(items))))
    return [
        f"{slug(group, 'group')}-{number:0{width}d}-{slug(name, 'member')}.eml"
        for number, (group, name) in enumerate(items, start=1)
    ]


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read; never through a symlink someone left there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # the file may have been there with a wider mode
        os.write(fd, data)
    finally:
        os.close(fd)


def write_drafts(
    round_id: int, folder: str | os.PathLike[str], *, sender: Sender | None = None
) -> DraftReport:
    """One draft `.eml` file per member in a group, to open and send from a mail program.

    `X-Unsent: 1` makes Outlook and Thunderbird open each file as a message to send.
    The folder is created readable by its owner only; an existing folder keeps its mode.
    Files of an earlier run with the same names are replaced; others are left alone.
    """
    rendered = render_round(round_id)
    sender_address = as_address(sender) if sender is not None else None
    target = Path(folder).expanduser()
    try:
        if not target.exists():
            target.mkdir(parents=True, mode=0o700)
            os.chmod(target, 0o700)
        elif not target.is_dir():
            raise SpleisError(_("{path} is a file, not a folder.").format(path=target))
        names = draft_file_names((item.group_name, item.name) for item in rendered)
        files = []
        for item, name in zip(rendered, names, strict=True):
            message = build_message(sender_address, item, item.subject, item.body)
            message["X-Unsent"] = "1"
            path = target / name
            write_private(path, message.as_bytes(policy=FILE_POLICY))
            files.append(path)
    except OSError as error:
        raise SpleisError(
            _("Could not write the drafts to {path}: {reason}").format(
                path=target, reason=error.strerror or error
            )
        ) from error
    without_group = (
        SignUp.select()
        .where((SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.is_null())
        .count()
    )
    return DraftReport(len(files), target, tuple(files), without_group)
