"""Matching a round: read who can be grouped, propose groups, accept them, undo.

A proposal is computed without writing anything; accepting writes it in one
transaction and keeps what it replaced (group names, leaders and members, as ids
only) so the last accept can be undone. Locked groups and their members are never
touched. Late sign-ups go into groups that have room, or new groups of their own,
and nobody already placed is moved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from spleis_tui.core.emails import normalise_email
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.groups import next_group_name
from spleis_tui.core.matching.criteria import Settings
from spleis_tui.core.matching.engine import Grouping, Unplaced, hard_key, match
from spleis_tui.core.matching.explain import breakdown_text
from spleis_tui.core.matching.load import member_from_answers, relations_from_answers
from spleis_tui.core.matching.score import GroupScore, Member, Relations, score_group
from spleis_tui.core.matching.summary import RunSummary, summarise
from spleis_tui.core.models import (
    Group,
    KeepApart,
    Leader,
    Person,
    Round,
    Setting,
    SignUp,
    database,
)
from spleis_tui.core.reference import Reference, load_reference
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import fold
from spleis_tui.i18n import _, current_language, ngettext

UNDO_KEY = "matching.undo.{round_id}"
ANSWERS = (
    SignUp.id,
    SignUp.email,
    SignUp.friend_email,
    SignUp.campus,
    SignUp.language,
    SignUp.gender,
    SignUp.group_pref,
    SignUp.age,
    SignUp.programme,
    SignUp.department,
    SignUp.faculty,
    SignUp.year_of_study,
    SignUp.interests,
    SignUp.availability,
    SignUp.group,
    SignUp.name,
)


@dataclass
class Cohort:
    """The round's active sign-ups as matching sees them."""

    members: dict[int, Member]
    names: dict[int, str]
    group_of: dict[int, int | None]  # sign-up id -> group id (or None)
    locked: set[int]  # ids of locked groups
    relations: Relations

    def locked_groups(self) -> list[list[int]]:
        by_group: dict[int, list[int]] = defaultdict(list)
        for signup, group in self.group_of.items():
            if group in self.locked:
                by_group[group].append(signup)
        return [by_group[g] for g in sorted(by_group)]

    def free(self) -> list[Member]:
        """Members not in a locked group: the ones a full run may regroup."""
        return [m for i, m in self.members.items() if self.group_of[i] not in self.locked]


def load_cohort(round_id: int) -> Cohort:
    answers: dict[int, dict] = {}
    group_of: dict[int, int | None] = {}
    names: dict[int, str] = {}
    rows = (
        SignUp.select(*ANSWERS)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .order_by(SignUp.id)
        .dicts()
    )
    for row in rows:
        answers[row["id"]] = row
        group_of[row["id"]] = row["group"]
        names[row["id"]] = row["name"]
    locked = {
        g
        for (g,) in Group.select(Group.id).where((Group.round == round_id) & Group.locked).tuples()
    }
    relations = relations_from_answers(
        answers, apart=_apart_pairs(round_id), met_before=_met_before(round_id)
    )
    members = {i: member_from_answers(i, a) for i, a in answers.items()}
    return Cohort(members, names, group_of, locked, relations)


def _person_signups(round_id: int) -> dict[int, int]:
    return {
        person: signup
        for signup, person in SignUp.select(SignUp.id, SignUp.person)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .tuples()
    }


def _apart_pairs(round_id: int) -> list[tuple[int, int]]:
    signup_of = _person_signups(round_id)
    return [
        (signup_of[a], signup_of[b])
        for a, b in KeepApart.select(KeepApart.person_a, KeepApart.person_b).tuples()
        if a in signup_of and b in signup_of
    ]


