"""``ProjectHistory``: the one entry point to a project's stored history.

An eventsourcing :class:`~eventsourcing.application.Application` over one event store
(SQLite or PostgreSQL, chosen by the ``env`` that :mod:`autobe_core.store.config`
derives from a storage URL). A store holds exactly one project, under the fixed
:data:`~autobe_core.history.project.PROJECT_ID`.

Snapshots: every ``snapshot_interval`` events (constructor argument, else the
``AUTOBE_SNAPSHOT_INTERVAL`` variable, else 10; 0 disables them) a snapshot of the
project is stored, and :meth:`ProjectHistory.get` starts from the latest one.

Concurrency: eventsourcing stores an aggregate's events under unique (id, version)
keys, so when two processes load the same head and both save, the second save fails as
a whole. :meth:`ProjectHistory.save` reports that as :class:`HistoryConflict`.

Faults: every read and write of the event store runs at the storage boundary
(:func:`autobe_core.store.storage_errors`): a malformed database, a full disk or a store
that cannot be opened is a :class:`~autobe_core.store.StoreError` saying what to do,
never the driver's exception.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError, Recording

from autobe_core.history.errors import (
    HistoryConflict,
    HistoryError,
    ProjectAlreadyCreated,
    ProjectMissing,
)
from autobe_core.history.project import PROJECT_ID, Project
from autobe_core.store.errors import StoreError, storage_errors

SNAPSHOT_INTERVAL_ENV = "AUTOBE_SNAPSHOT_INTERVAL"
DEFAULT_SNAPSHOT_INTERVAL = 10


def snapshot_interval_from(env: Mapping[str, str] | None, given: int | None) -> int:
    """The snapshot interval: ``given``, else ``env`` / the process environment's
    ``AUTOBE_SNAPSHOT_INTERVAL``, else 10."""
    if given is None:
        raw = (env or {}).get(SNAPSHOT_INTERVAL_ENV, os.environ.get(SNAPSHOT_INTERVAL_ENV))
        if raw is None or not raw.strip():
            return DEFAULT_SNAPSHOT_INTERVAL
        try:
            given = int(raw)
        except ValueError:
            raise HistoryError(
                f"{SNAPSHOT_INTERVAL_ENV}={raw!r} is not an integer",
                "set it to the number of events between snapshots, or 0 for none",
            ) from None
    if isinstance(given, bool) or not isinstance(given, int) or given < 0:
        raise HistoryError(f"the snapshot interval must be an integer >= 0, not {given!r}")
    return given


class ProjectHistory(Application[UUID]):
    """Create, load, replay and save the one project of a store."""

    name = "ProjectHistory"

    def __init__(
        self, env: Mapping[str, str] | None = None, *, snapshot_interval: int | None = None
    ) -> None:
        self.snapshot_interval = snapshot_interval_from(env, snapshot_interval)
        settings = dict(env or {})
        settings["IS_SNAPSHOTTING_ENABLED"] = "y" if self.snapshot_interval else "n"
        self._location, self._path = _describe(settings)
        with self._guard():
            super().__init__(settings)

    def _guard(self) -> contextlib.AbstractContextManager[None]:
        """The storage boundary: driver errors become StoreErrors."""
        return storage_errors(self._location, self._path)

    # ------------------------------------------------------------------ project

    def exists(self) -> bool:
        with self._guard():
            return bool(list(self.events.get(PROJECT_ID, limit=1)))

    def new(self, name: str) -> Project:
        """The project, created but not stored: its first event is stored by the next
        :meth:`save`, with whatever else the caller records on it first (so a store
        holds a project only once that save, e.g. of revision 1, is stored)."""
        if self.exists():
            raise ProjectAlreadyCreated(
                f"this store already holds a project ({self.get().name!r})",
                "one store holds one project; use another storage URL for another project",
            )
        return Project(name=name)

    def create(self, name: str) -> Project:
        """Create and store the project (the store must not hold one yet)."""
        project = self.new(name)
        self.save(project)
        return project

    def get(self) -> Project:
        """The project at its head (from the latest snapshot plus later events)."""
        return self._load(None)

    def at_version(self, version: int) -> Project:
        """The project as it was after its ``version``-th event (not a revision number)."""
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise HistoryError(f"an aggregate version is an integer >= 1, not {version!r}")
        project = self._load(version)
        if project.version != version:
            raise HistoryError(f"the project has {project.version} events, not {version}")
        return project

    def replay(self, use_snapshots: bool = False) -> Project:
        """The project folded from its stored events; from the very first event unless
        ``use_snapshots`` (then the same as :meth:`get`)."""
        if use_snapshots:
            return self.get()
        project: Project | None = None
        with self._guard():
            for domain_event in self.events.get(PROJECT_ID):
                project = domain_event.mutate(project)  # type: ignore[attr-defined]
        if project is None:
            raise self._missing()
        return project

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Store the pending events of ``objs``; :class:`HistoryConflict` when another
        process stored events of the same project first (then nothing is stored)."""
        try:
            with self._guard():
                recordings = super().save(*objs, **kwargs)
        except IntegrityError as exc:
            raise HistoryConflict(str(exc).strip().splitlines()[0] if str(exc) else "") \
                from exc
        if self.snapshots is not None and self.snapshot_interval:
            for recording in recordings:
                version = recording.domain_event.originator_version
                if version % self.snapshot_interval == 0:
                    # The events are stored: a snapshot that is already there, or one
                    # that cannot be written (a full disk), loses nothing.
                    with contextlib.suppress(IntegrityError, StoreError), self._guard():
                        self.take_snapshot(recording.domain_event.originator_id, version=version)
        return recordings

    # ------------------------------------------------------------------ inspection

    def domain_events(self, after: int | None = None) -> list[DomainEventProtocol[UUID]]:
        """The project's stored events in order (after aggregate version ``after``)."""
        with self._guard():
            return list(self.events.get(PROJECT_ID, gt=after))

    def snapshot_versions(self) -> list[int]:
        """The aggregate versions at which snapshots are stored, ascending."""
        if self.snapshots is None:
            return []
        with self._guard():
            return [s.originator_version for s in self.snapshots.get(PROJECT_ID)]

    # ------------------------------------------------------------------ helpers

    def _load(self, version: int | None) -> Project:
        try:
            with self._guard():
                project: Project = self.repository.get(PROJECT_ID, version=version)
        except AggregateNotFoundError:
            raise self._missing() from None
        return project

    @staticmethod
    def _missing() -> ProjectMissing:
        return ProjectMissing(
            "this store holds no project yet", "create one first (`autobe init`)"
        )


def _describe(settings: Mapping[str, str]) -> tuple[str, Path | None]:
    """Where the event store is, for messages (no password), and its SQLite file."""
    module = settings.get("PERSISTENCE_MODULE", "")
    if module.endswith("sqlite"):
        name = settings.get("SQLITE_DBNAME", "")
        return f"sqlite:///{name}", Path(name) if name and ":memory:" not in name else None
    if module.endswith("postgres"):
        who = settings.get("POSTGRES_USER", "")
        return (
            f"postgresql://{who + '@' if who else ''}{settings.get('POSTGRES_HOST', '')}:"
            f"{settings.get('POSTGRES_PORT', '')}/{settings.get('POSTGRES_DBNAME', '')}",
            None,
        )
    return "memory", None
