"""Cleaning untrusted text and normalising e-mail addresses."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from spleis_tui.core.emails import is_valid_email, normalise_email
from spleis_tui.core.text import clean_text, fold, search_words, sort_key

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\ufeff]")


def test_escape_sequences_are_removed_and_flagged():
    assert clean_text("Ola\x1b[31m Nordmann\x1b[0m") == ("Ola Nordmann", True)
    assert clean_text("x\x1b]8;;http://evil\x07link\x1b]8;;\x07") == ("xlink", True)


def test_bidi_overrides_are_removed_and_flagged():
    assert clean_text("abc\u202eevil") == ("abcevil", True)


def test_markup_and_formulas_are_kept_literally():
    assert clean_text("[b]bold[/b]") == ("[b]bold[/b]", False)
    assert clean_text('=HYPERLINK("x")') == ('=HYPERLINK("x")', False)


def test_plain_text_is_trimmed_without_a_flag():
    assert clean_text("  Kari   Nordmann \n") == ("Kari Nordmann", False)


def test_a_comment_keeps_its_line_breaks():
    assert clean_text("Hei!\r\nJeg liker tur.\x07", multiline=True) == (
        "Hei!\nJeg liker tur.",
        True,
    )


@given(st.text())
def test_clean_text_never_leaves_control_characters(value):
    cleaned, _flag = clean_text(value)
    assert not UNSAFE.search(cleaned)
    assert "\n" not in cleaned


@given(st.text())
def test_clean_text_is_idempotent(value):
    once, _ = clean_text(value, multiline=True)
    assert clean_text(once, multiline=True) == (once, False)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf"))))
def test_safe_text_is_not_flagged(value):
    assert clean_text(value)[1] is False


def test_emails_compare_trimmed_and_case_insensitively():
    assert normalise_email("  Kari.Nordmann@STUD.NTNU.no ") == "kari.nordmann@stud.ntnu.no"
    assert normalise_email("<ola@ntnu.no>") == "ola@ntnu.no"
    assert normalise_email("mailto:Ola@NTNU.no") == "ola@ntnu.no"
    assert normalise_email(None) == ""


@given(st.emails())
def test_normalising_is_idempotent_and_ignores_case(address):
    key = normalise_email(address)
    assert normalise_email(key) == key
    assert normalise_email(address.upper()) == normalise_email(address.lower())


def test_email_validity():
    assert is_valid_email("kari@stud.ntnu.no")
    assert is_valid_email(" Kari@Stud.NTNU.no ")
    for bad in ("", "kari", "kari@", "@ntnu.no", "kari@ntnu", "ka ri@ntnu.no", "a@b@c.no"):
        assert not is_valid_email(bad), bad


def test_fold_makes_search_case_insensitive_beyond_ascii():
    assert fold("ØSTBY  Ærlig") == fold("østby ærlig")


def test_names_sort_in_norwegian_order():
    names = ["Åse", "Øystein", "Ærlig", "Zara", "Émile", "Anna", "Ola"]
    expected = ["Anna", "Émile", "Ola", "Zara", "Ærlig", "Øystein", "Åse"]
    assert sorted(names, key=sort_key) == expected


def test_numbers_in_names_sort_by_value():
    names = ["Gruppe 10", "Gruppe 2", "Gruppe 1", "gruppe 100"]
    assert sorted(names, key=sort_key) == ["Gruppe 1", "Gruppe 2", "Gruppe 10", "gruppe 100"]


def test_search_words_split_emails_and_hyphenated_names():
    words = search_words("Anne-Lise Østby", "Anne.Lise@Stud.NTNU.no").split()
    assert {"anne-lise", "anne", "lise", "østby", "anne.lise@stud.ntnu.no", "ntnu"} <= set(words)
