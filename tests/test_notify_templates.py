"""The members' e-mail: templates, placeholders and rendering for one member."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import MessageTemplate
from spleis_tui.core.notify.templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    Template,
    context_for,
    format_meeting_time,
    get_template,
    language_for,
    preview_context,
    render,
    render_round,
    reset_template,
    save_template,
    validate_template,
)
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rosters import load_roster, set_first_meeting
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.signups import add_signup, set_status
from tests.factories import person

QUOTED_NAME = 'Ola "Olsen", Æøå Nguyễn Thị'
SNEAKY_NAME = "{leader} [b]x[/b]"


def build_round(round_id: int) -> SimpleNamespace:
    """Group A (led by Lise, first meeting set) with Kari, Ola and a member whose name
    looks like a placeholder; Group B without a leader with Bjørn and Åse; Nils in no
    group; Wenche withdrawn."""
    ref = load_reference()

    def signup(name: str, email: str, group_id: int | None, **answers) -> int:
        created = add_signup(round_id, person(name=name, email=email, **answers), ref, consent=True)
        if group_id is not None:
            move_member(created.id, group_id)
        return created.id

    a, b = create_group(round_id, "Group A"), create_group(round_id, "Gruppe Ø")
    leader = add_leader(
        round_id,
        {"name": "Lise Leder", "email": "lise@example.no", "phone": "+47 900 11 222"},
        ref,
    )
    set_group_leader(a.id, leader.id)
    set_first_meeting(
        [a.id],
        activity="Bowling at Lerkendal",
        place="Stripa, Gløshaugen",
        at=dt.datetime(2027, 1, 28, 17, 0),
    )
    ids = SimpleNamespace(group_a=a.id, group_b=b.id, leader=leader.id, round=round_id)
    ids.kari = signup("Kari Nordmann", "kari@example.no", a.id, phone="+47 912 34 567")
    ids.ola = signup(QUOTED_NAME, "ola@example.no", a.id, phone="", language="en")
    ids.sneaky = signup(SNEAKY_NAME, "sneaky@example.no", a.id, phone="")
    ids.bjorn = signup("Bjørn Berg", "bjorn@example.no", b.id, language="en", phone="")
    ids.ase = signup("Åse Ås", "ase@example.no", b.id, language="both", phone="+47 400 00 000")
    ids.nils = signup("Nils Nogroup", "nils@example.no", None)
    ids.wenche = signup("Wenche Went", "wenche@example.no", b.id)
    set_status(ids.wenche, "withdrawn")
    return ids


@pytest.fixture
def grouped(round_id: int) -> SimpleNamespace:
    return build_round(round_id)


def rendered_for(round_id: int, signup_id: int):
    return next(item for item in render_round(round_id) if item.signup_id == signup_id)


def test_meeting_time_is_written_the_way_each_language_writes_it():
    at = dt.datetime(2027, 1, 28, 17, 0)
    assert format_meeting_time(at, "nb") == "torsdag 28. januar 2027 kl. 17:00"
    assert format_meeting_time(at, "en") == "Thursday 28 January 2027, 17:00"
    assert (
        format_meeting_time(dt.datetime(2027, 5, 2, 9, 5), "nb") == "søndag 2. mai 2027 kl. 09:05"
    )
    assert format_meeting_time(None, "nb") == "avtales"
    assert format_meeting_time(None, "en") == "to be agreed"


def test_a_round_without_its_own_template_uses_the_friendly_default(round_id: int):
    norwegian, english = get_template(round_id, "nb"), get_template(round_id, "en")
    assert norwegian.is_default and english.is_default
    assert norwegian.subject == "Gruppen din i {round}: {group}"
    assert english.subject == "Your group in {round}: {group}"
    assert norwegian.body.startswith("Hei {first_name}!")
    assert english.body.startswith("Hi {first_name},")
    assert "Ingen trenger å være flink til noe" in norwegian.body
    assert "Nobody needs to be good at anything" in english.body
    for template in DEFAULT_TEMPLATES.values():
        validate_template(template.subject, template.body)
        for name in PLACEHOLDERS:
            if name != "name":
                assert "{" + name + "}" in template.subject + template.body


def test_each_member_gets_their_own_greeting_the_others_and_the_first_meeting(grouped):
    kari = rendered_for(grouped.round, grouped.kari)
    assert kari.language == "nb"
    assert kari.subject == "Gruppen din i Test round: Group A"
    assert kari.body.startswith("Hei Kari!\n")
    # The others, one a line, with e-mail and phone (no phone: just the e-mail).
    assert f"- {QUOTED_NAME} (ola@example.no)\n" in kari.body
    assert f"- {SNEAKY_NAME} (sneaky@example.no)\n" in kari.body
    assert "Kari Nordmann (" not in kari.body  # not herself
    assert "Lederen din: Lise Leder\nlise@example.no, +47 900 11 222\n" in kari.body
    assert "Hva: Bowling at Lerkendal\n" in kari.body
    assert "Når: torsdag 28. januar 2027 kl. 17:00\n" in kari.body
    assert "Hvor: Stripa, Gløshaugen\n" in kari.body
    assert "Nils" not in kari.body and "Bjørn" not in kari.body


def test_only_members_who_asked_for_english_get_the_english_text(grouped):
    ola = rendered_for(grouped.round, grouped.ola)
    assert ola.language == "en"
    assert ola.subject == "Your group in Test round: Group A"
    assert ola.body.startswith("Hi Ola,\n")
    assert "When: Thursday 28 January 2027, 17:00\n" in ola.body
    assert "- Kari Nordmann (kari@example.no, +47 912 34 567)\n" in ola.body
    # "both" reads Norwegian.
    assert rendered_for(grouped.round, grouped.ase).language == "nb"
    assert language_for(SimpleNamespace(language="both")) == "nb"
    assert language_for(SimpleNamespace(language="no")) == "nb"


def test_a_group_without_leader_or_meeting_says_so_without_empty_lines(grouped):
    bjorn = rendered_for(grouped.round, grouped.bjorn)
    assert "Your leader: no leader yet\n\nFirst meeting\n" in bjorn.body
    assert "When: to be agreed\nWhere: to be agreed\n" in bjorn.body
    assert "\n\n\n" not in bjorn.body
    ase = rendered_for(grouped.round, grouped.ase)
    assert "Lederen din: ingen leder ennå\n" in ase.body
    assert "Når: avtales\n" in ase.body


def test_only_active_members_in_a_group_get_a_message(grouped):
    ids = {item.signup_id for item in render_round(grouped.round)}
    assert ids == {grouped.kari, grouped.ola, grouped.sneaky, grouped.bjorn, grouped.ase}


def test_participant_text_that_looks_like_a_placeholder_stays_literal(grouped):
    sneaky = rendered_for(grouped.round, grouped.sneaky)
    assert sneaky.body.startswith("Hei {leader}!\n")
    assert "Lise Leder" in sneaky.body
    kari = rendered_for(grouped.round, grouped.kari)
    assert "- {leader} [b]x[/b] (sneaky@example.no)" in kari.body
    # A placeholder's value is never read as a template.
    group = load_roster(grouped.round).groups[0]
    member = next(m for m in group.members if m.id == grouped.sneaky)
    context = context_for(group, member, "{round} {0} {name.__class__}", "en")
    subject, _body = render(Template("{name} in {round}", "Hi", "en", False), context)
    assert subject == "{leader} [b]x[/b] in {round} {0} {name.__class__}"


@pytest.mark.parametrize(
    ("subject", "body", "field", "words"),
    [
        ("Hi", "Hello {foo}", "body", "Unknown placeholder {foo}. You can use: {first_name}"),
        ("Hi {bar}", "Hello", "subject", "Unknown placeholder {bar}."),
        ("Hi", "Hello {0}", "body", "Unknown placeholder {0}."),
        ("Hi", "Hello {name.__class__}", "body", "Write {name} instead of {name.__class__}"),
        ("Hi", "Hello {name[0]}", "body", "Write {name} instead of {name[0]}"),
        ("Hi", "Hello {name!r}", "body", "Write {name} instead of {name!r}"),
        ("Hi", "Hello {name:>10}", "body", "Write {name} instead of {name:>10}"),
        ("Hi", "Hello {}", "body", "{} needs a placeholder name"),
        ("Hi", "Hello\n\nnow { there", "body", "Line 3: this { is never closed"),
        ("Hi", "Hello {name", "body", "Line 1: this { is never closed"),
        ("Hi", "Hello } there", "body", "Line 1: this } closes nothing"),
        ("Hi\nthere", "Hello", "subject", "one line"),
        ("x" * 301, "Hello", "subject", "at most 300 characters"),
        ("", "Hello", "subject", "needs a subject"),
        ("Hi", "  \n ", "body", "needs some text"),
    ],
)
def test_a_template_that_cannot_render_is_refused_with_what_to_change(
    round_id: int, subject: str, body: str, field: str, words: str
):
    with pytest.raises(ValidationError) as caught:
        save_template(round_id, "en", subject, body)
    assert caught.value.field == field
    assert words in caught.value.message
    assert MessageTemplate.select().count() == 0


def test_double_braces_are_literal_braces(round_id: int):
    saved = save_template(round_id, "en", "{{Spleis}} {group}", "Hi {{first_name}} {first_name}")
    context = dict.fromkeys(PLACEHOLDERS, "X")
    assert render(saved, context) == ("{Spleis} X", "Hi {first_name} X\n")


def test_a_saved_template_is_used_and_a_reset_brings_the_default_back(grouped):
    saved = save_template(
        grouped.round, "nb", "  Hei fra {round}  ", "Hei {first_name}!\r\nDu er i {group}.\n\n"
    )
    assert saved == Template(
        "Hei fra {round}", "Hei {first_name}!\nDu er i {group}.\n", "nb", False
    )
    assert get_template(grouped.round, "nb") == saved
    assert get_template(grouped.round, "en").is_default
    kari = rendered_for(grouped.round, grouped.kari)
    assert (kari.subject, kari.body) == ("Hei fra Test round", "Hei Kari!\nDu er i Group A.\n")
    # Saving again replaces it (one template per round and language).
    save_template(grouped.round, "nb", "Ny", "Ny tekst")
    assert MessageTemplate.select().count() == 1
    assert reset_template(grouped.round, "nb").is_default
    assert get_template(grouped.round, "nb") == DEFAULT_TEMPLATES["nb"]


def test_a_closed_round_keeps_its_template(round_id: int):
    set_round_status(round_id, "closed")
    with pytest.raises(ValidationError, match="closed"):
        save_template(round_id, "nb", "Hei", "Hei {first_name}")
    with pytest.raises(ValidationError, match="closed"):
        reset_template(round_id, "nb")


def test_unknown_language_is_refused(round_id: int):
    with pytest.raises(ValidationError) as caught:
        save_template(round_id, "de", "Hallo", "Hallo")
    assert caught.value.field == "language"


def test_preview_uses_a_member_of_that_language_or_a_sample(grouped, db):
    english = preview_context(grouped.round, "en")
    assert english["first_name"] == "Ola"
    assert english["meeting_time"] == "Thursday 28 January 2027, 17:00"
    assert preview_context(grouped.round, "en", member_id=grouped.bjorn)["group"] == "Gruppe Ø"
    empty = create_round("Empty round").id
    sample = preview_context(empty, "nb")
    subject, body = render(DEFAULT_TEMPLATES["nb"], sample)
    assert subject == "Gruppen din i Empty round: Gruppe 1"
    assert body.startswith("Hei Kari!")
