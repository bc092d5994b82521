"""The round's e-mail to its members, one per language, and rendering it for one member.

A template is plain text with placeholders such as ``{first_name}`` and ``{members}``.
Only plain names are allowed: ``{0}``, ``{name.__class__}``, ``{name[0]}``, ``{name!r}``
and ``{name:>10}`` are refused when the template is saved, so rendering never looks up
an attribute or runs a format. Participant text is put in as it is and never read again
as a template, so a member called "{leader}" stays "{leader}" in everybody's inbox.

The texts a template renders (the date, "no leader yet") are in the template's language,
not the app's: a Norwegian organiser writes to English-speaking members in English.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from spleis_tui.core import dates
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import MessageTemplate, Round, database, utcnow
from spleis_tui.core.rosters import Contact, FirstMeeting, RosterGroup, RosterMember, load_roster
from spleis_tui.core.rounds import refuse_if_closed
from spleis_tui.i18n import _, gettext_in

TEMPLATE_LANGUAGES = ("nb", "en")
SUBJECT_LIMIT = 300
BODY_LIMIT = 20_000

PLACEHOLDERS = (
    "first_name",
    "name",
    "group",
    "members",
    "leader",
    "leader_contact",
    "activity",
    "meeting_time",
    "meeting_place",
    "round",
)


@dataclass(frozen=True)
class Template:
    subject: str
    body: str
    language: str  # "nb" or "en"
    is_default: bool


DEFAULT_TEMPLATES: dict[str, Template] = {
    "nb": Template(
        subject="Gruppen din i {round}: {group}",
        body=(
            "Hei {first_name}!\n"
            "\n"
            "Nå er gruppene satt sammen, og du er med i {group} i {round}. "
            "Så hyggelig at du meldte deg på!\n"
            "\n"
            "De andre i gruppen din:\n"
            "{members}\n"
            "\n"
            "Lederen din: {leader}\n"
            "{leader_contact}\n"
            "\n"
            "Første møte\n"
            "Hva: {activity}\n"
            "Når: {meeting_time}\n"
            "Hvor: {meeting_place}\n"
            "\n"
            "Alle i gruppen meldte seg på fordi de har lyst til å bli kjent med nye folk, "
            "akkurat som deg. Ingen trenger å være flink til noe – bare møt opp og si hei, "
            "så ordner resten seg. Passer ikke tidspunktet? Send en melding til de "
            "andre: det er helt greit å foreslå et annet.\n"
            "\n"
            "Vi håper dere får det fint sammen!\n"
            "\n"
            "Hilsen oss som arrangerer {round}\n"
        ),
        language="nb",
        is_default=True,
    ),
    "en": Template(
        subject="Your group in {round}: {group}",
        body=(
            "Hi {first_name},\n"
            "\n"
            "The groups are ready, and you are in {group} in {round}. "
            "We are glad you joined!\n"
            "\n"
            "The others in your group:\n"
            "{members}\n"
            "\n"
            "Your leader: {leader}\n"
            "{leader_contact}\n"
            "\n"
            "First meeting\n"
            "What: {activity}\n"
            "When: {meeting_time}\n"
            "Where: {meeting_place}\n"
            "\n"
            "Everybody in the group signed up because they wanted to get to know new people, "
            "just like you. Nobody needs to be good at anything — just turn up, say hello "
            "and take it from there. Does the time not suit you? Send the others a message: "
            "it is completely fine to suggest another one.\n"
            "\n"
            "We hope you have a great time together!\n"
            "\n"
            "Best wishes from the organisers of {round}\n"
        ),
        language="en",
        is_default=True,
    ),
}

# What placeholders say when there is nothing to say, in the template's language.
_WORDS = {
    "nb": {
        "no_leader": "ingen leder ennå",
        "to_be_agreed": "avtales",
        "nobody_else": "(ingen andre ennå)",
    },
    "en": {
        "no_leader": "no leader yet",
        "to_be_agreed": "to be agreed",
        "nobody_else": "(nobody else yet)",
    },
}


def _check_language(language: str) -> str:
    if language not in TEMPLATE_LANGUAGES:
        raise ValidationError(
            "language",
            _("The language must be one of: {languages}.").format(
                languages=", ".join(TEMPLATE_LANGUAGES)
            ),
        )
    return language


def format_date(day: dt.date, language: str) -> str:
    """ "torsdag 28. januar 2027" or "Thursday 28 January 2027", whatever the system locale."""
    return dates.format_date(day, _check_language(language))


def format_meeting_time(at: dt.datetime | None, language: str) -> str:
    """ "torsdag 28. januar 2027 kl. 17:00", "Thursday 28 January 2027, 17:00", or
    "avtales" / "to be agreed" when no time is set."""
    _check_language(language)
    if at is None:
        return _WORDS[language]["to_be_agreed"]
    return dates.format_meeting_time(at, language)


# Validation.


def _known_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _unbalanced(field: str, text: str) -> ValidationError:
    """Where the first brace without a partner is, in words."""
    index = 0
    while index < len(text):
        char = text[index]
        if char in "{}" and text[index + 1 : index + 2] == char:
            index += 2
            continue
        if char == "}":
            message = _(
                "Line {line}: this {brace} closes nothing. Write {double} for a lone brace."
            )
            return ValidationError(
                field, message.format(line=_line_of(text, index), brace="}", double="}}")
            )
        if char == "{":
            close = text.find("}", index + 1)
            reopen = text.find("{", index + 1)
            if close == -1 or (reopen != -1 and reopen < close):
                message = _(
                    "Line {line}: this {brace} is never closed. Write {double} for a lone brace."
                )
                return ValidationError(
                    field, message.format(line=_line_of(text, index), brace="{", double="{{")
                )
            index = close
        index += 1
    message = _("The braces {open} and {close} do not pair up.")
    return ValidationError(field, message.format(open="{", close="}"))


def _fields(field: str, text: str) -> list[str]:
    """The placeholder names a text uses; a ValidationError for anything else."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise _unbalanced(field, text) from None
    names = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        shown += "}"
        if name == "":
            raise ValidationError(
                field,
                _("{braces} needs a placeholder name inside. You can use: {known}").format(
                    braces=shown, known=_known_list()
                ),
            )
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        if name not in PLACEHOLDERS and base in PLACEHOLDERS:
            raise ValidationError(
                field,
                _("Write {plain} instead of {placeholder}: placeholders are plain names.").format(
                    plain="{" + base + "}", placeholder=shown
                ),
            )
        if name not in PLACEHOLDERS:
            raise ValidationError(
                field,
                _("Unknown placeholder {placeholder}. You can use: {known}").format(
                    placeholder=shown, known=_known_list()
                ),
            )
        if spec or conversion:
            raise ValidationError(
                field,
                _("Write {plain} instead of {placeholder}: placeholders take no formats.").format(
                    plain="{" + name + "}", placeholder=shown
                ),
            )
        names.append(name)
    return names


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", text.replace("\t", "    "))


