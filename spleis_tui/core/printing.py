"""Send a PDF to the default printer with the system's `lp` (CUPS) or `lpr`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from spleis_tui.core.errors import SpleisError
from spleis_tui.i18n import _

PRINT_TIMEOUT = 30  # seconds
PRINTERS = ("lp", "lpr")


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def print_pdf(path: str | os.PathLike[str]) -> str | None:
    """Print the file; say what happened in one line, or None when there is no printing tool.

    With None the caller tells the user where the PDF is instead. A tool that fails
    raises SpleisError with what the tool said.
    """
    target = Path(path).expanduser().resolve()  # absolute, so it never reads as an option
    for tool in PRINTERS:
        program = shutil.which(tool)
        if program:
            break
    else:
        return None
    if not target.is_file():
        raise SpleisError(_("There is no file {path} to print.").format(path=target))
    try:
        result = subprocess.run(
            [program, str(target)],
            capture_output=True,
            text=True,
            timeout=PRINT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as error:
        raise SpleisError(
            _("{tool} did not answer within {seconds} seconds.").format(
                tool=tool, seconds=PRINT_TIMEOUT
            )
        ) from error
    except OSError as error:
        raise SpleisError(
            _("Could not run {tool}: {error}").format(tool=tool, error=error.strerror or error)
        ) from error
    if result.returncode != 0:
        said = _one_line(result.stderr or result.stdout) or _("exit status {code}").format(
            code=result.returncode
        )
        raise SpleisError(
            _("Printing with {tool} failed: {message}").format(tool=tool, message=said)
        )
    said = _one_line(result.stdout)
    if said:
        return _("Sent to the printer with {tool}: {output}").format(tool=tool, output=said)
    return _("Sent to the printer with {tool}.").format(tool=tool)
