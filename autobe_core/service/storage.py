"""A project's storage: the event store, the blob store and the module index, together.

Where it comes from is injected (:class:`StorageFactory`), so a service can run on:

- :class:`ConfiguredStorage` (the default): the database the project's storage URL
  names, opened by :func:`open_storage` for each unit of work and closed after it;
- :class:`MemoryStorage`: eventsourcing's in-memory (POPO) event store and an in-memory
  SQLite connection for the blobs, kept for as long as the factory lives (tests, tools).

::

    with open_storage("sqlite:///proj/.autobe/autobe.db") as storage:
        project = storage.history.get()
        text = storage.blobs.get_text(digest)

The event store (eventsourcing) and the blob tables (:mod:`autobe_core.store.database`,
on the same DB-API drivers) share the database the URL names (see
:mod:`autobe_core.store.config`); the blob database is connected on first use, so a
command that reads no blob (``log``) opens no connection for it. Opening one runs at the
storage boundary: a database that cannot be opened, is damaged or sits on a full disk is
a :class:`~autobe_core.store.StoreError` with what to do. On PostgreSQL with
``?schema=NAME`` the schema is created when missing and holds every table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from autobe_core.history.application import ProjectHistory
from autobe_core.service.layout import ProjectLayout
from autobe_core.store import storage_errors
from autobe_core.store.blobs import BlobStore, ModuleIndex
from autobe_core.store.config import StorageConfig, StorageConfigError, parse_storage_url
from autobe_core.store.database import (
    Database,
    connect_postgres,
    memory_database,
    open_database,
    quote_schema,
)

MEMORY_PERSISTENCE = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
"""eventsourcing's plain-Python-objects event store: events live in the process."""


@dataclass
class Storage:
    """Everything a project stores: its history, blobs and module index."""

    config: StorageConfig | None
    """The database's configuration; None for storage in memory."""
    database: Database
    """Where the blobs and the module index live (connected on first use)."""
    history: ProjectHistory
    blobs: BlobStore
    modules: ModuleIndex

    def describe(self) -> str:
        """Where it is, for messages (no password)."""
        return self.config.redacted() if self.config else "memory (not saved)"

    def close(self) -> None:
        try:
            self.history.close()
        finally:
            self.database.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class StorageFactory(Protocol):
    """Gives a unit of work the storage of a project (injected into ProjectService)."""

    def open(self, layout: ProjectLayout) -> AbstractContextManager[Storage]:
        """The project's storage for the ``with`` block (tables created as needed)."""
        ...

    def discard(self, layout: ProjectLayout) -> None:
        """Forget what the factory keeps of the project beyond its directory (a
        creation that failed). Storage in the project's state directory goes with it."""
        ...


class ConfiguredStorage:
    """The database of the project's storage URL (``AUTOBE_STORE_URL``, the project's
    config, or SQLite under ``.autobe/``), opened for each unit of work."""

    def __init__(self, snapshot_interval: int | None = None) -> None:
        self.snapshot_interval = snapshot_interval

    def open(self, layout: ProjectLayout) -> AbstractContextManager[Storage]:
        return open_storage(layout.store_url(), self.snapshot_interval, base=layout.root)

    def discard(self, layout: ProjectLayout) -> None:
        """Nothing: the default SQLite file lives in the state directory, which the
        failed creation removes."""


class MemoryStorage:
    """Storage in this process's memory, one store per project directory, kept until
    :meth:`close`: eventsourcing's POPO event store and an in-memory SQLite database
    (one shared connection) for the blobs and the module index."""

    def __init__(self, snapshot_interval: int | None = None) -> None:
        self.snapshot_interval = snapshot_interval
        self._stores: dict[Path, Storage] = {}

    def open(self, layout: ProjectLayout) -> AbstractContextManager[Storage]:
        storage = self._stores.get(layout.root)
        if storage is None:
            storage = self._stores[layout.root] = self._new()
        return nullcontext(storage)

    def discard(self, layout: ProjectLayout) -> None:
        storage = self._stores.pop(layout.root, None)
        if storage is not None:
            storage.close()

    def close(self) -> None:
        for storage in self._stores.values():
            storage.close()
        self._stores.clear()

    def _new(self) -> Storage:
        database = memory_database()
        history = ProjectHistory(MEMORY_PERSISTENCE, snapshot_interval=self.snapshot_interval)
        return Storage(None, database, history, BlobStore(database), ModuleIndex(database))


def open_storage(
    url: str, snapshot_interval: int | None = None, *, base: Path | None = None
) -> Storage:
    """Open the storage at ``url`` (the event store's tables created as needed; the blob
    tables on first use); a relative SQLite path is resolved against ``base`` (default:
    the working directory)."""
    config = parse_storage_url(url, base)
    path = config.sqlite_path if config.backend == "sqlite" else None
    with storage_errors(config.redacted(), path), _one_at_a_time(config):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        history = ProjectHistory(config.eventsourcing_env(), snapshot_interval=snapshot_interval)
        database = open_database(config)
        return Storage(config, database, history, BlobStore(database), ModuleIndex(database))


@contextmanager
def _one_at_a_time(config: StorageConfig) -> Iterator[None]:
    """On PostgreSQL, lets one process at a time create (or check) the store's schema and
    tables, and creates the schema of ``?schema=`` when missing. The event store runs its
    DDL on every open, ``CREATE OR REPLACE FUNCTION`` among it, and two sessions doing
    that at once fail with "tuple concurrently updated": two commands on one store (two
    users, or ``log`` during a ``change``) must not crash each other. A session-level
    advisory lock, released when its connection closes (or the process dies)."""
    if config.backend == "sqlite":
        yield
        return
    with connect_postgres(config) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))",
                     (f"autobe-open:{config.schema or ''}",))
        if config.schema:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_schema(config.schema)}")
        yield


def destroy_storage(url: str, *, base: Path | None = None) -> None:
    """Delete everything stored at ``url``: the SQLite file (with its WAL files), or the
    PostgreSQL schema of ``?schema=`` (a URL without one is refused)."""
    config = parse_storage_url(url, base)
    if config.backend == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(config.database + suffix).unlink(missing_ok=True)
        return
    if not config.schema:
        raise StorageConfigError("refusing to destroy a PostgreSQL store without ?schema=")
    with connect_postgres(config) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {quote_schema(config.schema)} CASCADE")
