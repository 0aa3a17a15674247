"""The application service: :class:`ProjectService`, the one entry point for every client,
and the values its use cases take and return.

Modules: ``project_service`` (the facade), one module per use case (``creation``,
``proposals``, ``changes``, ``workspace``, ``queries``, ``database`` and ``serving``),
and what they share
(``session``: the unit of work; ``storage``: where it is stored, injected; ``staging``,
``hooks``, ``layout``, ``locking``, ``test_scope``).

Each name is imported from its module when first used (:mod:`autobe_core.lazy`):
a command imports only the use cases it runs.
"""

from typing import TYPE_CHECKING

from autobe_core.lazy import lazy_exports

if TYPE_CHECKING:
    from autobe_core.service.accounts import AccountCreated, AccountRefused
    from autobe_core.service.changes import ChangeOptions, ChangeOutcome, HeadMoved
    from autobe_core.service.creation import ImportOutcome, InitResult
    from autobe_core.service.database import (
        DEFAULT_SOURCE,
        REVIEW_SOURCE,
        DatabaseBehind,
        DatabaseError,
        DatabaseStatus,
        DatabaseUnreachable,
        DatabaseUrl,
        ForeignDatabase,
        MigrationEntry,
        MigrationFailed,
        MigrationsNotBuilt,
        SqlScript,
        StepLine,
        UpgradeOutcome,
    )
    from autobe_core.service.hooks import PAUSE_ENV, BuildProgress, Hooks
    from autobe_core.service.layout import STORE_URL_ENV, ProjectLayout
    from autobe_core.service.locking import ProjectBusy
    from autobe_core.service.project_service import ProjectService
    from autobe_core.service.proposals import ChangePlan, ChangeRequest, Proposal, Request
    from autobe_core.service.queries import BlameEntry, FileDiff, LogEntry, RevisionDiff
    from autobe_core.service.realizing import RealizeOutcome
    from autobe_core.service.serving import SecretMissing, ServeCommand
    from autobe_core.service.session import ProjectSession
    from autobe_core.service.staging import SaveFailed, Synced, UserEditsConflict
    from autobe_core.service.storage import (
        ConfiguredStorage,
        MemoryStorage,
        Storage,
        StorageFactory,
        destroy_storage,
        open_storage,
    )
    from autobe_core.service.workspace import BuildOutcome, Status, WorkspaceNotAtHead

LAZY: dict[str, tuple[str, ...]] = {
    "accounts": ("AccountCreated", "AccountRefused"),
    "changes": ("ChangeOptions", "ChangeOutcome", "HeadMoved"),
    "creation": ("ImportOutcome", "InitResult"),
    "database": (
        "DEFAULT_SOURCE",
        "REVIEW_SOURCE",
        "DatabaseBehind",
        "DatabaseError",
        "DatabaseStatus",
        "DatabaseUnreachable",
        "DatabaseUrl",
        "ForeignDatabase",
        "MigrationEntry",
        "MigrationFailed",
        "MigrationsNotBuilt",
        "SqlScript",
        "StepLine",
        "UpgradeOutcome",
    ),
    "hooks": ("PAUSE_ENV", "BuildProgress", "Hooks"),
    "layout": ("STORE_URL_ENV", "ProjectLayout"),
    "locking": ("ProjectBusy",),
    "project_service": ("ProjectService",),
    "proposals": ("ChangePlan", "ChangeRequest", "Proposal", "Request"),
    "queries": ("BlameEntry", "FileDiff", "LogEntry", "RevisionDiff"),
    "realizing": ("RealizeOutcome",),
    "serving": ("SecretMissing", "ServeCommand"),
    "session": ("ProjectSession",),
    "staging": ("SaveFailed", "Synced", "UserEditsConflict"),
    "storage": (
        "ConfiguredStorage",
        "MemoryStorage",
        "Storage",
        "StorageFactory",
        "destroy_storage",
        "open_storage",
    ),
    "workspace": ("BuildOutcome", "Status", "WorkspaceNotAtHead"),
}
"""Module (in this package) -> the names it re-exports, imported on first use."""

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, LAZY)

__all__ = [
    "DEFAULT_SOURCE",
    "PAUSE_ENV",
    "REVIEW_SOURCE",
    "STORE_URL_ENV",
    "AccountCreated",
    "AccountRefused",
    "BlameEntry",
    "BuildOutcome",
    "BuildProgress",
    "ChangeOptions",
    "ChangeOutcome",
    "ChangePlan",
    "ChangeRequest",
    "ConfiguredStorage",
    "DatabaseBehind",
    "DatabaseError",
    "DatabaseStatus",
    "DatabaseUnreachable",
    "DatabaseUrl",
    "FileDiff",
    "ForeignDatabase",
    "HeadMoved",
    "Hooks",
    "ImportOutcome",
    "InitResult",
    "LogEntry",
    "MemoryStorage",
    "MigrationEntry",
    "MigrationFailed",
    "MigrationsNotBuilt",
    "ProjectBusy",
    "ProjectLayout",
    "ProjectService",
    "ProjectSession",
    "Proposal",
    "RealizeOutcome",
    "Request",
    "RevisionDiff",
    "SaveFailed",
    "SecretMissing",
    "ServeCommand",
    "SqlScript",
    "Status",
    "StepLine",
    "Storage",
    "StorageFactory",
    "Synced",
    "UpgradeOutcome",
    "UserEditsConflict",
    "WorkspaceNotAtHead",
    "destroy_storage",
    "open_storage",
]
