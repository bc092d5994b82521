"""The demo database behind `spleis --demo`: realistic rounds to try every screen on.

Everything here is generated (seeded, so every demo looks the same): a spring
vennespleis the size of Trondheim's 2021 one, an older closed round, leaders, and
groups the matcher formed for the earliest nine in ten sign-ups, some of them locked
because they have already met. The late sign-ups wait for a group.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from spleis_tui.core.cohort import generate_people, seed_cohort
from spleis_tui.core.emails import normalise_email
from spleis_tui.core.models import Activity, Group, Leader, Round, SignUp, database
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rounds import set_current_round

DEMO_ROUND = "Vennespleis vår 2027"
EARLIER_ROUND = "Vennespleis høst 2026"
DEMO_SIZE = 1168  # sign-ups to the first vennespleis in Trondheim, January 2021
EARLIER_SIZE = 240
HIKING_ROUND = "Turgrupper vår 2027"
HIKING_SIZE = 96
GROUP_SIZE = 5
SHARE_GROUPED = 0.9  # the rest signed up late, after the groups were made


def seed_demo(
    progress: Callable[[int, int], None] | None = None,
    *,
    size: int = DEMO_SIZE,
    earlier_size: int = EARLIER_SIZE,
    hiking_size: int = HIKING_SIZE,
) -> None:
    """Fill an empty, open database with the demo rounds.

    Deterministic, and all or nothing: an interrupted first `spleis --demo` leaves no
    half-built demo behind.
    """
    with database.atomic():
        earlier = seed_cohort(
            earlier_size, 2026, round_name=EARLIER_ROUND, today=dt.date(2026, 9, 1)
        )
        _match_earliest(earlier.round_id, share=1.0)
        _follow_up(earlier.round_id)
        current = seed_cohort(size, 2021, round_name=DEMO_ROUND, progress=progress)
        _add_leaders(current.round_id)
        _match_earliest(current.round_id, share=SHARE_GROUPED, lock_every=9)
        _plan_first_meetings(current.round_id)
        _plan_activities(current.round_id)
        if hiking_size:
            _hiking_round(hiking_size)
        Round.update(starts_on=dt.date(2027, 1, 20), ends_on=dt.date(2027, 3, 3)).where(
            Round.id == current.round_id
        ).execute()
        Round.update(
            starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 15), status="closed"
        ).where(Round.id == earlier.round_id).execute()
        set_current_round(current.round_id)


def _add_leaders(
    round_id: int, *, count: int = 14, seed: int = 99, role: str | None = None
) -> None:
    ref = load_reference()
    people = generate_people(count, seed, ref)
    roles = (role,) if role else ("trivselsleder", "trivselsleder", "turleder")
    # Most leaders can take groups in both languages; some only Norwegian.
    languages = ("both", "both", "no")
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
            language=languages[index % len(languages)],
        )


def _match_earliest(
    round_id: int, *, share: float, lock_every: int = 0, preset: str = "vennespleis"
) -> None:
    """Group the earliest sign-ups with the matcher, as an assistant would have done
    before the late ones came in; some groups are locked because they have met."""
    from spleis_tui.core.matching.criteria import PRESETS
    from spleis_tui.core.matching.engine import match
    from spleis_tui.core.matching.plan import load_cohort

    cohort = load_cohort(round_id)
    order = dict(
        SignUp.select(SignUp.id, SignUp.submitted_at)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .tuples()
    )
    earliest = sorted(cohort.members, key=lambda i: (order[i], i))[: int(len(order) * share)]
    grouping = match(
        [cohort.members[i] for i in earliest],
        cohort.relations,
        PRESETS[preset],
        seed=2021,
        evaluations=60 * len(earliest),  # fixed work: the same demo on any machine
    )
    leaders = defaultdict(list)
    for leader in Leader.select().where(Leader.round == round_id).order_by(Leader.id):
        leaders[leader.campus].extend([leader.id] * leader.capacity)
    campus_of = {i: m.campus for i, m in cohort.members.items()}
    for number, members in enumerate(grouping.groups, start=1):
        free = leaders.get(campus_of[members[0]])
        group = Group.create(
            round=round_id,
            name=f"Gruppe {number}",
            leader=free.pop(0) if free else None,
            locked=bool(lock_every) and number % lock_every == 0,
        )
        SignUp.update(group=group.id).where(SignUp.id.in_(members)).execute()


# Where groups on each campus meet first: easy to find, indoors, with coffee.
MEETING_POINTS = {
    "gloshaugen": "Stripa, ved kafeen i Realfagbygget",
    "dragvoll": "Torget på Dragvoll, ved kafeen",
    "kalvskinnet": "Hovedinngangen på Kalvskinnet",
    "oya": "Kafeen i Gastrosenteret, Øya",
    "tunga": "Kantina på Tunga",
    "gjovik": "Kantina i Mustad-bygget, Gjøvik",
    "alesund": "Kantina i Fagerlia, Ålesund",
}
CHOSEN_ACTIVITIES = ("Kaffe og kake", "Brettspillkveld", "Tur til Lian", "Pizza og quiz")


def _plan_first_meetings(round_id: int) -> None:
    """The first meeting of most groups, the week after the groups were made: a weekday
    afternoon at a meeting point on the group's campus. Every seventh group has not
    agreed on a time yet, and every third has chosen its own activity."""
    first_day = dt.date(2027, 1, 25)  # a Monday
    campus_of = dict(
        SignUp.select(SignUp.group, SignUp.campus)
        .where((SignUp.round == round_id) & SignUp.group.is_null(False))
        .order_by(SignUp.id)
        .tuples()
    )
    for number, group in enumerate(
        Group.select().where(Group.round == round_id).order_by(Group.id), start=1
    ):
        group.meeting_place = MEETING_POINTS.get(campus_of.get(group.id, ""), "")
        if number % 7:
            day = first_day + dt.timedelta(days=number % 4)
            group.meeting_at = dt.datetime.combine(day, dt.time(16 + number % 3, 30 * (number % 2)))
        if number % 3 == 0:
            group.activity = CHOSEN_ACTIVITIES[number // 3 % len(CHOSEN_ACTIVITIES)]
        group.save()


def _plan_activities(round_id: int) -> None:
    """Open activities for the whole round: a rebus race that filled up, with a waiting
    list, a ski day and a barbecue. Who joins is drawn with a fixed seed."""
    import random

    from spleis_tui.core.activities import join, schedule_activity

    rng = random.Random(2027)
    active = [
        signup_id
        for (signup_id,) in SignUp.select(SignUp.id)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .order_by(SignUp.id)
        .tuples()
    ]
    plans = (
        (
            "rebuslop",
            dt.datetime(2027, 2, 6, 12, 0),
            "Hovedbygningen, Gløshaugen",
            "gloshaugen",
            40,
            46,
        ),
        ("skidag", dt.datetime(2027, 2, 20, 10, 0), "Skistua, Bymarka", "", 60, 35),
        ("grilling", dt.datetime(2027, 3, 13, 16, 0), "Dødens dal", "gloshaugen", None, 28),
    )
    for code, starts_at, place, campus, capacity, joining in plans:
        activity = schedule_activity(
            round_id,
            {
                "type": code,
                "starts_at": starts_at,
                "ends_at": starts_at + dt.timedelta(hours=3),
                "place": place,
                "campus": campus,
                "capacity": capacity,
            },
        )
        join(activity.id, rng.sample(active, joining))


def _hiking_round(size: int) -> None:
    """A turgruppe round: groups of about eight with a turleder each, six Wednesday hikes
    from Lian, and attendance taken for the first three, so the dashboard has weeks to
    show and a few people to reach out to."""
    import random

    from spleis_tui.core.activities import mark_attendance, participants
    from spleis_tui.core.leader_assignment import apply_assignment, propose_assignment
    from spleis_tui.core.series import create_series

    hiking = seed_cohort(
        size, 2027, round_name=HIKING_ROUND, kind="turgruppe", today=dt.date(2027, 1, 10)
    )
    round_id = hiking.round_id
    Round.update(starts_on=dt.date(2027, 2, 3), ends_on=dt.date(2027, 3, 10)).where(
        Round.id == round_id
    ).execute()
    _add_leaders(round_id, count=10, seed=7, role="turleder")
    _match_earliest(round_id, share=1.0, preset="turgrupper")
    apply_assignment(propose_assignment(round_id))
    report = create_series(
        round_id,
        weeks=6,
        start=dt.date(2027, 2, 1),
        weekday=2,
        time="17:00",
        place="Lian trikkestopp",
        type_code="fottur",
    )
    rng = random.Random(6)
    sessions = (
        Activity.select(Activity.id, Activity.session)
        .where((Activity.series == report.series_id) & (Activity.session <= 3))
        .order_by(Activity.session, Activity.id)
    )
    # Most come every week; every seventh hiker stops coming after the first hike.
    for session in sessions:
        people = participants(session.id)
        came = [
            p.signup_id
            for p in people
            if not (p.signup_id % 7 == 0 and session.session > 1) and rng.random() < 0.85
        ]
        stayed_away = [p.signup_id for p in people if p.signup_id not in set(came)]
        mark_attendance(session.id, came, present=True)
        mark_attendance(session.id, stayed_away, present=False)


def _follow_up(round_id: int) -> None:
    """The closed autumn round's follow-up: most groups met, and a third of the members
    answered the feedback form."""
    import random

    from spleis_tui.core.followup import set_feedback, set_group_followup

    rng = random.Random(2026)
    for group in Group.select().where(Group.round == round_id).order_by(Group.id):
        met = rng.random() < 0.8
        set_group_followup(group.id, met=met, times_met=rng.randint(1, 5) if met else 0)
    answered = (
        SignUp.select(SignUp.id)
        .where((SignUp.round == round_id) & (SignUp.status == "active"))
        .order_by(SignUp.id)
    )
    for signup in answered:
        if rng.random() < 0.35:
            met = rng.random() < 0.85
            set_feedback(
                signup.id,
                met=met,
                wants_more=met and rng.random() < 0.8,
                rating=rng.choice((3, 4, 4, 5, 5)) if met else rng.choice((1, 2, 3)),
            )
