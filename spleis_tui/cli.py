"""The headless face of Spleis: every job the TUI does, scriptable.

`spleis` alone opens the TUI; `spleis COMMAND ...` works on the database without it.
Textual and Faker are imported only by the commands that need them, so headless
commands start fast. Output is plain text: participant names are printed as they
are, never interpreted as markup.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

import click
import peewee

from spleis_tui import __version__
from spleis_tui.core import db as core_db
from spleis_tui.core import export as core_export
from spleis_tui.core import groups as core_groups
from spleis_tui.core import leaders as core_leaders
from spleis_tui.core import reference as core_reference
from spleis_tui.core import rounds as core_rounds
from spleis_tui.core import signups as core_signups
from spleis_tui.core.errors import NotFound, SpleisError, ValidationError
from spleis_tui.core.models import (
    GENDERS,
    GROUP_PREFS,
    LANGUAGES,
    LEADER_ROLES,
    OPTION_KINDS,
    ROUND_KINDS,
    ROUND_STATUSES,
    SIGNUP_STATUSES,
    Group,
    Round,
)
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import LANGUAGES as UI_LANGUAGES
from spleis_tui.i18n import (
    N_,
    _,
    current_language,
    language_from_environment,
    ngettext,
    set_language,
)
from spleis_tui.labels import label
from spleis_tui.locations import resolve_db

PAGE_SIZE = 1000  # participants fetched per query: memory stays flat for any cohort
FORMATS = ("table", "csv", "json")
NO_GROUP = ("-", "none")


# Settings shared by every command, and the database opened on first use.


@dataclasses.dataclass
class State:
    db: str | None
    lang: str
    demo: bool
    connected: bool = False


def _state() -> State:
    state = click.get_current_context().find_object(State)
    assert state is not None, "commands run below the `spleis` group"
    return state


def connect() -> None:
    """Open the database the global options name (once per run), seeding an empty demo."""
    state = _state()
    if state.connected:
        return
    path = resolve_db(state.db, demo=state.demo)
    _refuse_missing_folder(path, chosen=bool(state.db or os.environ.get("SPLEIS_DB")))
    try:
        core_db.open_db(path)
    except (OSError, peewee.DatabaseError) as error:
        raise SpleisError(
            _("Cannot open the database {path}: {reason}").format(
                path=path, reason=_open_problem(error)
            )
        ) from error
    state.connected = True
    if state.demo:
        _seed_demo_if_empty()


def _refuse_missing_folder(path: str, *, chosen: bool) -> None:
    """A mistyped --db folder is an error, not a new empty database that looks like lost data."""
    if not chosen or "://" in path:
        return
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise SpleisError(
            _("Cannot open the database {path}: {reason}").format(
                path=path, reason=_("{path} is a file, not a folder").format(path=folder)
            )
        )
    if not os.path.isdir(folder):
        raise SpleisError(
            _("The folder {folder} does not exist. Check the path, or create the folder.").format(
                folder=folder
            )
        )


def needs_db(func: Callable[..., Any]) -> Callable[..., Any]:
    """Open the database before the command runs; `--help` never gets here, so never opens it."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        connect()
        return func(*args, **kwargs)

    return wrapper


def _seed_demo_if_empty() -> None:
    if Round.select().exists():
        return
    from spleis_tui.core.demo import seed_demo  # Faker: only when a demo is made

    click.echo(_("Creating the demo cohort…"), err=True)
    with progress_reporter(_("Creating the demo cohort")) as progress:
        seed_demo(progress=progress)


# Errors: one clear line on stderr and exit code 1, never a traceback for a user's mistake.


def _open_problem(error: BaseException) -> str:
    # mkdir reports a file in the way of the folder as "File exists": say what it means.
    if isinstance(error, FileExistsError) and error.filename:
        return _("{path} is a file, not a folder").format(path=error.filename)
    return _reason(error)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or error.__class__.__name__


def fail(message: str) -> NoReturn:
    # clean_text folds line breaks too: the error is always exactly one line.
    click.echo(_("Error: {message}").format(message=plain(message)), err=True)
    raise click.exceptions.Exit(1)


def _silence_broken_pipe() -> NoReturn:
    # The reader (`| head`) left: point stdout at devnull so the final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    raise click.exceptions.Exit(1)


# Help in the user's language. Help texts are English msgids marked with N_() (they are
# made at import, before --lang is known) and translated here, when help is shown.

HELP_LANGUAGE = "spleis.help_language"  # ctx.meta key: the --lang given on the command line

# Click's own words in the help page, translated through our catalogue too.
CLICK_TEXTS = (
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)


