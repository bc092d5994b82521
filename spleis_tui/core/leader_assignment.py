"""Giving a round's groups their leaders (trivselsledere, turledere).

The rules, in priority order:

1. Campus: a leader leads only groups on their own campus. A group's campus is the
   most common campus of its active members. A leader without a campus can take a
   group on any campus, but is used only where no campus leader can be.
2. Capacity: never more groups than a leader's capacity, counting the groups they
   already lead.
3. Language: a group whose members all chose English (or either) needs a leader who
   speaks English ("en" or "both"); Norwegian alike. A group with members who chose
   only English *and* members who chose only Norwegian ("mixed") can take anyone, but
   prefers a leader who speaks both.
4. Balance: the load ratio (groups / capacity) is kept as even as possible; ties go
   to the leader with fewer groups, then by name, then by id.

Why not a greedy. Giving groups one by one, hardest first, to the least loaded
fitting leader is what a person would do, and it usually works, but not always: a
campus-less leader shared by two campuses, or an English-speaking leader taken early
by a group anybody could lead, leaves a group without a leader that a different
choice would have covered, and no order of the groups avoids that in general.

So we solve it exactly, as a min-cost max-flow, which is cheap because groups that
share a campus and a language need are interchangeable: the flow runs

    source -> (campus, language need) -> leader -> sink

with one node per kind of group (at most a few dozen, whatever the number of groups),
one per leader, and one unit edge per free place of a leader. Successive shortest
paths (Dijkstra with potentials) give, among all assignments with the most groups led,
the one with the least cost, and the cost is lexicographic:

    (groups given to campus-less leaders, mixed groups without a leader who speaks
     both, sum of load ratios before each group, sum of loads before each group,
     sum of leader ranks by name)

The load part is convex (the k-th group of a leader costs more than the (k-1)-th),
so its minimum is the balanced one: it is what the greedy "lowest ratio first" would
give if it could look ahead. The tuple is packed into one Python integer with weights
large enough that no lower part can outweigh a higher one along any path.

Then each kind's share per leader is dealt out to concrete groups, the largest
groups first, in name order. 250 groups and 60 leaders take a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections import Counter
from dataclasses import dataclass, field

from peewee import fn

from spleis_tui.core.errors import NotFound
from spleis_tui.core.models import Campus, Group, Leader, Round, SignUp, database
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import sort_key
from spleis_tui.i18n import _, ngettext

DEFAULT_CAPACITY = 2

# What a group needs of its leader's languages.
NEEDS_NO = "no"
NEEDS_EN = "en"
MIXED = "mixed"  # members who chose only Norwegian and members who chose only English
ANY = "any"  # everybody chose either language (or there are no members)


@dataclass(frozen=True)
class Assignment:
    group_id: int
    group_name: str
    leader_id: int
    leader_name: str
    campus: str  # the group's campus code; "" when no member has one
    reason: str  # translated: why this leader


@dataclass(frozen=True)
class UnassignedGroup:
    group_id: int
    group_name: str
    campus: str
    language: str  # NEEDS_NO, NEEDS_EN, MIXED or ANY
    why: str  # translated


@dataclass(frozen=True)
class Shortage:
    campus: str
    # What the extra leaders must speak: "no", "en", "both" (both kinds are missing)
    # or "any".
    language: str
    groups_without_leader: int
    extra_leaders_needed: int
    capacity: int = DEFAULT_CAPACITY  # the typical capacity the estimate assumes


@dataclass(frozen=True)
class LeaderLoad:
    leader_id: int
    name: str
    campus: str
    language: str
    capacity: int
    groups_before: int
    groups_after: int


@dataclass(frozen=True)
class AssignmentPlan:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[UnassignedGroup, ...]
    missing: tuple[Shortage, ...]
    loads: tuple[LeaderLoad, ...]
    round_id: int = 0
    replace: bool = False


@dataclass(frozen=True)
class LeaderGroup:
    group_id: int
    name: str
    size: int  # active members
    campus: str
    language_mix: tuple[tuple[str, int], ...]  # (("no", 3), ("en", 1), ("both", 2)), no zeros
    meeting_at: dt.datetime | None  # wall-clock time in Europe/Oslo
    meeting_place: str


# Facts about groups, read once.


@dataclass
class _GroupFacts:
    id: int
    name: str
    sort_key: str
    leader_id: int | None
    locked: bool
    size: int = 0
    campuses: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)

    @property
    def campus(self) -> str:
        return main_campus(self.campuses)

    @property
    def need(self) -> str:
        return language_need(self.languages)


def main_campus(campuses: Counter) -> str:
    """The most common campus; ties by code, so the answer never depends on order."""
    counted = [(n, code) for code, n in campuses.items() if code]
    if not counted:
        return ""
    return min(counted, key=lambda item: (-item[0], item[1]))[1]


def language_need(languages: Counter) -> str:
    """What a group needs of its leader: NEEDS_NO, NEEDS_EN, MIXED or ANY."""
    only_no, only_en = languages.get("no", 0) > 0, languages.get("en", 0) > 0
    if only_no and only_en:
        return MIXED
    if only_en:
        return NEEDS_EN
    if only_no:
        return NEEDS_NO
    return ANY


def speaks(leader_language: str, need: str) -> bool:
    """Whether a leader's language fits a group's need (MIXED takes anyone)."""
    if need == NEEDS_EN:
        return leader_language in ("en", "both")
    if need == NEEDS_NO:
        return leader_language in ("no", "both")
    return True


def _on_campus(leader_campus: str, group_campus: str) -> bool:
    return not leader_campus or not group_campus or leader_campus == group_campus


def _group_facts(round_id: int) -> dict[int, _GroupFacts]:
    groups = {
        g.id: _GroupFacts(g.id, g.name, g.sort_key, g.leader_id, bool(g.locked))
        for g in Group.select(Group.id, Group.name, Group.sort_key, Group.leader, Group.locked)
        .where(Group.round == round_id)
        .order_by(Group.sort_key, Group.id)
    }
    counts = (
        SignUp.select(SignUp.group, SignUp.campus, SignUp.language, fn.COUNT(SignUp.id))
        .where(
            (SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.is_null(False)
        )
        .group_by(SignUp.group, SignUp.campus, SignUp.language)
        .tuples()
    )
    for group_id, campus, language, n in counts:
        facts = groups.get(group_id)
        if facts is None:
            continue
        facts.size += n
        facts.campuses[campus or ""] += n
        facts.languages[language or "both"] += n
    return groups


def _campus_names() -> dict[str, str]:
    return {code: name for code, name in Campus.select(Campus.code, Campus.name).tuples()}


# The flow.


class _Flow:
    """A min-cost max-flow by successive shortest paths (Dijkstra with potentials).

    Costs are non-negative integers on the edges as added, so the first potentials are 0.
    """

    def __init__(self, nodes: int) -> None:
        self.n = nodes
        # Each edge: [to, capacity, cost, index of the reverse edge in graph[to]].
        self.graph: list[list[list[int]]] = [[] for _ in range(nodes)]

    def add(self, frm: int, to: int, capacity: int, cost: int) -> tuple[int, int]:
        self.graph[frm].append([to, capacity, cost, len(self.graph[to])])
        self.graph[to].append([frm, 0, -cost, len(self.graph[frm]) - 1])
        return frm, len(self.graph[frm]) - 1

    def flow_on(self, edge: tuple[int, int]) -> int:
        frm, index = edge
        to, _capacity, _cost, rev = self.graph[frm][index]
        return self.graph[to][rev][1]

    def run(self, source: int, sink: int) -> int:
        potential = [0] * self.n
        total = 0
        graph = self.graph
        while True:
            dist: list[int | None] = [None] * self.n
            parent: list[tuple[int, int] | None] = [None] * self.n
            dist[source] = 0
            heap = [(0, source)]
            while heap:
                d, u = heapq.heappop(heap)
                if d != dist[u]:
                    continue
                base = d + potential[u]
                for index, (v, capacity, cost, _rev) in enumerate(graph[u]):
                    if capacity <= 0:
                        continue
                    candidate = base + cost - potential[v]
                    if dist[v] is None or candidate < dist[v]:
                        dist[v] = candidate
                        parent[v] = (u, index)
                        heapq.heappush(heap, (candidate, v))
            if dist[sink] is None:
                return total
            for node in range(self.n):
                if dist[node] is not None:
                    potential[node] += dist[node]
            # Every path holds a unit edge to the sink: one group per augmentation.
            push, node = None, sink
            while node != source:
                u, index = parent[node]
                capacity = graph[u][index][1]
                push = capacity if push is None else min(push, capacity)
                node = u
            node = sink
            while node != source:
                u, index = parent[node]
                edge = graph[u][index]
                edge[1] -= push
                graph[node][edge[3]][1] += push
                node = u
            total += push


def _weights(nodes: int, leaders: int, max_load: int, scale: int) -> tuple[int, ...]:
    """Weights that pack (campus-less, language, ratio, load, rank) into one integer.

    Along any path (at most 4 * nodes edges here, potentials included) the lower parts
    sum to less than half the next weight, so a sum compares like the tuple it packs.
    """
    length = 4 * nodes
    w_rank = 1
    bound = length * leaders * w_rank
    w_load = 2 * bound + 1
    bound += length * max_load * w_load
    w_ratio = 2 * bound + 1
    bound += length * scale * w_ratio
    w_language = 2 * bound + 1
    bound += length * w_language
    w_campus = 2 * bound + 1
    return w_campus, w_language, w_ratio, w_load, w_rank


def _solve(
    kinds: list[tuple[str, str]],
    demand: list[int],
    leaders: list[Leader],
    load: dict[int, int],
) -> dict[tuple[int, int], int]:
    """How many groups of each kind each leader gets: {(kind index, leader index): n}."""
    n_kinds, n_leaders = len(kinds), len(leaders)
    source, sink = 0, 1 + n_kinds + n_leaders
    flow = _Flow(sink + 1)
    free = [max(0, (leader.capacity or 0) - load[leader.id]) for leader in leaders]
    scale = math.lcm(*(max(1, leader.capacity or 0) for leader in leaders)) if leaders else 1
    max_load = max([load[leader.id] + f for leader, f in zip(leaders, free, strict=True)] + [1])
    w_campus, w_language, w_ratio, w_load, w_rank = _weights(flow.n, n_leaders, max_load, scale)
    for k, count in enumerate(demand):
        if count:
            flow.add(source, 1 + k, count, 0)
    edges: dict[tuple[int, int], tuple[int, int]] = {}
    reachable = [0] * n_leaders  # groups that could come to each leader: no more unit edges
    for k, (campus, need) in enumerate(kinds):
        for i, leader in enumerate(leaders):
            if not free[i] or not _on_campus(leader.campus, campus):
                continue
            if not speaks(leader.language, need):
                continue
            cost = 0
            if not leader.campus and campus:
                cost += w_campus
            if need == MIXED and leader.language != "both":
                cost += w_language
            edges[(k, i)] = flow.add(1 + k, 1 + n_kinds + i, demand[k], cost)
            reachable[i] += demand[k]
    for i, leader in enumerate(leaders):
        capacity = max(1, leader.capacity or 0)
        for step in range(min(free[i], reachable[i])):
            before = load[leader.id] + step
            cost = before * (scale // capacity) * w_ratio + before * w_load + i * w_rank
            flow.add(1 + n_kinds + i, sink, 1, cost)
    flow.run(source, sink)
    return {key: flow.flow_on(edge) for key, edge in edges.items() if flow.flow_on(edge)}


# Texts.


def _campus_label(code: str, names: dict[str, str]) -> str:
    return names.get(code, code) if code else _("no campus")


def _language_words(need: str) -> str:
    return {NEEDS_EN: _("English"), NEEDS_NO: _("Norwegian")}.get(need, "")


def _reason(leader: Leader, campus: str, need: str, after: int, names: dict[str, str]) -> str:
    parts = []
    if not campus:
        parts.append(_("the group's members have no campus"))
    elif leader.campus:
        parts.append(_("works on {campus}").format(campus=_campus_label(leader.campus, names)))
    else:
        parts.append(
            _("no leader on {campus} had room; {name} has no campus and can take any").format(
                campus=_campus_label(campus, names), name=leader.name
            )
        )
    if need in (NEEDS_EN, NEEDS_NO):
        parts.append(_("the group needs {language}").format(language=_language_words(need)))
    elif need == MIXED:
        if leader.language == "both":
            parts.append(_("mixed languages, and {name} speaks both").format(name=leader.name))
        else:
            parts.append(_("mixed languages; no leader who speaks both had room"))
    parts.append(
        ngettext(
            "{count} of {capacity} group", "{count} of {capacity} groups", leader.capacity
        ).format(count=after, capacity=leader.capacity)
    )
    return "; ".join(parts)


def _why(facts: _GroupFacts, leaders: list[Leader], names: dict[str, str]) -> str:
    if facts.size == 0:
        return _("The group has no active members.")
    campus, need = facts.campus, facts.need
    where = _campus_label(campus, names)
    near = [leader for leader in leaders if _on_campus(leader.campus, campus)]
    if not near:
        return _("No leader works on {campus}.").format(campus=where)
    if not any(speaks(leader.language, need) for leader in near):
        return _("No leader on {campus} speaks {language}.").format(
            campus=where, language=_language_words(need)
        )
    return _("Every leader on {campus} who fits already has all the groups they can take.").format(
        campus=where
    )


def _typical_capacity(leaders: list[Leader], campus: str) -> int:
    """The most common capacity of the campus's leaders (the smaller on a tie), else 2."""
    counted = Counter(leader.capacity for leader in leaders if leader.campus == campus)
    counted.pop(0, None)
    if not counted:
        return DEFAULT_CAPACITY
    return min(counted.items(), key=lambda item: (-item[1], item[0]))[0]


