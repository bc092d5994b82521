"""Benchmark the participants table against a bare Textual app with a plain DataTable.

    python scripts/bench_tui.py
    python scripts/bench_tui.py --sizes 1000,10000,20000 --repeat 5

For each size a temporary database file is seeded with `seed_cohort(n, seed)`. Then:

* Spleis: `SpleisApp()` on that file, headless (`App.run_test`, 100x30). It measures the
  time from constructing the app to the dashboard painted with its figures, the time from F3
  to the participants table painted with its first page, and the time from each search
  keystroke to the paint that shows that keystroke's result.
* Bare DataTable: a Textual app that reads every sign-up of the round with one SELECT on
  mount and shows them all in a plain DataTable (`add_rows` in one call, cells built once,
  the same eight columns and widths). Each search keystroke filters the rows in Python and
  does `clear()` + `add_rows()` of every match. It is timed the same way.
* Cold process: a fresh interpreter per run (`--child`), timed from spawning it to the
  first frame, with the import times of textual and of spleis_tui.app reported apart.

A time ends at a painted frame (the compositor's update, handed to the driver): the first
one with the result in the widgets, and the first "settled" one, once the DataTable has also
measured its new rows (Textual does that on idle, blocking the app). Keys are sent without
Pilot.press's idle waits, so those are not counted; each key starts on an idle app.
Results are checked: both apps must show the same number of matches and the same first row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Only the standard library above: the --child runs time their own imports.

SIZE = (100, 30)
SEED = 1
PAINT_TIMEOUT = 60.0
FIRST_FRAME_GOAL_MS = 300.0
KEYSTROKE_GOAL_MS = 50.0
# The most common Norwegian surname typed letter by letter and erased (the table narrows to a
# few percent of the rows, then widens back to all), then a string that matches nobody, erased
# back to a rare letter. Not tuned to the seeded data: any cohort has Hansens, and few q's.
KEYS: tuple[str, ...] = (
    *"hansen",
    *("backspace",) * 6,
    *"qxz",
    *("backspace",) * 2,
)
# The participants screen's columns, with its widths (spleis_tui/screens/participants.py).
COLUMNS = (
    ("name", "Name", 20),
    ("age", "Age", 3),
    ("campus", "Campus", 10),
    ("programme", "Programme", 16),
    ("language", "Language", 9),
    ("group", "Group", 9),
    ("status", "Status", 9),
    ("email", "E-mail", 26),
)
LANGUAGE_LABELS = {"no": "Norwegian", "en": "English", "both": "Both"}
STATUS_LABELS = {"active": "Active", "withdrawn": "Withdrawn"}
# The same rows, order and display values as the participants screen, in one SELECT.
# The screen sorts by SignUp.name_key where the schema has it (else by name), then by id.
BARE_SELECT = """
SELECT s.name, s.age, COALESCE(c.name, s.campus), COALESCE(p.name_en, s.programme),
       s.language, COALESCE(g.name, ''), s.status, s.email, s.search_key
FROM sign_up AS s
LEFT JOIN campus AS c ON c.code = s.campus
LEFT JOIN programme AS p ON p.code = s.programme
LEFT JOIN "group" AS g ON g.id = s.group_id
WHERE s.round_id = ?
ORDER BY s.{order}, s.id
"""


def fold(value: str) -> str:
    """As spleis_tui.core.text.fold: NFC, casefolded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def typed(value: str, key: str) -> str:
    return value[:-1] if key == "backspace" else value + key


# Measuring paints


