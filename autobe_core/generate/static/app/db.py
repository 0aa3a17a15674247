"""Database access: the declarative base, engine, sessions and time helpers.

The database URL comes from the environment variable ``AUTOBE_DATABASE_URL``
(default ``sqlite:///./app.db``). SQLite connections enforce foreign keys.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

DEFAULT_DATABASE_URL = "sqlite:///./app.db"


class Base(DeclarativeBase):
    """Base of every ORM class of this backend."""


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
    return os.environ.get("AUTOBE_DATABASE_URL", DEFAULT_DATABASE_URL)


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: ``database_url()``).

    In-memory SQLite URLs share one connection (``StaticPool``) so every session sees the
    same database; every SQLite connection enforces foreign keys.
    """
    url = url or database_url()
    if not url.startswith("sqlite"):
        return create_engine(url)
    args: dict[str, Any] = {"check_same_thread": False}
    if url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url:
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
    """Create every table of the backend (``bind`` defaults to the app's engine)."""
    import app.models  # noqa: F401  (registers every ORM class)

    Base.metadata.create_all(bind or engine)
