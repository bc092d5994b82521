"""Human labels for the stable codes stored in the database, in the current language.

Codes (woman, en, withdrawn...) never change with the UI language; exports use codes,
screens use these labels.
"""

from __future__ import annotations

from spleis_tui.i18n import N_, _

GENDER = {
    "woman": N_("Woman"),
    "man": N_("Man"),
    "nonbinary": N_("Non-binary"),
    "unspecified": N_("Prefer not to say"),
}
LANGUAGE = {"no": N_("Norwegian"), "en": N_("English"), "both": N_("Both")}
GROUP_PREF = {"same": N_("Same gender"), "mixed": N_("Mixed"), "any": N_("No preference")}
SIGNUP_STATUS = {"active": N_("Active"), "withdrawn": N_("Withdrawn")}
ROUND_KIND = {
    "vennespleis": N_("Vennespleis"),
    "turgruppe": N_("Turgrupper"),
    "trivselsgruppe": N_("Trivselsgrupper"),
    "other": N_("Other"),
}
ROUND_STATUS = {"open": N_("Open"), "matched": N_("Matched"), "closed": N_("Closed")}
LEADER_ROLE = {"trivselsleder": N_("Trivselsleder"), "turleder": N_("Turleder")}

_TABLES = {
    "gender": GENDER,
    "language": LANGUAGE,
    "group_pref": GROUP_PREF,
    "status": SIGNUP_STATUS,
    "kind": ROUND_KIND,
    "round_status": ROUND_STATUS,
    "role": LEADER_ROLE,
}


def label(kind: str, code: str | None) -> str:
    """The translated label for a code, or the code itself when it is unknown."""
    if not code:
        return ""
    text = _TABLES[kind].get(code)
    return _(text) if text else code


def choices(kind: str) -> list[tuple[str, str]]:
    """(label, code) pairs in the stored order, for Select widgets and help texts."""
    return [(_(text), code) for code, text in _TABLES[kind].items()]
