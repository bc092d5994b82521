"""Follow-up after a round: per group by hand, per member by hand or from a form export."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from spleis_tui.core import followup
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.followup import (
    describe_report,
    feedback_rows,
    feedback_summary,
    group_followups,
    import_feedback,
    parse_rating,
    parse_yes_no,
    set_feedback,
    set_group_followup,
)
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.importing.run import ImportCancelled
from spleis_tui.core.importing.sources import ImportFileError
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Feedback, GroupFollowUp
from spleis_tui.core.rounds import set_round_status
from spleis_tui.core.signups import add_signup
from tests.factories import person

PEOPLE = ("kari", "ola", "per", "siri")


@pytest.fixture
def members(ref, round_id):
    """Four members: kari and ola in Group 1 (led by Lea), per and siri in Group 2."""
    first, second = create_group(round_id), create_group(round_id)
    leader = add_leader(round_id, {"name": "Lea Leder", "email": "lea@ntnu.no"}, ref)
    set_group_leader(first.id, leader.id)
    ids = {}
    for name, group in zip(PEOPLE, (first, first, second, second), strict=True):
        signup = add_signup(
            round_id,
            person(name=name.title(), email=f"{name}@stud.ntnu.no"),
            ref,
            consent=True,
        )
        move_member(signup.id, group.id)
        ids[name] = signup.id
    return {"groups": (first.id, second.id), **ids}


def stored() -> dict[str, tuple]:
    return {
        row.email.split("@")[0]: (row.met, row.wants_more, row.rating, row.comment)
        for row in feedback_rows(_round())
    }


def _round() -> int:
    from spleis_tui.core.rounds import current_round

    return current_round().id


# Per group.


def test_group_follow_up_is_upserted_and_keeps_what_is_not_given(members, round_id):
    first, second = members["groups"]
    row = set_group_followup(first, met=True, times_met=3, note="Bowling, \x1b[31mpizza")
    assert (row.name, row.leader, row.met, row.times_met, row.note) == (
        "Group 1",
        "Lea Leder",
        True,
        3,
        "Bowling, pizza",
    )
    set_group_followup(first, times_met=4)
    set_group_followup(first, note=None)
    assert GroupFollowUp.select().count() == 1
    rows = group_followups(round_id)
    assert [(r.group_id, r.met, r.times_met, r.note) for r in rows] == [
        (first, True, 4, ""),
        (second, None, None, ""),
    ]


def test_a_number_of_meetings_alone_says_whether_the_group_met(members):
    first, second = members["groups"]
    assert set_group_followup(first, times_met=2).met is True
    assert set_group_followup(second, times_met=0).met is False


@pytest.mark.parametrize(
    "given",
    [
        {"times_met": 101},
        {"times_met": -1},
        {"times_met": "3"},
        {"times_met": True},
        {"met": False, "times_met": 2},
        {"met": True, "times_met": 0},
        {"met": "yes"},
        {"note": "x" * 2001},
    ],
)
def test_group_follow_up_refuses_what_does_not_fit(members, given):
    with pytest.raises(ValidationError) as error:
        set_group_followup(members["groups"][0], **given)
    assert error.value.field in ("times_met", "met", "note")
    assert GroupFollowUp.select().count() == 0


def test_meetings_contradicting_the_stored_answer_are_refused(members):
    first = members["groups"][0]
    set_group_followup(first, met=False)
    with pytest.raises(ValidationError, match="did not meet"):
        set_group_followup(first, times_met=2)
    assert group_followups(_round())[0].times_met is None


def test_follow_up_is_allowed_in_a_closed_round(members, round_id, tmp_path):
    set_round_status(round_id, "closed")
    assert set_group_followup(members["groups"][0], met=True).met is True
    assert set_feedback(members["kari"], rating=5).rating == 5
    path = tmp_path / "svar.csv"
    path.write_text("E-post,Vurdering\nola@stud.ntnu.no,4\n", encoding="utf-8")
    assert import_feedback(path, round_id).imported == 1


def test_unknown_groups_and_sign_ups_are_not_found(db, round_id):
    with pytest.raises(NotFound):
        set_group_followup(999, met=True)
    with pytest.raises(NotFound):
        set_feedback(999, met=True)
    with pytest.raises(NotFound):
        group_followups(999)


# Per member.


@pytest.mark.parametrize("rating", [0, 6, True, "4", 4.0])
def test_feedback_refuses_a_rating_outside_one_to_five(members, rating):
    with pytest.raises(ValidationError) as error:
        set_feedback(members["kari"], rating=rating)
    assert error.value.field == "rating"


def test_feedback_by_hand_keeps_what_is_not_given(members):
    set_feedback(members["kari"], met=True, rating=4, comment="Fint!")
    row = set_feedback(members["kari"], wants_more=False)
    assert (row.met, row.wants_more, row.rating, row.comment, row.group) == (
        True,
        False,
        4,
        "Fint!",
        "Group 1",
    )
    assert Feedback.select().count() == 1


def test_the_summary_counts_answers_ratings_and_groups(members, round_id):
    second = members["groups"][1]
    set_feedback(members["kari"], met=True, wants_more=True, rating=5)
    set_feedback(members["ola"], met=False, wants_more=True, rating=4)
    set_feedback(members["per"], met=False, wants_more=False, rating=2)
    set_feedback(members["siri"], comment="Ingen svar ellers")
    summary = feedback_summary(round_id)
    assert (summary.answers, summary.met_yes, summary.met_no) == (4, 1, 2)
    assert (summary.wants_more_yes, summary.wants_more_no) == (2, 1)
    assert summary.ratings == (0, 1, 0, 1, 1)
    assert summary.average == pytest.approx(11 / 3)
    # Group 1: kari met it. Group 2: everybody who answered says no.
    assert (summary.groups_met, summary.groups_not_met, summary.groups_unknown) == (1, 1, 0)
    set_group_followup(second, met=True, times_met=1)  # the leader's word wins
    create_group(round_id)
    summary = feedback_summary(round_id)
    assert (summary.groups_met, summary.groups_not_met, summary.groups_unknown) == (2, 0, 1)


def test_an_empty_round_has_no_average(round_id):
    summary = feedback_summary(round_id)
    assert summary.answers == 0 and summary.average is None and summary.ratings == (0,) * 5


# Reading answers.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja", (True, True)),
        ("ja, flere ganger", (True, True)),
        ("Yes, once", (True, True)),
        ("1", (True, True)),
        ("3", (True, True)),
        ("0", (False, True)),
        ("true", (True, True)),
        ("Nei", (False, True)),
        ("No, never", (False, True)),
        ("false", (False, True)),
        ("", (None, True)),
        ("Vet ikke", (None, True)),
        ("blå", (None, False)),
    ],
)
def test_yes_and_no_as_people_write_them(text, expected):
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4),
        ("4 - Fornøyd", 4),
        ("5 – Svært fornøyd", 5),
        ("★★★★", 4),
        ("★★★☆☆", 3),
        ("4/5", 4),
        ("4.0", 4),
        ("Svært fornøyd", 5),
        ("Very dissatisfied", 1),
        ("Fornøyd (4)", 4),
        ("", None),
    ],
)
def test_ratings_as_forms_write_them(text, expected):
    assert parse_rating(text) == (expected, "")


@pytest.mark.parametrize("text", ["7", "0", "4/10", "4,5", "great", "★★★★★★"])
def test_ratings_that_cannot_be_read_give_a_problem(text):
    value, problem = parse_rating(text)
    assert value is None and problem


# Importing.

GOOGLE_HEADERS = [
    "Tidsmerke",
    "E-postadresse",
    "Har du møtt gruppen din?",
    "Vil du fortsette?",
    "Hvor fornøyd er du (1–5)?",
    "Noe mer du vil si?",
]


def write_csv(path, headers, rows, *, delimiter=",", quoting=csv.QUOTE_MINIMAL, **kw):
    with path.open("w", encoding=kw.get("encoding", "utf-8"), newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, quoting=quoting)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture
def google(tmp_path):
    return write_csv(
        tmp_path / "oppfolging.csv",
        GOOGLE_HEADERS,
        [
            [
                "2027/03/01 10:00:00 AM GMT+1",
                "kari@stud.ntnu.no",
                "Ja, flere ganger",
                "Ja",
                "4 - Fornøyd",
                "Vi gikk på bowling",
            ],
            ["2027/03/01 10:05:00 AM GMT+1", "ola@stud.ntnu.no", "Nei", "Nei", "★★", ""],
            ["2027/03/01 10:06:00 AM GMT+1", "nobody@stud.ntnu.no", "Ja", "Ja", "5", ""],
            ["2027/03/01 10:07:00 AM GMT+1", "", "Ja", "Ja", "5", "no e-mail"],
            ["2027/03/01 10:08:00 AM GMT+1", "per@stud.ntnu.no", "Ja", "Kanskje", "7", "Fint"],
            # Kari again, later: this one wins.
            ["2027/03/02 09:00:00 AM GMT+1", "KARI@stud.ntnu.no ", "Ja", "Nei", "4/5", "Ny"],
            ["2027/03/01 11:00:00 AM GMT+1", "siri(at)stud.ntnu.no", "Ja", "Ja", "5", ""],
        ],
    )


def test_import_from_google_forms(members, round_id, google):
    report = import_feedback(google, round_id)
    assert (report.rows, report.imported, report.updated, report.unchanged) == (7, 3, 0, 0)
    assert report.accounted
    assert report.unknown_email == ((4, "nobody@stud.ntnu.no"),)
    assert report.superseded == ((2, "kari@stud.ntnu.no"),)
    assert [row for row, _reason in report.rejected] == [5, 8]
    assert "oppfolging.csv, row 5" in report.rejected[0][1]
    assert "E-postadresse" in report.rejected[0][1]
    assert "siri(at)stud.ntnu.no is not an e-mail address" in report.rejected[1][1]
    assert stored() == {
        "kari": (True, False, 4, "Ny"),
        "ola": (False, False, 2, ""),
        "per": (True, None, None, "Fint"),  # 7 is left out, the rest kept
    }
    [warning] = report.warnings
    assert warning[0] == 6
    assert "oppfolging.csv, row 6" in warning[1] and "Hvor fornøyd er du (1–5)?" in warning[1]
    assert "7 is not a rating from 1 to 5" in warning[1]
    kari = next(r for r in feedback_rows(round_id) if r.name == "Kari")
    assert kari.submitted_at == dt.datetime(2027, 3, 2, 8, 0)
    assert (kari.source_file, kari.source_row) == ("oppfolging.csv", 7)
    assert dict(report.columns)["rating"] == "Hvor fornøyd er du (1–5)?"
    lines = describe_report(report)
    assert lines[0].startswith("oppfolging.csv: 7 rows; 3 imported")
    assert any("nobody@stud.ntnu.no" in line for line in lines)


def test_control_characters_in_a_comment_are_removed_with_a_warning(members, round_id, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        ["E-post", "Kommentar"],
        [["kari@stud.ntnu.no", "Hei\x1b[2J du\u202e"], ["ola@stud.ntnu.no", "x" * 2100]],
    )
    report = import_feedback(path, round_id)
    assert stored()["kari"][3] == "Hei du"
    assert len(stored()["ola"][3]) == 2000
    assert [row for row, _message in report.warnings] == [2, 3]


def test_import_from_nettskjema(members, round_id, tmp_path):
    path = write_csv(
        tmp_path / "nettskjema.csv",
        [
            "$submission_id",
            "$created",
            "epost",
            "motte_gruppen",
            "fortsette",
            "vurdering",
            "kommentar",
        ],
        [
            ["1", "2027-03-01T10:00:00+01:00", "kari@stud.ntnu.no", "1", "ja", "5", "Topp"],
            ["2", "2027-03-01T11:00:00+01:00", "ola@stud.ntnu.no", "0", "nei", "1", ""],
            ["3", "2027-03-01T12:00:00+01:00", "per@stud.ntnu.no", "", "", "", ""],
        ],
        delimiter=";",
        quoting=csv.QUOTE_ALL,
    )
    report = import_feedback(path, round_id)
    assert (report.imported, len(report.rejected)) == (2, 1)
    assert "holds no answer" in report.rejected[0][1]
    assert stored() == {"kari": (True, True, 5, "Topp"), "ola": (False, False, 1, "")}


def test_import_from_an_excel_workbook(members, round_id, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "ID",
            "Start time",
            "Completion time",
            "Email",
            "Name",
            "Did you meet your group?",
            "Do you want to continue/meet again?",
            "How satisfied are you?",
            "Anything else?",
        ]
    )
    sheet.append(
        [
            1,
            dt.datetime(2027, 3, 1, 9),
            dt.datetime(2027, 3, 1, 9, 5),
            "siri@stud.ntnu.no",
            "Siri",
            "Yes",
            "Yes",
            5,
            "Great",
        ]
    )
    sheet.append(
        [
            2,
            dt.datetime(2027, 3, 1, 9),
            dt.datetime(2027, 3, 1, 9, 6),
            "per@stud.ntnu.no",
            "Per",
            "No",
            "Maybe",
            "3 - Neutral",
            None,
        ]
    )
    path = tmp_path / "forms.xlsx"
    book.save(path)
    report = import_feedback(path, round_id)
    assert report.imported == 2 and report.accounted
    assert dict(report.columns)["wants_more"] == "Do you want to continue/meet again?"
    assert dict(report.columns)["met"] == "Did you meet your group?"
    assert stored() == {"siri": (True, True, 5, "Great"), "per": (False, None, 3, "")}


def test_a_dry_run_writes_nothing_but_reports_the_same(members, round_id, google):
    dry = import_feedback(google, round_id, dry_run=True)
    assert Feedback.select().count() == 0
    assert dry.dry_run and dry.imported == 3
    assert "Dry run: nothing was saved." in describe_report(dry)
    real = import_feedback(google, round_id)
    assert (real.imported, real.rejected, real.unknown_email) == (
        dry.imported,
        dry.rejected,
        dry.unknown_email,
    )


def test_importing_again_is_unchanged_and_a_changed_file_updates(members, round_id, tmp_path):
    headers = ["Timestamp", "Email", "Rating", "Comment"]
    rows = [
        ["2027/03/01 10:00:00 AM GMT+1", "kari@stud.ntnu.no", "4", "Bra"],
        ["2027/03/01 10:01:00 AM GMT+1", "ola@stud.ntnu.no", "3", ""],
    ]
    path = write_csv(tmp_path / "svar.csv", headers, rows)
    assert import_feedback(path, round_id).imported == 2
    again = import_feedback(path, round_id)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    rows.append(["2027/03/03 10:00:00 AM GMT+1", "ola@stud.ntnu.no", "5", "Bedre nå"])
    write_csv(path, headers, rows)
    changed = import_feedback(path, round_id)
    assert (changed.imported, changed.updated, changed.unchanged) == (0, 1, 1)
    assert changed.superseded == ((3, "ola@stud.ntnu.no"),)
    assert stored()["ola"] == (None, None, 5, "Bedre nå")


def test_an_older_row_does_not_replace_a_newer_stored_answer(members, round_id, tmp_path):
    headers = ["Timestamp", "Email", "Rating"]
    newer = write_csv(
        tmp_path / "new.csv", headers, [["2027/03/05 10:00", "kari@stud.ntnu.no", "5"]]
    )
    older = write_csv(
        tmp_path / "old.csv", headers, [["2027/03/01 10:00", "kari@stud.ntnu.no", "2"]]
    )
    import_feedback(newer, round_id)
    report = import_feedback(older, round_id)
    assert report.unchanged == 1
    assert stored()["kari"][2] == 5


def test_a_failure_halfway_writes_nothing(members, round_id, google, monkeypatch):
    calls = []
    real = followup._store

    def failing(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args)

    monkeypatch.setattr(followup, "_store", failing)
    with pytest.raises(RuntimeError):
        import_feedback(google, round_id)
    assert len(calls) == 2
    assert Feedback.select().count() == 0


def test_a_cancelled_import_writes_nothing(members, round_id, google):
    with pytest.raises(ImportCancelled):
        import_feedback(google, round_id, cancelled=lambda: True)
    assert Feedback.select().count() == 0


def test_progress_ends_at_one(members, round_id, google):
    seen = []
    import_feedback(google, round_id, progress=seen.append)
    assert seen[-1] == 1.0


def test_a_file_without_an_email_column_is_refused_naming_it(members, round_id, tmp_path):
    path = write_csv(tmp_path / "uten.csv", ["Navn", "Vurdering"], [["Kari", "4"]])
    with pytest.raises(ImportFileError, match=r"uten\.csv has no e-mail column"):
        import_feedback(path, round_id)
    path = write_csv(tmp_path / "tom.csv", ["E-post", "Navn"], [["kari@stud.ntnu.no", "Kari"]])
    with pytest.raises(ImportFileError, match=r"tom\.csv has none of the follow-up questions"):
        import_feedback(path, round_id)


def test_a_second_email_column_is_used_when_the_first_is_anonymous(members, round_id, tmp_path):
    path = write_csv(
        tmp_path / "ms.csv",
        ["ID", "E-post", "Navn", "E-postadresse", "Vurdering"],
        [["1", "anonymous", "", "kari@stud.ntnu.no", "5"]],
    )
    assert import_feedback(path, round_id).imported == 1
    assert stored()["kari"][2] == 5


def test_a_windows_1252_semicolon_file_is_read(members, round_id, tmp_path):
    path = write_csv(
        tmp_path / "excel.csv",
        ["E-post", "Har du møtt gruppen din?", "Hvor fornøyd er du?"],
        [["kari@stud.ntnu.no", "Ja", "Svært fornøyd"]],
        delimiter=";",
        encoding="cp1252",
    )
    assert import_feedback(path, round_id).imported == 1
    assert stored()["kari"][:3] == (True, None, 5)
