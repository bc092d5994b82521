"""Groups in a round, edited by hand: create, rename, lock, dissolve, move members."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import Group, Leader, SignUp, database, utcnow
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import clean_text, fold
from spleis_tui.i18n import _


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    leader: str
    locked: bool
    size: int
    campuses: tuple[str, ...]


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    email: str
    gender: str
    age: int | None
    campus: str
    programme: str
    language: str


def _group_filter(round_id: int, search: str):
    condition = Group.round == round_id
    for term in fold(search).split():
        condition &= Group.name_key.contains(term)
    return condition


def count_groups(round_id: int, search: str = "") -> int:
    return Group.select().where(_group_filter(round_id, search)).count()


def list_groups(
    round_id: int,
    *,
    offset: int = 0,
    limit: int | None = None,
    search: str = "",
    order_by: str = "name",
    descending: bool = False,
) -> list[GroupRow]:
    """Groups of a round with leader and size; one page of them when `limit` is given."""
    size = fn.COUNT(SignUp.id)
    column = {
        "name": Group.sort_key,
        "leader": Leader.name,
        "size": size,
        "locked": Group.locked,
    }.get(order_by, Group.sort_key)
    query = (
        Group.select(
            Group.id, Group.name, Group.locked, Leader.name.alias("leader_name"), size.alias("size")
        )
        .join(Leader, JOIN.LEFT_OUTER, on=(Group.leader == Leader.id))
        .switch(Group)
        .join(SignUp, JOIN.LEFT_OUTER, on=(SignUp.group == Group.id))
        .where(_group_filter(round_id, search))
        .group_by(Group.id, Group.name, Group.sort_key, Group.locked, Leader.name)
        .order_by(column.desc() if descending else column.asc(), Group.id)
    )
    if limit is not None:
        query = query.offset(offset).limit(limit)
    rows = list(query.dicts())
    campuses: dict[int, set[str]] = {}
    ids = [r["id"] for r in rows]
    if ids:
        for group_id, campus in (
            SignUp.select(SignUp.group, SignUp.campus)
            .where(SignUp.group.in_(ids) & (SignUp.campus != ""))
            .distinct()
            .tuples()
        ):
            campuses.setdefault(group_id, set()).add(campus)
    return [
        GroupRow(
            id=r["id"],
            name=r["name"],
            leader=r["leader_name"] or "",
            locked=bool(r["locked"]),
            size=int(r["size"]),
            campuses=tuple(sorted(campuses.get(r["id"], ()))),
        )
        for r in rows
    ]


def group_members(group_id: int) -> list[MemberRow]:
    query = (
        SignUp.select(
            SignUp.id,
            SignUp.name,
            SignUp.email,
            SignUp.gender,
            SignUp.age,
            SignUp.campus,
            SignUp.programme,
            SignUp.language,
        )
        .where(SignUp.group == group_id)
        .order_by(SignUp.name_key, SignUp.id)
        .tuples()
    )
    return [MemberRow(*row) for row in query]


def get_group(group_id: int) -> Group:
    group = Group.get_or_none(Group.id == group_id)
    if group is None:
        raise NotFound(_("No group has the id {id}.").format(id=group_id))
    return group


def find_group(round_id: int, ref: str | int) -> Group:
    text = str(ref).strip()
    group = Group.get_or_none((Group.round == round_id) & (Group.name_key == fold(text)))
    if group is None and text.isdigit():
        group = Group.get_or_none((Group.round == round_id) & (Group.id == int(text)))
    if group is None:
        raise NotFound(_("No group in this round is called {name}.").format(name=text))
    return group


def _clean_name(round_id: int, name: str, *, except_id: int | None = None) -> str:
    name = clean_text(name)[0]
    if not name:
        raise ValidationError("name", _("A group needs a name."))
    if len(name) > 100:
        raise ValidationError("name", _("A group name can have at most 100 characters."))
    clash = Group.select().where((Group.round == round_id) & (Group.name_key == fold(name)))
    if except_id is not None:
        clash = clash.where(Group.id != except_id)
    if clash.exists():
        raise ValidationError(
            "name", _("There is already a group called {name}.").format(name=name)
        )
    return name


def next_group_name(round_id: int) -> str:
    taken = {key for (key,) in Group.select(Group.name_key).where(Group.round == round_id).tuples()}
    number = len(taken) + 1
    while fold(_("Group {number}").format(number=number)) in taken:
        number += 1
    return _("Group {number}").format(number=number)


def create_group(round_id: int, name: str | None = None) -> Group:
    with database.atomic():
        refuse_if_closed(round_id)
        name = _clean_name(round_id, name) if name else next_group_name(round_id)
        return Group.create(round=round_id, name=name)


def rename_group(group_id: int, name: str) -> Group:
    with database.atomic():
        group = get_group(group_id)
        refuse_if_closed(group.round_id)
        group.name = _clean_name(group.round_id, name, except_id=group.id)
        group.save()
        return group


def set_locked(group_id: int, locked: bool) -> Group:
    with database.atomic():
        group = get_group(group_id)
        refuse_if_closed(group.round_id)
        group.locked = locked
        group.save()
        return group


def _refuse_if_locked(group: Group) -> None:
    if group.locked:
        raise ValidationError(
            "group", _("{name} is locked. Unlock it first.").format(name=group.name)
        )


def dissolve_group(group_id: int) -> int:
    """Delete a group; its members stay in the round without a group. Returns how many."""
    with database.atomic():
        group = get_group(group_id)
        refuse_if_closed(group.round_id)
        _refuse_if_locked(group)
        count = (
            SignUp.update(group=None, updated_at=utcnow()).where(SignUp.group == group.id).execute()
        )
        group.delete_instance()
        return count


def move_member(signup_id: int, group_id: int | None) -> SignUp:
    """Put a sign-up in a group (or in no group with None). Locked groups refuse."""
    with database.atomic():
        signup = SignUp.get_or_none(SignUp.id == signup_id)
        if signup is None:
            raise NotFound(_("No sign-up has the id {id}.").format(id=signup_id))
        refuse_if_closed(signup.round_id)
        if signup.group_id is not None:
            _refuse_if_locked(get_group(signup.group_id))
        if group_id is not None:
            target = get_group(group_id)
            if target.round_id != signup.round_id:
                raise ValidationError("group", _("That group belongs to another round."))
            _refuse_if_locked(target)
            if signup.status != "active":
                raise ValidationError(
                    "status",
                    _("{name} has withdrawn and cannot join a group.").format(name=signup.name),
                )
        signup.group = group_id
        signup.updated_at = utcnow()
        signup.save()
        return signup


def swap_members(first_id: int, second_id: int) -> tuple[SignUp, SignUp]:
    """Two members of different groups trade places, in one transaction."""
    with database.atomic():
        first, second = (
            SignUp.get_or_none(SignUp.id == first_id),
            SignUp.get_or_none(SignUp.id == second_id),
        )
        if first is None or second is None:
            missing = first_id if first is None else second_id
            raise NotFound(_("No sign-up has the id {id}.").format(id=missing))
        if first.group_id is None or second.group_id is None or first.group_id == second.group_id:
            raise ValidationError("group", _("A swap needs two people in two different groups."))
        first_group, second_group = first.group_id, second.group_id
        move_member(first.id, second_group)
        move_member(second.id, first_group)
        return SignUp.get_by_id(first.id), SignUp.get_by_id(second.id)


def set_group_leader(group_id: int, leader_id: int | None) -> Group:
    with database.atomic():
        group = get_group(group_id)
        refuse_if_closed(group.round_id)
        if leader_id is not None:
            leader = Leader.get_or_none(Leader.id == leader_id)
            if leader is None or leader.round_id != group.round_id:
                raise NotFound(_("No leader in this round has the id {id}.").format(id=leader_id))
        group.leader = leader_id
        group.save()
        return group


def group_offset(round_id: int, group_id: int, search: str = "") -> int:
    """Where a group stands in the list sorted by name: how many groups come before it."""
    group = get_group(group_id)
    # The list sorts by sort_key, then id (names like "Gruppe 01" and "Gruppe 1" tie).
    earlier = (Group.sort_key < group.sort_key) | (
        (Group.sort_key == group.sort_key) & (Group.id < group.id)
    )
    return Group.select().where(_group_filter(round_id, search) & earlier).count()
