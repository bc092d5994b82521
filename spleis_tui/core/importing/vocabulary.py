"""How sign-up forms name their questions and answers (data/reference/forms.toml)."""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass

from spleis_tui.core.reference import reference_dir

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_TRAILING = re.compile(r"[\s?:*.]+$")


@functools.lru_cache(maxsize=16384)
def norm(value: object) -> str:
    """The form a header or an answer is compared in: "Studieprogram\\xa0?" is "studieprogram"."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _SPACES.sub(" ", text).strip().casefold()
    return _TRAILING.sub("", text)


_FOLD_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ö": "o", "ä": "a"})


@functools.lru_cache(maxsize=16384)
def loose(value: object) -> str:
    """`norm` without accents and with Norwegian letters spelled out: "Gjøvik" is "gjovik"."""
    text = norm(value).translate(_FOLD_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s_\-]+", " ", text).strip()


@dataclass(frozen=True)
class FieldWords:
    names: tuple[str, ...]  # whole headers, best first
    words: tuple[str, ...]  # words a long question text contains


@dataclass(frozen=True)
class ExtraOption:
    kind: str
    code: str
    label_nb: str
    label_en: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    fields: dict[str, FieldWords]
    metadata: frozenset[str]
    answers: dict[str, dict[str, str]]  # field -> normalised answer -> code
    option_aliases: dict[str, dict[str, tuple[str, ...]]]  # kind -> answer -> codes
    extra_options: dict[str, dict[str, ExtraOption]]  # kind -> answer -> option
    campus_aliases: dict[str, str]  # normalised name -> campus code


@functools.cache
def vocabulary() -> Vocabulary:
    with (reference_dir() / "forms.toml").open("rb") as handle:
        data = tomllib.load(handle)
    fields = {
        name: FieldWords(
            tuple(norm(n) for n in entry.get("names", [])),
            tuple(norm(w) for w in entry.get("words", [])),
        )
        for name, entry in data["fields"].items()
    }
    answers = {
        name: {norm(text): code for code, texts in entry.items() for text in texts}
        for name, entry in data["answers"].items()
    }
    aliases: dict[str, dict[str, tuple[str, ...]]] = {}
    for kind, entry in data["options"].items():
        if kind.endswith("_many"):
            target = aliases.setdefault(kind.removesuffix("_many"), {})
            for text, codes in entry.items():
                target[norm(text)] = tuple(codes)
        else:
            target = aliases.setdefault(kind, {})
            for code, texts in entry.items():
                for text in texts:
                    target.setdefault(norm(text), (code,))
    extras: dict[str, dict[str, ExtraOption]] = {}
    for kind, entries in data.get("extra_options", {}).items():
        for code, entry in entries.items():
            option = ExtraOption(kind, code, entry["nb"], entry["en"], tuple(entry["aliases"]))
            for text in (code, entry["nb"], entry["en"], *entry["aliases"]):
                extras.setdefault(kind, {})[norm(text)] = option
    campus_aliases = {
        norm(text): code for code, texts in data["campus_aliases"].items() for text in texts
    }
    return Vocabulary(
        fields=fields,
        metadata=frozenset(norm(n) for n in data["metadata"]["names"]),
        answers=answers,
        option_aliases=aliases,
        extra_options=extras,
        campus_aliases=campus_aliases,
    )
