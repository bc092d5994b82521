"""What a roster holds (groups, leaders, members, first meetings) and `share`, the one
place every PDF, spreadsheet and calendar export goes through."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from spleis_tui.core import rosters, share
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.errors import NotFound, SpleisError, ValidationError
from spleis_tui.core.export import COLUMNS
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Group, Round, database
from spleis_tui.core.reference import load_reference
from spleis_tui.core.rosters import (
    PLACE_LIMIT,
    WELCOME_LIMIT,
    Contact,
    default_welcome_text,
    load_roster,
    parse_meeting_time,
    set_first_meeting,
    set_welcome_text,
    suggest_activity,
)
from spleis_tui.core.rounds import create_round, set_round_status
from spleis_tui.core.signups import add_signup, set_status
from spleis_tui.i18n import gettext_in, set_language
from tests.factories import person

MEETING_AT = dt.datetime(2027, 1, 28, 17, 0)
GROUP_NAMES = ["Gruppe 2", "Gruppe 3", "Gruppe 10"]  # the order a roster shows them in
ACTIVE_MEMBERS = {
    "Bjørn Berg",
    "Åse Ås",
    "Ola Nordmann",
    "Kari Ødegård",
    "Nguyễn Thị Hồng",
    "王小明",
}
LIKE_IT = "{activity} ({count} of {size} like it)"


def build_round(round_id: int) -> SimpleNamespace:
    """Three groups made in the "wrong" order:

    - Gruppe 10, led by Lise: Nguyễn Thị Hồng, 王小明 (History at Dragvoll) and Kari
      Ødegård; three of three like hiking, two cooking. No first meeting set.
    - Gruppe 2, led by Per: Bjørn and Åse, and Wenche, who withdrew (she and Bjørn like
      films: only one active member does).
    - Gruppe 3, also Lise's: Ola, with a first meeting chosen (bowling, Stripa, a time).

    Nils signed up but is in no group.
    """
    ref = load_reference()
    ten, two, three = (
        create_group(round_id, name) for name in ("Gruppe 10", "Gruppe 2", "Gruppe 3")
    )
    lise = add_leader(
        round_id,
        {"name": "Lise Leder", "email": "lise@example.no", "phone": "+47 900 11 222"},
        ref,
    )
    per = add_leader(round_id, {"name": "Per Ledersen", "email": "per@example.no"}, ref)
    set_group_leader(ten.id, lise.id)
    set_group_leader(three.id, lise.id)
    set_group_leader(two.id, per.id)
    ids = SimpleNamespace(
        round=round_id, ten=ten.id, two=two.id, three=three.id, lise=lise.id, per=per.id
    )

    def signup(name: str, email: str, group_id: int | None, **answers) -> int:
        created = add_signup(round_id, person(name=name, email=email, **answers), ref, consent=True)
        if group_id is not None:
            move_member(created.id, group_id)
        return created.id

    ids.hong = signup("Nguyễn Thị Hồng", "hong@example.no", ten.id, interests=["hiking", "cooking"])
    ids.ming = signup(
        "王小明",
        "ming@example.no",
        ten.id,
        campus="dragvoll",
        programme="BHIST",
        language="en",
        interests=["music", "hiking"],
    )
    ids.kari = signup("Kari Ødegård", "kari@example.no", ten.id, interests=["cooking", "hiking"])
    ids.bjorn = signup("Bjørn Berg", "bjorn@example.no", two.id, interests=["film"], phone="")
    ids.ase = signup("Åse Ås", "ase@example.no", two.id, interests=["music"], language="both")
    ids.wenche = signup("Wenche Went", "wenche@example.no", two.id, interests=["film"])
    set_status(ids.wenche, "withdrawn")
    ids.ola = signup("Ola Nordmann", "ola@example.no", three.id, interests=["skiing"])
    ids.nils = signup("Nils Nogroup", "nils@example.no", None)
    set_first_meeting(
        [three.id], activity="Bowling at Lerkendal", place="Stripa, Gløshaugen", at=MEETING_AT
    )
    return ids


def build_template(folder: Path) -> tuple[Path, SimpleNamespace]:
    """A database file holding "Test round" as `build_round` makes it, to copy per test."""
    path = folder / "template.db"
    open_db(path)
    try:
        ids = build_round(create_round("Test round").id)
    finally:
        close_db()
    return path, ids


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, SimpleNamespace]:
    return build_template(tmp_path_factory.mktemp("rosters"))


@pytest.fixture
def built(template, db_path: Path) -> Iterator[SimpleNamespace]:
    """A copy of the template, open: each test changes its own."""
    shutil.copyfile(template[0], db_path)
    open_db(db_path)
    yield template[1]
    close_db()


def by_name(roster: rosters.Roster) -> dict[str, rosters.RosterGroup]:
    return {group.name: group for group in roster.groups}


class Counted:
    """Counts the SQL statements (and transactions) the database runs."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.begins = 0

    @property
    def queries(self) -> int:
        return len(self.statements)


