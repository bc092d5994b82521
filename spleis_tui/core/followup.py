"""Follow-up after a round: did each group meet, and what did the members think.

Two kinds of answers:

- per group, from its leader (or the organiser): did it meet, how many times, a note;
- per member, usually from a follow-up form: did you meet your group, do you want to
  go on, how satisfied are you (1 to 5), anything else.

Follow-up happens after a round, often when it is already closed, so unlike every
other change these are allowed in a closed round: they record what happened and
change nothing about who is in which group.

A form export is read the way sign-ups are (`importing.sources` finds the encoding,
the delimiter or the sheet) and its headers and answers are recognised with the words
in data/reference/followup.toml. People are matched by e-mail among the round's
sign-ups. Every row is accounted for: imported + updated + unchanged + superseded +
unknown e-mail + rejected = rows read.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peewee import JOIN

from spleis_tui.core.emails import is_valid_email, normalise_email
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.importing.convert import parse_moment
from spleis_tui.core.importing.sources import ImportFileError, open_source
from spleis_tui.core.importing.vocabulary import loose
from spleis_tui.core.models import (
    Feedback,
    Group,
    GroupFollowUp,
    Leader,
    Person,
    Round,
    SignUp,
    database,
    utcnow,
)
from spleis_tui.core.reference import reference_dir
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import _

MAX_TIMES = 100
MAX_NOTE = 2000
PROGRESS_EVERY = 100  # rows between progress reports and cancel checks
ANSWER_FIELDS = ("met", "wants_more", "rating", "comment")


class _Keep:
    """The default of an argument not given: leave the stored value as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


def field_label(key: str) -> str:
    return {
        "email": _("E-mail"),
        "timestamp": _("Time"),
        "met": _("Met"),
        "wants_more": _("Wants more"),
        "rating": _("Rating"),
        "comment": _("Comment"),
        "times_met": _("Times met"),
        "note": _("Note"),
    }.get(key, key)


# Per group.


@dataclass(frozen=True)
class GroupFollowUpRow:
    group_id: int
    name: str
    leader: str  # the leader's name, "" without one
    met: bool | None
    times_met: int | None
    note: str  # "" when there is none


