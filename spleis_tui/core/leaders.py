"""Leaders of a round: trivselsledere and turledere, with how many groups each can take."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peewee import JOIN, fn

from spleis_tui.core.emails import is_valid_email, is_valid_phone, normalise_email
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import LANGUAGES, LEADER_ROLES, Group, Leader, database
from spleis_tui.core.reference import Reference
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import _


@dataclass(frozen=True)
class LeaderRow:
    id: int
    name: str
    email: str
    phone: str
    campus: str
    role: str
    capacity: int
    groups: int
    language: str = "both"


def validate_leader(data: Mapping[str, object], ref: Reference) -> dict:
    name = clean_text(data.get("name"))[0]
    if not name:
        raise ValidationError("name", _("Name is required."))
    for key, value, limit in (("name", name, 200), ("email", data.get("email") or "", 320)):
        if len(str(value)) > limit:
            raise ValidationError(
                key, _("This is too long (at most {limit} characters).").format(limit=limit)
            )
    email = clean_text(data.get("email"))[0]
    if not email:
        raise ValidationError("email", _("E-mail is required."))
    if not is_valid_email(email):
        raise ValidationError("email", _("{value} is not an e-mail address.").format(value=email))
    phone = clean_text(data.get("phone"))[0]
    if phone and not is_valid_phone(phone):
        raise ValidationError("phone", _("{value} is not a phone number.").format(value=phone))
    campus = str(data.get("campus") or "").strip()
    if campus and campus not in ref.campuses:
        raise ValidationError("campus", _("{value} is not a known campus.").format(value=campus))
    role = str(data.get("role") or "trivselsleder")
    if role not in LEADER_ROLES:
        raise ValidationError("role", _("Choose a role from the list."))
    try:
        capacity = int(str(data.get("capacity") if data.get("capacity") not in (None, "") else 2))
    except ValueError:
        capacity = -1
    if not 1 <= capacity <= 50:
        raise ValidationError("capacity", _("Max groups must be a whole number from 1 to 50."))
    language = str(data.get("language") or "both")
    if language not in LANGUAGES:
        raise ValidationError("language", _("Choose a language from the list."))
    return {
        "name": name,
        "email": email,
        "email_key": normalise_email(email),
        "phone": phone,
        "campus": campus,
        "role": role,
        "capacity": capacity,
        "language": language,
    }


def add_leader(round_id: int, data: Mapping[str, object], ref: Reference) -> Leader:
    values = validate_leader(data, ref)
    with database.atomic():
        refuse_if_closed(round_id)
        clash = Leader.select().where(
            (Leader.round == round_id) & (Leader.email_key == values["email_key"])
        )
        if clash.exists():
            raise ValidationError(
                "email",
                _("{email} is already a leader in this round.").format(email=values["email"]),
            )
        return Leader.create(round=round_id, **values)


def update_leader(leader_id: int, data: Mapping[str, object], ref: Reference) -> Leader:
    with database.atomic():
        leader = get_leader(leader_id)
        refuse_if_closed(leader.round_id)
        merged = {
            k: getattr(leader, k)
            for k in ("name", "email", "phone", "campus", "role", "capacity", "language")
        }
        merged.update(data)
        values = validate_leader(merged, ref)
        clash = Leader.select().where(
            (Leader.round == leader.round_id)
            & (Leader.email_key == values["email_key"])
            & (Leader.id != leader.id)
        )
        if clash.exists():
            raise ValidationError(
                "email",
                _("{email} is already a leader in this round.").format(email=values["email"]),
            )
        for key, value in values.items():
            setattr(leader, key, value)
        leader.save()
        return leader


def get_leader(leader_id: int) -> Leader:
    leader = Leader.get_or_none(Leader.id == leader_id)
    if leader is None:
        raise NotFound(_("No leader has the id {id}.").format(id=leader_id))
    return leader


def find_leader(round_id: int, ref: str) -> Leader:
    text = ref.strip()
    leader = Leader.get_or_none(
        (Leader.round == round_id) & (Leader.email_key == normalise_email(text))
    )
    if leader is None:
        # Compared in Python: SQL LOWER() folds only ASCII, and a round has few leaders.
        leader = next(
            (
                candidate
                for candidate in Leader.select().where(Leader.round == round_id).order_by(Leader.id)
                if fold(candidate.name) == fold(text)
            ),
            None,
        )
    if leader is None and text.isdigit():
        leader = Leader.get_or_none((Leader.round == round_id) & (Leader.id == int(text)))
    if leader is None:
        raise NotFound(_("No leader in this round matches {value}.").format(value=text))
    return leader


def delete_leader(leader_id: int) -> None:
    """Remove a leader; their groups keep going without a leader."""
    with database.atomic():
        leader = get_leader(leader_id)
        refuse_if_closed(leader.round_id)
        leader.delete_instance()


def list_leaders(round_id: int) -> list[LeaderRow]:
    query = (
        Leader.select(Leader, fn.COUNT(Group.id).alias("n_groups"))
        .join(Group, JOIN.LEFT_OUTER, on=(Group.leader == Leader.id))
        .where(Leader.round == round_id)
        .group_by(Leader.id)
        .order_by(Leader.name, Leader.id)
    )
    return [
        LeaderRow(
            row.id,
            row.name,
            row.email,
            row.phone,
            row.campus,
            row.role,
            row.capacity,
            int(row.n_groups),
            row.language,
        )
        for row in query
    ]


def copy_leaders(from_round: int, to_round: int) -> int:
    """Bring the leaders of another round into this one; return how many were added.

    Leaders whose e-mail is already in this round are left as they are.
    """
    if from_round == to_round:
        raise ValidationError("round", _("Choose another round to copy leaders from."))
    with database.atomic():
        refuse_if_closed(to_round)
        here = {
            key
            for (key,) in Leader.select(Leader.email_key).where(Leader.round == to_round).tuples()
        }
        added = 0
        for leader in Leader.select().where(Leader.round == from_round).order_by(Leader.id):
            if leader.email_key in here:
                continue
            Leader.create(
                round=to_round,
                name=leader.name,
                email=leader.email,
                email_key=leader.email_key,
                phone=leader.phone,
                campus=leader.campus,
                role=leader.role,
                capacity=leader.capacity,
                language=leader.language,
            )
            added += 1
    return added
