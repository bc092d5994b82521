"""Opening the database: pragmas, permissions, migrations."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from spleis_tui.core import db as dbmod
from spleis_tui.core.db import LATEST_VERSION, close_db, open_db, schema_version
from spleis_tui.core.errors import SpleisError
from spleis_tui.core.models import ALL_MODELS, Campus, SchemaVersion


def pragma(database, name):
    return database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_open_db_sets_the_safety_pragmas(db):
    assert pragma(db, "journal_mode") == "wal"
    assert pragma(db, "foreign_keys") == 1
    assert pragma(db, "synchronous") == 2  # FULL
    assert pragma(db, "secure_delete") == 1
    assert pragma(db, "busy_timeout") >= 5000


def test_write_transactions_take_the_write_lock_at_once(db_path, db):
    # With a deferred BEGIN the lock would come only at the first write, and a
    # read-then-write could lose a race halfway through.
    other = sqlite3.connect(db_path, timeout=0)
    try:
        with db.atomic(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
    finally:
        other.close()


def test_the_file_is_readable_by_its_owner_only(db_path, db):
    mode = stat.S_IMODE(os.stat(db_path).st_mode)
    assert mode == 0o600


def test_an_existing_file_is_narrowed_to_its_owner(tmp_path):
    path = tmp_path / "loose.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    open_db(path)
    close_db()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_an_empty_file_is_migrated_to_the_latest_schema(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    database = open_db(path)
    try:
        tables = set(database.get_tables())
        assert {m._meta.table_name for m in ALL_MODELS} <= tables
        assert schema_version(database) == LATEST_VERSION
        assert Campus.select().count() == 7  # the shipped reference data
    finally:
        close_db()


def test_reopening_runs_no_migration_twice(db_path):
    open_db(db_path)
    close_db()
    open_db(db_path)
    try:
        assert SchemaVersion.select().count() == 1
    finally:
        close_db()


def test_pending_migrations_run_in_order(db_path, monkeypatch):
    database = open_db(db_path)
    ran = []
    monkeypatch.setitem(dbmod.MIGRATIONS, LATEST_VERSION + 1, lambda d: ran.append(1))
    monkeypatch.setitem(dbmod.MIGRATIONS, LATEST_VERSION + 2, lambda d: ran.append(2))
    monkeypatch.setattr(dbmod, "LATEST_VERSION", LATEST_VERSION + 2)
    assert dbmod.migrate(database) == LATEST_VERSION + 2
    assert ran == [1, 2]
    assert schema_version(database) == LATEST_VERSION + 2
    close_db()


def test_a_file_from_a_newer_version_is_refused(db_path):
    open_db(db_path)
    SchemaVersion.create(version=LATEST_VERSION + 5)
    close_db()
    with pytest.raises(SpleisError, match="newer Spleis"):
        open_db(db_path)
    close_db()


def test_a_version_2_file_gains_what_importing_needs(db_path):
    """A file made before imports existed opens, keeps its sign-ups and can import."""
    import sqlite3

    from spleis_tui.core.rounds import create_round
    from spleis_tui.core.signups import add_signup

    open_db(db_path)
    from spleis_tui.core.reference import load_reference

    round_id = create_round("Gammel runde").id
    add_signup(
        round_id,
        {"name": "Kari", "email": "kari@stud.ntnu.no", "campus": "gloshaugen"},
        load_reference(),
        consent=True,
    )
    close_db()
    # Take the file back to version 2, as Spleis 0.1 with matching left it.
    with sqlite3.connect(db_path) as connection:
        _undo_version_4(connection)
        connection.execute("DROP TABLE sign_up_history")
        connection.execute("DROP TABLE import_profile")
        connection.execute("ALTER TABLE sign_up DROP COLUMN import_warnings")
        connection.execute("ALTER TABLE sign_up DROP COLUMN import_hash")
        connection.execute("UPDATE schema_version SET version = 2")
    database = open_db(db_path)
    from spleis_tui.core.db import schema_version
    from spleis_tui.core.models import SignUp, SignUpHistory

    assert schema_version(database) == LATEST_VERSION
    kari = SignUp.get()
    assert (kari.name, kari.import_hash, kari.import_warnings) == ("Kari", "", "")
    assert SignUpHistory.select().count() == 0
    close_db()


def _undo_version_5(connection) -> None:
    for table in (
        "feedback",
        "group_follow_up",
        "attendance",
        "activity_sign_up",
        "activity_group",
        "activity",
        "series",
        "activity_type",
    ):
        connection.execute(f"DROP TABLE {table}")
    connection.execute("ALTER TABLE leader DROP COLUMN language")


def _undo_version_4(connection) -> None:
    _undo_version_5(connection)
    connection.execute("DROP TABLE sent_message")
    connection.execute("DROP TABLE message_template")
    connection.execute("ALTER TABLE round DROP COLUMN welcome_text")
    for column in ("activity", "meeting_place", "meeting_at"):
        connection.execute(f'ALTER TABLE "group" DROP COLUMN {column}')


def test_a_version_3_file_gains_rosters_and_the_send_log(db_path):
    """A file from before rosters opens with its groups and members (adding a column to
    `round` must not rebuild the table, whose drop would cascade), and the groups get an
    empty first meeting."""
    import sqlite3

    from spleis_tui.core.groups import create_group
    from spleis_tui.core.rounds import create_round

    open_db(db_path)
    from spleis_tui.core.groups import move_member
    from spleis_tui.core.reference import load_reference
    from spleis_tui.core.signups import add_signup

    round_id = create_round("Runde før rosters").id
    group_id = create_group(round_id, "Gruppe 1").id
    kari = add_signup(
        round_id,
        {"name": "Kari", "email": "kari@stud.ntnu.no", "campus": "gloshaugen"},
        load_reference(),
        consent=True,
    )
    move_member(kari.id, group_id)
    close_db()
    with sqlite3.connect(db_path) as connection:
        _undo_version_4(connection)
        connection.execute("UPDATE schema_version SET version = 3")
    database = open_db(db_path)
    from spleis_tui.core.models import Group, MessageTemplate, Round, SentMessage, SignUp

    assert schema_version(database) == LATEST_VERSION
    group = Group.get()
    assert (group.name, group.activity, group.meeting_place, group.meeting_at) == (
        "Gruppe 1",
        "",
        "",
        None,
    )
    assert Round.get().welcome_text == ""
    assert [(s.name, s.group_id) for s in SignUp.select()] == [("Kari", group.id)]
    assert MessageTemplate.select().count() == SentMessage.select().count() == 0
    close_db()


def test_a_version_4_file_gains_activities_and_leaders_keep_their_groups(db_path):
    """Adding the leaders' language must not rebuild the leader table (its groups would
    lose their leader); every leader can lead in both languages until told otherwise."""
    import sqlite3

    from spleis_tui.core.groups import create_group, set_group_leader
    from spleis_tui.core.leaders import add_leader
    from spleis_tui.core.reference import load_reference
    from spleis_tui.core.rounds import create_round

    open_db(db_path)
    round_id = create_round("Runde før aktiviteter").id
    group_id = create_group(round_id, "Gruppe 1").id
    lea = add_leader(
        round_id, {"name": "Lea", "email": "lea@ntnu.no", "campus": "gloshaugen"}, load_reference()
    )
    set_group_leader(group_id, lea.id)
    close_db()
    with sqlite3.connect(db_path) as connection:
        _undo_version_5(connection)
        connection.execute("UPDATE schema_version SET version = 4")
    database = open_db(db_path)
    from spleis_tui.core.models import Activity, Feedback, Group, Leader

    assert schema_version(database) == LATEST_VERSION
    assert [(leader.name, leader.language) for leader in Leader.select()] == [("Lea", "both")]
    assert Group.get().leader_id == lea.id
    assert Activity.select().count() == Feedback.select().count() == 0
    close_db()
