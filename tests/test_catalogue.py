"""The activity catalogue: what ships with Spleis, the user's own kinds, and seasons."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from spleis_tui.core.catalogue import (
    add_type,
    delete_type,
    fits_season,
    get_entry,
    get_type,
    list_catalogue,
    load_shipped_catalogue,
    season_of,
    shipped_entries,
)
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.errors import NotFound, ValidationError
from spleis_tui.core.models import SEASONS, ActivityType
from spleis_tui.core.reference import load_shipped_reference
from spleis_tui.i18n import set_language

REQUIRED_CODES = {
    "rebuslop",
    "fottur",
    "skidag",
    "skoyter",
    "grilling",
    "balpanne",
    "kafebesok",
    "brettspill",
}


def test_a_new_database_has_the_whole_shipped_catalogue(db):
    codes = {entry.code for entry in list_catalogue()}
    assert codes >= REQUIRED_CODES
    assert len(codes) >= len(REQUIRED_CODES) + 2
    assert codes == {entry["code"] for entry in shipped_entries()}
    assert all(entry.shipped for entry in list_catalogue())


def test_every_shipped_entry_is_complete_in_both_languages(db):
    for entry in list_catalogue():
        assert entry.name_nb and entry.name_en, entry.code
        assert entry.description_nb and entry.description_en, entry.code
        assert 2 <= len(entry.tips_nb) <= 3 and 2 <= len(entry.tips_en) <= 3, entry.code
        assert entry.bad_weather_nb and entry.bad_weather_en, entry.code
        assert set(entry.seasons) <= set(SEASONS), entry.code
        assert 0 <= entry.cost_nok <= 1000, entry.code


def test_the_shipped_names_are_the_ones_people_know(db):
    rebus = get_entry("rebuslop")
    assert (rebus.name_nb, rebus.name_en) == ("Rebusløp", "Rebus race")
    assert get_entry("skoyter").name_nb == "Skøyter"
    assert get_entry("kafebesok").name_en == "Café visit"
    assert get_entry("fottur").free and get_entry("fottur").outdoor
    assert not get_entry("brettspill").outdoor


def test_the_catalogue_is_shown_in_the_files_order(db):
    codes = [entry.code for entry in list_catalogue()]
    assert codes == [entry["code"] for entry in shipped_entries()]


def test_names_follow_the_language(db):
    hike = get_entry("fottur")
    assert hike.name() == "Hike"
    set_language("nb")
    assert hike.name() == "Fottur"
    assert hike.tips() == hike.tips_nb
    assert hike.name("en") == "Hike"


def test_loading_again_adds_nothing(db):
    count = ActivityType.select().count()
    assert load_shipped_catalogue() == 0
    assert load_shipped_catalogue(only_if_empty=False) == 0
    assert load_shipped_reference() == 0
    assert ActivityType.select().count() == count


def test_a_deleted_shipped_row_comes_back_only_when_asked(db):
    ActivityType.delete().where(ActivityType.code == "quiz").execute()
    assert load_shipped_catalogue() == 0  # the catalogue is not empty
    assert load_shipped_catalogue(only_if_empty=False) == 1
    assert get_type("quiz").shipped


def test_the_users_edits_to_a_shipped_entry_are_kept(db):
    ActivityType.update(name_en="Walk").where(ActivityType.code == "fottur").execute()
    load_shipped_catalogue(only_if_empty=False)
    assert get_type("fottur").name_en == "Walk"


def test_a_database_with_reference_data_but_no_catalogue_gets_it_when_opened(db_path):
    open_db(db_path)
    ActivityType.delete().execute()
    close_db()
    open_db(db_path)
    try:
        assert {entry.code for entry in list_catalogue()} >= REQUIRED_CODES
    finally:
        close_db()


def test_a_version_4_file_gets_the_catalogue(db_path):
    from spleis_tui.core.db import LATEST_VERSION, schema_version
    from spleis_tui.core.rounds import create_round

    open_db(db_path)
    create_round("Turgrupper høst 2027", "turgruppe")
    close_db()
    with sqlite3.connect(db_path) as connection:
        for table in (
            "feedback",
            "group_follow_up",
            "attendance",
            "activity_sign_up",
            "activity_group",
            "activity",
            "series",
            "activity_type",
        ):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("ALTER TABLE leader DROP COLUMN language")
        connection.execute("UPDATE schema_version SET version = 4")
    database = open_db(db_path)
    try:
        assert schema_version(database) == LATEST_VERSION
        assert {entry.code for entry in list_catalogue()} >= REQUIRED_CODES
    finally:
        close_db()


def test_the_user_can_add_and_delete_their_own_kind(db):
    kubb = add_type(
        "kubb",
        "Kubb",
        "Kubb",
        description_nb="Et enkelt kastespill på gresset.",
        seasons=["summer", "spring"],
        cost_nok=0,
        tips_nb=["Lån spillet av linjeforeningen.", "Ingen trenger å kunne reglene."],
    )
    assert not kubb.shipped
    entry = get_entry("kubb")
    assert entry.seasons == ("spring", "summer")
    assert entry.tips_nb == ("Lån spillet av linjeforeningen.", "Ingen trenger å kunne reglene.")
    assert list_catalogue()[-1].code == "kubb"  # after the shipped ones
    delete_type("kubb")
    with pytest.raises(NotFound):
        get_type("kubb")


def test_a_kind_without_an_english_name_uses_the_norwegian_one(db):
    assert add_type("minigolf", "Minigolf").name_en == "Minigolf"


def test_shipped_kinds_cannot_be_deleted(db):
    with pytest.raises(ValidationError, match="comes with Spleis") as caught:
        delete_type("fottur")
    assert caught.value.field == "code"
    assert get_type("fottur")


def test_deleting_an_unknown_kind_says_so(db):
    with pytest.raises(NotFound, match="nope"):
        delete_type("nope")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("code", {"code": "Kubb spill"}),
        ("code", {"code": "kubb!"}),
        ("code", {"code": "k" * 33}),
        ("code", {"code": ""}),
        ("code", {"code": "fottur"}),  # taken
        ("name_nb", {"name_nb": ""}),
        ("name_nb", {"name_nb": "x" * 101}),
        ("name_en", {"name_en": "x" * 101}),
        ("seasons", {"seasons": ["winter", "monsoon"]}),
        ("cost_nok", {"cost_nok": -1}),
        ("cost_nok", {"cost_nok": 100_001}),
        ("cost_nok", {"cost_nok": "cheap"}),
    ],
)
def test_adding_a_kind_names_the_field_at_fault(db, field, kwargs):
    args = {"code": "kubb", "name_nb": "Kubb", **kwargs}
    code, name_nb = args.pop("code"), args.pop("name_nb")
    with pytest.raises(ValidationError) as caught:
        add_type(code, name_nb, **args)
    assert caught.value.field == field
    assert caught.value.message
    assert not ActivityType.select().where(ActivityType.code == "kubb").exists()


def test_a_code_is_stored_in_small_letters_and_hostile_text_is_cleaned(db):
    added = add_type("Mini-Golf_2", "Mini\x1b[31mgolf\u202e")
    assert added.code == "mini-golf_2"
    assert added.name_nb == "Minigolf"


def test_cost_at_the_limits_is_accepted(db):
    assert add_type("free", "Gratis", cost_nok=0).cost_nok == 0
    assert add_type("dear", "Dyrt", cost_nok=100_000).cost_nok == 100_000


def test_the_season_filter_keeps_what_suits_the_season(db):
    winter = {entry.code for entry in list_catalogue(season="winter")}
    assert {"skidag", "skoyter", "akebakke", "fottur", "brettspill"} <= winter
    assert "bading" not in winter and "grilling" not in winter
    summer = {entry.code for entry in list_catalogue(season="summer")}
    assert {"bading", "grilling", "fottur"} <= summer
    assert "skidag" not in summer
    assert len(list_catalogue(season="all")) == len(list_catalogue())


def test_an_unknown_season_is_refused(db):
    with pytest.raises(ValidationError, match="monsoon"):
        list_catalogue(season="monsoon")


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (dt.date(2027, 12, 1), "winter"),
        (dt.date(2027, 1, 15), "winter"),
        (dt.date(2028, 2, 29), "winter"),
        (dt.date(2027, 3, 1), "spring"),
        (dt.date(2027, 5, 31), "spring"),
        (dt.date(2027, 6, 1), "summer"),
        (dt.date(2027, 8, 31), "summer"),
        (dt.date(2027, 9, 1), "autumn"),
        (dt.date(2027, 11, 30), "autumn"),
    ],
)
def test_season_of_a_day(day, season):
    assert season_of(day) == season


def test_fits_season(db):
    january, july = dt.date(2028, 1, 20), dt.date(2027, 7, 10)
    assert fits_season(get_entry("skidag"), january)
    assert not fits_season(get_entry("skidag"), july)
    assert fits_season(get_entry("bading"), july)
    assert fits_season(get_entry("fottur"), january) and fits_season(get_entry("fottur"), july)
    assert fits_season(get_type("skoyter"), january)  # a model row works too
    assert not fits_season(get_type("skoyter"), july)