@pytest.fixture
def counted(monkeypatch) -> Iterator[Counted]:
    counter = Counted()
    real = database.obj
    execute_sql, begin = real.execute_sql, real.begin

    def counting_execute(sql, *args, **kwargs):
        counter.statements.append(sql)
        return execute_sql(sql, *args, **kwargs)

    def counting_begin(*args, **kwargs):
        counter.begins += 1
        return begin(*args, **kwargs)

    monkeypatch.setattr(real, "execute_sql", counting_execute)
    monkeypatch.setattr(real, "begin", counting_begin)
    yield counter


# load_roster.


def test_groups_come_in_natural_name_order(built):
    roster = load_roster(built.round)
    assert [group.name for group in roster.groups] == GROUP_NAMES
    assert roster.round_name == "Test round" and roster.round_kind == "vennespleis"


def test_only_active_members_in_a_group_are_on_the_roster(built):
    roster = load_roster(built.round)
    names = [member.name for group in roster.groups for member in group.members]
    assert set(names) == ACTIVE_MEMBERS and len(names) == len(ACTIVE_MEMBERS)
    assert roster.member_count == 6
    assert [m.name for m in by_name(roster)["Gruppe 2"].members] == ["Bjørn Berg", "Åse Ås"]


def test_a_member_shows_contact_programme_campus_and_language(built):
    ten = by_name(load_roster(built.round, lang="en"))["Gruppe 10"]
    ming = next(member for member in ten.members if member.email == "ming@example.no")
    assert ming == rosters.RosterMember(
        id=built.ming,
        name="王小明",
        email="ming@example.no",
        phone="+47 912 34 567",
        programme="History",
        campus="Dragvoll",
        language="en",
    )
    assert ming.first_name == "王小明"
    assert next(m for m in ten.members if m.id == built.kari).first_name == "Kari"


@pytest.mark.parametrize(
    ("lang", "computer_science", "history"),
    [("nb", "Datateknologi", "Historie"), ("en", "Computer Science", "History")],
)
def test_programmes_are_named_in_the_rosters_language(built, lang, computer_science, history):
    set_language("en" if lang == "nb" else "nb")  # the app's language does not decide
    ten = by_name(load_roster(built.round, lang=lang))["Gruppe 10"]
    programmes = {member.email: member.programme for member in ten.members}
    assert programmes == {
        "hong@example.no": computer_science,
        "kari@example.no": computer_science,
        "ming@example.no": history,
    }
    # Campus names are the same in both languages.
    assert {member.campus for member in ten.members} == {"Gløshaugen", "Dragvoll"}


def test_without_a_language_the_roster_uses_the_apps(built):
    set_language("nb")
    ten = by_name(load_roster(built.round))["Gruppe 10"]
    assert {member.programme for member in ten.members} == {"Datateknologi", "Historie"}


def test_a_group_has_its_leaders_contact_and_most_common_campus(built):
    groups = by_name(load_roster(built.round))
    assert groups["Gruppe 10"].leader == Contact("Lise Leder", "lise@example.no", "+47 900 11 222")
    assert groups["Gruppe 10"].leader_id == built.lise
    assert groups["Gruppe 2"].leader == Contact("Per Ledersen", "per@example.no", "")
    assert groups["Gruppe 10"].campus == "Gløshaugen"  # two of three study there


