"""Alembic's environment for this backend: which database, and what schema it should have.

The database is, in this order: a connection a caller hands over
(``config.attributes["connection"]``), the Alembic option ``sqlalchemy.url``, or the
backend's setting ``AUTOBE_DATABASE_URL`` (:mod:`app.settings`). The target metadata is
every ORM class (``app.models``), for ``compare_metadata`` / autogenerate.

Online (the default) the migrations run in one transaction: one that fails leaves the
database as it was. Offline (``alembic upgrade head --sql``) their SQL is printed and
nothing runs. On SQLite, foreign keys are not enforced while migrating (a batch operation
copies a table, drops the old one and renames the copy, which enforcement would refuse)
and are checked once at the end, in the same transaction: a migration leaving a dangling
reference is rolled back. A handed-over connection is used as it is (its transactions,
and on SQLite its foreign key setting, are the caller's).
"""

from __future__ import annotations

from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.pool import NullPool

import app.models  # noqa: F401  (registers every ORM class on Base.metadata)
from app.db import Base
from app.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata

OPTIONS: dict[str, Any] = {"render_as_batch": True, "compare_type": True}


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    """Print the SQL of the migrations (``--sql``) instead of running them."""
    context.configure(
        url=database_url(), target_metadata=target_metadata, literal_binds=True,
        dialect_opts={"paramstyle": "named"}, **OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_connect(dbapi_connection: Any, connection_record: Any) -> None:
    # the driver's own implicit transactions off: SQLAlchemy's BEGIN (below) covers the
    # DDL too, so a failed migration leaves nothing half done; foreign keys not enforced
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def check_foreign_keys(connection: Connection) -> None:
    """Refuse (roll back) a SQLite migration that left rows pointing at nothing."""
    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if dangling:
        tables = sorted({str(row[0]) for row in dangling})
        raise RuntimeError(
            f"the migration left {len(dangling)} rows whose foreign keys point at no row "
            f"(in {', '.join(tables)}); nothing was changed"
        )


def run_on(connection: Connection, **options: Any) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, **OPTIONS,
                      **options)
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            check_foreign_keys(connection)


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if isinstance(given, Connection):
        run_on(given)
        return
    engine = create_engine(database_url(), poolclass=NullPool)
    options: dict[str, Any] = {}
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        options["transactional_ddl"] = True  # SQLite's DDL is transactional: one BEGIN
    try:
        with engine.connect() as connection:
            run_on(connection, **options)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
