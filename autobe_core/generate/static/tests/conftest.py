"""Fixtures of the generated tests: an empty in-memory database and a client per test.

One in-memory SQLite database and one app serve the whole run (creating every table and
every route once, not once per test, keeps large backends' suites fast); after each test
every table is emptied, so each test starts from an empty database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

# The app must never touch a file database while the tests run.
os.environ.setdefault("AUTOBE_DATABASE_URL", "sqlite://")

import app.models  # noqa: E402, F401  (registers every table on Base.metadata)
from app.db import Base, get_session  # noqa: E402
from app.main import create_app  # noqa: E402


def _enable_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@pytest.fixture(scope="session")
def database() -> Iterator[Engine]:
    """The in-memory SQLite database of the run, holding every table. One connection
    serves every session (StaticPool), so rows a test commits are what the app reads."""
    db_engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    event.listen(db_engine, "connect", _enable_foreign_keys)
    Base.metadata.create_all(db_engine)
    yield db_engine
    db_engine.dispose()


@pytest.fixture()
def engine(database: Engine) -> Iterator[Engine]:
    """The test's database, empty; every row the test leaves is deleted after it
    (foreign keys checked at commit, when no row is left to violate one)."""
    yield database
    with database.begin() as connection:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in Base.metadata.tables.values():
            connection.execute(table.delete())


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """The test's own session: factories add rows to it; commit before calling the API."""
    with Session(engine, expire_on_commit=False) as db:
        yield db


@pytest.fixture(scope="session")
def application(database: Engine) -> Iterator[TestClient]:
    """A client over the app whose requests each get a session on the test database
    (committed when the request succeeds, rolled back when it raises)."""
    make_session = sessionmaker(database, expire_on_commit=False)

    def test_session() -> Iterator[Session]:
        with make_session() as db:
            try:
                yield db
                db.commit()
            except Exception:
                db.rollback()
                raise

    app_instance = create_app()
    app_instance.dependency_overrides[get_session] = test_session
    with TestClient(app_instance) as test_client:
        yield test_client


@pytest.fixture()
def client(application: TestClient, engine: Engine) -> TestClient:
    """The client, for a test whose database starts empty."""
    del engine
    return application
