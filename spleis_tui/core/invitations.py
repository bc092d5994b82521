"""Inviting people from earlier rounds to a new one.

The lonely are the hardest to reach; somebody who came once is the easiest to ask again.
This finds who took part in earlier rounds and has not signed up for this one, and
writes each of them an invitation as an `.eml` draft, in their own language. They sign
up through the round's form as anybody else (consent is asked again); the matcher then
keeps apart people who were grouped together before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spleis_tui.core import dates
from spleis_tui.core.errors import NotFound, SpleisError, ValidationError
from spleis_tui.core.models import Round, SignUp
from spleis_tui.core.notify.messages import (
    FILE_POLICY,
    Sender,
    as_address,
    build_message,
    draft_file_names,
    write_private,
)
from spleis_tui.i18n import N_, _, gettext_in


@dataclass(frozen=True)
class Invitee:
    person_id: int
    name: str
    email: str
    language: str  # "no", "en" or "both", as they answered last time
    earlier_round: str  # the latest earlier round they took part in

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class InvitationReport:
    written: int
    folder: Path
    files: tuple[Path, ...]


def invitees(round_id: int, from_round_ids: Sequence[int]) -> list[Invitee]:
    """Who took part (and did not withdraw) in the earlier rounds and is not signed up for
    this one, once each, with the name and address from their latest round."""
    if not Round.select().where(Round.id == round_id).exists():
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    earlier = [r for r in dict.fromkeys(from_round_ids) if r != round_id]
    if not earlier:
        raise ValidationError("round", _("Choose one or more earlier rounds to invite from."))
    names = dict(Round.select(Round.id, Round.name).where(Round.id.in_(earlier)).tuples())
    missing = [r for r in earlier if r not in names]
    if missing:
        raise NotFound(_("No round has the id {id}.").format(id=missing[0]))
    here = SignUp.select(SignUp.person).where(SignUp.round == round_id)
    latest: dict[int, Invitee] = {}
    query = (
        SignUp.select(
            SignUp.person, SignUp.name, SignUp.email, SignUp.language, SignUp.round, Round.starts_on
        )
        .join(Round)
        .where(SignUp.round.in_(earlier) & (SignUp.status == "active") & SignUp.person.not_in(here))
        # The latest round last, so its name and address win.
        .order_by(Round.starts_on.asc(nulls="first"), Round.id, SignUp.id)
        .tuples()
    )
    for person_id, name, email, language, from_round, _starts in query:
        latest[person_id] = Invitee(person_id, name, email, language, names[from_round])
    return sorted(latest.values(), key=lambda i: (i.name.casefold(), i.person_id))


def invitation(round_: Round, invitee: Invitee, link: str = "") -> tuple[str, str]:
    """The subject and text of one invitation, in the invitee's language."""
    lang = "en" if invitee.language == "en" else "nb"

    def t(message: str) -> str:
        return gettext_in(lang, message)

    lines = [
        t("Hi {first_name},").format(first_name=invitee.first_name),
        "",
        t("You took part in {earlier}. Thank you for coming!").format(
            earlier=invitee.earlier_round
        ),
        t("Now {round} is starting, and we would love to see you again.").format(round=round_.name),
    ]
    if round_.starts_on:
        lines.append(
            t("The groups start meeting from {day}.").format(
                day=dates.format_day(round_.starts_on, lang)
            )
        )
    lines.append(
        t(
            "You will meet new people this time: nobody from your last group is put in "
            "your group again."
        )
    )
    lines.append("")
    if link:
        lines.append(t("Sign up here: {link}").format(link=link))
    else:
        lines.append(t("Answer this e-mail if you want to join, and we will sign you up."))
    lines += ["", t("Best wishes,"), t("The organisers of {round}").format(round=round_.name)]
    subject = t("Join {round}?").format(round=round_.name)
    return subject, "\n".join(lines) + "\n"


# Marked for translation here; invitation() translates them in the reader's language.
_MESSAGES = (
    N_("Hi {first_name},"),
    N_("You took part in {earlier}. Thank you for coming!"),
    N_("Now {round} is starting, and we would love to see you again."),
    N_("The groups start meeting from {day}."),
    N_(
        "You will meet new people this time: nobody from your last group is put in "
        "your group again."
    ),
    N_("Sign up here: {link}"),
    N_("Answer this e-mail if you want to join, and we will sign you up."),
    N_("Best wishes,"),
    N_("The organisers of {round}"),
    N_("Join {round}?"),
)


def write_invitations(
    round_id: int,
    from_round_ids: Iterable[int],
    folder: str | os.PathLike[str],
    *,
    link: str = "",
    sender: Sender | None = None,
) -> InvitationReport:
    """One invitation draft (`.eml`, opened as a new message) per earlier participant."""
    round_ = Round.get_by_id(round_id)
    people = invitees(round_id, list(from_round_ids))
    link = link.strip()
    if link and not link.startswith("https://"):
        raise ValidationError("link", _("The sign-up link must start with https://."))
    target = Path(folder).expanduser()
    if target.exists() and not target.is_dir():
        raise SpleisError(_("{path} is a file, not a folder.").format(path=target))
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    sender_address = as_address(sender) if sender is not None else None
    names = draft_file_names((_("invitation"), p.name) for p in people)
    files = []
    for invitee, name in zip(people, names, strict=True):
        subject, body = invitation(round_, invitee, link)
        message = build_message(sender_address, invitee, subject, body)
        message["X-Unsent"] = "1"
        path = target / name
        write_private(path, message.as_bytes(policy=FILE_POLICY))
        files.append(path)
    return InvitationReport(len(files), target, tuple(files))
