"""The numbers on the dashboard, each one query computed in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import fn

from spleis_tui.core.models import Group, SignUp


@dataclass
class RoundStats:
    active: int = 0
    withdrawn: int = 0
    groups: int = 0
    grouped: int = 0
    by_campus: list[tuple[str, int]] = field(default_factory=list)
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    by_language: list[tuple[str, int]] = field(default_factory=list)
    by_programme: list[tuple[str, int]] = field(default_factory=list)
    ungrouped_by_campus: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ungrouped(self) -> int:
        return self.active - self.grouped


def _counts(round_id: int, column, *extra) -> list[tuple[str, int]]:
    condition = (SignUp.round == round_id) & (SignUp.status == "active")
    for clause in extra:
        condition &= clause
    query = (
        SignUp.select(column, fn.COUNT(SignUp.id).alias("n"))
        .where(condition)
        .group_by(column)
        .order_by(fn.COUNT(SignUp.id).desc(), column)
        .tuples()
    )
    return [(value or "", int(n)) for value, n in query]


def round_stats(round_id: int) -> RoundStats:
    stats = RoundStats()
    for status, n in (
        SignUp.select(SignUp.status, fn.COUNT(SignUp.id))
        .where(SignUp.round == round_id)
        .group_by(SignUp.status)
        .tuples()
    ):
        if status == "active":
            stats.active = int(n)
        elif status == "withdrawn":
            stats.withdrawn = int(n)
    stats.groups = Group.select().where(Group.round == round_id).count()
    stats.grouped = (
        SignUp.select()
        .where(
            (SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.is_null(False)
        )
        .count()
    )
    stats.by_campus = _counts(round_id, SignUp.campus)
    stats.by_gender = _counts(round_id, SignUp.gender)
    stats.by_language = _counts(round_id, SignUp.language)
    stats.by_programme = _counts(round_id, SignUp.programme)
    stats.ungrouped_by_campus = _counts(round_id, SignUp.campus, SignUp.group.is_null(True))
    return stats
