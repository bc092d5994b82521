"""Sign-ups: a person in a round with that round's answers.

Validation names the field at fault; every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from peewee import JOIN

from spleis_tui.core.db import forget_erased
from spleis_tui.core.emails import is_valid_email, is_valid_phone, normalise_email
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import (
    GENDERS,
    GROUP_PREFS,
    LANGUAGES,
    SIGNUP_STATUSES,
    Group,
    Leader,
    Person,
    SignUp,
    database,
    join_codes,
    utcnow,
)
from spleis_tui.core.reference import Reference
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.core.text import clean_text, fold, search_words, sort_key
from spleis_tui.i18n import _

MIN_AGE, MAX_AGE = 15, 99

# The fields a sign-up form carries, in the order forms and exports show them.
FIELDS = (
    "name",
    "email",
    "phone",
    "gender",
    "age",
    "birth_year",
    "campus",
    "programme",
    "department",
    "faculty",
    "year_of_study",
    "language",
    "group_pref",
    "interests",
    "availability",
    "friend_email",
    "comment",
)


def search_key_for(name: str, email: str, programme: str, ref: Reference | None) -> str:
    parts = [name, email, programme]
    if ref is not None and programme in ref.programmes:
        info = ref.programmes[programme]
        parts += [info.name_nb, info.name_en]
    return search_words(*parts)


def _as_int(data: Mapping, key: str, low: int, high: int, message: str) -> int | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(key, message) from None
    if not low <= number <= high:
        raise ValidationError(key, message)
    return number


def _codes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [c.strip() for c in re.split(r"[;,]", value) if c.strip()]
    return [str(c).strip() for c in value if str(c).strip()]


def validate_signup(
    data: Mapping[str, object], ref: Reference, *, today: dt.date | None = None
) -> dict:
    """Check and clean a sign-up's answers; return the values to store.

    Raises ValidationError naming the first field that does not fit.
    """
    today = today or dt.date.today()
    out: dict = {}
    cleaned = False

    def text(key: str, *, multiline: bool = False, limit: int = 200) -> str:
        nonlocal cleaned
        value, was_cleaned = clean_text(data.get(key), multiline=multiline)
        cleaned = cleaned or was_cleaned
        if len(value) > limit:
            raise ValidationError(
                key,
                _("{field} is too long (at most {limit} characters).").format(
                    field=field_label(key), limit=limit
                ),
            )
        return value

    out["name"] = text("name")
    if not out["name"]:
        raise ValidationError("name", _("Name is required."))
    email = text("email", limit=320)
    if not email:
        raise ValidationError("email", _("E-mail is required."))
    if not is_valid_email(email):
        raise ValidationError("email", _("{value} is not an e-mail address.").format(value=email))
    out["email"] = email
    phone = text("phone", limit=40)
    if phone and not is_valid_phone(phone):
        raise ValidationError("phone", _("{value} is not a phone number.").format(value=phone))
    out["phone"] = phone

    gender = str(data.get("gender") or "unspecified")
    if gender not in GENDERS:
        raise ValidationError("gender", _("Choose a gender from the list."))
    out["gender"] = gender

    age = _as_int(
        data,
        "age",
        MIN_AGE,
        MAX_AGE,
        _("Age must be a whole number from {low} to {high}.").format(low=MIN_AGE, high=MAX_AGE),
    )
    birth_year = _as_int(
        data,
        "birth_year",
        today.year - MAX_AGE,
        today.year - MIN_AGE,
        _("Birth year must be from {low} to {high}.").format(
            low=today.year - MAX_AGE, high=today.year - MIN_AGE
        ),
    )
    if age is None and birth_year is not None:
        age = today.year - birth_year
    out["age"], out["birth_year"] = age, birth_year

    campus = str(data.get("campus") or "").strip()
    if campus and campus not in ref.campuses:
        raise ValidationError("campus", _("{value} is not a known campus.").format(value=campus))
    out["campus"] = campus
    programme = str(data.get("programme") or "").strip()
    info = ref.programmes.get(programme)
    if programme and info is None:
        raise ValidationError(
            "programme", _("{value} is not a known study programme.").format(value=programme)
        )
    if info is not None and campus and campus not in info.campuses:
        raise ValidationError(
            "programme",
            _("{programme} is not taught on {campus}.").format(
                programme=info.name_en, campus=ref.campus_name(campus)
            ),
        )
    out["programme"] = programme
    # Department and faculty follow from the programme in the reference data.
    out["department"] = info.department if info else ""
    out["faculty"] = info.faculty if info else ""
    out["year_of_study"] = _as_int(
        data, "year_of_study", 1, 8, _("Year of study must be from 1 to 8.")
    )

    language = str(data.get("language") or "both")
    if language not in LANGUAGES:
        raise ValidationError("language", _("Choose a language from the list."))
    out["language"] = language
    group_pref = str(data.get("group_pref") or "any")
    if group_pref not in GROUP_PREFS:
        raise ValidationError("group_pref", _("Choose a group preference from the list."))
    out["group_pref"] = group_pref

    for kind, key in (("interest", "interests"), ("availability", "availability")):
        codes = _codes(data.get(key))
        unknown = [c for c in codes if c not in ref.options.get(kind, {})]
        if unknown:
            raise ValidationError(
                key, _("Unknown option: {value}.").format(value=", ".join(unknown))
            )
        out[key] = join_codes(codes)

    friend = text("friend_email", limit=320)
    if friend and not is_valid_email(friend):
        raise ValidationError(
            "friend_email", _("{value} is not an e-mail address.").format(value=friend)
        )
    if friend and normalise_email(friend) == normalise_email(email):
        raise ValidationError("friend_email", _("The friend's e-mail is the participant's own."))
    out["friend_email"] = friend
    out["comment"] = text("comment", multiline=True, limit=2000)
    out["cleaned"] = cleaned
    return out


def field_label(key: str) -> str:
    labels = {
        "name": _("Name"),
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "email": _("E-mail"),
        "phone": _("Phone"),
        "gender": _("Gender"),
        "age": _("Age"),
        "birth_year": _("Birth year"),
        "campus": _("Campus"),
        "programme": _("Programme"),
        "department": _("Department"),
        "faculty": _("Faculty"),
        "year_of_study": _("Year of study"),
        "language": _("Language"),
        "group_pref": _("Group preference"),
        "interests": _("Interests"),
        "availability": _("Availability"),
        "friend_email": _("Friend's e-mail"),
        "comment": _("Comment"),
        "consent": _("Consent"),
        "submitted_at": _("Submitted"),
        "modified_at": _("Last changed"),
        "status": _("Status"),
        "group": _("Group"),
        "kind": _("Kind"),
        "starts_on": _("Start date"),
        "ends_on": _("End date"),
        "code": _("Code"),
        "role": _("Role"),
        "capacity": _("Max groups"),
        "leader": _("Leader"),
        "round": _("Round"),
        "date": _("Date"),
        "activity": _("Activity"),
        "meeting_place": _("Meeting point"),
        "meeting_at": _("Meeting time"),
        "welcome_text": _("Welcome text"),
        "subject": _("Subject"),
        "body": _("Message"),
    }
    return labels.get(key, key)


def describe(error: ValidationError, label: str | None = None) -> str:
    """One line that names the field once: "E-mail: x is not an e-mail address." """
    label = label or field_label(error.field)
    if error.message.casefold().startswith(label.casefold()):
        return error.message
    return f"{label}: {error.message}"


def _person_for(email: str) -> Person:
    key = normalise_email(email)
    # Insert-or-ignore, then read: two writers adding the same person never collide.
    Person.insert(email_key=key, created_at=utcnow()).on_conflict_ignore().execute()
    return Person.get(Person.email_key == key)


def add_signup(
    round_id: int,
    data: Mapping[str, object],
    ref: Reference,
    *,
    consent: bool,
    source_file: str = "",
    source_row: int | None = None,
    submitted_at: dt.datetime | None = None,
) -> SignUp:
    values = validate_signup(data, ref)
    if not values["campus"]:
        # Groups meet in person, so nobody can be placed without a campus.
        raise ValidationError("campus", _("Choose a campus."))
    if not consent:
        raise ValidationError("consent", _("The participant must agree to the privacy note."))
    now = utcnow()
    with database.atomic():
        refuse_if_closed(round_id)
        person = _person_for(values["email"])
        if SignUp.select().where((SignUp.round == round_id) & (SignUp.person == person)).exists():
            raise ValidationError(
                "email",
                _("{email} has already signed up for this round.").format(email=values["email"]),
            )
        return SignUp.create(
            round=round_id,
            person=person,
            consent_at=now,
            submitted_at=submitted_at or now,
            source_file=source_file or "manual",
            source_row=source_row,
            search_key=search_key_for(values["name"], values["email"], values["programme"], ref),
            name_key=sort_key(values["name"]),
            **values,
        )


def update_signup(signup_id: int, data: Mapping[str, object], ref: Reference) -> SignUp:
    """Replace a sign-up's answers. A changed e-mail moves it to that person."""
    with database.atomic():
        signup = get_signup(signup_id)
        refuse_if_closed(signup.round_id)
        merged = {key: getattr(signup, key) for key in FIELDS}
        merged.update(data)
        values = validate_signup(merged, ref)
        values["cleaned"] = values["cleaned"] or signup.cleaned
        if normalise_email(values["email"]) != signup.person.email_key:
            person = _person_for(values["email"])
            clash = (
                SignUp.select()
                .where(
                    (SignUp.round == signup.round_id)
                    & (SignUp.person == person)
                    & (SignUp.id != signup.id)
                )
                .exists()
            )
            if clash:
                raise ValidationError(
                    "email",
                    _("{email} has already signed up for this round.").format(
                        email=values["email"]
                    ),
                )
            old_person = signup.person_id
            signup.person = person
        else:
            old_person = None
        for key, value in values.items():
            setattr(signup, key, value)
        signup.search_key = search_key_for(signup.name, signup.email, signup.programme, ref)
        signup.name_key = sort_key(signup.name)
        signup.updated_at = utcnow()
        signup.save()
        if old_person is not None:
            forget_people_without_signups([old_person])
        return signup


