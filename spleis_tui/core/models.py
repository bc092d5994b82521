"""Peewee models. Portable: nothing here relies on SQLite-only SQL.

Multi-valued answers (interests, availability) are stored as option codes joined
by ";" in one text column: they are read whole, never queried by element, and
this keeps bulk imports of tens of thousands of sign-ups cheap on any backend.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from spleis_tui.core.text import fold, sort_key

database = DatabaseProxy()

ROUND_KINDS = ("vennespleis", "turgruppe", "trivselsgruppe", "other")
ROUND_STATUSES = ("open", "matched", "closed")
GENDERS = ("woman", "man", "nonbinary", "unspecified")
LANGUAGES = ("no", "en", "both")
GROUP_PREFS = ("same", "mixed", "any")
SIGNUP_STATUSES = ("active", "withdrawn")
LEADER_ROLES = ("trivselsleder", "turleder")
OPTION_KINDS = ("interest", "availability")
MULTI_SEPARATOR = ";"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = DateTimeField(default=utcnow)


class Setting(BaseModel):
    """Small key/value settings kept with the data, such as the current round."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


# Reference data: shipped in data/reference/*.toml, extendable by the user.


class Campus(BaseModel):
    code = CharField(primary_key=True, max_length=32)
    name = CharField(max_length=100)
    city = CharField(max_length=100)
    weight = IntegerField(default=1)  # share of students, for demo cohorts


class Faculty(BaseModel):
    code = CharField(primary_key=True, max_length=32)
    name_nb = CharField(max_length=200)
    name_en = CharField(max_length=200)


class Department(BaseModel):
    code = CharField(primary_key=True, max_length=32)
    name_nb = CharField(max_length=200)
    name_en = CharField(max_length=200)
    faculty = ForeignKeyField(Faculty, backref="departments", on_delete="RESTRICT")


class Programme(BaseModel):
    code = CharField(primary_key=True, max_length=32)
    name_nb = CharField(max_length=200)
    name_en = CharField(max_length=200)
    department = ForeignKeyField(Department, backref="programmes", on_delete="RESTRICT")
    years = IntegerField(default=3)
    weight = IntegerField(default=1)


class ProgrammeCampus(BaseModel):
    """Which campuses a programme is taught on."""

    programme = ForeignKeyField(Programme, backref="campuses", on_delete="CASCADE")
    campus = ForeignKeyField(Campus, backref="programmes", on_delete="CASCADE")

    class Meta:
        indexes = ((("programme", "campus"), True),)


class Option(BaseModel):
    """An answer option for a multi-choice question (interests, availability)."""

    kind = CharField(max_length=16, choices=[(k, k) for k in OPTION_KINDS])
    code = CharField(max_length=32)
    label_nb = CharField(max_length=100)
    label_en = CharField(max_length=100)
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("kind", "code"), True),)


# The measures themselves.


class Round(BaseModel):
    name = CharField(max_length=200)
    # text.fold(name): names compare case-insensitively beyond ASCII ("ØST" is "øst")
    # on any backend, where SQL LOWER() would not.
    name_key = CharField(max_length=200, unique=True)
    kind = CharField(max_length=16, choices=[(k, k) for k in ROUND_KINDS])
    starts_on = DateField(null=True)
    ends_on = DateField(null=True)
    status = CharField(max_length=16, default="open")
    privacy_note = TextField(default="")
    # The friendly words at the top of every roster page; empty means the default text.
    welcome_text = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        return super().save(*args, **kwargs)


class Person(BaseModel):
    """Somebody who signed up, recognised across rounds by normalised e-mail only."""

    email_key = CharField(max_length=320, unique=True)
    created_at = DateTimeField(default=utcnow)


class Leader(BaseModel):
    round = ForeignKeyField(Round, backref="leaders", on_delete="CASCADE")
    name = CharField(max_length=200)
    email = CharField(max_length=320)
    email_key = CharField(max_length=320)
    phone = CharField(max_length=40, default="")
    campus = CharField(max_length=200, default="")
    role = CharField(max_length=16, default="trivselsleder")
    capacity = IntegerField(default=2)
    # Which groups they can lead: "no", "en" or "both" (as for sign-ups).
    language = CharField(max_length=8, default="both")

    class Meta:
        indexes = ((("round", "email_key"), True),)


class Group(BaseModel):
    round = ForeignKeyField(Round, backref="groups", on_delete="CASCADE")
    name = CharField(max_length=100)
    name_key = CharField(max_length=100, default="")  # text.fold(name), as for rounds
    # text.sort_key(name): "Gruppe 2" before "Gruppe 10" on any database.
    sort_key = CharField(max_length=200, default="", index=True)
    leader = ForeignKeyField(Leader, null=True, backref="groups", on_delete="SET NULL")
    locked = BooleanField(default=False)
    # The group's first meeting, for rosters, e-mails and the calendar. The time is
    # wall-clock time in Europe/Oslo, where every meeting happens.
    activity = CharField(max_length=200, default="")
    meeting_place = CharField(max_length=200, default="")
    meeting_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("round", "name_key"), True),)

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        self.sort_key = sort_key(self.name)
        return super().save(*args, **kwargs)


