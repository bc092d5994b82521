"""The first meetings as an .ics file: Oslo time, stable UIDs, no member's contact details."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from spleis_tui.core.calendar import (
    INSTANCE_KEY,
    build_calendar,
    calendar_bytes,
    export_calendar,
    instance_id,
)
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.groups import create_group, move_member, set_group_leader
from spleis_tui.core.leaders import add_leader
from spleis_tui.core.models import Group, Setting
from spleis_tui.core.rosters import set_first_meeting
from spleis_tui.core.rounds import create_round
from spleis_tui.core.signups import add_signup
from tests.factories import person

OSLO_TZ = ZoneInfo("Europe/Oslo")
NASTY_NAME = "Gruppe; 1, med\nBEGIN:VEVENT"
NASTY_PLACE = "Stripa; inngang 2,\nEND:VCALENDAR\\ved Hovedbygningen"


def members(round_id: int, ref, group_id: int, count: int, prefix: str) -> None:
    for index in range(count):
        created = add_signup(
            round_id,
            person(
                name=f"{prefix} Medlem{index}",
                email=f"{prefix.lower()}{index}@member.example",
                phone=f"+47 99{index} 00 000",
            ),
            ref,
            consent=True,
        )
        move_member(created.id, group_id)


def make_round(ref, name: str = "Vennespleis vår 2027") -> dict[str, int]:
    """Winter (led by Lise, 5 members), Summer (3 members), Untimed (2 members)."""
    round_id = create_round(name).id
    winter, summer, untimed = (create_group(round_id, n) for n in ("Winter", "Summer", "Untimed"))
    lise = add_leader(
        round_id,
        {"name": "Lise Leder", "email": "lise@leader.example", "phone": "+47 400 11 222"},
        ref,
    )
    set_group_leader(winter.id, lise.id)
    set_first_meeting(
        [winter.id], activity="Bowling", place="Sit Kafé", at=dt.datetime(2027, 1, 28, 17, 0)
    )
    set_first_meeting([summer.id], place="Dødens dal", at=dt.datetime(2027, 6, 10, 18, 30))
    members(round_id, ref, winter.id, 5, "Winter")
    members(round_id, ref, summer.id, 3, "Summer")
    members(round_id, ref, untimed.id, 2, "Untimed")
    return {"round": round_id, "winter": winter.id, "summer": summer.id, "untimed": untimed.id}


@pytest.fixture
def rounds(ref) -> dict[str, int]:
    return make_round(ref)


def events(ics: bytes) -> dict[str, object]:
    """The events of a parsed calendar, by their summary's group name."""
    parsed = Calendar.from_ical(ics)
    return {str(e["SUMMARY"]).split(" — ")[0]: e for e in parsed.walk("VEVENT")}


def test_one_event_per_group_with_a_time_and_the_rest_counted(rounds):
    built = build_calendar(rounds["round"])
    assert (built.events, built.skipped) == (2, 1)
    found = events(built.to_ical())
    assert sorted(found) == ["Summer", "Winter"]
    winter = found["Winter"]
    assert str(winter["SUMMARY"]) == "Winter — Bowling"
    assert str(winter["LOCATION"]) == "Sit Kafé"
    assert str(winter["DESCRIPTION"]) == "Leader: Lise Leder\n5 members"
    # No activity chosen: the suggestion the roster shows, from what the members like.
    assert str(found["Summer"]["SUMMARY"]) == "Summer — Hiking and the outdoors (3 of 3 like it)"
    assert str(found["Summer"]["DESCRIPTION"]) == "3 members"


def test_times_are_oslo_wall_time_in_winter_and_summer(rounds):
    found = events(calendar_bytes(rounds["round"]))
    winter, summer = found["Winter"], found["Summer"]
    start = winter.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Oslo" and winter["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert start.replace(tzinfo=None) == dt.datetime(2027, 1, 28, 17, 0)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert winter.decoded("DTEND") - start == dt.timedelta(hours=2)
    summer_start = summer.decoded("DTSTART")
    assert summer_start.replace(tzinfo=None) == dt.datetime(2027, 6, 10, 18, 30)
    assert summer_start.utcoffset() == dt.timedelta(hours=2)
    assert summer.decoded("DTEND").replace(tzinfo=None) == dt.datetime(2027, 6, 10, 20, 30)


def test_the_calendar_has_its_name_product_and_the_oslo_timezone(rounds):
    ics = calendar_bytes(rounds["round"])
    parsed = Calendar.from_ical(ics)
    assert str(parsed["PRODID"]) == "-//Spleis//Spleis//EN"
    assert str(parsed["VERSION"]) == "2.0"
    assert str(parsed["X-WR-CALNAME"]) == "Vennespleis vår 2027"
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Oslo"]
    assert parsed.get_missing_tzids() == set()
    # The VTIMEZONE comes before the events that use it.
    assert ics.index(b"BEGIN:VTIMEZONE") < ics.index(b"BEGIN:VEVENT")
    for event in parsed.walk("VEVENT"):
        assert event.decoded("DTSTAMP").tzinfo is not None


