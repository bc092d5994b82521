"""A round's first meetings and planned activities as an iCalendar file (.ics).

One event per group with a meeting time, and one per planned activity (series
sessions included), in Europe/Oslo time with its VTIMEZONE, so
Outlook, Google Calendar and Apple Calendar all show the same wall-clock time. A
calendar file is shared more widely than a roster, so it holds no member's contact
details: the group, its activity and place, its leader's name and how many come.

An event's UID names the group and this database ("group-12-first-meeting-9f2c…@spleis"),
so importing a re-export updates the events instead of adding them twice, and two
databases never clash. Activities have UIDs of their own ("activity-40-…@spleis").

    >>> export_calendar(round_id, "forste-mote.ics")  # doctest: +SKIP
    BuiltCalendar(calendar=VCALENDAR(...), events=38, skipped=2)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from spleis_tui.core.export import replace_atomically
from spleis_tui.core.models import Setting, database
from spleis_tui.core.rosters import RosterGroup, load_roster
from spleis_tui.i18n import _, ngettext, number

TIMEZONE = "Europe/Oslo"
OSLO = ZoneInfo(TIMEZONE)
PRODID = "-//Spleis//Spleis//EN"
INSTANCE_KEY = "instance_id"
MEETING_LENGTH = dt.timedelta(hours=2)
ACTIVITY_LENGTH = dt.timedelta(minutes=90)  # when an activity has no end

# icalendar escapes , ; \ and line breaks itself; other control characters would pass
# into the file raw, where no calendar app expects them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class BuiltCalendar:
    calendar: Calendar
    events: int  # events in the calendar
    skipped: int  # groups left out because they have no meeting time yet
    activities: int = 0  # of the events, how many are planned activities

    def to_ical(self) -> bytes:
        return self.calendar.to_ical()


def instance_id() -> str:
    """This database's random id, made once and kept in the settings (for event UIDs)."""
    setting = Setting.get_or_none(Setting.key == INSTANCE_KEY)
    if setting is not None:
        return setting.value
    with database.atomic():
        # Two processes may get here at once: the first insert wins, both read it back.
        Setting.insert(key=INSTANCE_KEY, value=secrets.token_hex(8)).on_conflict_ignore().execute()
        return Setting.get(Setting.key == INSTANCE_KEY).value


def first_meeting_uid(group_id: int, instance: str) -> str:
    return f"group-{group_id}-first-meeting-{instance}@spleis"


def build_calendar(round_id: int) -> BuiltCalendar:
    """A round's first meetings and planned activities as a calendar; groups without a
    meeting time are counted, not added."""
    roster = load_roster(round_id)
    instance = instance_id()
    calendar = Calendar.new(
        name=roster.round_name,
        prodid=PRODID,
        uid=f"round-{round_id}-{instance}@spleis",
    )
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    starts: list[dt.datetime] = []
    skipped = 0
    for group in roster.groups:
        if group.meeting.at is None:
            skipped += 1
            continue
        start = group.meeting.at.replace(tzinfo=OSLO)
        starts.append(start)
        calendar.add_component(
            _event(
                uid=first_meeting_uid(group.id, instance),
                summary=_("{group} — {activity}").format(
                    group=group.name, activity=group.meeting.activity
                ),
                start=start,
                end=_later(start, MEETING_LENGTH),
                location=group.meeting.place,
                description=_description(group),
                stamp=stamp,
            )
        )
    planned = _activity_events(round_id, instance, stamp)
    for event, start in planned:
        calendar.add_component(event)
        starts.append(start)
    if starts:
        # Only the years the events need: the default (1970 to 2038) makes a long VTIMEZONE.
        calendar.add_missing_timezones(
            first_date=dt.date(min(starts).year - 1, 1, 1),
            last_date=dt.date(max(starts).year + 2, 1, 1),
        )
    return BuiltCalendar(calendar, len(starts), skipped, len(planned))


def activity_uid(activity_id: int, instance: str) -> str:
    return f"activity-{activity_id}-{instance}@spleis"


def _activity_events(
    round_id: int, instance: str, stamp: dt.datetime
) -> list[tuple[Event, dt.datetime]]:
    """The round's planned activities, in time order, as events with their starts."""
    from spleis_tui.core.activities import list_activities
    from spleis_tui.core.catalogue import list_catalogue

    names = {entry.code: entry.name() for entry in list_catalogue()}
    events = []
    for row in list_activities(round_id):
        start = row.starts_at.replace(tzinfo=OSLO)
        end = row.ends_at.replace(tzinfo=OSLO) if row.ends_at else _later(start, ACTIVITY_LENGTH)
        lines = []
        if row.type_code and names.get(row.type_code) and names[row.type_code] != row.title:
            lines.append(names[row.type_code])
        if row.leader:
            lines.append(_("Leader: {name}").format(name=row.leader))
        if row.group_names:
            lines.append(_("For: {groups}").format(groups=", ".join(row.group_names)))
        if row.capacity:
            lines.append(
                ngettext("Room for {n}", "Room for {n}", row.capacity).format(
                    n=number(row.capacity)
                )
            )
        events.append(
            (
                _event(
                    uid=activity_uid(row.id, instance),
                    summary=row.title,
                    start=start,
                    end=end,
                    location=row.place,
                    description="\n".join(lines),
                    stamp=stamp,
                ),
                start,
            )
        )
    return events


def calendar_bytes(round_id: int) -> bytes:
    """The .ics file's content for a round (to save, send or serve)."""
    return build_calendar(round_id).to_ical()


def write_calendar(built: BuiltCalendar, path: str | os.PathLike[str]) -> BuiltCalendar:
    """Save a built calendar atomically, readable by its owner only; return it."""
    content = built.to_ical()

    def produce(temp: Path) -> int:
        temp.write_bytes(content)
        return built.events

    replace_atomically(path, produce)
    return built


def export_calendar(round_id: int, path: str | os.PathLike[str]) -> BuiltCalendar:
    """Write a round's first meetings to an .ics file.

    The result says how many events it has (`events`) and how many groups were left
    out for want of a meeting time (`skipped`), for a message such as "12 groups have
    no meeting time yet".
    """
    return write_calendar(build_calendar(round_id), path)


def _later(start: dt.datetime, length: dt.timedelta) -> dt.datetime:
    # Real elapsed time, also on the night the clocks change, shown in Oslo time.
    return (start.astimezone(dt.UTC) + length).astimezone(OSLO)


def _description(group: RosterGroup) -> str:
    lines = []
    if group.leader is not None:
        lines.append(_("Leader: {name}").format(name=group.leader.name))
    count = len(group.members)
    lines.append(ngettext("{n} member", "{n} members", count).format(n=number(count)))
    return "\n".join(lines)


def _text(value: str) -> str:
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _event(
    uid: str,
    summary: str,
    start: dt.datetime,
    end: dt.datetime,
    location: str,
    description: str,
    *,
    stamp: dt.datetime | None = None,
) -> Event:
    """One VEVENT. `start` and `end` are aware datetimes; text is escaped by icalendar."""
    return Event.new(
        uid=uid,
        summary=_text(summary),
        start=start,
        end=end,
        description=_text(description) or None,
        location=_text(location) or None,
        stamp=stamp or dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