def _met_before(round_id: int) -> list[tuple[int, int]]:
    """Pairs of this round's sign-ups who were in one group in an earlier round."""
    signup_of = _person_signups(round_id)
    here = SignUp.select(SignUp.person).where(SignUp.round == round_id)
    earlier = (
        SignUp.select(SignUp.group, SignUp.person)
        .where((SignUp.round != round_id) & SignUp.group.is_null(False) & SignUp.person.in_(here))
        .tuples()
    )
    together: dict[int, list[int]] = defaultdict(list)
    for group, person in earlier:
        if person in signup_of:
            together[group].append(signup_of[person])
    return [
        (a, b)
        for members in together.values()
        for k, a in enumerate(members)
        for b in members[k + 1 :]
    ]


# Proposals.


@dataclass
class ProposedGroup:
    members: list[int]  # sign-up ids
    score: GroupScore
    breakdown: str
    group_id: int | None = None  # an existing group that late sign-ups join
    name: str = ""
    newcomers: list[int] = field(default_factory=list)  # late: who joins


@dataclass
class Proposal:
    round_id: int
    settings: Settings
    seed: int
    groups: list[ProposedGroup]  # worst first
    unplaced: list[tuple[int, str]]  # sign-up id, reason
    summary: RunSummary
    grouping: Grouping
    names: dict[int, str]
    late: bool = False

    @property
    def hard(self) -> int:
        return sum(g.score.hard for g in self.groups)


def describe_unplaced(item: Unplaced, reference: Reference) -> str:
    where = ", ".join(_value_name(name, code, reference) for name, code in item.block) or _(
        "this round"
    )
    if item.why == "language":
        return ngettext(
            "Nobody to share a language with on {where}: {count} speaks only that language, "
            "and a group needs {min}.",
            "Too few to share a language with on {where}: {count} speak only that language, "
            "and a group needs {min}.",
            item.count,
        ).format(where=where, count=item.count, min=item.min_size)
    return ngettext(
        "Only {count} person can be grouped on {where}; a group needs at least {min}.",
        "Only {count} people can be grouped on {where}; a group needs at least {min}.",
        item.count,
    ).format(where=where, count=item.count, min=item.min_size)


def _value_name(name: str, code: str, reference: Reference) -> str:
    if name == "campus" and code in reference.campuses:
        return reference.campuses[code].name
    if name == "programme" and code in reference.programmes:
        return reference.programmes[code].name(current_language())
    return code or "?"


def _finish(
    round_id: int,
    settings: Settings,
    seed: int,
    cohort: Cohort,
    grouping: Grouping,
    groups: list[ProposedGroup],
    *,
    late: bool,
    kept: list[list[int]] | None = None,
    waiting: list[tuple[int, str]] | None = None,
) -> Proposal:
    """Score, describe and summarise proposed groups. The summary also counts the groups
    `kept` as they are (locked ones), so it describes the round as accepting leaves it."""
    kept = kept or []
    reference = load_reference()
    unplaced = [(u.member_id, describe_unplaced(u, reference)) for u in grouping.unplaced]
    unplaced += waiting or []
    for group in groups:
        members = [cohort.members[i] for i in group.members]
        group.score = score_group(members, settings, cohort.relations)
        group.breakdown = breakdown_text(members, settings, cohort.relations, reference)
    groups.sort(key=lambda g: (-g.score.hard, -g.score.soft, g.members))
    summary = summarise(
        [[cohort.members[i] for i in members] for members in [*(g.members for g in groups), *kept]],
        [(cohort.members[i], why) for i, why in unplaced],
        settings,
        cohort.relations,
    )
    return Proposal(
        round_id, settings, seed, groups, unplaced, summary, grouping, cohort.names, late=late
    )


def propose(
    round_id: int,
    settings: Settings,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
    evaluations: int | None = None,
) -> Proposal:
    """New groups for everyone active who is not in a locked group. Writes nothing.

    The summary counts the locked groups too, as they stay: it describes the round as
    it will be after accepting, like `current_groups` describes it now.
    """
    cohort = load_cohort(round_id)
    grouping = match(
        cohort.free(),
        cohort.relations,
        settings,
        seed=seed,
        time_limit=time_limit,
        cancel=cancel,
        progress=progress,
        evaluations=evaluations,
    )
    groups = [ProposedGroup(list(g), GroupScore(), "") for g in grouping.groups]
    return _finish(
        round_id, settings, seed, cohort, grouping, groups, late=False, kept=cohort.locked_groups()
    )


