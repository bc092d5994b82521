"""E-mail addresses, the one key that recognises a person across rounds, and phone numbers."""

from __future__ import annotations

import re
import unicodedata

# Deliberately plain: one @, something before it, a dotted domain after it.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_email(value: str | None) -> str:
    """Trimmed, NFC, lower-cased: how two spellings of one address become equal."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.casefold()


def is_valid_email(value: str | None) -> bool:
    return bool(_EMAIL.match(normalise_email(value)))


# Digits with the separators people type: "+47 912 34 567", "(0047) 91-23-45-67".
_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,20}$")


def is_valid_phone(value: str) -> bool:
    return bool(_PHONE.match(value))
