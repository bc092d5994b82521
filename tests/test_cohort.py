"""The Faker demo cohort: reproducible, realistic, always valid, and quick to write."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from faker.providers.person.no_NO import Provider as NorwegianNames
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.cohort import (
    DEFAULT_TODAY,
    ascii_fold,
    default_round_name,
    generate_people,
    seed_cohort,
    transliterate_ukrainian,
)
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.models import Person, Round, SignUp, join_codes
from spleis_tui.core.reference import Reference, load_reference
from spleis_tui.core.signups import FIELDS, ParticipantQuery, validate_signup

TODAY = dt.date(2027, 1, 15)
COHORT_SIZE = 2000


@pytest.fixture(scope="module")
def ref(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    # The snapshot holds plain values, so it outlives the database it was read from.
    open_db(tmp_path_factory.mktemp("ref") / "ref.db")
    try:
        return load_reference()
    finally:
        close_db()


@pytest.fixture(scope="module")
def cohort(ref: Reference) -> list[dict]:
    return generate_people(COHORT_SIZE, 42, ref, today=TODAY)


@pytest.fixture
def db(tmp_path: Path):
    database = open_db(tmp_path / "t.db")
    yield database
    close_db()


def share(people: list[dict], test) -> float:
    return sum(1 for p in people if test(p)) / len(people)


def assert_valid(person: dict, ref: Reference) -> None:
    """The record passes the form's validation unchanged, as an imported sign-up would."""
    out = validate_signup(person, ref, today=TODAY)
    assert out["cleaned"] is False
    for key in FIELDS:
        expected = person[key]
        if key in ("interests", "availability"):
            expected = join_codes(expected)
        assert out[key] == expected, key


# Reproducible


def test_same_seed_gives_the_same_cohort(ref: Reference) -> None:
    first = generate_people(300, 7, ref, today=TODAY)
    other = generate_people(300, 8, ref, today=TODAY)
    again = generate_people(300, 7, ref, today=TODAY)
    assert first == again
    assert first != other
    assert [p["email"] for p in first] != [p["email"] for p in other]


def test_same_seed_gives_the_same_cohort_in_other_processes(ref: Reference, tmp_path: Path):
    # A different PYTHONHASHSEED reorders sets: the cohort must not depend on that.
    script = (
        "import hashlib, sys\n"
        "from spleis_tui.core.db import open_db\n"
        "from spleis_tui.core.reference import load_reference\n"
        "from spleis_tui.core.cohort import generate_people\n"
        "open_db(sys.argv[1])\n"
        "people = generate_people(300, 11, load_reference())\n"
        "print(hashlib.sha256(repr(people).encode()).hexdigest())\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(tmp_path / f"{hash_seed}.db")],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            stdout=subprocess.PIPE,
            text=True,
        )
        for hash_seed in ("1", "2")
    ]
    digests = [run.communicate(timeout=60)[0].strip() for run in runs]
    here = hashlib.sha256(repr(generate_people(300, 11, ref)).encode()).hexdigest()
    assert digests == [here, here]


def test_today_moves_ages_and_submission_times(ref: Reference) -> None:
    now = generate_people(50, 3, ref, today=TODAY)
    later = generate_people(50, 3, ref, today=TODAY.replace(year=2030))
    assert all(p["submitted_at"].year == 2030 for p in later)
    assert {p["birth_year"] for p in later} != {p["birth_year"] for p in now}
    # The default "today" is fixed, so a cohort does not change with the calendar.
    assert DEFAULT_TODAY == TODAY
    assert generate_people(50, 3, ref) == now


# Realistic


def test_cohort_has_every_field_and_exactly_n_people(cohort: list[dict]) -> None:
    assert len(cohort) == COHORT_SIZE
    for person in cohort:
        assert set(person) == {*FIELDS, "status", "submitted_at", "international"}
    times = [p["submitted_at"] for p in cohort]
    assert times == sorted(times)


def test_about_fifteen_percent_are_international_and_most_prefer_english(cohort) -> None:
    international = [p for p in cohort if p["international"]]
    norwegian = [p for p in cohort if not p["international"]]
    assert 0.10 <= len(international) / len(cohort) <= 0.20
    assert share(international, lambda p: p["language"] == "en") >= 0.7
    assert share(norwegian, lambda p: p["language"] == "no") >= 0.55
    assert share(norwegian, lambda p: p["language"] == "en") <= 0.08
    assert {p["language"] for p in norwegian} == {"no", "en", "both"}


