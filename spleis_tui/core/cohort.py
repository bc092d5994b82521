"""Demo cohorts: realistic, reproducible sign-ups made with Faker.

`generate_people()` makes plain dicts (no database); `seed_cohort()` writes them into a
round. The same seed and "today" always give the same cohort: every random choice comes
from one `random.Random(seed)` or from a Faker instance seeded from it, in a fixed order.

Faker is imported lazily (it costs ~0.1 s). Each locale's generator is created once per
thread, with the name provider only, and re-seeded at every call.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peewee import chunked

from spleis_tui.core.db import bulk_insert
from spleis_tui.core.emails import normalise_email
from spleis_tui.core.models import Person, Round, SignUp, database, join_codes, utcnow
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import FIELDS, search_key_for
from spleis_tui.core.text import ascii_fold, clean_text, fold, sort_key

if TYPE_CHECKING:
    from faker import Generator

# A fixed default "today", so ages, birth years and submission times never drift.
DEFAULT_TODAY = dt.date(2027, 1, 15)
SIGNUP_WINDOW_DAYS = 14
PROGRESS_EVERY = 1000

GENDER_WEIGHTS = {"woman": 50, "man": 46, "nonbinary": 2, "unspecified": 2}
GROUP_PREF_WEIGHTS = {"same": 20, "mixed": 30, "any": 50}
LANGUAGE_WEIGHTS_NORWEGIAN = {"no": 72, "both": 26, "en": 2}
LANGUAGE_WEIGHTS_INTERNATIONAL = {"en": 85, "both": 12, "no": 3}
INTERNATIONAL_SHARE = 0.15
FRIEND_SHARE = 0.03  # of people who name a friend who also signed up
MUTUAL_FRIEND_SHARE = 0.8
COMMENT_SHARE = 0.10
WITHDRAWN_SHARE = 0.02

NORWEGIAN_LOCALE = "no_NO"


@dataclass(frozen=True)
class Origin:
    """Where an international student comes from: Faker locale and phone format."""

    locale: str
    weight: int
    phone: str  # "#" is a random digit
    language: dict[str, int] | None = None  # overrides LANGUAGE_WEIGHTS_INTERNATIONAL


ORIGINS: tuple[Origin, ...] = (
    Origin("de_DE", 16, "+49 15# ########"),
    Origin("pl_PL", 10, "+48 5## ### ###"),
    Origin("zh_CN", 11, "+86 13# #### ####"),
    Origin("uk_UA", 8, "+380 6# ### ## ##"),
    Origin("vi_VN", 6, "+84 9# ### ## ##"),
    Origin("es_ES", 8, "+34 6## ### ###"),
    Origin("fr_FR", 8, "+33 6 ## ## ## ##"),
    Origin("it_IT", 8, "+39 3## ### ####"),
    Origin("en_GB", 5, "+44 7### ######"),
    Origin("nl_NL", 5, "+31 6 ########"),
    Origin("en_IN", 6, "+91 9#### #####"),
    Origin("tr_TR", 3, "+90 5## ### ## ##"),
    # Swedes mostly get by in Norwegian.
    Origin("sv_SE", 4, "+46 7# ### ## ##", {"both": 55, "no": 25, "en": 20}),
)

# Relative popularity of the shipped options; options the user adds get DEFAULT_OPTION_WEIGHT.
INTEREST_WEIGHTS = {
    "hiking": 9,
    "boardgames": 7,
    "gaming": 5,
    "cooking": 6,
    "sports": 7,
    "music": 6,
    "film": 7,
    "reading": 4,
    "skiing": 5,
    "climbing": 3,
    "cafe": 7,
    "crafts": 3,
    "photography": 3,
    "volunteering": 2,
    "dance": 2,
    "debate": 2,
}
AVAILABILITY_WEIGHTS = {
    "weekday_morning": 1,
    "weekday_afternoon": 4,
    "weekday_evening": 8,
    "weekend_day": 5,
    "weekend_evening": 4,
}
DEFAULT_OPTION_WEIGHT = 3
INTEREST_COUNT_WEIGHTS = {2: 25, 3: 35, 4: 25, 5: 15}
AVAILABILITY_COUNT_WEIGHTS = {1: 20, 2: 35, 3: 30, 4: 15}
# Most people who join a vennespleis are new: first-years dominate.
YEAR_WEIGHTS_NORWEGIAN = (40, 22, 16, 9, 8, 5, 2, 1)
YEAR_WEIGHTS_INTERNATIONAL = (20, 20, 20, 20, 15, 5, 2, 1)
# Years between finishing school (at 19) and this year of study: gap years, second degrees.
DELAY_WEIGHTS = {-1: 6, 0: 46, 1: 22, 2: 10, 3: 6, 4: 3, 5: 2, 6: 1}
OLDER_STUDENT_SHARE = 0.04  # the tail up to MAX_COHORT_AGE
MIN_COHORT_AGE, MAX_COHORT_AGE = 18, 40

NORWEGIAN_DOMAINS = {
    "stud.ntnu.no": 70,
    "gmail.com": 18,
    "hotmail.com": 4,
    "outlook.com": 4,
    "icloud.com": 2,
    "online.no": 2,
}
INTERNATIONAL_DOMAINS = {"stud.ntnu.no": 60, "gmail.com": 32, "outlook.com": 8}

COMMENTS_NO = (
    "Gleder meg!",
    "Gleder meg! 😊",
    "Er ny i Trondheim og kjenner nesten ingen her.",
    "Har nøtteallergi.",
    "Spiser vegetar.",
    "Kan ikke på tirsdager pga. trening.",
    "Jobber deltid i helgene, så hverdager passer best.",
    "Vil gjerne være i gruppe med folk fra andre studier.",
    "Flyttet hit fra Bodø i høst.",
    "Litt sjenert, men gleder meg likevel :)",
    "Bruker rullestol – fint om vi møtes et sted uten trapper.",
    "Hei!\nJeg pendler fra Stjørdal, så helst rett etter forelesning.",
    "Er med i linjeforeningen og kan hjelpe til med å arrangere.",
)
COMMENTS_EN = (
    "Looking forward to it!",
    "I'm an exchange student here until June.",
    "I'm vegan.",
    "I don't speak Norwegian yet, but I'm learning!",
    "New in Trondheim, would love to meet people.",
    "I have a nut allergy.",
    "Evenings work best for me, I have lectures most days.",
    "Happy to help organise something!",
    "Could my group meet near Gløshaugen? I live close by.",
    "Hi!\nI'm a bit shy but I really want to make friends here.",
)

# Ukrainian national transliteration (2010); the second value is used at a word's start.
_UKRAINIAN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "є": ("ie", "ye"),
    "ж": "zh",
    "з": "z",
    "и": "y",
    "і": "i",
    "ї": ("i", "yi"),
    "й": ("i", "y"),
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ю": ("iu", "yu"),
    "я": ("ia", "ya"),
    "'": "",
    "’": "",
    "ʼ": "",
    "ё": "e",
    "э": "e",
    "ы": "y",
    "ъ": "",
}


def transliterate_ukrainian(text: str) -> str:
    """Ukrainian Cyrillic in Latin letters, keeping word capitals: "Юлія" -> "Yuliia"."""
    out: list[str] = []
    at_start = True
    for char in text:
        value = _UKRAINIAN.get(char.lower())
        if value is None:
            out.append(char)
            at_start = not char.isalpha()
            continue
        latin = value if isinstance(value, str) else value[1 if at_start else 0]
        if char.isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        at_start = False
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _email_part(text: str) -> str:
    """One part of a mail local part: ASCII letters, digits and hyphens."""
    folded = ascii_fold(text).lower().replace(" ", "")
    return "".join(c for c in folded if c.isalnum() or c == "-").strip("-")


class _Picker:
    """Weighted choice from a fixed table, with the cumulative weights computed once."""

    def __init__(self, weights: dict[Any, float] | Sequence[tuple[Any, float]]) -> None:
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        pairs = [(value, w) for value, w in pairs if w > 0]
        self.values = [value for value, _w in pairs]
        self.cum: list[float] = []
        total = 0.0
        for _value, w in pairs:
            total += w
            self.cum.append(total)

    def __bool__(self) -> bool:
        return bool(self.values)

    def __call__(self, rng: random.Random) -> Any:
        # What rng.choices does, without its per-call set-up: this runs ~10 times a person.
        last = len(self.cum) - 1
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1], 0, last)]


_fakers = threading.local()


class _Fakers:
    """One Faker per locale, created once per thread and seeded from the call's seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.seeded: dict[str, Generator] = {}

    def __getitem__(self, locale: str) -> Generator:
        fake = self.seeded.get(locale)
        if fake is None:
            if not hasattr(_fakers, "cache"):
                _fakers.cache = {}
            cache: dict[str, Generator] = _fakers.cache
            fake = cache.get(locale)
            if fake is None:
                from faker import Factory

                # Only the name provider: loading all of them costs ~70 ms a locale. A bare
                # Generator also skips the Faker proxy's per-call attribute lookups.
                fake = Factory.create(locale, providers=["faker.providers.person"])
                cache[locale] = fake
            # Seeded from (seed, locale), so it does not matter which locale is used first.
            fake.seed_instance(f"spleis-cohort:{self.seed}:{locale}")
            self.seeded[locale] = fake
        return fake