def test_a_group_without_leader_or_members(round_id):
    create_group(round_id, "Tom")
    (empty,) = load_roster(round_id).groups
    assert (empty.leader, empty.leader_id, empty.members, empty.campus) == (None, None, (), "")
    assert empty.meeting == rosters.FirstMeeting("Coffee together", True, None, "")


def test_one_group_or_one_leaders_groups(built):
    only = load_roster(built.round, group_id=built.ten)
    assert [group.name for group in only.groups] == ["Gruppe 10"]
    assert only.member_count == 3
    lises = load_roster(built.round, leader_id=built.lise)
    assert [group.name for group in lises.groups] == ["Gruppe 3", "Gruppe 10"]
    assert [group.name for group in load_roster(built.round, leader_id=built.per).groups] == [
        "Gruppe 2"
    ]
    both = load_roster(built.round, group_id=built.two, leader_id=built.lise)
    assert both.groups == ()


def test_a_leader_without_groups_or_an_empty_round_has_an_empty_roster(round_id):
    leader = add_leader(
        round_id, {"name": "Ingen Grupper", "email": "ig@example.no"}, load_reference()
    )
    assert load_roster(round_id, leader_id=leader.id).groups == ()
    assert load_roster(round_id).member_count == 0


def test_an_unknown_round_is_not_found(db):
    with pytest.raises(NotFound):
        load_roster(9999)


def test_the_first_meeting_is_chosen_or_suggested(built):
    groups = by_name(load_roster(built.round, lang="en"))
    assert groups["Gruppe 3"].meeting == rosters.FirstMeeting(
        "Bowling at Lerkendal", False, MEETING_AT, "Stripa, Gløshaugen"
    )
    assert groups["Gruppe 10"].meeting == rosters.FirstMeeting(
        "Hiking and the outdoors (3 of 3 like it)", True, None, ""
    )
    # Wenche withdrew: only Bjørn likes films, so nothing is shared by two.
    assert groups["Gruppe 2"].meeting.activity == "Coffee together"


def make_groups(round_id: int, count: int) -> None:
    ref = load_reference()
    for index in range(count):
        group = create_group(round_id, f"Gruppe {index + 1}")
        for member in range(2):
            email = f"g{index}m{member}@example.no"
            created = add_signup(
                round_id, person(name=f"M {index} {member}", email=email), ref, consent=True
            )
            move_member(created.id, group.id)


def test_loading_takes_the_same_few_queries_for_one_group_or_thirty(db, counted):
    one, thirty = create_round("One").id, create_round("Thirty").id
    make_groups(one, 1)
    make_groups(thirty, 30)
    ref = load_reference()

    counted.statements.clear()
    assert load_roster(one, ref=ref).member_count == 2
    for_one = counted.queries
    counted.statements.clear()
    assert load_roster(thirty, ref=ref).member_count == 60
    assert counted.queries == for_one <= 5, counted.statements


# suggest_activity.


def like_it(lang: str, label: str, count: int, size: int) -> str:
    return gettext_in(lang, LIKE_IT).format(activity=label, count=count, size=size)


def test_the_most_shared_interest_is_suggested_with_its_count(ref):
    liked = Counter(music=2, hiking=1, cooking=4)
    assert suggest_activity(liked, 5, ref, "en") == "Cooking (4 of 5 like it)"


@pytest.mark.parametrize(
    ("liked", "expected"),
    [
        # A tie goes to the option that comes first in the form: hiking is its first.
        (Counter(music=2, hiking=2), "Hiking and the outdoors (2 of 4 like it)"),
        (Counter(cafe=3, boardgames=3, music=1), "Board games (3 of 4 like it)"),
        # Codes the form does not know come after the ones it does, then by code.
        (Counter(zumba=2, aerobics=2), "aerobics (2 of 4 like it)"),
        (Counter(zumba=2, debate=2), "Society and debate (2 of 4 like it)"),
    ],
)
def test_a_tie_is_broken_by_the_forms_order(ref, liked, expected):
    assert suggest_activity(liked, 4, ref, "en") == expected
    assert suggest_activity(Counter(dict(reversed(liked.items()))), 4, ref, "en") == expected