def current_groups(round_id: int, settings: Settings) -> Proposal:
    """The round's groups as they stand, scored the same way: what a proposal is compared with."""
    cohort = load_cohort(round_id)
    by_group: dict[int, list[int]] = defaultdict(list)
    for signup, group in cohort.group_of.items():
        if group is not None:
            by_group[group].append(signup)
    names = dict(Group.select(Group.id, Group.name).where(Group.round == round_id).tuples())
    groups = [
        ProposedGroup(members, GroupScore(), "", group_id=g, name=names.get(g, ""))
        for g, members in by_group.items()
    ]
    waiting = [(i, _("Not in a group yet.")) for i, g in cohort.group_of.items() if g is None]
    grouping = Grouping(groups=[g.members for g in groups])
    return _finish(round_id, settings, 0, cohort, grouping, groups, late=False, waiting=waiting)


# Accepting and undoing.


@dataclass(frozen=True)
class Accepted:
    groups: int  # groups written
    placed: int  # people placed


def accept(proposal: Proposal) -> Accepted:
    """Write a proposal in one transaction, keeping what it replaces for undo."""
    round_id = proposal.round_id
    with database.atomic():
        refuse_if_closed(round_id)
        _refuse_if_stale(proposal)
        snapshot = _snapshot(round_id)
        placed = 0
        if not proposal.late:
            unlocked = Group.select(Group.id).where((Group.round == round_id) & ~Group.locked)
            SignUp.update(group=None).where(SignUp.group.in_(unlocked)).execute()
            Group.delete().where((Group.round == round_id) & ~Group.locked).execute()
        for proposed in proposal.groups:
            if proposed.group_id is not None:
                joining = proposed.newcomers
                group_id = proposed.group_id
            else:
                joining = proposed.members
                group_id = Group.create(round=round_id, name=next_group_name(round_id)).id
            if joining:
                SignUp.update(group=group_id).where(SignUp.id.in_(joining)).execute()
                placed += len(joining)
        round_ = Round.get_by_id(round_id)
        if round_.status == "open":
            Round.update(status="matched").where(Round.id == round_id).execute()
        _save_setting(UNDO_KEY.format(round_id=round_id), json.dumps(snapshot))
    return Accepted(sum(1 for g in proposal.groups if g.group_id is None), placed)


def _save_setting(key: str, value: str) -> None:
    # Not Model.replace(): REPLACE INTO is SQLite's, and the models stay portable.
    if Setting.update(value=value).where(Setting.key == key).execute() == 0:
        Setting.create(key=key, value=value)


def _refuse_if_stale(proposal: Proposal) -> None:
    """Somebody proposed may have been withdrawn or deleted since the run."""
    wanted = {i for g in proposal.groups for i in (g.newcomers if g.group_id else g.members)}
    found = set()
    ids = list(wanted)
    for start in range(0, len(ids), 900):
        found.update(
            i
            for (i,) in SignUp.select(SignUp.id)
            .where(
                SignUp.id.in_(ids[start : start + 900])
                & (SignUp.round == proposal.round_id)
                & (SignUp.status == "active")
            )
            .tuples()
        )
    if found != wanted:
        raise ValidationError(
            "proposal",
            _("Sign-ups changed since this run ({count} gone). Run the matching again.").format(
                count=len(wanted - found)
            ),
        )
    # A group locked (or dissolved) since the run keeps its members and takes nobody.
    locked = Group.select(Group.id).where((Group.round == proposal.round_id) & Group.locked)
    in_locked = {i for (i,) in SignUp.select(SignUp.id).where(SignUp.group.in_(locked)).tuples()}
    moved_from_locked = bool(wanted & in_locked) and not proposal.late
    targets = {g.group_id for g in proposal.groups if g.group_id is not None and g.newcomers}
    open_targets = {
        i
        for (i,) in Group.select(Group.id)
        .where(Group.id.in_(list(targets)) & ~Group.locked & (Group.round == proposal.round_id))
        .tuples()
    }
    if moved_from_locked or open_targets != targets:
        raise ValidationError(
            "proposal",
            _("Groups were locked or removed since this run. Run the matching again."),
        )