def _shortages(
    unassigned: list[UnassignedGroup], leaders: list[Leader], empty: set[int]
) -> tuple[Shortage, ...]:
    by_campus: dict[str, list[str]] = {}
    for group in unassigned:
        if group.group_id not in empty:
            by_campus.setdefault(group.campus, []).append(group.language)
    found = []
    for campus in sorted(by_campus):
        needs = set(by_campus[campus])
        if NEEDS_EN in needs and NEEDS_NO in needs:
            language = "both"
        elif NEEDS_EN in needs:
            language = "en"
        elif NEEDS_NO in needs:
            language = "no"
        else:
            language = "any"
        count = len(by_campus[campus])
        capacity = _typical_capacity(leaders, campus)
        found.append(Shortage(campus, language, count, math.ceil(count / capacity), capacity))
    return tuple(found)


def describe_shortage(plan: AssignmentPlan) -> list[str]:
    """One translated line per campus that lacks leaders, for the CLI and the screen."""
    names = _campus_names()
    lines = []
    for shortage in plan.missing:
        groups = ngettext(
            "{campus}: {count} group without a leader",
            "{campus}: {count} groups without a leader",
            shortage.groups_without_leader,
        ).format(campus=_campus_label(shortage.campus, names), count=shortage.groups_without_leader)
        extra = {
            "en": ngettext(
                "{count} more leader who speaks English, with capacity {capacity}, would "
                "cover them",
                "{count} more leaders who speak English, with capacity {capacity}, would "
                "cover them",
                shortage.extra_leaders_needed,
            ),
            "no": ngettext(
                "{count} more leader who speaks Norwegian, with capacity {capacity}, would "
                "cover them",
                "{count} more leaders who speak Norwegian, with capacity {capacity}, would "
                "cover them",
                shortage.extra_leaders_needed,
            ),
            "both": ngettext(
                "{count} more leader who speaks both languages, with capacity {capacity}, "
                "would cover them",
                "{count} more leaders who speak both languages, with capacity {capacity}, "
                "would cover them",
                shortage.extra_leaders_needed,
            ),
        }.get(shortage.language) or ngettext(
            "{count} more leader with capacity {capacity} would cover them",
            "{count} more leaders with capacity {capacity} would cover them",
            shortage.extra_leaders_needed,
        )
        lines.append(
            f"{groups}; "
            + extra.format(count=shortage.extra_leaders_needed, capacity=shortage.capacity)
            + "."
        )
    return lines


