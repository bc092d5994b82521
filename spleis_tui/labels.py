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
# Matching: presets, criteria and their modes (codes from core.matching.criteria).
PRESET = {
    "vennespleis": N_("Vennespleis"),
    "trivselsgrupper": N_("Trivselsgrupper"),
    "turgrupper": N_("Turgrupper"),
}
CRITERION = {
    "campus": N_("Campus"),
    "language": N_("Language"),
    "gender": N_("Gender"),
    "age": N_("Age"),
    "programme": N_("Programme"),
    "department": N_("Department"),
    "faculty": N_("Faculty"),
    "year_of_study": N_("Year of study"),
    "interests": N_("Interests"),
    "availability": N_("Availability"),
    "friends": N_("Friends"),
    "keep_apart": N_("Keep apart"),
    "earlier_rounds": N_("Met before"),
}
MATCH_MODE = {
    "hard": N_("Must match"),
    "similar": N_("Similar"),
    "mix": N_("Mixed"),
    "ignore": N_("Ignore"),
}
# Where the general word reads wrong for a criterion.
CRITERION_MODE = {
    ("language", "hard"): N_("Must share one"),
    ("gender", "similar"): N_("Follow wishes"),
    ("interests", "hard"): N_("Must share one"),
    ("interests", "similar"): N_("Share one"),
    ("availability", "hard"): N_("Must share one"),
    ("availability", "similar"): N_("Share one"),
    ("friends", "hard"): N_("Always together"),
    ("friends", "similar"): N_("If possible"),
    ("keep_apart", "hard"): N_("Never together"),
    ("earlier_rounds", "hard"): N_("Never again"),
    ("earlier_rounds", "similar"): N_("Avoid"),
}

_TABLES = {
    "gender": GENDER,
    "language": LANGUAGE,
    "group_pref": GROUP_PREF,
    "status": SIGNUP_STATUS,
    "kind": ROUND_KIND,
    "round_status": ROUND_STATUS,
    "role": LEADER_ROLE,
    "preset": PRESET,
    "criterion": CRITERION,
    "match_mode": MATCH_MODE,
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


def mode_label(criterion: str, mode: str) -> str:
    """What a matching mode means for one criterion, in the current language."""
    text = CRITERION_MODE.get((criterion, mode))
    return _(text) if text else label("match_mode", mode)
