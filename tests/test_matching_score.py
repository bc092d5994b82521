"""The matching model: criteria, presets, and the score of a group."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spleis_tui.core.errors import ValidationError
from spleis_tui.core.matching.criteria import (
    ALLOWED,
    PRESETS,
    VENNESPLEIS,
    Settings,
    load_settings,
    preset,
)
from spleis_tui.core.matching.score import (
    Member,
    Relations,
    gender_wishes_broken,
    language_clash,
    missing_from_best_shared,
    score_group,
)

NONE = Relations.build()


def people(*specs: dict) -> list[Member]:
    return [Member(id=i, **{"campus": "gloshaugen", **spec}) for i, spec in enumerate(specs)]


def test_every_preset_uses_only_allowed_modes():
    for name, settings in PRESETS.items():
        for criterion, chosen in settings.criteria.items():
            assert chosen.mode in ALLOWED[criterion], (name, criterion)
        assert settings.min_size <= settings.size <= settings.max_size
    assert (PRESETS["trivselsgrupper"].min_size, PRESETS["trivselsgrupper"].max_size) == (8, 10)
    assert PRESETS["trivselsgrupper"].mode("programme") == "hard"
    assert (PRESETS["turgrupper"].min_size, PRESETS["turgrupper"].max_size) == (6, 10)


def test_an_unknown_preset_names_the_ones_there_are():
    with pytest.raises(ValidationError, match="vennespleis"):
        preset("speed-dating")


def test_settings_load_from_toml_on_top_of_a_preset(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        'preset = "turgrupper"\n[size]\ntarget = 7\n'
        '[criteria]\nage = { mode = "similar", weight = 3 }\nfaculty = "hard"\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert (settings.size, settings.min_size, settings.max_size) == (7, 6, 10)
    assert (settings.mode("age"), settings.weight("age")) == ("similar", 3.0)
    assert settings.mode("faculty") == "hard"
    assert settings.weight("availability") == 5.0  # from the preset


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[criteria]\nshoe_size = "mix"\n', "shoe_size"),
        ('[criteria]\nage = "hard"\n', "age can be similar, ignore"),
        ('[criteria]\nage = { mode = "similar", weight = -1 }\n', "weight of age"),
        ("[size]\nmin = 7\nmax = 6\n", "2 ≤ min"),
        ("[criteria\n", "Cannot read"),
    ],
)
def test_a_bad_criteria_file_names_what_is_wrong(tmp_path, text, named):
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=named.replace("(", r"\(")):
        load_settings(path)


def test_languages_clash_only_between_norwegian_and_english():
    assert language_clash(["no", "no", "both", "en"]) == 1
    assert language_clash(["no", "both", "both"]) == 0
    assert language_clash(["en", "en", "no", "no", "no"]) == 2


def test_gender_wishes():
    same = people(
        {"gender": "woman", "group_pref": "same"},
        {"gender": "woman", "group_pref": "same"},
        {"gender": "man", "group_pref": "mixed"},
    )
    # Both women wanted a women's group; the one man asked for company and is alone.
    assert gender_wishes_broken(same) == (2, 1)
    free = people({"gender": "man"}, {"gender": "woman"}, {"gender": "unspecified"})
    assert gender_wishes_broken(free) == (0, 0)


def test_sharing_counts_who_lacks_the_best_shared_option():
    assert missing_from_best_shared([frozenset({"hiking", "film"}), frozenset({"hiking"})]) == 0
    assert missing_from_best_shared([frozenset({"film"}), frozenset({"hiking"}), frozenset()]) == 2


def test_hard_criteria_count_violations_and_soft_ones_cost():
    group = people(
        {"language": "no", "programme": "MTDT", "age": 20},
        {"language": "en", "programme": "MTDT", "age": 26, "campus": "dragvoll"},
        {"language": "both", "programme": "BPSY", "age": 22},
    )
    score = score_group(group, VENNESPLEIS, NONE)
    assert score.parts["campus"] == 1 and score.parts["language"] == 1
    assert score.hard == 2
    assert score.parts["age"] == 6 and score.parts["programme"] == 1
    assert score.soft >= 6 * VENNESPLEIS.weight("age")


def test_pairs_keep_apart_earlier_rounds_and_friends():
    group = people({}, {}, {})
    relations = Relations.build(friends=[(0, 9)], apart=[(0, 1)], met_before=[(1, 2)])
    score = score_group(group, VENNESPLEIS, relations)
    assert score.parts["keep_apart"] == 1 and score.parts["earlier_rounds"] == 1
    assert score.parts["friends"] == 1  # 0's friend 9 is elsewhere
    assert score.hard == 2


def test_size_outside_the_bounds_is_measured():
    assert score_group(people(*[{}] * 3), VENNESPLEIS, NONE).size_gap == 1
    assert score_group(people(*[{}] * 8), VENNESPLEIS, NONE).size_gap == 2
    assert score_group(people(*[{}] * 5), VENNESPLEIS, NONE).size_gap == 0


member_specs = st.fixed_dictionaries(
    {
        "campus": st.sampled_from(["gloshaugen", "dragvoll"]),
        "language": st.sampled_from(["no", "en", "both"]),
        "gender": st.sampled_from(["woman", "man", "nonbinary", "unspecified"]),
        "group_pref": st.sampled_from(["same", "mixed", "any"]),
        "age": st.none() | st.integers(18, 40),
        "programme": st.sampled_from(["MTDT", "BPSY", "MED"]),
        "interests": st.frozensets(st.sampled_from(["hiking", "film", "games"])),
        "availability": st.frozensets(st.sampled_from(["evening", "weekend"])),
    }
)


@given(st.lists(member_specs, min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_a_score_does_not_depend_on_member_order(specs, rnd):
    group = [Member(id=i, **spec) for i, spec in enumerate(specs)]
    shuffled = list(group)
    rnd.shuffle(shuffled)
    first, second = score_group(group, VENNESPLEIS, NONE), score_group(shuffled, VENNESPLEIS, NONE)
    assert (first.hard, first.parts, first.size_gap) == (second.hard, second.parts, second.size_gap)
    assert first.soft == pytest.approx(second.soft)


@given(st.lists(member_specs, min_size=1, max_size=10))
def test_no_hard_violation_exactly_when_the_hard_rules_hold(specs):
    group = [Member(id=i, **spec) for i, spec in enumerate(specs)]
    score = score_group(group, VENNESPLEIS, NONE)
    one_campus = len({m.campus for m in group}) == 1
    languages = {m.language for m in group}
    shared_language = not {"no", "en"} <= languages
    assert (score.hard == 0) == (one_campus and shared_language)
    assert score.soft >= 0


def test_ignored_criteria_cost_nothing():
    nothing = Settings(criteria={}, size_weight=0.0)
    group = people({"language": "no", "age": 19}, {"language": "en", "age": 40, "campus": "x"})
    score = score_group(group, nothing, NONE)
    assert (score.hard, score.soft, score.parts) == (0, 0.0, {})
