"""What a roster holds: a round's groups, each with its leader, members and first meeting.

The PDF rosters, the spreadsheets, the calendar and the e-mails all read this one
shape, so a member shows the same way on paper, in Excel and in their inbox. Loading
takes three queries whatever the number of groups (250 groups load as fast as one),
and returns frozen dataclasses that are safe to hand from a worker thread to the UI.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import Group, Leader, Round, SignUp, database, split_codes
from spleis_tui.core.reference import Reference, load_reference
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import N_, _, current_language, gettext_in

# Long enough for a real place ("Stripa, inngang ved Hovedbygningen") and activity.
PLACE_LIMIT = 200
WELCOME_LIMIT = 2_000


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class RosterMember:
    id: int
    name: str
    email: str
    phone: str
    programme: str  # the programme's name in the roster's language, or as written
    campus: str  # the campus's name
    language: str  # "no", "en" or "both": which e-mail template they get

    @property
    def first_name(self) -> str:
        """The first word of the name, as a greeting uses it ("Hei Kari")."""
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class FirstMeeting:
    activity: str
    # True when nobody chose the activity and it comes from what the members like.
    suggested: bool
    at: dt.datetime | None  # wall-clock time in Europe/Oslo
    place: str


@dataclass(frozen=True)
class RosterGroup:
    id: int
    name: str
    leader_id: int | None
    leader: Contact | None
    members: tuple[RosterMember, ...]
    meeting: FirstMeeting
    campus: str  # the campus most members study on, by name; "" for an empty group


@dataclass(frozen=True)
class Roster:
    round_id: int
    round_name: str
    round_kind: str
    welcome_text: str  # the round's own text, or the default one
    groups: tuple[RosterGroup, ...]

    @property
    def member_count(self) -> int:
        return sum(len(group.members) for group in self.groups)


# Marked for translation here, translated in the reader's language by gettext_in.
N_("{activity} ({count} of {size} like it)")
N_("Coffee together")


def default_welcome_text() -> str:
    """The welcome text a round has until somebody writes its own."""
    return _(
        "Welcome to your group! You are here because you wanted to get to know new people, "
        "and so did everybody else on this sheet. Nobody needs to be good at anything: just "
        "turn up, say hello and take it from there. The leader will get in touch about the "
        "first meeting. If you cannot come, let the others know."
    )


def welcome_text_of(round_: Round) -> str:
    return round_.welcome_text.strip() or default_welcome_text()


def load_roster(
    round_id: int,
    *,
    group_id: int | None = None,
    leader_id: int | None = None,
    ref: Reference | None = None,
    lang: str | None = None,
) -> Roster:
    """A round's groups in name order (or one group, or one leader's groups)."""
    round_ = Round.get_or_none(Round.id == round_id)
    if round_ is None:
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    ref = ref or load_reference()
    lang = lang or current_language()
    condition = Group.round == round_id
    if group_id is not None:
        condition &= Group.id == group_id
    if leader_id is not None:
        condition &= Group.leader == leader_id
    groups = list(Group.select().where(condition).order_by(Group.sort_key, Group.id))
    ids = [g.id for g in groups]
    leaders = {
        leader.id: Contact(leader.name, leader.email, leader.phone)
        for leader in Leader.select().where(Leader.round == round_id)
    }
    members: dict[int, list[RosterMember]] = {group_id: [] for group_id in ids}
    interests: dict[int, Counter[str]] = {group_id: Counter() for group_id in ids}
    campuses: dict[int, Counter[str]] = {group_id: Counter() for group_id in ids}
    if ids:
        query = (
            SignUp.select(
                SignUp.id,
                SignUp.group,
                SignUp.name,
                SignUp.email,
                SignUp.phone,
                SignUp.programme,
                SignUp.campus,
                SignUp.language,
                SignUp.interests,
            )
            .where((SignUp.round == round_id) & (SignUp.status == "active") & SignUp.group.in_(ids))
            .order_by(SignUp.name_key, SignUp.id)
            .tuples()
        )
        for signup_id, gid, name, email, phone, programme, campus, language, chosen in query:
            members[gid].append(
                RosterMember(
                    id=signup_id,
                    name=name,
                    email=email,
                    phone=phone,
                    programme=ref.programme_name(programme, lang) if programme else "",
                    campus=ref.campus_name(campus) if campus else "",
                    language=language,
                )
            )
            interests[gid].update(split_codes(chosen))
            if campus:
                campuses[gid][campus] += 1
    return Roster(
        round_id=round_id,
        round_name=round_.name,
        round_kind=round_.kind,
        welcome_text=welcome_text_of(round_),
        groups=tuple(
            RosterGroup(
                id=group.id,
                name=group.name,
                leader_id=group.leader_id,
                leader=leaders.get(group.leader_id) if group.leader_id else None,
                members=tuple(members[group.id]),
                meeting=_first_meeting(
                    group, interests[group.id], len(members[group.id]), ref, lang
                ),
                campus=ref.campus_name(campuses[group.id].most_common(1)[0][0])
                if campuses[group.id]
                else "",
            )
            for group in groups
        ),
    )


def _first_meeting(
    group: Group, liked: Counter[str], size: int, ref: Reference, lang: str
) -> FirstMeeting:
    activity = group.activity.strip()
    suggested = not activity
    if suggested:
        activity = suggest_activity(liked, size, ref, lang)
    return FirstMeeting(activity, suggested, group.meeting_at, group.meeting_place)


def suggest_activity(liked: Counter[str], size: int, ref: Reference, lang: str) -> str:
    """What most of the group likes ("Hiking (4 of 5 like it)"), else a café visit.

    In 2021 most people only wanted to meet someone; the activity mattered less, so the
    suggestion stays simple and names how many share it.
    """
    if liked and size:
        # Most shared first; ties by the option's order in the form, so it is stable.
        order = {code: index for index, code in enumerate(ref.options.get("interest", {}))}
        code, count = min(
            liked.items(), key=lambda item: (-item[1], order.get(item[0], 99), item[0])
        )
        if count >= 2:
            label = ref.option_label("interest", code, lang)
            return gettext_in(lang, "{activity} ({count} of {size} like it)").format(
                activity=label, count=count, size=size
            )
    return gettext_in(lang, "Coffee together")


def set_welcome_text(round_id: int, text: str) -> str:
    """Save a round's welcome text; an empty text brings the default back."""
    cleaned = clean_text(text, multiline=True)[0] if text else ""
    if len(cleaned) > WELCOME_LIMIT:
        raise ValidationError(
            "welcome_text",
            _("This is too long (at most {limit} characters).").format(limit=WELCOME_LIMIT),
        )
    with database.atomic():
        refuse_if_closed(round_id)
        updated = Round.update(welcome_text=cleaned).where(Round.id == round_id).execute()
        if not updated:
            raise NotFound(_("No round has the id {id}.").format(id=round_id))
    return cleaned