class SignUp(BaseModel):
    """A person in a round, with that round's answers."""

    round = ForeignKeyField(Round, backref="signups", on_delete="CASCADE")
    person = ForeignKeyField(Person, backref="signups", on_delete="CASCADE")
    name = CharField(max_length=200)
    email = CharField(max_length=320)
    phone = CharField(max_length=40, default="")
    gender = CharField(max_length=16, default="unspecified")
    age = IntegerField(null=True)
    birth_year = IntegerField(null=True)
    campus = CharField(max_length=32, default="")
    programme = CharField(max_length=200, default="")
    department = CharField(max_length=200, default="")
    faculty = CharField(max_length=200, default="")
    year_of_study = IntegerField(null=True)
    language = CharField(max_length=8, default="both")
    group_pref = CharField(max_length=8, default="any")
    interests = TextField(default="")
    availability = TextField(default="")
    friend_email = CharField(max_length=320, default="")
    comment = TextField(default="")
    consent_at = DateTimeField(null=True)
    submitted_at = DateTimeField(null=True)
    source_file = CharField(max_length=400, default="")
    source_row = IntegerField(null=True)
    status = CharField(max_length=16, default="active", index=True)
    # Set when untrusted text had control characters removed on the way in.
    cleaned = BooleanField(default=False)
    # What an import had to say about the row ("Age: tjue is not a number."), one a line.
    import_warnings = TextField(default="")
    # A digest of the answers as last imported: a re-import of the same answers is
    # "unchanged", and leaves any edit made in the app since then alone.
    import_hash = CharField(max_length=40, default="")
    # The words of name, e-mail and programme, folded (text.search_words): search matches
    # the start of a word, case-insensitively, on any backend.
    search_key = TextField(default="")
    # text.sort_key(name): Norwegian alphabetical order without a database collation.
    name_key = CharField(max_length=200, default="")
    group = ForeignKeyField(Group, null=True, backref="members", on_delete="SET NULL")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("round", "person"), True),
            (("round", "status"), False),
            (("round", "campus"), False),
            (("round", "name_key"), False),
            # Covers the dashboard's one GROUP BY, so it never reads the table itself.
            (("round", "status", "campus", "gender", "language", "programme", "group"), False),
        )

    @property
    def interest_codes(self) -> list[str]:
        return split_codes(self.interests)

    @property
    def availability_codes(self) -> list[str]:
        return split_codes(self.availability)


class KeepApart(BaseModel):
    """Two people who must never be put in one group, in any round (a person's safety)."""

    person_a = ForeignKeyField(Person, on_delete="CASCADE")
    person_b = ForeignKeyField(Person, on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("person_a", "person_b"), True),)


class SignUpHistory(BaseModel):
    """An earlier answer of a sign-up, kept when a later submission replaced it."""

    signup = ForeignKeyField(SignUp, backref="history", on_delete="CASCADE")
    answers = TextField()  # JSON of the form's fields as they were
    answers_hash = CharField(max_length=40)
    submitted_at = DateTimeField(null=True)
    source_file = CharField(max_length=400, default="")
    source_row = IntegerField(null=True)
    replaced_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("signup", "answers_hash"), True),)


class ImportProfile(BaseModel):
    """A saved way of reading one form's exports: which column is which field."""

    name = CharField(max_length=100)
    name_key = CharField(max_length=100, unique=True)
    # JSON: {"columns": {normalised header: field or ""}, "encoding": ..., "delimiter": ...}
    settings = TextField()
    created_at = DateTimeField(default=utcnow)

    def save(self, *args, **kwargs):
        self.name_key = fold(self.name)
        return super().save(*args, **kwargs)


class MessageTemplate(BaseModel):
    """A round's e-mail to its members, in one language ("nb" or "en")."""

    round = ForeignKeyField(Round, backref="templates", on_delete="CASCADE")
    language = CharField(max_length=8)
    subject = CharField(max_length=300)
    body = TextField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("round", "language"), True),)


SEND_STATUSES = ("sent", "failed")


class SentMessage(BaseModel):
    """The send log: one row per member and round, so a re-run never sends twice."""

    round = ForeignKeyField(Round, backref="sent_messages", on_delete="CASCADE")
    # Erasing a sign-up erases its log line with it.
    signup = ForeignKeyField(SignUp, backref="sent_messages", on_delete="CASCADE")
    group = ForeignKeyField(Group, null=True, on_delete="SET NULL")
    status = CharField(max_length=16)
    error = TextField(default="")
    message_id = CharField(max_length=300, default="")
    attempted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("round", "signup"), True),)


# Activities: the catalogue, scheduled events, series of weekly sessions, attendance.

SEASONS = ("all", "autumn", "winter", "spring", "summer")
PLACE_SIGNUP_STATUSES = ("going", "waiting")


