"""Errors a user can act on. The CLI prints them as one message and exits non-zero."""

from __future__ import annotations


class AutobeError(Exception):
    """A failure with a message for the user and, where useful, what to do next."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ProjectNotFound(AutobeError):
    pass


class ProjectExists(AutobeError):
    pass


class NotBuilt(AutobeError):
    pass
