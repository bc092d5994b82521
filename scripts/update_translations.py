"""Extract, merge and compile Spleis' translations in one command.

    python scripts/update_translations.py           # refresh spleis.pot, nb's .po and .mo
    python scripts/update_translations.py --check   # only report; exit 1 when out of date

1. Every string marked with `_("…")`, `N_("…")` or `ngettext("…", "…", n)` under
   spleis_tui/ goes into spleis_tui/locale/spleis.pot (Babel's extractor; no network).
2. Each language's spleis.po is updated from the template, keeping its translations.
   New strings arrive empty; a string close to one that went away arrives "fuzzy",
   with the old translation as a suggestion for a translator to check. Strings no
   longer in the source are dropped.
3. The .po is compiled to spleis.mo, which `spleis_tui.i18n` loads. Untranslated and
   fuzzy entries are left out of the .mo, so the app shows English for them.

The output is deterministic: entries are sorted by msgid, locations name the file but
not the line (moving code does not touch the catalogues), and header dates only change
when the content does. Running it twice leaves every file byte-identical.

To translate: run the script, fill in the empty `msgstr ""` entries (and review the
`#, fuzzy` ones, then delete the fuzzy flag) in spleis_tui/locale/nb/LC_MESSAGES/spleis.po,
and run the script again to compile. `--check` lists what is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "spleis_tui"
LOCALE_DIR = SOURCE_DIR / "locale"
DOMAIN = "spleis"
POT_PATH = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("nb",)

# The marking functions of spleis_tui.i18n; ngettext's first two arguments are the
# singular and the plural.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python")]
COMMENT_TAGS = ("Translators:",)  # `# Translators: …` above a string reaches the .po

PROJECT = "Spleis"
COPYRIGHT = "the Spleis authors"
LANGUAGE_TEAMS = {"nb": "Norwegian Bokmål"}
WRITE_OPTIONS = {
    "width": 100,
    "sort_output": True,
    "include_lineno": False,
    "ignore_obsolete": True,
    "include_previous": False,  # Babel reads `#| msgid` back as a comment: not stable
}
# Babel stamps its own version into the header; leave it out so another Babel
# version does not make the files look out of date. No app version either: a release
# should not change the catalogues.
HEADER_FIXES = (
    (re.compile(rb'^"Generated-By: .*\\n"\n', re.MULTILINE), b""),
    (
        re.compile(rb'^"Project-Id-Version: .*\\n"$', re.MULTILINE),
        rb'"Project-Id-Version: Spleis\\n"',
    ),
)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# Extraction


def extract_messages(source_dir: Path = SOURCE_DIR) -> Catalog:
    """Every marked string in the package, with the files it comes from.

    The test suite calls this too, so the test and the script always agree on what
    needs a translation.
    """
    catalog = Catalog(project=PROJECT, copyright_holder=COPYRIGHT, fuzzy=False)
    found = extract_from_dir(
        str(source_dir),
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        path = (source_dir / filename).relative_to(ROOT).as_posix()
        catalog.add(
            message,
            None,
            [(path, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


# Rendering


def render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, **WRITE_OPTIONS)
    content = buffer.getvalue()
    for pattern, replacement in HEADER_FIXES:
        content = pattern.sub(replacement, content, count=1)
    return content


def render_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def read_catalog(path: Path, locale: str | None = None) -> Catalog | None:
    if not path.exists():
        return None
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


def build_template(previous: Catalog | None) -> Catalog:
    """The .pot, dated like the previous one unless its messages changed."""
    template = extract_messages()
    template.header_comment = (
        f"# Translations template for {PROJECT}.\n"
        f"# Copyright (C) {COPYRIGHT}\n"
        "# This file is generated by scripts/update_translations.py: do not edit it.\n"
        "#"
    )
    if previous is not None:
        # Same messages as before: keep the old date, so the file stays byte-identical.
        template.creation_date = previous.creation_date
        if _entries(render_po(template)) == _entries(_render_existing(POT_PATH)):
            return template
    template.creation_date = _now()
    return template


def _render_existing(path: Path) -> bytes:
    return path.read_bytes() if path.exists() else b""


def _entries(po_bytes: bytes) -> bytes:
    """The file without its header, to compare messages only."""
    return po_bytes.split(b"\n\n", 1)[1] if b"\n\n" in po_bytes else b""


def build_translation(lang: str, template: Catalog) -> Catalog:
    """The language's catalogue updated from the template, keeping its translations."""
    catalog = read_catalog(po_path(lang), locale=lang)
    if catalog is None:
        catalog = Catalog(
            locale=lang,
            domain=DOMAIN,
            project=PROJECT,
            copyright_holder=COPYRIGHT,
            language_team=LANGUAGE_TEAMS.get(lang, lang),
            last_translator="Spleis contributors",
            msgid_bugs_address="",
            fuzzy=False,
            revision_date=_now(),
        )
        catalog.header_comment = (
            f"# {LANGUAGE_TEAMS.get(lang, lang)} translation of {PROJECT}.\n"
            f"# Copyright (C) {COPYRIGHT}\n"
            "#"
        )
    catalog.update(template, update_creation_date=True)
    catalog.fuzzy = False  # the header; individual messages keep their own flag
    return catalog


# Problems


def problems(lang: str, catalog: Catalog) -> list[str]:
    """Messages with no usable translation: empty, partly empty or fuzzy."""
    found = []
    for message in catalog:
        if not message.id:
            continue
        where = ", ".join(sorted({path for path, _line in message.locations}))
        text = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            found.append(f"{lang}: fuzzy (check, then remove the flag): {text!r} ({where})")
        elif not _translated(message):
            found.append(f"{lang}: not translated: {text!r} ({where})")
    return found


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return bool(strings) and all(s for s in strings)


# Main


def plan() -> dict[Path, bytes]:
    """Every file the script maintains and the bytes it should hold."""
    template = build_template(read_catalog(POT_PATH))
    files = {POT_PATH: render_po(template)}
    for lang in LANGUAGES:
        catalog = build_translation(lang, template)
        files[po_path(lang)] = render_po(catalog)
        # Compile what the .po says (after a round trip through the file format).
        files[mo_path(lang)] = render_mo(read_po(io.BytesIO(files[po_path(lang)]), locale=lang))
    return files


def stale(files: dict[Path, bytes]) -> list[Path]:
    return [path for path, content in files.items() if _render_existing(path) != content]


def report(lines: Iterable[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a file is out of date or a string lacks a translation",
    )
    args = parser.parse_args(argv)

    files = plan()
    outdated = stale(files)
    missing = []
    for lang in LANGUAGES:
        catalog = read_po(io.BytesIO(files[po_path(lang)]), locale=lang)
        missing += problems(lang, catalog)

    if args.check:
        report(
            f"out of date: {relative(path)} (run scripts/update_translations.py)"
            for path in outdated
        )
        report(missing)
        if outdated or missing:
            print(
                f"{len(outdated)} file(s) out of date, {len(missing)} string(s) need work.",
                file=sys.stderr,
            )
            return 1
        print("Translations are up to date.")
        return 0

    for path in outdated:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"wrote {relative(path)}")
    count = sum(1 for m in extract_messages() if m.id)
    print(f"{count} strings; {len(missing)} need a translator.")
    report(missing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
