"""The row of sections under the header: click one, or press its function key."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from spleis_tui.i18n import N_, _

SECTIONS = (
    ("dashboard", "f2", N_("Dashboard")),
    ("participants", "f3", N_("Participants")),
    ("groups", "f4", N_("Groups")),
    ("leaders", "f5", N_("Leaders")),
    ("rounds", "f6", N_("Rounds")),
    ("activities", "f7", N_("Activities")),
    ("matching", "f8", N_("Matching")),
    ("import", "f10", N_("Import")),
)


class NavItem(Static):
    def __init__(self, section: str, key: str, title: str, *, current: bool) -> None:
        super().__init__(f"{key.upper()} {_(title)}", markup=False, classes="nav-item")
        self.section = section
        self.set_class(current, "-current")

    def on_click(self) -> None:
        self.app.action_show_section(self.section)


class NavBar(Horizontal):
    DEFAULT_CSS = """
    NavBar {
        height: 1;
        background: $panel;
    }
    NavBar .nav-item {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    NavBar .nav-item:hover {
        background: $boost;
        color: $text;
    }
    NavBar .nav-item.-current {
        background: $primary;
        color: $text;
        text-style: bold;
    }
    /* Where the padded items do not fit (F2 to F10 on a 100-column terminal): one
       column between items instead. */
    NavBar.-tight .nav-item {
        padding: 0;
        margin-left: 1;
    }
    NavBar.-tight .nav-item:first-child {
        margin-left: 0;
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        for section, key, title in SECTIONS:
            yield NavItem(section, key, title, current=section == self.current)

    def on_resize(self, event: events.Resize) -> None:
        # Every section should be visible: on a narrow terminal the items close up.
        padded = sum(cell_len(f"{key.upper()} {_(title)}") + 2 for _s, key, title in SECTIONS)
        self.set_class(event.size.width < padded, "-tight")