# The public jobs.


def propose_assignment(round_id: int, *, replace: bool = False) -> AssignmentPlan:
    """A plan that gives the round's leaderless groups a leader; nothing is written.

    With `replace`, every unlocked group is planned afresh; locked groups always keep
    their leader (a locked group without one may get one).
    """
    if not Round.select().where(Round.id == round_id).exists():
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    names = _campus_names()
    groups = _group_facts(round_id)
    leaders = sorted(
        Leader.select().where(Leader.round == round_id),
        key=lambda leader: (sort_key(leader.name), leader.id),
    )
    known = {leader.id for leader in leaders}
    before = Counter(
        g.leader_id for g in groups.values() if g.leader_id is not None and g.leader_id in known
    )

    def keeps(facts: _GroupFacts) -> bool:
        return facts.leader_id in known and (facts.locked or not replace)

    load = Counter({leader.id: 0 for leader in leaders})
    for facts in groups.values():
        if keeps(facts):
            load[facts.leader_id] += 1
    todo = [facts for facts in groups.values() if not keeps(facts)]
    staffed = [facts for facts in todo if facts.size > 0]
    empty = {facts.id for facts in todo if facts.size == 0}

    kinds = sorted({(facts.campus, facts.need) for facts in staffed})
    index = {kind: k for k, kind in enumerate(kinds)}
    demand = [0] * len(kinds)
    for facts in staffed:
        demand[index[(facts.campus, facts.need)]] += 1
    shares = _solve(kinds, demand, leaders, load)

    # Deal each kind's share out: the largest groups first, then in name order.
    by_kind: dict[int, list[_GroupFacts]] = {}
    for facts in sorted(staffed, key=lambda f: (-f.size, f.sort_key, f.id)):
        by_kind.setdefault(index[(facts.campus, facts.need)], []).append(facts)
    chosen: dict[int, Leader] = {}
    for k, members in by_kind.items():
        queue = iter(members)
        for i, leader in enumerate(leaders):
            for _n in range(shares.get((k, i), 0)):
                chosen[next(queue).id] = leader

    assignments, unassigned = [], []
    after = Counter(load)
    for facts in groups.values():  # in name order
        leader = chosen.get(facts.id)
        if leader is not None:
            after[leader.id] += 1
            assignments.append(
                Assignment(
                    facts.id,
                    facts.name,
                    leader.id,
                    leader.name,
                    facts.campus,
                    _reason(leader, facts.campus, facts.need, after[leader.id], names),
                )
            )
        elif not keeps(facts):
            unassigned.append(
                UnassignedGroup(
                    facts.id, facts.name, facts.campus, facts.need, _why(facts, leaders, names)
                )
            )
    loads = tuple(
        LeaderLoad(
            leader.id,
            leader.name,
            leader.campus,
            leader.language,
            leader.capacity,
            before[leader.id],
            after[leader.id],
        )
        for leader in leaders
    )
    return AssignmentPlan(
        tuple(assignments),
        tuple(unassigned),
        _shortages(unassigned, leaders, empty),
        loads,
        round_id=round_id,
        replace=replace,
    )