def test_uids_are_stable_across_exports_and_differ_between_databases(rounds, ref, tmp_path):
    first = {name: str(e["UID"]) for name, e in events(calendar_bytes(rounds["round"])).items()}
    again = {name: str(e["UID"]) for name, e in events(calendar_bytes(rounds["round"])).items()}
    assert first == again
    instance = instance_id()
    assert first["Winter"] == f"group-{rounds['winter']}-first-meeting-{instance}@spleis"
    assert Setting.get(Setting.key == INSTANCE_KEY).value == instance
    close_db()
    open_db(tmp_path / "other.db")
    try:
        other = make_round(ref)
        assert other["winter"] == rounds["winter"]  # the same group id in a new file ...
        elsewhere = {
            name: str(e["UID"]) for name, e in events(calendar_bytes(other["round"])).items()
        }
        assert elsewhere["Winter"] != first["Winter"]  # ... and still another event
        assert instance_id() != instance
    finally:
        close_db()


def test_instance_id_is_made_once(db):
    assert Setting.get_or_none(Setting.key == INSTANCE_KEY) is None
    made = instance_id()
    assert len(made) == 16 and int(made, 16) >= 0
    assert instance_id() == made
    assert Setting.select().where(Setting.key == INSTANCE_KEY).count() == 1


def test_nasty_names_and_places_round_trip_without_breaking_the_file(rounds):
    # Written straight into the table: the UI cleans line breaks away, old data may not.
    Group.update(name=NASTY_NAME, meeting_place=NASTY_PLACE).where(
        Group.id == rounds["winter"]
    ).execute()
    ics = calendar_bytes(rounds["round"])
    parsed = Calendar.from_ical(ics)
    assert len(parsed.walk("VEVENT")) == 2
    nasty = next(e for e in parsed.walk("VEVENT") if str(e["LOCATION"]) == NASTY_PLACE)
    assert str(nasty["SUMMARY"]) == f"{NASTY_NAME} — Bowling"
    # The text stays inside its property line: escaped, it starts and ends nothing.
    assert b"\\nBEGIN:VEVENT" in ics and b"\\nEND:VCALENDAR" in ics
    lines = ics.replace(b"\r\n ", b"").split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 2 and lines.count(b"END:VCALENDAR") == 1


def test_no_member_contact_details_are_in_the_file(rounds, tmp_path):
    out = tmp_path / "meetings.ics"
    export_calendar(rounds["round"], out)
    text = out.read_bytes().replace(b"\r\n ", b"").decode("utf-8")
    assert "member.example" not in text and "@" not in text.replace("@spleis", "")
    assert "+47" not in text and "00 000" not in text
    assert "Medlem" not in text  # nor their names
    assert "lise@leader.example" not in text and "400 11 222" not in text


def test_export_writes_a_private_file_atomically(rounds, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "meetings.ics"
    written = export_calendar(rounds["round"], out)
    assert (written.events, written.skipped) == (2, 1)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert len(Calendar.from_ical(out.read_bytes()).walk("VEVENT")) == 2

    out.write_bytes(b"old")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_bytes", broken)
    with pytest.raises(OSError, match="disk full"):
        export_calendar(rounds["round"], out)
    monkeypatch.undo()
    assert out.read_bytes() == b"old"
    assert os.listdir(folder) == ["meetings.ics"]


def test_a_round_without_meeting_times_is_an_empty_calendar(ref):
    round_id = create_round("Turgrupper høst 2027").id
    create_group(round_id, "Gruppe 1")
    built = build_calendar(round_id)
    assert (built.events, built.skipped) == (0, 1)
    parsed = Calendar.from_ical(built.to_ical())
    assert parsed.walk("VEVENT") == [] and str(parsed["X-WR-CALNAME"]) == "Turgrupper høst 2027"


def test_planned_activities_and_series_sessions_are_events_with_their_own_stable_uids(db, ref):
    from spleis_tui.core.activities import schedule_activity
    from spleis_tui.core.series import create_series

    ids = make_round(ref)
    round_id = Group.get_by_id(ids["winter"]).round_id
    rebus = schedule_activity(
        round_id,
        {
            "type": "rebuslop",
            "starts_at": dt.datetime(2027, 4, 10, 12, 0),
            "place": "Gløshaugen; hovedinngangen",
            "capacity": 30,
        },
    )
    create_series(
        round_id,
        weeks=2,
        start=dt.date(2027, 3, 22),
        weekday=2,
        time="17:00",
        place="Lian",
        group_ids=[ids["winter"]],
    )
    first = Calendar.from_ical(calendar_bytes(round_id))
    events = {str(e["UID"]): e for e in first.walk("VEVENT")}
    activity_uids = sorted(uid for uid in events if uid.startswith("activity-"))
    assert len(activity_uids) == 3  # the rebus race and two hikes
    race = events[f"activity-{rebus.id}-{instance_id()}@spleis"]
    assert str(race["SUMMARY"]) == "Rebus race"
    assert str(race["LOCATION"]) == "Gløshaugen; hovedinngangen"
    assert race.decoded("DTSTART") == dt.datetime(2027, 4, 10, 12, 0, tzinfo=OSLO_TZ)
    assert race.decoded("DTEND") - race.decoded("DTSTART") == dt.timedelta(minutes=90)
    hikes = sorted(
        (e for e in events.values() if "Hike" in str(e["SUMMARY"])),
        key=lambda e: e.decoded("DTSTART"),
    )
    # 24 and 31 March: the clocks change between them, the wall-clock time does not.
    assert [h.decoded("DTSTART").strftime("%Y-%m-%d %H:%M %z") for h in hikes] == [
        "2027-03-24 17:00 +0100",
        "2027-03-31 17:00 +0200",
    ]
    again = Calendar.from_ical(calendar_bytes(round_id))
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(events)
