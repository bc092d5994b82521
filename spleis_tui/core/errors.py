"""Errors a user can cause and fix: shown as one clear line, never a traceback."""


class SpleisError(Exception):
    """A problem the user can act on. The message is already translated."""


class ValidationError(SpleisError):
    """A value that does not fit a field. `field` names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(SpleisError):
    """Something the user named does not exist."""
