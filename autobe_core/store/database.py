"""The database under the blob store and the module index: one DB-API connection, made on
first use (a command that reads no blob opens none), with autobe's tables created when
missing.

The drivers are those of eventsourcing's own recorders: :mod:`sqlite3` for a SQLite file
(lock timeout :data:`~autobe_core.store.config.SQLITE_LOCK_TIMEOUT_S`, every write one
``BEGIN IMMEDIATE`` transaction; the file's WAL mode is the event store's) and psycopg 3
for PostgreSQL (imported only for a PostgreSQL store; tables in the URL's schema,
schema-qualified). :func:`memory_database` is one in-memory SQLite connection, shared by
whoever holds the :class:`Database`.

The tables are those SQLAlchemy created before (same names, columns and types), so
every existing store opens unchanged::

    autobe_blobs   (digest VARCHAR(64) PK, size INTEGER, encoding VARCHAR(8), data BLOB|BYTEA)
    autobe_modules ("key" VARCHAR(128) PK, sha256 VARCHAR(64), path VARCHAR(1024),
                    module_id VARCHAR(512))                    -- every column NOT NULL

Every use runs at the storage boundary (:func:`~autobe_core.store.errors.storage_errors`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from autobe_core.store.config import SQLITE_LOCK_TIMEOUT_S, StorageConfig
from autobe_core.store.errors import storage_errors

if TYPE_CHECKING:
    import psycopg

BLOBS = "autobe_blobs"
MODULES = "autobe_modules"
COLUMNS = {
    BLOBS: "digest VARCHAR(64) NOT NULL, size INTEGER NOT NULL, encoding VARCHAR(8) NOT NULL, "
           "data {binary} NOT NULL, PRIMARY KEY (digest)",
    MODULES: '"key" VARCHAR(128) NOT NULL, sha256 VARCHAR(64) NOT NULL, '
             "path VARCHAR(1024) NOT NULL, module_id VARCHAR(512) NOT NULL, "
             'PRIMARY KEY ("key")',
}
"""Each table's columns (``{binary}``: the dialect's binary type)."""

CHUNK = 500
"""Values per IN (...) query."""


class Cursor(Protocol):
    """What the store uses of a DB-API cursor (sqlite3's and psycopg's alike)."""

    def execute(self, query: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, query: str, params: Any, /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    def cursor(self) -> Any: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Dialect:
    """What differs between the two databases in the store's few statements."""

    name: str
    param: str
    """The driver's placeholder."""
    binary: str
    begin: str
    """How a write transaction starts."""
    schema: str | None = None
    """PostgreSQL: the schema holding the tables (None: the search path's)."""

    def table(self, name: str) -> str:
        return f"{quote_schema(self.schema)}.{name}" if self.schema else name

    def marks(self, count: int) -> str:
        return ", ".join([self.param] * count)


SQLITE = Dialect("sqlite", "?", "BLOB", "BEGIN IMMEDIATE")