def apply_assignment(plan: AssignmentPlan) -> int:
    """Write a plan in one transaction; return how many groups got a leader.

    What changed since the plan was made is respected: a group that is gone, moved to
    another round, was locked with a leader, or (without `replace`) got a leader by
    hand is skipped, and so is a leader who is gone or has since filled up.
    """
    with database.atomic():
        refuse_if_closed(plan.round_id)
        ids = [a.group_id for a in plan.assignments] + [u.group_id for u in plan.unassigned]
        groups = {
            g.id: g
            for g in Group.select(Group.id, Group.round, Group.leader, Group.locked).where(
                Group.id.in_(ids) & (Group.round == plan.round_id)
            )
        }
        leaders = {
            leader.id: leader for leader in Leader.select().where(Leader.round == plan.round_id)
        }
        if plan.replace:
            cleared = [gid for gid, g in groups.items() if not g.locked and g.leader_id is not None]
            if cleared:
                Group.update(leader=None).where(Group.id.in_(cleared)).execute()
                for gid in cleared:
                    groups[gid].leader = None
        load = Counter(
            leader_id
            for (leader_id,) in Group.select(Group.leader)
            .where(Group.leader.in_(list(leaders)))
            .tuples()
        )
        given: dict[int, list[int]] = {}
        for assignment in plan.assignments:
            group = groups.get(assignment.group_id)
            leader = leaders.get(assignment.leader_id)
            if group is None or leader is None or group.leader_id is not None:
                continue
            if load[leader.id] >= leader.capacity:
                continue
            load[leader.id] += 1
            given.setdefault(leader.id, []).append(group.id)
        for leader_id, group_ids in given.items():
            Group.update(leader=leader_id).where(Group.id.in_(group_ids)).execute()
    return sum(len(group_ids) for group_ids in given.values())