def _snapshot(round_id: int) -> dict:
    groups = []
    for group in Group.select().where((Group.round == round_id) & ~Group.locked):
        members = [i for (i,) in SignUp.select(SignUp.id).where(SignUp.group == group.id).tuples()]
        groups.append(
            {"name": group.name, "leader": group.leader_id, "members": members, "id": group.id}
        )
    status = Round.get_by_id(round_id).status
    return {"groups": groups, "status": status}


def can_undo(round_id: int) -> bool:
    return Setting.select().where(Setting.key == UNDO_KEY.format(round_id=round_id)).exists()


def undo(round_id: int) -> int:
    """Put the round's unlocked groups back as they were before the last accept.

    Returns how many groups were restored. Locked groups are left as they are.
    """
    key = UNDO_KEY.format(round_id=round_id)
    with database.atomic():
        refuse_if_closed(round_id)
        saved = Setting.get_or_none(Setting.key == key)
        if saved is None:
            raise NotFound(_("There is no accepted matching to undo in this round."))
        snapshot = json.loads(saved.value)
        locked = Group.select(Group.id).where((Group.round == round_id) & Group.locked)
        locked_members = {
            i for (i,) in SignUp.select(SignUp.id).where(SignUp.group.in_(locked)).tuples()
        }
        unlocked = Group.select(Group.id).where((Group.round == round_id) & ~Group.locked)
        SignUp.update(group=None).where(SignUp.group.in_(unlocked)).execute()
        Group.delete().where((Group.round == round_id) & ~Group.locked).execute()
        restored = 0
        taken = {
            key for (key,) in Group.select(Group.name_key).where(Group.round == round_id).tuples()
        }
        for old in snapshot["groups"]:
            name = old["name"]
            group = Group(round=round_id, name=name, leader=old["leader"])
            if group_name_taken(name, taken):
                group.name = next_group_name(round_id)
            if old["leader"] is not None and not _leader_exists(old["leader"]):
                group.leader = None
            group.save()
            taken.add(group.name_key)
            members = [i for i in old["members"] if i not in locked_members]
            if members:
                # Somebody who withdrew since is not put back into a group.
                SignUp.update(group=group.id).where(
                    SignUp.id.in_(members)
                    & (SignUp.round == round_id)
                    & (SignUp.status == "active")
                ).execute()
            restored += 1
        Round.update(status=snapshot["status"]).where(Round.id == round_id).execute()
        saved.delete_instance()
    return restored


def group_name_taken(name: str, taken: set[str]) -> bool:
    return fold(name) in taken


def _leader_exists(leader_id: int) -> bool:
    return Leader.select().where(Leader.id == leader_id).exists()


# Late sign-ups.


