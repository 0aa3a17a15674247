"""Database access: the declarative base, engine, sessions, revision check and time helpers.

The database URL is the setting ``AUTOBE_DATABASE_URL`` (:mod:`app.settings`, default
``sqlite:///./app.db``). SQLite connections enforce foreign keys, as PostgreSQL does.

The tables are made by the migrations in ``migrations/`` (``autobe db upgrade``, or
``alembic upgrade head`` in this directory). Before serving, :func:`prepare_database`
checks that the database is at this backend's head migration
(:func:`check_database_revision`, :class:`DatabaseNotReady` saying what to run when it is
not); only an in-memory SQLite database (tests, demos) gets its tables from the models
instead (:func:`create_schema`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from app.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
"""The workspace's Alembic scripts (``migrations/versions/<revision>.py``)."""

UPGRADE_HINT = "run `autobe db upgrade` (or `alembic upgrade head` in backend/)"


class Base(DeclarativeBase):
    """Base of every ORM class of this backend."""


class DatabaseNotReady(RuntimeError):
    """The database is not at this backend's head migration; the message says what to do."""


def utcnow() -> datetime.datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.datetime.now(datetime.UTC)


def as_utc(value: datetime.datetime) -> datetime.datetime:
    """``value`` as an aware UTC datetime; naive values (SQLite drops the zone) are UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with a backslash as the escape character."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def database_url() -> str:
    return get_settings().database_url


def is_memory_url(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite database."""
    return url in ("sqlite://", "sqlite:///:memory:") or (
        url.startswith("sqlite") and "mode=memory" in url)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``database_url()``).

    In-memory SQLite URLs share one connection (``StaticPool``) so every session sees the
    same database; every SQLite connection enforces foreign keys.
    """
    url = url or database_url()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    args: dict[str, Any] = {"check_same_thread": False}
    if is_memory_url(url):
        engine = create_engine(url, connect_args=args, poolclass=StaticPool)
    else:
        engine = create_engine(url, connect_args=args)
    event.listen(engine, "connect", _enable_foreign_keys)
    return engine


def _enable_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


engine = make_engine()
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    """FastAPI dependency: one session per request."""
    with SessionLocal() as session:
        yield session


def commit(session: Session) -> None:
    """Commit; on a constraint violation roll back and re-raise (answered with 409)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise


def create_schema(bind: Engine | None = None) -> None:
    """Create every table from the models (``bind`` defaults to the app's engine): for
    tests and in-memory SQLite only; a real database gets its tables from the migrations."""
    import app.models  # noqa: F401  (registers every ORM class)

    Base.metadata.create_all(bind or engine)


# --------------------------------------------------------------------------- revisions


def head_revision() -> str | None:
    """The newest migration of this backend (None: it has none)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {s.revision for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def database_revision(connection: Connection) -> str | None:
    """The migration the database was last upgraded (or downgraded) to; None when it
    has no ``alembic_version`` table."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def revision_problem(current: str | None, head: str | None) -> str | None:
    """What keeps a database at ``current`` from serving this backend (head ``head``)."""
    if head is None:
        return ("this backend has no migrations (migrations/versions/ is empty): build it "
                "with `autobe build`")
    if current == head:
        return None
    if current is None:
        return f"the database has no autobe tables yet: {UPGRADE_HINT} to create them"
    if current not in known_revisions():
        return (f"the database is at {current}, a revision this backend's migrations do not "
                f"have (its head is {head}): it was migrated by another build of this "
                "project; build that revision, or use another database")
    return f"the database is at {current}; this backend needs {head}: {UPGRADE_HINT}"


def check_database_revision(bind: Engine | None = None) -> str:
    """The database's revision when it is this backend's head; :class:`DatabaseNotReady`
    (saying what to run) otherwise."""
    with (bind or engine).connect() as connection:
        current = database_revision(connection)
    problem = revision_problem(current, head_revision())
    if problem is not None:
        raise DatabaseNotReady(problem)
    assert current is not None
    return current


def prepare_database(bind: Engine | None = None) -> None:
    """Before serving: an in-memory SQLite database gets every table from the models; any
    other must be at this backend's head migration (:class:`DatabaseNotReady` otherwise)."""
    bind = bind or engine
    if is_memory_url(bind.url.render_as_string(hide_password=True)):
        create_schema(bind)
    else:
        check_database_revision(bind)