def validate_template(subject: str, body: str) -> tuple[str, str]:
    """Check a subject and body; return them cleaned. Raises ValidationError naming the
    field ("subject" or "body") and what to change. The editor can call this per keystroke."""
    if "\n" in subject or "\r" in subject:
        raise ValidationError("subject", _("The subject must be one line."))
    subject = _clean(subject).strip()
    body = _clean(body).strip("\n").rstrip()
    if not subject:
        raise ValidationError("subject", _("The message needs a subject."))
    if len(subject) > SUBJECT_LIMIT:
        raise ValidationError(
            "subject",
            _("This is too long (at most {limit} characters).").format(limit=SUBJECT_LIMIT),
        )
    if not body.strip():
        raise ValidationError("body", _("The message needs some text."))
    if len(body) > BODY_LIMIT:
        raise ValidationError(
            "body", _("This is too long (at most {limit} characters).").format(limit=BODY_LIMIT)
        )
    _fields("subject", subject)
    _fields("body", body)
    return subject, body + "\n"


# Stored templates.


def _round(round_id: int) -> Round:
    found = Round.get_or_none(Round.id == round_id)
    if found is None:
        raise NotFound(_("No round has the id {id}.").format(id=round_id))
    return found


def get_template(round_id: int, language: str) -> Template:
    """The round's own template in a language, else the default one."""
    _check_language(language)
    _round(round_id)
    row = MessageTemplate.get_or_none(
        (MessageTemplate.round == round_id) & (MessageTemplate.language == language)
    )
    if row is None:
        return DEFAULT_TEMPLATES[language]
    return Template(row.subject, row.body, language, is_default=False)


def save_template(round_id: int, language: str, subject: str, body: str) -> Template:
    """Validate and store a round's template in one language; return it as stored."""
    _check_language(language)
    subject, body = validate_template(subject, body)
    with database.atomic():
        _round(round_id)
        refuse_if_closed(round_id)
        MessageTemplate.insert(
            round=round_id, language=language, subject=subject, body=body, updated_at=utcnow()
        ).on_conflict(
            conflict_target=[MessageTemplate.round, MessageTemplate.language],
            update={
                MessageTemplate.subject: subject,
                MessageTemplate.body: body,
                MessageTemplate.updated_at: utcnow(),
            },
        ).execute()
    return Template(subject, body, language, is_default=False)


def reset_template(round_id: int, language: str) -> Template:
    """Forget a round's own template in a language; return the default that takes over."""
    _check_language(language)
    with database.atomic():
        _round(round_id)
        refuse_if_closed(round_id)
        MessageTemplate.delete().where(
            (MessageTemplate.round == round_id) & (MessageTemplate.language == language)
        ).execute()
    return DEFAULT_TEMPLATES[language]


