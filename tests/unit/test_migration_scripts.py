"""Generated migrations run by real Alembic on real databases, with rows in them: the
walk of :mod:`tests.migration_walk` over todo's and bbs's chains of changes and a rollback,
and a failing upgrade that must change nothing.

On SQLite (a file) always; on PostgreSQL (a fresh schema) when ``AUTOBE_TEST_POSTGRES_URL``
is set. todo's walk covers every step class and runs in the default suite; bbs's (a larger
schema, a self-reference, composite uniques) is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from autobe_core.spec import AddField, PlainField
from autobe_core.spec.io import load_spec
from tests.conftest import NO_POSTGRES, POSTGRES_URL
from tests.databases import postgres_schema
from tests.migration_walk import (
    ROOT,
    SCENARIOS,
    TODO,
    Change,
    build_chain,
    modify,
    walk,
    write_workspace,
)


@pytest.mark.parametrize("name", ["todo", pytest.param("bbs", marks=pytest.mark.slow)])
def test_migrations_walk_on_sqlite(name: str, tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'walk.db').as_posix()}"
    walk(name, SCENARIOS[name], url, tmp_path)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema("autobe_m") as url:
        yield url


@pytest.mark.parametrize("name", [
    "todo", pytest.param("bbs", marks=pytest.mark.slow),
])
def test_migrations_walk_on_postgresql(name: str, postgres_url: str, tmp_path: Path) -> None:
    walk(name, SCENARIOS[name], postgres_url, tmp_path)


def test_every_step_kind_is_walked() -> None:
    """todo's scenario (the default suite's walk) covers every step class, both ways."""
    from autobe_core.generate.kinds.migration.render import RENDERERS

    seen: set[type] = set()
    for name, changes in [("todo", TODO)]:
        for revision in build_chain(load_spec(ROOT / "fixtures" / f"{name}.yaml"), changes):
            seen |= {type(s) for s in revision.chain[-1].steps}
            seen |= {type(s.inverse()) for s in revision.chain[-1].steps}
    assert seen == set(RENDERERS), set(RENDERERS) - seen


# --------------------------------------------------------------------------- atomicity

FAILING = r'''
import json, os, sys
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

config = Config("alembic.ini")
command.upgrade(config, "r0001")
engine = sa.create_engine(os.environ["AUTOBE_DATABASE_URL"])
with engine.begin() as connection:
    connection.execute(sa.text(
        "INSERT INTO todo_users (id, email, password_hash, created_at, updated_at) "
        "VALUES (:id, 'a@example.com', 'x', :now, :now)"), {"id": sys.argv[1], "now": "2024-01-01"})
    connection.execute(sa.text(
        "INSERT INTO todo_lists (id, todo_user_id, title, archived, created_at, updated_at) "
        "VALUES (:id, :user, 'l', false, :now, :now)"),
        {"id": sys.argv[2], "user": sys.argv[1], "now": "2024-01-01"})
    connection.execute(sa.text(
        "INSERT INTO todo_items (id, todo_list_id, todo_user_id, title, priority, status, "
        "created_at, updated_at) VALUES (:id, :list, :user, 't', 1, 'cancelled', :now, :now)"),
        {"id": sys.argv[3], "list": sys.argv[2], "user": sys.argv[1], "now": "2024-01-01"})
engine.dispose()
try:
    command.upgrade(config, "head")
    failed = None
except Exception as exc:
    failed = type(exc).__name__
engine = sa.create_engine(os.environ["AUTOBE_DATABASE_URL"])
inspector = sa.inspect(engine)
with engine.connect() as connection:
    version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    status = connection.execute(sa.text("SELECT status FROM todo_items")).scalar()
print("RESULT " + json.dumps({
    "failed": failed, "version": version, "status": status,
    "columns": sorted(c["name"] for c in inspector.get_columns("todo_lists")),
}))
engine.dispose()
'''


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not POSTGRES_URL, reason=NO_POSTGRES))])
def test_a_failing_migration_changes_nothing(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Revision 2 adds a column, revision 3 narrows an enum that a row still uses: the
    CHECK fails, and the whole upgrade from revision 1 is undone (revision 2's column too,
    on SQLite as on PostgreSQL)."""
    url = (f"sqlite:///{(tmp_path / 'db.sqlite').as_posix()}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    revisions = build_chain(load_spec(ROOT / "fixtures" / "todo.yaml"), [
        Change("add a column", lambda s: [
            AddField(model="todo_lists", field=PlainField(name="theme", type="string",
                                                          max_length=20, default="light")),
        ]),
        Change("narrow an enum", lambda s: [
            modify(s, "todo_items", "status", enum=["open", "done"]),
        ]),
    ])
    workspace = write_workspace(revisions[-1], tmp_path / "ws")
    ids = [str(uuid.uuid4()) for _ in range(3)]
    completed = subprocess.run([sys.executable, "-c", FAILING, *ids], cwd=workspace,
                               capture_output=True, text=True, timeout=300, check=False,
                               env={**os.environ, "AUTOBE_DATABASE_URL": url})
    assert completed.returncode == 0, completed.stderr[-4000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    assert result["failed"] == "IntegrityError"
    assert result["version"] == "r0001"
    assert result["status"] == "cancelled"
    assert "theme" not in result["columns"]