@pytest.mark.parametrize(
    ("liked", "size"),
    [(Counter(), 4), (Counter(hiking=1, music=1), 4), (Counter(hiking=3), 0)],
)
def test_without_an_interest_two_share_it_is_coffee(ref, liked, size):
    assert suggest_activity(liked, size, ref, "en") == "Coffee together"


def test_the_suggestion_is_in_the_language_asked_for_not_the_apps(ref):
    set_language("en")
    assert suggest_activity(Counter(hiking=3), 4, ref, "nb") == like_it(
        "nb", "Tur og friluftsliv", 3, 4
    )
    assert suggest_activity(Counter(), 4, ref, "nb") == gettext_in("nb", "Coffee together")
    set_language("nb")
    assert suggest_activity(Counter(hiking=3), 4, ref, "en") == (
        "Hiking and the outdoors (3 of 4 like it)"
    )
    assert suggest_activity(Counter(), 4, ref, "en") == "Coffee together"


INTEREST_CODES = (
    "hiking", "boardgames", "gaming", "cooking", "sports", "music", "film", "reading",
    "skiing", "climbing", "cafe", "crafts", "photography", "volunteering", "dance", "debate",
)  # fmt: skip


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(liked=st.dictionaries(st.sampled_from(INTEREST_CODES), st.integers(1, 12)))
def test_the_suggestion_is_always_a_most_shared_interest_or_coffee(ref, liked):
    size = max(liked.values(), default=0) + 1
    got = suggest_activity(Counter(liked), size, ref, "en")
    top = max(liked.values(), default=0)
    if top < 2:
        assert got == "Coffee together"
        return
    first = min((code for code, n in liked.items() if n == top), key=INTEREST_CODES.index)
    assert got == like_it("en", ref.option_label("interest", first, "en"), top, size)


# set_first_meeting.


def meeting(group_id: int) -> tuple[str, str, dt.datetime | None]:
    group = Group.get_by_id(group_id)
    return group.activity, group.meeting_place, group.meeting_at


def test_only_what_is_given_changes(built):
    assert set_first_meeting([built.three], place="Realfagbygget") == 1
    assert meeting(built.three) == ("Bowling at Lerkendal", "Realfagbygget", MEETING_AT)
    later = dt.datetime(2027, 2, 3, 18, 30)
    assert set_first_meeting([built.three], at=later) == 1
    assert meeting(built.three) == ("Bowling at Lerkendal", "Realfagbygget", later)
    set_first_meeting([built.three], activity="  Quiz  at\tSamfundet ")
    assert meeting(built.three) == ("Quiz at Samfundet", "Realfagbygget", later)


def test_an_empty_activity_brings_the_suggestion_back(built):
    set_first_meeting([built.ten], activity="Climbing")
    chosen = by_name(load_roster(built.round, lang="en"))["Gruppe 10"].meeting
    assert (chosen.activity, chosen.suggested) == ("Climbing", False)
    set_first_meeting([built.ten], activity="")
    back = by_name(load_roster(built.round, lang="en"))["Gruppe 10"].meeting
    assert (back.activity, back.suggested) == ("Hiking and the outdoors (3 of 3 like it)", True)


def test_no_time_clears_the_time_only(built):
    set_first_meeting([built.three], at=None)
    assert meeting(built.three) == ("Bowling at Lerkendal", "Stripa, Gløshaugen", None)


def test_the_time_keeps_hours_and_minutes_only(built):
    set_first_meeting([built.ten], at=dt.datetime(2027, 3, 1, 9, 5, 59, 123, tzinfo=dt.UTC))
    assert meeting(built.ten)[2] == dt.datetime(2027, 3, 1, 9, 5)


