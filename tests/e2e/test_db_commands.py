"""``autobe db status / upgrade / sql`` and ``autobe serve`` end to end: a real project,
real Alembic in ``backend/``, a real SQLite file (the backend's default) or a fresh
PostgreSQL schema (when ``AUTOBE_TEST_POSTGRES_URL`` names a server), rows written with
SQL between the commands, and a real uvicorn answering over HTTP.
"""

from __future__ import annotations

import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from tests.databases import postgres_schema

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
NULLABLE_FIELD = "add a nullable field estimate:int to items"
NO_DATABASE_ENV = {"AUTOBE_DATABASE_URL": None}
"""The commands must not pick up a database the environment names."""


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=NO_DATABASE_ENV)


def ok(*args: str | Path) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def db_status(project: Path, url: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok("-C", project, "db", "status", "--json", *url).stdout)
    return data


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "todo"
    ok("init", root, "--from", TODO)
    return root


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, project: Path) -> Iterator[tuple[str, list[str]]]:
    """(the SQLAlchemy URL of an empty database, the --url arguments naming it): the
    backend's default SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{(project / 'backend' / 'app.db').as_posix()}", []
        return
    with postgres_schema("autobe_db") as url:
        yield url, ["--url", url]


def schema_picture(url: str) -> dict[str, Any]:
    """Every table's columns, indexes, unique constraints and foreign keys."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {
            table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"])
                            for c in inspector.get_columns(table)],
                "indexes": sorted((i["name"], tuple(i["column_names"]), i["unique"])
                                  for i in inspector.get_indexes(table)),
                "unique": sorted((u["name"], tuple(u["column_names"]))
                                 for u in inspector.get_unique_constraints(table)),
                "foreign": sorted((f["name"], tuple(f["constrained_columns"]))
                                  for f in inspector.get_foreign_keys(table)),
            }
            for table in sorted(inspector.get_table_names()) if table != "alembic_version"
        }
    finally:
        engine.dispose()


def add_rows(url: str, estimate: bool) -> list[tuple[str, str]]:
    """A user, a list and two items written with SQL; the items' (id, title)."""
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["todo_users", "todo_lists", "todo_items"])
    sqlite = engine.dialect.name == "sqlite"

    def key() -> Any:
        value = uuid.uuid4()
        return value.hex if sqlite else value

    now = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    user, todo_list = key(), key()
    items = [(key(), f"item {n}") for n in range(2)]
    with engine.begin() as connection:
        connection.execute(meta.tables["todo_users"].insert().values(
            id=user, email="a@example.com", password_hash="x", created_at=now, updated_at=now))
        connection.execute(meta.tables["todo_lists"].insert().values(
            id=todo_list, todo_user_id=user, title="chores", archived=False, created_at=now,
            updated_at=now))
        for number, (item, title) in enumerate(items):
            extra = {"estimate": number + 3} if estimate else {}
            connection.execute(meta.tables["todo_items"].insert().values(
                id=item, todo_list_id=todo_list, todo_user_id=user, title=title, priority=1,
                status="open", created_at=now, updated_at=now, **extra))
    engine.dispose()
    return sorted((str(i).replace("-", ""), t) for i, t in items)


