"""A group's breakdown in words: what its members share and which wishes are not met.

Each phrase follows score.py's definitions, so "all like X" appears exactly when the
interests cost is 0. Criteria the settings ignore are left out. Names of campuses,
programmes and options come from the reference data, in the current UI language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from spleis_tui.core.matching.criteria import Settings
from spleis_tui.core.matching.score import (
    Member,
    Relations,
    gender_wishes_broken,
    language_clash,
    pairs_inside,
)
from spleis_tui.core.reference import Reference
from spleis_tui.i18n import N_, _, current_language, ngettext

SEPARATOR = " · "


def breakdown(
    members: Sequence[Member], settings: Settings, relations: Relations, reference: Reference
) -> list[str]:
    """Short phrases about a group, to be joined with " · "; nothing for an empty group."""
    if not members:
        return []
    lang = current_language()
    parts: list[str | None] = []

    def wanted(name: str) -> bool:
        return settings.mode(name) != "ignore"

    if wanted("campus"):
        parts.append(campus_phrase(members, reference))
    if wanted("age"):
        parts.append(age_phrase(members))
    if wanted("gender"):
        parts += gender_phrases(members)
    if wanted("language"):
        parts.append(language_phrase(members))
    if wanted("programme"):
        parts.append(programme_phrase(members, reference, lang))
    if wanted("interests"):
        parts.append(interests_phrase(members, reference, lang))
    if wanted("availability"):
        parts.append(availability_phrase(members, reference, lang))
    if wanted("friends"):
        parts += friend_phrases(members, relations)
    ids = [m.id for m in members]
    if wanted("keep_apart") and (apart := pairs_inside(ids, relations.apart)):
        parts.append(
            ngettext("{n} keep-apart pair together", "{n} keep-apart pairs together", apart).format(
                n=apart
            )
        )
    if wanted("earlier_rounds") and (met := pairs_inside(ids, relations.met_before)):
        parts.append(ngettext("{n} pair met before", "{n} pairs met before", met).format(n=met))
    return [part for part in parts if part]


def breakdown_text(
    members: Sequence[Member], settings: Settings, relations: Relations, reference: Reference
) -> str:
    return SEPARATOR.join(breakdown(members, settings, relations, reference))


def campus_phrase(members: Sequence[Member], reference: Reference) -> str | None:
    campuses = Counter(m.campus for m in members if m.campus)
    if not campuses:
        return None
    if len(campuses) == 1 and campuses.total() == len(members):
        return _("all on {campus}").format(campus=reference.campus_name(next(iter(campuses))))
    names = ", ".join(reference.campus_name(code) for code, _n in campuses.most_common())
    return ngettext("{n} campus: {names}", "{n} campuses: {names}", len(campuses)).format(
        n=len(campuses), names=names
    )


def age_phrase(members: Sequence[Member]) -> str | None:
    """The age range; members with no age are left out."""
    ages = [m.age for m in members if m.age is not None]
    if not ages:
        return None
    low, high = min(ages), max(ages)
    if low != high:
        return _("ages {low}–{high}").format(low=low, high=high)
    if len(ages) == len(members):
        return _("all {age}").format(age=low)
    return _("age {age}").format(age=low)


def _gender_count(gender: str, n: int) -> str:
    if gender == "woman":
        return ngettext("{n} woman", "{n} women", n).format(n=n)
    if gender == "man":
        return ngettext("{n} man", "{n} men", n).format(n=n)
    if gender == "nonbinary":
        return ngettext("{n} non-binary person", "{n} non-binary people", n).format(n=n)
    return ngettext("{n} prefers not to say", "{n} prefer not to say", n).format(n=n)


ALL_OF = {"woman": N_("all women"), "man": N_("all men"), "nonbinary": N_("all non-binary")}
GENDER_ORDER = ("woman", "man", "nonbinary")


def gender_phrases(members: Sequence[Member]) -> list[str]:
    """The gender mix in counts (never a name), then the wishes it breaks."""
    genders = Counter(m.gender for m in members)
    if len(genders) == 1 and (only := next(iter(genders))) in ALL_OF:
        phrases = [_(ALL_OF[only])]
    else:
        order = sorted(genders, key=lambda g: GENDER_ORDER.index(g) if g in GENDER_ORDER else 9)
        phrases = [", ".join(_gender_count(g, genders[g]) for g in order)]
    same_broken, alone = gender_wishes_broken(members)
    if same_broken:
        phrases.append(
            ngettext(
                "{n} same-gender wish not met", "{n} same-gender wishes not met", same_broken
            ).format(n=same_broken)
        )
    if alone:
        phrases.append(
            ngettext("{n} alone in their gender", "{n} alone in their gender", alone).format(
                n=alone
            )
        )
    return phrases


def language_phrase(members: Sequence[Member]) -> str | None:
    """The language the group must speak: English when anyone speaks only English."""
    languages = [m.language for m in members]
    if clash := language_clash(languages):
        return ngettext("{n} language clash", "{n} language clashes", clash).format(n=clash)
    if "en" in languages:
        return _("in English")
    if "no" in languages:
        return _("in Norwegian")
    return None  # everyone speaks both: nothing to say


def programme_phrase(members: Sequence[Member], reference: Reference, lang: str) -> str | None:
    programmes = {m.programme for m in members if m.programme}
    if not programmes:
        return None
    if len(programmes) == 1 and all(m.programme for m in members):
        name = reference.programme_name(next(iter(programmes)), lang)
        return _("all in {programme}").format(programme=name)
    return ngettext("{n} programme", "{n} programmes", len(programmes)).format(n=len(programmes))


def best_shared(sets: Sequence[frozenset[str]], order: Sequence[str]) -> tuple[str, int] | None:
    """The option most members chose and how many did; ties go to the reference order."""
    counts = Counter(option for chosen in sets for option in chosen)
    if not counts:
        return None
    rank = {code: i for i, code in enumerate(order)}
    best = min(counts, key=lambda o: (-counts[o], rank.get(o, len(rank)), o))
    return best, counts[best]


def _label(reference: Reference, kind: str, code: str, lang: str) -> str:
    text = reference.option_label(kind, code, lang)
    # "Hiking and the outdoors" reads as "all like hiking and the outdoors"; "TV" stays.
    if text[:1].isupper() and not text[1:2].isupper():
        return text[0].lower() + text[1:]
    return text


def interests_phrase(members: Sequence[Member], reference: Reference, lang: str) -> str | None:
    found = best_shared([m.interests for m in members], list(reference.options.get("interest", {})))
    if found is None:
        return None  # nobody said what they like
    code, count = found
    interest = _label(reference, "interest", code, lang)
    n = len(members)
    if count == n:
        return _("all like {interest}").format(interest=interest)
    if count >= 2:
        return _("{k} of {n} like {interest}").format(k=count, n=n, interest=interest)
    return _("no shared interest")


def availability_phrase(members: Sequence[Member], reference: Reference, lang: str) -> str | None:
    order = list(reference.options.get("availability", {}))
    found = best_shared([m.availability for m in members], order)
    if found is None:
        return None
    code, count = found
    slot = _label(reference, "availability", code, lang)
    n = len(members)
    if count == n:
        return _("{slot} suits all").format(slot=slot)
    if count >= 2:
        return _("{slot} suits {k} of {n}").format(slot=slot, k=count, n=n)
    return _("no common time")


def friend_phrases(members: Sequence[Member], relations: Relations) -> list[str]:
    """Friend pairs inside the group, and friendships it splits (as score.py counts them)."""
    ids = [m.id for m in members]
    inside = set(ids)
    together = pairs_inside(ids, relations.friends)
    elsewhere = sum(
        1 for m in members for friend in relations.friend_of.get(m.id, ()) if friend not in inside
    )
    phrases = []
    if together:
        phrases.append(
            ngettext(
                "{n} pair of friends together", "{n} pairs of friends together", together
            ).format(n=together)
        )
    if elsewhere:
        phrases.append(
            ngettext("{n} friend elsewhere", "{n} friends elsewhere", elsewhere).format(n=elsewhere)
        )
    return phrases