class ActivityType(BaseModel):
    """A kind of low-threshold activity, from data/reference/activities.toml or the user."""

    code = CharField(primary_key=True, max_length=32)
    name_nb = CharField(max_length=100)
    name_en = CharField(max_length=100)
    description_nb = TextField(default="")
    description_en = TextField(default="")
    seasons = CharField(max_length=64, default="all")  # codes from SEASONS joined by ";"
    cost_nok = IntegerField(default=0)  # a rough cost per person; 0 is free
    outdoor = BooleanField(default=True)
    tips_nb = TextField(default="")  # what keeps the threshold low, one tip a line
    tips_en = TextField(default="")
    bad_weather_nb = TextField(default="")  # the plan B
    bad_weather_en = TextField(default="")
    shipped = BooleanField(default=False)  # came with Spleis, rather than added by the user
    position = IntegerField(default=0)

    def name(self, lang: str) -> str:
        return self.name_nb if lang == "nb" else self.name_en


class Series(BaseModel):
    """N weekly sessions per group, created at once (a turgruppe round: 6 hikes)."""

    round = ForeignKeyField(Round, backref="series", on_delete="CASCADE")
    name = CharField(max_length=200)
    activity_type = ForeignKeyField(ActivityType, null=True, on_delete="SET NULL")
    weeks = IntegerField()
    first_day = DateField()
    weekday = IntegerField()  # 0 is Monday
    time = CharField(max_length=5)  # "17:00", wall-clock time in Europe/Oslo
    place = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


class Activity(BaseModel):
    """One scheduled event: a rebus race, or session 3 of a group's hikes."""

    round = ForeignKeyField(Round, backref="activities", on_delete="CASCADE")
    activity_type = ForeignKeyField(ActivityType, null=True, on_delete="SET NULL")
    title = CharField(max_length=200)
    starts_at = DateTimeField()  # wall-clock time in Europe/Oslo
    ends_at = DateTimeField(null=True)
    place = CharField(max_length=200, default="")
    campus = CharField(max_length=200, default="")
    capacity = IntegerField(null=True)  # None: room for everybody
    leader = ForeignKeyField(Leader, null=True, backref="activities", on_delete="SET NULL")
    # Open to every member of the round, or only to the groups in ActivityGroup.
    open_to_all = BooleanField(default=True)
    series = ForeignKeyField(Series, null=True, backref="sessions", on_delete="CASCADE")
    session = IntegerField(null=True)  # 1..weeks within its series
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("round", "starts_at"), False),)


class ActivityGroup(BaseModel):
    """A group an activity is for (when it is not open to all)."""

    activity = ForeignKeyField(Activity, backref="for_groups", on_delete="CASCADE")
    group = ForeignKeyField(Group, backref="activities", on_delete="CASCADE")

    class Meta:
        indexes = ((("activity", "group"), True),)


class ActivitySignUp(BaseModel):
    """Somebody who signed up for an activity: going, or waiting for a place."""

    activity = ForeignKeyField(Activity, backref="signups", on_delete="CASCADE")
    signup = ForeignKeyField(SignUp, backref="activity_signups", on_delete="CASCADE")
    status = CharField(max_length=16, default="going")
    signed_up_at = DateTimeField(default=utcnow)  # the waiting list goes in this order

    class Meta:
        indexes = ((("activity", "signup"), True), (("activity", "status"), False))


class Attendance(BaseModel):
    """Whether somebody came to an activity; a row exists once attendance is taken."""

    activity = ForeignKeyField(Activity, backref="attendance", on_delete="CASCADE")
    signup = ForeignKeyField(SignUp, backref="attendance", on_delete="CASCADE")
    present = BooleanField()
    marked_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("activity", "signup"), True),)


# Follow-up after a round.


class GroupFollowUp(BaseModel):
    """Did the group meet, and how often."""

    group = ForeignKeyField(Group, backref="followups", on_delete="CASCADE", unique=True)
    met = BooleanField(null=True)
    times_met = IntegerField(null=True)
    note = TextField(default="")
    updated_at = DateTimeField(default=utcnow)


class Feedback(BaseModel):
    """A member's short answer after the round."""

    signup = ForeignKeyField(SignUp, backref="feedback", on_delete="CASCADE", unique=True)
    met = BooleanField(null=True)  # did they meet their group?
    wants_more = BooleanField(null=True)  # do they want to go on?
    rating = IntegerField(null=True)  # 1 to 5
    comment = TextField(default="")
    submitted_at = DateTimeField(null=True)
    source_file = CharField(max_length=400, default="")
    source_row = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)


def split_codes(value: str) -> list[str]:
    return [code for code in (value or "").split(MULTI_SEPARATOR) if code]


def join_codes(codes) -> str:
    return MULTI_SEPARATOR.join(dict.fromkeys(c.strip() for c in codes if c and c.strip()))


REFERENCE_MODELS = [Campus, Faculty, Department, Programme, ProgrammeCampus, Option]
ALL_MODELS = [
    SchemaVersion,
    Setting,
    *REFERENCE_MODELS,
    Round,
    Person,
    Leader,
    Group,
    SignUp,
    KeepApart,
    SignUpHistory,
    ImportProfile,
    MessageTemplate,
    SentMessage,
    ActivityType,
    Series,
    Activity,
    ActivityGroup,
    ActivitySignUp,
    Attendance,
    GroupFollowUp,
    Feedback,
]
