"""Where Spleis keeps its files: `--db`, else $SPLEIS_DB, else the user data dir."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "spleis"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "spleis.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def resolve_db(option: str | None, *, demo: bool = False) -> str:
    """The database to open: an explicit `--db` wins, then $SPLEIS_DB, then the default.

    `--demo` without `--db` uses its own file, so trying the demo never touches real data.
    """
    if option:
        return option
    if demo:
        return str(demo_db_path())
    env = os.environ.get("SPLEIS_DB", "").strip()
    if env:
        return env
    return str(default_db_path())


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def keymap_path() -> Path:
    """`keymap.toml`: binding ids to keys, such as `"participants.add" = "n"`."""
    env = os.environ.get("SPLEIS_KEYMAP", "").strip()
    return Path(env) if env else config_dir() / "keymap.toml"


def export_dir() -> Path:
    """Where rosters and exports are saved unless the user names another place:
    $SPLEIS_EXPORT_DIR, else a Spleis folder in the user's documents."""
    env = os.environ.get("SPLEIS_EXPORT_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_documents_dir()) / "Spleis"


def mail_config_path() -> Path:
    """`mail.toml`: the SMTP server and sender ($SPLEIS_MAIL_CONFIG overrides it)."""
    env = os.environ.get("SPLEIS_MAIL_CONFIG", "").strip()
    return Path(env).expanduser() if env else config_dir() / "mail.toml"
