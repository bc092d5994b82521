"""The table widgets on their own: ColumnsTable (rows, cursor, mouse) and PagedTable (pages)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.events import MouseScrollDown

from spleis_tui.i18n import set_language
from spleis_tui.widgets.columns_table import Column, ColumnsTable
from spleis_tui.widgets.paged_table import PagedTable, PageRequest
from tests.tui_helpers import cell_texts, settle

COLUMNS = [
    Column("name", "Name", 12, grow=2),
    Column("age", "Age", 5),
    Column("note", "", 6, sortable=False, grow=1),
]


def line_text(table: ColumnsTable, y: int) -> str:
    return table.render_line(y).text


class TableApp(App):
    def __init__(self, table: ColumnsTable) -> None:
        super().__init__()
        self.table = table
        self.messages: list[tuple[str, int, str]] = []

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.focus()

    def on_columns_table_row_highlighted(self, event: ColumnsTable.RowHighlighted) -> None:
        self.messages.append(("highlighted", event.cursor_row, event.row_key))

    def on_columns_table_row_selected(self, event: ColumnsTable.RowSelected) -> None:
        self.messages.append(("selected", event.cursor_row, event.row_key))

    def on_columns_table_header_selected(self, event: ColumnsTable.HeaderSelected) -> None:
        self.messages.append(("header", event.column_index, event.column_key))

    def on_paged_table_page_loaded(self, event: PagedTable.PageLoaded) -> None:
        self.messages.append(("page", event.offset, f"{event.shown}/{event.total}"))


def filled(rows: int = 40) -> ColumnsTable:
    table = ColumnsTable(COLUMNS, id="t")
    for i in range(rows):
        table.add_row(Text(f"Person {i:02d}"), Text(str(20 + i)), Text(""), key=f"k{i}")
    return table


async def test_markup_in_cells_is_shown_literally():
    table = ColumnsTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(60, 10)) as pilot:
        table.add_row(Text("[b]fet[/b]"), "[/]", Text("[@click=app.quit]x[/]"), key="a")
        table.add_row("Ola [red]Nordmann[/]", "1", "", key="b")
        await pilot.pause()
        assert [str(cell) for cell in table.get_row_at(0)] == [
            "[b]fet[/b]",
            "[/]",
            "[@click=app.quit]x[/]",
        ]
        assert str(table.get_row("b")[0]) == "Ola [red]Nordmann[/]"
        assert "[b]fet[/b]" in line_text(table, 1)
        assert "[/]" in line_text(table, 1)
        assert "Ola [red]Nordmann[/]" in line_text(table, 2)
        await pilot.click(table, offset=(20, 1))
        await pilot.click(table, offset=(20, 1))
        await pilot.pause()
        assert app.is_running


async def test_long_cells_are_cut_to_their_column_with_an_ellipsis():
    table = ColumnsTable(COLUMNS)
    app = TableApp(table)
    async with app.run_test(size=(31, 10)) as pilot:  # no spare width
        table.add_row(Text("Bartholomew Aaberge-Christiansen"), "123456789", "", key="a")
        await pilot.pause()
        line = line_text(table, 1)
        assert line.startswith(" Bartholomew… ")
        assert " 1234… " in line
        assert str(table.get_row_at(0)[0]) == "Bartholomew Aaberge-Christiansen"


async def test_rows_by_key_and_index():
    table = filled(5)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        assert table.row_count == 5
        assert "k3" in table.rows and "nope" not in table.rows
        assert table.get_row_index("k3") == 3
        assert str(table.get_row("k3")[0]) == "Person 03"
        table.clear()
        assert table.row_count == 0 and table.cursor_row == 0
        assert "k3" not in table.rows


async def test_keys_move_the_cursor_and_post_messages():
    table = filled(40)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        assert app.messages == [("highlighted", 0, "k0")]  # the first row arrived
        await pilot.press("down", "down")
        await pilot.pause()
        assert table.cursor_row == 2
        assert app.messages[-2:] == [("highlighted", 1, "k1"), ("highlighted", 2, "k2")]
        await pilot.press("enter")
        await pilot.pause()
        assert app.messages[-1] == ("selected", 2, "k2")
        await pilot.press("up", "up", "up")  # stops at the first row
        await pilot.pause()
        assert table.cursor_row == 0
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == 39
        assert table.scroll_y > 0  # the last row is in view, under the header
        assert "Person 39" in line_text(table, table.scrollable_content_region.height - 1)
        assert "Name" in line_text(table, 0)
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor_row == table.scrollable_content_region.height - 1


async def test_clicking_a_row_moves_the_cursor_and_a_second_click_selects_it():
    table = filled(10)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        await pilot.click(table, offset=(3, 4))  # header line, then rows 0, 1, 2
        await pilot.pause()
        assert table.cursor_row == 3
        assert app.messages[-1] == ("highlighted", 3, "k3")
        await pilot.click(table, offset=(3, 4))
        await pilot.pause()
        assert app.messages[-1] == ("selected", 3, "k3")
        await pilot.click(table, offset=(3, 11))  # below the last row: nothing
        await pilot.pause()
        assert table.cursor_row == 3


async def test_the_mouse_wheel_scrolls():
    table = filled(40)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        for _ in range(3):
            table.post_message(MouseScrollDown(table, 3, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_y > 0
        assert "Person 00" not in line_text(table, 1)


async def test_clicking_a_header_posts_its_column():
    table = filled(3)
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        await pilot.click(table, offset=(2, 0))
        await pilot.click(table, offset=(widths(table)[0] + 2, 0))
        await pilot.pause()
        headers = [m for m in app.messages if m[0] == "header"]
        assert headers == [("header", 0, "name"), ("header", 1, "age")]
        assert table.cursor_row == 0


def widths(table: ColumnsTable) -> list[int]:
    return [column.width + 2 for column in table.columns.values()]


async def test_spare_width_goes_to_the_growing_columns():
    narrow = ColumnsTable(COLUMNS)
    async with TableApp(narrow).run_test(size=(30, 10)) as pilot:
        await pilot.pause()
        assert [c.width for c in narrow.columns.values()] == [12, 5, 6]
        assert narrow.virtual_size.width == 29  # wider than the table: it scrolls sideways
    wide = ColumnsTable(COLUMNS)
    async with TableApp(wide).run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        spare = 100 - (12 + 5 + 6 + 3 * 2) - 2
        name, age, note = (c.width for c in wide.columns.values())
        assert age == 5
        assert name == 12 + spare * 2 // 3
        assert note == 6 + spare // 3
        await pilot.resize_terminal(50, 10)
        await pilot.pause()
        assert wide.columns["name"].width < name


async def test_headers_follow_the_language_and_the_sort():
    table = ColumnsTable(COLUMNS)
    async with TableApp(table).run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert str(table.columns["name"].label) == "Name"
        set_language("nb")
        table.relabel()
        await pilot.pause()
        assert str(table.columns["name"].label) == "Navn"
        assert "Navn" in line_text(table, 0) and "Alder" in line_text(table, 0)
        table.order_by, table.descending = "age", True
        table.relabel()
        assert str(table.columns["age"].label) == "Alder ▼"
        set_language("en")
        table.relabel()
        assert str(table.columns["name"].label) == "Name"


async def test_the_cursor_row_has_its_own_colours_and_rows_are_striped():
    table = filled(4)
    app = TableApp(table)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()

        def background(y: int):
            return table.render_line(y)._segments[0].style.bgcolor

        cursor, odd, even = background(1), background(2), background(3)
        assert len({cursor, odd, even}) == 3
        await pilot.press("down")
        await pilot.pause()
        assert background(2) == cursor and background(1) != cursor
        app.set_focus(None)  # a blurred table shows a quieter cursor
        await pilot.pause()
        assert background(2) != cursor


# PagedTable


PEOPLE = [(f"p{i}", f"Person {i:03d}", 20 + i % 30) for i in range(120)]


def people_loader(calls: list[PageRequest]):
    def load(request: PageRequest):
        calls.append(request)
        rows = sorted(
            PEOPLE,
            key=lambda p: p[1] if request.order_by == "name" else (p[2], p[1]),
            reverse=request.descending,
        )
        total = len(rows) if request.with_count else None
        return total, rows[request.offset : request.offset + request.limit]

    return load


def people_cells(row):
    key, name, age = row
    return key, [Text(name), Text(str(age)), Text("")]


async def open_paged(pilot, table: PagedTable) -> None:
    table.reload(reset=True)
    await settle(pilot)


async def test_pages_load_across_the_boundaries(db):
    calls: list[PageRequest] = []
    table = PagedTable(COLUMNS, people_loader(calls), people_cells, id="people")
    app = TableApp(table)
    async with app.run_test(size=(60, 16)) as pilot:
        await open_paged(pilot, table)
        assert table.row_count == 50 and table.total == 120 and table.page_offset == 0
        assert table.loading_done
        assert app.messages[-1] == ("page", 0, "50/120")
        assert table.current == PEOPLE[0]
        await pilot.press("end", "down")  # past the last row: the next page, first row
        await settle(pilot)
        assert table.page_offset == 50
        assert table.current[1] == "Person 050"
        assert cell_texts(table)[0] == "Person 050"
        await pilot.press("up")  # before the first row: the previous page, last row
        await settle(pilot)
        assert table.page_offset == 0 and table.current[1] == "Person 049"
        assert table.scroll_y > 0  # the cursor on the last row is in view
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.page_offset == 100 and table.row_count == 20
        assert table.current[1] == "Person 119"
        assert app.messages[-1] == ("page", 100, "20/120")
        await pilot.press("down")  # the very last row: nothing more to load
        await settle(pilot)
        assert table.page_offset == 100 and table.current[1] == "Person 119"
        await pilot.press("pageup")
        await settle(pilot)
        assert table.page_offset == 50 and table.current[1] == "Person 099"
        await pilot.press("ctrl+home")
        await settle(pilot)
        assert table.page_offset == 0 and table.current[1] == "Person 000"
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.page_offset == 50 and table.current[1] == "Person 050"
        assert all(c.limit == 50 for c in calls)


async def test_a_header_click_sorts_through_the_loader(db):
    calls: list[PageRequest] = []
    table = PagedTable(COLUMNS, people_loader(calls), people_cells, id="people")
    app = TableApp(table)
    async with app.run_test(size=(60, 16)) as pilot:
        await open_paged(pilot, table)
        assert str(table.columns["name"].label) == "Name ▲"
        await pilot.click(table, offset=(2, 0))
        await settle(pilot)
        assert table.order_by == "name" and table.descending
        assert str(table.columns["name"].label) == "Name ▼"
        assert cell_texts(table)[0] == "Person 119"
        assert calls[-1].descending and calls[-1].offset == 0
        await pilot.click(table, offset=(widths(table)[0] + 2, 0))  # Age
        await settle(pilot)
        assert (table.order_by, table.descending) == ("age", False)
        assert str(table.columns["name"].label) == "Name"
        assert cell_texts(table, 1)[0] == "20"
        before = len(calls)
        await pilot.click(table, offset=(sum(widths(table)[:2]) + 2, 0))  # not sortable
        await settle(pilot)
        assert len(calls) == before and table.order_by == "age"


async def test_show_row_at_and_reload_keep_the_wanted_row(db):
    calls: list[PageRequest] = []
    table = PagedTable(COLUMNS, people_loader(calls), people_cells, id="people")
    app = TableApp(table)
    async with app.run_test(size=(60, 16)) as pilot:
        await open_paged(pilot, table)
        table.show_row_at(77, "p77")
        await settle(pilot)
        assert table.page_offset == 50 and table.current[0] == "p77"
        assert table.get_row_index("p77") == 27
        table.reload()
        await settle(pilot)
        assert table.page_offset == 50 and table.current[0] == "p77"
        table.reload(reset=True)
        await settle(pilot)
        assert table.page_offset == 0


async def test_a_stale_page_never_replaces_a_newer_one(db):
    table = PagedTable(COLUMNS, people_loader([]), people_cells, id="people")
    app = TableApp(table)
    async with app.run_test(size=(60, 16)) as pilot:
        await open_paged(pilot, table)
        table._token += 1  # a newer request is on its way
        table.post_message(PagedTable.Fetched(table._token - 1, 1, 0, [PEOPLE[5]]))
        await pilot.pause()
        assert table.row_count == 50 and cell_texts(table)[0] == "Person 000"


async def test_a_fixed_height_table_takes_new_rows_and_scrollbars_follow():
    table = filled(40)
    table.styles.height = "1fr"  # like the screens: the container sets the height
    app = TableApp(table)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.press("end")
        await pilot.pause()
        assert table.show_vertical_scrollbar and table.scroll_y > 0
        table.replace_rows([(f"n{i}", [Text(f"New {i}"), "1", ""]) for i in range(3)])
        await pilot.pause()
        assert not table.show_vertical_scrollbar
        assert table.scroll_y == 0 and table.cursor_row == 0
        assert "New 0" in line_text(table, 1) and "New 2" in line_text(table, 3)
        assert line_text(table, 4).strip() == ""
        assert app.messages[-1] == ("highlighted", 0, "n0")