class PaintProbe:
    """Timestamps the frames an app paints and resolves waits on the first matching one."""

    def __init__(self, app: Any) -> None:
        self.first_paint: float | None = None
        self.paints = 0
        self._waits: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            now = time.perf_counter()
            self.paints += 1
            if self.first_paint is None:
                self.first_paint = now
            for wait in list(self._waits):
                ready, future = wait
                if future.done():
                    self._waits.remove(wait)
                elif _safe(ready):
                    future.set_result(now)
                    self._waits.remove(wait)

        app._display = display

    def expect(self, ready: Callable[[], bool]) -> asyncio.Future[float]:
        """A future for the time of the first paint at which `ready()` holds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waits.append((ready, future))
        return future


def _safe(ready: Callable[[], bool]) -> bool:
    try:
        return bool(ready())
    except Exception:
        return False


async def painted(future: asyncio.Future[float], what: str, app: Any) -> float:
    """The time of the frame `future` waits for; stop early if the app failed."""
    failed = asyncio.ensure_future(app._exception_event.wait())
    try:
        await asyncio.wait(
            {future, failed}, timeout=PAINT_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        failed.cancel()
    if future.done():
        return future.result()
    if app._exception is not None:
        raise SystemExit(f"bench_tui: the app failed before showing {what}: {app._exception!r}")
    raise SystemExit(f"bench_tui: no frame showed {what} within {PAINT_TIMEOUT:.0f} s")


def settled(table: Any) -> bool:
    """The DataTable has measured its new rows (it does so on idle, before the next layout)."""
    return not getattr(table, "_require_update_dimensions", False) and not getattr(
        table, "_new_rows", ()
    )


def counter(screen: Any, selector: str, method: str) -> Counter | None:
    """A Counter on the widget `selector` finds, or None when the screen has none."""
    found = screen.query(selector)
    return Counter(found.first(), method) if found else None


class Counter:
    """Counts calls of one bound method on one object, without changing what it does."""

    def __init__(self, obj: Any, method: str, only: type | None = None) -> None:
        self.count = 0
        original = getattr(obj, method)

        def counted(*args: Any, **kwargs: Any) -> Any:
            if only is None or isinstance(args[0], only):
                self.count += 1
            return original(*args, **kwargs)

        setattr(obj, method, counted)


@dataclass
class Keystroke:
    key: str
    value: str
    result_ms: float  # key -> first frame with the new rows in the table
    settled_ms: float  # key -> first frame after the table has measured its rows
    matched: int
    first_name: str
    value_ok: bool


@dataclass
class Run:
    first_visible_ms: float  # construct -> first frame with content (bare: rows, maybe unmeasured)
    first_frame_ms: float  # construct -> first interactive frame (content, tables measured)
    first_paint_ms: float  # construct -> any first frame
    to_table_ms: float  # Spleis: F3 -> participants page painted; bare: 0
    rows_loaded: int
    total: int
    keys: list[Keystroke] = field(default_factory=list)


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def send_key(app: Any, key: str) -> None:
    """Send one key the way Pilot.press does, without its idle waits (the probe does the
    waiting, and those waits would add a floor of tens of milliseconds per key)."""
    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        )
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def type_keys(
    pilot: Any,
    probe: PaintProbe,
    table: Any,
    search: Any,
    keys: tuple[str, ...],
    shown: Callable[[], int],
    finished: Callable[[], bool],
    matched: Callable[[], int],
) -> list[Keystroke]:
    """Press each key, timing it to the first frame with its result and to the settled one.

    `shown()` counts results put in the table; `finished()` holds once the app has nothing
    more to show for the last one (its DataTable measured, its status line written).
    """
    out = []
    value = ""
    for key in keys:
        value = typed(value, key)
        before = shown()
        result = probe.expect(lambda b=before: shown() > b)
        done = probe.expect(lambda b=before: shown() > b and finished())
        pressed = time.perf_counter()
        send_key(pilot.app, key)
        result_at = await painted(result, f"the result of {key!r}", pilot.app)
        settled_at = await painted(done, f"the settled result of {key!r}", pilot.app)
        await pilot.pause()  # until idle: the next key starts on a quiet app
        out.append(
            Keystroke(
                key,
                value,
                (result_at - pressed) * 1000,
                (settled_at - pressed) * 1000,
                matched(),
                str(table.get_row_at(0)[0]) if table.row_count else "",
                search.value == value,
            )
        )
    return out


# Spleis


def _spleis_dashboard_ready(app: Any) -> bool:
    screen = app.screen
    return type(screen).__name__ == "DashboardScreen" and bool(
        str(screen.query_one("#fig-active").content)
    )


def _spleis_table_ready(app: Any, status: Counter | None) -> bool:
    screen = app.screen
    if type(screen).__name__ != "ParticipantsScreen":
        return False
    table = screen.query_one("#table")
    return table.loading_done and settled(table) and (status is None or status.count > 0)


def _written(status: Counter | None, pages: Counter) -> bool:
    """Every page the table showed has been written in the status line (if there is one)."""
    return status is None or status.count >= pages.count


async def run_spleis(keys: tuple[str, ...], *, cold_stamp: dict | None = None) -> Run:
    from spleis_tui.app import SpleisApp
    from spleis_tui.widgets.paged_table import PagedTable

    started = time.perf_counter()
    app = SpleisApp()
    probe = PaintProbe(app)
    dashboard = probe.expect(lambda: _spleis_dashboard_ready(app))
    async with app.run_test(size=SIZE) as pilot:
        dashboard_at = await painted(dashboard, "the dashboard's figures", app)
        if cold_stamp is not None:
            cold_stamp["first_frame_epoch"] = time.time() - (time.perf_counter() - dashboard_at)
        await settle(pilot)

        # F3: the participants screen is built on first use, then loads its first page.
        # Its status line is counted once the screen exists (the page arrives later).
        status: list[Counter | None] = []

        def table_ready() -> bool:
            if not status and type(app.screen).__name__ == "ParticipantsScreen":
                status.append(counter(app.screen, "#status-line", "update"))
            return _spleis_table_ready(app, status[0] if status else None)

        shown = probe.expect(table_ready)
        pressed = time.perf_counter()
        await pilot.press("f3")
        shown_at = await painted(shown, "the participants table", app)
        await settle(pilot)
        screen = app.screen
        table = screen.query_one("#table", PagedTable)
        run = Run(
            first_visible_ms=(dashboard_at - started) * 1000,
            first_frame_ms=(dashboard_at - started) * 1000,
            first_paint_ms=((probe.first_paint or dashboard_at) - started) * 1000,
            to_table_ms=(shown_at - pressed) * 1000,
            rows_loaded=table.row_count,
            total=table.total,
        )
        if not keys:
            return run

        loaded = Counter(table, "post_message", PagedTable.PageLoaded)
        status_line = counter(screen, "#status-line", "update")
        await pilot.press("slash")
        await settle(pilot)
        search = screen.query_one("#search")
        if app.focused is not search:
            raise SystemExit("bench_tui: '/' did not focus the search box")

        def finished() -> bool:
            return table.loading_done and settled(table) and _written(status_line, loaded)

        run.keys = await type_keys(
            pilot,
            probe,
            table,
            search,
            keys,
            lambda: loaded.count,
            finished,
            lambda: table.total,
        )
    return run


# The baseline: a bare Textual app with a plain DataTable


_BARE_APP: type | None = None


def bare_app_class() -> type:
    """Defined on first use, so that importing this script does not import textual."""
    global _BARE_APP
    if _BARE_APP is not None:
        return _BARE_APP
    import sqlite3

    from rich.text import Text
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class BareApp(App):
        CSS = "DataTable { height: 1fr; }"

        def __init__(self, db_path: str, round_id: int) -> None:
            super().__init__()
            self.db_path = db_path
            self.round_id = round_id
            self.rows: list[tuple[str, tuple[Text, ...]]] = []
            self.word_start = False
            self.shown = 0  # results put in the table, for the benchmark to wait on

        def compose(self) -> ComposeResult:
            yield Input(placeholder="Name, e-mail or programme", id="search")
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for key, title, width in COLUMNS:
                table.add_column(title, key=key, width=width)
            with sqlite3.connect(self.db_path) as connection:
                columns = {row[1] for row in connection.execute("PRAGMA table_info(sign_up)")}
                order = "name_key" if "name_key" in columns else "name"
                sql = BARE_SELECT.format(order=order)
                found = connection.execute(sql, (self.round_id,)).fetchall()
            # As ParticipantQuery: a key that starts with a space holds whole words and
            # a term matches the start of one; an older key matches anywhere.
            self.word_start = all(row[-1].startswith(" ") for row in found[:100])
            self.rows = [
                (
                    key,
                    (
                        Text(name),
                        Text("" if age is None else str(age)),
                        Text(campus),
                        Text(programme),
                        Text(LANGUAGE_LABELS.get(language, language)),
                        Text(group),
                        Text(STATUS_LABELS.get(status, status)),
                        Text(email),
                    ),
                )
                for name, age, campus, programme, language, group, status, email, key in found
            ]
            self._show([cells for _key, cells in self.rows])
            table.focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            terms = [(" " if self.word_start else "") + t for t in fold(event.value).split()]
            self._show([cells for key, cells in self.rows if all(t in key for t in terms)])

        def _show(self, rows: list[tuple[Text, ...]]) -> None:
            table = self.query_one(DataTable)
            with self.batch_update():
                table.clear()
                table.add_rows(rows)
            self.shown += 1

    _BARE_APP = BareApp
    return BareApp


async def run_bare(
    db_path: str,
    round_id: int,
    total: int,
    keys: tuple[str, ...],
    *,
    cold_stamp: dict | None = None,
) -> Run:
    started = time.perf_counter()
    app = bare_app_class()(db_path, round_id)
    probe = PaintProbe(app)

    def rows_in() -> bool:
        return app.shown > 0 and app.query_one("#table").row_count == total

    visible = probe.expect(rows_in)
    first = probe.expect(lambda: rows_in() and settled(app.query_one("#table")))
    async with app.run_test(size=SIZE) as pilot:
        visible_at = await painted(visible, "the bare table's rows", app)
        first_at = await painted(first, "the bare table, measured", app)
        if cold_stamp is not None:
            cold_stamp["first_frame_epoch"] = time.time() - (time.perf_counter() - first_at)
        await settle(pilot)
        table = app.query_one("#table")
        search = app.query_one("#search")
        run = Run(
            first_visible_ms=(visible_at - started) * 1000,
            first_frame_ms=(first_at - started) * 1000,
            first_paint_ms=((probe.first_paint or first_at) - started) * 1000,
            to_table_ms=0.0,
            rows_loaded=table.row_count,
            total=table.row_count,
        )
        if not keys:
            return run
        search.focus()
        await settle(pilot)
        run.keys = await type_keys(
            pilot,
            probe,
            table,
            search,
            keys,
            lambda: app.shown,
            lambda: settled(table),
            lambda: table.row_count,
        )
    return run


# Cold process runs: a fresh interpreter that times its own imports and first frame


def child_main(which: str, db_path: str, round_id: int, total: int) -> None:
    stamp: dict[str, Any] = {"main_epoch": time.time()}
    t = time.perf_counter()
    import textual.app

    stamp["import_textual_ms"] = (time.perf_counter() - t) * 1000
    if which == "spleis":
        t = time.perf_counter()
        import spleis_tui.app  # noqa: F401
        from spleis_tui.core.db import close_db, open_db

        stamp["import_spleis_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        open_db(db_path)
        stamp["open_db_ms"] = (time.perf_counter() - t) * 1000
        run = asyncio.run(run_spleis((), cold_stamp=stamp))
        close_db()
        stamp["to_table_ms"] = run.to_table_ms
    else:
        t = time.perf_counter()
        import textual.widgets  # noqa: F401

        stamp["import_widgets_ms"] = (time.perf_counter() - t) * 1000
        run = asyncio.run(run_bare(db_path, round_id, total, (), cold_stamp=stamp))
        stamp["to_table_ms"] = 0.0
    print("BENCH " + json.dumps(stamp), flush=True)


def child_environment(pycache: Path) -> dict[str, str]:
    """Bytecode cached in the temporary directory, as after an install (this environment may
    set PYTHONDONTWRITEBYTECODE, which would make every cold run compile from source)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def cold_run(which: str, db_path: str, round_id: int, total: int, env: dict[str, str]) -> dict:
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--child",
        which,
        "--db",
        db_path,
        "--round-id",
        str(round_id),
        "--total",
        str(total),
    ]
    spawned = time.time()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode or not lines:
        raise SystemExit(f"bench_tui: the {which} child failed:\n{result.stderr[-2000:]}")
    stamp = json.loads(lines[-1][len("BENCH ") :])
    stamp["spawn_to_main_ms"] = (stamp["main_epoch"] - spawned) * 1000
    stamp["spawn_to_first_frame_ms"] = (stamp["first_frame_epoch"] - spawned) * 1000
    stamp["spawn_to_table_ms"] = stamp["spawn_to_first_frame_ms"] + stamp["to_table_ms"]
    return stamp


