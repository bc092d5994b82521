"""One row of an export into the values we store, with warnings or the reason it is refused.

Rules (docs/import.md): no usable e-mail or no name refuses the row; an impossible age
is left empty with a warning; an unknown campus or programme is kept as written and
flagged; control characters are removed and flagged; text that looks like markup or a
formula is kept literally.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from spleis_tui.core.emails import is_valid_email, is_valid_phone, normalise_email
from spleis_tui.core.importing.mapping import MULTI, TARGETS, Mapping
from spleis_tui.core.importing.vocabulary import Vocabulary, loose, norm, vocabulary
from spleis_tui.core.reference import Reference
from spleis_tui.core.signups import MAX_AGE, MIN_AGE, field_label
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import _

OSLO = ZoneInfo("Europe/Oslo")
LIMITS = {"name": 200, "email": 320, "phone": 40, "friend_email": 320, "comment": 2000}
# What our export writes before a cell that would start a formula; undone on the way in.
_FORMULA_STARTS = ("'=", "'+", "'-", "'@", "'\t", "'\r")


def unneutralise(cell: str) -> str:
    """Undo the ' our exports put before a cell that would start a formula."""
    return cell[1:] if cell.startswith(_FORMULA_STARTS) else cell


_TICKED = frozenset({"1", "x", "ja", "yes", "true", "sant", "checked", "avkrysset", "on"})


@dataclass
class Row:
    """One row as it will be stored, or refused."""

    number: int  # as a spreadsheet numbers it: the header is row 1
    values: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    reject: str = ""  # why the row is refused; "" when it is imported
    cleaned: bool = False
    new_options: list[tuple[str, str, str, str]] = field(default_factory=list)
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (field, value) kept as written

    @property
    def email_key(self) -> str:
        return normalise_email(self.values.get("email", ""))

    def warn(self, key: str, message: str) -> None:
        self.warnings.append(f"{field_label(key)}: {message}")


class OptionResolver:
    """Answers to a multi-choice question as option codes; unknown answers become options."""

    def __init__(self, kind: str, ref: Reference, vocab: Vocabulary) -> None:
        self.kind = kind
        self.lookup: dict[str, tuple[str, ...]] = {}
        for text, codes in vocab.option_aliases.get(kind, {}).items():
            self.lookup[text] = codes
        for code, info in ref.options.get(kind, {}).items():
            for text in (code, info.label_nb, info.label_en):
                self.lookup[norm(text)] = (code,)
        self.loose = {loose(text): codes for text, codes in self.lookup.items()}
        self.extras = vocab.extra_options.get(kind, {})
        self.taken = set(ref.options.get(kind, {}))
        self.created: dict[str, tuple[str, str, str, str]] = {}  # answer -> new option

    def codes_for(self, answer: str) -> tuple[tuple[str, ...], tuple[str, str, str, str] | None]:
        key = norm(answer)
        if not key:
            return (), None
        found = self.lookup.get(key) or self.loose.get(loose(key))
        if found:
            return found, None
        if key in self.created:
            option = self.created[key]
            return (option[1],), None
        extra = self.extras.get(key)
        if extra is not None and extra.code not in self.taken:
            option = (self.kind, extra.code, extra.label_nb, extra.label_en)
        else:
            label = clean_text(answer)[0][:100]
            option = (self.kind, self._free_code(label), label, label)
        self.created[key] = option
        self.taken.add(option[1])
        for text in (key, norm(option[2]), norm(option[3])):
            self.lookup[text] = (option[1],)
        return (option[1],), option

    def _known(self, answer: str) -> bool:
        key = norm(answer)
        return key in self.lookup or loose(key) in self.loose

    def _free_code(self, label: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "_", loose(label)).strip("_")[:28] or "option"
        code, n = base, 2
        while code in self.taken:
            code, n = f"{base}_{n}", n + 1
        return code

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one resolver per import)
    def cell_codes(
        self, cell: str
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str, str, str], ...]]:
        """The option codes of one cell's answers, and the options made for unknown ones."""
        codes: list[str] = []
        created = []
        for answer in self.split(unneutralise(cell)):
            found, option = self.codes_for(clean_text(answer)[0])
            codes += found
            if option is not None:
                created.append(option)
        return tuple(codes), tuple(created)

    def split(self, cell: str) -> tuple[str, ...]:
        """The answers in one cell: `a;b;` (Microsoft Forms) or `a, b` (Google Forms)."""
        text = cell.strip()
        if not text:
            return ()
        if ";" in text:
            return tuple(part.strip() for part in text.split(";") if part.strip())
        # An answer may itself hold ", ": join neighbouring parts into the longest known one.
        parts = [part.strip() for part in text.split(",")]
        answers = []
        start = 0
        while start < len(parts):
            for end in range(len(parts), start, -1):
                candidate = ", ".join(parts[start:end])
                if end == start + 1 or self._known(candidate):
                    break
            answers.append(candidate)
            start = end
        return tuple(a for a in answers if a)


