"""Shared fixtures: every test gets its own database file (never :memory:, which
worker threads cannot see)."""

from __future__ import annotations

import os

import pytest

from spleis_tui.core.db import close_db, open_db
from spleis_tui.i18n import set_language

# Snapshots and tests are in English unless a test says otherwise, whatever LANG is.
os.environ.pop("LANGUAGE", None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(autouse=True)
def english(tmp_path_factory, monkeypatch):
    """English, and none of the developer's own settings (keymap, database)."""
    monkeypatch.setenv("SPLEIS_KEYMAP", str(tmp_path_factory.getbasetemp() / "no-keymap.toml"))
    monkeypatch.delenv("SPLEIS_DB", raising=False)
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "spleis.db"


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    close_db()


@pytest.fixture
def ref(db):
    from spleis_tui.core.reference import load_reference

    return load_reference()


@pytest.fixture
def demo_db(db_path):
    """A small seeded demo: two rounds, leaders, some groups (one locked), activities;
    without the hiking round, which tests/test_demo.py covers."""
    from spleis_tui.core.demo import seed_demo

    database = open_db(db_path)
    seed_demo(size=150, earlier_size=40, hiking_size=0)
    yield database
    close_db()


@pytest.fixture
def round_id(db):
    from spleis_tui.core.rounds import create_round

    return create_round("Test round").id