# Figures and the table


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Line:
    size: str
    measure: str
    ours: float | None
    bare: float | None
    goal: float | None
    quality: str


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def print_table(lines: list[Line]) -> None:
    header = (
        "size",
        "measure",
        "Spleis (ms)",
        "bare DataTable (ms)",
        "ratio",
        "goal",
        "met?",
        "quality",
    )
    rows = []
    for line in lines:
        ratio = f"{line.ours / line.bare:.2f}" if line.ours and line.bare else "—"
        goal = f"< {line.goal:,.0f}" if line.goal else "—"
        met = (
            "—"
            if line.goal is None or line.ours is None
            else ("yes" if line.ours < line.goal else "NO")
        )
        rows.append(
            (
                line.size,
                line.measure,
                fmt_ms(line.ours),
                fmt_ms(line.bare),
                ratio,
                goal,
                met,
                line.quality,
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 4}

    def render(row: tuple) -> str:
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return " | ".join(cells).rstrip()

    print(render(header))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(render(row))


def seed_database(directory: Path, n: int, seed: int) -> tuple[str, int, float]:
    from spleis_tui.core.cohort import seed_cohort
    from spleis_tui.core.db import close_db, open_db

    path = directory / f"cohort-{n}.db"
    open_db(path)
    result = seed_cohort(n, seed)
    close_db()
    return str(path), result.round_id, result.seconds


def machine_line() -> str:
    from importlib.metadata import version
    from sqlite3 import sqlite_version

    return (
        f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; textual {version('textual')}, "
        f"rich {version('rich')}, peewee {version('peewee')}, SQLite {sqlite_version}"
    )


def load_line() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def shown_value(value: str) -> str:
    return repr(value) if value else "(empty)"


def bench_size(
    n: int, directory: Path, args: argparse.Namespace, env: dict[str, str], lines: list[Line]
) -> None:
    from spleis_tui.core.db import close_db, open_db

    db_path, round_id, seconds = seed_database(directory, n, args.seed)
    print(f"  {n:,} participants seeded in {seconds:.1f} s; measuring", file=sys.stderr)
    size = f"{n:,}"
    ours: list[Run] = []
    bare: list[Run] = []
    spent = {"Spleis": 0.0, "bare": 0.0, "cold Spleis": 0.0, "cold bare": 0.0}

    def timed(what: str, measure: Callable[[], Any]) -> Any:
        begun = time.perf_counter()
        try:
            return measure()
        finally:
            spent[what] += time.perf_counter() - begun

    def run_ours() -> None:
        ours.append(timed("Spleis", lambda: asyncio.run(run_spleis(KEYS))))

    def run_theirs() -> None:
        bare.append(timed("bare", lambda: asyncio.run(run_bare(db_path, round_id, n, KEYS))))

    open_db(db_path)
    try:
        for number in range(args.repeat):
            # Alternate which app goes first, so neither always runs after the other.
            for run in (run_theirs, run_ours) if number % 2 else (run_ours, run_theirs):
                run()
    finally:
        close_db()
    cold_ours = [
        timed("cold Spleis", lambda: cold_run("spleis", db_path, round_id, n, env))
        for _ in range(args.cold)
    ]
    cold_bare = [
        timed("cold bare", lambda: cold_run("bare", db_path, round_id, n, env))
        for _ in range(args.cold)
    ]
    print(
        "  wall time spent: " + ", ".join(f"{k} {v:.0f} s" for k, v in spent.items()),
        file=sys.stderr,
    )
    if any(r.total != n for r in ours + bare):
        print(
            f"WARNING: at {size} a table counted {sorted({r.total for r in ours + bare})} "
            f"rows, not {n}",
            file=sys.stderr,
        )

    def med(runs: list[Any], get: Callable[[Any], float]) -> float:
        return median([get(r) for r in runs])

    # Start-up, in this (warm) process
    first_paint = med(ours, lambda r: r.first_paint_ms)
    bare_visible = med(bare, lambda r: r.first_visible_ms)
    lines.append(
        Line(
            size,
            "start -> first interactive frame",
            med(ours, lambda r: r.first_frame_ms),
            med(bare, lambda r: r.first_frame_ms),
            FIRST_FRAME_GOAL_MS,
            f"Spleis: dashboard with its figures (first paint {first_paint:.0f}); bare: "
            f"{bare[0].rows_loaded:,} rows (shown unmeasured at {bare_visible:.0f})",
        )
    )
    lines.append(
        Line(
            size,
            "F3 -> participants first page",
            med(ours, lambda r: r.to_table_ms),
            None,
            None,
            f"{ours[0].rows_loaded} of {ours[0].total:,} rows loaded, status line written",
        )
    )
    lines.append(
        Line(
            size,
            "start -> participants table (sum)",
            med(ours, lambda r: r.first_frame_ms + r.to_table_ms),
            med(bare, lambda r: r.first_frame_ms),
            FIRST_FRAME_GOAL_MS,
            f"{ours[0].rows_loaded} vs {bare[0].rows_loaded:,} rows in the table",
        )
    )

    # Start-up, cold process
    def cold(stamps: list[dict], *keys: str) -> float:
        return median([sum(s[k] for k in keys) for s in stamps])

    open_ms = cold(cold_ours, "open_db_ms")
    bare_imports = cold(cold_bare, "import_textual_ms", "import_widgets_ms")

    lines.append(
        Line(
            size,
            "cold process -> first interactive frame",
            cold(cold_ours, "spawn_to_first_frame_ms"),
            cold(cold_bare, "spawn_to_first_frame_ms"),
            FIRST_FRAME_GOAL_MS,
            f"python+asyncio {cold(cold_ours, 'spawn_to_main_ms'):.0f}, import textual "
            f"{cold(cold_ours, 'import_textual_ms'):.0f} + spleis_tui.app "
            f"{cold(cold_ours, 'import_spleis_ms'):.0f}, open_db {open_ms:.0f}; "
            f"bare imports {bare_imports:.0f}",
        )
    )
    lines.append(
        Line(
            size,
            "cold process -> participants table",
            cold(cold_ours, "spawn_to_table_ms"),
            cold(cold_bare, "spawn_to_table_ms"),
            FIRST_FRAME_GOAL_MS,
            f"F3 in a fresh process {cold(cold_ours, 'to_table_ms'):.0f}",
        )
    )

    # Keystrokes
    ours_keys = [k for r in ours for k in r.keys]
    bare_keys = [k for r in bare for k in r.keys]
    disagree = [
        (a, b)
        for a, b in zip(ours_keys, bare_keys, strict=True)
        if a.matched != b.matched or a.first_name != b.first_name
    ]
    for a, b in disagree[:5]:
        print(
            f"WARNING: at {size}, after typing {shown_value(a.value)}: Spleis counts "
            f"{a.matched} rows (first {a.first_name!r}), bare shows {b.matched} "
            f"(first {b.first_name!r})",
            file=sys.stderr,
        )
    bad_input = sum(1 for k in ours_keys + bare_keys if not k.value_ok)
    if bad_input:
        print(
            f"WARNING: at {size}, {bad_input} keystrokes left the search box with an "
            "unexpected value",
            file=sys.stderr,
        )
    matched = [k.matched for k in ours_keys[: len(KEYS)]]
    agree = (
        f"{len(ours_keys) - len(disagree)}/{len(ours_keys)} results agree (count and first "
        f"row); {min(matched):,}..{max(matched):,} rows match"
    )
    ours_ms = [k.result_ms for k in ours_keys]
    bare_ms = [k.result_ms for k in bare_keys]
    worst = max(ours_keys, key=lambda k: k.result_ms)
    worst_bare = max(bare_keys, key=lambda k: k.result_ms)
    lines.append(
        Line(
            size,
            "keystroke -> result painted, median",
            median(ours_ms),
            median(bare_ms),
            KEYSTROKE_GOAL_MS,
            agree,
        )
    )
    lines.append(
        Line(
            size,
            "keystroke -> result painted, p90",
            percentile(ours_ms, 0.9),
            percentile(bare_ms, 0.9),
            KEYSTROKE_GOAL_MS,
            f"{len(ours_ms)} keystrokes per app",
        )
    )
    lines.append(
        Line(
            size,
            "keystroke -> result painted, max",
            max(ours_ms),
            max(bare_ms),
            KEYSTROKE_GOAL_MS,
            f"worst: Spleis {shown_value(worst.value)} ({worst.matched:,} rows), bare "
            f"{shown_value(worst_bare.value)} ({worst_bare.matched:,} rows)",
        )
    )
    worst_settled = max(ours_keys, key=lambda k: k.settled_ms)
    worst_bare_settled = max(bare_keys, key=lambda k: k.settled_ms)
    ours_settled = [k.settled_ms for k in ours_keys]
    bare_settled = [k.settled_ms for k in bare_keys]
    lines.append(
        Line(
            size,
            "keystroke -> settled, median",
            median(ours_settled),
            median(bare_settled),
            KEYSTROKE_GOAL_MS,
            "rows measured, status line written: ready for the next key",
        )
    )
    lines.append(
        Line(
            size,
            "keystroke -> settled, max",
            max(ours_settled),
            max(bare_settled),
            KEYSTROKE_GOAL_MS,
            f"worst: Spleis {shown_value(worst_settled.value)} ({worst_settled.matched:,} rows), "
            f"bare {shown_value(worst_bare_settled.value)} ({worst_bare_settled.matched:,} rows)",
        )
    )


def warm_up(directory: Path, env: dict[str, str]) -> None:
    """Untimed runs, so timed runs pay neither first imports nor bytecode compilation."""
    from spleis_tui.core.db import close_db, open_db

    db_path, round_id, _seconds = seed_database(directory, 50, SEED)
    open_db(db_path)
    try:
        asyncio.run(run_spleis(KEYS[:2]))
        asyncio.run(run_bare(db_path, round_id, 50, KEYS[:2]))
    finally:
        close_db()
    cold_run("spleis", db_path, round_id, 50, env)
    cold_run("bare", db_path, round_id, 50, env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated cohort sizes")
    parser.add_argument("--repeat", type=int, default=5, help="in-process runs per size and app")
    parser.add_argument("--cold", type=int, default=2, help="fresh-process runs per size and app")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--child", choices=("spleis", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--round-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--total", type=int, help=argparse.SUPPRESS)
    return parser


FOOTNOTE = """\
ratio = Spleis / bare DataTable: below 1, Spleis is faster.
Each time ends at a frame Textual painted: the first one with the result in the widgets.
'interactive' and 'settled' frames also wait until the DataTable has measured its new rows
(Textual does that on idle, blocking the app: for the bare table it is the long part) and,
for Spleis, the status line ('1–50 of N') is written. Keys are typed one at a time, each after
the previous one settled (no type-ahead). A Spleis keystroke includes its worker-thread
queries (count + page) and the trip back to the UI thread.
'start' rows run in this process after an untimed warm-up, from constructing the app
(Spleis: load_reference and the current round) with the database already open; Spleis
starts on the dashboard, its table needs F3, and '(sum)' adds the two. 'cold process' rows
spawn a fresh Python per run (bytecode cached), imports and open_db included.
Headless: App.run_test builds every frame (layout, widget rendering, compositing) but the
headless driver writes nothing, so encoding frames for a real terminal and the terminal's
own drawing are not counted, for either app."""


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.child:
        child_main(args.child, args.db, args.round_id, args.total)
        return
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.repeat < 1 or args.cold < 1 or not sizes:
        raise SystemExit("bench_tui: --repeat and --cold must be at least 1, --sizes not empty")
    os.environ.pop("LANGUAGE", None)  # English labels in both apps, whatever the locale
    os.environ["LANG"] = "C.UTF-8"
    started = time.perf_counter()
    load_before = load_line()
    lines: list[Line] = []
    with tempfile.TemporaryDirectory(prefix="spleis-bench-") as name:
        directory = Path(name)
        env = child_environment(directory / "pycache")
        warm_up(directory, env)
        for n in sizes:
            bench_size(n, directory, args, env, lines)
    print(
        "Spleis participants table vs a bare Textual DataTable "
        f"(headless, {SIZE[0]}x{SIZE[1]}; times in ms, medians unless marked)"
    )
    print(machine_line())
    print(f"load average: {load_before} before, {load_line()} after")
    print("command: python " + " ".join([os.path.relpath(__file__), *sys.argv[1:]]))
    print(
        f"runs: {args.repeat} in-process runs per size and app (keystrokes pooled over runs), "
        f"{args.cold} cold processes; seed {args.seed}; keys typed: "
        + " ".join("⌫" if k == "backspace" else k for k in KEYS)
    )
    print()
    print_table(lines)
    print()
    print(FOOTNOTE)
    print(f"total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
