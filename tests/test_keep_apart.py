"""Keep-apart pairs belong to people (erasing one removes the pair); swapping by hand."""

from __future__ import annotations

import pytest

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.matching.plan import allow_together, keep_apart, kept_apart
from spleis_tui.core.models import Group, KeepApart, SignUp
from spleis_tui.core.rounds import current_round
from spleis_tui.core.signups import erase_person


def two_emails() -> tuple[str, str]:
    rows = SignUp.select(SignUp.email).where(SignUp.round == current_round().id).limit(2)
    first, second = (row.email for row in rows)
    return first, second


def test_erasing_a_person_removes_their_keep_apart_pairs(demo_db):
    a, b = two_emails()
    assert keep_apart(a, b.upper()) is True  # addresses compare normalised
    assert keep_apart(b, a) is False  # the same pair, either way round
    assert KeepApart.select().count() == 1
    erase_person(a)
    assert KeepApart.select().count() == 0
    assert kept_apart(current_round().id) == []


def test_a_person_cannot_be_kept_apart_from_themselves(demo_db):
    a, _ = two_emails()
    with pytest.raises(ValidationError):
        keep_apart(a, a)
    assert allow_together(*two_emails()) is False


def test_swapping_two_members_trades_their_groups(demo_db):
    from spleis_tui.core.groups import swap_members

    placed = list(
        SignUp.select()
        .join(Group)
        .where((SignUp.round == current_round().id) & ~Group.locked)
        .order_by(SignUp.group)
    )
    first = placed[0]
    second = next(s for s in placed if s.group_id != first.group_id)
    swap_members(first.id, second.id)
    assert SignUp.get_by_id(first.id).group_id == second.group_id
    assert SignUp.get_by_id(second.id).group_id == first.group_id
    with pytest.raises(ValidationError):
        swap_members(first.id, first.id)
