"""A table that shows one page of a database query at a time.

A 10,000-row cohort is never loaded whole: the table asks its loader for one page in a
thread worker and shows it (replacing a page costs a few milliseconds).
Moving past the last row loads the next page; clicking a header sorts in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.worker import get_current_worker

from spleis_tui.core.models import database
from spleis_tui.i18n import N_
from spleis_tui.widgets.columns_table import Column, ColumnsTable


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int
    order_by: str
    descending: bool
    with_count: bool


# The loader runs in a worker thread: it returns the total (when asked) and the rows.
Loader = Callable[[PageRequest], tuple[int | None, Sequence[Any]]]
# Turns a row into its key and its cells (rich Text, so names are never parsed as markup).
Renderer = Callable[[Any], tuple[str, Sequence[Text | str]]]


class PagedTable(ColumnsTable):
    """A cursor-row table backed by a loader that pages in the database."""

    BINDINGS = [
        Binding("pagedown", "next_page", N_("Next page"), show=False, id="table.next_page"),
        Binding(
            "pageup", "previous_page", N_("Previous page"), show=False, id="table.previous_page"
        ),
        Binding("ctrl+home", "first_page", N_("First page"), show=False, id="table.first_page"),
        Binding("ctrl+end", "last_page", N_("Last page"), show=False, id="table.last_page"),
    ]

    class PageLoaded(Message):
        """A page is on screen. `total` counts every row the query matches."""

        def __init__(self, table: PagedTable, total: int, offset: int, shown: int) -> None:
            super().__init__()
            self.table = table
            self.total = total
            self.offset = offset
            self.shown = shown

        @property
        def control(self) -> PagedTable:
            return self.table

    class Fetched(Message):
        def __init__(self, token: int, total: int | None, offset: int, rows: Sequence[Any]):
            super().__init__()
            self.token = token
            self.total = total
            self.offset = offset
            self.rows = rows

    def __init__(
        self,
        columns: Sequence[Column],
        loader: Loader,
        renderer: Renderer,
        *,
        page_size: int = 50,
        order_by: str = "name",
        id: str | None = None,
    ) -> None:
        super().__init__(columns, id=id)
        self._loader = loader
        self._renderer = renderer
        self.page_size = page_size
        self.order_by = order_by
        self.page_offset = 0
        self._requested_offset = 0
        self.total = 0
        self.records: list[Any] = []
        self._token = 0
        self._after_load: str | None = None
        self.loading_done = False

    # Loading

    def reload(self, *, reset: bool = False, select_key: str | None = None) -> None:
        """Fetch the current page again (the first page with `reset`), counting anew."""
        if reset:
            self._requested_offset = 0
        if select_key is not None or reset:
            self._after_load = select_key
        # The page last asked for, which may not have arrived yet (show_row_at).
        self._fetch(self._requested_offset, with_count=True)

    def show_row_at(self, offset: int, key: str) -> None:
        """Load the page that holds the row at `offset` and put the cursor on `key`."""
        self._after_load = key
        self._fetch(offset // self.page_size * self.page_size, with_count=True)

    def _fetch(self, offset: int, *, with_count: bool) -> None:
        self._requested_offset = offset
        self._token += 1
        self.loading_done = False
        request = PageRequest(
            max(0, offset), self.page_size, self.order_by, self.descending, with_count
        )
        self._run_loader(self._token, request)

    @work(thread=True, exclusive=True, group="paged-table")
    def _run_loader(self, token: int, request: PageRequest) -> None:
        with database.connection_context():
            total, rows = self._loader(request)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Fetched(token, total, request.offset, rows))

    def on_paged_table_fetched(self, message: Fetched) -> None:
        message.stop()
        if message.token != self._token:
            return  # an older request finished after a newer one was made
        if message.total is not None:
            self.total = message.total
        if message.offset and message.offset >= self.total:
            # The page emptied (rows were deleted or filtered): show the last full page.
            self._fetch(self._last_offset(), with_count=False)
            return
        self.page_offset = message.offset
        self.records = list(message.rows)
        previous_row = self.cursor_row
        with self.app.batch_update():
            self.replace_rows(self._renderer(row) for row in self.records)
            self._place_cursor(previous_row)
        self.loading_done = True
        self.post_message(self.PageLoaded(self, self.total, self.page_offset, len(self.records)))

    def _place_cursor(self, previous_row: int) -> None:
        if not self.records:
            return
        wanted = self._after_load
        self._after_load = None
        if wanted == "first":
            row = 0
        elif wanted == "last":
            row = len(self.records) - 1
        elif wanted is not None and wanted in self.rows:
            row = self.get_row_index(wanted)
        else:
            row = min(max(previous_row, 0), len(self.records) - 1)
        self.move_cursor(row=row, animate=False)

    def _last_offset(self) -> int:
        if self.total <= 0:
            return 0
        return ((self.total - 1) // self.page_size) * self.page_size

    # The row under the cursor

    @property
    def current(self) -> Any | None:
        if not self.records or not 0 <= self.cursor_row < len(self.records):
            return None
        return self.records[self.cursor_row]

    # Paging actions

    def _go(self, offset: int, place: str) -> None:
        offset = min(max(0, offset), self._last_offset())
        if offset == self.page_offset and self.records:
            self.move_cursor(row=0 if place == "first" else len(self.records) - 1)
            return
        self._after_load = place
        self._fetch(offset, with_count=False)

    def action_next_page(self) -> None:
        self._go(self.page_offset + self.page_size, "first")

    def action_previous_page(self) -> None:
        self._go(self.page_offset - self.page_size, "last")

    def action_first_page(self) -> None:
        self._go(0, "first")

    def action_last_page(self) -> None:
        self._go(self._last_offset(), "last")

    def action_cursor_down(self) -> None:
        at_end = self.cursor_row >= len(self.records) - 1
        if at_end and self.page_offset + len(self.records) < self.total:
            self._go(self.page_offset + self.page_size, "first")
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.page_offset > 0:
            self._go(self.page_offset - self.page_size, "last")
        else:
            super().action_cursor_up()

    # Sorting in the database

    def on_columns_table_header_selected(self, event: ColumnsTable.HeaderSelected) -> None:
        event.stop()
        key = event.column_key
        spec = next((c for c in self.column_specs if c.key == key), None)
        if spec is None or not spec.sortable:
            return
        self.sort_by(key)

    def sort_by(self, key: str) -> None:
        if key == self.order_by:
            self.descending = not self.descending
        else:
            self.order_by, self.descending = key, False
        self.relabel()
        self.reload(reset=True)