class Database:
    """The store's database: :meth:`reading` and :meth:`writing` give a cursor at the
    storage boundary; the connection is made (and missing tables created) on first use."""

    def __init__(self, dialect: Dialect, connect: Any, location: str,
                 path: Path | None = None) -> None:
        """``connect()`` makes the DB-API connection (in autocommit mode); ``location``
        names the store in messages, ``path`` is its SQLite file."""
        self.dialect = dialect
        self.location = location
        self.path = path
        self._connect = connect
        self._connection: Connection | None = None
        self._lock = threading.RLock()

    @property
    def connected(self) -> bool:
        return self._connection is not None

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A cursor outside any transaction (each statement sees committed data)."""
        with storage_errors(self.location, self.path), self._lock:
            yield self._open().cursor()

    @contextmanager
    def writing(self) -> Iterator[Cursor]:
        """A cursor in one transaction: committed when the block ends, rolled back when
        it raises."""
        with storage_errors(self.location, self.path), self._lock:
            cursor = self._open().cursor()
            with _transaction(cursor, self.dialect.begin):
                yield cursor

    def table(self, name: str) -> str:
        return self.dialect.table(name)

    def rows_in(self, cursor: Cursor, query: str, values: Sequence[str]) -> Iterator[Any]:
        """The rows of ``query`` (its ``{marks}`` the placeholders of an IN list) for
        ``values``, :data:`CHUNK` at a time."""
        for start in range(0, len(values), CHUNK):
            chunk = values[start:start + CHUNK]
            cursor.execute(query.format(marks=self.dialect.marks(len(chunk))), chunk)
            yield from cursor.fetchall()

    def insert_new(self, cursor: Cursor, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """INSERT ... ON CONFLICT DO NOTHING (a row another writer just stored is fine)."""
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        cursor.executemany(
            f"INSERT INTO {self.table(table)} ({names}) VALUES "
            f"({self.dialect.marks(len(columns))}) ON CONFLICT DO NOTHING",
            [tuple(row[c] for c in columns) for row in rows],
        )

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                connection.close()

    def _open(self) -> Connection:
        if self._connection is None:
            connection: Connection = self._connect()
            try:
                self._create_missing_tables(connection.cursor())
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _create_missing_tables(self, cursor: Cursor) -> None:
        """Create the tables that do not exist yet. Only a store without them takes a
        write lock: reading a store another process is writing never waits."""
        if not self._missing_tables(cursor):
            return
        with _transaction(cursor, self.dialect.begin):
            if self.dialect.name == "postgresql":  # one creator at a time per schema
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                               (f"autobe-tables:{self.dialect.schema or ''}",))
            for name, columns in COLUMNS.items():
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table(name)} "
                    f"({columns.format(binary=self.dialect.binary)})"
                )

    def _missing_tables(self, cursor: Cursor) -> bool:
        if self.dialect.name == "postgresql":
            cursor.execute("SELECT to_regclass(%s), to_regclass(%s)",
                           [self.table(name) for name in COLUMNS])
            return None in cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
            list(COLUMNS),
        )
        return bool(cursor.fetchone()[0] < len(COLUMNS))


@contextmanager
def _transaction(cursor: Cursor, begin: str) -> Iterator[None]:
    """``begin`` ... COMMIT; ROLLBACK when the block or the commit fails (a rollback that
    fails in turn, e.g. after SQLite rolled back by itself on a full disk, leaves the
    first error to report)."""
    cursor.execute(begin)
    try:
        yield
        cursor.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):
            cursor.execute("ROLLBACK")
        raise


def open_database(config: StorageConfig) -> Database:
    """The database of ``config`` (not connected yet)."""
    if config.backend == "sqlite":
        path = config.sqlite_path
        return Database(SQLITE, lambda: _sqlite(path.as_posix()), config.redacted(), path)
    dialect = Dialect("postgresql", "%s", "BYTEA", "BEGIN", schema=config.schema)
    return Database(dialect, lambda: connect_postgres(config), config.redacted())


def memory_database() -> Database:
    """An in-memory SQLite database: one connection, kept until :meth:`Database.close`."""
    return Database(SQLITE, lambda: _sqlite(":memory:"), "memory")


def _sqlite(database: str) -> sqlite3.Connection:
    return sqlite3.connect(database, timeout=SQLITE_LOCK_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)


def connect_postgres(config: StorageConfig) -> psycopg.Connection[Any]:
    """A psycopg connection (autocommit) to ``config``'s PostgreSQL database."""
    import psycopg

    given: dict[str, Any] = {"host": config.host, "port": config.port,
                             "dbname": config.database, "user": config.user,
                             "password": config.password}
    return psycopg.connect(autocommit=True, **{k: v for k, v in given.items() if v != ""})


def quote_schema(name: str) -> str:
    """``name`` (a :data:`~autobe_core.store.config.SCHEMA_NAME`) quoted for SQL."""
    return f'"{name}"'
