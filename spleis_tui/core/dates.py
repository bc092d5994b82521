"""Dates and times as people write them, in English or bokmål, whatever the system locale:
"Thursday 28 January 2027, 17:00" and "torsdag 28. januar 2027 kl. 17:00"."""

from __future__ import annotations

import datetime as dt

from spleis_tui.i18n import current_language

WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "nb": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
}
MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "nb": (
        "januar", "februar", "mars", "april", "mai", "juni",
        "juli", "august", "september", "oktober", "november", "desember",
    ),
}  # fmt: skip


def _language(lang: str | None) -> str:
    return "nb" if (lang or current_language()) == "nb" else "en"


def format_day(day: dt.date, lang: str | None = None) -> str:
    """ "28 January 2027", or "28. januar 2027" in bokmål (default: the app's language)."""
    lang = _language(lang)
    month = MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang == "nb" else f"{day.day} {month} {day.year}"


def format_date(day: dt.date, lang: str | None = None) -> str:
    """The day with its weekday: "Thursday 28 January 2027", "torsdag 28. januar 2027"."""
    lang = _language(lang)
    return f"{WEEKDAYS[lang][day.weekday()]} {format_day(day, lang)}"


def format_meeting_time(at: dt.datetime, lang: str | None = None) -> str:
    """ "Thursday 28 January 2027, 17:00", or "torsdag 28. januar 2027 kl. 17:00"."""
    lang = _language(lang)
    clock = f"{at.hour:02d}:{at.minute:02d}"
    day = format_date(at.date(), lang)
    return f"{day} kl. {clock}" if lang == "nb" else f"{day}, {clock}"
