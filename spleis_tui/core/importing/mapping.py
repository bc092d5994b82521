"""Which column of an export is which field: found from the headers, changed by the user.

A column nobody maps is dropped (data minimisation): it is shown, never stored.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.importing.vocabulary import Vocabulary, norm, vocabulary
from spleis_tui.core.signups import FIELDS
from spleis_tui.i18n import _

# What a column can be mapped to, in the order the mapping is shown: a sign-up's fields,
# with the name also in two parts, and what the form says about the answer itself.
TARGETS = (
    "name",
    "first_name",
    "last_name",
    *(f for f in FIELDS if f != "name"),
    "consent",
    "submitted_at",
    "modified_at",
)
MULTI = frozenset({"interests", "availability"})

# When a long question text holds the words of several fields, the first here wins:
# "Melder du deg på med en venn? (e-post)" is the friend's address, not one's own.
WORD_PRIORITY = (
    "friend_email",
    "consent",
    "group_pref",
    "first_name",
    "last_name",
    "birth_year",
    "year_of_study",
    "availability",
    "interests",
    "email",
    "phone",
    "programme",
    "department",
    "faculty",
    "campus",
    "language",
    "gender",
    "age",
    "comment",
    "name",
)

FIELD = "field"  # the column is read into `field`
CHECKBOX = "checkbox"  # one 0/1 column of a multi-choice question (Nettskjema)
METADATA = "metadata"  # the form's own bookkeeping: not needed
UNKNOWN = "unknown"  # nothing we know: dropped unless mapped
DUPLICATE = "duplicate"  # looks like a field another column already fills
DROPPED = "dropped"  # the user chose not to import it


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    role: str
    field: str = ""
    option: str = ""  # a checkbox column's option, as its header names it

    @property
    def imported(self) -> bool:
        return self.role in (FIELD, CHECKBOX)


@dataclass(frozen=True)
class Mapping:
    columns: tuple[Column, ...]

    def single(self, field: str) -> int | None:
        for column in self.columns:
            if column.role == FIELD and column.field == field:
                return column.index
        return None

    def many(self, field: str) -> list[int]:
        return [c.index for c in self.columns if c.role == FIELD and c.field == field]

    def checkboxes(self, field: str) -> list[tuple[int, str]]:
        return [
            (c.index, c.option) for c in self.columns if c.role == CHECKBOX and c.field == field
        ]

    def has(self, field: str) -> bool:
        return any(c.imported and c.field == field for c in self.columns)

    @property
    def unused(self) -> list[Column]:
        return [c for c in self.columns if not c.imported]

    def problems(self) -> list[str]:
        """What keeps this mapping from importing anything, as sentences."""
        found = []
        if not self.has("email"):
            found.append(_("No column holds the e-mail address: map one (email=HEADER)."))
        if not (self.has("name") or self.has("first_name") or self.has("last_name")):
            found.append(_("No column holds the name: map one (name=HEADER)."))
        return found

    def with_column(self, index: int, field: str) -> Mapping:
        """Read column `index` into `field`, or drop it when `field` is ""."""
        if field and field not in TARGETS:
            raise ValidationError(
                "field",
                _("{value} is not a field; choose one of: {fields}.").format(
                    value=field, fields=", ".join(TARGETS)
                ),
            )
        columns = list(self.columns)
        if field and field not in MULTI:
            # One column a field: the one it had before is let go.
            columns = [
                dataclasses.replace(c, role=DROPPED) if c.role == FIELD and c.field == field else c
                for c in columns
            ]
        old = columns[index]
        if not field:
            columns[index] = dataclasses.replace(old, role=DROPPED)
        elif old.option and old.field == field:
            # A checkbox column given back its question: its 0/1 are ticks, not answers.
            columns[index] = dataclasses.replace(old, role=CHECKBOX)
        else:
            columns[index] = dataclasses.replace(old, role=FIELD, field=field, option="")
        return Mapping(tuple(columns))

    def with_override(self, field: str, header: str) -> Mapping:
        """`field=Header` from the command line; `field=` drops what fills the field now."""
        if field not in TARGETS:
            raise ValidationError(
                "map",
                _("{value} is not a field; choose one of: {fields}.").format(
                    value=field, fields=", ".join(TARGETS)
                ),
            )
        if not header.strip():
            mapping = self
            for column in self.columns:
                if column.imported and column.field == field:
                    mapping = mapping.with_column(column.index, "")
            return mapping
        wanted = norm(header)
        for column in self.columns:
            if norm(column.header) == wanted:
                return self.with_column(column.index, field)
        raise ValidationError(
            "map",
            _("No column is called {header}; the columns are: {headers}.").format(
                header=header, headers=", ".join(c.header for c in self.columns)
            ),
        )

    def settings(self) -> dict[str, str]:
        """Every column by its normalised header: the field, or "" when dropped (profiles)."""
        out: dict[str, str] = {}
        for column in self.columns:
            if column.role == CHECKBOX:
                continue  # found again from the header
            out[norm(column.header)] = column.field if column.role == FIELD else ""
        return out

    def with_settings(self, settings: dict[str, str]) -> Mapping:
        """Apply a saved profile: its columns as saved, any others as detected."""
        mapping = self
        for column in self.columns:
            key = norm(column.header)
            if key in settings:
                field = settings[key]
                if field and field not in TARGETS:
                    continue  # a profile from a newer Spleis: leave the column as detected
                if column.role == CHECKBOX and not field:
                    continue
                mapping = mapping.with_column(column.index, field)
        return mapping


def _matches_word(word: str, header: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", header) is not None


def _guess(header: str, vocab: Vocabulary) -> tuple[str, str, int, str]:
    """(role, field, score, option) for one header; a higher score is a surer guess."""
    key = norm(header)
    if not key:
        return UNKNOWN, "", 0, ""
    for field, words in vocab.fields.items():
        if key in words.names:
            return FIELD, field, 1000 - words.names.index(key), ""
    if key in vocab.metadata:
        return METADATA, "", 0, ""
    if "." in key and not key.startswith("$"):
        question, option = key.split(".", 1)
        for field in MULTI:
            words = vocab.fields[field]
            if question in words.names or any(_matches_word(w, question) for w in words.words):
                return CHECKBOX, field, 500, option.replace("_", " ").strip()
    for rank, field in enumerate(WORD_PRIORITY):
        if any(_matches_word(word, key) for word in vocab.fields[field].words):
            return FIELD, field, 100 - rank, ""
    return UNKNOWN, "", 0, ""


def detect_mapping(headers: tuple[str, ...] | list[str]) -> Mapping:
    """Guess each column's field from its header, in Norwegian or English."""
    vocab = vocabulary()
    guesses = [_guess(h, vocab) for h in headers]
    best: dict[str, tuple[int, int]] = {}  # field -> (score, index)
    for index, (role, field, score, _option) in enumerate(guesses):
        if role == FIELD and field not in MULTI and (field not in best or score > best[field][0]):
            best[field] = (score, index)
    columns = []
    for index, (role, field, _score, option) in enumerate(guesses):
        header = headers[index]
        if role == FIELD and field not in MULTI and best[field][1] != index:
            columns.append(Column(index, header, DUPLICATE, field))
        elif role in (FIELD, CHECKBOX):
            columns.append(Column(index, header, role, field, option))
        else:
            columns.append(Column(index, header, role))
    return Mapping(tuple(columns))


def parse_overrides(items: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """`--map field=Header` items as (field, header) pairs."""
    pairs = []
    for item in items:
        field, sep, header = item.partition("=")
        if not sep:
            raise ValidationError(
                "map", _("{value} is not FIELD=HEADER (such as email=E-post).").format(value=item)
            )
        pairs.append((field.strip(), header.strip()))
    return pairs
