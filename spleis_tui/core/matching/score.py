"""The score of one group: hard violations, and a weighted soft cost per criterion.

Lower is better. Groups are small (4 to 10), so a group's score is recomputed whole
after each change, which is what keeps moves and swaps cheap to evaluate.
The formula for each criterion is in docs/matching.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from spleis_tui.core.matching.criteria import Settings

# A gender someone can be "the only one of" in a group: "prefer not to say" is not one.
COUNTED_GENDERS = ("woman", "man", "nonbinary")
CATEGORIES = ("campus", "programme", "department", "faculty", "year_of_study")
SETS = ("interests", "availability")


@dataclass(frozen=True, slots=True)
class Member:
    """What matching needs to know about one sign-up."""

    id: int
    campus: str = ""
    language: str = "both"
    gender: str = "unspecified"
    group_pref: str = "any"
    age: int | None = None
    programme: str = ""
    department: str = ""
    faculty: str = ""
    year_of_study: int | None = None
    interests: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Relations:
    """Pairs of sign-up ids: friends to keep together, people to keep apart, people who met."""

    friends: frozenset[frozenset[int]] = frozenset()
    apart: frozenset[frozenset[int]] = frozenset()
    met_before: frozenset[frozenset[int]] = frozenset()
    friend_of: dict[int, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        friends: Sequence[tuple[int, int]] = (),
        apart: Sequence[tuple[int, int]] = (),
        met_before: Sequence[tuple[int, int]] = (),
    ) -> Relations:
        friend_pairs = frozenset(frozenset(p) for p in friends if p[0] != p[1])
        friend_of: dict[int, set[int]] = {}
        for a, b in (tuple(p) for p in friend_pairs):
            friend_of.setdefault(a, set()).add(b)
            friend_of.setdefault(b, set()).add(a)
        return cls(
            friends=friend_pairs,
            apart=frozenset(frozenset(p) for p in apart if p[0] != p[1]),
            met_before=frozenset(frozenset(p) for p in met_before if p[0] != p[1]),
            friend_of={k: frozenset(v) for k, v in friend_of.items()},
        )


@dataclass
class GroupScore:
    hard: int = 0  # hard-criterion violations: a good grouping has none
    soft: float = 0.0  # the weighted sum of the soft parts
    parts: dict[str, float] = field(default_factory=dict)  # criterion -> unweighted cost
    size_gap: int = 0  # how far the size is outside min..max

    def add(self, name: str, cost: float, mode: str, weight: float) -> None:
        if cost <= 0 or mode == "ignore":
            return
        self.parts[name] = self.parts.get(name, 0) + cost
        if mode == "hard":
            self.hard += round(cost)
        else:
            self.soft += weight * cost


def _not_in_majority(values: Sequence[object]) -> int:
    """How many members differ from the most common value."""
    return len(values) - Counter(values).most_common(1)[0][1] if values else 0


def language_clash(languages: Sequence[str]) -> int:
    """Members who share no language with the rest: the smaller of the no/en camps."""
    counts = Counter(languages)
    return min(counts["no"], counts["en"])


def gender_wishes_broken(members: Sequence[Member]) -> tuple[int, int]:
    """(same-gender wishes broken, people alone in their gender who asked for company)."""
    genders = Counter(m.gender for m in members)
    # A same-gender wish from someone who did not state a gender cannot be honoured by
    # anyone, so it is not counted.
    same_broken = sum(
        1
        for m in members
        if m.group_pref == "same"
        and m.gender in COUNTED_GENDERS
        and genders[m.gender] != len(members)
    )
    alone = sum(
        1
        for m in members
        if m.group_pref in ("same", "mixed")
        and m.gender in COUNTED_GENDERS
        and genders[m.gender] == 1
        and len(members) > 1
    )
    return same_broken, alone


def missing_from_best_shared(sets: Sequence[frozenset[str]]) -> int:
    """Members without the option most of the group shares (0: one option suits all)."""
    counts = Counter(option for chosen in sets for option in chosen)
    best = counts.most_common(1)[0][1] if counts else 0
    return len(sets) - best


def pairs_inside(ids: Sequence[int], pairs: frozenset[frozenset[int]]) -> int:
    if not pairs:
        return 0
    return sum(1 for i, a in enumerate(ids) for b in ids[i + 1 :] if frozenset((a, b)) in pairs)


def score_group(members: Sequence[Member], settings: Settings, relations: Relations) -> GroupScore:
    """The score of one group of members under the settings."""
    score = GroupScore()
    n = len(members)
    if n == 0:
        return score
    score.size_gap = max(0, settings.min_size - n) + max(0, n - settings.max_size)
    if settings.size_weight:
        score.add("size", abs(n - settings.size), "similar", settings.size_weight)
    for name in CATEGORIES:
        mode, weight = settings.mode(name), settings.weight(name)
        if mode == "ignore":
            continue
        values = [getattr(m, name) for m in members]
        if mode == "hard":
            score.add(name, _not_in_majority(values), mode, weight)
        elif mode == "similar":
            score.add(name, len(set(values)) - 1, mode, weight)
        else:  # mix: every repeated value costs one
            score.add(name, n - len(set(values)), mode, weight)
    score.add(
        "language",
        language_clash([m.language for m in members]),
        settings.mode("language"),
        settings.weight("language"),
    )
    same_broken, alone = gender_wishes_broken(members)
    # A broken same-gender wish weighs double: it is the stronger request.
    score.add("gender", 2 * same_broken + alone, settings.mode("gender"), settings.weight("gender"))
    ages = [m.age for m in members if m.age is not None]
    if ages and settings.mode("age") == "similar":
        score.add("age", max(ages) - min(ages), "similar", settings.weight("age"))
    for name in SETS:
        sets = [getattr(m, name) for m in members]
        score.add(name, missing_from_best_shared(sets), settings.mode(name), settings.weight(name))
    ids = [m.id for m in members]
    in_group = set(ids)
    split = sum(
        1 for m in members for friend in relations.friend_of.get(m.id, ()) if friend not in in_group
    )
    score.add("friends", split, settings.mode("friends"), settings.weight("friends"))
    score.add("keep_apart", pairs_inside(ids, relations.apart), settings.mode("keep_apart"), 1.0)
    score.add(
        "earlier_rounds",
        pairs_inside(ids, relations.met_before),
        settings.mode("earlier_rounds"),
        settings.weight("earlier_rounds"),
    )
    return score