def item_rows(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, title FROM todo_items").all()
    engine.dispose()
    return sorted((str(i).replace("-", ""), str(t)) for i, t in rows)


def test_the_database_follows_changes_and_a_rollback(
    project: Path, database: tuple[str, list[str]]
) -> None:
    url, given = database
    fresh = db_status(project, given)
    assert fresh["current"] is None and not fresh["atHead"]
    assert [m["id"] for m in fresh["pending"]] == ["r0001"]
    assert fresh["head"] == "r0001" and fresh["headRevision"] == 1
    if not given:
        assert fresh["exists"] is False and fresh["source"] == "the backend's default"
        assert not (project / "backend" / "app.db").exists()  # status creates nothing
    text = ok("-C", project, "db", "status", *given).stdout
    assert "empty" in text and "pending: 1 migration, 4 steps" in text
    assert "+ create table todo_items" in text

    upgraded = ok("-C", project, "db", "upgrade", *given).stdout
    assert "from empty to r0001: 1 migration, 4 steps" in upgraded
    at_head = db_status(project, given)
    assert at_head["current"] == "r0001" and at_head["currentRevision"] == 1 and at_head["atHead"]
    assert "nothing to do" in ok("-C", project, "db", "upgrade", *given).stdout
    first_schema = schema_picture(url)
    assert set(first_schema) == {"todo_users", "todo_lists", "todo_items", "todo_labels"}

    ok("-C", project, "change", NULLABLE_FIELD, "--yes", "--no-verify")
    behind = db_status(project, given)
    assert behind["current"] == "r0001" and behind["head"] == "r0002"
    [pending] = behind["pending"]
    assert (pending["id"], pending["revision"]) == ("r0002", 2)
    assert pending["steps"] == [{"text": "add column todo_items.estimate int (nullable)",
                                 "destructive": False}]

    review = ok("-C", project, "db", "sql", "--from", "1")
    assert "ALTER TABLE todo_items ADD COLUMN estimate INTEGER" in review.stdout
    assert "CREATE TABLE todo_users" not in review.stdout
    assert "PostgreSQL, the default for review" in review.stderr
    everything = ok("-C", project, "db", "sql").stdout
    assert "CREATE TABLE todo_users" in everything and "ADD COLUMN estimate" in everything

    assert "from r0001 to r0002" in ok("-C", project, "db", "upgrade", *given).stdout
    rows = add_rows(url, estimate=True)
    assert [c[0] for c in schema_picture(url)["todo_items"]["columns"]][-1] == "estimate"

    ok("-C", project, "rollback", "1")
    shown = ok("-C", project, "show", "3").stdout
    assert "rollback to revision 1" in shown and "request:" not in shown
    back = db_status(project, given)
    [undo] = back["pending"]
    assert undo["id"] == "r0003" and undo["revision"] == 3
    assert undo["steps"] == [{"text": "drop column todo_items.estimate (its values are "
                                      "deleted)", "destructive": True}]
    assert "! drop column todo_items.estimate" in ok(
        "-C", project, "db", "status", *given).stdout
    assert "from r0002 to r0003" in ok("-C", project, "db", "upgrade", *given).stdout

    assert schema_picture(url) == first_schema
    assert item_rows(url) == rows
    assert db_status(project, given)["atHead"]


def test_db_errors_are_one_message(project: Path, tmp_path: Path) -> None:
    unreachable = run("-C", project, "db", "status", "--url",
                      "postgresql://someone:secret@127.0.0.1:1/nothing")
    assert unreachable.exit_code == 1
    assert "cannot reach the database at postgresql://someone:***@127.0.0.1:1/nothing" in (
        unreachable.output)
    assert "secret" not in unreachable.output and "Traceback" not in unreachable.output

    foreign = tmp_path / "foreign.db"
    engine = sa.create_engine(f"sqlite:///{foreign}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('1f2e3d4c5b6a')")
    engine.dispose()
    other = run("-C", project, "db", "upgrade", "--url", f"sqlite:///{foreign}")
    assert other.exit_code == 1
    assert "is at migration 1f2e3d4c5b6a, which this project's history does not have" in (
        other.output)

    assert "not a database URL" in run("-C", project, "db", "status", "--url", "nope").output
    same = run("-C", project, "db", "sql", "--from", "1", "--to", "head")
    assert same.exit_code == 0 and same.stdout == ""
    assert "no migration between revision 1 and revision 1" in same.stderr

    script = project / "backend" / "migrations" / "versions" / "r0001.py"
    script.write_text(script.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    edited = ok("-C", project, "db", "status")
    assert "warning: migrations/versions/r0001.py differs from the recorded migration" in (
        edited.stderr)
    script.unlink()
    missing = run("-C", project, "db", "upgrade")
    assert missing.exit_code == 1
    assert "the workspace lacks migrations/versions/r0001.py" in missing.output
    assert "autobe build" in missing.output


def test_a_failing_upgrade_leaves_the_database_where_it_was(project: Path) -> None:
    url = f"sqlite:///{(project / 'backend' / 'app.db').as_posix()}"
    ok("-C", project, "db", "upgrade")
    add_rows(url, estimate=False)
    ok("-C", project, "change", "make title of lists unique", "--yes", "--no-verify")
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # a second list with the same title
        row = connection.exec_driver_sql("SELECT * FROM todo_lists").mappings().one()
        copy = {**row, "id": uuid.uuid4().hex}
        connection.execute(sa.text(
            "INSERT INTO todo_lists (id, todo_user_id, title, archived, created_at, updated_at)"
            " VALUES (:id, :todo_user_id, :title, :archived, :created_at, :updated_at)"), copy)
    engine.dispose()
    before = schema_picture(url)
    failed = run("-C", project, "db", "upgrade")
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    assert "migration r0002 (revision 2: make title of lists unique) failed" in failed.output
    assert "UNIQUE constraint failed" in failed.output
    assert "the database is still at r0001" in failed.output
    assert schema_picture(url) == before
    assert db_status(project, [])["current"] == "r0001"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_checks_the_database_then_answers_over_http(project: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'served.db').as_posix()}"
    port = free_port()
    refused = run("-C", project, "serve", "--port", str(port), "--url", url)
    assert refused.exit_code == 1
    assert "has no autobe tables yet" in refused.output and "refusing to serve" in refused.output
    assert "autobe db upgrade" in refused.output

    ok("-C", project, "db", "upgrade", "--url", url)
    no_secret = CliRunner().invoke(
        cli, ["-C", str(project), "serve", "--port", str(port), "--url", url],
        env={**NO_DATABASE_ENV, "AUTOBE_JWT_SECRET": None})
    assert no_secret.exit_code == 1 and "AUTOBE_JWT_SECRET is not set" in no_secret.output
    assert "Traceback" not in no_secret.output
    env = {k: v for k, v in os.environ.items() if k != "AUTOBE_DATABASE_URL"}
    env["AUTOBE_JWT_SECRET"] = "served-" + "s" * 32
    server = subprocess.Popen(
        [sys.executable, "-c", "from autobe_cli.main import main; main()", "-C", str(project),
         "serve", "--port", str(port), "--url", url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, server.communicate(timeout=10)[0] if server.poll() else ""
        assert answer.status_code == 200
        assert answer.json()["status"] == "ok" and answer.json()["revision"] == "r0001"
        server.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, output
    assert f"serving http://127.0.0.1:{port}" in output and "Shutting down" in output
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)


def test_a_typed_change_shows_its_database_steps_and_flags_data_loss(
    project: Path, tmp_path: Path
) -> None:
    """A change from --edits shows no plan before it is applied, so what it recorded for
    the database is printed after it, and a step that loses data is a warning."""
    edits = tmp_path / "drop.yaml"
    edits.write_text(
        "summary: drop the notes\nedits:\n  - {op: removeField, model: todo_items, field: notes}\n",
        "utf-8",
    )
    result = ok("-C", project, "change", "--no-verify", "--edits", edits)
    assert "database: 1 step(s)" in result.stdout
    assert "drop column todo_items.notes" in result.stdout
    assert "warning: drop column todo_items.notes" in result.stderr
    assert "data can be lost" in result.stderr
    assert "autobe db upgrade" in result.stdout


def test_db_sql_for_sqlite_records_an_upgrade_that_copies_tables(
    project: Path, tmp_path: Path
) -> None:
    """SQLite alters a table by copying it, which Alembic cannot write offline: the SQL
    for a SQLite URL comes from a real upgrade of a scratch database, and the database
    the URL names is not touched."""
    edits = tmp_path / "drop.yaml"
    edits.write_text(
        "edits:\n  - {op: removeField, model: todo_items, field: notes}\n", "utf-8"
    )
    ok("-C", project, "change", "--no-verify", "--edits", edits)
    target = tmp_path / "prod.sqlite"
    review = ok("-C", project, "db", "sql", "--from", "1", "--url", f"sqlite:///{target}")
    assert review.stdout.startswith("-- SQLite: the statements an upgrade ran")
    assert "CREATE TABLE _alembic_tmp_todo_items" in review.stdout
    assert "INSERT INTO _alembic_tmp_todo_items" in review.stdout
    copy = review.stdout.split("CREATE TABLE _alembic_tmp_todo_items", 1)[1].split(";")[0]
    assert "notes" not in copy and "title" in copy
    assert "CREATE TABLE todo_users" not in review.stdout  # only revision 1..2
    assert not target.exists()


def test_a_required_field_without_default_is_refused_and_nothing_changes(
    project: Path, tmp_path: Path
) -> None:
    """Rows already in the table would have no value: the change is refused with the
    diagnostic and what is allowed, and the head, the workspace (the user's own file
    included) and the database are exactly as they were."""
    ok("-C", project, "db", "upgrade")
    database = project / "backend" / "app.db"
    mine = project / "backend" / "notes.txt"
    mine.write_text("my own file\n", "utf-8")
    before_tree = {p.relative_to(project).as_posix(): p.read_bytes()
                   for p in sorted(project.rglob("*"))
                   if p.is_file() and ".autobe" not in p.parts and "__pycache__" not in p.parts}
    before_log = ok("-C", project, "log", "--json").stdout
    edits = tmp_path / "required.yaml"
    edits.write_text(
        "edits:\n  - {op: addField, model: todo_items, field: {name: weight, type: int}}\n",
        "utf-8",
    )
    result = run("-C", project, "change", "--no-verify", "--edits", edits)
    assert result.exit_code == 1
    assert "migration.required-without-default" in result.output
    assert "todo_items.weight" in result.output and "default" in result.output
    assert "Traceback" not in result.output
    after_tree = {p.relative_to(project).as_posix(): p.read_bytes()
                  for p in sorted(project.rglob("*"))
                  if p.is_file() and ".autobe" not in p.parts and "__pycache__" not in p.parts}
    assert after_tree == before_tree  # backend files, the user's file and app.db
    assert database.as_posix().removeprefix(project.as_posix() + "/") in after_tree
    assert ok("-C", project, "log", "--json").stdout == before_log
    status = db_status(project, [])
    assert not status.get("pending"), status
