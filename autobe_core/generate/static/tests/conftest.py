"""Fixtures of the generated tests: one database and app per run, an empty database per test.

Without ``AUTOBE_TEST_DATABASE_URL``, an in-memory SQLite database serves the run (its
tables created from the models) and every row a test leaves is deleted after it.

With ``AUTOBE_TEST_DATABASE_URL`` (PostgreSQL), the run gets a fresh schema in that
database, created at the start and dropped at the end (each pytest-xdist worker its own);
its tables are made by the workspace's migrations (``alembic upgrade head``), so the suite
tests them too. Each test runs inside one transaction that is rolled back after it: the
test's session and the app's sessions share its connection, their commits ending
SAVEPOINTs, so rows committed in a test are seen by the app and gone after the test.

The run signs tokens with its own ``AUTOBE_JWT_SECRET``, random per run.

Either way the app's own engine (``app.db.engine``) is the test database: the app never
touches the database ``AUTOBE_DATABASE_URL`` names outside the tests.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from app.settings import get_settings

TEST_DATABASE_URL = get_settings().test_database_url
WORKSPACE = Path(__file__).resolve().parent.parent
SCHEMA = f"autobe_test_{uuid.uuid4().hex[:12]}"
"""The run's own schema on PostgreSQL (dropped at the end)."""


def schema_url(url: str, schema: str) -> str:
    """``url`` with ``schema`` first on its search path (``public`` after it: pg_trgm)."""
    with_path = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    return with_path.render_as_string(hide_password=False)


# The tests sign their tokens with a secret of their own, random per run (the app has no
# default and does not start without one).
os.environ["AUTOBE_JWT_SECRET"] = secrets.token_urlsafe(48)
# The app must never touch a real database while the tests run: its engine is the tests'.
os.environ["AUTOBE_DATABASE_URL"] = (
    schema_url(TEST_DATABASE_URL, SCHEMA) if TEST_DATABASE_URL else "sqlite://"
)

import app.models  # noqa: E402, F401  (registers every table on Base.metadata)
from app.db import (  # noqa: E402
    Base,
    create_schema,
    get_session,
    head_revision,
)
from app.db import engine as app_engine  # noqa: E402
from app.main import create_app  # noqa: E402


def _migrate(engine: Engine) -> None:
    """Build the schema with the workspace's migrations (the models, when it has none)."""
    if head_revision() is None:
        create_schema(engine)
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(WORKSPACE / "migrations"))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


@pytest.fixture(scope="session")
def database() -> Iterator[Engine]:
    """The run's database, holding every table (the app's engine)."""
    if not TEST_DATABASE_URL:
        create_schema(app_engine)
        yield app_engine
        app_engine.dispose()
        return
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{SCHEMA}"')
    try:
        _migrate(app_engine)
        yield app_engine
    finally:
        app_engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{SCHEMA}" CASCADE')
        admin.dispose()


class Binding:
    """Where the app's sessions go during the current test."""

    make_session: sessionmaker[Session] | None = None


@pytest.fixture()
def engine(database: Engine) -> Iterator[Engine | Connection]:
    """The test's database, empty: on PostgreSQL a connection inside a transaction rolled
    back after the test; on SQLite the engine, every row deleted after the test (foreign
    keys checked at commit, when no row is left to violate one)."""
    if TEST_DATABASE_URL:
        with database.connect() as connection:
            transaction = connection.begin()
            Binding.make_session = sessionmaker(
                bind=connection, expire_on_commit=False,
                join_transaction_mode="create_savepoint",
            )
            try:
                yield connection
            finally:
                Binding.make_session = None
                transaction.rollback()
        return
    Binding.make_session = sessionmaker(bind=database, expire_on_commit=False)
    try:
        yield database
    finally:
        Binding.make_session = None
        with database.begin() as connection:
            connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
            for table in Base.metadata.tables.values():
                connection.execute(table.delete())


@pytest.fixture()
def session(engine: Engine | Connection) -> Iterator[Session]:
    """The test's own session: factories add rows to it; commit before calling the API."""
    assert Binding.make_session is not None
    with Binding.make_session() as db:
        yield db


def _test_session() -> Iterator[Session]:
    """The app's session during a test: on the test's database, committed when the
    request succeeds, rolled back when it raises."""
    if Binding.make_session is None:
        raise RuntimeError("use the `client` fixture: the test has no database")
    with Binding.make_session() as db:
        try:
            yield db
            db.commit()
        except Exception:
            db.rollback()
            raise


@pytest.fixture(scope="session")
def application(database: Engine) -> Iterator[TestClient]:
    """A client over the app (started once: its start-up checks the database revision),
    whose requests each get a session on the test's database."""
    app_instance = create_app()
    app_instance.dependency_overrides[get_session] = _test_session
    with TestClient(app_instance) as test_client:
        yield test_client


@pytest.fixture()
def client(application: TestClient, engine: Engine | Connection) -> TestClient:
    """The client, for a test whose database starts empty."""
    del engine
    return application
