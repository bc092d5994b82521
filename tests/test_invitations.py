"""Inviting people from earlier rounds: who is asked, once each, in their language."""

from __future__ import annotations

import datetime as dt
import email
import stat
from email import policy

import pytest

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.invitations import invitees, write_invitations
from spleis_tui.core.models import Round
from spleis_tui.core.rounds import create_round
from spleis_tui.core.signups import add_signup, set_status
from tests.factories import person


@pytest.fixture
def rounds(db, ref):
    autumn = create_round("Vennespleis høst 2026").id
    spring = create_round("Vennespleis vår 2026").id
    new = create_round("Vennespleis vår 2027").id
    Round.update(starts_on=dt.date(2026, 9, 1)).where(Round.id == autumn).execute()
    Round.update(starts_on=dt.date(2026, 1, 20)).where(Round.id == spring).execute()
    Round.update(starts_on=dt.date(2027, 1, 20)).where(Round.id == new).execute()

    def sign(round_id, name, address, **extra):
        return add_signup(round_id, person(name=name, email=address, **extra), ref, consent=True)

    sign(spring, "Kari Gammelnavn", "kari@stud.ntnu.no")
    sign(autumn, "Kari Nordmann", "KARI@stud.ntnu.no")  # the same person, later round
    sign(autumn, "Sam Lee", "sam@example.com", language="en")
    sign(autumn, "Ola Allerede", "ola@stud.ntnu.no")
    sign(new, "Ola Allerede", "ola@stud.ntnu.no")  # signed up already: not asked
    gone = sign(autumn, "Per Trakk", "per@stud.ntnu.no")
    set_status(gone.id, "withdrawn")  # withdrew: not asked
    return {"autumn": autumn, "spring": spring, "new": new}


def test_invitees_are_earlier_participants_not_yet_signed_up_once_each(rounds):
    found = invitees(rounds["new"], [rounds["spring"], rounds["autumn"]])
    assert [(i.name, i.email, i.earlier_round) for i in found] == [
        ("Kari Nordmann", "KARI@stud.ntnu.no", "Vennespleis høst 2026"),
        ("Sam Lee", "sam@example.com", "Vennespleis høst 2026"),
    ]


def test_inviting_from_no_earlier_round_is_refused(rounds):
    with pytest.raises(ValidationError):
        invitees(rounds["new"], [rounds["new"]])


def test_each_invitation_is_a_private_draft_in_the_readers_language(rounds, tmp_path):
    folder = tmp_path / "invitasjoner"
    report = write_invitations(
        rounds["new"], [rounds["autumn"]], folder, link="https://nettskjema.no/a/1"
    )
    assert report.written == 2
    messages = {}
    for path in report.files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        messages[message["To"].addresses[0].addr_spec] = message
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    kari, sam = messages["KARI@stud.ntnu.no"], messages["sam@example.com"]
    assert kari["X-Unsent"] == "1"
    assert kari["Subject"] == "Bli med på Vennespleis vår 2027?"
    assert "Hei Kari" in kari.get_content()
    assert "https://nettskjema.no/a/1" in kari.get_content()
    assert sam["Subject"] == "Join Vennespleis vår 2027?"
    assert "You took part in Vennespleis høst 2026" in sam.get_content()


def test_a_link_that_is_not_a_web_address_is_refused(rounds, tmp_path):
    with pytest.raises(ValidationError) as error:
        write_invitations(rounds["new"], [rounds["autumn"]], tmp_path / "x", link="javascript:x")
    assert error.value.field == "link"
    assert not (tmp_path / "x").exists()
