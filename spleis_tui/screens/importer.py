"""Importing sign-ups from a form's export: pick the file, check its columns and the first
rows as they will be stored, then import into the current round.

The file is read in thread workers (the screen stays live); an import can be cancelled,
and then nothing is saved. Everything about the file and its answers is shown as plain
text: a header or a name that looks like markup stays text.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import (
    Button,
    ContentSwitcher,
    DirectoryTree,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)
from textual.widgets.tree import TreeNode
from textual.worker import WorkerCancelled, WorkerFailed, get_current_worker

from spleis_tui import labels
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.importing import profiles, run
from spleis_tui.core.importing.convert import Row
from spleis_tui.core.importing.mapping import (
    CHECKBOX,
    DROPPED,
    DUPLICATE,
    FIELD,
    METADATA,
    TARGETS,
    Column,
    Mapping,
)
from spleis_tui.core.importing.sources import SourceInfo, open_source
from spleis_tui.core.models import database
from spleis_tui.core.signups import field_label
from spleis_tui.core.text import clean_text
from spleis_tui.i18n import N_, _, current_language, ngettext, number
from spleis_tui.screens.base import SpleisScreen
from spleis_tui.screens.dialogs import PickScreen, TextPrompt
from spleis_tui.screens.file_jobs import read_in_worker
from spleis_tui.widgets.columns_table import Column as TableColumn
from spleis_tui.widgets.columns_table import ColumnsTable
from spleis_tui.widgets.plain import plain

PREVIEW_ROWS = 20
EXPORT_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods")
LISTED = 200  # lines of each kind in the report; the rest are counted
ENCODINGS = {"auto": N_("Detect"), "utf-8": "UTF-8", "cp1252": "Windows-1252", "utf-16": "UTF-16"}
DELIMITERS = {
    "auto": (N_("Detect"), None),
    "comma": (N_("Comma"), ","),
    "semicolon": (N_("Semicolon"), ";"),
    "tab": (N_("Tab"), "\t"),
}
BUILTIN_PROFILES = {
    "auto": N_("Detect the form"),
    "nettskjema": "Nettskjema",
    "msforms": "Microsoft Forms",
    "googleforms": "Google Forms",
}
DROP = "-"  # the picker's answer for "don't import this column"
KEEP = "+"  # and for "a ticked box means this option" (a checkbox column)

MAPPING_COLUMNS = (
    TableColumn("letter", N_("Col"), 3, sortable=False),
    TableColumn("header", N_("Column in the file"), 26, sortable=False, grow=2),
    TableColumn("field", N_("Read into"), 30, sortable=False, grow=2),
    TableColumn("sample", N_("Example from the file"), 20, sortable=False, grow=3),
)
PREVIEW_COLUMNS = (  # all of them fit a 120-column terminal
    TableColumn("row", N_("Row"), 3, sortable=False),
    TableColumn("mark", "", 1, sortable=False),
    TableColumn("name", N_("Name"), 15, sortable=False, grow=2),
    TableColumn("email", N_("E-mail"), 20, sortable=False, grow=2),
    TableColumn("gender", N_("Gender"), 7, sortable=False),
    TableColumn("age", N_("Age"), 3, sortable=False),
    TableColumn("campus", N_("Campus"), 10, sortable=False),
    TableColumn("programme", N_("Programme"), 12, sortable=False, grow=1),
    TableColumn("interests", N_("Interests"), 12, sortable=False, grow=2),
    TableColumn("availability", N_("Availability"), 12, sortable=False, grow=1),
)


def column_letter(index: int) -> str:
    """A column as a spreadsheet names it: A, B, ... Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def shown_path(path: Path) -> str:
    """A path as short as it can be said: relative to here, or from ~."""
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~" + os.sep)):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def typed_path(text: str) -> Path:
    """What the user typed as an absolute path: ~ expanded, relative to here."""
    path = Path(os.path.expanduser(text.strip()))
    return path if path.is_absolute() else Path.cwd() / path


def read_samples(source: SourceInfo, rows: int = PREVIEW_ROWS) -> dict[int, str]:
    """The first non-empty value of each column among the first rows, as text."""
    samples: dict[int, str] = {}
    encoding = source.encoding or None
    delimiter = source.delimiter or None
    with open_source(source.path, encoding=encoding, delimiter=delimiter) as opened:
        for seen, (_number, cells) in enumerate(opened.rows()):
            for index, cell in enumerate(cells):
                if index not in samples and cell.strip():
                    samples[index] = cell.strip()
            if seen + 1 >= rows or len(samples) >= len(source.headers):
                break
    return samples