def remember_language(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """`--lang` is eager, so `spleis --lang nb --help` knows the language before the help."""
    if value:
        ctx.meta[HELP_LANGUAGE] = value
    return value


@contextmanager
def help_language(ctx: click.Context) -> Iterator[None]:
    """Show help in the language of --lang (or the locale), then restore the language."""
    previous = current_language()
    set_language(ctx.meta.get(HELP_LANGUAGE) or language_from_environment())
    try:
        yield
    finally:
        set_language(previous)


@contextmanager
def translated_help(command: click.Command) -> Iterator[None]:
    # Click reads `help` and `short_help` itself; lend it the translations for a moment.
    original = command.help, command.short_help
    command.help = _(command.help) if command.help else command.help
    command.short_help = _(command.short_help) if command.short_help else command.short_help
    try:
        yield
    finally:
        command.help, command.short_help = original


class TranslatedFormatter(click.HelpFormatter):
    """Translates the usage prefix and the section headings (Options, Commands)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage:") + " " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))


class TranslatedContext(click.Context):
    formatter_class = TranslatedFormatter


class TranslatedOption(click.Option):
    """An option whose help (and its [default: …] and [required] notes) is translated."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        spec, text = record
        original = self.help or ""
        if not hasattr(self, "get_help_extra"):  # click < 8.2: translate the help only
            if original and text.startswith(original):
                text = _(original) + text[len(original) :]
            return spec, text
        extra = self.get_help_extra(ctx)
        notes = []
        if "envvars" in extra:
            notes.append(_("env var: {var}").format(var=", ".join(extra["envvars"])))
        if "default" in extra:
            notes.append(_("default: {default}").format(default=extra["default"]))
        if "range" in extra:
            notes.append(extra["range"])
        if "required" in extra:
            notes.append(_("required"))
        text = _(original) if original else ""
        if notes:
            joined = "; ".join(notes)
            text = f"{text}  [{joined}]" if text else f"[{joined}]"
        return spec, text


def option(*param_decls: str, **attrs: Any) -> Callable[[Callable[..., Any]], Any]:
    """`click.option` with its help translated when shown."""
    attrs.setdefault("cls", TranslatedOption)
    return click.option(*param_decls, **attrs)


class TranslatedCommand(click.Command):
    """A command whose help is translated when it is shown, not when the module loads."""

    context_class = TranslatedContext

    def get_help(self, ctx: click.Context) -> str:
        with help_language(ctx):
            return super().get_help(ctx)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with translated_help(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated_help(self):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        help_option = super().get_help_option(ctx)
        if help_option is not None and type(help_option) is click.Option:
            # Click builds -h/--help itself; the same option, with translated help.
            help_option.__class__ = TranslatedOption
        return help_option


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group whose commands and subgroups translate their help too."""

    command_class = TranslatedCommand


TranslatedGroup.group_class = TranslatedGroup


class SpleisGroup(TranslatedGroup):
    """The top-level group: turns the errors a user can cause into one line and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            fail(core_signups.describe(error))
        except SpleisError as error:
            fail(str(error))
        except BrokenPipeError:
            _silence_broken_pipe()
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            fail(_reason(error) + where)
        except peewee.DatabaseError as error:
            # Locked, full, or a value the database refused: one line, never a traceback.
            fail(_("The database could not do that: {reason}").format(reason=error))


# Plain-text output.


def plain(value: object) -> str:
    """Text safe to print: no escape sequences, bidi overrides or line breaks from the data."""
    text = _as_text(value)
    if _already_clean(text):
        return text  # most cells: skip clean_text's regexes
    return clean_text(text)[0]


def _already_clean(text: str) -> bool:
    # Exactly the texts clean_text returns unchanged: printable (no controls, no Cf such
    # as bidi marks, no space other than " "), NFC, trimmed, no double spaces.
    return (
        text.isprintable()
        and text.strip() == text
        and "  " not in text
        and unicodedata.is_normalized("NFC", text)
    )


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _json_value(value: object) -> object:
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def display_width(text: str) -> int:
    """Terminal cells a text takes: wide East Asian characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    header: str
    show: Callable[[Any], str] | None = None  # how the table shows a value (a label for a code)

    def cell(self, row: dict[str, Any]) -> str:
        value = row.get(self.key)
        return plain(self.show(value) if self.show else value)


Rows = Callable[[], Iterable[dict[str, Any]]]


def row_dict(row: object) -> dict[str, Any]:
    """A core row dataclass as a dict; shallow, since `dataclasses.asdict` deep-copies (slow)."""
    return dict(vars(row))


def emit(rows: Rows, columns: list[Column], fmt: str, *, empty: str) -> None:
    """Print rows as an aligned table, CSV or JSON. `rows()` may be called twice (table)."""
    if fmt == "json":
        _emit_json(rows(), columns)
    elif fmt == "csv":
        _emit_csv(rows(), columns)
    else:
        _emit_table(rows, columns, empty=empty)


def _emit_table(rows: Rows, columns: list[Column], *, empty: str) -> None:
    # Two passes (widths, then lines) keep memory flat however many rows there are.
    widths = [display_width(c.header) for c in columns]
    count = 0
    for row in rows():
        count += 1
        for i, column in enumerate(columns):
            widths[i] = max(widths[i], display_width(column.cell(row)))
    if not count:
        click.echo(empty, err=True)
        return
    click.echo(_table_line([c.header for c in columns], widths))
    click.echo(_table_line(["-" * w for w in widths], widths))
    for row in rows():
        click.echo(_table_line([c.cell(row) for c in columns], widths))


def _table_line(cells: list[str], widths: list[int]) -> str:
    padded = [
        cell + " " * (width - display_width(cell))
        for cell, width in zip(cells, widths, strict=True)
    ]
    return "  ".join(padded).rstrip()


def _csv_value(value: object) -> str:
    # Stable in every UI language, like the export: true/false, codes joined by ";".
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(plain(v) for v in value)
    return plain(value)


def _emit_csv(rows: Iterable[dict[str, Any]], columns: list[Column]) -> None:
    # Keys, not translated headers, and formula-safe cells: people open this in Excel too.
    values = ([_csv_value(row.get(c.key)) for c in columns] for row in rows)
    core_export.write_rows(values, sys.stdout, [c.key for c in columns])


def _emit_json(rows: Iterable[dict[str, Any]], columns: list[Column]) -> None:
    # Streamed element by element, so a big round never sits in memory as one string.
    first = True
    click.echo("[", nl=False)
    for row in rows:
        item = {c.key: _json_value(row.get(c.key)) for c in columns}
        click.echo(("\n  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False), nl=False)
        first = False
    click.echo("\n]" if not first else "]")


@contextmanager
def progress_reporter(text: str) -> Iterator[Callable[[int, int], None] | None]:
    """A `progress(done, total)` callback drawing a bar on stderr, or None when not a TTY."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1, label=text, file=sys.stderr) as bar:

        def update(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(max(0, done - bar.pos))

        yield update


# Option types and shared options.


class IsoDate(click.ParamType):
    """A date typed as 2027-01-20 or 20.01.2027, like the TUI accepts."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return core_rounds.parse_date(str(value), "date")
        except ValidationError as error:
            self.fail(error.message, param, ctx)


round_option = option(
    "--round", "round_ref", metavar="R", help=N_("Round name or id (default: the current round).")
)
format_option = option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help=N_("table for reading; csv (formula-safe) and json for scripts, with stable codes."),
)
yes_option = option("--yes", "-y", is_flag=True, help=N_("Do not ask for confirmation."))


def signups_text(count: int) -> str:
    return ngettext("{n} sign-up", "{n} sign-ups", count).format(n=count)


def confirm(question: str, yes: bool) -> None:
    if not yes:
        click.confirm(question, abort=True, err=True)


def current(round_ref: str | None) -> Round:
    return core_rounds.find_round(round_ref)


# The command tree.

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(
    "spleis",
    cls=SpleisGroup,
    invoke_without_command=True,
    context_settings=CONTEXT,
    help=N_(
        "Run vennespleis, turgrupper and trivselsgrupper. Without a command, "
        "opens the terminal app."
    ),
)
@option(
    "--db",
    "db_path",
    metavar="PATH",
    help=N_("Database file or URL (default: $SPLEIS_DB, else your user data folder)."),
)
@option(
    "--lang",
    type=click.Choice(UI_LANGUAGES),
    is_eager=True,
    callback=remember_language,
    help=N_("Language of the interface (default: from your locale)."),
)
@option(
    "--demo",
    is_flag=True,
    help=N_("Use a separate demo database, filled with a made-up cohort the first time."),
)
@click.version_option(
    __version__,
    prog_name="spleis",
    cls=TranslatedOption,
    help=N_("Show the version and exit."),
)
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, lang: str | None, demo: bool) -> None:
    previous = current_language()
    lang = lang or language_from_environment()
    set_language(lang)
    # Close and restore on the way out, so calling main() twice in one process is clean.
    ctx.call_on_close(lambda: set_language(previous))
    ctx.call_on_close(core_db.close_db)
    ctx.obj = State(db=db_path, lang=lang, demo=demo)
    if ctx.invoked_subcommand is None:
        open_app(ctx.obj)


def open_app(state: State) -> None:
    connect()
    from spleis_tui.app import SpleisApp  # Textual costs 0.2 s: only the TUI pays it

    app = SpleisApp(lang=state.lang, demo=state.demo)
    app.run()
    # A crash inside the app must not look like a normal exit to scripts.
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)


# spleis seed


@cli.command(help=N_("Add a made-up, reproducible cohort to a round, for trying things out."))
@option(
    "--participants",
    "-n",
    type=click.IntRange(1, 100_000),
    required=True,
    metavar="N",
    help=N_("How many sign-ups to make."),
)
@option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help=N_("The same seed makes the same cohort."),
)
@option(
    "--round", "round_name", metavar="NAME", help=N_("Round to add them to (created when missing).")
)
@option(
    "--kind",
    type=click.Choice(ROUND_KINDS),
    default="vennespleis",
    show_default=True,
    help=N_("Kind of round, when it is created."),
)
@needs_db
def seed(participants: int, seed: int, round_name: str | None, kind: str) -> None:
    from spleis_tui.core.cohort import seed_cohort  # Faker: only for this command

    if round_name:
        # An existing round, by name or id, gets the cohort; any other name makes a new round.
        with suppress(NotFound):
            round_name = core_rounds.find_round(round_name).name
    with progress_reporter(_("Creating participants")) as progress:
        result = seed_cohort(
            participants, seed, round_name=round_name, kind=kind, progress=progress
        )
    click.echo(
        _("Added {signups} ({withdrawn} withdrawn) to {round} in {seconds:.1f} s.").format(
            signups=signups_text(result.participants),
            withdrawn=result.withdrawn,
            round=plain(result.round_name),
            seconds=result.seconds,
        )
    )
    if result.skipped:
        click.echo(_("Skipped {n} already in the round.").format(n=result.skipped))


# spleis import


LISTED_WARNINGS = 20  # rows of warnings printed unless --verbose


def _column_note(column: Any) -> str:
    from spleis_tui.core.importing import mapping as core_mapping

    role = column.role
    if role == core_mapping.METADATA:
        return _("form metadata")
    if role == core_mapping.DUPLICATE:
        return _("another column has the {field}").format(
            field=core_signups.field_label(column.field).lower()
        )
    if role == core_mapping.DROPPED:
        return _("not imported, as you chose")
    return _("unknown: map it with --map FIELD=HEADER to import it")


@cli.command(
    "import",
    help=N_(
        "Import sign-ups from a form export (Nettskjema, Microsoft Forms, Google Forms, "
        "Excel CSV or Unicode text, .xlsx, .ods). Importing a newer export again adds the "
        "new answers and updates the changed ones."
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@round_option
@option(
    "--profile",
    default="auto",
    show_default=True,
    help=N_("auto, nettskjema, msforms, googleforms or a profile saved with --save-profile."),
)
@option("--encoding", help=N_("The file's encoding, such as utf-8 or cp1252 (default: detected)."))
@option("--delimiter", help=N_("comma, semicolon or tab (default: detected)."))
@option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=HEADER",
    help=N_("Read a column into a field, such as --map email=Epost; FIELD= leaves a field out."),
)
@option("--dry-run", is_flag=True, help=N_("Show what would happen; save nothing."))
@option(
    "--rejects",
    metavar="PATH",
    help=N_("Where to write the rejected rows (default: beside the file, NAME-rejects.csv)."),
)
@option("--save-profile", metavar="NAME", help=N_("Save this mapping under a name, for next time."))
@option("--verbose", "-v", is_flag=True, help=N_("List every warning, not only the first ones."))
@needs_db
def import_command(
    file: str,
    round_ref: str | None,
    profile: str,
    encoding: str | None,
    delimiter: str | None,
    maps: tuple[str, ...],
    dry_run: bool,
    rejects: str | None,
    save_profile: str | None,
    verbose: bool,
) -> None:
    from spleis_tui.core.importing import mapping as core_mapping
    from spleis_tui.core.importing import profiles as core_profiles
    from spleis_tui.core.importing import run as core_import
    from spleis_tui.core.importing.sources import check_encoding, parse_delimiter

    round_ = current(round_ref)
    options = core_import.ImportOptions(
        profile=profile,
        encoding=check_encoding(encoding) if encoding else None,
        delimiter=parse_delimiter(delimiter) if delimiter else None,
        overrides=core_mapping.parse_overrides(list(maps)),
    )
    with progress_reporter(_("Importing")) as progress:
        report = core_import.import_file(
            file,
            round_.id,
            options,
            dry_run=dry_run,
            rejects_path=rejects,
            progress=(lambda f: progress(int(f * 1000), 1000)) if progress else None,
        )
    source = report.source
    used = [c for c in report.mapping.columns if c.imported]
    click.echo(
        _("{file}: {format}; {columns} columns, {used} imported.").format(
            file=plain(report.file),
            format=source.description,
            columns=len(source.headers),
            used=len(used),
        )
    )
    for column in report.mapping.unused:
        click.echo(
            _("  Not imported: {header} ({why})").format(
                header=plain(column.header) or _("(no header)"), why=_column_note(column)
            )
        )
    if report.rejects:
        click.echo(_("Rejected rows:"))
        for _row, reason in report.rejects[: None if verbose else LISTED_WARNINGS]:
            click.echo("  " + plain(reason))
        hidden = len(report.rejects) - LISTED_WARNINGS
        if not verbose and hidden > 0:
            click.echo(_("  … and {n} more (--verbose lists them all).").format(n=hidden))
    if report.unknown:
        click.echo(_("Not in the reference data, kept as written (add them, then import again):"))
        for (field_name, value), rows in report.unknown.most_common():
            click.echo(
                ngettext("  {field} {value}: {n} row", "  {field} {value}: {n} rows", rows).format(
                    field=core_signups.field_label(field_name), value=plain(value), n=rows
                )
            )
    # Unknown campuses and programmes are summed up above; the rest row by row.
    summed = {core_signups.field_label(f) + ":" for f, _v in report.unknown}
    listed = [
        (row, email, [m for m in messages if verbose or not m.startswith(tuple(summed))])
        for row, email, messages in report.warnings
    ]
    listed = [entry for entry in listed if entry[2]]
    if listed:
        click.echo(
            ngettext(
                "Imported with warnings ({n} row):",
                "Imported with warnings ({n} rows):",
                len(listed),
            ).format(n=len(listed))
        )
        for row, email, messages in listed[: None if verbose else LISTED_WARNINGS]:
            for message in messages:
                click.echo(
                    _("  Row {row} ({email}): {message}").format(
                        row=row, email=plain(email), message=plain(message)
                    )
                )
        hidden = len(listed) - LISTED_WARNINGS
        if not verbose and hidden > 0:
            click.echo(_("  … and {n} more rows (--verbose lists them all).").format(n=hidden))
    for line in report.duplicates:
        click.echo(_("Twice: {line}").format(line=plain(line)))
    for kind, code, label_nb, label_en in report.new_options:
        click.echo(
            _("New option for {field}: {label} ({code}); rename it under reference data.").format(
                field=core_signups.field_label(
                    "interests" if kind == "interest" else "availability"
                ).lower(),
                label=plain(label_en if current_language() == "en" else label_nb),
                code=code,
            )
        )
    for note in report.notes:
        click.echo(_("Note: {note}").format(note=note))
    if report.rejects_path:
        click.echo(
            _("The rejected rows, with the reason, are in {path}: fix them and import it.").format(
                path=report.rejects_path
            )
        )
    click.echo(
        _(
            "{read} rows read: {imported} imported, {updated} updated, {unchanged} unchanged, "
            "{rejected} rejected ({seconds:.2f} s)."
        ).format(
            read=report.rows_read,
            imported=report.imported,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
            seconds=report.seconds,
        )
    )
    if dry_run:
        click.echo(_("Dry run: nothing was saved."))
    else:
        click.echo(_("Imported into {round}.").format(round=plain(round_.name)))
    if save_profile:
        saved = core_profiles.save_profile(
            save_profile,
            report.mapping,
            encoding=options.encoding or "",
            delimiter=options.delimiter or "",
        )
        click.echo(_("Saved the mapping as the profile {name}.").format(name=plain(saved.name)))


@cli.group(
    help=N_("Import profiles: saved mappings of a form's columns (spleis import --save-profile).")
)
def profiles() -> None:
    pass


@profiles.command("list", help=N_("List the import profiles, built-in and saved."))
@format_option
@needs_db
def profiles_list(fmt: str) -> None:
    from spleis_tui.core.importing import profiles as core_profiles

    rows = [
        {
            "name": p.name,
            "kind": _("built-in") if p.builtin else _("saved"),
            "columns": len(p.columns),
            "encoding": p.encoding,
            "delimiter": p.delimiter,
        }
        for p in core_profiles.list_profiles()
    ]
    columns = [
        Column("name", _("Profile")),
        Column("kind", _("Kind")),
        Column("columns", _("Columns")),
        Column("encoding", _("Encoding")),
        Column("delimiter", _("Delimiter")),
    ]
    emit(lambda: iter(rows), columns, fmt, empty=_("No profiles."))


@profiles.command("delete", help=N_("Delete a saved import profile."))
@click.argument("name")
@needs_db
def profiles_delete(name: str) -> None:
    from spleis_tui.core.importing import profiles as core_profiles

    core_profiles.delete_profile(name)
    click.echo(_("Deleted the profile {name}.").format(name=plain(name)))


# spleis rounds


@cli.group(help=N_("Rounds: one run of a measure, such as Vennespleis vår 2027."))
def rounds() -> None:
    pass


@rounds.command("list", help=N_("List the rounds; * marks the current one."))
@format_option
@needs_db
def rounds_list(fmt: str) -> None:
    found = core_rounds.current_round()
    current_id = found.id if found else None
    rows = [{**row_dict(r), "current": r.id == current_id} for r in core_rounds.list_rounds()]
    columns = [
        Column("current", "", show=lambda v: "*" if v else ""),
        Column("id", _("Id")),
        Column("name", _("Name")),
        Column("kind", _("Kind"), show=lambda v: label("kind", v)),
        Column("status", _("Status"), show=lambda v: label("round_status", v)),
        Column("starts_on", _("Starts")),
        Column("ends_on", _("Ends")),
        Column("active", _("Active")),
        Column("withdrawn", _("Withdrawn")),
    ]
    emit(lambda: rows, columns, fmt, empty=_("There are no rounds yet."))


@rounds.command("create", help=N_("Create a round and make it the current one."))
@click.argument("name")
@option(
    "--kind",
    type=click.Choice(ROUND_KINDS),
    default="vennespleis",
    show_default=True,
    help=N_("What the round is."),
)
@option("--starts", type=IsoDate(), help=N_("First day, such as 2027-01-20."))
@option("--ends", type=IsoDate(), help=N_("Last day, such as 2027-03-01."))
@option(
    "--privacy-note",
    metavar="TEXT",
    help=N_("What participants are told about their data (default: a standard note)."),
)
@needs_db
def rounds_create(
    name: str, kind: str, starts: dt.date | None, ends: dt.date | None, privacy_note: str | None
) -> None:
    created = core_rounds.create_round(
        name, kind, starts_on=starts, ends_on=ends, privacy_note=privacy_note
    )
    click.echo(
        _("Created the round {name} (id {id}); it is now the current round.").format(
            name=plain(created.name), id=created.id
        )
    )


@rounds.command("use", help=N_("Make a round the current one."))
@click.argument("round_ref", metavar="R")
@needs_db
def rounds_use(round_ref: str) -> None:
    found = core_rounds.set_current_round(current(round_ref).id)
    click.echo(_("The current round is now {name}.").format(name=plain(found.name)))


@rounds.command("status", help=N_("Set a round's status."))
@click.argument("round_ref", metavar="R")
@click.argument("status", type=click.Choice(ROUND_STATUSES))
@needs_db
def rounds_status(round_ref: str, status: str) -> None:
    found = current(round_ref)
    core_rounds.set_round_status(found.id, status)
    click.echo(
        _("The status of {name} is now: {status}.").format(
            name=plain(found.name), status=label("round_status", status)
        )
    )


@rounds.command("delete", help=N_("Erase a round with all its sign-ups, groups and leaders."))
@click.argument("round_ref", metavar="R")
@yes_option
@needs_db
def rounds_delete(round_ref: str, yes: bool) -> None:
    found = current(round_ref)
    count = core_signups.ParticipantQuery(round_id=found.id).count()
    confirm(
        _(
            "Erase the round {name} with its {signups}, groups and leaders? This cannot be undone."
        ).format(name=plain(found.name), signups=signups_text(count)),
        yes,
    )
    erased = core_rounds.delete_round(found.id)
    click.echo(
        _("Erased the round {name} and its {signups}.").format(
            name=plain(found.name), signups=signups_text(erased)
        )
    )


# spleis participants


@cli.group(help=N_("Participants: the people signed up for a round."))
def participants() -> None:
    pass


def participant_columns() -> list[Column]:
    return [
        Column("name", _("Name")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("gender", _("Gender"), show=lambda v: label("gender", v)),
        Column("age", _("Age")),
        Column("campus", _("Campus")),
        Column("programme", _("Programme")),
        Column("language", _("Language"), show=lambda v: label("language", v)),
        Column("group_pref", _("Group preference"), show=lambda v: label("group_pref", v)),
        Column("status", _("Status"), show=lambda v: label("status", v)),
        Column("group", _("Group")),
    ]


def participant_rows(query: core_signups.ParticipantQuery) -> Iterator[dict[str, Any]]:
    """Every row the query matches, fetched a page at a time."""
    offset = 0
    while True:
        page = query.page(offset, PAGE_SIZE)
        for row in page:
            yield row_dict(row)
        if len(page) < PAGE_SIZE:
            return
        offset += PAGE_SIZE


@participants.command("list", help=N_("List a round's sign-ups, filtered in the database."))
@round_option
@option("--search", default="", help=N_("Words to find in name, e-mail or programme."))
@option("--campus", default="", help=N_("Campus code or name, such as gloshaugen."))
@option("--gender", type=click.Choice(GENDERS), help=N_("Only this gender."))
@option("--language", type=click.Choice(LANGUAGES), help=N_("Only this language."))
@option("--status", type=click.Choice(SIGNUP_STATUSES), help=N_("Only this status."))
@option(
    "--group",
    "grouped",
    type=click.Choice(["in", "none"]),
    help=N_("Only people in a group (in) or without one (none)."),
)
@format_option
@needs_db
def participants_list(
    round_ref: str | None,
    search: str,
    campus: str,
    gender: str | None,
    language: str | None,
    status: str | None,
    grouped: str | None,
    fmt: str,
) -> None:
    query = core_signups.ParticipantQuery(
        round_id=current(round_ref).id,
        search=search,
        campus=core_reference.load_reference().campus_code(campus) if campus else "",
        gender=gender or "",
        language=language or "",
        status=status or "",
        grouped={"in": True, "none": False}.get(grouped or ""),
    )
    emit(lambda: participant_rows(query), participant_columns(), fmt, empty=_("No sign-ups match."))


# CLI option -> sign-up field. Options that were not given are left out, so `edit`
# changes only what it is told to.
_SIGNUP_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "gender": "gender",
    "age": "age",
    "campus": "campus",
    "programme": "programme",
    "year": "year_of_study",
    "language": "language",
    "group_pref": "group_pref",
    "interest": "interests",
    "availability": "availability",
    "friend": "friend_email",
    "comment": "comment",
}


def signup_options(*, adding: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The answer options shared by `participants add` and `participants edit`."""
    options = [
        option("--name", required=adding, help=N_("Full name.")),
        option("--email", required=adding, help=N_("E-mail address.")),
        option("--phone", help=N_("Phone number, such as +47 912 34 567.")),
        option("--gender", type=click.Choice(GENDERS), help=N_("Gender.")),
        # Age and year are checked by core, so the error names the field like the app does.
        option("--age", metavar="N", help=N_("Age in years.")),
        option("--campus", help=N_("Campus code, such as gloshaugen.")),
        option("--programme", help=N_("Study programme code, such as MTDT.")),
        option("--year", metavar="N", help=N_("Year of study.")),
        option("--language", type=click.Choice(LANGUAGES), help=N_("Language for the group.")),
        option(
            "--group-pref",
            type=click.Choice(GROUP_PREFS),
            help=N_("Same-gender, mixed or any group."),
        ),
        option(
            "--interest",
            multiple=True,
            metavar="CODE",
            help=N_('An interest code; repeat for more. "" clears them.'),
        ),
        option(
            "--availability",
            multiple=True,
            metavar="CODE",
            help=N_('An availability code; repeat for more. "" clears them.'),
        ),
        option("--friend", metavar="EMAIL", help=N_("E-mail of a friend to be grouped with.")),
        option("--comment", help=N_("Free-text comment.")),
    ]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for add_option in reversed(options):
            func = add_option(func)
        return func

    return decorate


def signup_data(values: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for option, field in _SIGNUP_FIELDS.items():
        value = values.get(option)
        if value is None or value == ():
            continue
        data[field] = list(value) if isinstance(value, tuple) else value
    return data


@participants.command("add", help=N_("Sign somebody up for a round."))
@round_option
@signup_options(adding=True)
@option(
    "--consent",
    is_flag=True,
    help=N_("The participant has agreed to the round's privacy note (required)."),
)
@needs_db
def participants_add(round_ref: str | None, consent: bool, **values: Any) -> None:
    found = current(round_ref)
    ref = core_reference.load_reference()
    signup = core_signups.add_signup(found.id, signup_data(values), ref, consent=consent)
    click.echo(
        _("Added {name} to {round}.").format(name=plain(signup.name), round=plain(found.name))
    )


@participants.command("edit", help=N_("Change a sign-up's answers; only the options given change."))
@click.argument("who", metavar="EMAIL")  # not "email": --email sets a new address
@round_option
@signup_options(adding=False)
@needs_db
def participants_edit(who: str, round_ref: str | None, **values: Any) -> None:
    found = current(round_ref)
    signup = core_signups.find_signup(found.id, who)
    data = signup_data(values)
    if not data:
        raise click.UsageError(_("Give at least one option to change."))
    updated = core_signups.update_signup(signup.id, data, core_reference.load_reference())
    click.echo(_("Updated {name}.").format(name=plain(updated.name)))


def _set_status(email: str, round_ref: str | None, status: str) -> None:
    signup = core_signups.find_signup(current(round_ref).id, email)
    core_signups.set_status(signup.id, status)
    message = _("{name} has withdrawn.") if status == "withdrawn" else _("{name} is active again.")
    click.echo(message.format(name=plain(signup.name)))


@participants.command("withdraw", help=N_("Mark a sign-up as withdrawn; it leaves its group."))
@click.argument("email")
@round_option
@needs_db
def participants_withdraw(email: str, round_ref: str | None) -> None:
    _set_status(email, round_ref, "withdrawn")


@participants.command("reactivate", help=N_("Make a withdrawn sign-up active again."))
@click.argument("email")
@round_option
@needs_db
def participants_reactivate(email: str, round_ref: str | None) -> None:
    _set_status(email, round_ref, "active")


@participants.command("delete", help=N_("Erase a sign-up from one round."))
@click.argument("email")
@round_option
@yes_option
@needs_db
def participants_delete(email: str, round_ref: str | None, yes: bool) -> None:
    found = current(round_ref)
    signup = core_signups.find_signup(found.id, email)
    confirm(
        _("Erase {name}'s sign-up for {round}?").format(
            name=plain(signup.name), round=plain(found.name)
        ),
        yes,
    )
    core_signups.delete_signup(signup.id)
    click.echo(
        _("Erased {name}'s sign-up for {round}.").format(
            name=plain(signup.name), round=plain(found.name)
        )
    )


@participants.command(
    "keep-apart",
    help=N_("Never put two people in one group, in any round (or allow it again with --remove)."),
)
@click.argument("email_a", metavar="EMAIL")
@click.argument("email_b", metavar="EMAIL")
@option("--remove", is_flag=True, help=N_("Allow them in one group again."))
@needs_db
def participants_keep_apart(email_a: str, email_b: str, remove: bool) -> None:
    from spleis_tui.core.matching import plan

    if remove:
        done = plan.allow_together(email_a, email_b)
        message = (
            _("{a} and {b} may be grouped together again.")
            if done
            else _("{a} and {b} were not kept apart.")
        )
    else:
        done = plan.keep_apart(email_a, email_b)
        message = (
            _("{a} and {b} will never be put in one group.")
            if done
            else _("{a} and {b} were already kept apart.")
        )
    click.echo(message.format(a=plain(email_a), b=plain(email_b)))


@participants.command("apart", help=N_("List the pairs kept apart among a round's sign-ups."))
@round_option
@needs_db
def participants_apart(round_ref: str | None) -> None:
    from spleis_tui.core.matching import plan

    pairs = plan.kept_apart(current(round_ref).id)
    if not pairs:
        click.echo(_("No pairs are kept apart in this round."))
    for a, b in pairs:
        click.echo(f"{plain(a)} ≠ {plain(b)}")


@participants.command("erase", help=N_("Erase everything stored about an e-mail, in every round."))
@click.argument("email")
@yes_option
@needs_db
def participants_erase(email: str, yes: bool) -> None:
    confirm(
        _("Erase everything stored about {email} in every round? This cannot be undone.").format(
            email=plain(email)
        ),
        yes,
    )
    erased = core_signups.erase_person(email)
    click.echo(
        _("Erased everything stored about {email} ({signups}).").format(
            email=plain(email), signups=signups_text(erased.signups)
        )
    )
    if erased.leaders:
        click.echo(
            ngettext(
                "Also erased {n} leader record.", "Also erased {n} leader records.", erased.leaders
            ).format(n=erased.leaders)
        )
    if erased.friend_mentions:
        click.echo(
            ngettext(
                "Removed the address where {n} other person named them as a friend.",
                "Removed the address where {n} other people named them as a friend.",
                erased.friend_mentions,
            ).format(n=erased.friend_mentions)
        )


# spleis groups


@cli.group(help=N_("Groups in a round, edited by hand."))
def groups() -> None:
    pass


def find_group(round_ref: str | None, group_ref: str) -> Group:
    return core_groups.find_group(current(round_ref).id, group_ref)


@groups.command("list", help=N_("List a round's groups, or with --members everybody in them."))
@round_option
@option("--members", is_flag=True, help=N_("One row per member instead of per group."))
@format_option
@needs_db
def groups_list(round_ref: str | None, members: bool, fmt: str) -> None:
    round_id = current(round_ref).id
    if members:
        empty = _("No groups have members.")
        emit(lambda: member_rows(round_id), member_columns(), fmt, empty=empty)
        return
    rows = [
        {**row_dict(g), "campuses": [c for c in g.campuses if c]}
        for g in core_groups.list_groups(round_id)
    ]
    columns = [
        Column("id", _("Id")),
        Column("name", _("Name")),
        Column("size", _("Size")),
        Column("leader", _("Leader")),
        Column("locked", _("Locked")),
        Column("campuses", _("Campuses")),
    ]
    emit(lambda: rows, columns, fmt, empty=_("This round has no groups yet."))


def member_rows(round_id: int) -> Iterator[dict[str, Any]]:
    for group in core_groups.list_groups(round_id):
        for member in core_groups.group_members(group.id):
            yield {"group": group.name, **row_dict(member)}


def member_columns() -> list[Column]:
    return [
        Column("group", _("Group")),
        Column("name", _("Name")),
        Column("email", _("E-mail")),
        Column("gender", _("Gender"), show=lambda v: label("gender", v)),
        Column("age", _("Age")),
        Column("campus", _("Campus")),
        Column("programme", _("Programme")),
        Column("language", _("Language"), show=lambda v: label("language", v)),
    ]


@groups.command("create", help=N_("Create an empty group (named Group N unless you name it)."))
@click.argument("name", required=False)
@round_option
@needs_db
def groups_create(name: str | None, round_ref: str | None) -> None:
    group = core_groups.create_group(current(round_ref).id, name)
    click.echo(_("Created {name}.").format(name=plain(group.name)))


@groups.command("rename", help=N_("Rename a group."))
@click.argument("group_ref", metavar="GROUP")
@click.argument("new_name", metavar="NEWNAME")
@round_option
@needs_db
def groups_rename(group_ref: str, new_name: str, round_ref: str | None) -> None:
    group = find_group(round_ref, group_ref)
    old = group.name
    renamed = core_groups.rename_group(group.id, new_name)
    click.echo(_("Renamed {old} to {new}.").format(old=plain(old), new=plain(renamed.name)))


def _lock(group_ref: str, round_ref: str | None, locked: bool) -> None:
    group = core_groups.set_locked(find_group(round_ref, group_ref).id, locked)
    message = _("Locked {name}.") if locked else _("Unlocked {name}.")
    click.echo(message.format(name=plain(group.name)))


@groups.command("lock", help=N_("Lock a group, so nobody is moved in or out of it."))
@click.argument("group_ref", metavar="GROUP")
@round_option
@needs_db
def groups_lock(group_ref: str, round_ref: str | None) -> None:
    _lock(group_ref, round_ref, True)


@groups.command("unlock", help=N_("Unlock a group."))
@click.argument("group_ref", metavar="GROUP")
@round_option
@needs_db
def groups_unlock(group_ref: str, round_ref: str | None) -> None:
    _lock(group_ref, round_ref, False)


@groups.command("dissolve", help=N_("Delete a group; its members stay in the round."))
@click.argument("group_ref", metavar="GROUP")
@round_option
@yes_option
@needs_db
def groups_dissolve(group_ref: str, round_ref: str | None, yes: bool) -> None:
    group = find_group(round_ref, group_ref)
    confirm(_("Dissolve {name}?").format(name=plain(group.name)), yes)
    count = core_groups.dissolve_group(group.id)
    click.echo(
        ngettext(
            "Dissolved {name}; {n} member is now without a group.",
            "Dissolved {name}; {n} members are now without a group.",
            count,
        ).format(name=plain(group.name), n=count)
    )


@groups.command("move", help=N_("Put a participant in a group; GROUP - takes them out of theirs."))
@click.argument("email")
@click.argument("group_ref", metavar="GROUP")
@round_option
@needs_db
def groups_move(email: str, group_ref: str, round_ref: str | None) -> None:
    round_id = current(round_ref).id
    signup = core_signups.find_signup(round_id, email)
    if group_ref.strip().lower() in NO_GROUP:
        core_groups.move_member(signup.id, None)
        click.echo(_("{name} is now without a group.").format(name=plain(signup.name)))
        return
    group = core_groups.find_group(round_id, group_ref)
    core_groups.move_member(signup.id, group.id)
    click.echo(
        _("Moved {name} to {group}.").format(name=plain(signup.name), group=plain(group.name))
    )


@groups.command("swap", help=N_("Two participants in different groups trade places."))
@click.argument("email_a", metavar="EMAIL")
@click.argument("email_b", metavar="EMAIL")
@round_option
@needs_db
def groups_swap(email_a: str, email_b: str, round_ref: str | None) -> None:
    round_id = current(round_ref).id
    first = core_signups.find_signup(round_id, email_a)
    second = core_signups.find_signup(round_id, email_b)
    core_groups.swap_members(first.id, second.id)
    click.echo(
        _("{name} and {other} swapped groups.").format(
            name=plain(first.name), other=plain(second.name)
        )
    )


@groups.command("leader", help=N_("Give a group a leader (e-mail, name or id); - removes it."))
@click.argument("group_ref", metavar="GROUP")
@click.argument("leader_ref", metavar="LEADER")
@round_option
@needs_db
def groups_leader(group_ref: str, leader_ref: str, round_ref: str | None) -> None:
    round_id = current(round_ref).id
    group = core_groups.find_group(round_id, group_ref)
    if leader_ref.strip().lower() in NO_GROUP:
        core_groups.set_group_leader(group.id, None)
        click.echo(_("{group} has no leader now.").format(group=plain(group.name)))
        return
    leader = core_leaders.find_leader(round_id, leader_ref)
    core_groups.set_group_leader(group.id, leader.id)
    click.echo(
        _("{name} now leads {group}.").format(name=plain(leader.name), group=plain(group.name))
    )


# spleis leaders


@cli.group(help=N_("Leaders: trivselsledere and turledere."))
def leaders() -> None:
    pass


@leaders.command("list", help=N_("List a round's leaders and how many groups each has."))
@round_option
@format_option
@needs_db
def leaders_list(round_ref: str | None, fmt: str) -> None:
    rows = [row_dict(r) for r in core_leaders.list_leaders(current(round_ref).id)]
    columns = [
        Column("id", _("Id")),
        Column("name", _("Name")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("campus", _("Campus")),
        Column("role", _("Role"), show=lambda v: label("role", v)),
        Column("capacity", _("Capacity")),
        Column("groups", _("Groups")),
        Column("language", _("Language"), show=lambda v: label("language", v)),
    ]
    emit(lambda: rows, columns, fmt, empty=_("This round has no leaders yet."))


@leaders.command("add", help=N_("Add a leader to a round."))
@round_option
@option("--name", required=True, help=N_("Full name."))
@option("--email", required=True, help=N_("E-mail address."))
@option("--phone", default="", help=N_("Phone number."))
@option("--campus", default="", help=N_("Campus code, such as gloshaugen."))
@option(
    "--role",
    type=click.Choice(LEADER_ROLES),
    default="trivselsleder",
    show_default=True,
    help=N_("What the leader does."),
)
@option(
    "--capacity",
    metavar="N",
    default="2",
    show_default=True,
    help=N_("How many groups the leader can take."),
)
@option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="both",
    show_default=True,
    help=N_("The language of the groups they can lead: no, en or both."),
)
@needs_db
def leaders_add(round_ref: str | None, **values: Any) -> None:
    found = current(round_ref)
    leader = core_leaders.add_leader(found.id, values, core_reference.load_reference())
    click.echo(
        _("Added {name} as a leader in {round}.").format(
            name=plain(leader.name), round=plain(found.name)
        )
    )


@leaders.command("remove", help=N_("Remove a leader (e-mail, name or id); their groups stay."))
@click.argument("leader_ref", metavar="LEADER")
@round_option
@yes_option
@needs_db
def leaders_remove(leader_ref: str, round_ref: str | None, yes: bool) -> None:
    leader = core_leaders.find_leader(current(round_ref).id, leader_ref)
    confirm(_("Remove the leader {name}?").format(name=plain(leader.name)), yes)
    core_leaders.delete_leader(leader.id)
    click.echo(_("Removed the leader {name}.").format(name=plain(leader.name)))


@leaders.command("copy", help=N_("Bring the leaders of an earlier round into this one."))
@option("--from", "from_ref", required=True, help=N_("The round to copy leaders from."))
@round_option
@needs_db
def leaders_copy(from_ref: str, round_ref: str | None) -> None:
    source, target = core_rounds.find_round(from_ref), current(round_ref)
    added = core_leaders.copy_leaders(source.id, target.id)
    click.echo(
        ngettext(
            "Copied {n} leader from {source} to {target}.",
            "Copied {n} leaders from {source} to {target}.",
            added,
        ).format(n=added, source=plain(source.name), target=plain(target.name))
    )


# spleis reference

REFERENCE_KINDS = ("campuses", "programmes", "interests", "availability")


@cli.group(help=N_("Reference data: campuses, study programmes and answer options."))
def reference() -> None:
    pass


@reference.command("list", help=N_("List campuses, programmes, interests or availability options."))
@click.argument("kind", type=click.Choice(REFERENCE_KINDS))
@format_option
@needs_db
def reference_list(kind: str, fmt: str) -> None:
    rows, columns = reference_table(kind, core_reference.load_reference(), current_language())
    emit(lambda: rows, columns, fmt, empty=_("Nothing here yet."))


def reference_table(
    kind: str, ref: core_reference.Reference, lang: str
) -> tuple[list[dict[str, Any]], list[Column]]:
    if kind == "campuses":
        rows = [{"code": c.code, "name": c.name, "city": c.city} for c in ref.campuses.values()]
        return rows, [
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("city", _("City")),
        ]
    if kind == "programmes":
        rows = [
            {
                "code": p.code,
                "name": p.name(lang),
                "department": p.department,
                "faculty": p.faculty,
                "years": p.years,
                "campuses": list(p.campuses),
            }
            for p in ref.programmes.values()
        ]
        return rows, [
            Column("code", _("Code")),
            Column("name", _("Name")),
            Column("department", _("Department")),
            Column("faculty", _("Faculty")),
            Column("years", _("Years")),
            Column("campuses", _("Campuses")),
        ]
    option_kind = "interest" if kind == "interests" else "availability"
    rows = [
        {"code": o.code, "label": o.label(lang)} for o in ref.options.get(option_kind, {}).values()
    ]
    return rows, [Column("code", _("Code")), Column("label", _("Label"))]


@reference.command("add-campus", help=N_("Add a campus."))
@click.argument("code")
@click.argument("name")
@option("--city", default="", help=N_("The city it is in."))
@needs_db
def reference_add_campus(code: str, name: str, city: str) -> None:
    campus = core_reference.add_campus(code, name, city)
    click.echo(
        _("Added the campus {name} ({code}).").format(
            name=plain(campus.name), code=plain(campus.code)
        )
    )


@reference.command("add-programme", help=N_("Add a study programme."))
@click.argument("code")
@click.argument("name_nb", metavar="NAME_NB")
@option("--name-en", default="", help=N_("English name (default: the Norwegian one)."))
@option("--department", required=True, metavar="D", help=N_("Department code, such as IDI."))
@option(
    "--campus",
    "campuses",
    required=True,
    multiple=True,
    metavar="C",
    help=N_("Campus code it is taught on; repeat for more."),
)
@option(
    "--years", type=click.IntRange(1, 8), default=3, show_default=True, help=N_("Length in years.")
)
@needs_db
def reference_add_programme(
    code: str, name_nb: str, name_en: str, department: str, campuses: tuple[str, ...], years: int
) -> None:
    programme = core_reference.add_programme(
        code, name_nb, name_en, department, list(campuses), years
    )
    click.echo(_("Added the programme {code}.").format(code=plain(programme.code)))


@reference.command("add-option", help=N_("Add an answer option for interests or availability."))
@click.argument("kind", type=click.Choice(OPTION_KINDS))
@click.argument("code")
@click.argument("label_nb", metavar="LABEL_NB")
@option("--label-en", default="", help=N_("English label (default: the Norwegian one)."))
@needs_db
def reference_add_option(kind: str, code: str, label_nb: str, label_en: str) -> None:
    added = core_reference.add_option(kind, code, label_nb, label_en)
    click.echo(_("Added the {kind} option {code}.").format(kind=kind, code=plain(added.code)))


# spleis export


@cli.command(
    help=N_(
        "Form groups for a round and print the run's summary. Nothing is saved without "
        "--accept; locked groups and their members are left alone."
    )
)
@round_option
@option(
    "--preset",
    metavar="NAME",
    help=N_("vennespleis (default), trivselsgrupper, turgrupper, or one you saved."),
)
@option(
    "--criteria",
    "criteria_file",
    metavar="FILE.toml",
    help=N_("Criteria, weights and sizes from a TOML file (see docs/matching.md)."),
)
@option("--size", type=int, help=N_("Target group size."))
@option("--min", "min_size", type=int, help=N_("Smallest group."))
@option("--max", "max_size", type=int, help=N_("Largest group."))
@option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help=N_("The same seed gives the same groups."),
)
@option(
    "--time-limit",
    type=click.FloatRange(min=0.1, max=3600),
    help=N_("Seconds the search may take (default: 2, more for large rounds)."),
)
@option(
    "--late", is_flag=True, help=N_("Place late sign-ups only: nobody already placed is moved.")
)
@option("--accept", is_flag=True, help=N_("Save the groups (one transaction; undo with --undo)."))
@option("--undo", is_flag=True, help=N_("Undo the last accepted matching of the round."))
@option(
    "--save-preset", metavar="NAME", help=N_("Also save these settings as a preset of your own.")
)
@option(
    "--groups",
    "show_groups",
    type=int,
    default=5,
    show_default=True,
    help=N_("How many of the weakest groups to describe."),
)
@needs_db
def match(
    round_ref: str | None,
    preset: str | None,
    criteria_file: str | None,
    size: int | None,
    min_size: int | None,
    max_size: int | None,
    seed: int,
    time_limit: float | None,
    late: bool,
    accept: bool,
    undo: bool,
    save_preset: str | None,
    show_groups: int,
) -> None:
    from pathlib import Path

    from spleis_tui.core.matching import plan
    from spleis_tui.core.matching.criteria import load_settings
    from spleis_tui.core.matching.presets import find_preset
    from spleis_tui.core.matching.presets import save_preset as store_preset

    found = current(round_ref)
    if undo:
        restored = plan.undo(found.id)
        click.echo(
            ngettext(
                "Undone: {n} group is back as it was.",
                "Undone: {n} groups are back as they were.",
                restored,
            ).format(n=restored)
        )
        return
    if preset and criteria_file:
        raise click.UsageError(_("Use --preset or --criteria, not both."))
    settings = find_preset(preset or "vennespleis")
    if criteria_file:
        settings = load_settings(Path(criteria_file), base=settings)
    if size is not None or min_size is not None or max_size is not None:
        settings = settings.with_sizes(
            size if size is not None else settings.size,
            min_size if min_size is not None else settings.min_size,
            max_size if max_size is not None else settings.max_size,
        )
    if save_preset:
        name = store_preset(save_preset, settings)
        click.echo(_("Saved the preset {name}.").format(name=plain(name)), err=True)
    run = plan.propose_late if late else plan.propose
    try:
        with progress_reporter(_("Matching")) as progress:
            proposal = run(
                found.id,
                settings,
                seed=seed,
                time_limit=time_limit,
                progress=(lambda f: progress(int(f * 1000), 1000)) if progress else None,
            )
    except KeyboardInterrupt:
        fail(_("Cancelled; nothing was saved."))
    _print_proposal(proposal, show_groups)
    if not accept:
        click.echo(_("Nothing saved yet: run again with --accept to save these groups."))
        return
    accepted = plan.accept(proposal)
    click.echo(
        _(
            "Saved: {groups} new groups, {people} people placed. Undo with `spleis match --undo`."
        ).format(groups=accepted.groups, people=accepted.placed)
    )


def _print_proposal(proposal: Any, show_groups: int) -> None:
    grouping = proposal.grouping
    if grouping.stopped == "time":
        click.echo(_("The time limit was reached; these are the best groups found by then."))
    for line in proposal.summary.lines():
        click.echo(line)
    if proposal.late:
        joined = sum(len(g.newcomers) for g in proposal.groups if g.group_id is not None)
        new = sum(1 for g in proposal.groups if g.group_id is None)
        click.echo(
            _("Late sign-ups: {joined} join existing groups, {new} new groups.").format(
                joined=joined, new=new
            )
        )
    if proposal.unplaced:
        click.echo(_("Not placed:"))
        for signup_id, reason in proposal.unplaced:
            click.echo(f"  {plain(proposal.names.get(signup_id, '?'))}: {plain(reason)}")
    weakest = [g for g in proposal.groups if g.members][:show_groups]
    if weakest:
        click.echo(_("Weakest groups first (score: lower is better):"))
        for group in weakest:
            title = group.name or _("new group")
            click.echo(f"  {plain(title)} · {group.score.soft:.1f} · {plain(group.breakdown)}")


# Exports, rosters, calendars and e-mail live in their own module; importing it
# registers them.
from spleis_tui import cli_activities, cli_share  # noqa: E402, F401


def main() -> None:
    """The `spleis` console script."""
    cli(prog_name="spleis")
