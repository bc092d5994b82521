"""The bokmål translation: complete, compiled, placeholders intact, and used by the app and CLI.

The strings to translate are extracted with Babel by scripts/update_translations.py, the
same code the maintainers run, so this test and the script never disagree. When a test
here fails because of a new string: run `python scripts/update_translations.py`, translate
the empty or fuzzy entries in spleis_tui/locale/nb/LC_MESSAGES/spleis.po, run it again.
"""

from __future__ import annotations

import gettext
import importlib.util
import string
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from spleis_tui.cli import cli
from spleis_tui.i18n import (
    _,
    current_language,
    language_from_environment,
    ngettext,
    number,
    set_language,
)

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "spleis_tui" / "locale" / "nb" / "LC_MESSAGES" / "spleis.po"
MO = PO.with_suffix(".mo")

# Words that are the same in bokmål on purpose: names of measures and roles, and a few
# words Norwegian borrowed as they are. Anything else with msgstr == msgid is a string
# somebody forgot to translate.
SAME_IN_BOTH = {
    "Campus",
    "Norsk/English",
    "OK",
    "Status",
    "Trivselsgrupper",
    "Trivselsleder",
    "Turgrupper",
    "Turleder",
    "Vennespleis",
    "Vennespleis vår 2027",
}

# The environment a CLI run sees when only LANG speaks: no LANGUAGE/LC_* overriding it.
NORWEGIAN_ENV = {"LANG": "nb_NO.UTF-8", "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None}


def load_script() -> ModuleType:
    path = ROOT / "scripts" / "update_translations.py"
    spec = importlib.util.spec_from_file_location("update_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def source() -> Catalog:
    """Every string marked in spleis_tui/, extracted exactly as the script does."""
    return load_script().extract_messages()


@pytest.fixture(scope="module")
def po() -> Catalog:
    with PO.open("rb") as file:
        return read_po(file, locale="nb")


def key(message: Message) -> str | tuple[str, ...]:
    return message.id if isinstance(message.id, str) else tuple(message.id)


def forms(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def entries(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def where(message: Message) -> str:
    return ", ".join(sorted({path for path, _line in message.locations}))


# (a) Everything marked in the source has a bokmål translation.


def test_every_marked_string_has_a_norwegian_translation(source: Catalog, po: Catalog) -> None:
    translations = {key(m): m for m in entries(po)}
    problems = []
    for message in entries(source):
        english = forms(message.id)
        entry = translations.get(key(message))
        if entry is None:
            problems.append(f"missing from the .po: {english[0]!r} ({where(message)})")
            continue
        norwegian = forms(entry.string)
        if entry.fuzzy:
            problems.append(f"fuzzy, needs checking: {english[0]!r} ({where(message)})")
        elif len(norwegian) < len(english) or not all(norwegian):
            problems.append(f"not translated: {english[0]!r} ({where(message)})")
        elif any(
            n == e and e not in SAME_IN_BOTH for n, e in zip(norwegian, english, strict=False)
        ):
            problems.append(f"still English: {english[0]!r} ({where(message)})")
    assert not problems, (
        "Run `python scripts/update_translations.py` and translate these in "
        f"{PO.relative_to(ROOT)}:\n" + "\n".join(problems)
    )


def test_the_allow_list_of_identical_words_is_really_identical(po: Catalog) -> None:
    translations = {key(m): m.string for m in entries(po)}
    assert all(translations.get(word, word) == word for word in SAME_IN_BOTH)


# (b) The compiled .mo says what the .po says.


def test_the_compiled_catalogue_matches_the_po(po: Catalog) -> None:
    with MO.open("rb") as file:
        translation = gettext.GNUTranslations(file)
    mismatched = []
    for message in entries(po):
        if message.fuzzy or not all(forms(message.string)):
            continue
        if isinstance(message.id, str):
            got = [translation.gettext(message.id)]
        else:
            singular, plural = message.id[0], message.id[1]
            got = [
                translation.ngettext(singular, plural, 1),
                translation.ngettext(singular, plural, 2),
            ]
        if got != forms(message.string):
            mismatched.append(forms(message.id)[0])
    assert not mismatched, "Run `python scripts/update_translations.py` to compile:\n" + "\n".join(
        mismatched
    )


def test_the_compiled_catalogue_has_nothing_the_po_lacks(po: Catalog) -> None:
    with MO.open("rb") as file:
        compiled = {key(m) for m in entries(read_mo(file))}
    translated = {key(m) for m in entries(po) if not m.fuzzy and all(forms(m.string))}
    assert compiled == translated


# (c) Translations keep the {placeholders} of their English text.


def placeholders(text: str) -> set[str]:
    """Each `{field:spec!conversion}` a str.format string uses."""
    found = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is not None:
            found.add(
                f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            )
    return found


def test_translations_keep_every_placeholder(po: Catalog) -> None:
    problems = []
    for message in entries(po):
        english = forms(message.id)
        for index, norwegian in enumerate(forms(message.string)):
            if not norwegian:
                continue
            original = english[min(index, len(english) - 1)]
            try:
                wanted, got = placeholders(original), placeholders(norwegian)
            except ValueError as error:  # an unbalanced brace
                problems.append(f"{norwegian!r}: {error}")
                continue
            if wanted != got:
                problems.append(
                    f"{original!r} has {sorted(wanted)}, {norwegian!r} has {sorted(got)}"
                )
    assert not problems, "\n".join(problems)


def test_placeholders_are_read_the_way_str_format_reads_them() -> None:
    assert placeholders("Added {signups} in {seconds:.1f} s.") == {"{signups}", "{seconds:.1f}"}
    assert placeholders("{{literal}} {name!r}") == {"{name!r}"}
    with pytest.raises(ValueError):
        placeholders("{name")


# (d) The language switch, and choosing the language from the locale.


def test_norwegian_translates_at_call_time() -> None:
    assert _("Participants") == "Participants"
    set_language("nb")
    try:
        assert current_language() == "nb"
        assert _("Participants") == "Deltakere"
        assert _("Dashboard") == "Oversikt"
        assert _("Add") == "Legg til"
        assert ngettext("{n} sign-up", "{n} sign-ups", 1).format(n=1) == "1 påmelding"
        assert ngettext("{n} sign-up", "{n} sign-ups", 3).format(n=3) == "3 påmeldinger"
        assert _("{first}–{last} of {total}").format(first=1, last=50, total=80) == "1–50 av 80"
    finally:
        set_language("en")
    assert _("Participants") == "Participants"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LANG": "nn_NO"}, "nb"),
        ({"LANG": "no_NO"}, "nb"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "nb:en", "LANG": "en_GB.UTF-8"}, "nb"),
        ({}, "en"),
    ],
)
def test_language_follows_the_locale(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


# (e) Numbers grouped the way each language writes them.


def test_numbers_are_grouped_per_language() -> None:
    assert number(1168) == "1,168"
    set_language("nb")
    try:
        assert number(1168) == "1\u00a0168"
        assert number(12) == "12"
    finally:
        set_language("en")


# The CLI's help in bokmål.


def test_cli_help_for_a_group_is_norwegian_with_lang_nb() -> None:
    result = CliRunner().invoke(cli, ["--lang", "nb", "participants", "--help"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Bruk: spleis participants")
    assert "Deltakere: de som er påmeldt en runde." in out
    assert "Valg:" in out and "Kommandoer:" in out
    assert "Vis denne hjelpen og avslutt." in out
    assert "Meld noen på en runde." in out  # `add`, in the list of commands
    assert "Participants: the people" not in out
    assert current_language() == "en"


def test_cli_top_level_help_lists_commands_in_norwegian() -> None:
    result = CliRunner().invoke(cli, ["--lang", "nb", "--help"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Arranger vennespleis, turgrupper og trivselsgrupper." in out
    assert "Ledere: trivselsledere og turledere." in out  # `leaders` short help
    assert "Eksporter data til regneark og andre verktøy." in out  # `export` short help
    assert "Språket i grensesnittet" in out  # an option's help
    assert "Vis versjonen og avslutt." in out
    assert current_language() == "en"


def test_cli_help_follows_a_norwegian_locale() -> None:
    result = CliRunner(env=NORWEGIAN_ENV).invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Ledere: trivselsledere og turledere." in result.stdout
    assert current_language() == "en"


def unwrapped(text: str) -> str:
    """Help text with click's line wrapping undone."""
    return " ".join(text.split())


def test_cli_option_notes_are_translated() -> None:
    result = CliRunner().invoke(cli, ["--lang", "nb", "participants", "add", "--help"])
    assert result.exit_code == 0, result.output
    out = unwrapped(result.stdout)
    assert "Fullt navn. [påkrevd]" in out
    assert "[required]" not in out
    listed = CliRunner().invoke(cli, ["--lang", "nb", "participants", "list", "--help"]).stdout
    assert "[standard: table]" in unwrapped(listed)


def test_cli_help_stays_english_without_norwegian() -> None:
    result = CliRunner(env={"LANGUAGE": "en"}).invoke(cli, ["participants", "list", "--help"])
    assert result.exit_code == 0, result.output
    out = unwrapped(result.stdout)
    assert out.startswith("Usage: spleis participants list")
    assert "List a round's sign-ups, filtered in the database." in out
    assert "Options:" in out and "[default: table]" in out
    assert "Show this message and exit." in out
