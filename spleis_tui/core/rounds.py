"""Rounds: one run of a measure, and which one the user is working on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, Case, fn

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import (
    ROUND_KINDS,
    ROUND_STATUSES,
    Round,
    Setting,
    SignUp,
    database,
)
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import N_, _

CURRENT_ROUND_KEY = "current_round"

DEFAULT_PRIVACY_NOTE = N_(
    "We store your name, e-mail, phone (optional) and your answers to put you in a group "
    "and tell you about it. Only the organisers see them. We delete them when the round "
    "is over, and you can ask us to delete them at any time."
)


@dataclass(frozen=True)
class RoundRow:
    id: int
    name: str
    kind: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    active: int
    withdrawn: int


def parse_date(text: str, field: str) -> dt.date | None:
    """A date typed as 2027-01-20 or as 20.01.2027 (how Norwegians write it); None if empty."""
    text = text.strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValidationError(
        field, _("{value} is not a date like 20.01.2027 or 2027-01-20.").format(value=text)
    )


def create_round(
    name: str,
    kind: str = "vennespleis",
    *,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    privacy_note: str | None = None,
    make_current: bool = True,
) -> Round:
    name, _cleaned = clean_text(name)
    if not name:
        raise ValidationError("name", _("A round needs a name."))
    if len(name) > 200:
        raise ValidationError(
            "name", _("This is too long (at most {limit} characters).").format(limit=200)
        )
    if kind not in ROUND_KINDS:
        raise ValidationError(
            "kind", _("The kind must be one of: {kinds}.").format(kinds=", ".join(ROUND_KINDS))
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError("ends_on", _("The round cannot end before it starts."))
    note = (
        _(DEFAULT_PRIVACY_NOTE)
        if privacy_note is None
        else clean_text(privacy_note, multiline=True)[0]
    )
    with database.atomic():
        if Round.select().where(Round.name_key == fold(name)).exists():
            raise ValidationError(
                "name", _("There is already a round called {name}.").format(name=name)
            )
        created = Round.create(
            name=name, kind=kind, starts_on=starts_on, ends_on=ends_on, privacy_note=note
        )
        if make_current:
            _store_current(created.id)
    return created


def list_rounds() -> list[RoundRow]:
    active = fn.SUM(Case(None, [(SignUp.status == "active", 1)], 0))
    withdrawn = fn.SUM(Case(None, [(SignUp.status == "withdrawn", 1)], 0))
    query = (
        Round.select(Round, active.alias("n_active"), withdrawn.alias("n_withdrawn"))
        .join(SignUp, JOIN.LEFT_OUTER, on=(SignUp.round == Round.id))
        .group_by(Round.id)
        .order_by(Round.created_at.desc(), Round.id.desc())
    )
    return [
        RoundRow(
            r.id,
            r.name,
            r.kind,
            r.status,
            r.starts_on,
            r.ends_on,
            int(r.n_active or 0),
            int(r.n_withdrawn or 0),
        )
        for r in query
    ]


def find_round(ref: str | int | None) -> Round:
    """A round by id or name (case-insensitive); with no reference, the current round."""
    if ref is None or ref == "":
        current = current_round()
        if current is None:
            raise NotFound(_("There is no round yet. Create one with `spleis rounds create NAME`."))
        return current
    text = str(ref).strip()
    found = Round.get_or_none(Round.name_key == fold(text))
    if found is None and text.isdigit():
        found = Round.get_or_none(Round.id == int(text))
    if found is None:
        raise NotFound(_("No round is called {name}.").format(name=text))
    return found


def current_round() -> Round | None:
    setting = Setting.get_or_none(Setting.key == CURRENT_ROUND_KEY)
    if setting is not None:
        found = Round.get_or_none(Round.id == int(setting.value))
        if found is not None:
            return found
    return Round.select().order_by(Round.created_at.desc(), Round.id.desc()).first()


def set_current_round(round_id: int) -> Round:
    found = Round.get_or_none(Round.id == round_id)
    if found is None:
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    with database.atomic():
        _store_current(round_id)
    return found


def _store_current(round_id: int) -> None:
    Setting.insert(key=CURRENT_ROUND_KEY, value=str(round_id)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: str(round_id)}
    ).execute()


def refuse_if_closed(round_id: int) -> None:
    """A closed round is finished: it can be read, exported and erased, not changed."""
    closed = Round.select().where((Round.id == round_id) & (Round.status == "closed")).exists()
    if closed:
        raise ValidationError(
            "round", _("This round is closed. Set its status to open to change it (F6).")
        )


def set_round_status(round_id: int, status: str) -> None:
    if status not in ROUND_STATUSES:
        raise ValidationError(
            "status",
            _("The status must be one of: {statuses}.").format(statuses=", ".join(ROUND_STATUSES)),
        )
    with database.atomic():
        if not Round.update(status=status).where(Round.id == round_id).execute():
            raise NotFound(_("No round has the id {id}.").format(id=round_id))


def delete_round(round_id: int) -> int:
    """Erase a round with all its sign-ups, groups and leaders; return the sign-ups erased."""
    from spleis_tui.core.db import forget_erased
    from spleis_tui.core.signups import forget_people_without_signups

    with database.atomic():
        count = SignUp.select().where(SignUp.round == round_id).count()
        Round.delete().where(Round.id == round_id).execute()
        Setting.delete().where(
            (Setting.key == CURRENT_ROUND_KEY) & (Setting.value == str(round_id))
        ).execute()
        forget_people_without_signups()
    forget_erased()
    return count