def map_column(mapping: Mapping, detected: Mapping | None, index: int, field: str) -> Mapping:
    """`mapping.with_column`, except that a checkbox column given back to its question
    is a checkbox again (with_column would read its 0/1 as answers)."""
    if field == KEEP and detected is not None:
        columns = list(mapping.columns)
        columns[index] = detected.columns[index]
        return Mapping(tuple(columns))
    return mapping.with_column(index, field)


class PathSuggester(Suggester):
    """Completes the file or folder name being typed (Right arrow takes it)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(os.sep):
            return None
        full = typed_path(value)
        try:
            names = sorted(p.name for p in full.parent.iterdir() if not p.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name.startswith(full.name) and name != full.name:
                found = full.parent / name
                tail = name[len(full.name) :]
                if found.is_dir():
                    tail += os.sep
                elif found.suffix.lower() not in EXPORT_SUFFIXES:
                    continue
                return value + tail
        return None


class ExportTree(DirectoryTree):
    """Folders and the files an export can be; names as plain text.

    Each folder is read by a worker that ends once it is read (the stock tree keeps one
    loader waiting for ever, so `workers.wait_for_complete()` never returns).
    """

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.suffix.lower() in EXPORT_SUFFIXES or self._safe_is_dir(path))
        ]

    def process_label(self, label) -> Text:
        text = plain(label) if isinstance(label, str) else label
        return text.split()[0] if text.plain else text

    def _loader(self) -> None:
        """Replaced: a folder is read when it is opened (`_add_to_load_queue`)."""

    def _add_to_load_queue(self, node: TreeNode) -> AwaitComplete:
        assert node.data is not None
        if node.data.loaded:
            return AwaitComplete.nothing()
        node.data.loaded = True
        return AwaitComplete(self._load_folder(node))

    async def _load_folder(self, node: TreeNode) -> None:
        async with self.lock:
            cursor = self.cursor_node
            try:
                content = await self._load_directory(node).wait()
            except (WorkerCancelled, WorkerFailed):
                return
            if content:
                self._populate_node(node, content)
                if cursor is not None:
                    self.move_cursor(cursor, animate=False)


class ImportScreen(SpleisScreen):
    SECTION = "import"
    TITLE_TEXT = N_("Import")
    AUTO_FOCUS = "#imp-path"

    BINDINGS = [
        Binding("o", "browse", N_("Choose file"), id="import.browse"),
        Binding("f", "choose_field", N_("Read column into"), id="import.field"),
        Binding("p", "save_profile", N_("Save profile"), id="import.save_profile"),
        Binding("r", "reread", N_("Read again"), id="import.reread"),
        Binding("i", "run", N_("Import"), id="import.run"),
        Binding("d", "dry_run", N_("Dry run"), id="import.dry_run"),
        Binding("c,escape", "cancel", N_("Cancel import"), id="import.cancel"),
        Binding("backspace", "parent_folder", N_("Up a folder"), id="import.up"),
    ]

    class PreviewLoaded(Message):
        def __init__(
            self,
            token: int,
            preview: run.Preview | None,
            samples: dict[int, str],
            error: str,
            edits_kept: bool,
        ) -> None:
            super().__init__()
            self.token = token
            self.preview = preview
            self.samples = samples
            self.error = error
            self.edits_kept = edits_kept

    class ImportProgress(Message):
        def __init__(self, token: int, fraction: float) -> None:
            super().__init__()
            self.token = token
            self.fraction = fraction

    class ImportFinished(Message):
        def __init__(
            self, token: int, report: run.ImportReport | None, error: str, cancelled: bool
        ) -> None:
            super().__init__()
            self.token = token
            self.report = report
            self.error = error
            self.cancelled = cancelled

    def __init__(self) -> None:
        super().__init__()
        self.path_text = ""
        self.path: Path | None = None
        self.folder = Path.cwd() if Path.cwd() != Path(Path.cwd().anchor) else Path.home()
        self.encoding = "auto"
        self.delimiter = "auto"
        self.profile = "auto"
        self.preview: run.Preview | None = None
        self.detected: Mapping | None = None  # as found, before the user's changes
        self.edited: Mapping | None = None  # the user's changes, None when there are none
        self.samples: dict[int, str] = {}
        self.error = ""
        self.reading = False
        self.browsing = True
        self.report: run.ImportReport | None = None
        self.running = False
        self.dry_run = False
        self.outcome = ""  # what the last run ended with, for the next-step line
        self._cancel = threading.Event()
        self._preview_token = 0
        self._run_token = 0

    # Layout

    def compose_body(self) -> ComposeResult:
        with Vertical(id="importer"):
            with Horizontal(id="imp-file-row"):
                yield Label(_("File"), classes="imp-label")
                yield Input(
                    self.path_text,
                    placeholder=_("Path of the export, such as ~/Downloads/answers.csv"),
                    id="imp-path",
                    compact=True,
                    suggester=PathSuggester(),
                )
                yield Button(_("Open"), id="imp-open", compact=True)
                yield Button(_("Choose file…"), id="imp-browse", compact=True)
            yield Label("", id="imp-next")
            with ContentSwitcher(initial="imp-browser", id="imp-switcher"):
                with Vertical(id="imp-browser"):
                    yield ExportTree(self.folder, id="imp-tree")
                with Vertical(id="imp-steps"):
                    with Horizontal(id="imp-format-row"):
                        yield Static("", id="imp-format")
                    with Horizontal(id="imp-options"):
                        yield Label(_("Encoding"), classes="imp-option-label")
                        yield Select(
                            [(_(title), key) for key, title in ENCODINGS.items()],
                            value=self.encoding,
                            allow_blank=False,
                            id="imp-encoding",
                            compact=True,
                        )
                        yield Label(_("Delimiter"), classes="imp-option-label")
                        yield Select(
                            [(_(title), key) for key, (title, _d) in DELIMITERS.items()],
                            value=self.delimiter,
                            allow_blank=False,
                            id="imp-delimiter",
                            compact=True,
                        )
                        yield Label(_("Profile"), classes="imp-option-label")
                        yield Select(
                            self._profile_options(),
                            value=self.profile,
                            allow_blank=False,
                            id="imp-profile",
                            compact=True,
                        )
                    yield Static("", id="imp-problems")
                    yield Label("", id="imp-mapping-title", classes="imp-heading")
                    yield ColumnsTable(MAPPING_COLUMNS, id="imp-mapping")
                    yield Label("", id="imp-preview-title", classes="imp-heading")
                    yield ColumnsTable(PREVIEW_COLUMNS, id="imp-preview")
                    yield Static("", id="imp-row-detail")
                    with VerticalScroll(id="imp-report-box"):
                        yield Static("", id="imp-report")
                    with Horizontal(id="imp-actions"):
                        yield Button(_("Import"), variant="primary", id="imp-run", compact=True)
                        yield Button(_("Dry run"), id="imp-dry-run", compact=True)
                        yield Button(_("Cancel"), id="imp-cancel", compact=True)
                        yield ProgressBar(total=100, show_eta=False, id="imp-progress")

    def _profile_options(self) -> list[tuple[Text, str]]:
        options = []
        try:
            found = profiles.list_profiles()
        except SpleisError:
            found = list(profiles.BUILTIN.values())
        for profile in found:
            title = BUILTIN_PROFILES.get(profile.name) if profile.builtin else None
            options.append((Text(_(title) if title else clean_text(profile.name)[0]), profile.name))
        if self.profile not in {name for _t, name in options}:
            self.profile = "auto"
        return options

    def reload(self) -> None:
        """Show the state again (after a language switch, a new round, coming back)."""
        self._render_all()

    # Choosing the file

    @on(Input.Submitted, "#imp-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        self._open_typed(event.value)

    @on(Button.Pressed, "#imp-open")
    def _open_pressed(self) -> None:
        self._open_typed(self.query_one("#imp-path", Input).value)

    @on(Input.Changed, "#imp-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self.path_text = event.value

    def _open_typed(self, text: str) -> None:
        if self.running:
            return
        if not text.strip():
            self._show_error(_("Type the path of the export file first, or choose it below."))
            self._set_browsing(True)
            return
        path = typed_path(text)
        if path.is_dir():
            self._show_folder(path)
            return
        self.load(path)

    def _show_folder(self, folder: Path) -> None:
        self.folder = folder
        self.error = ""
        self.query_one("#imp-tree", ExportTree).path = folder
        self._set_browsing(True)
        self.query_one("#imp-tree", ExportTree).focus()

    @on(DirectoryTree.FileSelected, "#imp-tree")
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        if self.running:
            return
        self.path_text = shown_path(event.path)
        self.query_one("#imp-path", Input).value = self.path_text
        self.load(event.path)

    def action_browse(self) -> None:
        if self.running:
            return
        self._set_browsing(not self.browsing or self.preview is None)
        if self.browsing:
            self.query_one("#imp-tree", ExportTree).focus()

    @on(Button.Pressed, "#imp-browse")
    def _browse_pressed(self) -> None:
        self.action_browse()

    def action_parent_folder(self) -> None:
        parent = self.folder.parent
        if self.browsing and parent != self.folder:
            self._show_folder(parent)

    def _set_browsing(self, browsing: bool) -> None:
        self.browsing = browsing
        self._render_all()

    # Reading the preview

    def _options(self, mapping: Mapping | None = None) -> run.ImportOptions:
        return run.ImportOptions(
            profile=self.profile,
            encoding=None if self.encoding == "auto" else self.encoding,
            delimiter=DELIMITERS[self.delimiter][1],
            mapping=mapping,
        )

    def load(self, path: Path, *, keep_edits: bool = False) -> None:
        """Read the file's format, its columns and its first rows (in a thread)."""
        if path != self.path:
            self.edited = None
            self.detected = None
        elif not keep_edits:
            self.edited = None
        self.path = path
        self.report = None
        self.outcome = ""
        self.error = ""
        self.reading = True
        self._preview_token += 1
        self._render_next()
        self._read(self._preview_token, path, self._options(self.edited))

    @work(thread=True, exclusive=True, group="import-preview")
    def _read(self, token: int, path: Path, options: run.ImportOptions) -> None:
        edits_kept = options.mapping is not None
        try:
            with database.connection_context():
                found = run.preview(path, options, rows=PREVIEW_ROWS)
                headers = tuple(c.header for c in options.mapping.columns) if edits_kept else ()
                if edits_kept and headers != found.source.headers:
                    # Another delimiter gave other columns: the changes no longer fit.
                    found = run.preview(path, replace(options, mapping=None), rows=PREVIEW_ROWS)
                    edits_kept = False
                samples = read_samples(found.source)
        except SpleisError as error:
            found, samples, message = None, {}, str(error)
        except (OSError, UnicodeError, ValueError) as error:
            found, samples = None, {}
            message = _("{file}: cannot be read ({reason}).").format(file=path, reason=error)
        else:
            message = ""
        if not get_current_worker().is_cancelled:
            self.post_message(self.PreviewLoaded(token, found, samples, message, edits_kept))

    @on(PreviewLoaded)
    def _preview_loaded(self, message: PreviewLoaded) -> None:
        if message.token != self._preview_token:
            return  # an older read, for a file or setting since replaced
        self.reading = False
        self.error = message.error
        if message.preview is None:
            self.preview = None
            self.samples = {}
            self._render_all()
            self.query_one("#imp-path", Input).focus()
            return
        first = self.preview is None or self.browsing
        if self.preview is None or self.preview.source.path != message.preview.source.path:
            for key in ("#imp-mapping", "#imp-preview"):  # another file: from the top
                self.query_one(key, ColumnsTable).move_cursor(row=0)
        self.preview = message.preview
        self.samples = message.samples
        if not message.edits_kept:
            self.edited = None
            self.detected = message.preview.mapping
        self.browsing = False
        self._render_all()
        if first or self.focused is None:
            self.query_one("#imp-mapping", ColumnsTable).focus()

    def action_reread(self) -> None:
        if self.path is not None and not self.running:
            self.load(self.path, keep_edits=True)

    @on(Select.Changed)
    def _option_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        value = str(event.value)
        key = event.select.id
        if key == "imp-encoding" and value != self.encoding:
            self.encoding = value
        elif key == "imp-delimiter" and value != self.delimiter:
            self.delimiter = value
        elif key == "imp-profile" and value != self.profile:
            self.profile = value
            self.edited = None  # the profile's mapping, not the changes made before
        else:
            return
        if self.path is not None and not self.running:
            self.load(self.path, keep_edits=key != "imp-profile")

    # The mapping

    @property
    def mapping(self) -> Mapping | None:
        if self.edited is not None:
            return self.edited
        return self.preview.mapping if self.preview else None

    def _current_column(self) -> Column | None:
        mapping = self.mapping
        if mapping is None or not mapping.columns:
            return None
        table = self.query_one("#imp-mapping", ColumnsTable)
        return mapping.columns[min(max(table.cursor_row, 0), len(mapping.columns) - 1)]

    @on(ColumnsTable.RowSelected, "#imp-mapping")
    def _mapping_row_chosen(self) -> None:
        self.action_choose_field()

    def action_choose_field(self) -> None:
        column = self._current_column()
        mapping = self.mapping
        if column is None or mapping is None or self.running:
            return
        items = [(DROP, _("Don't import this column"))]
        detected = self.detected.columns[column.index] if self.detected else None
        if detected is not None and detected.role == CHECKBOX:
            items.append(
                (
                    KEEP,
                    _("{field}: ticked means {option}").format(
                        field=field_label(detected.field), option=detected.option
                    ),
                )
            )
        items += [(field, field_label(field)) for field in TARGETS]
        if column.role == CHECKBOX:
            current = KEEP
        elif column.role == FIELD:
            current = column.field
        else:
            current = DROP
        title = _("Read column {letter} ({header}) into:").format(
            letter=column_letter(column.index), header=column.header
        )

        def done(choice: str | None) -> None:
            if choice is None or self.mapping is not mapping:
                return
            ok, changed = self.attempt(
                lambda: map_column(
                    mapping, self.detected, column.index, "" if choice == DROP else choice
                )
            )
            if not ok or changed is None or self.path is None:
                return
            self.edited = changed
            self._render_mapping()
            self._render_next()
            self.load(self.path, keep_edits=True)

        self.app.push_screen(PickScreen(title, items, current=current), done)

    def action_save_profile(self) -> None:
        mapping = self.mapping
        if mapping is None or self.running:
            return
        encoding = "" if self.encoding == "auto" else self.encoding
        delimiter = DELIMITERS[self.delimiter][1] or ""

        def done(saved: object | None) -> None:
            if not isinstance(saved, profiles.Profile):
                return
            self.profile = saved.name
            self.edited = mapping  # what is shown stays as it is
            select = self.query_one("#imp-profile", Select)
            with select.prevent(Select.Changed):
                select.set_options(self._profile_options())
                select.value = saved.name
            self.notify(
                _("Saved the profile {name}: choose it for the next export of this form.").format(
                    name=saved.name
                ),
                markup=False,
            )

        self.app.push_screen(
            TextPrompt(
                _("Save these columns as a profile called:"),
                apply=lambda name: profiles.save_profile(
                    name, mapping, encoding=encoding, delimiter=delimiter
                ),
            ),
            done,
        )

    # Importing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.preview is not None
        if action == "cancel":
            return self.running
        if action in ("browse", "reread"):
            return not self.running and (action == "browse" or self.path is not None)
        if action == "parent_folder":
            return self.browsing and not self.running
        if action in ("choose_field", "save_profile"):
            if not loaded or self.browsing:
                return False
            return None if self.running else True
        if action in ("run", "dry_run"):
            if not loaded or self.browsing:
                return False
            return True if self._can_import() else None
        return True

    def _can_import(self) -> bool:
        mapping = self.mapping
        return (
            self.preview is not None
            and mapping is not None
            and not mapping.problems()
            and not self.running
            and not self.reading
            and bool(self.round_id)
        )

    def action_run(self) -> None:
        self._start(dry_run=False)

    def action_dry_run(self) -> None:
        self._start(dry_run=True)

    def _start(self, *, dry_run: bool) -> None:
        if self.running or self.path is None or self.preview is None:
            return
        if not self.round_id:
            self.notify(_("Create a round first (F6)."), severity="warning")
            return
        mapping = self.mapping
        if mapping is None or mapping.problems() or self.reading:
            self._render_next()
            return
        self._cancel = threading.Event()
        self._run_token += 1
        self.running = True
        self.dry_run = dry_run
        self.report = None
        self.outcome = ""
        self.query_one("#imp-progress", ProgressBar).update(total=100, progress=0)
        self._render_all()
        self._import(
            self._run_token, self.path, self.round_id, self._options(mapping), dry_run, self._cancel
        )

    @work(thread=True, exclusive=True, group="import-run")
    def _import(
        self,
        token: int,
        path: Path,
        round_id: int,
        options: run.ImportOptions,
        dry_run: bool,
        cancel: threading.Event,
    ) -> None:
        worker = get_current_worker()

        def stop() -> bool:
            return cancel.is_set() or worker.is_cancelled

        def progress(fraction: float) -> None:
            self.post_message(self.ImportProgress(token, fraction))

        report, error, cancelled = read_in_worker(
            path,
            lambda: run.import_file(
                path, round_id, options, dry_run=dry_run, progress=progress, cancelled=stop
            ),
        )
        self.post_message(self.ImportFinished(token, report, error, cancelled))

    @on(ImportProgress)
    def _progress(self, message: ImportProgress) -> None:
        if message.token == self._run_token and self.running:
            self.query_one("#imp-progress", ProgressBar).update(progress=message.fraction * 100)

    @on(ImportFinished)
    def _finished(self, message: ImportFinished) -> None:
        if message.token != self._run_token:
            return
        self.running = False
        bar = self.query_one("#imp-progress", ProgressBar)
        if message.cancelled:
            bar.update(progress=0)
            self.outcome = "cancelled"
            self.notify(message.error, severity="warning", markup=False)
        elif message.report is None:
            bar.update(progress=0)
            self.outcome = "failed"
            self.error = message.error
            self.notify(message.error, severity="error", markup=False)
        else:
            report = message.report
            bar.update(progress=100)
            self.report = report
            self.outcome = "dry_run" if report.dry_run else "done"
            if not report.dry_run:
                self.app.refresh_reference()  # the import may have added options
                self.notify(counts_line(report), markup=False)
        self._render_all()
        if self.report is not None:
            self.query_one("#imp-report-box", VerticalScroll).focus()

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self._set_next(_("Cancelling…"), "warning")

    @on(Button.Pressed, "#imp-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#imp-dry-run")
    def _dry_run_pressed(self) -> None:
        self.action_dry_run()

    @on(Button.Pressed, "#imp-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # Showing it

    def _render_all(self) -> None:
        switcher = self.query_one("#imp-switcher", ContentSwitcher)
        switcher.current = "imp-browser" if self.browsing or self.preview is None else "imp-steps"
        self._render_format()
        self._render_mapping()
        self._render_preview()
        self._render_report()
        self._render_next()

    def _render_format(self) -> None:
        preview = self.preview
        text = Text()
        if preview is not None:
            source = preview.source
            text.append_text(plain(source.path.name, "bold"))
            text.append("  ·  " + source.description + "  ·  ")
            rows = len(preview.rows)
            if rows < PREVIEW_ROWS:
                text.append(
                    ngettext("{n} row, all shown", "{n} rows, all shown", rows).format(
                        n=number(rows)
                    )
                )
            else:
                text.append(_("the first {n} rows shown").format(n=number(rows)))
            spreadsheet = source.kind == "spreadsheet"
            for key in ("#imp-encoding", "#imp-delimiter"):
                self.query_one(key, Select).disabled = spreadsheet or self.running
        self.query_one("#imp-profile", Select).disabled = self.running
        self.query_one("#imp-format", Static).update(text)

    def _render_mapping(self) -> None:
        mapping = self.mapping
        table = self.query_one("#imp-mapping", ColumnsTable)
        problems = self.query_one("#imp-problems", Static)
        title = self.query_one("#imp-mapping-title", Label)
        if mapping is None:
            table.replace_rows([])
            problems.display = False
            title.update("")
            return
        cursor = table.cursor_row
        rows = []
        for column in mapping.columns:
            rows.append(
                (
                    str(column.index),
                    [
                        Text(column_letter(column.index), style="dim"),
                        plain(column.header),
                        self._target(mapping, column),
                        plain(self.samples.get(column.index, ""), "dim"),
                    ],
                )
            )
        table.replace_rows(rows)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        used = sum(1 for c in mapping.columns if c.imported)
        heading = Text(_("Columns"), style="bold")
        heading.append(
            "  "
            + _("{used} of {n} imported").format(used=number(used), n=number(len(rows)))
            + "  ·  "
            + _("Enter or f: choose the field  ·  p: save as a profile"),
            style="dim",
        )
        title.update(heading)
        found = mapping.problems()
        problems.display = bool(found)
        if found:
            text = Text(_("Cannot import yet:"), style="bold")
            for problem in found:
                text.append("\n✗ ")
                text.append_text(plain(problem))
            text.append(
                "\n" + _("Choose the column that holds it in the list below and press Enter.")
            )
            problems.update(text)

    def _target(self, mapping: Mapping, column: Column) -> Text:
        """What a column is read into, or why it is not imported."""
        if column.role == FIELD:
            return Text(field_label(column.field))
        if column.role == CHECKBOX:
            text = Text(field_label(column.field) + ": ")
            text.append_text(plain(column.option))
            return text
        if column.role == METADATA:
            reason = _("form metadata")
        elif column.role == DUPLICATE:
            other = mapping.single(column.field)
            if other is not None:
                reason = _("duplicate of {header}").format(
                    header=clean_text(mapping.columns[other].header)[0]
                )
            else:
                reason = _("duplicate of another {field} column").format(
                    field=field_label(column.field)
                )
        elif column.role == DROPPED:
            reason = _("dropped by you")
        else:
            text = Text(_("not imported"), style="yellow")
            text.append(" · " + _("unknown column"), style="dim")
            return text
        text = Text(_("not imported"), style="dim")
        text.append(" · " + reason, style="dim")
        return text

    def _render_preview(self) -> None:
        preview = self.preview
        table = self.query_one("#imp-preview", ColumnsTable)
        title = self.query_one("#imp-preview-title", Label)
        if preview is None:
            table.replace_rows([])
            title.update("")
            self._render_row_detail()
            return
        options = self._new_option_labels(preview.rows)
        cursor = table.cursor_row
        table.replace_rows(
            (str(row.number), self._preview_cells(row, options)) for row in preview.rows
        )
        if preview.rows:
            table.move_cursor(row=min(cursor, len(preview.rows) - 1))
        rejected = [row.number for row in preview.rows if row.reject]
        warned = sum(1 for row in preview.rows if row.warnings and not row.reject)
        heading = Text(_("Preview"), style="bold")
        heading.append("  " + _("the rows as they will be stored") + "  ", style="dim")
        heading.append(
            ngettext("⚠ {n} row with warnings", "⚠ {n} rows with warnings", warned).format(
                n=number(warned)
            ),
            style="yellow" if warned else "dim",
        )
        heading.append("  ")
        heading.append(
            ngettext("✗ {n} row left out", "✗ {n} rows left out", len(rejected)).format(
                n=number(len(rejected))
            ),
            style="red" if rejected else "dim",
        )
        title.update(heading)
        self._render_row_detail()

    def _new_option_labels(self, rows: list[Row]) -> dict[tuple[str, str], str]:
        lang = current_language()
        return {
            (kind, code): label_nb if lang == "nb" else label_en
            for row in rows
            for kind, code, label_nb, label_en in row.new_options
        }

    def _preview_cells(self, row: Row, new: dict[tuple[str, str], str]) -> list[Text]:
        values = row.values
        ref = self.app.ref
        lang = current_language()
        style = "dim" if row.reject else ""

        def options(kind: str, key: str) -> str:
            codes = values.get(key) or []
            return ", ".join(new.get((kind, c)) or ref.option_label(kind, c, lang) for c in codes)

        age = values.get("age")
        if row.reject:
            mark = Text("✗", style="bold red")
        elif row.warnings:
            mark = Text("⚠", style="yellow")
        else:
            mark = Text("")
        return [
            Text(str(row.number), style="dim"),
            mark,
            plain(values.get("name", ""), style),
            plain(values.get("email", ""), style),
            Text(labels.label("gender", values.get("gender"))),
            Text("" if age is None else str(age)),
            plain(ref.campus_name(values["campus"]) if values.get("campus") else ""),
            plain(ref.programme_name(values["programme"], lang) if values.get("programme") else ""),
            plain(options("interest", "interests")),
            plain(options("availability", "availability")),
        ]

    @on(ColumnsTable.RowHighlighted, "#imp-preview")
    def _preview_row_highlighted(self) -> None:
        self._render_row_detail()

    def _render_row_detail(self) -> None:
        detail = self.query_one("#imp-row-detail", Static)
        preview = self.preview
        if preview is None or not preview.rows:
            detail.update("")
            return
        table = self.query_one("#imp-preview", ColumnsTable)
        row = preview.rows[min(max(table.cursor_row, 0), len(preview.rows) - 1)]
        if row.reject:  # the reason names the row
            text = Text("✗ ", style="bold red")
            text.append_text(plain(row.reject, "bold"))
            text.append(" " + _("It is left out and saved in the rejects file."), style="dim")
            detail.update(text)
            return
        text = Text(_("Row {n}").format(n=row.number) + ": ", style="bold")
        if row.warnings:
            for index, warning in enumerate(row.warnings):
                if index:
                    text.append("\n")
                text.append("⚠ ", style="yellow")
                text.append_text(plain(warning))
        else:
            values = row.values
            parts = []
            for key in ("phone", "language", "group_pref", "year_of_study", "friend_email"):
                value = values.get(key)
                if value in (None, ""):
                    continue
                if key in ("language", "group_pref"):
                    value = labels.label(key, str(value))
                parts.append(f"{field_label(key)} {value}")
            if values.get("comment"):
                parts.append(f"{field_label('comment')}: {values['comment']}")
            text.append(_("no warnings."), style="green")
            if parts:
                text.append("  ")
                text.append_text(plain("  ·  ".join(parts), "dim"))
        detail.update(text)

    def _render_report(self) -> None:
        report = self.report
        box = self.query_one("#imp-report-box", VerticalScroll)
        box.display = report is not None
        for key in ("#imp-preview-title", "#imp-preview", "#imp-row-detail"):
            self.query_one(key).display = report is None
        if report is not None:
            self.query_one("#imp-report", Static).update(report_text(report))
        self.query_one("#imp-progress", ProgressBar).display = self.running or self.outcome in (
            "done",
            "dry_run",
        )

    def _render_next(self) -> None:
        """The line under the file: what to do now."""
        self._update_buttons()
        self.refresh_bindings()
        if self.running:
            self._set_next(
                _("Importing… press c or Escape to stop; nothing is saved until it is done.")
                if not self.dry_run
                else _("Trying the import… press c or Escape to stop."),
                "",
            )
            return
        if self.error:
            self._set_next(self.error, "error")
            return
        if self.reading:
            self._set_next(_("Reading the file…"), "")
            return
        if self.browsing or self.preview is None:
            text = _(
                "Type the path of a form's export (.csv, .txt, .xlsx, .ods) and press Enter, "
                "or choose it below."
            )
            if self.preview is not None:
                text += " " + _("o goes back to {file}.").format(
                    file=clean_text(self.preview.source.path.name)[0]
                )
            self._set_next(text, "")
            return
        round_name = self.app.round_name
        if self.outcome == "done":
            self._set_next(
                _("Imported into {round}. F3 shows the participants; o opens another file.").format(
                    round=round_name
                ),
                "success",
            )
        elif self.outcome == "dry_run":
            self._set_next(
                _("Dry run: nothing was saved. Press i to import into {round}.").format(
                    round=round_name
                ),
                "success",
            )
        elif self.outcome == "cancelled":
            self._set_next(
                _("The import was cancelled; nothing was saved. Press i to start again."),
                "warning",
            )
        elif not self.round_id:
            self._set_next(
                _("There is no round to import into: create one on the Rounds screen (F6)."),
                "warning",
            )
        elif self.mapping is not None and self.mapping.problems():
            self._set_next(
                _("Not ready: fix the columns marked below, then import."),
                "error",
            )
        else:
            self._set_next(
                _(
                    "Check the columns and the preview, then press i to import into {round} "
                    "(d tries it without saving)."
                ).format(round=round_name),
                "",
            )

    def _set_next(self, text: str, severity: str) -> None:
        label = self.query_one("#imp-next", Label)
        for name in ("error", "warning", "success"):
            label.set_class(severity == name, f"-{name}")
        label.update(Text(text))

    def _update_buttons(self) -> None:
        can = self._can_import()
        self.query_one("#imp-run", Button).disabled = not can
        self.query_one("#imp-dry-run", Button).disabled = not can
        self.query_one("#imp-cancel", Button).display = self.running
        self.query_one("#imp-open", Button).disabled = self.running
        self.query_one("#imp-browse", Button).disabled = self.running
        self.query_one("#imp-path", Input).disabled = self.running

    def _show_error(self, message: str) -> None:
        self.error = message
        self._render_next()


def counts_line(report: run.ImportReport) -> str:
    """ "130 rows read: 126 imported, 1 updated, 0 unchanged, 3 rejected" """
    return ngettext(
        "{n} row read: {imported} imported, {updated} updated, {unchanged} unchanged, "
        "{rejected} rejected",
        "{n} rows read: {imported} imported, {updated} updated, {unchanged} unchanged, "
        "{rejected} rejected",
        report.rows_read,
    ).format(
        n=number(report.rows_read),
        imported=number(report.imported),
        updated=number(report.updated),
        unchanged=number(report.unchanged),
        rejected=number(report.rejected),
    )


def _more(text: Text, total: int) -> None:
    if total > LISTED:
        text.append("\n  " + _("… and {n} more").format(n=number(total - LISTED)), style="dim")


def report_text(report: run.ImportReport) -> Text:
    """The whole report of an import, as plain text with a little style."""
    text = Text()
    if report.dry_run:
        text.append(_("Dry run: nothing was saved. An import would do this:") + "\n", "bold")
    text.append(counts_line(report), style="bold")
    text.append(
        "  "
        + _("({file}, {seconds} s)").format(
            file=clean_text(report.file)[0], seconds=f"{report.seconds:.1f}"
        ),
        style="dim",
    )
    if report.rejects:
        text.append("\n\n")
        text.append(
            ngettext("{n} row left out:", "{n} rows left out:", report.rejected).format(
                n=number(report.rejected)
            ),
            style="bold red",
        )
        if report.rejects_path:
            text.append(" ")
            text.append_text(
                plain(
                    _(
                        "They are saved, with the reason, in {path}: fix them there and "
                        "import that file."
                    ).format(path=report.rejects_path)
                )
            )
        for _row, reason in report.rejects[:LISTED]:
            text.append("\n  ✗ ", style="red")
            text.append_text(plain(reason))
        _more(text, len(report.rejects))
    if report.warnings:
        text.append("\n\n")
        text.append(
            ngettext(
                "{n} row with warnings (imported):",
                "{n} rows with warnings (imported):",
                report.rows_with_warnings,
            ).format(n=number(report.rows_with_warnings)),
            style="bold yellow",
        )
        for row, email, warnings in report.warnings[:LISTED]:
            text.append("\n  ⚠ ", style="yellow")
            text.append(_("Row {n}").format(n=row) + " (")
            text.append_text(plain(email))
            text.append("): ")
            text.append_text(plain("; ".join(warnings)))
        _more(text, report.rows_with_warnings)
    if report.duplicates:
        text.append("\n\n")
        text.append(_("Answered more than once:"), style="bold")
        for line in report.duplicates[:LISTED]:
            text.append("\n  ")
            text.append_text(plain(line))
        _more(text, len(report.duplicates))
    if report.new_options:
        text.append("\n\n")
        text.append(_("New choices added to the reference data:"), style="bold")
        lang = current_language()
        for kind, code, label_nb, label_en in report.new_options:
            text.append("\n  ")
            kind_label = field_label("interests" if kind == "interest" else kind)
            text.append(kind_label + ": ")
            text.append_text(plain(label_nb if lang == "nb" else label_en))
            text.append_text(plain(f" ({code})", "dim"))
    if report.notes:
        text.append("\n")
        for note in report.notes:
            text.append("\n")
            text.append_text(plain(note, "dim"))
    return text