class RowConverter:
    """Turns cells into a Row, for one file's mapping."""

    def __init__(self, mapping: Mapping, ref: Reference, *, today: dt.date | None = None) -> None:
        self.mapping = mapping
        self.ref = ref
        self.vocab = vocabulary()
        self.today = today or dt.date.today()
        self.single = {f: mapping.single(f) for f in TARGETS if f not in MULTI}
        self.columns = {f: mapping.many(f) for f in MULTI}
        self.checkboxes = {f: mapping.checkboxes(f) for f in MULTI}
        self.options = {
            "interests": OptionResolver("interest", ref, self.vocab),
            "availability": OptionResolver("availability", ref, self.vocab),
        }
        self.has_consent = self.single["consent"] is not None
        self.provided = self._provided()
        self.campus_lookup = self._campus_lookup()
        self.programme_lookup = self._lookup(
            (code, info.name_nb, info.name_en) for code, info in ref.programmes.items()
        )
        self.department_lookup = self._lookup(
            (code, d.name_nb, d.name_en) for code, d in ref.departments.items()
        )
        self.faculty_lookup = self._lookup(
            (code, f.name_nb, f.name_en) for code, f in ref.faculties.items()
        )

    def _provided(self) -> frozenset[str]:
        """The stored fields this file fills: a field it lacks is left as it is stored."""
        has = self.mapping.has
        out = {"name", "email"}
        out |= {f for f in ("phone", "gender", "language", "group_pref") if has(f)}
        out |= {f for f in ("year_of_study", "friend_email", "comment") if has(f)}
        out |= {f for f in MULTI if has(f)}
        if has("age") or has("birth_year"):
            out |= {"age", "birth_year"}
        if has("campus"):
            out.add("campus")
        if has("programme") or has("department") or has("faculty"):
            out |= {"programme", "department", "faculty"}
        return frozenset(out)

    @staticmethod
    def _lookup(entries) -> dict[str, str]:
        table: dict[str, str] = {}
        for code, *names in entries:
            for text in (code, *names):
                table.setdefault(loose(text), code)
        return table

    def _campus_lookup(self) -> dict[str, str]:
        table = self._lookup((code, c.name) for code, c in self.ref.campuses.items())
        for text, code in self.vocab.campus_aliases.items():
            if code in self.ref.campuses:
                table.setdefault(loose(text), code)
        return table

    def cell(self, cells: list[str], key: str) -> str:
        index = self.single.get(key)
        if index is None or index >= len(cells):
            return ""
        return unneutralise(cells[index])

    def text(self, row: Row, cells: list[str], key: str, *, multiline: bool = False) -> str:
        value, cleaned = clean_text(self.cell(cells, key), multiline=multiline)
        if cleaned:
            row.cleaned = True
            row.warn(key, _("control characters were removed."))
        limit = LIMITS.get(key, 200)
        if len(value) > limit:
            row.warn(
                key,
                _("cut to {limit} characters from {length}.").format(
                    limit=limit, length=len(value)
                ),
            )
            value = value[:limit].rstrip()
        return value

    def convert(self, number: int, cells: list[str]) -> Row:
        row = Row(number)
        values = row.values
        name = self.text(row, cells, "name")
        if not name:
            first = self.text(row, cells, "first_name")
            last = self.text(row, cells, "last_name")
            name = " ".join(p for p in (first, last) if p)[: LIMITS["name"]]
        email = self.text(row, cells, "email")
        if not email:
            row.reject = _("Row {row}: no e-mail address.").format(row=number)
        elif not is_valid_email(email):
            row.reject = _("Row {row}, e-mail: {value} is not an e-mail address.").format(
                row=number, value=email
            )
        elif not name:
            row.reject = _("Row {row}: no name.").format(row=number)
        values["name"] = name
        values["email"] = email.strip().strip("<>").removeprefix("mailto:").strip()
        if self.has_consent:
            answer = self.vocab.answers["consent"].get(norm(self.cell(cells, "consent")))
            if answer != "yes" and not row.reject:
                row.reject = _("Row {row}: did not agree to the privacy note.").format(row=number)
        if row.reject:
            return row

        phone = self.text(row, cells, "phone")
        if phone and not is_valid_phone(phone):
            row.warn("phone", _("{value} does not look like a phone number.").format(value=phone))
        values["phone"] = phone
        values["gender"] = self._choice(row, cells, "gender", "unspecified")
        values["language"] = self._choice(row, cells, "language", "both")
        values["group_pref"] = self._choice(row, cells, "group_pref", "any")
        submitted = self._time(row, cells, "submitted_at")
        modified = self._time(row, cells, "modified_at")
        if modified and (submitted is None or modified > submitted):
            submitted = modified
        values["submitted_at"] = submitted
        self._age(row, cells, submitted)
        values["year_of_study"] = self._number(row, cells, "year_of_study", 1, 8)
        self._place(row, cells)
        for key in MULTI:
            values[key] = self._options(row, cells, key)
        friend = self.text(row, cells, "friend_email")
        if friend and not is_valid_email(friend):
            row.warn(
                "friend_email",
                _("{value} is not an e-mail address; kept as written.").format(value=friend),
            )
        elif friend and normalise_email(friend) == normalise_email(email):
            friend = ""  # naming oneself as the friend says nothing
        values["friend_email"] = friend
        values["comment"] = self.text(row, cells, "comment", multiline=True)
        for key in list(values):
            if key not in self.provided and key != "submitted_at":
                del values[key]
        return row

    def _choice(self, row: Row, cells: list[str], key: str, default: str) -> str:
        raw = self.cell(cells, key)
        if not raw.strip():
            return default
        code = self.vocab.answers[key].get(norm(raw))
        if code is None:
            row.warn(
                key,
                _("{value} is not an answer we know; left as {default}.").format(
                    value=clean_text(raw)[0], default=_default_words(key)
                ),
            )
            return default
        return code

    def _number(self, row: Row, cells: list[str], key: str, low: int, high: int) -> int | None:
        raw = clean_text(self.cell(cells, key))[0]
        if not raw:
            return None
        match = re.match(r"^(\d+)(?:[.,]0+)?\b", raw)
        if match is None:
            row.warn(key, _("{value} is not a number; left empty.").format(value=raw))
            return None
        number = int(match.group(1))
        if not low <= number <= high:
            row.warn(
                key,
                _("{value} is not from {low} to {high}; left empty.").format(
                    value=raw, low=low, high=high
                ),
            )
            return None
        return number

    def _age(self, row: Row, cells: list[str], submitted: dt.datetime | None) -> None:
        age = self._number(row, cells, "age", MIN_AGE, MAX_AGE)
        year = (submitted.date() if submitted else self.today).year
        birth_year = self._number(row, cells, "birth_year", year - MAX_AGE, year - MIN_AGE)
        if age is None and birth_year is not None:
            age = year - birth_year
        row.values["age"], row.values["birth_year"] = age, birth_year

    def _place(self, row: Row, cells: list[str]) -> None:
        values = row.values
        campus_raw = clean_text(self.cell(cells, "campus"))[0]
        campus = self.campus_lookup.get(loose(campus_raw))
        if campus_raw and campus is None:
            stripped = re.sub(r"^ntnu( i)?\s+", "", loose(campus_raw))
            campus = self.campus_lookup.get(stripped)
        if campus_raw and campus is None:
            row.warn(
                "campus",
                _(
                    "{value} is not a known campus; kept as written. "
                    "Add it under Reference data and import again."
                ).format(value=campus_raw),
            )
            campus = campus_raw
            row.unknown.append(("campus", campus_raw))
        values["campus"] = campus or ""

        programme_raw = clean_text(self.cell(cells, "programme"))[0]
        programme = self.programme_lookup.get(loose(programme_raw))
        info = self.ref.programmes.get(programme) if programme else None
        if programme_raw and programme is None:
            row.warn(
                "programme",
                _(
                    "{value} is not a known study programme; kept as written. "
                    "Add it under Reference data and import again."
                ).format(value=programme_raw),
            )
            programme = programme_raw
            row.unknown.append(("programme", programme_raw))
        values["programme"] = programme or ""
        if info is not None:
            values["department"], values["faculty"] = info.department, info.faculty
            return
        department_raw = clean_text(self.cell(cells, "department"))[0]
        department = self.department_lookup.get(loose(department_raw), department_raw)
        faculty_raw = clean_text(self.cell(cells, "faculty"))[0]
        faculty = self.faculty_lookup.get(loose(faculty_raw), faculty_raw)
        known = self.ref.departments.get(department)
        if known is not None and not faculty:
            faculty = known.faculty_id
        values["department"], values["faculty"] = department, faculty

    def _options(self, row: Row, cells: list[str], key: str) -> list[str]:
        resolver = self.options[key]
        codes: list[str] = []
        for index in self.columns[key]:
            if index < len(cells) and cells[index]:
                found, created = resolver.cell_codes(cells[index])
                codes += found
                row.new_options += created
        for index, option in self.checkboxes[key]:
            if index < len(cells) and cells[index].strip().casefold() in _TICKED:
                found, created = resolver.cell_codes(option)
                codes += found
                row.new_options += created
        return list(dict.fromkeys(codes))

    def _time(self, row: Row, cells: list[str], key: str) -> dt.datetime | None:
        raw = clean_text(self.cell(cells, key))[0]
        if not raw:
            return None
        moment = parse_moment(raw)
        if moment is None:
            row.warn(key, _("{value} is not a date and time we can read.").format(value=raw))
        return moment


