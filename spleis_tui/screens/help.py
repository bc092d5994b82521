"""F1: the keys of the screen you came from, and where to learn more."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from spleis_tui.i18n import N_, _
from spleis_tui.screens.base import SpleisModal, spleis_bindings
from spleis_tui.widgets.navbar import SECTIONS


class HelpScreen(SpleisModal[None]):
    BINDINGS = [Binding("escape,f1,q", "close", N_("Close"), id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.source = screen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Label(_("Keys"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._keys_table(), id="keys")
                yield Static(
                    Text(
                        _(
                            "Every key is also in the command palette (Ctrl+P). Click a section in "
                            "the bar at the top, or a key in the footer, to use the mouse. "
                            "F9 switches between English and Norwegian."
                        ),
                        style="dim",
                    )
                )

    def _keys_table(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for active in spleis_bindings(self.source):
            binding = active.binding
            if binding.id.startswith("app."):
                continue  # listed below, with the sections
            table.add_row(Text(self.app.get_key_display(binding)), Text(_(binding.description)))
        for _section, key, title in SECTIONS:
            table.add_row(Text(key.upper()), Text(_(title)))
        table.add_row(Text("F1"), Text(_("Help")))
        table.add_row(Text("F9"), Text(_("Norsk/English")))
        table.add_row(Text("Ctrl+P"), Text(_("Command palette")))
        table.add_row(Text("Ctrl+Q"), Text(_("Quit")))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