def test_many_groups_change_in_one_transaction(built, counted):
    counted.statements.clear()
    ids = [built.ten, built.two, built.three, built.ten]  # twice is once
    assert set_first_meeting(ids, place="Hovedbygningen") == 3
    assert counted.begins == 1
    updates = [sql for sql in counted.statements if sql.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1
    assert {meeting(g)[1] for g in (built.ten, built.two, built.three)} == {"Hovedbygningen"}


def test_nothing_to_change_changes_nothing(built):
    assert set_first_meeting([], place="X") == 0
    assert set_first_meeting([built.ten]) == 0


def test_groups_of_two_rounds_or_unknown_groups_are_refused(built):
    other = create_round("Another round").id
    stranger = create_group(other, "Gruppe 1").id
    with pytest.raises(NotFound):
        set_first_meeting([built.ten, stranger], place="Stripa")
    with pytest.raises(NotFound):
        set_first_meeting([99_999], place="Stripa")
    assert meeting(built.ten)[1] == "" and meeting(stranger)[1] == ""


def test_a_closed_round_is_refused(built):
    set_round_status(built.round, "closed")
    with pytest.raises(ValidationError) as refused:
        set_first_meeting([built.ten, built.two], activity="Bowling", at=None)
    assert refused.value.field == "round"
    assert meeting(built.ten) == ("", "", None)


@pytest.mark.parametrize(
    ("option", "field"), [("activity", "activity"), ("place", "meeting_place")]
)
def test_too_long_text_is_refused_naming_the_field(built, option, field):
    assert set_first_meeting([built.ten], **{option: "x" * PLACE_LIMIT}) == 1
    with pytest.raises(ValidationError) as refused:
        set_first_meeting([built.ten, built.two], **{option: "y" * (PLACE_LIMIT + 1)}, at=None)
    assert refused.value.field == field
    assert str(PLACE_LIMIT) in refused.value.message
    assert meeting(built.two) == ("", "", None)  # nothing was written


def test_a_time_that_is_not_a_datetime_is_refused(built):
    with pytest.raises(ValidationError) as refused:
        set_first_meeting([built.ten], at="2027-01-28 17:00")
    assert refused.value.field == "meeting_at"


# set_welcome_text.


def test_the_welcome_text_is_cleaned_and_shown_on_the_roster(built):
    saved = set_welcome_text(
        built.round, "  Hei\x1b[31m  alle!\x07\r\n\r\n  Velkommen\t til gruppa.  "
    )
    assert saved == "Hei alle!\n\nVelkommen til gruppa."
    assert load_roster(built.round).welcome_text == saved
    assert Round.get_by_id(built.round).welcome_text == saved


@pytest.mark.parametrize("empty", ["", "   \n  "])
def test_an_empty_welcome_text_brings_the_default_back(built, empty):
    set_welcome_text(built.round, "Our own text")
    assert set_welcome_text(built.round, empty) == ""
    assert load_roster(built.round).welcome_text == default_welcome_text()
    assert default_welcome_text().startswith("Welcome to your group!")


def test_the_default_welcome_text_is_in_the_apps_language(built):
    set_language("nb")
    assert load_roster(built.round).welcome_text == default_welcome_text()


def test_a_too_long_welcome_text_is_refused(built):
    assert len(set_welcome_text(built.round, "x" * WELCOME_LIMIT)) == WELCOME_LIMIT
    with pytest.raises(ValidationError) as refused:
        set_welcome_text(built.round, "y" * (WELCOME_LIMIT + 1))
    assert refused.value.field == "welcome_text"
    assert load_roster(built.round).welcome_text == "x" * WELCOME_LIMIT


def test_the_welcome_text_of_a_closed_or_unknown_round_is_refused(built):
    set_round_status(built.round, "closed")
    with pytest.raises(ValidationError) as refused:
        set_welcome_text(built.round, "Hei")
    assert refused.value.field == "round"
    assert load_roster(built.round).welcome_text == default_welcome_text()
    with pytest.raises(NotFound):
        set_welcome_text(99_999, "Hei")


# parse_meeting_time.


@pytest.mark.parametrize(
    "text",
    [
        "2027-01-28 17:00",
        "2027-01-28T17:00",
        "  2027-01-28 17:00\n",
        "2027-01-28 17.00",
        "28.01.2027 17:00",
        "28.01.2027 17.00",
    ],
)
def test_the_meeting_time_formats_people_write(text):
    assert parse_meeting_time(text) == MEETING_AT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "2027-01-28",
        "17:00",
        "2027-02-30 17:00",
        "2027-01-28 25:00",
        "28/01/2027 17:00",
    ],
)
def test_anything_else_is_a_clear_error(text):
    with pytest.raises(ValidationError) as refused:
        parse_meeting_time(text)
    assert refused.value.field == "meeting_at"
    assert refused.value.message == (
        f"{text} is not a date and time. Write it like 2027-01-28 17:00."
    )


