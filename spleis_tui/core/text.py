"""Cleaning untrusted participant text on the way in.

Rich and Textual strip only a few control characters: ESC sequences, C1 controls and
bidi overrides survive to the terminal. We remove them when text is stored and flag
the row, so the user can see that a value was changed. Markup-like text such as
``[b]`` and formula-like text such as ``=SUM()`` is kept literally: it is escaped
where it is shown or exported, not here.
"""

from __future__ import annotations

import re
import unicodedata

# ESC/CSI/OSC sequences first, so their parameters go with them.
_ANSI = re.compile(
    r"(?:\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"  # OSC ... BEL or ST
    r"|(?:\x1b\[[0-?]*[ -/]*[@-~])"  # CSI
    r"|(?:\x9b[0-?]*[ -/]*[@-~])"  # 8-bit CSI
    r"|(?:\x1b[@-Z\\-_])"  # other two-byte escapes
)
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_text(value: object, *, multiline: bool = False) -> tuple[str, bool]:
    """Return the text in NFC, trimmed, and whether anything unsafe was removed.

    Line breaks and tabs are ordinary white space, not unsafe: a single-line field
    folds them to one space, a multi-line field (a comment) keeps its line breaks.
    """
    if value is None:
        return "", False
    text = str(value)
    # Most cells are already clean: printable (no controls, tabs or odd spaces), in NFC,
    # trimmed, single-spaced. Checking that is many times cheaper than cleaning.
    if (
        text.isprintable()
        and "  " not in text
        and text == text.strip()
        and unicodedata.is_normalized("NFC", text)
    ):
        return text, False
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    safe = _CONTROL.sub("", _ANSI.sub("", text))
    unsafe = safe != text
    if multiline:
        lines = (_SPACES.sub(" ", line).strip() for line in safe.split("\n"))
        return "\n".join(lines).strip(), unsafe
    return _SPACES.sub(" ", safe.replace("\n", " ")).strip(), unsafe


def fold(value: str) -> str:
    """The form text is compared and searched in: NFC, casefolded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip().casefold()


# Norwegian alphabetical order puts æ, ø, å after z (and reads ä as æ, ö as ø).
# SQL collations differ between backends, so we store this key and sort on it.
_NORWEGIAN_LAST = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"})


def sort_key(value: str) -> str:
    """A key that orders names as a Norwegian reader expects, and numbers by value.

    "Gruppe 2" sorts before "Gruppe 10"; "Åse" after "Øystein"; "Émile" with "Emile".
    """
    text = fold(value).translate(_NORWEGIAN_LAST)
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\d+", lambda m: m.group().zfill(10), letters)


_WORD_SPLIT = re.compile(r"[\s@.\-_/()+,;:]+")


def search_words(*values: str) -> str:
    """The searchable words of some texts, folded: each value whole and in its parts.

    Search matches the start of a word, so "berg" finds "Berg" and "Bergersen" but not
    "Solberg"; an e-mail is also split at "@" and dots so "ntnu" finds it.
    """
    words: list[str] = []
    for value in values:
        folded = fold(value)
        if not folded:
            continue
        words += folded.split()
        words += [part for part in _WORD_SPLIT.split(folded) if part]
    return " " + " ".join(dict.fromkeys(words)) + " "


# Letters NFKD does not take apart, folded the way NTNU and most mail providers do.
_ASCII_EXTRA = str.maketrans(
    {
        "æ": "ae",
        "Æ": "Ae",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
    }
)


def ascii_fold(text: str) -> str:
    """Latin letters without diacritics: "Bjørn Ærø" -> "Bjorn Aero". Other scripts vanish."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(c for c in decomposed if c.isascii() and not unicodedata.combining(c))


def file_slug(text: str, fallback: str = "spleis", limit: int = 60) -> str:
    """A safe, readable file name part: "Vennespleis vår 2027" -> "vennespleis-var-2027"."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return "-".join(words)[:limit].strip("-") or fallback
