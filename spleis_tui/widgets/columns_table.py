"""A row-cursor DataTable with fixed, translated columns that widen to fill the terminal.

Columns are added by the table itself when it mounts, so a screen rebuilt in another
language gets its columns back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from spleis_tui.i18n import _


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # an English msgid, translated when shown
    width: int
    sortable: bool = True
    grow: int = 0  # this column's share of spare width on a wide terminal


class ColumnsTable(DataTable):
    """A DataTable whose columns are declared up front."""

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.column_specs = list(columns)
        self.order_by = ""
        self.descending = False

    def on_mount(self) -> None:
        for spec in self.column_specs:
            self.add_column(self._header(spec), key=spec.key, width=spec.width)

    def _header(self, spec: Column) -> Text:
        title = _(spec.title) if spec.title else ""
        if spec.key == self.order_by:
            title += " ▼" if self.descending else " ▲"
        return Text(title)

    def relabel(self) -> None:
        """Show the headers in the current language and with the sort arrow."""
        for spec in self.column_specs:
            self.columns[spec.key].label = self._header(spec)
        self._require_update_dimensions = True
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns(event.size.width)

    def fit_columns(self, width: int) -> None:
        """Give the spare width of a wide terminal to the columns that can use it."""
        padding = 2 * self.cell_padding
        used = sum(spec.width + padding for spec in self.column_specs) + 2  # + scrollbar
        spare = max(0, width - used)
        shares = sum(spec.grow for spec in self.column_specs)
        for spec in self.column_specs:
            extra = spare * spec.grow // shares if shares else 0
            if spec.key in self.columns:
                self.columns[spec.key].width = spec.width + extra
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()