@dataclass
class _Name:
    display: str
    given: str  # for the e-mail address; "" when it cannot be made ASCII
    family: str


class _Generator:
    def __init__(self, seed: int, ref: Reference, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.fakers = _Fakers(seed)
        self.ref = ref
        self.today = today
        self.today_yday = today.timetuple().tm_yday
        self.used_emails: set[str] = set()
        self.next_suffix: dict[str, int] = {}
        self.gender = _Picker(GENDER_WEIGHTS)
        self.group_pref = _Picker(GROUP_PREF_WEIGHTS)
        self.origin = _Picker([(o, o.weight) for o in ORIGINS])
        self.language_no = _Picker(LANGUAGE_WEIGHTS_NORWEGIAN)
        self.language_int = _Picker(LANGUAGE_WEIGHTS_INTERNATIONAL)
        self.language_origin = {o.locale: _Picker(o.language) for o in ORIGINS if o.language}
        self.domain_no = _Picker(NORWEGIAN_DOMAINS)
        self.domain_int = _Picker(INTERNATIONAL_DOMAINS)
        self.delay = _Picker(DELAY_WEIGHTS)
        self.interest_count = _Picker(INTEREST_COUNT_WEIGHTS)
        self.availability_count = _Picker(AVAILABILITY_COUNT_WEIGHTS)
        # Sorted by code, so the draws do not depend on the order the reference was read in.
        programmes_on: dict[str, _Picker] = {}
        campus_weights = []
        for code in sorted(ref.campuses):
            offered = sorted(ref.programmes_on(code), key=lambda p: p.code)
            picker = _Picker([(p, max(p.weight, 0) or 1) for p in offered])
            if picker:
                programmes_on[code] = picker
                campus_weights.append((code, max(ref.campuses[code].weight or 0, 0)))
        self.programmes_on = programmes_on
        self.campus = _Picker(campus_weights)
        # Option codes in the form's order; the chosen ones keep that order.
        self.interests = list(ref.options.get("interest", {}))
        self.interest = _Picker(
            [(c, INTEREST_WEIGHTS.get(c, DEFAULT_OPTION_WEIGHT)) for c in self.interests]
        )
        self.slots = list(ref.options.get("availability", {}))
        self.slot = _Picker(
            [(c, AVAILABILITY_WEIGHTS.get(c, DEFAULT_OPTION_WEIGHT)) for c in self.slots]
        )
        # Submissions bunch up when the round is announced and just before the deadline.
        days = [3, 2] + [1] * (SIGNUP_WINDOW_DAYS - 4) + [2, 3]
        self.day = _Picker(list(enumerate(days)))
        hours = [1, 1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 2, 3, 4, 4, 5, 4, 4, 4, 4, 4, 4, 5, 6, 6, 5, 3]
        self.hour = _Picker(list(enumerate(hours)))
        self.opened = dt.datetime.combine(today, dt.time()) - dt.timedelta(days=SIGNUP_WINDOW_DAYS)

    # People

    def person(self, index: int) -> dict:
        rng = self.rng
        international = rng.random() < INTERNATIONAL_SHARE
        origin: Origin | None = self.origin(rng) if international else None
        gender = self.gender(rng)
        # Non-binary people and those who would rather not say may have either kind of name.
        name_gender = gender if gender in ("woman", "man") else rng.choice(("woman", "man"))
        name = self._name(origin.locale if origin else NORWEGIAN_LOCALE, name_gender)

        campus, programme = "", None
        if self.campus:
            campus = self.campus(rng)
            programme = self.programmes_on[campus](rng)
        elif self.ref.campuses:
            campus = sorted(self.ref.campuses)[0]
        year, age = self._year_and_age(programme.years if programme else 3, international)
        birthday = rng.randint(1, 365)
        birth_year = self.today.year - age - (1 if birthday > self.today_yday else 0)

        if origin is None:
            language = self.language_no(rng)
        else:
            language = self.language_origin.get(origin.locale, self.language_int)(rng)
        email = self._email(name, index, international, birth_year)
        submitted = self._submitted_at()
        comment = ""
        if rng.random() < COMMENT_SHARE:
            pool = {"no": COMMENTS_NO, "en": COMMENTS_EN}.get(language) or rng.choice(
                (COMMENTS_NO, COMMENTS_EN)
            )
            comment = rng.choice(pool)
        return {
            "name": unicodedata.normalize("NFC", name.display),
            "email": email,
            "phone": self._phone(origin),
            "gender": gender,
            "age": age,
            "birth_year": birth_year,
            "campus": campus,
            "programme": programme.code if programme else "",
            "department": programme.department if programme else "",
            "faculty": programme.faculty if programme else "",
            "year_of_study": year,
            "language": language,
            "group_pref": self.group_pref(rng),
            "interests": self._options(self.interests, self.interest, self.interest_count(rng)),
            "availability": self._options(self.slots, self.slot, self.availability_count(rng)),
            "friend_email": "",
            "comment": comment,
            "status": "withdrawn" if rng.random() < WITHDRAWN_SHARE else "active",
            "submitted_at": submitted,
            "international": international,
        }

    def _name(self, locale: str, gender: str) -> _Name:
        rng = self.rng
        fake = self.fakers[locale]
        female = gender == "woman"
        first = fake.first_name_female() if female else fake.first_name_male()
        if locale == NORWEGIAN_LOCALE:
            roll = rng.random()
            if roll < 0.05:  # Anne-Lise, Per-Erik
                first += "-" + (fake.first_name_female() if female else fake.first_name_male())
            elif roll < 0.12:  # Ola Martin
                first += " " + (fake.first_name_female() if female else fake.first_name_male())
            last = fake.last_name()
            roll = rng.random()
            if roll < 0.10:
                last = f"{fake.last_name()} {last}"
            elif roll < 0.14:
                last = f"{fake.last_name()}-{last}"
            return _Name(f"{first} {last}", first.split()[0].split("-")[0], last)
        last = fake.last_name_female() if female else fake.last_name_male()
        if locale == "zh_CN":
            if rng.random() < 0.3:
                # Written in Chinese characters, family name first: no ASCII address from it.
                return _Name(f"{last}{first}", "", "")
            given, family = fake.first_romanized_name(), fake.last_romanized_name()
            return _Name(f"{given} {family}", given, family)
        if locale == "uk_UA":
            given, family = transliterate_ukrainian(first), transliterate_ukrainian(last)
            display = f"{first} {last}" if rng.random() < 0.25 else f"{given} {family}"
            return _Name(display, given, family)
        if locale == "vi_VN":
            middle = "Thị" if female else "Văn"
            if rng.random() < 0.5:
                middle = fake.middle_name()
            if rng.random() < 0.7:
                return _Name(f"{last} {middle} {first}", first, last)
            return _Name(f"{first} {last}", first, last)
        return _Name(f"{first} {last}", first.split()[0], last)

    def _email(self, name: _Name, index: int, international: bool, birth_year: int) -> str:
        rng = self.rng
        domain = (self.domain_int if international else self.domain_no)(rng)
        given, family = _email_part(name.given), _email_part(name.family)
        if not given or not family:
            if name.display and not name.given and rng.random() < 0.5:
                domain, base = "qq.com", str(rng.randint(10_000_000, 3_999_999_999))
            else:
                domain, base = "stud.ntnu.no", f"student{index + 1}"
        elif domain == "stud.ntnu.no":
            base = f"{given}.{family}"
        else:
            base = rng.choice(
                (
                    f"{given}.{family}",
                    f"{given}{family}",
                    f"{given}.{family}{birth_year % 100:02d}",
                    f"{given}{birth_year % 100:02d}",
                )
            )
        local = base
        # firstname.lastname, firstname.lastname2, ...: unique ignoring case.
        while f"{local}@{domain}" in self.used_emails:
            suffix = self.next_suffix.get(f"{base}@{domain}", 2)
            self.next_suffix[f"{base}@{domain}"] = suffix + 1
            local = f"{base}{suffix}"
        self.used_emails.add(f"{local}@{domain}")
        if rng.random() < 0.03:  # some people type their address with capitals
            local = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
        return f"{local}@{domain}"

    def _phone(self, origin: Origin | None) -> str:
        rng = self.rng
        roll = rng.random()
        if origin is None:
            return "" if roll < 0.08 else self._norwegian_mobile()
        if roll < 0.2:
            return ""
        if roll < 0.7:  # a Norwegian SIM card
            return self._norwegian_mobile()
        digits = iter(f"{rng.randrange(10**20):020d}")
        return "".join(next(digits) if c == "#" else c for c in origin.phone)

    def _norwegian_mobile(self) -> str:
        rng = self.rng
        digits = f"{rng.choice('94')}{rng.randrange(10_000_000):07d}"
        style = rng.random()
        if style < 0.75:
            return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"
        if style < 0.9:
            return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
        return digits

    def _year_and_age(self, years: int, international: bool) -> tuple[int, int]:
        rng = self.rng
        table = YEAR_WEIGHTS_INTERNATIONAL if international else YEAR_WEIGHTS_NORWEGIAN
        years = min(max(years, 1), 8)  # validate_signup allows years 1 to 8
        weights = [table[i] if i < len(table) else 1 for i in range(years)]
        year = rng.choices(range(1, years + 1), weights=weights)[0]
        if rng.random() < OLDER_STUDENT_SHARE:
            age = rng.randint(26, MAX_COHORT_AGE)
        else:
            # 19 in the first year straight from school, plus any gap years.
            age = 18 + year + self.delay(rng) + (1 if international and rng.random() < 0.5 else 0)
        return year, min(max(age, MIN_COHORT_AGE), MAX_COHORT_AGE)

    def _options(self, codes: list[str], pick: _Picker, count: int) -> list[str]:
        """`count` distinct codes, popular ones more often, in the form's order."""
        count = min(count, len(pick.values))
        chosen: set[str] = set()
        while len(chosen) < count:
            chosen.add(pick(self.rng))
        return [c for c in codes if c in chosen]

    def _submitted_at(self) -> dt.datetime:
        rng = self.rng
        seconds = self.day(rng) * 86_400 + self.hour(rng) * 3600 + rng.randrange(3600)
        return self.opened + dt.timedelta(seconds=seconds)

    # The cohort

    def add_friends(self, people: list[dict]) -> None:
        """Some people name a friend who signed up on the same campus, mostly both ways."""
        rng = self.rng
        n = len(people)
        target = sum(1 for _ in range(n) if rng.random() < FRIEND_SHARE)
        by_campus: dict[str, list[int]] = {}
        for i, person in enumerate(people):
            by_campus.setdefault(person["campus"], []).append(i)
        taken = [False] * n
        namers = 0
        order = list(range(n))
        rng.shuffle(order)
        for i in order:
            if namers >= target:
                break
            if taken[i]:
                continue
            same_campus = by_campus[people[i]["campus"]]
            for _attempt in range(10):
                j = rng.choice(same_campus)
                if j != i and not taken[j]:
                    break
            else:
                continue
            taken[i] = taken[j] = True
            people[i]["friend_email"] = self._as_typed(people[j]["email"])
            namers += 1
            if rng.random() < MUTUAL_FRIEND_SHARE:
                people[j]["friend_email"] = self._as_typed(people[i]["email"])
                namers += 1

    def _as_typed(self, email: str) -> str:
        # A friend's address is sometimes typed in another case: match it case-insensitively.
        return email.lower() if self.rng.random() < 0.9 else email.capitalize()


def generate_people(
    n: int,
    seed: int,
    ref: Reference,
    *,
    today: dt.date = DEFAULT_TODAY,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """A realistic demo cohort of `n` sign-ups, ordered by submission time. No database writes.

    Each dict has the keys of `signups.FIELDS` (interests and availability as lists of
    codes) plus `status`, `submitted_at` (naive UTC) and `international`.
    `progress(done, n)` is called every 1,000 people.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    generator = _Generator(seed, ref, today)
    people = []
    for i in range(n):
        people.append(generator.person(i))
        if progress and (i + 1) % PROGRESS_EVERY == 0:
            progress(i + 1, n)
    generator.add_friends(people)
    # Forms export in submission order; the index breaks ties so the order is stable.
    order = sorted(range(n), key=lambda i: (people[i]["submitted_at"], i))
    return [people[i] for i in order]


# Writing a cohort into a round.


@dataclass(frozen=True)
class SeedResult:
    round_id: int
    round_name: str
    participants: int  # sign-ups added
    withdrawn: int  # of those, how many are withdrawn
    seconds: float
    skipped: int = 0  # e-mails already in the round


def default_round_name(kind: str = "vennespleis", today: dt.date = DEFAULT_TODAY) -> str:
    """ "Vennespleis vår 2027": the measure and the semester that `today` falls in."""
    measure = {
        "vennespleis": "Vennespleis",
        "turgruppe": "Turgrupper",
        "trivselsgruppe": "Trivselsgrupper",
    }.get(kind, "Demo")
    semester = "vår" if today.month <= 6 else "høst"
    return f"{measure} {semester} {today.year}"


def _find_or_create_round(name: str, kind: str) -> Round:

    from spleis_tui.core.rounds import create_round, refuse_if_closed, set_current_round

    found = Round.get_or_none(Round.name_key == fold(name))
    if found is None:
        return create_round(name, kind)
    refuse_if_closed(found.id)
    set_current_round(found.id)
    return found


def seed_cohort(
    n: int,
    seed: int,
    *,
    round_name: str | None = None,
    kind: str = "vennespleis",
    today: dt.date = DEFAULT_TODAY,
    progress: Callable[[int, int], None] | None = None,
) -> SeedResult:
    """Add a generated cohort to a round (created if no round has that name), in one transaction.

    The database must be open (`db.open_db`). People whose e-mail is already in the round
    are skipped, so seeding the same round twice with the same seed adds nothing.
    `progress(done, total)` counts steps: `n` generated, then `n` written (scaled when
    some are skipped); `total` is always `2 * n`.
    """
    from spleis_tui.core.reference import load_reference

    started = time.perf_counter()
    total = 2 * n
    ref = load_reference()
    people = generate_people(
        n, seed, ref, today=today, progress=_scaled(progress, 0, n, total) if progress else None
    )
    name = clean_text(round_name or default_round_name(kind, today))[0]
    now = utcnow()
    with database.atomic():
        round_ = _find_or_create_round(name, kind)
        in_round = {
            key
            for (key,) in Person.select(Person.email_key)
            .join(SignUp)
            .where(SignUp.round == round_.id)
            .tuples()
        }
        fresh = [p for p in people if normalise_email(p["email"]) not in in_round]
        keys = [normalise_email(p["email"]) for p in fresh]
        # All the people in one query: a database holds a few rounds, not millions.
        ids = dict(Person.select(Person.email_key, Person.id).tuples())
        last_id = max(ids.values(), default=0)
        missing = [key for key in keys if key not in ids]
        bulk_insert(Person, [Person.email_key, Person.created_at], [(k, now) for k in missing])
        # Rows added in this transaction are the only ones above the old highest id.
        ids.update(Person.select(Person.email_key, Person.id).where(Person.id > last_id).tuples())

        write_progress = _scaled(progress, n, n, total) if progress else None
        fields = [SignUp._meta.fields[column] for column in _COLUMNS]
        for number, batch in enumerate(chunked(zip(fresh, keys, strict=True), PROGRESS_EVERY)):
            rows = [
                (
                    *(p[key] for key in _STORED),
                    join_codes(p["interests"]),
                    join_codes(p["availability"]),
                    round_.id,
                    ids[key],
                    p["status"],
                    p["submitted_at"],
                    p["submitted_at"],  # consent is given when the form is sent
                    "demo",
                    False,
                    search_key_for(p["name"], p["email"], p["programme"], ref),
                    sort_key(p["name"]),
                    now,
                )
                for p, key in batch
            ]
            bulk_insert(SignUp, fields, rows)
            if write_progress:
                write_progress(number * PROGRESS_EVERY + len(rows), len(fresh))
    if progress:
        progress(total, total)
    return SeedResult(
        round_id=round_.id,
        round_name=round_.name,
        participants=len(fresh),
        withdrawn=sum(1 for p in fresh if p["status"] == "withdrawn"),
        seconds=time.perf_counter() - started,
        skipped=len(people) - len(fresh),
    )


def _scaled(
    progress: Callable[[int, int], None], offset: int, width: int, total: int
) -> Callable[[int, int], None]:
    """Map one phase's (done, of) onto the run's steps offset..offset + width of total."""

    def report(done: int, of: int) -> None:
        progress(offset + (width * done // of if of else width), total)

    return report


# The answers stored as generated (the form's fields, less the two lists, which are
# joined into text), then the columns seed_cohort adds, in its row order.
_STORED = tuple(f for f in FIELDS if f not in ("interests", "availability"))
_COLUMNS = (
    *_STORED,
    "interests",
    "availability",
    "round",
    "person",
    "status",
    "submitted_at",
    "consent_at",
    "source_file",
    "cleaned",
    "search_key",
    "name_key",
    "updated_at",
)