def get_signup(signup_id: int) -> SignUp:
    signup = SignUp.get_or_none(SignUp.id == signup_id)
    if signup is None:
        raise NotFound(_("No sign-up has the id {id}.").format(id=signup_id))
    return signup


def find_signup(round_id: int, email: str) -> SignUp:
    signup = (
        SignUp.select()
        .join(Person)
        .where((SignUp.round == round_id) & (Person.email_key == normalise_email(email)))
        .first()
    )
    if signup is None:
        raise NotFound(
            _("Nobody with the e-mail {email} has signed up for this round.").format(email=email)
        )
    return signup


def set_status(signup_id: int, status: str) -> SignUp:
    """Withdraw (which also takes the person out of their group) or reactivate a sign-up."""
    if status not in SIGNUP_STATUSES:
        raise ValidationError("status", _("Unknown status {value}.").format(value=status))
    with database.atomic():
        signup = get_signup(signup_id)
        refuse_if_closed(signup.round_id)
        signup.status = status
        if status == "withdrawn":
            signup.group = None
        signup.updated_at = utcnow()
        signup.save()
        return signup


def delete_signup(signup_id: int) -> None:
    """Erase a sign-up; a person left with no sign-ups is erased too."""
    with database.atomic():
        signup = get_signup(signup_id)
        person = signup.person_id
        signup.delete_instance()
        forget_people_without_signups([person])
    forget_erased()