def _check_bool(key: str, value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(
        key, _("{field}: choose yes, no or unknown.").format(field=field_label(key))
    )


def _check_times(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TIMES:
        raise ValidationError(
            "times_met",
            _("Times met must be a whole number from 0 to {limit}.").format(limit=MAX_TIMES),
        )
    return value


def _check_text(key: str, value: object) -> str:
    text = clean_text(value, multiline=True)[0]
    if len(text) > MAX_NOTE:
        raise ValidationError(
            key,
            _("{field} is too long (at most {limit} characters).").format(
                field=field_label(key), limit=MAX_NOTE
            ),
        )
    return text


def set_group_followup(
    group_id: int,
    *,
    met: bool | _Keep | None = KEEP,
    times_met: int | _Keep | None = KEEP,
    note: str | _Keep | None = KEEP,
) -> GroupFollowUpRow:
    """Record whether a group met and how often. An argument left out keeps its value;
    None makes it unknown (for the note: empty).

    When whether the group met is unknown and only a number of meetings is given, the
    number says it: more than 0 is yes, 0 is no.
    "Did not meet" with meetings, or "met" with 0 meetings, is refused. Allowed in a
    closed round (see the module's note).
    """
    with database.atomic():
        group = Group.get_or_none(Group.id == group_id)
        if group is None:
            raise NotFound(_("No group has the id {id}.").format(id=group_id))
        # No refuse_if_closed here: follow-up is what one does once a round is over.
        stored = GroupFollowUp.get_or_none(GroupFollowUp.group == group_id)
        new_met = stored.met if stored is not None else None
        new_times = stored.times_met if stored is not None else None
        new_note = stored.note if stored is not None else ""
        if not isinstance(met, _Keep):
            new_met = _check_bool("met", met)
        if not isinstance(times_met, _Keep):
            new_times = _check_times(times_met)
        if not isinstance(note, _Keep):
            new_note = _check_text("note", note)
        if new_met is None and new_times is not None and isinstance(met, _Keep):
            # Only a number was given, and whether the group met was not known: it says.
            new_met = new_times > 0
        if new_met is False and new_times:
            raise ValidationError(
                "times_met",
                _("{group} did not meet, so it cannot have met {count} times.").format(
                    group=group.name, count=new_times
                ),
            )
        if new_met is True and new_times == 0:
            raise ValidationError(
                "times_met",
                _("{group} met, so it met at least once (not 0 times).").format(group=group.name),
            )
        now = utcnow()
        GroupFollowUp.insert(
            group=group_id, met=new_met, times_met=new_times, note=new_note, updated_at=now
        ).on_conflict(
            conflict_target=[GroupFollowUp.group],
            update={
                GroupFollowUp.met: new_met,
                GroupFollowUp.times_met: new_times,
                GroupFollowUp.note: new_note,
                GroupFollowUp.updated_at: now,
            },
        ).execute()
        leader = Leader.get_or_none(Leader.id == group.leader_id) if group.leader_id else None
        return GroupFollowUpRow(
            group.id, group.name, leader.name if leader else "", new_met, new_times, new_note
        )


def group_followups(round_id: int) -> list[GroupFollowUpRow]:
    """Every group of the round in name order, with what is known (None where nothing)."""
    _round_or_fail(round_id)
    query = (
        Group.select(
            Group.id,
            Group.name,
            Leader.name.alias("leader_name"),
            GroupFollowUp.met,
            GroupFollowUp.times_met,
            GroupFollowUp.note,
        )
        .join(Leader, JOIN.LEFT_OUTER, on=(Group.leader == Leader.id))
        .switch(Group)
        .join(GroupFollowUp, JOIN.LEFT_OUTER, on=(GroupFollowUp.group == Group.id))
        .where(Group.round == round_id)
        .order_by(Group.sort_key, Group.id)
        .tuples()
    )
    return [
        GroupFollowUpRow(
            gid,
            name,
            leader or "",
            None if met is None else bool(met),
            times,
            note or "",
        )
        for gid, name, leader, met, times, note in query
    ]


def _round_or_fail(round_id: int) -> None:
    if not Round.select().where(Round.id == round_id).exists():
        raise NotFound(_("No round has the id {id}.").format(id=round_id))


# Per member.


@dataclass(frozen=True)
class FeedbackRow:
    signup_id: int
    name: str
    email: str
    group_id: int | None
    group: str  # "" when not in a group
    met: bool | None
    wants_more: bool | None
    rating: int | None
    comment: str
    submitted_at: dt.datetime | None
    source_file: str
    source_row: int | None


@dataclass(frozen=True)
class FeedbackSummary:
    answers: int
    met_yes: int
    met_no: int
    wants_more_yes: int
    wants_more_no: int
    ratings: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4 and 5
    average: float | None
    groups_met: int
    groups_not_met: int
    groups_unknown: int


def _check_rating(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError("rating", _("The rating must be a whole number from 1 to 5."))
    return value


def set_feedback(
    signup_id: int,
    *,
    met: bool | _Keep | None = KEEP,
    wants_more: bool | _Keep | None = KEEP,
    rating: int | _Keep | None = KEEP,
    comment: str | _Keep | None = KEEP,
) -> FeedbackRow:
    """Record a member's answers by hand; an argument left out keeps its value.

    Allowed in a closed round, as all follow-up is.
    """
    values: dict[str, object] = {}
    if not isinstance(met, _Keep):
        values["met"] = _check_bool("met", met)
    if not isinstance(wants_more, _Keep):
        values["wants_more"] = _check_bool("wants_more", wants_more)
    if not isinstance(rating, _Keep):
        values["rating"] = _check_rating(rating)
    if not isinstance(comment, _Keep):
        values["comment"] = _check_text("comment", comment)
    with database.atomic():
        signup = SignUp.get_or_none(SignUp.id == signup_id)
        if signup is None:
            raise NotFound(_("No sign-up has the id {id}.").format(id=signup_id))
        now = utcnow()
        stored = Feedback.get_or_none(Feedback.signup == signup_id)
        if stored is None:
            Feedback.create(signup=signup_id, source_file="manual", updated_at=now, **values)
        elif values:
            Feedback.update(updated_at=now, **values).where(Feedback.id == stored.id).execute()
    return _feedback_rows(SignUp.id == signup_id)[0]


def _feedback_rows(condition) -> list[FeedbackRow]:
    query = (
        Feedback.select(
            SignUp.id,
            SignUp.name,
            SignUp.email,
            Group.id,
            Group.name,
            Feedback.met,
            Feedback.wants_more,
            Feedback.rating,
            Feedback.comment,
            Feedback.submitted_at,
            Feedback.source_file,
            Feedback.source_row,
        )
        .join(SignUp, on=(Feedback.signup == SignUp.id))
        .join(Group, JOIN.LEFT_OUTER, on=(SignUp.group == Group.id))
        .where(condition)
        .order_by(SignUp.name_key, SignUp.id)
        .tuples()
    )
    return [
        FeedbackRow(
            sid,
            name,
            email,
            gid,
            gname or "",
            None if met is None else bool(met),
            None if more is None else bool(more),
            rating,
            comment or "",
            submitted,
            source or "",
            row,
        )
        for (
            sid,
            name,
            email,
            gid,
            gname,
            met,
            more,
            rating,
            comment,
            submitted,
            source,
            row,
        ) in query
    ]


def feedback_rows(round_id: int) -> list[FeedbackRow]:
    """The answers given in a round, one per member who answered, in name order."""
    _round_or_fail(round_id)
    return _feedback_rows(SignUp.round == round_id)


def feedback_summary(round_id: int) -> FeedbackSummary:
    """Counts of the members' answers, and how many groups met.

    A group met if its follow-up says so; without one, if any member who answered says
    they met it; it did not if its follow-up says so or every member who answered says
    no; else it is unknown.
    """
    rows = feedback_rows(round_id)
    ratings = Counter(row.rating for row in rows if row.rating is not None)
    rated = sum(ratings.values())
    members: dict[int, list[bool]] = {}
    for row in rows:
        if row.group_id is not None and row.met is not None:
            members.setdefault(row.group_id, []).append(row.met)
    groups_met = groups_not_met = groups_unknown = 0
    for group in group_followups(round_id):
        said = members.get(group.group_id, [])
        met = group.met
        if met is None and said:
            met = any(said)
        if met is True:
            groups_met += 1
        elif met is False:
            groups_not_met += 1
        else:
            groups_unknown += 1
    return FeedbackSummary(
        answers=len(rows),
        met_yes=sum(1 for row in rows if row.met is True),
        met_no=sum(1 for row in rows if row.met is False),
        wants_more_yes=sum(1 for row in rows if row.wants_more is True),
        wants_more_no=sum(1 for row in rows if row.wants_more is False),
        ratings=tuple(ratings.get(n, 0) for n in range(1, 6)),  # type: ignore[arg-type]
        average=(sum(n * c for n, c in ratings.items()) / rated) if rated else None,
        groups_met=groups_met,
        groups_not_met=groups_not_met,
        groups_unknown=groups_unknown,
    )


# Importing a follow-up form's export.


@dataclass(frozen=True)
class _Words:
    fields: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]  # field -> (names, words)
    order: tuple[str, ...]
    yes: frozenset[str]
    no: frozenset[str]
    unknown: frozenset[str]
    ratings: dict[str, int]


@functools.cache
def followup_words() -> _Words:
    with (reference_dir() / "followup.toml").open("rb") as handle:
        data = tomllib.load(handle)
    fields = {
        key: (
            tuple(loose(n) for n in entry.get("names", [])),
            tuple(loose(w) for w in entry.get("words", [])),
        )
        for key, entry in data["fields"].items()
    }
    answers = data["answers"]
    return _Words(
        fields=fields,
        order=tuple(data["order"]),
        yes=frozenset(loose(a) for a in answers["yes"]),
        no=frozenset(loose(a) for a in answers["no"]),
        unknown=frozenset(loose(a) for a in answers["unknown"]),
        ratings={loose(text): int(n) for n, texts in data["ratings"].items() for text in texts},
    )


def _holds(word: str, header: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", header) is not None


def detect_columns(headers: tuple[str, ...] | list[str]) -> dict[str, list[int]]:
    """Which columns hold which answer: {field: [column index, best first]}.

    Only e-mail keeps more than one column (a form's own e-mail question and the one a
    form system adds): the first that holds an address in a row is used.
    """
    words = followup_words()
    scored: dict[str, list[tuple[int, int]]] = {}
    for index, header in enumerate(headers):
        key = loose(header)
        if not key:
            continue
        best: tuple[int, str] | None = None
        for rank, name in enumerate(words.order):
            names, parts = words.fields[name]
            if key in names:
                score = 1000 - names.index(key)
            elif any(_holds(w, key) for w in parts):
                score = 100 - rank
            else:
                continue
            if best is None or score > best[0]:
                best = (score, name)
        if best is not None:
            scored.setdefault(best[1], []).append((-best[0], index))
    found = {name: [index for _score, index in sorted(found)] for name, found in scored.items()}
    return {name: (ids if name == "email" else ids[:1]) for name, ids in found.items()}


def parse_yes_no(text: str) -> tuple[bool | None, bool]:
    """(answer, understood). "Ja, flere ganger" is yes; "3" (times) is yes; "" is unknown."""
    words = followup_words()
    key = loose(text)
    if not key or key in words.unknown:
        return None, True
    if key in words.yes:
        return True, True
    if key in words.no:
        return False, True
    if key.isdigit():
        return int(key) > 0, True
    first = re.split(r"[^\w]+", key, maxsplit=1)[0]
    if first in words.yes:
        return True, True
    if first in words.no:
        return False, True
    return None, False


_STARS = re.compile(r"^[\s★☆⭐✩✰*]+$")
_NUMBER = re.compile(r"^(\d+)(?:[.,]0+)?(?:\s*/\s*(\d+))?(?!\d|[.,]\d)")


def parse_rating(text: str) -> tuple[int | None, str]:
    """(rating, problem). Reads "4", "4 - Fornøyd", "4/5", "★★★★" and words like "Fornøyd".

    The problem is "" when the cell is empty or read; the rating is None when not read.
    """
    text = text.strip()
    if not text:
        return None, ""
    if _STARS.match(text):
        value = sum(text.count(star) for star in "★⭐*")
    elif (match := _NUMBER.match(text)) is not None:
        value = int(match.group(1))
        if match.group(2) and match.group(2) != "5":
            return None, _("{value} is not on a scale from 1 to 5.").format(value=text)
    else:
        key = loose(text)
        words = followup_words()
        if key in words.unknown:
            return None, ""
        value = words.ratings.get(key)
        if value is None:
            numbers = re.findall(r"(?<![\d.,])\d+(?![\d.,])", text)
            if len(numbers) != 1:
                return None, _("{value} is not a rating from 1 to 5.").format(value=text)
            value = int(numbers[0])
    if not 1 <= value <= 5:
        return None, _("{value} is not a rating from 1 to 5.").format(value=text)
    return value, ""


@dataclass(frozen=True)
class FeedbackReport:
    path: str
    rows: int  # rows read, the header not counted
    imported: int  # answers of people who had none
    updated: int  # newer answers replacing stored ones
    unchanged: int  # the same answers as stored, or older than them
    unknown_email: tuple[tuple[int, str], ...]  # (row, e-mail) of nobody in the round
    rejected: tuple[tuple[int, str], ...]  # (row, reason naming file, row and column)
    superseded: tuple[tuple[int, str], ...] = ()  # (row, e-mail) a later row replaced
    warnings: tuple[tuple[int, str], ...] = ()  # (row, problem); the rest of the row was kept
    columns: tuple[tuple[str, str], ...] = ()  # (field, header) as recognised
    dry_run: bool = False

    @property
    def accounted(self) -> bool:
        return self.rows == (
            self.imported
            + self.updated
            + self.unchanged
            + len(self.unknown_email)
            + len(self.rejected)
            + len(self.superseded)
        )


@dataclass
class _Answer:
    row: int
    email_key: str
    email: str
    submitted_at: dt.datetime | None
    values: dict = field(default_factory=dict)  # only the answers the row gives


def _problem(file: str, row: int, header: str | None, message: str) -> str:
    if header is None:
        return _("{file}, row {row}: {problem}").format(file=file, row=row, problem=message)
    return _("{file}, row {row}, column “{column}”: {problem}").format(
        file=file, row=row, column=header, problem=message
    )


def _stale(stored: Feedback, answer: _Answer) -> bool:
    """Whether the stored answer is newer than this row (then the row changes nothing)."""
    return (
        stored.submitted_at is not None
        and answer.submitted_at is not None
        and answer.submitted_at < stored.submitted_at
    )


def _store(stored: Feedback | None, signup_id: int, answer: _Answer, file: str) -> str:
    """Write one answer; return "imported", "updated" or "unchanged"."""
    same = stored is not None and all(
        getattr(stored, key) == value for key, value in answer.values.items()
    )
    if stored is not None and (same or _stale(stored, answer)):
        return "unchanged"
    now = utcnow()
    columns = dict(
        answer.values,
        submitted_at=answer.submitted_at,
        source_file=file,
        source_row=answer.row,
        updated_at=now,
    )
    if stored is None:
        Feedback.create(signup=signup_id, **columns)
        return "imported"
    Feedback.update(**columns).where(Feedback.id == stored.id).execute()
    return "updated"


def import_feedback(
    path: str | os.PathLike[str],
    round_id: int,
    *,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FeedbackReport:
    """Import a follow-up form's export into a round, in one transaction.

    Raises ImportFileError when the file cannot be read or has no e-mail column or no
    answers, ImportCancelled when `cancelled()` says so (nothing is written then).
    """
    from spleis_tui.core.importing.run import ImportCancelled

    _round_or_fail(round_id)
    path = Path(path)
    file = path.name
    source = open_source(path)
    with source:
        headers = source.info.headers
        columns = detect_columns(headers)
        if "email" not in columns:
            raise ImportFileError(
                _("{file} has no e-mail column (headers: {headers}).").format(
                    file=file, headers=", ".join(h for h in headers if h.strip())
                )
            )
        if not any(key in columns for key in ANSWER_FIELDS):
            raise ImportFileError(
                _(
                    "{file} has none of the follow-up questions (met, continue, rating, comment)."
                ).format(file=file)
            )
        rows = 0
        rejected: list[tuple[int, str]] = []
        warnings: list[tuple[int, str]] = []
        answers: list[_Answer] = []
        for number, cells in source.rows():
            rows += 1
            answer = _read_row(file, number, cells, headers, columns, rejected, warnings)
            if answer is not None:
                answers.append(answer)
            if rows % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled(_("The import was cancelled; nothing was saved."))
                if progress is not None:
                    progress(0.9 * source.fraction_done())

    signups = dict(
        SignUp.select(Person.email_key, SignUp.id)
        .join(Person, on=(SignUp.person == Person.id))
        .where(SignUp.round == round_id)
        .tuples()
    )
    unknown = [(a.row, a.email) for a in answers if a.email_key not in signups]
    # The later submission wins for one e-mail: by its time, else by its place in the file.
    latest: dict[str, _Answer] = {}
    superseded: list[tuple[int, str]] = []
    for answer in answers:
        if answer.email_key not in signups:
            continue
        held = latest.get(answer.email_key)
        if held is None or _later(answer, held):
            if held is not None:
                superseded.append((held.row, held.email))
            latest[answer.email_key] = answer
        else:
            superseded.append((answer.row, answer.email))

    outcome: Counter[str] = Counter()
    with database.atomic() as transaction:
        # No refuse_if_closed: follow-up is what one does once a round is over.
        # The round's answers by a join, not an IN list: a big round has more sign-ups
        # than some databases take as parameters.
        stored = {
            f.signup_id: f
            for f in Feedback.select()
            .join(SignUp, on=(Feedback.signup == SignUp.id))
            .where(SignUp.round == round_id)
        }
        for done, answer in enumerate(sorted(latest.values(), key=lambda a: a.row), start=1):
            signup_id = signups[answer.email_key]
            outcome[_store(stored.get(signup_id), signup_id, answer, file)] += 1
            if done % PROGRESS_EVERY == 0 and cancelled is not None and cancelled():
                raise ImportCancelled(_("The import was cancelled; nothing was saved."))
        if cancelled is not None and cancelled():
            raise ImportCancelled(_("The import was cancelled; nothing was saved."))
        if dry_run:
            transaction.rollback()
    if progress is not None:
        progress(1.0)
    return FeedbackReport(
        path=str(path),
        rows=rows,
        imported=outcome["imported"],
        updated=outcome["updated"],
        unchanged=outcome["unchanged"],
        unknown_email=tuple(unknown),
        rejected=tuple(rejected),
        superseded=tuple(sorted(superseded)),
        warnings=tuple(warnings),
        columns=tuple((key, headers[ids[0]]) for key, ids in columns.items()),
        dry_run=dry_run,
    )


def _later(answer: _Answer, held: _Answer) -> bool:
    if None not in (answer.submitted_at, held.submitted_at) and (
        answer.submitted_at != held.submitted_at
    ):
        return answer.submitted_at > held.submitted_at
    return answer.row > held.row


def _read_row(
    file: str,
    number: int,
    cells: list[str],
    headers: tuple[str, ...],
    columns: dict[str, list[int]],
    rejected: list[tuple[int, str]],
    warnings: list[tuple[int, str]],
) -> _Answer | None:
    """One row as an answer, or None when it is rejected (the reason is recorded)."""

    def cell(index: int) -> str:
        return cells[index] if index < len(cells) else ""

    def warn(key: str, message: str) -> None:
        warnings.append((number, _problem(file, number, headers[columns[key][0]], message)))

    email = ""
    for index in columns["email"]:
        text = clean_text(cell(index))[0]
        if text and (not email or is_valid_email(text)):
            email = text
            if is_valid_email(text):
                break
    if not email:
        header = headers[columns["email"][0]]
        rejected.append(
            (number, _problem(file, number, header, _("the row has no e-mail address.")))
        )
        return None
    if not is_valid_email(email):
        header = headers[columns["email"][0]]
        rejected.append(
            (
                number,
                _problem(
                    file,
                    number,
                    header,
                    _("{value} is not an e-mail address.").format(value=email),
                ),
            )
        )
        return None
    submitted = None
    if "timestamp" in columns:
        raw = clean_text(cell(columns["timestamp"][0]))[0]
        if raw:
            submitted = parse_moment(raw)
            if submitted is None:
                warn(
                    "timestamp",
                    _(
                        "{value} is not a date and time we can read; the row counts as sent "
                        "in its place in the file."
                    ).format(value=raw),
                )
    answer = _Answer(number, normalise_email(email), email, submitted)
    for key in ("met", "wants_more"):
        if key not in columns:
            continue
        raw = clean_text(cell(columns[key][0]))[0]
        value, understood = parse_yes_no(raw)
        if understood:
            answer.values[key] = value
        else:
            warn(key, _("{value} is neither yes nor no; left out.").format(value=raw))
    if "rating" in columns:
        raw = clean_text(cell(columns["rating"][0]))[0]
        value, problem = parse_rating(raw)
        if problem:
            warn("rating", problem + " " + _("The rating was left out, the other answers kept."))
        else:
            answer.values["rating"] = value
    if "comment" in columns:
        text, cleaned = clean_text(cell(columns["comment"][0]), multiline=True)
        if cleaned:
            warn("comment", _("Control characters were removed."))
        if len(text) > MAX_NOTE:
            warn(
                "comment",
                _("The comment was cut to {limit} characters.").format(limit=MAX_NOTE),
            )
            text = text[:MAX_NOTE]
        answer.values["comment"] = text
    if not any(value not in (None, "") for value in answer.values.values()):
        rejected.append(
            (number, _problem(file, number, None, _("the row holds no answer we can read.")))
        )
        return None
    return answer


def describe_report(report: FeedbackReport) -> list[str]:
    """The report as translated lines: the counts, then every problem."""
    lines = [
        _(
            "{file}: {rows} rows; {imported} imported, {updated} updated, {unchanged} "
            "unchanged, {superseded} replaced by a later row, {unknown} unknown e-mail, "
            "{rejected} rejected."
        ).format(
            file=Path(report.path).name,
            rows=report.rows,
            imported=report.imported,
            updated=report.updated,
            unchanged=report.unchanged,
            superseded=len(report.superseded),
            unknown=len(report.unknown_email),
            rejected=len(report.rejected),
        )
    ]
    if report.dry_run:
        lines.append(_("Dry run: nothing was saved."))
    name = Path(report.path).name
    lines += [
        _problem(
            name, row, None, _("nobody in the round has the e-mail {email}.").format(email=email)
        )
        for row, email in report.unknown_email
    ]
    lines += [reason for _row, reason in report.rejected]
    lines += [message for _row, message in report.warnings]
    return lines
