"""Translations through gettext. English is the source language; bokmål is `nb`.

`_()` looks the text up in the current language at call time, so the language can
change while the app runs. `N_()` only marks a text for extraction; code that shows
it later passes it through `_()` then (binding descriptions, for example).
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

DOMAIN = "spleis"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "nb")

_current = "en"
_translation: gettext.NullTranslations = gettext.NullTranslations()


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """`nb` when the user's locale is Norwegian (nb, no or nn), else English."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            first = value.split(":")[0].lower()
            return "nb" if first[:2] in ("nb", "no", "nn") else "en"
    return "en"


def set_language(lang: str) -> None:
    global _current, _translation
    lang = "nb" if lang.lower()[:2] in ("nb", "no", "nn") else "en"
    _current = lang
    if lang == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def current_language() -> str:
    return _current


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


@functools.cache
def _translation_for(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def gettext_in(lang: str, message: str) -> str:
    """`message` in a given language, whatever the app's is: an e-mail in its reader's."""
    return _translation_for("nb" if lang.lower()[:2] in ("nb", "no", "nn") else "en").gettext(
        message
    )


def N_(message: str) -> str:
    return message


def number(value: int) -> str:
    """A whole number grouped the way the current language writes it: 1,168 or 1 168."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if _current == "nb" else grouped
