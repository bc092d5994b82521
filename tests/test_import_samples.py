"""An independent cross-check: the real sample exports beside the project (../shared),
imported and compared with their truth.csv and messy.csv. Skipped in a clone without them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from spleis_tui.core.importing.run import import_file
from spleis_tui.core.models import Person, SignUp, SignUpHistory

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "signups"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no ../shared/data/signups here")

FILES = ["nettskjema.csv", "msforms.xlsx", "googleforms.csv", "excel_nb.csv", "unicode_text.txt"]

# The samples' Norwegian answers, by the code we store: written here by hand, not taken
# from the importer's vocabulary, so the two check each other.
GENDER = {
    "Kvinne": "woman",
    "Mann": "man",
    "Ikke-binær": "nonbinary",
    "Vil ikke oppgi": "unspecified",
}
LANGUAGE = {"Norsk": "no", "Engelsk": "en", "Begge": "both"}
GROUP_PREF = {"Samme kjønn": "same", "Blandet": "mixed", "Spiller ingen rolle": "any"}
INTERESTS = {
    "Tur": ["hiking"],
    "Kafé": ["cafe"],
    "Brettspill": ["boardgames"],
    "Trening": ["sports"],
    "Matlaging": ["cooking"],
    "Ski": ["skiing"],
    "Skøyter": ["skating"],
    "Grilling": ["barbecue"],
    "Konsert": ["music"],
    "Gaming": ["gaming"],
}
AVAILABILITY = {
    "Hverdager dagtid": ["weekday_morning", "weekday_afternoon"],
    "Hverdager kveld": ["weekday_evening"],
    "Helg": ["weekend_day", "weekend_evening"],
}
# messy.csv's faults, and where each must end up.
BUCKET = {
    "missing email": "rejected",
    "invalid email": "rejected",
    "empty name": "rejected",
    "age not a number": "imported",
    "age out of range": "imported",
    "unknown campus": "imported",
    "markup in name": "imported",
    "formula in name": "imported",
    "escape sequence in name": "imported",
    "email upper-case duplicate": "updated",
}


def read_csv(name: str) -> list[dict[str, str]]:
    with (SAMPLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codes(value: str, table: dict[str, list[str]]) -> list[str]:
    out: list[str] = []
    for part in filter(None, value.split("|")):
        out += table[part]
    return sorted(set(out))


def stored(round_id: int) -> dict[str, SignUp]:
    query = SignUp.select(SignUp, Person).join(Person).where(SignUp.round == round_id)
    return {s.person.email_key: s for s in query}


@pytest.mark.parametrize("name", FILES)
def test_each_sample_imports_every_clean_row_exactly(round_id, ref, name, tmp_path):
    report = import_file(SAMPLES / name, round_id, rejects_path=tmp_path / "rejects.csv")
    truth = read_csv("truth.csv")
    messy = read_csv("messy.csv")
    assert report.accounted
    people = stored(round_id)
    for expected in truth:
        key = expected["email"].lower()
        got = people[key]
        answers = {f: getattr(got, f) for f in ("comment",)}
        if key == "elimoen31@stud.ntnu.no":
            # The later, upper-case submission won; truth.csv holds the earlier one.
            entry = SignUpHistory.get(SignUpHistory.signup == got.id)
            answers = json.loads(entry.answers)
            assert got.comment == "Sendte skjemaet to ganger"
        if name == "excel_nb.csv" and not _fits_cp1252(expected["name"]):
            assert "?" in got.name  # what Excel wrote in place of the letters cp1252 lacks
        else:
            assert got.name == expected["name"]
        assert got.email.lower() == key
        if name != "msforms.xlsx":  # that form asked for no phone number
            assert got.phone == expected["phone"]
        assert got.gender == GENDER[expected["gender"]]
        assert got.age == int(expected["age"])
        assert ref.campus_name(got.campus) == expected["campus"]
        assert ref.programme_name(got.programme, "nb") == expected["programme"]
        assert got.year_of_study == int(expected["year"])
        assert got.language == LANGUAGE[expected["language"]]
        assert got.group_pref == GROUP_PREF[expected["group_pref"]]
        assert sorted(got.interest_codes) == codes(expected["interests"], INTERESTS)
        assert sorted(got.availability_codes) == codes(expected["availability"], AVAILABILITY)
        assert answers["comment"] == expected["comment"]
        if key != "elimoen31@stud.ntnu.no":
            local = dt.datetime.fromisoformat(expected["submitted"]).replace(
                tzinfo=ZoneInfo("Europe/Oslo")
            )
            sent = local.astimezone(dt.UTC).replace(tzinfo=None)
            if name == "msforms.xlsx":
                # Microsoft Forms records when a form was opened and when it was sent; we
                # store the sending (Completion time), truth.csv has the opening.
                assert sent <= got.submitted_at <= sent + dt.timedelta(minutes=10)
            else:
                assert got.submitted_at == sent

    rejected_rows = dict(report.rejects)
    for fault in messy:
        bucket = BUCKET[fault["what"]]
        key = fault["email"].lower()
        if name == "msforms.xlsx" and fault["what"] == "escape sequence in name":
            continue  # an .xlsx cannot hold an ESC character; the sample leaves the row out
        if bucket == "rejected":
            assert key not in people or not key
            assert any(
                fault["name"].strip() in reason
                or fault["email"] in reason
                or "no e-mail" in reason
                or "no name" in reason
                for reason in rejected_rows.values()
            )
        else:
            assert key in people, fault["what"]
    assert report.rejected == 3
    assert report.updated == 1  # the upper-case duplicate
    assert report.imported == report.rows_read - 4
    assert people["messy6@stud.ntnu.no"].name == "[bold red]Kari[/] [@click=app.quit]Nordmann[/]"
    assert people["messy7@stud.ntnu.no"].name == '=HYPERLINK("http://example.invalid","Klikk")'
    assert people["messy2@stud.ntnu.no"].age is None
    assert people["messy3@stud.ntnu.no"].age is None
    assert people["messy4@stud.ntnu.no"].campus == "Oslo"
    if name != "msforms.xlsx":
        escaped = people["messy8@stud.ntnu.no"]
        assert escaped.name == "Per Rød Hansen" and escaped.cleaned


def _fits_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def test_every_sample_is_the_same_round_after_all_of_them(round_id, tmp_path):
    first = import_file(SAMPLES / FILES[0], round_id, rejects_path=tmp_path / "rejects.csv")
    assert first.imported == 126
    for name in FILES[1:]:
        report = import_file(SAMPLES / name, round_id, rejects_path=tmp_path / "rejects.csv")
        assert report.imported == 0, name
        assert report.accounted
    assert SignUp.select().where(SignUp.round == round_id).count() == 126