def leader_groups(leader_id: int) -> list[LeaderGroup]:
    """The groups one leader leads, in name order: what they need to know of each."""
    if not Leader.select().where(Leader.id == leader_id).exists():
        raise NotFound(_("No leader has the id {id}.").format(id=leader_id))
    groups = list(
        Group.select(Group.id, Group.name, Group.meeting_at, Group.meeting_place)
        .where(Group.leader == leader_id)
        .order_by(Group.sort_key, Group.id)
    )
    campuses: dict[int, Counter] = {g.id: Counter() for g in groups}
    languages: dict[int, Counter] = {g.id: Counter() for g in groups}
    if groups:
        for group_id, campus, language, n in (
            SignUp.select(SignUp.group, SignUp.campus, SignUp.language, fn.COUNT(SignUp.id))
            .where(SignUp.group.in_(list(campuses)) & (SignUp.status == "active"))
            .group_by(SignUp.group, SignUp.campus, SignUp.language)
            .tuples()
        ):
            campuses[group_id][campus or ""] += n
            languages[group_id][language or "both"] += n
    return [
        LeaderGroup(
            g.id,
            g.name,
            sum(languages[g.id].values()),
            main_campus(campuses[g.id]),
            tuple(
                (code, languages[g.id][code])
                for code in ("no", "en", "both")
                if languages[g.id][code]
            ),
            g.meeting_at,
            g.meeting_place,
        )
        for g in groups
    ]