_UNSET = object()


def set_first_meeting(
    group_ids: Iterable[int],
    *,
    activity: str | None = None,
    place: str | None = None,
    at: dt.datetime | object | None = _UNSET,
) -> int:
    """Set the first meeting of some groups in one transaction; return how many changed.

    Only what is given changes: `activity=""` clears a chosen activity (the suggestion
    comes back), `at=None` clears the time.
    """
    values: dict = {}
    for name, value in (("activity", activity), ("meeting_place", place)):
        if value is None:
            continue
        cleaned = clean_text(value)[0]
        if len(cleaned) > PLACE_LIMIT:
            raise ValidationError(
                name,
                _("This is too long (at most {limit} characters).").format(limit=PLACE_LIMIT),
            )
        values[name] = cleaned
    if at is not _UNSET:
        if at is not None and not isinstance(at, dt.datetime):
            raise ValidationError("meeting_at", _("Give a date and a time."))
        values["meeting_at"] = at.replace(second=0, microsecond=0, tzinfo=None) if at else None
    ids = list(dict.fromkeys(group_ids))
    if not values or not ids:
        return 0
    with database.atomic():
        rounds = {
            round_id for (round_id,) in Group.select(Group.round).where(Group.id.in_(ids)).tuples()
        }
        if len(rounds) != 1:
            raise NotFound(_("No group has the id {id}.").format(id=ids[0]))
        refuse_if_closed(rounds.pop())
        return Group.update(values).where(Group.id.in_(ids)).execute()


def parse_meeting_time(text: str) -> dt.datetime:
    """ "2027-01-28 17:00" (or with a T) as a datetime; a clear error otherwise."""
    value = text.strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H.%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M"):
        try:
            return dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
    raise ValidationError(
        "meeting_at",
        _("{value} is not a date and time. Write it like 2027-01-28 17:00.").format(value=text),
    )