def test_ages_are_mostly_19_to_25_with_a_tail_to_40(cohort: list[dict]) -> None:
    ages = [p["age"] for p in cohort]
    assert min(ages) >= 18
    assert max(ages) <= 40
    assert share(cohort, lambda p: 19 <= p["age"] <= 25) >= 0.80
    assert any(age >= 30 for age in ages)
    for p in cohort:
        assert TODAY.year - p["birth_year"] - p["age"] in (0, 1)


def test_campuses_follow_their_weights(cohort: list[dict], ref: Reference) -> None:
    weights = {code: campus.weight for code, campus in ref.campuses.items()}
    total = sum(weights.values())
    counts = Counter(p["campus"] for p in cohort)
    for code, weight in weights.items():
        assert abs(counts[code] / len(cohort) - weight / total) < 0.04, code


def test_programmes_are_taught_on_the_persons_campus(cohort: list[dict], ref: Reference) -> None:
    for p in cohort:
        info = ref.programmes[p["programme"]]
        assert p["campus"] in info.campuses
        assert (p["department"], p["faculty"]) == (info.department, info.faculty)
        assert 1 <= p["year_of_study"] <= info.years
    # The big programmes are well represented, not just the first ones in the list.
    assert len({p["programme"] for p in cohort}) >= 25


def test_norwegian_first_names_fit_the_gender(cohort: list[dict]) -> None:
    female, male = set(NorwegianNames.first_names_female), set(NorwegianNames.first_names_male)
    checked = 0
    for p in cohort:
        if p["international"] or p["gender"] not in ("woman", "man"):
            continue
        first = re.split(r"[ -]", p["name"])[0]
        assert first in (female if p["gender"] == "woman" else male), p["name"]
        checked += 1
    assert checked > COHORT_SIZE * 0.7


def test_gender_and_group_preference_shares(cohort: list[dict]) -> None:
    genders = Counter(p["gender"] for p in cohort)
    assert 0.45 <= genders["woman"] / COHORT_SIZE <= 0.55
    assert 0.41 <= genders["man"] / COHORT_SIZE <= 0.51
    assert 0 < genders["nonbinary"] <= COHORT_SIZE * 0.05
    assert 0 < genders["unspecified"] <= COHORT_SIZE * 0.05
    prefs = Counter(p["group_pref"] for p in cohort)
    assert prefs["any"] > prefs["mixed"] > prefs["same"] > 0


def test_answers_have_several_interests_and_time_slots(cohort, ref: Reference) -> None:
    interests, slots = ref.options["interest"], ref.options["availability"]
    for p in cohort:
        assert 2 <= len(p["interests"]) <= 5
        assert 1 <= len(p["availability"]) <= 4
        assert len(set(p["interests"])) == len(p["interests"])
        assert set(p["interests"]) <= set(interests)
        assert set(p["availability"]) <= set(slots)
    assert share(cohort, lambda p: bool(p["comment"])) == pytest.approx(0.10, abs=0.04)


def test_friends_name_each_other_on_the_same_campus(cohort: list[dict]) -> None:
    by_email = {p["email"].casefold(): p for p in cohort}
    namers = [p for p in cohort if p["friend_email"]]
    assert 0.01 <= len(namers) / len(cohort) <= 0.06
    mutual = 0
    for p in namers:
        friend = by_email[p["friend_email"].casefold()]
        assert friend is not p
        assert friend["campus"] == p["campus"]
        mutual += friend["friend_email"].casefold() == p["email"].casefold()
    assert mutual / len(namers) >= 0.5


def test_emails_are_unique_ignoring_case_and_ascii(cohort: list[dict]) -> None:
    emails = [p["email"] for p in cohort]
    assert len({e.casefold() for e in emails}) == len(emails)
    assert all(e.isascii() and re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", e) for e in emails)
    assert share(cohort, lambda p: p["email"].endswith("@stud.ntnu.no")) > 0.5


def test_a_few_withdraw_and_most_leave_a_phone_number(cohort: list[dict]) -> None:
    assert 0.005 <= share(cohort, lambda p: p["status"] == "withdrawn") <= 0.05
    assert {p["status"] for p in cohort} == {"active", "withdrawn"}
    norwegian = [p for p in cohort if not p["international"]]
    assert 0.8 <= share(norwegian, lambda p: bool(p["phone"])) < 1
    assert share(norwegian, lambda p: p["phone"].startswith("+47 ")) > 0.6
    for p in norwegian:
        assert re.fullmatch(r"(\+47 )?[49]\d\d ?\d\d ?\d\d\d|", p["phone"]), p["phone"]


def test_submissions_fall_in_the_two_weeks_before_today(cohort: list[dict]) -> None:
    opened = dt.datetime(2027, 1, 1)
    days = Counter(p["submitted_at"].date() for p in cohort)
    assert all(opened <= p["submitted_at"] < dt.datetime(2027, 1, 15) for p in cohort)
    assert len(days) == 14
    assert all(p["submitted_at"].tzinfo is None for p in cohort)


# Valid


def test_every_generated_record_passes_validation(cohort: list[dict], ref: Reference) -> None:
    for person in random.Random(0).sample(cohort, 300):
        assert_valid(person, ref)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=1, max_value=60), seed=st.integers())
