"""Reading a file in a worker thread, for the Import screen and the feedback import:
what a user can fix (a closed round, an unreadable file, a cancel) becomes a message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from spleis_tui.core.errors import SpleisError
from spleis_tui.core.importing.run import ImportCancelled
from spleis_tui.core.models import database
from spleis_tui.i18n import _

ReportT = TypeVar("ReportT")


def read_in_worker(
    path: Path | str, call: Callable[[], ReportT]
) -> tuple[ReportT | None, str, bool]:
    """`(report, "", False)`, or `(None, message, cancelled)` when it did not happen.

    Runs `call` with the worker thread's own database connection.
    """
    try:
        with database.connection_context():
            return call(), "", False
    except ImportCancelled as error:
        return None, str(error), True
    except SpleisError as error:
        return None, str(error), False
    except (OSError, UnicodeError, ValueError) as error:
        return None, _("{file}: cannot be read ({reason}).").format(file=path, reason=error), False
