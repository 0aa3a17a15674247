"""Errors of the project history: a command the history refuses, a lost race, no project."""

from __future__ import annotations

from autobe_core.errors import AutobeError


class HistoryError(AutobeError):
    """A command that would break an invariant of the history (unknown request or
    revision, duplicate tag, a payload that is not plain JSON). Nothing is recorded."""


class UnknownRevision(HistoryError):
    pass


class UnknownRequest(HistoryError):
    pass


class DuplicateRequest(HistoryError):
    pass


class DuplicateTag(HistoryError):
    pass


class HistoryConflict(HistoryError):
    """Another process recorded a change to the same project first; nothing of this
    save was stored. Load the project again and redo the command against the new head."""

    def __init__(self, detail: str = "") -> None:
        message = "another process recorded a change to this project first; nothing was saved"
        if detail:
            message += f" ({detail})"
        super().__init__(message, "reload the project and run the command again")


class ProjectMissing(HistoryError):
    """The store holds no project yet."""


class ProjectAlreadyCreated(HistoryError):
    """The store already holds a project (one project per store)."""
