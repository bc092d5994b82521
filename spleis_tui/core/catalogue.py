"""The activity catalogue: low-threshold things to do together, with tips and a plan B.

Shipped in ``data/reference/activities.toml`` and copied into the database when it has
no catalogue yet (a new file, or one migrated from schema 4); the user can add their
own kinds. Shipped kinds cannot be deleted, so every installation keeps the basics.

    >>> [e.code for e in list_catalogue(season="winter")][:3]  # doctest: +SKIP
    ['fottur', 'skidag', 'skoyter']
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import SEASONS, ActivityType, database, join_codes, split_codes
from spleis_tui.core.reference import reference_dir
from spleis_tui.core.text import clean_text, sort_key
from spleis_tui.i18n import _, current_language

CATALOGUE_FILE = "activities.toml"
NAME_LIMIT = 100
TEXT_LIMIT = 2_000
COST_LIMIT = 100_000
_CODE = re.compile(r"[a-z0-9_-]{1,32}")

# Month -> season, as Trondheim has them: winter is December to February.
_SEASON_OF_MONTH = {
    12: "winter", 1: "winter", 2: "winter",
    3: "spring", 4: "spring", 5: "spring",
    6: "summer", 7: "summer", 8: "summer",
    9: "autumn", 10: "autumn", 11: "autumn",
}  # fmt: skip


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    name_nb: str
    name_en: str
    description_nb: str
    description_en: str
    seasons: tuple[str, ...]
    cost_nok: int
    outdoor: bool
    tips_nb: tuple[str, ...]
    tips_en: tuple[str, ...]
    bad_weather_nb: str
    bad_weather_en: str
    shipped: bool
    position: int

    def name(self, lang: str | None = None) -> str:
        return self.name_nb if _lang(lang) == "nb" else self.name_en

    def description(self, lang: str | None = None) -> str:
        return self.description_nb if _lang(lang) == "nb" else self.description_en

    def tips(self, lang: str | None = None) -> tuple[str, ...]:
        return self.tips_nb if _lang(lang) == "nb" else self.tips_en

    def bad_weather(self, lang: str | None = None) -> str:
        return self.bad_weather_nb if _lang(lang) == "nb" else self.bad_weather_en

    @property
    def free(self) -> bool:
        return self.cost_nok == 0


def _lang(lang: str | None) -> str:
    return "nb" if (lang or current_language()) == "nb" else "en"


def _entry(row: ActivityType) -> CatalogueEntry:
    return CatalogueEntry(
        code=row.code,
        name_nb=row.name_nb,
        name_en=row.name_en,
        description_nb=row.description_nb,
        description_en=row.description_en,
        seasons=tuple(split_codes(row.seasons)) or ("all",),
        cost_nok=row.cost_nok,
        outdoor=bool(row.outdoor),
        tips_nb=_lines(row.tips_nb),
        tips_en=_lines(row.tips_en),
        bad_weather_nb=row.bad_weather_nb,
        bad_weather_en=row.bad_weather_en,
        shipped=bool(row.shipped),
        position=row.position,
    )


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line for line in (text or "").split("\n") if line.strip())


# Validation, shared by the shipped file and the user's own entries.


def _text(field: str, value: object, limit: int, *, multiline: bool = False) -> str:
    if isinstance(value, list | tuple):  # tips, one a line
        value = "\n".join(str(v) for v in value)
    text = clean_text(value, multiline=multiline)[0]
    if multiline:
        text = "\n".join(line for line in text.split("\n") if line)
    if len(text) > limit:
        raise ValidationError(
            field, _("This is too long (at most {limit} characters).").format(limit=limit)
        )
    return text


def parse_seasons(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """Season codes from "winter;spring", "winter, spring" or a list; ("all",) if none."""
    if value is None:
        return ("all",)
    if isinstance(value, str):
        value = re.split(r"[;,\s]+", value)
    codes = [str(code).strip().lower() for code in value if str(code).strip()]
    unknown = [code for code in codes if code not in SEASONS]
    if unknown:
        raise ValidationError(
            "seasons",
            _("{value} is not a season. Choose from: {seasons}.").format(
                value=unknown[0], seasons=", ".join(SEASONS)
            ),
        )
    if not codes or "all" in codes:
        return ("all",)
    return tuple(season for season in SEASONS if season in codes)  # in the usual order


def _values(data: Mapping[str, object]) -> dict:
    code = str(data.get("code") or "").strip().lower()
    if not _CODE.fullmatch(code):
        raise ValidationError(
            "code",
            _(
                "A code is one word of at most 32 characters: small letters a-z, digits, "
                "- and _ (like kubb or mini-golf)."
            ),
        )
    name_nb = _text("name_nb", data.get("name_nb"), NAME_LIMIT)
    if not name_nb:
        raise ValidationError("name_nb", _("Name is required."))
    name_en = _text("name_en", data.get("name_en"), NAME_LIMIT) or name_nb
    cost = data.get("cost_nok", 0)
    if cost in (None, ""):
        cost = 0
    try:
        if isinstance(cost, bool) or (isinstance(cost, float) and not cost.is_integer()):
            raise ValueError
        cost = int(str(cost).strip()) if isinstance(cost, str) else int(cost)
    except (TypeError, ValueError):
        cost = -1
    if not 0 <= cost <= COST_LIMIT:
        raise ValidationError(
            "cost_nok",
            _("The cost is a whole number of kroner from 0 (free) to {limit}.").format(
                limit=f"{COST_LIMIT:,}".replace(",", " ")
            ),
        )
    values = {
        "code": code,
        "name_nb": name_nb,
        "name_en": name_en,
        "seasons": join_codes(parse_seasons(data.get("seasons"))),  # type: ignore[arg-type]
        "cost_nok": cost,
        "outdoor": bool(data.get("outdoor", True)),
    }
    for key in ("description_nb", "description_en", "bad_weather_nb", "bad_weather_en"):
        values[key] = _text(key, data.get(key), TEXT_LIMIT, multiline=True)
    for key in ("tips_nb", "tips_en"):
        values[key] = _text(key, data.get(key), TEXT_LIMIT, multiline=True)
    return values


# The shipped catalogue.


def shipped_entries() -> list[dict]:
    """The entries of the shipped TOML, as written there."""
    with (reference_dir() / CATALOGUE_FILE).open("rb") as handle:
        return tomllib.load(handle)["activity"]


def load_shipped_catalogue(*, only_if_empty: bool = True) -> int:
    """Insert the shipped kinds the database lacks; return how many were added.

    With `only_if_empty`, only when the catalogue has no entry at all (a new database,
    or one made before there was a catalogue). Entries already there, shipped or the
    user's, are left as they are.
    """
    if only_if_empty and ActivityType.select().exists():
        return 0
    entries = shipped_entries()
    with database.atomic():
        if only_if_empty and ActivityType.select().exists():  # another process was first
            return 0
        have = {code for (code,) in ActivityType.select(ActivityType.code).tuples()}
        rows = []
        for position, entry in enumerate(entries):
            values = _values(entry)
            if values["code"] in have:
                continue
            have.add(values["code"])
            rows.append({**values, "shipped": True, "position": position})
        if rows:
            ActivityType.insert_many(rows).execute()
    return len(rows)


# Reading.


def list_catalogue(*, season: str | None = None) -> list[CatalogueEntry]:
    """The catalogue ordered by position, then name; with `season`, only what suits it.

    An entry for "all" seasons suits every season; `season="all"` lists everything.
    """
    if season is not None:
        season = season.strip().lower()
        if season not in SEASONS:
            raise ValidationError(
                "season",
                _("{value} is not a season. Choose from: {seasons}.").format(
                    value=season, seasons=", ".join(SEASONS)
                ),
            )
    entries = [_entry(row) for row in ActivityType.select()]
    if season not in (None, "all"):
        entries = [e for e in entries if "all" in e.seasons or season in e.seasons]
    return sorted(entries, key=lambda e: (e.position, sort_key(e.name()), e.code))


def get_type(code: str) -> ActivityType:
    found = ActivityType.get_or_none(ActivityType.code == str(code).strip().lower())
    if found is None:
        raise NotFound(_("No activity in the catalogue has the code {code}.").format(code=code))
    return found


def get_entry(code: str) -> CatalogueEntry:
    return _entry(get_type(code))


# The user's own kinds.


def add_type(
    code: str,
    name_nb: str,
    name_en: str = "",
    *,
    description_nb: str = "",
    description_en: str = "",
    seasons: Iterable[str] | str = ("all",),
    cost_nok: int = 0,
    outdoor: bool = True,
    tips_nb: str | Iterable[str] = "",
    tips_en: str | Iterable[str] = "",
    bad_weather_nb: str = "",
    bad_weather_en: str = "",
) -> ActivityType:
    """Add a kind of activity of the user's own; tips are one a line (or a list)."""
    if not isinstance(tips_nb, str):
        tips_nb = list(tips_nb)
    if not isinstance(tips_en, str):
        tips_en = list(tips_en)
    values = _values(
        {
            "code": code,
            "name_nb": name_nb,
            "name_en": name_en,
            "description_nb": description_nb,
            "description_en": description_en,
            "seasons": seasons,
            "cost_nok": cost_nok,
            "outdoor": outdoor,
            "tips_nb": tips_nb,
            "tips_en": tips_en,
            "bad_weather_nb": bad_weather_nb,
            "bad_weather_en": bad_weather_en,
        }
    )
    with database.atomic():
        if ActivityType.select().where(ActivityType.code == values["code"]).exists():
            raise ValidationError(
                "code",
                _("There is already an activity with the code {code}.").format(code=values["code"]),
            )
        last = (
            ActivityType.select(ActivityType.position)
            .order_by(ActivityType.position.desc())
            .scalar()
        )
        return ActivityType.create(
            **values, shipped=False, position=(last + 1) if last is not None else 0
        )


def delete_type(code: str) -> None:
    """Delete a kind the user added. Activities of that kind keep their title and time."""
    with database.atomic():
        found = get_type(code)
        if found.shipped:
            raise ValidationError(
                "code",
                _("{name} comes with Spleis and cannot be deleted.").format(
                    name=found.name(current_language())
                ),
            )
        found.delete_instance()


# Seasons.


def season_of(day: dt.date) -> str:
    """ "winter" (December to February), "spring", "summer" or "autumn" (September to
    November)."""
    return _SEASON_OF_MONTH[day.month]


def fits_season(entry: CatalogueEntry | ActivityType, day: dt.date) -> bool:
    """Whether an activity suits the season a day falls in."""
    seasons = entry.seasons
    codes = split_codes(seasons) if isinstance(seasons, str) else list(seasons)
    return not codes or "all" in codes or season_of(day) in codes