def propose_late(
    round_id: int,
    settings: Settings,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    cancel: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Proposal:
    """Places for active sign-ups without a group, moving nobody who has one.

    Groups below the target size take newcomers first (best fit, hard criteria kept),
    then the rest form new groups of their own, then any still left join groups with
    room up to the maximum. Locked groups take nobody.
    """
    cohort = load_cohort(round_id)
    waiting = [m for i, m in cohort.members.items() if cohort.group_of[i] is None]
    groups: dict[int, list[int]] = defaultdict(list)
    for signup, group in cohort.group_of.items():
        if group is not None and group not in cohort.locked:
            groups[group].append(signup)
    open_groups = {g: list(m) for g, m in groups.items()}
    joined: dict[int, list[int]] = defaultdict(list)
    rest = _fill(waiting, open_groups, joined, cohort, settings, up_to=settings.size)
    grouping = match(
        rest,
        cohort.relations,
        settings,
        seed=seed,
        time_limit=time_limit,
        cancel=cancel,
        progress=progress,
    )
    still = {u.member_id for u in grouping.unplaced}
    leftover = [cohort.members[i] for i in sorted(still)]
    _fill(leftover, open_groups, joined, cohort, settings, up_to=settings.max_size)
    placed_late = {i for members in joined.values() for i in members}
    grouping.unplaced = [u for u in grouping.unplaced if u.member_id not in placed_late]
    names = dict(Group.select(Group.id, Group.name).where(Group.round == round_id).tuples())
    proposed = [
        ProposedGroup(
            open_groups[g],
            GroupScore(),
            "",
            group_id=g,
            name=names.get(g, ""),
            newcomers=list(newcomers),
        )
        for g, newcomers in joined.items()
    ]
    proposed += [ProposedGroup(list(g), GroupScore(), "") for g in grouping.groups]
    return _finish(round_id, settings, seed, cohort, grouping, proposed, late=True)


def _fill(
    people: list[Member],
    open_groups: dict[int, list[int]],
    joined: dict[int, list[int]],
    cohort: Cohort,
    settings: Settings,
    *,
    up_to: int,
) -> list[Member]:
    """Put each person into the group with room where they fit best; return who is left."""
    # Each group's hard key and score, kept until the group changes: pricing a newcomer
    # then costs one score per group, not two.
    known: dict[int, tuple[tuple, GroupScore]] = {}

    def state(group_id: int) -> tuple[tuple, GroupScore]:
        if group_id not in known:
            members = [cohort.members[i] for i in open_groups[group_id]]
            key = hard_key(members[0], settings) if members else ()
            known[group_id] = (key, score_group(members, settings, cohort.relations))
        return known[group_id]

    by_key: dict[tuple, list[int]] = defaultdict(list)
    for group_id in open_groups:
        by_key[state(group_id)[0]].append(group_id)
    left = []
    for person in people:
        best, best_cost = None, 0.0
        for group_id in by_key.get(hard_key(person, settings), ()):
            members = open_groups[group_id]
            if len(members) >= up_to:
                continue
            now = state(group_id)[1]
            after = score_group(
                [*(cohort.members[i] for i in members), person], settings, cohort.relations
            )
            if after.hard > now.hard:
                continue
            cost = after.soft - now.soft
            if best is None or cost < best_cost:
                best, best_cost = group_id, cost
        if best is None:
            left.append(person)
        else:
            open_groups[best].append(person.id)
            joined[best].append(person.id)
            known.pop(best, None)
    return left


# Keep-apart pairs.


def _person(email: str) -> Person:
    person = Person.get_or_none(Person.email_key == normalise_email(email))
    if person is None:
        raise NotFound(_("Nobody has signed up with {email}.").format(email=email))
    return person


def keep_apart(email_a: str, email_b: str) -> bool:
    """Never group these two people together. False if they were already kept apart."""
    with database.atomic():
        a, b = sorted((_person(email_a).id, _person(email_b).id))
        if a == b:
            raise ValidationError("email", _("That is the same person twice."))
        return KeepApart.get_or_create(person_a=a, person_b=b)[1]


def allow_together(email_a: str, email_b: str) -> bool:
    with database.atomic():
        a, b = sorted((_person(email_a).id, _person(email_b).id))
        return bool(
            KeepApart.delete()
            .where((KeepApart.person_a == a) & (KeepApart.person_b == b))
            .execute()
        )


def kept_apart(round_id: int) -> list[tuple[str, str]]:
    """The round's keep-apart pairs, as names."""
    names = dict(SignUp.select(SignUp.person, SignUp.name).where(SignUp.round == round_id).tuples())
    return sorted(
        (names[a], names[b])
        for a, b in KeepApart.select(KeepApart.person_a, KeepApart.person_b).tuples()
        if a in names and b in names
    )
