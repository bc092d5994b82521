"""A group's breakdown in words: each phrase says what is true of the members."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from spleis_tui.core.matching.criteria import VENNESPLEIS, Criterion
from spleis_tui.core.matching.explain import breakdown, breakdown_text
from spleis_tui.core.matching.score import Member, Relations, missing_from_best_shared
from spleis_tui.core.models import Campus
from spleis_tui.core.reference import OptionInfo, ProgrammeInfo, Reference
from spleis_tui.i18n import set_language

NONE = Relations.build()


def _programme(code: str, en: str, nb: str) -> ProgrammeInfo:
    return ProgrammeInfo(code, nb, en, "IDI", "IE", 5, 1, ("gloshaugen",))


REF = Reference(
    campuses={
        "gloshaugen": Campus(code="gloshaugen", name="Gløshaugen", city="Trondheim"),
        "dragvoll": Campus(code="dragvoll", name="Dragvoll", city="Trondheim"),
    },
    programmes={
        "MTDT": _programme("MTDT", "Computer Science", "Datateknologi"),
        "BIT": _programme("BIT", "Informatics", "Informatikk"),
    },
    options={
        "interest": {
            "hiking": OptionInfo("interest", "hiking", "Tur og friluftsliv", "Hiking"),
            "boardgames": OptionInfo("interest", "boardgames", "Brettspill", "Board games"),
            "cooking": OptionInfo("interest", "cooking", "Matlaging", "Cooking"),
        },
        "availability": {
            "weekday_evening": OptionInfo(
                "availability", "weekday_evening", "Hverdager, kveld", "Evenings"
            ),
            "weekend_day": OptionInfo("availability", "weekend_day", "Helg, dagtid", "Weekends"),
        },
    },
)


def people(*specs: dict) -> list[Member]:
    return [Member(id=i, **{"campus": "gloshaugen", **spec}) for i, spec in enumerate(specs)]


def explain(members, settings=VENNESPLEIS, relations=NONE) -> list[str]:
    return breakdown(members, settings, relations, REF)


def test_a_well_matched_group_reads_like_the_issue_example():
    group = people(
        *(
            {
                "age": 21 + i % 3,
                "gender": "woman" if i < 3 else "man",
                "programme": ("MTDT", "BIT", "X1", "X2", "X3")[i],
                "interests": frozenset({"hiking", "cooking"}),
                "availability": frozenset({"weekday_evening"}),
            }
            for i in range(5)
        )
    )
    assert breakdown_text(group, VENNESPLEIS, NONE, REF) == (
        "all on Gløshaugen · ages 21–23 · 3 women, 2 men · 5 programmes · all like hiking"
        " · evenings suits all"
    )


def test_campus_names_come_from_the_reference():
    assert explain(people({}, {"campus": "dragvoll"}, {}))[0] == "2 campuses: Gløshaugen, Dragvoll"
    assert explain(people({}, {}))[0] == "all on Gløshaugen"


def test_ages_leave_out_people_without_one():
    assert "all 22" in explain(people({"age": 22}, {"age": 22}))
    assert "age 22" in explain(people({"age": 22}, {}))
    assert "ages 19–30" in explain(people({"age": 30}, {}, {"age": 19}))
    assert not any("age" in p for p in explain(people({}, {})))


def test_gender_is_counts_and_broken_wishes_never_a_name():
    assert "all women" in explain(people({"gender": "woman"}, {"gender": "woman"}))
    phrases = explain(
        people(
            {"gender": "woman", "group_pref": "same"},
            {"gender": "woman"},
            {"gender": "man", "group_pref": "mixed"},
            {"gender": "unspecified"},
        )
    )
    assert "2 women, 1 man, 1 prefers not to say" in phrases
    assert "1 same-gender wish not met" in phrases
    assert "1 alone in their gender" in phrases


def test_language_says_which_one_the_group_must_speak():
    assert "in English" in explain(people({"language": "en"}, {"language": "both"}))
    assert "in Norwegian" in explain(people({"language": "no"}, {"language": "both"}))
    assert not any(p.startswith("in ") for p in explain(people({}, {})))
    clash = people({"language": "no"}, {"language": "no"}, {"language": "en"}, {"language": "en"})
    assert "2 language clashes" in explain(clash)


def test_one_programme_is_named_in_the_ui_language():
    group = people({"programme": "MTDT"}, {"programme": "MTDT"})
    assert "all in Computer Science" in explain(group)
    set_language("nb")
    assert any("Datateknologi" in p for p in explain(group))


def test_interests_and_times_say_how_many_share_the_best_one():
    group = people(
        {"interests": frozenset({"hiking"}), "availability": frozenset({"weekend_day"})},
        {"interests": frozenset({"hiking"}), "availability": frozenset({"weekday_evening"})},
        {"interests": frozenset({"cooking"})},
    )
    phrases = explain(group)
    assert "2 of 3 like hiking" in phrases
    assert "evenings suits 1 of 3" not in phrases
    assert "no common time" in phrases
    apart = people({"interests": frozenset({"hiking"})}, {"interests": frozenset({"cooking"})})
    assert "no shared interest" in explain(apart)
    # Nobody answered: nothing to say.
    assert not any("like" in p or "interest" in p for p in explain(people({}, {})))


def test_ties_go_to_the_reference_order():
    both = frozenset({"cooking", "boardgames"})
    assert "all like board games" in explain(people({"interests": both}, {"interests": both}))


def test_friends_together_and_split():
    relations = Relations.build(friends=[(0, 1), (1, 9)])
    phrases = explain(people({}, {}, {}), relations=relations)
    assert "1 pair of friends together" in phrases
    assert "1 friend elsewhere" in phrases


def test_hard_problems_are_named():
    relations = Relations.build(apart=[(0, 1)], met_before=[(1, 2), (0, 2)])
    phrases = explain(people({}, {}, {}), relations=relations)
    assert "1 keep-apart pair together" in phrases
    assert "2 pairs met before" in phrases


def test_ignored_criteria_are_left_out():
    settings = replace(
        VENNESPLEIS,
        criteria={
            **VENNESPLEIS.criteria,
            "campus": Criterion("ignore"),
            "age": Criterion("ignore"),
        },
    )
    phrases = explain(people({"age": 20}, {"age": 22}), settings=settings)
    assert not any("Gløshaugen" in p or "ages" in p for p in phrases)


def test_an_empty_group_has_no_breakdown():
    assert explain([]) == []


# Properties: the breakdown says what is true of the members.

members = st.lists(
    st.builds(
        Member,
        id=st.just(0),
        campus=st.sampled_from(["gloshaugen", "dragvoll"]),
        language=st.sampled_from(["no", "en", "both"]),
        gender=st.sampled_from(["woman", "man", "nonbinary", "unspecified"]),
        group_pref=st.sampled_from(["same", "mixed", "any"]),
        age=st.none() | st.integers(18, 40),
        programme=st.sampled_from(["", "MTDT", "BIT", "X1"]),
        interests=st.frozensets(st.sampled_from(["hiking", "boardgames", "cooking"])),
        availability=st.frozensets(st.sampled_from(["weekday_evening", "weekend_day"])),
    ),
    min_size=1,
    max_size=8,
).map(lambda ms: [replace(m, id=i) for i, m in enumerate(ms)])

INTEREST_LABEL = {"hiking": "hiking", "boardgames": "board games", "cooking": "cooking"}


@given(members)
def test_the_age_phrase_is_the_range_of_known_ages(group: list[Member]):
    ages = [m.age for m in group if m.age is not None]
    phrases = [p for p in explain(group) if re.fullmatch(r"(ages? |all )\d.*", p)]
    if not ages:
        assert phrases == []
    elif min(ages) == max(ages):
        word = "all" if len(ages) == len(group) else "age"
        assert phrases == [f"{word} {ages[0]}"]
    else:
        assert phrases == [f"ages {min(ages)}–{max(ages)}"]


@given(members)
def test_the_programme_count_is_the_distinct_programmes(group: list[Member]):
    programmes = {m.programme for m in group if m.programme}
    phrases = explain(group)
    if len(programmes) == 1 and all(m.programme for m in group):
        assert any(p.startswith("all in ") for p in phrases)
    elif programmes:
        n = len(programmes)
        assert f"{n} programme{'s' if n != 1 else ''}" in phrases
    else:
        assert not any("programme" in p for p in phrases)


@given(members)
def test_all_like_x_exactly_when_everyone_has_x_and_so_for_times(group: list[Member]):
    phrases = explain(group)
    liked = [p.removeprefix("all like ") for p in phrases if p.startswith("all like ")]
    assert bool(liked) == (missing_from_best_shared([m.interests for m in group]) == 0)
    for label in liked:
        code = next(c for c, text in INTEREST_LABEL.items() if text == label)
        assert all(code in m.interests for m in group)
    suits_all = any(p.endswith(" suits all") for p in phrases)
    assert suits_all == (missing_from_best_shared([m.availability for m in group]) == 0)


@given(members)
def test_campus_phrase_matches_the_campuses(group: list[Member]):
    campuses = {m.campus for m in group}
    first = explain(group)[0]
    if len(campuses) == 1:
        assert first == f"all on {REF.campus_name(campuses.pop())}"
    else:
        assert first.startswith(f"{len(campuses)} campuses: ")


GENDER_COUNTS = r"all (wo)?men$|all non-binary$|\d+ (wom|m[ae]n\b|non-|prefer)"


@given(members)
def test_gender_counts_add_up_to_the_group(group: list[Member]):
    phrases = explain(group)
    counts = next(p for p in phrases if re.match(GENDER_COUNTS, p))
    if counts.startswith("all "):
        assert len({m.gender for m in group}) == 1
    else:
        assert sum(int(n) for n in re.findall(r"\d+", counts)) == len(group)
