"""Storage configuration from one URL.

- ``sqlite:///<path>`` (relative to the working directory) or ``sqlite:////<abs path>``:
  one file holds the event store and the blob tables. A project's default is
  ``<project>/.autobe/autobe.db`` (:func:`default_storage_url`).
- ``postgresql://user:password@host:port/dbname`` (also ``postgres://`` and
  ``postgresql+psycopg://``), optionally ``?schema=<name>``: every table lives in that
  schema (created on open), so several projects or test runs share one database.

:class:`StorageConfig` gives the eventsourcing environment (``PERSISTENCE_MODULE`` with
``SQLITE_DBNAME`` or ``POSTGRES_*``); the store itself connects with the same drivers
(:mod:`autobe_core.store.database`). URLs are read as SQLAlchemy reads them
(:mod:`autobe_core.store.url`) without importing it; :meth:`StorageConfig.sqlalchemy_url`
gives the SQLAlchemy URL of the same database to callers that use SQLAlchemy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from autobe_core.errors import AutobeError
from autobe_core.store.url import URL, BadURL, parse_url, render

if TYPE_CHECKING:  # only sqlalchemy_url() imports SQLAlchemy (0.3 s)
    import sqlalchemy

DB_FILE = "autobe.db"
STATE_DIR = ".autobe"
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
SQLITE_LOCK_TIMEOUT_S = 30

Backend = Literal["sqlite", "postgresql"]


class StorageConfigError(AutobeError):
    """A storage URL that autobe cannot use."""


def default_storage_url(project_root: Path) -> str:
    """The SQLite file under the project's ``.autobe/`` directory."""
    return f"sqlite:///{(project_root / STATE_DIR / DB_FILE).resolve().as_posix()}"


@dataclass(frozen=True)
class StorageConfig:
    backend: Backend
    database: str
    """SQLite: the absolute file path. PostgreSQL: the database name."""
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    schema: str | None = None
    """PostgreSQL only: the schema holding every table (None: ``public``)."""

    @property
    def sqlite_path(self) -> Path:
        if self.backend != "sqlite":
            raise StorageConfigError("a PostgreSQL store has no file path")
        return Path(self.database)

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing persistence settings for this database."""
        if self.backend == "sqlite":
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": self.database,
                "SQLITE_LOCK_TIMEOUT": str(SQLITE_LOCK_TIMEOUT_S),
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.database,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_SCHEMA": self.schema or "public",
        }

    def sqlalchemy_url(self) -> sqlalchemy.URL:
        """The SQLAlchemy URL of the same database (psycopg 3 driver for PostgreSQL);
        imports SQLAlchemy."""
        from sqlalchemy import URL as SQLAlchemyURL

        if self.backend == "sqlite":
            return SQLAlchemyURL.create("sqlite", database=self.database)
        return SQLAlchemyURL.create(
            "postgresql+psycopg", username=self.user or None,
            password=self.password or None, host=self.host, port=self.port,
            database=self.database,
        )

    def redacted(self) -> str:
        """The URL for messages: no password."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.database}"
        who = f"{self.user}@" if self.user else ""
        schema = f"?schema={self.schema}" if self.schema else ""
        return f"postgresql://{who}{self.host}:{self.port}/{self.database}{schema}"


def parse_storage_url(url: str, base: Path | None = None) -> StorageConfig:
    """A storage URL as a :class:`StorageConfig`; a relative SQLite path is resolved
    against ``base`` (default: the working directory)."""
    try:
        parsed = parse_url(url)
    except BadURL:
        raise StorageConfigError(
            f"not a storage URL: {url!r}",
            "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DBNAME",
        ) from None
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite"):
        return _sqlite(parsed, base)
    if driver in ("postgresql", "postgres", "postgresql+psycopg"):
        return _postgres(parsed)
    raise StorageConfigError(
        f"unsupported storage {driver!r} in {url!r}",
        "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DBNAME",
    )


def _sqlite(parsed: URL, base: Path | None) -> StorageConfig:
    database = parsed.database or ""
    if not database or database == ":memory:" or "mode=memory" in database or parsed.query:
        raise StorageConfigError(
            f"the SQLite store must be a file path, not {render(parsed)!r}",
            "the event store and the blob store open the same file separately; "
            "use sqlite:///PATH",
        )
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = (base or Path.cwd()) / path
    return StorageConfig("sqlite", path.resolve().as_posix())


def _postgres(parsed: URL) -> StorageConfig:
    query = dict(parsed.query)
    schema = query.pop("schema", None)
    if query:
        raise StorageConfigError(
            f"unsupported PostgreSQL URL parameters: {', '.join(sorted(query))}",
            "only ?schema=NAME is understood",
        )
    if isinstance(schema, tuple):
        raise StorageConfigError("give the schema parameter once")
    if schema is not None and not SCHEMA_NAME.fullmatch(schema):
        raise StorageConfigError(
            f"invalid schema name {schema!r}",
            "lower-case letters, digits and _, not starting with a digit, at most 63",
        )
    if not parsed.database or not parsed.host:
        raise StorageConfigError(
            f"a PostgreSQL URL needs a host and a database: {render(parsed)!r}",
            "postgresql://USER:PASSWORD@HOST:PORT/DBNAME",
        )
    return StorageConfig(
        "postgresql", parsed.database, host=parsed.host, port=parsed.port or 5432,
        user=parsed.username or "", password=parsed.password or "", schema=schema,
    )
