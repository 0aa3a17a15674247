"""The project's history: the event-sourced ``Project`` aggregate, its events, and the
``ProjectHistory`` application that stores and loads it."""

from autobe_core.history.application import ProjectHistory
from autobe_core.history.errors import (
    DuplicateRequest,
    DuplicateTag,
    HistoryConflict,
    HistoryError,
    ProjectAlreadyCreated,
    ProjectMissing,
    UnknownRequest,
    UnknownRevision,
)
from autobe_core.history.project import PROJECT_ID, Project
from autobe_core.history.views import DeltaCounts, PendingRequest, Rejection, Revision, Verification

__all__ = [
    "PROJECT_ID",
    "DeltaCounts",
    "DuplicateRequest",
    "DuplicateTag",
    "HistoryConflict",
    "HistoryError",
    "PendingRequest",
    "Project",
    "ProjectAlreadyCreated",
    "ProjectHistory",
    "ProjectMissing",
    "Rejection",
    "Revision",
    "UnknownRequest",
    "UnknownRevision",
    "Verification",
]
