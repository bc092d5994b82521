"""The user's own keys: a TOML file mapping binding ids to keys.

    # ~/.config/spleis/keymap.toml
    "participants.add" = "n"
    "app.help" = "f10"

Every binding in Spleis has an id (F1 shows the keys in use). A broken file is
reported and ignored, so a typo never keeps the app from starting.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from spleis_tui.i18n import _


def load_keymap(path: Path) -> tuple[dict[str, str], str | None]:
    """The keymap in the file (empty when there is none), and a problem to report, if any."""
    if not path.is_file():
        return {}, None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, _("Ignored the keymap {path}: {reason}").format(path=path, reason=error)
    keymap = {str(k): v for k, v in data.items() if isinstance(v, str) and v.strip()}
    skipped = sorted(set(data) - set(keymap))
    if skipped:
        return keymap, _("Ignored keys in {path} that are not text: {names}").format(
            path=path, names=", ".join(skipped)
        )
    return keymap, None
