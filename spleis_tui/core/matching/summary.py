"""A matching run in numbers: group sizes, who was placed, and which wishes were honoured.

Wishes are counted among the people placed in a group, with score.py's definitions: a
"same" wish is met when the whole group shares the person's gender (a wish from someone
who gave no gender is not counted: nobody can honour it), a "mixed" wish when
the person is not the only one of their gender. The people not placed are kept with
their reasons for the caller to list by name; lines() only counts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from spleis_tui.core.matching.criteria import Settings
from spleis_tui.core.matching.score import (
    COUNTED_GENDERS,
    Member,
    Relations,
    missing_from_best_shared,
    score_group,
)
from spleis_tui.i18n import _, current_language, ngettext, number


@dataclass(frozen=True)
class RunSummary:
    groups: int
    sizes: dict[int, int]  # group size -> how many groups have it
    placed: int
    unplaced: tuple[tuple[Member, str], ...]  # with the reason each was left out
    hard: int  # hard violations over all groups: a good run has none
    soft: float  # total soft cost
    same_gender_met: int
    same_gender_asked: int
    mixed_met: int  # asked for a mixed group and are not alone in their gender
    mixed_asked: int
    friend_pairs_together: int
    friend_pairs: int  # pairs where both friends were placed
    shared_interest_groups: int  # groups where one interest suits all
    shared_time_groups: int  # groups where one time suits all
    mean_age_range: float | None  # over groups with a known age; None when none has one

    @property
    def not_placed(self) -> int:
        return len(self.unplaced)

    def lines(self) -> list[str]:
        """The summary for a person to read, one fact a line (the unplaced are not named)."""
        groups = ngettext("{n} group", "{n} groups", self.groups).format(n=number(self.groups))
        if self.sizes:
            by_count = sorted(self.sizes.items(), key=lambda item: (-item[1], item[0]))
            sizes = ", ".join(
                _("{count} of {size}").format(count=number(count), size=size)
                for size, count in by_count
            )
            groups = _("{groups}: {sizes}").format(groups=groups, sizes=sizes)
        lines = [
            groups,
            _("{placed} placed, {unplaced} not placed").format(
                placed=number(self.placed), unplaced=number(self.not_placed)
            ),
            _("Hard violations: {n}").format(n=number(self.hard)),
            _("Soft cost: {cost}").format(cost=decimal(self.soft)),
        ]
        ratios = (
            (
                _("Same-gender wishes met: {met} of {asked}"),
                self.same_gender_met,
                self.same_gender_asked,
            ),
            (
                _("Mixed-group wishes met (not alone in their gender): {met} of {asked}"),
                self.mixed_met,
                self.mixed_asked,
            ),
            (
                _("Friend pairs together: {met} of {asked}"),
                self.friend_pairs_together,
                self.friend_pairs,
            ),
            (
                _("Groups where one interest suits all: {met} of {asked}"),
                self.shared_interest_groups,
                self.groups,
            ),
            (
                _("Groups where one time suits all: {met} of {asked}"),
                self.shared_time_groups,
                self.groups,
            ),
        )
        for text, met, asked in ratios:
            if asked:  # a wish nobody made is not worth a line
                lines.append(text.format(met=number(met), asked=number(asked)))
        if self.mean_age_range is not None:
            lines.append(
                _("Mean age range in a group: {years} years").format(
                    years=decimal(self.mean_age_range)
                )
            )
        return lines


def decimal(value: float) -> str:
    """One decimal, grouped the way the current language writes it: 1,234.5 or 1 234,5."""
    text = f"{value:,.1f}"
    if current_language() == "nb":
        return text.replace(",", "\u00a0").replace(".", ",")
    return text


def summarise(
    groups: Sequence[Sequence[Member]],
    unplaced: Sequence[tuple[Member, str]],
    settings: Settings,
    relations: Relations,
) -> RunSummary:
    """Count what a run did; groups are lists of members, unplaced has (member, reason)."""
    groups = [list(g) for g in groups if g]
    group_of = {m.id: index for index, members in enumerate(groups) for m in members}
    hard, soft = 0, 0.0
    same_met = same_asked = mixed_met = mixed_asked = 0
    shared_interest = shared_time = 0
    age_ranges = []
    for members in groups:
        score = score_group(members, settings, relations)
        hard += score.hard
        soft += score.soft
        genders = Counter(m.gender for m in members)
        for m in members:
            if m.group_pref == "same" and m.gender in COUNTED_GENDERS:
                same_asked += 1
                same_met += genders[m.gender] == len(members)
            elif m.group_pref == "mixed":
                mixed_asked += 1
                mixed_met += not _alone(m, genders, len(members))
        shared_interest += missing_from_best_shared([m.interests for m in members]) == 0
        shared_time += missing_from_best_shared([m.availability for m in members]) == 0
        ages = [m.age for m in members if m.age is not None]
        if ages:
            age_ranges.append(max(ages) - min(ages))
    placed_pairs = [tuple(p) for p in relations.friends if all(i in group_of for i in p)]
    return RunSummary(
        groups=len(groups),
        sizes=dict(Counter(len(g) for g in groups)),
        placed=len(group_of),
        unplaced=tuple(unplaced),
        hard=hard,
        soft=soft,
        same_gender_met=same_met,
        same_gender_asked=same_asked,
        mixed_met=mixed_met,
        mixed_asked=mixed_asked,
        friend_pairs_together=sum(1 for a, b in placed_pairs if group_of[a] == group_of[b]),
        friend_pairs=len(placed_pairs),
        shared_interest_groups=shared_interest,
        shared_time_groups=shared_time,
        mean_age_range=sum(age_ranges) / len(age_ranges) if age_ranges else None,
    )


def _alone(member: Member, genders: Counter[str], size: int) -> bool:
    # As in score.gender_wishes_broken: "prefer not to say" is never alone.
    return member.gender in COUNTED_GENDERS and genders[member.gender] == 1 and size > 1
