"""Participant text as Rich `Text`: shown literally, never parsed as markup."""

from __future__ import annotations

from rich.text import Text

from spleis_tui.core.text import clean_text


def plain(value: object, style: str = "") -> Text:
    """Untrusted text for a table cell or label: no markup, no control characters."""
    if value is None:
        return Text("")
    return Text(clean_text(str(value))[0], style=style)