@dataclass(frozen=True)
class Erased:
    """What erasing a person removed."""

    signups: int
    leaders: int
    friend_mentions: int  # other people's "friend's e-mail" answers that named them


def erase_person(email: str) -> Erased:
    """Erase everything stored about one e-mail address, in every round.

    That is their sign-ups, their leader records, and their address where others
    named them as a friend.
    """
    key = normalise_email(email)
    with database.atomic():
        person = Person.get_or_none(Person.email_key == key)
        leaders = Leader.select().where(Leader.email_key == key)
        if person is None and not leaders.exists():
            raise NotFound(_("Nothing is stored about {email}.").format(email=email))
        signups = SignUp.delete().where(SignUp.person == person).execute() if person else 0
        leader_count = Leader.delete().where(Leader.email_key == key).execute()
        mentions = [
            signup_id
            for signup_id, friend in SignUp.select(SignUp.id, SignUp.friend_email)
            .where(SignUp.friend_email != "")
            .tuples()
            if normalise_email(friend) == key
        ]
        if mentions:
            SignUp.update(friend_email="").where(SignUp.id.in_(mentions)).execute()
        if person is not None:
            person.delete_instance()
    forget_erased()
    return Erased(signups, leader_count, len(mentions))


def forget_people_without_signups(person_ids: Iterable[int] | None = None) -> int:
    orphans = Person.select(Person.id).join(SignUp, JOIN.LEFT_OUTER).where(SignUp.id.is_null())
    if person_ids is not None:
        orphans = orphans.where(Person.id.in_(list(person_ids)))
    ids = [p.id for p in orphans]
    if not ids:
        return 0
    return Person.delete().where(Person.id.in_(ids)).execute()


