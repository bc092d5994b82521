"""Export a round's sign-ups, or its groups, as CSV that is safe to open in a spreadsheet.

Values are the stable codes stored in the database, whatever the UI language, so
a script or a pivot table reads the same file in every language. Participant text
is untrusted: a cell that a spreadsheet would read as a formula gets a leading
``'``, which Excel and LibreOffice show as "this is text" and hide.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from peewee import JOIN

from spleis_tui.core.models import Group, Leader, SignUp
from spleis_tui.core.signups import signups_for_export

# Exactly these columns, in this order: people build spreadsheets on them.
EXPORT_COLUMNS = (
    "name",
    "email",
    "phone",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "faculty",
    "year",
    "language",
    "group_pref",
    "interests",
    "availability",
    "status",
)

# The groups export: one row per member, for sending lists to leaders.
GROUP_COLUMNS = (
    "group",
    "leader",
    "name",
    "email",
    "phone",
    "gender",
    "age",
    "campus",
    "programme",
    "department",
    "language",
    "group_pref",
)

# What makes a spreadsheet evaluate a cell (OWASP's list). A leading quote is
# escaped too, so removing one leading quote always gives back the stored value.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise(value: object) -> str:
    """The cell text for a value: never a formula, and reversible by dropping one `'`."""
    text = "" if value is None else str(value)
    if text.startswith((*FORMULA_TRIGGERS, ESCAPE)):
        return ESCAPE + text
    return text


def signup_values(signup: SignUp) -> list[object]:
    """A sign-up's raw values in `EXPORT_COLUMNS` order."""
    return [
        signup.name,
        signup.email,
        signup.phone,
        signup.gender,
        signup.age,
        signup.campus,
        signup.programme,
        signup.department,
        signup.faculty,
        signup.year_of_study,
        signup.language,
        signup.group_pref,
        signup.interests,
        signup.availability,
        signup.status,
    ]


def write_rows(rows: Iterable[Iterable[object]], handle: TextIO, header: Iterable[str]) -> int:
    """Write a header and neutralised rows to an open text stream; return the rows written."""
    writer = csv.writer(handle)
    writer.writerow([neutralise(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        count += 1
    return count


def write_participants_csv(round_id: int, handle: TextIO) -> int:
    """Stream a round's sign-ups as CSV to an open stream (opened with ``newline=""``)."""
    rows = (signup_values(s) for s in signups_for_export(round_id))
    return write_rows(rows, handle, EXPORT_COLUMNS)


def export_participants_csv(round_id: int, path: str | os.PathLike[str]) -> int:
    """Write a round's sign-ups to a CSV file and return how many rows it has."""
    return write_file(path, lambda handle: write_participants_csv(round_id, handle))


def group_member_values(signup: SignUp) -> list[object]:
    """A grouped sign-up's raw values in `GROUP_COLUMNS` order (joined with its group)."""
    leader = signup.group.leader
    return [
        signup.group.name,
        leader.name if leader else "",
        signup.name,
        signup.email,
        signup.phone,
        signup.gender,
        signup.age,
        signup.campus,
        signup.programme,
        signup.department,
        signup.language,
        signup.group_pref,
    ]


def write_groups_csv(round_id: int, handle: TextIO) -> int:
    """Stream a round's groups as CSV, one row per member, to an open stream."""
    rows = (group_member_values(s) for s in group_members_for_export(round_id))
    return write_rows(rows, handle, GROUP_COLUMNS)


def export_groups(round_id: int, path: str | os.PathLike[str]) -> int:
    """Write a round's groups to a CSV file, one row per member; return the rows written."""
    return write_file(path, lambda handle: write_groups_csv(round_id, handle))


def group_members_for_export(round_id: int) -> Iterable[SignUp]:
    """Active sign-ups in a group of the round, by group order, then by name."""
    return (
        SignUp.select(SignUp, Group, Leader)
        .join(Group)
        .join(Leader, JOIN.LEFT_OUTER)
        .where((SignUp.round == round_id) & (Group.round == round_id) & (SignUp.status == "active"))
        .order_by(Group.sort_key, Group.id, SignUp.name_key, SignUp.id)
        .iterator()
    )


def write_file(path: str | os.PathLike[str], write: Callable[[TextIO], int]) -> int:
    """Run `write` on a new CSV file at `path` and return what it returns.

    The file is UTF-8 with a BOM, so Excel with a Norwegian locale reads æøå right.
    It is written beside the target and renamed over it at the end, so a failure
    never leaves half a file; it is readable by its owner only (personal data).
    """
    target = Path(path).expanduser()
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
            count = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return count
