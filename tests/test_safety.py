"""What the review found: safeguards that must hold on every path."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from spleis_tui.core.cohort import seed_cohort
from spleis_tui.core.db import close_db, open_db
from spleis_tui.core.errors import SpleisError, ValidationError
from spleis_tui.core.groups import (
    create_group,
    dissolve_group,
    find_group,
    list_groups,
    rename_group,
    set_group_leader,
    set_locked,
)
from spleis_tui.core.leaders import add_leader, copy_leaders, delete_leader, update_leader
from spleis_tui.core.models import SignUp
from spleis_tui.core.rounds import create_round, delete_round, find_round, set_round_status
from spleis_tui.core.signups import add_signup, erase_person
from tests.factories import person


def test_a_sqlite_url_gets_the_same_safeguards_as_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    database = open_db("sqlite:///url.db")
    try:
        assert database.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
        assert database.execute_sql("PRAGMA journal_mode").fetchone() == ("wal",)
        from spleis_tui.core.reference import load_reference

        round_id = create_round("R").id
        add_signup(round_id, person(), load_reference(), consent=True)
        delete_round(round_id)
        assert SignUp.select().count() == 0
    finally:
        close_db()
    assert stat.S_IMODE(os.stat(tmp_path / "url.db").st_mode) == 0o600


def test_a_database_spleis_did_not_make_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    with pytest.raises(SpleisError, match="did not make"):
        open_db(path)
    close_db()


def test_every_write_to_a_closed_round_is_refused(ref, round_id):
    signup = add_signup(round_id, person(), ref, consent=True)
    group = create_group(round_id, "Turgjengen")
    leader = add_leader(round_id, {"name": "Lea", "email": "lea@ntnu.no"}, ref)
    other = create_round("Open round", make_current=False).id
    add_leader(other, {"name": "Ola", "email": "ola@ntnu.no"}, ref)
    set_round_status(round_id, "closed")
    writes = {
        "rename": lambda: rename_group(group.id, "Fjellgjengen"),
        "lock": lambda: set_locked(group.id, True),
        "dissolve": lambda: dissolve_group(group.id),
        "leader": lambda: set_group_leader(group.id, leader.id),
        "add leader": lambda: add_leader(round_id, {"name": "X", "email": "x@ntnu.no"}, ref),
        "edit leader": lambda: update_leader(leader.id, {"name": "Y"}, ref),
        "remove leader": lambda: delete_leader(leader.id),
        "copy leaders": lambda: copy_leaders(other, round_id),
        "seed": lambda: seed_cohort(5, 1, round_name="Test round"),
    }
    for name, write in writes.items():
        with pytest.raises(ValidationError, match="closed"):
            write()
        assert name  # each write named above is refused
    assert list_groups(round_id)[0].name == "Turgjengen"
    assert SignUp.select().count() == 1 and signup.id


def test_names_match_case_insensitively_beyond_ascii(round_id):
    create_group(round_id, "Østre Gruppe")
    assert find_group(round_id, "østre gruppe").name == "Østre Gruppe"
    assert [g.name for g in list_groups(round_id, search="øst")] == ["Østre Gruppe"]
    with pytest.raises(ValidationError):
        create_group(round_id, "ØSTRE GRUPPE")
    create_round("Ærlig runde")
    assert find_round("ÆRLIG RUNDE").name == "Ærlig runde"
    with pytest.raises(ValidationError):
        create_round("ærlig RUNDE")


def test_a_round_name_has_a_length_limit(db):
    with pytest.raises(ValidationError, match="too long"):
        create_round("x" * 201)


def test_an_erased_name_is_gone_from_every_file(db_path, ref, round_id):
    secret = "Sigrid Hemmeligsen"
    add_signup(round_id, person(name=secret, email="sigrid@stud.ntnu.no"), ref, consent=True)
    add_signup(round_id, person(email="ola@stud.ntnu.no", name="Ola"), ref, consent=True)
    erase_person("sigrid@stud.ntnu.no")
    for suffix in ("", "-wal", "-shm"):
        path = db_path.with_name(db_path.name + suffix)
        if path.exists():
            assert secret.encode() not in path.read_bytes(), suffix
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, suffix
