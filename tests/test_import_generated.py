"""Each format the generator writes, imported and checked against the generator's truth:
every clean row's fields exactly, and each broken row in the bucket its fault implies."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spleis_tui.core.cohort import generate_people
from spleis_tui.core.emails import normalise_email
from spleis_tui.core.form_exports import FORMATS, SUFFIXES, write_form_export
from spleis_tui.core.importing.run import import_file
from spleis_tui.core.models import Person, SignUp, SignUpHistory
from spleis_tui.core.rounds import create_round

# What a fault must lead to.
BUCKET = {
    "missing_email": "rejected",
    "invalid_email": "rejected",
    "empty_name": "rejected",
    "age_not_a_number": "imported",
    "age_out_of_range": "imported",
    "unknown_campus": "imported",
    "markup_in_name": "imported",
    "formula_in_name": "imported",
    "escape_in_name": "imported",
    "email_case_duplicate": "updated",
}
FIELDS = (
    "name",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "faculty",
    "year_of_study",
    "language",
    "group_pref",
    "friend_email",
    "comment",
)


def stored(round_id):
    query = SignUp.select(SignUp, Person).join(Person).where(SignUp.round == round_id)
    return {s.person.email_key: s for s in query}


def check_export(fmt, people, ref, tmp_path, round_id, seed=1):
    path = tmp_path / f"export{SUFFIXES[fmt]}"
    expected = write_form_export(people, fmt, path, ref=ref, messy=True, seed=seed)
    report = import_file(path, round_id, rejects_path=tmp_path / "rejects.csv")
    assert report.accounted
    assert report.rows_read == len(expected)
    got = stored(round_id)
    rejected = {row for row, _reason in report.rejects}
    duplicated = {normalise_email(e.email) for e in expected if e.fault == "email_case_duplicate"}
    for row in expected:
        number = row.row + 1  # the importer counts the header as row 1
        person = row.person
        bucket = BUCKET[row.fault] if row.fault else "imported"
        if bucket == "rejected":
            assert number in rejected, row.fault
            continue
        assert number not in rejected, (row.fault, report.rejects)
        signup = got[normalise_email(row.email)]
        if row.fault is None and normalise_email(row.email) in duplicated:
            continue  # replaced by the later submission: checked below
        values = {field: getattr(signup, field) for field in FIELDS}
        want = {field: person[field] for field in FIELDS}
        if row.fault in ("age_not_a_number", "age_out_of_range"):
            want["age"] = None
        if row.fault == "escape_in_name":
            want["name"] = "Per Rød Hansen"
            assert signup.cleaned
        assert values == want, (fmt, row.row, row.fault)
        assert signup.email == row.email
        assert signup.interest_codes == list(person["interests"])
        assert signup.availability_codes == list(person["availability"])
        if fmt != "msforms":  # that form has no phone question
            assert signup.phone == person["phone"]
        assert abs((signup.submitted_at - person["submitted_at"]).total_seconds()) < 1
        if row.fault == "email_case_duplicate":
            assert SignUpHistory.select().where(SignUpHistory.signup == signup.id).count() == 1
    counts = {bucket: 0 for bucket in ("imported", "updated", "rejected")}
    for row in expected:
        counts[BUCKET[row.fault] if row.fault else "imported"] += 1
    assert (report.imported, report.updated, report.rejected) == (
        counts["imported"],
        counts["updated"],
        counts["rejected"],
    )
    return report


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_generated_format_imports_exactly(fmt, ref, tmp_path, round_id):
    people = generate_people(150, 7, ref)
    report = check_export(fmt, people, ref, tmp_path, round_id)
    assert report.rows_read == 150 + (9 if fmt == "msforms" else 10)
    assert report.rejected == 3 and report.updated == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_generated_export_imported_twice_is_unchanged(fmt, ref, tmp_path, round_id):
    people = generate_people(40, 3, ref)
    first = check_export(fmt, people, ref, tmp_path, round_id)
    again = import_file(
        tmp_path / f"export{SUFFIXES[fmt]}", round_id, rejects_path=tmp_path / "r.csv"
    )
    assert (again.imported, again.updated) == (0, 0)
    assert again.unchanged == first.imported + first.updated


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=10_000),
    fmt=st.sampled_from(FORMATS),
)
def test_any_generated_cohort_imports_exactly(ref, tmp_path_factory, n, seed, fmt):
    round_id = create_round(f"Runde {fmt} {n} {seed}").id
    people = generate_people(n, seed, ref)
    report = check_export(fmt, people, ref, tmp_path_factory.mktemp("g"), round_id, seed=seed)
    assert report.rows_read == n + (9 if fmt == "msforms" else 10)
    assert report.imported + report.updated == report.rows_read - report.rejected
