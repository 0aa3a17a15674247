"""Databases for tests of generated backends, and what PostgreSQL asks of their schema.

- :func:`postgres_schema`: a fresh schema on the PostgreSQL server as a URL, dropped
  afterwards;
- :func:`fresh_database`: an empty SQLite file, or a fresh schema on the PostgreSQL
  server ``AUTOBE_TEST_POSTGRES_URL`` names (dropped afterwards), as a URL the generated
  backend and autobe's ``db`` commands take;
- :func:`postgres_test_env`: ``AUTOBE_TEST_DATABASE_URL`` for ``autobe check`` (the
  migrate rung and the generated suite each make their own fresh schema in it), when a
  PostgreSQL server is there;
- :func:`schema_problems`: the names and indexes PostgreSQL needs, checked on the spec's
  schema and on a migrated database: every identifier at most 63 characters (PostgreSQL
  would cut a longer one silently) and present as declared, every foreign key the
  leading column of an index.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from autobe_core.schema import MAX_IDENTIFIER, schema_of
from autobe_core.spec import ProjectSpec
from tests.conftest import NO_POSTGRES, POSTGRES_URL

TEST_DATABASE_ENV = "AUTOBE_TEST_DATABASE_URL"


def postgres_test_env() -> dict[str, str]:
    """The environment that puts ``autobe check`` on PostgreSQL, when there is one."""
    return {TEST_DATABASE_ENV: POSTGRES_URL} if POSTGRES_URL else {}


@contextmanager
def postgres_schema(prefix: str = "autobe_s") -> Iterator[str]:
    """A fresh schema on the PostgreSQL server (first on the search path, ``public``
    after it for pg_trgm), as a URL; dropped afterwards. Skips the test when no server
    is there."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = admin.url.update_query_dict({"options": f"-csearch_path={schema},public"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """An empty database: a new SQLite file under ``directory``, or a fresh schema on
    the PostgreSQL server (:func:`postgres_schema`)."""
    if backend == "sqlite":
        yield f"sqlite:///{(directory / f'db-{uuid.uuid4().hex[:8]}.sqlite').as_posix()}"
        return
    with postgres_schema() as url:
        yield url


def declared_names(spec: ProjectSpec) -> dict[str, set[str]]:
    """Per table, the names the spec's schema gives: the table, its columns, primary
    key, foreign keys, checks, indexes and unique constraints."""
    names: dict[str, set[str]] = {}
    for table in schema_of(spec).tables:
        found = {table.name, table.primary_key_name}
        for column in table.columns:
            found.add(column.name)
            if column.foreign_key is not None:
                found.add(column.foreign_key.name)
            if column.check_name is not None:
                found.add(column.check_name)
        found |= {i.name for i in (*table.indexes, *table.uniques)}
        names[table.name] = found
    return names


def database_names(inspector: sa.Inspector, table: str) -> set[str]:
    found = {table, str(inspector.get_pk_constraint(table)["name"])}
    found |= {c["name"] for c in inspector.get_columns(table)}
    found |= {str(f["name"]) for f in inspector.get_foreign_keys(table)}
    found |= {str(c["name"]) for c in inspector.get_check_constraints(table)}
    found |= {str(i["name"]) for i in inspector.get_indexes(table)}
    found |= {str(u["name"]) for u in inspector.get_unique_constraints(table)}
    return found


def schema_problems(spec: ProjectSpec, url: str) -> list[str]:
    """What the spec's schema, and the database at ``url`` migrated to it, lack: names
    over 63 characters or not in the database as declared, foreign keys no index leads
    with."""
    declared = declared_names(spec)
    problems = [f"{table}: {name!r} is {len(name)} characters long"
                for table, names in declared.items() for name in sorted(names)
                if len(name) > MAX_IDENTIFIER]
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        if tables != set(declared):
            problems.append(f"tables: the database has {sorted(tables)}, the spec "
                            f"{sorted(declared)}")
        for table in sorted(tables & set(declared)):
            held = database_names(inspector, table)
            problems += [f"{table}: {name!r} is not in the database as declared"
                         for name in sorted(declared[table] - held)]
            leading = {i["column_names"][0] for i in inspector.get_indexes(table)
                       if i["column_names"]}
            leading |= {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
            for foreign in inspector.get_foreign_keys(table):
                column = foreign["constrained_columns"][0]
                if column not in leading:
                    problems.append(f"{table}: foreign key {foreign['name']} "
                                    f"({column}) has no index leading with it")
    finally:
        engine.dispose()
    return problems