@given(st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_any_written_out_time_parses_back(at):
    assert parse_meeting_time(at.strftime("%Y-%m-%d %H:%M")) == at.replace(second=0, microsecond=0)


# share: file names.


@pytest.mark.parametrize(
    ("what", "fmt", "suffix"),
    [
        ("rosters", "", ".pdf"),
        ("attendance", "csv", ".pdf"),
        ("pack", "", ".pdf"),
        ("calendar", "", ".ics"),
        ("groups", "", ".csv"),
        ("groups", "csv", ".csv"),
        ("participants", "csv-excel", ".csv"),
        ("leaders", "xlsx", ".xlsx"),
        ("groups", "md", ".md"),
        ("participants", "json", ".json"),
    ],
)
def test_the_extension_follows_what_and_format(what, fmt, suffix):
    assert share.extension(what, fmt) == suffix
    assert share.default_path("Vennespleis vår 2027", what, fmt, Path("/out")) == Path(
        f"/out/vennespleis-var-2027-{what}{suffix}"
    )


# share.run.

PDF_TEXT = {
    "rosters": "Wrote the rosters of 3 groups (6 members) to {path}.",
    "attendance": "Wrote the attendance sheets of 3 groups (6 members) to {path}.",
    "pack": "Wrote the leaders' packs for 3 groups (6 members) to {path}.",
}


@pytest.mark.parametrize("what", share.PDF_KINDS)
def test_each_pdf_is_written_and_counted(built, tmp_path, what):
    path = tmp_path / f"{what}.pdf"
    result = share.run(share.ExportRequest(built.round, what, path=path))
    assert path.read_bytes().startswith(b"%PDF-")
    assert (result.path, result.count) == (path, 3)
    assert result.message == PDF_TEXT[what].format(path=path)


def test_a_pdf_of_one_group_says_one_group(built, tmp_path):
    path = tmp_path / "ten.pdf"
    result = share.run(share.ExportRequest(built.round, "rosters", group_id=built.ten, path=path))
    assert result.count == 1
    assert result.message == f"Wrote the roster of 1 group (3 members) to {path}."


SHEET_COUNTS = {"groups": 6, "participants": 8, "leaders": 2}


def read_sheet(path: Path, fmt: str) -> tuple[list[str], int]:
    """The header and how many rows follow it."""
    if fmt == "xlsx":
        rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        return list(rows[0]), len(rows) - 1
    data = path.read_bytes()
    if fmt == "json":
        items = json.loads(data.decode("utf-8"))
        return list(items[0]) if items else [], len(items)
    text = data.decode("utf-8")
    if fmt == "md":
        lines = text.splitlines()
        return [cell.strip() for cell in lines[0].strip("|").split("|")], len(lines) - 2
    assert text.startswith("\ufeff")  # Excel reads æøå right
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";" if fmt == "csv-excel" else ","))
    return rows[0], len(rows) - 1