# Browsing: filters and pages computed in the database, never 10,000 rows at once.


@dataclass(frozen=True)
class ParticipantRow:
    id: int
    name: str
    email: str
    phone: str
    gender: str
    age: int | None
    campus: str
    programme: str
    language: str
    group_pref: str
    status: str
    group: str
    cleaned: bool


@dataclass
class ParticipantQuery:
    round_id: int
    search: str = ""
    campus: str = ""
    gender: str = ""
    language: str = ""
    status: str = ""
    grouped: bool | None = None
    order_by: str = "name"
    descending: bool = False

    def _where(self):
        condition = SignUp.round == self.round_id
        for term in fold(self.search).split():
            # The key starts with a space and has one between words: " term" is a word start.
            condition &= SignUp.search_key.contains(" " + term)
        if self.campus:
            condition &= SignUp.campus == self.campus
        if self.gender:
            condition &= SignUp.gender == self.gender
        if self.language:
            condition &= SignUp.language == self.language
        if self.status:
            condition &= SignUp.status == self.status
        if self.grouped is True:
            condition &= SignUp.group.is_null(False)
        elif self.grouped is False:
            condition &= SignUp.group.is_null(True)
        return condition

    def count(self) -> int:
        return SignUp.select().where(self._where()).count()

    def page(self, offset: int, limit: int) -> list[ParticipantRow]:
        column = {
            "name": SignUp.name_key,
            "email": SignUp.email,
            "age": SignUp.age,
            "campus": SignUp.campus,
            "programme": SignUp.programme,
            "language": SignUp.language,
            "status": SignUp.status,
            # Without a group sorts last on every backend (SQLite would put NULL first).
            "group": Group.sort_key,
        }.get(self.order_by, SignUp.name_key)
        direction = column.desc(nulls="LAST") if self.descending else column.asc(nulls="LAST")
        query = (
            SignUp.select(
                SignUp.id,
                SignUp.name,
                SignUp.email,
                SignUp.phone,
                SignUp.gender,
                SignUp.age,
                SignUp.campus,
                SignUp.programme,
                SignUp.language,
                SignUp.group_pref,
                SignUp.status,
                SignUp.cleaned,
                Group.name.alias("group_name"),
            )
            .join(Group, JOIN.LEFT_OUTER, on=(SignUp.group == Group.id))
            .where(self._where())
            .order_by(direction, SignUp.id.asc())
            .offset(max(0, offset))
            .limit(limit)
            .tuples()
        )
        return [
            ParticipantRow(
                id=r[0],
                name=r[1],
                email=r[2],
                phone=r[3],
                gender=r[4],
                age=r[5],
                campus=r[6],
                programme=r[7],
                language=r[8],
                group_pref=r[9],
                status=r[10],
                cleaned=bool(r[11]),
                group=r[12] or "",
            )
            for r in query
        ]


def signups_for_export(round_id: int) -> Iterable[SignUp]:
    return (
        SignUp.select()
        .where(SignUp.round == round_id)
        .order_by(SignUp.name_key, SignUp.id)
        .iterator()
    )