def _default_words(key: str) -> str:
    """What a field's default means, in words, for a warning."""
    return {
        "gender": _("not given"),
        "language": _("either language"),
        "group_pref": _("no preference"),
    }.get(key, key)


_GOOGLE = re.compile(
    r"^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?"
    r"(?: (?:GMT|UTC)([+-]\d{1,2})(?::?(\d{2}))?)?$",
    re.IGNORECASE,
)
_NORWEGIAN = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,? (\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:,? (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AP]M))?)?$",
    re.IGNORECASE,
)


def _hour(hour: str, half: str | None) -> int:
    value = int(hour)
    if half:
        value = value % 12 + (12 if half.upper() == "PM" else 0)
    return value


@functools.lru_cache(maxsize=65536)
def parse_moment(text: str) -> dt.datetime | None:
    """A form's timestamp as naive UTC. Times without a zone are Oslo's.

    Reads ISO 8601 (Nettskjema, spreadsheets), Google's `2027/01/11 09:01:00 AM GMT+1`,
    Norwegian `11.01.2027 09:01:00`, US `1/11/2027 9:01:00 AM` and Excel day numbers.
    """
    text = text.strip()
    local: dt.datetime | None = None
    with contextlib.suppress(ValueError):
        local = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if local is None and (m := _GOOGLE.match(text)):
        year, month, day, hour, minute, second, half, off_h, off_m = m.groups()
        try:
            local = dt.datetime(
                int(year), int(month), int(day), _hour(hour, half), int(minute), int(second or 0)
            )
        except ValueError:
            return None
        if off_h is not None:
            sign = -1 if off_h.startswith("-") else 1
            offset = dt.timedelta(hours=int(off_h), minutes=sign * int(off_m or 0))
            local = local.replace(tzinfo=dt.timezone(offset))
    elif local is None and (m := _NORWEGIAN.match(text)):
        day, month, year, hour, minute, second = m.groups()
        try:
            local = dt.datetime(
                int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0)
            )
        except ValueError:
            return None
    elif local is None and (m := _US.match(text)):
        month, day, year, hour, minute, second, half = m.groups()
        try:
            local = dt.datetime(
                int(year),
                int(month),
                int(day),
                _hour(hour or "0", half),
                int(minute or 0),
                int(second or 0),
            )
        except ValueError:
            return None
    elif local is None and re.match(r"^\d{5}(?:\.\d+)?$", text):
        # An Excel day number that lost its date format in a resave.
        local = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(text))
        local = local.replace(microsecond=0)
    if local is None:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=OSLO)
    return local.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