def test_any_seed_gives_n_valid_people(ref: Reference, n: int, seed: int) -> None:
    people = generate_people(n, seed, ref, today=TODAY)
    assert len(people) == n
    assert len({p["email"].casefold() for p in people}) == n
    for person in people:
        assert_valid(person, ref)
        if person["friend_email"]:
            assert person["friend_email"].casefold() in {p["email"].casefold() for p in people}


def test_zero_people_is_an_empty_cohort(ref: Reference) -> None:
    assert generate_people(0, 1, ref) == []
    with pytest.raises(ValueError):
        generate_people(-1, 1, ref)


def test_names_fold_to_ascii_addresses() -> None:
    assert ascii_fold("Bjørn Ærø Åse Müller Łukasz Đặng Ştefan") == (
        "Bjorn Aero Ase Muller Lukasz Dang Stefan"
    )
    assert transliterate_ukrainian("Юлія Щербак") == "Yuliia Shcherbak"
    assert transliterate_ukrainian("Євген Ільїн") == "Yevhen Ilin"


# Written to the database


def test_seed_writes_a_round_of_sign_ups(db) -> None:
    result = seed_cohort(400, 5, today=TODAY)
    assert result.round_name == default_round_name("vennespleis", TODAY) == "Vennespleis vår 2027"
    assert (result.participants, result.skipped) == (400, 0)
    signups = list(SignUp.select().where(SignUp.round == result.round_id))
    assert len(signups) == Person.select().count() == 400
    assert result.withdrawn == sum(s.status == "withdrawn" for s in signups) > 0
    generated = generate_people(400, 5, load_reference(), today=TODAY)
    stored = {s.email: s for s in signups}
    for person in generated:
        row = stored[person["email"]]
        assert row.name == person["name"]
        assert row.interest_codes == person["interests"]
        assert row.consent_at == row.submitted_at == person["submitted_at"]
        assert (row.source_file, row.cleaned, row.status) == ("demo", False, person["status"])
        assert row.person.email_key == person["email"].casefold()
    # search_key is filled in, so the participant list finds people by programme name.
    found = ParticipantQuery(result.round_id, search="datateknologi").count()
    assert found == sum(1 for p in generated if p["programme"] == "MTDT") > 0


def test_seeding_the_same_round_twice_adds_no_duplicates(db) -> None:
    first = seed_cohort(300, 9, round_name="Demo", today=TODAY)
    again = seed_cohort(300, 9, round_name="demo", today=TODAY)
    assert again.round_id == first.round_id
    assert (again.participants, again.skipped) == (0, 300)
    more = seed_cohort(300, 10, round_name="Demo", today=TODAY)
    assert more.participants + more.skipped == 300
    emails = [s.email.casefold() for s in SignUp.select().where(SignUp.round == first.round_id)]
    assert len(emails) == len(set(emails)) == 300 + more.participants
    assert Round.select().count() == 1


def test_a_person_in_two_rounds_is_one_person(db) -> None:
    seed_cohort(200, 4, round_name="Vennespleis vår 2027", today=TODAY)
    hikes = seed_cohort(200, 4, round_name="Turgrupper vår 2027", kind="turgruppe", today=TODAY)
    assert hikes.participants == 200
    assert Round.get_by_id(hikes.round_id).kind == "turgruppe"
    assert SignUp.select().count() == 400
    assert Person.select().count() == 200


def test_seed_reports_progress_to_the_end(db) -> None:
    calls: list[tuple[int, int]] = []
    seed_cohort(2500, 1, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (5000, 5000)
    assert {total for _done, total in calls} == {5000}
    assert [done for done, _total in calls] == sorted(done for done, _total in calls)
    assert len(calls) >= 4


def test_generate_cohort_script_seeds_a_database(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "generate_cohort.py"
    target = tmp_path / "cohort.db"
    args = [sys.executable, str(script), "--participants", "120", "--seed", "3", "--db"]
    out = subprocess.run([*args, str(target)], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("Added 120 participants")
    assert "Vennespleis vår 2027" in out.stdout
    open_db(target)
    try:
        assert SignUp.select().count() == 120
    finally:
        close_db()
