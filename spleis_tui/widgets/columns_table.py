"""A fast row-cursor table with fixed, translated columns that widen to fill the terminal.

It draws with Textual's line API: each visible row is one cached `Strip`, cut to the
column widths once, so replacing a page of rows costs a few milliseconds (a `DataTable`
measures and re-renders every cell through Rich instead). Cells are rich `Text`, never
parsed as markup. Colours come from the component classes in `DEFAULT_CSS`, so the table
follows the Textual theme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from spleis_tui.i18n import _

Cell = Text | str


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # an English msgid, translated when shown
    width: int
    sortable: bool = True
    grow: int = 0  # this column's share of spare width on a wide terminal


@dataclass
class TableColumn:
    """A column on screen: its current header label and width (in cells, padding excluded)."""

    key: str
    label: Text
    width: int


def _as_text(cell: Cell) -> Text:
    """A cell as one line of rich Text; a str is taken literally, never as markup."""
    text = cell if isinstance(cell, Text) else Text(str(cell))
    if "\n" in text.plain:
        text = Text(" ").join(text.split("\n"))
    return text


class ColumnsTable(ScrollView, can_focus=True):
    """A cursor-row table whose columns are declared up front.

    The first line is the header; it stays in place while the rows scroll under it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First row", show=False),
        Binding("end", "cursor_last", "Last row", show=False),
        Binding("ctrl+home", "cursor_first", "First row", show=False),
        Binding("ctrl+end", "cursor_last", "Last row", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "table--header",
        "table--cursor",
        "table--even-row",
        "table--odd-row",
    }

    DEFAULT_CSS = """
    ColumnsTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;

        &:focus {
            background-tint: $foreground 5%;
            & > .table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    cell_padding = 1

    class _RowMessage(Message):
        def __init__(self, table: ColumnsTable, cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> ColumnsTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to a row (or the first row arrived in an empty table)."""

    class RowSelected(_RowMessage):
        """Enter was pressed on a row, or the highlighted row was clicked."""

    class HeaderSelected(Message):
        """A column header was clicked."""

        def __init__(
            self, table: ColumnsTable, column_key: str, column_index: int, label: Text
        ) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key
            self.column_index = column_index
            self.label = label

        @property
        def control(self) -> ColumnsTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        id: str | None = None,
        zebra_stripes: bool = True,
    ) -> None:
        super().__init__(id=id)
        self.column_specs = list(columns)
        self.order_by = ""
        self.descending = False
        self.zebra_stripes = zebra_stripes
        self.columns: dict[str, TableColumn] = {
            spec.key: TableColumn(spec.key, Text(), spec.width) for spec in self.column_specs
        }
        self._keys: list[str] = []
        self._cells: list[list[Text]] = []
        self._index: dict[str, int] = {}
        self._cursor_row = 0
        # Full-width row strips by (row, cursor); cropped lines by (row, cursor, x, width).
        self._row_strips: dict[tuple[int, bool], Strip] = {}
        self._line_cache: dict[tuple[int, bool, int, int], Strip] = {}
        self._header_cache: dict[tuple[int, int], Strip] = {}
        self._styles: dict[str, Style] = {}
        self._parsed: dict[str, Style] = {}
        self._set_labels()
        self._update_virtual_size()

    # Columns

    def _header(self, spec: Column) -> Text:
        title = _(spec.title) if spec.title else ""
        if spec.key == self.order_by:
            title += " ▼" if self.descending else " ▲"
        return Text(title)

    def _set_labels(self) -> None:
        for spec in self.column_specs:
            self.columns[spec.key].label = self._header(spec)
        self._header_cache.clear()

    def on_mount(self) -> None:
        self._set_labels()  # in the language of the day, with the sort arrow of a subclass

    def relabel(self) -> None:
        """Show the headers in the current language and with the sort arrow."""
        self._set_labels()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns(event.size.width)
        self._scroll_cursor_into_view()

    def fit_columns(self, width: int) -> None:
        """Give the spare width of a wide terminal to the columns that can use it."""
        padding = 2 * self.cell_padding
        used = sum(spec.width + padding for spec in self.column_specs) + 2  # + scrollbar
        spare = max(0, width - used)
        shares = sum(spec.grow for spec in self.column_specs)
        changed = False
        for spec in self.column_specs:
            extra = spare * spec.grow // shares if shares else 0
            column = self.columns[spec.key]
            if column.width != spec.width + extra:
                column.width = spec.width + extra
                changed = True
        if changed:
            self._clear_caches()
            self._update_virtual_size()
            self.refresh()

    @property
    def _content_width(self) -> int:
        return sum(c.width + 2 * self.cell_padding for c in self.columns.values())

    def _update_virtual_size(self) -> None:
        size = Size(self._content_width, len(self._keys) + 1)
        if size == self.virtual_size:
            return
        height = self.styles.height
        if not self.is_mounted or not self.size or height is None or height.is_auto:
            self.virtual_size = size  # the table's own height may change: a new layout
            return
        # The table's size is set by its container, so a new row count needs no new layout
        # of the screen (the slow part of a keystroke), only new scrollbars; a scrollbar
        # that comes or goes asks for a layout itself.
        self.set_reactive(ColumnsTable.virtual_size, size)
        self._scroll_update(size)

    # Rows

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def rows(self) -> Mapping[str, int]:
        """Row keys to row indexes (`key in table.rows`)."""
        return self._index

    def clear(self) -> None:
        """Remove every row; the cursor goes back to the first row."""
        self._keys = []
        self._cells = []
        self._index = {}
        self._cursor_row = 0
        self._clear_caches()
        self._update_virtual_size()
        self.refresh()

    def add_row(self, *cells: Cell, key: str) -> str:
        """Add a row at the end. Each cell is shown on one line, cut to its column."""
        self._append(key, cells)
        self._update_virtual_size()
        self.refresh()
        if len(self._keys) == 1:
            self._post_highlighted()
        return key

    def add_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        """Add many `(key, cells)` rows at the end at once."""
        was_empty = not self._keys
        for key, cells in rows:
            self._append(key, cells)
        self._update_virtual_size()
        self.refresh()
        if was_empty and self._keys:
            self._post_highlighted()

    def replace_rows(self, rows: Iterable[tuple[str, Sequence[Cell]]]) -> None:
        """`clear()` then `add_rows(rows)`, measuring the table once."""
        self._keys = []
        self._cells = []
        self._index = {}
        self._cursor_row = 0
        self._clear_caches()
        self.add_rows(rows)

    def _append(self, key: str, cells: Sequence[Cell]) -> None:
        key = str(key)
        if key in self._index:
            raise ValueError(f"duplicate row key {key!r}")
        self._index[key] = len(self._keys)
        self._keys.append(key)
        self._cells.append([_as_text(cell) for cell in cells])

    def update_row(self, key: str, cells: Sequence[Cell]) -> None:
        """Replace one row's cells in place (a status that changed), redrawing only it."""
        row = self._index[str(key)]
        self._cells[row] = [_as_text(cell) for cell in cells]
        for cursor in (False, True):
            self._row_strips.pop((row, cursor), None)
        for cached in [k for k in self._line_cache if k[0] == row]:
            del self._line_cache[cached]
        self._refresh_row(row)

    def get_row_at(self, index: int) -> list[Text]:
        if not 0 <= index < len(self._cells):
            raise IndexError(f"no row {index}")
        return list(self._cells[index])

    def get_row(self, key: str) -> list[Text]:
        return list(self._cells[self._index[key]])

    def get_row_index(self, key: str) -> int:
        return self._index[key]

    # The cursor

    @property
    def cursor_row(self) -> int:
        return self._cursor_row

    @cursor_row.setter
    def cursor_row(self, row: int) -> None:
        self.move_cursor(row=row)

    def move_cursor(
        self, *, row: int | None = None, animate: bool = False, scroll: bool = True
    ) -> None:
        """Put the cursor on `row` (kept inside the table) and scroll it into view."""
        if row is None:
            return
        row = max(0, min(row, len(self._keys) - 1))
        old = self._cursor_row
        if row != old:
            self._cursor_row = row
            self._refresh_row(old)
            self._refresh_row(row)
            self._post_highlighted()
        if scroll:
            self._scroll_cursor_into_view(animate=animate)

    def _post_highlighted(self) -> None:
        if 0 <= self._cursor_row < len(self._keys):
            key = self._keys[self._cursor_row]
            self.post_message(self.RowHighlighted(self, self._cursor_row, key))

    def _post_selected(self) -> None:
        if 0 <= self._cursor_row < len(self._keys):
            key = self._keys[self._cursor_row]
            self.post_message(self.RowSelected(self, self._cursor_row, key))

    @property
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        if not self._keys or not self.size:
            return
        top = round(self.scroll_y)
        shown = self._visible_rows
        row = self._cursor_row
        if row < top:
            self.scroll_to(y=row, animate=animate)
        elif row >= top + shown:
            self.scroll_to(y=row - shown + 1, animate=animate)

    def _refresh_row(self, row: int) -> None:
        y = row + 1 - round(self.scroll_y)
        if y >= 1:
            self.refresh(Region(0, y, self.size.width, 1))

    # Keys

    def action_select_cursor(self) -> None:
        self._post_selected()

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor_row - self._visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor_row + self._visible_rows)

    def action_cursor_first(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_last(self) -> None:
        self.move_cursor(row=len(self._keys) - 1)

    # Mouse

    async def _on_click(self, event: events.Click) -> None:
        await super()._on_click(event)
        offset = event.get_content_offset(self)
        if offset is None:
            return  # on a scrollbar
        if offset.y == 0:
            column = self._column_at(offset.x + round(self.scroll_x))
            if column is not None:
                index, spec = column
                label = self.columns[spec.key].label
                self.post_message(self.HeaderSelected(self, spec.key, index, label))
            return
        row = round(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._keys):
            event.stop()
            if row == self._cursor_row:
                self._post_selected()
            else:
                self.move_cursor(row=row)

    def _column_at(self, x: int) -> tuple[int, Column] | None:
        left = 0
        for index, spec in enumerate(self.column_specs):
            right = left + self.columns[spec.key].width + 2 * self.cell_padding
            if left <= x < right:
                return index, spec
            left = right
        return None

    # Drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._parsed.clear()
        self._clear_caches()
        self._header_cache.clear()
        self.refresh()

    def _clear_caches(self) -> None:
        self._row_strips.clear()
        self._line_cache.clear()
        self._header_cache.clear()

    def _style(self, name: str) -> Style:
        """The widget's own style ("") or a component's, cached until the styles change."""
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(name) if name else self.rich_style
            self._styles[name] = style
        return style

    def _cell_style(self, style: str | Style) -> Style:
        if isinstance(style, Style):
            return style
        found = self._parsed.get(style)
        if found is None:
            found = self._parsed[style] = self.app.console.get_style(style, default=Style.null())
        return found

    def _build_strip(self, cells: Sequence[Text], style: Style) -> Strip:
        """One line of cells, each cut (with an ellipsis) and padded to its column."""
        pad = " " * self.cell_padding
        segments: list[Segment] = []
        append = segments.append
        length = 0
        for index, column in enumerate(self.columns.values()):
            width = column.width
            length += width + 2 * len(pad)
            if index >= len(cells):
                append(Segment(" " * (width + 2 * len(pad)), style))
                continue
            cell = cells[index]
            cell_len = cell.cell_len
            if cell_len > width:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
                cell_len = cell.cell_len
            fill = " " * (width - cell_len) + pad
            own = cell.style
            if cell._spans:
                append(Segment(pad, style))
                segments.extend(Segment.apply_style(cell.render(self.app.console), style))
                append(Segment(fill, style))
            elif own:
                append(Segment(pad, style))
                append(Segment(cell.plain, style + self._cell_style(own)))
                append(Segment(fill, style))
            else:
                append(Segment(pad + cell.plain + fill, style))
        return Strip(Segment.simplify(segments), length)

    def _row_style(self, row: int, cursor: bool) -> Style:
        if cursor:
            return self._style("table--cursor")
        if self.zebra_stripes:
            return self._style("table--odd-row" if row % 2 else "table--even-row")
        return self._style("")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            key = (scroll_x, width)
            strip = self._header_cache.get(key)
            if strip is None:
                labels = [c.label for c in self.columns.values()]
                full = self._build_strip(labels, self._style("table--header"))
                strip = full.crop_extend(scroll_x, scroll_x + width, self._style(""))
                self._header_cache[key] = strip
            return strip
        row = round(self.scroll_y) + y - 1
        if not 0 <= row < len(self._keys):
            return Strip.blank(width, self._style(""))
        cursor = row == self._cursor_row
        line_key = (row, cursor, scroll_x, width)
        strip = self._line_cache.get(line_key)
        if strip is None:
            full = self._row_strips.get((row, cursor))
            if full is None:
                full = self._build_strip(self._cells[row], self._row_style(row, cursor))
                self._row_strips[(row, cursor)] = full
            strip = full.crop_extend(scroll_x, scroll_x + width, self._style(""))
            if len(self._line_cache) > 4 * 1024:
                self._line_cache.clear()
            self._line_cache[line_key] = strip
        return strip