@pytest.mark.parametrize("fmt", share.SHEET_FORMATS)
@pytest.mark.parametrize("what", share.SPREADSHEETS)
def test_each_sheet_in_each_format_is_written_and_counted(built, tmp_path, what, fmt):
    path = tmp_path / f"{what}{share.extension(what, fmt)}"
    result = share.run(share.ExportRequest(built.round, what, fmt, path=path))
    header, rows = read_sheet(path, fmt)
    assert header == list(COLUMNS[what])
    assert rows == result.count == SHEET_COUNTS[what]
    assert result.path == path
    assert result.message == f"Exported {SHEET_COUNTS[what]} rows to {path}."


def test_the_calendar_is_written_and_says_how_many_have_no_time(built, tmp_path):
    path = tmp_path / "meetings.ics"
    result = share.run(share.ExportRequest(built.round, "calendar", path=path))
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert result.count == 1
    assert result.message == (
        f"Wrote 1 first meeting to {path}. 2 groups have no meeting time yet."
    )


def test_what_spleis_does_not_export_is_refused(built, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    for request in (
        share.ExportRequest(built.round, "photos", path=tmp_path / "x"),
        share.ExportRequest(built.round, "groups", "ods", path=tmp_path / "x"),
        share.ExportRequest(built.round, "groups", "", path=tmp_path / "x"),
    ):
        with pytest.raises(SpleisError):
            share.run(request)
        with pytest.raises(SpleisError):
            share.preview(request)
    with pytest.raises(SpleisError, match="photos is not something Spleis exports"):
        share.run(share.ExportRequest(built.round, "photos", path=tmp_path / "x"))
    with pytest.raises(SpleisError, match="Say where"):
        share.run(share.ExportRequest(built.round, "rosters"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("what", share.PDF_KINDS)
def test_a_round_without_groups_has_no_pdf(round_id, tmp_path, what):
    path = tmp_path / "empty.pdf"
    with pytest.raises(SpleisError, match="no groups to print"):
        share.run(share.ExportRequest(round_id, what, path=path))
    with pytest.raises(SpleisError, match="no groups to print"):
        share.preview(share.ExportRequest(round_id, what))
    assert not path.exists()


# share.preview.


@pytest.mark.parametrize("what", share.PDF_KINDS)
def test_a_pdf_preview_is_the_first_groups_page(built, what):
    text = share.preview(share.ExportRequest(built.round, what))
    assert "Gruppe 2" in text
    assert "Gruppe 10" not in text and "Nguyễn" not in text


def test_a_packs_preview_is_the_first_leaders_groups_only(built):
    text = share.preview(share.ExportRequest(built.round, "pack"))
    assert "Per Ledersen" in text and "Lise Leder" not in text


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        ("csv", ",".join(COLUMNS["groups"])),
        ("csv-excel", ";".join(COLUMNS["groups"])),
        ("md", "| " + " | ".join(COLUMNS["groups"]) + " |"),
        ("xlsx", "| " + " | ".join(COLUMNS["groups"]) + " |"),  # shown as a Markdown table
    ],
)
def test_a_sheet_preview_starts_with_its_header(built, fmt, header):
    lines = share.preview(share.ExportRequest(built.round, "groups", fmt)).splitlines()
    assert lines[0] == header
    assert "Bjørn Berg" in lines[1 if fmt.startswith("csv") else 2]


def test_json_and_calendar_previews(built):
    assert share.preview(share.ExportRequest(built.round, "leaders", "json")).startswith("[")
    calendar = share.preview(share.ExportRequest(built.round, "calendar"))
    assert calendar.splitlines()[0] == "BEGIN:VCALENDAR"
    assert "Gruppe 3" in calendar


def test_a_long_preview_is_cut_and_says_how_much_is_left(built):
    text = share.preview(share.ExportRequest(built.round, "participants", "csv"), lines=3)
    lines = text.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("… and ")


def test_a_preview_counts_the_lines_that_are_left_exactly(built):
    # The header and six members: seven lines, each ending in a newline.
    whole = share.preview(share.ExportRequest(built.round, "groups", "csv"))
    assert len(whole.splitlines()) == 7 and "more line" not in whole
    cut = share.preview(share.ExportRequest(built.round, "groups", "csv"), lines=2)
    assert cut.splitlines()[-1] == "… and 5 more lines"