# Rendering.


def render_text(text: str, context: Mapping[str, str]) -> str:
    """Put the context's values in a validated text. Values are never parsed again."""
    parts: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(str(context[name]))
    return "".join(parts)


_BLANK_LINES = re.compile(r"\n{3,}")


def render(template: Template, context: Mapping[str, str]) -> tuple[str, str]:
    """The subject (one line) and body for one member.

    The template is validated first, so a bad one never renders halfway. Trailing spaces
    go, and a placeholder that came out empty (no leader's contact) leaves at most one
    blank line behind.
    """
    subject, body = validate_template(template.subject, template.body)
    subject = " ".join(render_text(subject, context).split())
    lines = (line.rstrip() for line in render_text(body, context).split("\n"))
    body = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
    return subject, body


def language_for(member: RosterMember) -> str:
    """Which template a member gets: English only for those who asked for English."""
    return "en" if getattr(member, "language", "") == "en" else "nb"


def _contact(email: str, phone: str) -> str:
    return ", ".join(part for part in (email, phone) if part)


def context_for(
    roster_group: RosterGroup, member: RosterMember, round_name: str, language: str
) -> dict[str, str]:
    """The placeholders' values for one member of a roster group, in a language."""
    _check_language(language)
    words = _WORDS[language]
    others = [m for m in roster_group.members if m.id != member.id]
    members = "\n".join(f"- {m.name} ({_contact(m.email, m.phone)})" for m in others)
    leader = roster_group.leader
    meeting = roster_group.meeting
    return {
        "first_name": member.first_name,
        "name": member.name,
        "group": roster_group.name,
        "members": members or words["nobody_else"],
        "leader": leader.name if leader else words["no_leader"],
        "leader_contact": _contact(leader.email, leader.phone) if leader else "",
        "activity": meeting.activity or words["to_be_agreed"],
        "meeting_time": format_meeting_time(meeting.at, language),
        "meeting_place": meeting.place or words["to_be_agreed"],
        "round": round_name,
    }


@dataclass(frozen=True)
class RenderedMessage:
    """One member's message, ready to be built into an e-mail."""

    signup_id: int
    group_id: int
    group_name: str
    name: str
    email: str
    language: str
    subject: str
    body: str


def render_round(round_id: int) -> list[RenderedMessage]:
    """Every active member in a group of the round, with their own rendered message,
    in group order and then name order. Both templates are validated before any renders."""
    # One roster per language: programme names and suggested activities in the reader's.
    rosters = {language: load_roster(round_id, lang=language) for language in TEMPLATE_LANGUAGES}
    roster = rosters["nb"]
    templates = {language: get_template(round_id, language) for language in TEMPLATE_LANGUAGES}
    for template in templates.values():
        validate_template(template.subject, template.body)
    rendered = []
    for index, group in enumerate(roster.groups):
        for position, member in enumerate(group.members):
            language = language_for(member)
            group = rosters[language].groups[index]
            member = group.members[position]
            context = context_for(group, member, roster.round_name, language)
            subject, body = render(templates[language], context)
            rendered.append(
                RenderedMessage(
                    signup_id=member.id,
                    group_id=group.id,
                    group_name=group.name,
                    name=member.name,
                    email=member.email,
                    language=language,
                    subject=subject,
                    body=body,
                )
            )
    return rendered


def preview_context(round_id: int, language: str, member_id: int | None = None) -> dict[str, str]:
    """A context for the editor's live preview: the given member, else the first member
    who gets this language, else the first member, else a made-up one in a made-up group.

    Load it once and call `render` per keystroke: rendering takes no database query.
    """
    _check_language(language)
    roster = load_roster(round_id, lang=language)
    pairs = [(group, member) for group in roster.groups for member in group.members]
    chosen = (
        next((pair for pair in pairs if pair[1].id == member_id), None)
        or next((pair for pair in pairs if language_for(pair[1]) == language), None)
        or next(iter(pairs), None)
    )
    if chosen is None:
        sample = [
            RosterMember(0, "Kari Nordmann", "kari@example.no", "+47 912 34 567", "", "", "no"),
            RosterMember(1, "Ola Hansen", "ola@example.no", "", "", "", "no"),
            RosterMember(2, "Sam Lee", "sam@example.com", "+47 400 00 000", "", "", "en"),
        ]
        group = RosterGroup(
            id=0,
            name=gettext_in(language, "Group {number}").format(number=1),
            leader_id=None,
            leader=Contact("Lise Leder", "lise@example.no", ""),
            members=tuple(sample),
            meeting=FirstMeeting(gettext_in(language, "Coffee together"), True, None, ""),
            campus="",
        )
        chosen = (group, sample[0])
    return context_for(chosen[0], chosen[1], roster.round_name, language)
