"""Fixed texts of the `app` kind's support modules (no spec element shapes them)."""

from __future__ import annotations

DB = r'''"""Database access: the declarative base, engine, sessions and time helpers.

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
'''

ERRORS = '''"""API errors, rendered as JSON ``{"code": ..., "message": ...}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError


class ApiError(Exception):
    """An error the API answers with ``status`` and a JSON body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class NotFoundError(ApiError):
    def __init__(self, message: str = "not found") -> None:
        super().__init__(404, "not_found", message)


class ConflictError(ApiError):
    def __init__(self, message: str = "the request conflicts with existing data") -> None:
        super().__init__(409, "conflict", message)


class ForbiddenError(ApiError):
    def __init__(self, message: str = "forbidden") -> None:
        super().__init__(403, "forbidden", message)


class UnauthorizedError(ApiError):
    def __init__(self, message: str = "unauthorized") -> None:
        super().__init__(401, "unauthorized", message)


class NotImplementedOperation(ApiError):
    def __init__(self, message: str = "not implemented") -> None:
        super().__init__(501, "not_implemented", message)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ApiError):
        raise exc
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(
        status_code=exc.status,
        content={"code": exc.code, "message": exc.message},
        headers=headers,
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=409,
        content={"code": "conflict", "message": "the request conflicts with existing data"},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer ``ApiError``s with their status and integrity violations with 409."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
'''

COMMON = '''"""DTOs every module shares: pagination and authorization tokens."""

from __future__ import annotations

import datetime

from pydantic import BaseModel


class IPageIPagination(BaseModel):
    """Where a page lies in a listing."""

    current: int
    limit: int
    records: int
    pages: int


class IAuthorizationToken(BaseModel):
    """A pair of bearer tokens and when each stops working."""

    access: str
    refresh: str
    expired_at: datetime.datetime
    refreshable_until: datetime.datetime


def make_pagination(current: int, limit: int, records: int) -> IPageIPagination:
    """The pagination of page ``current`` of ``records`` rows, ``limit`` per page."""
    pages = (records + limit - 1) // limit if limit > 0 else 0
    return IPageIPagination(current=current, limit=limit, records=records, pages=pages)
'''

PYPROJECT = """[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "fastapi>=0.110",
    "sqlalchemy>=2.1,<3",
    "pydantic>=2.7,<3",
    "email-validator>=2.1",
    "pyjwt>=2.8",
]

[project.optional-dependencies]
dev = ["pytest>=8", "httpx>=0.27", "mypy>=1.10"]

[tool.mypy]
strict = true

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
"""
