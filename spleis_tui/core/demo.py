"""The demo database behind `spleis --demo`: realistic rounds to try every screen on.

Everything here is generated (seeded, so every demo looks the same): a spring
vennespleis the size of Trondheim's 2021 one, an older closed round, leaders, and
groups formed by hand for part of the cohort, some of them locked because they have
already met. The rest are left without a group, as they would be before matching.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from spleis_tui.core.cohort import generate_people, seed_cohort
from spleis_tui.core.emails import normalise_email
from spleis_tui.core.models import Group, Leader, Round, SignUp, database
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import set_current_round

DEMO_ROUND = "Vennespleis vår 2027"
EARLIER_ROUND = "Vennespleis høst 2026"
DEMO_SIZE = 1168  # sign-ups to the first vennespleis in Trondheim, January 2021
EARLIER_SIZE = 240
GROUP_SIZE = 5
SHARE_GROUPED = 0.6


def seed_demo(
    progress: Callable[[int, int], None] | None = None,
    *,
    size: int = DEMO_SIZE,
    earlier_size: int = EARLIER_SIZE,
) -> None:
    """Fill an empty, open database with the demo rounds.

    Deterministic, and all or nothing: an interrupted first `spleis --demo` leaves no
    half-built demo behind.
    """
    with database.atomic():
        earlier = seed_cohort(
            earlier_size, 2026, round_name=EARLIER_ROUND, today=dt.date(2026, 9, 1)
        )
        _group_by_hand(earlier.round_id, share=1.0)
        current = seed_cohort(size, 2021, round_name=DEMO_ROUND, progress=progress)
        _add_leaders(current.round_id)
        _group_by_hand(current.round_id, share=SHARE_GROUPED)
        Round.update(starts_on=dt.date(2027, 1, 20), ends_on=dt.date(2027, 3, 3)).where(
            Round.id == current.round_id
        ).execute()
        Round.update(
            starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 15), status="closed"
        ).where(Round.id == earlier.round_id).execute()
        set_current_round(current.round_id)


def _add_leaders(round_id: int) -> None:
    ref = load_reference()
    people = generate_people(14, 99, ref)
    roles = ("trivselsleder", "trivselsleder", "turleder")
    for index, person in enumerate(people):
        Leader.create(
            round=round_id,
            name=person["name"],
            email=person["email"],
            email_key=normalise_email(person["email"]),
            phone=person["phone"],
            campus=person["campus"],
            role=roles[index % len(roles)],
            capacity=2 + index % 3,
        )


def _group_by_hand(round_id: int, *, share: float) -> None:
    """Put the earliest sign-ups of each campus and language into groups of five.

    A stand-in for what an assistant does by hand in a spreadsheet, so the group
    screens have content; the matcher does this properly.
    """
    active = list(
        SignUp.select(SignUp.id, SignUp.campus, SignUp.language)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .order_by(SignUp.submitted_at, SignUp.id)
        .tuples()
    )
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for signup_id, campus, language in active:
        buckets[(campus, "en" if language == "en" else "no")].append(signup_id)
    leaders = defaultdict(list)
    for leader in Leader.select().where(Leader.round == round_id).order_by(Leader.id):
        leaders[leader.campus].extend([leader.id] * leader.capacity)
    number = 0
    for (campus, _language), ids in sorted(buckets.items()):
        take = int(len(ids) * share) // GROUP_SIZE * GROUP_SIZE
        for start in range(0, take, GROUP_SIZE):
            number += 1
            free = leaders.get(campus)
            group = Group.create(
                round=round_id,
                name=f"Gruppe {number}",
                leader=free.pop(0) if free else None,
                locked=number % 9 == 0,
            )
            SignUp.update(group=group.id).where(
                SignUp.id.in_(ids[start : start + GROUP_SIZE])
            ).execute()
