"""The dashboard's numbers agree with the sign-ups they count."""

from __future__ import annotations

from collections import Counter

from spleis_tui.core.models import Group, SignUp
from spleis_tui.core.rounds import current_round
from spleis_tui.core.stats import round_stats


def test_every_figure_matches_a_plain_count(demo_db):
    round_id = current_round().id
    people = list(SignUp.select().where(SignUp.round == round_id))
    active = [p for p in people if p.status == "active"]
    stats = round_stats(round_id)
    assert stats.active == len(active)
    assert stats.withdrawn == len(people) - len(active)
    assert stats.groups == Group.select().where(Group.round == round_id).count()
    assert stats.grouped == sum(1 for p in active if p.group_id)
    assert stats.ungrouped == sum(1 for p in active if not p.group_id)
    assert dict(stats.by_campus) == Counter(p.campus for p in active)
    assert dict(stats.by_gender) == Counter(p.gender for p in active)
    assert dict(stats.by_language) == Counter(p.language for p in active)
    assert dict(stats.by_programme) == Counter(p.programme for p in active)
    assert dict(stats.ungrouped_by_campus) == Counter(p.campus for p in active if not p.group_id)
    counts = [n for _campus, n in stats.by_campus]
    assert counts == sorted(counts, reverse=True)


def test_an_empty_round_has_zero_everywhere(round_id):
    stats = round_stats(round_id)
    assert (stats.active, stats.withdrawn, stats.groups, stats.ungrouped) == (0, 0, 0, 0)
    assert stats.by_campus == []
