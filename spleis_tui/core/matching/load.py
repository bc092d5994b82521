"""From sign-up answers to what matching reads: Members and the pairs between them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from spleis_tui.core.emails import normalise_email
from spleis_tui.core.matching.score import Member, Relations
from spleis_tui.core.models import split_codes


def _codes(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(split_codes(value))
    return frozenset(str(v) for v in value or ())


def member_from_answers(member_id: int, answers: Mapping[str, object]) -> Member:
    """A Member from a sign-up's answers: a SignUp row's fields or a generated person.

    Interests and availability may be lists of codes or the stored "a;b" text.
    """
    return Member(
        id=member_id,
        campus=str(answers.get("campus") or ""),
        language=str(answers.get("language") or "both"),
        gender=str(answers.get("gender") or "unspecified"),
        group_pref=str(answers.get("group_pref") or "any"),
        age=answers.get("age"),  # type: ignore[arg-type]
        programme=str(answers.get("programme") or ""),
        department=str(answers.get("department") or ""),
        faculty=str(answers.get("faculty") or ""),
        year_of_study=answers.get("year_of_study"),  # type: ignore[arg-type]
        interests=_codes(answers.get("interests")),
        availability=_codes(answers.get("availability")),
    )


def friend_pairs(people: Iterable[tuple[int, str, str]]) -> list[tuple[int, int]]:
    """Pairs (id, id) from (id, email, friend_email): a friend counts when they signed up too.

    Addresses are compared normalised, so "Kari@Uni.no" finds kari@uni.no.
    """
    rows = list(people)
    by_email = {normalise_email(email): member_id for member_id, email, _ in rows}
    pairs = []
    for member_id, _, friend_email in rows:
        friend = by_email.get(normalise_email(friend_email)) if friend_email else None
        if friend is not None and friend != member_id:
            pairs.append((member_id, friend))
    return pairs


def relations_from_answers(
    people: Mapping[int, Mapping[str, object]],
    apart: Iterable[tuple[int, int]] = (),
    met_before: Iterable[tuple[int, int]] = (),
) -> Relations:
    """Relations for people keyed by member id; friends come from their friend_email."""
    friends = friend_pairs(
        (member_id, str(a.get("email") or ""), str(a.get("friend_email") or ""))
        for member_id, a in people.items()
    )
    return Relations.build(friends=friends, apart=list(apart), met_before=list(met_before))
