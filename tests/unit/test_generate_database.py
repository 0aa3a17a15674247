"""The generated backend and its database: start-up check, ``/health``, input bounds.

A generated todo backend (with decimal and defaulted fields added) and a chain of two
migrations, run in a subprocess against a real database (a SQLite file; a fresh
PostgreSQL schema when ``AUTOBE_TEST_POSTGRES_URL`` is set):

- it refuses to start on an empty database and on one a revision behind, saying what to
  run; ``/health`` answers 503 then, and 200 with the revision once upgraded;
- input the database would reject answers 422, never 500: NUL characters and lone
  surrogates in strings, integers outside int32 (bodies, filters, the page), decimals with
  too many digits, NaN, datetimes outside years 1..9999, a NUL in a password;
- a field with a default may be left out of a create body and gets its default (a
  datetime's 'now': the current time);
- an unreachable database makes ``/health`` answer 503.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autobe_core.generate import MigrationSlice, generate_files, migration_id
from autobe_core.schema import plan_migration
from autobe_core.spec import AddField, ChangeSet, PlainField, ProjectSpec, apply, creation
from autobe_core.spec.io import load_spec, parse_spec
from tests.conftest import NO_POSTGRES, POSTGRES_URL
from tests.databases import postgres_schema

ROOT = Path(__file__).resolve().parents[2]

EXTRA_FIELDS: list[dict[str, Any]] = [
    {"name": "estimate", "type": "decimal", "precision": 8, "scale": 2, "nullable": True},
    {"name": "pinned", "type": "boolean", "default": False},
    {"name": "label", "type": "string", "maxLength": 20, "default": "none"},
    {"name": "weight", "type": "int", "default": 3},
    {"name": "ratio", "type": "double", "nullable": True},
    {"name": "seen_at", "type": "datetime", "default": "now"},
]


def _spec() -> ProjectSpec:
    data = load_spec(ROOT / "fixtures" / "todo.yaml").model_dump(mode="json", by_alias=True)
    items = next(m for m in data["models"] if m["name"] == "todo_items")
    items["plainFields"] += EXTRA_FIELDS
    return parse_spec(data)


def write_backend(directory: Path) -> Path:
    """The backend at revision 2 (two migrations) in ``directory``."""
    spec = _spec()
    first = plan_migration(ProjectSpec(name=spec.name), creation(spec))
    change = ChangeSet(edits=[AddField(model="todo_lists", field=PlainField(
        name="theme", type="string", max_length=20, nullable=True))], summary="add theme")
    second = plan_migration(spec, change)
    chain = [
        MigrationSlice(revision=1, id=migration_id(1), down=None, title="create todo",
                       steps=first.steps),
        MigrationSlice(revision=2, id=migration_id(2), down=migration_id(1),
                       title="add theme", steps=second.steps),
    ]
    for path, text in generate_files(apply(spec, change), chain).items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return directory


SCRIPT = r'''
import json, sys
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient

from app.db import DatabaseNotReady
from app.main import create_app

out = {}
config = Config("alembic.ini")


def start():
    try:
        with TestClient(create_app()):
            return None
    except DatabaseNotReady as exc:
        return str(exc)


out["empty"] = start()
command.upgrade(config, "r0001")
out["behind"] = start()
health = TestClient(create_app()).get("/health")  # no lifespan: it serves anyway
out["health_behind"] = [health.status_code, health.json()]
command.upgrade(config, "head")
out["ready"] = start()

with TestClient(create_app()) as c:
    health = c.get("/health")
    out["health"] = [health.status_code, health.json()]
    r = c.post("/auth/user/join", json={"email": "a@example.com", "password": "secret123"})
    assert r.status_code == 201, r.text
    auth = {"Authorization": "Bearer " + r.json()["token"]["access"]}
    r = c.post("/todo/user/lists", json={"title": "groceries", "archived": False}, headers=auth)
    assert r.status_code == 201, r.text
    items = f"/todo/user/lists/{r.json()['id']}/items"
    good = {"title": "milk", "priority": 2, "status": "open"}

    def post(body=None, raw=None):
        if raw is not None:
            return c.post(items, content=raw.encode(), headers={
                **auth, "Content-Type": "application/json"}).status_code
        return c.post(items, json={**good, **body}, headers=auth).status_code

    r = c.post(items, json=good, headers=auth)
    out["defaults"] = {k: r.json()[k] for k in ("pinned", "label", "weight", "estimate")}
    out["seen_at"] = r.json()["seen_at"]
    out["status"] = {
        "nul": post({"title": "mi\x00lk"}),
        "surrogate": post(raw='{"title": "\\ud800", "priority": 2, "status": "open"}'),
        "nan": post(raw='{"title": "m", "priority": 2, "status": "open", "ratio": NaN}'),
        "int_high": post({"weight": 2**31}),
        "int_low": post({"weight": -(2**31) - 1}),
        "int_max": post({"weight": 2**31 - 1}),
        "decimal_digits": post({"estimate": "1234567.89"}),
        "decimal_places": post({"estimate": "1.234"}),
        "decimal_ok": post({"estimate": "123456.78"}),
        "time_low": post({"due_at": "0001-01-01T00:00:00+05:00"}),
        "time_high": post({"due_at": "9999-12-31T23:00:00-05:00"}),
        "time_ok": post({"due_at": "2030-01-02T03:04:05Z"}),
        "filter_int": c.patch(items, json={"priority": 2**40}, headers=auth).status_code,
        "page": c.patch(items, json={"page": 2**31}, headers=auth).status_code,
        "search_nul": c.patch(items, json={"search": "a\x00"}, headers=auth).status_code,
        "listing": c.patch(items, json={"search": "mil"}, headers=auth).status_code,
        "login_nul": c.post("/auth/user/login", json={
            "email": "a@example.com", "password": "x\x00"}).status_code,
    }
print("RESULT " + json.dumps(out))
'''

UNREACHABLE = r'''
import json
from fastapi.testclient import TestClient
from app.main import create_app
r = TestClient(create_app()).get("/health")
print("RESULT " + json.dumps([r.status_code, r.json()]))
'''


def _run(workspace: Path, script: str, url: str) -> Any:
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=workspace, capture_output=True, text=True,
        timeout=300, check=False,
        env={**os.environ, "AUTOBE_DATABASE_URL": url, "PYTHONPATH": str(workspace),
             "AUTOBE_JWT_SECRET": "test-secret-" + "x" * 32},
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-4000:]
    line = next(x for x in completed.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_backend(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema("autobe_g") as url:
        yield url


@pytest.mark.parametrize("backend_kind", [
    "sqlite", pytest.param("postgres", marks=pytest.mark.skipif(not POSTGRES_URL,
                                                                reason=NO_POSTGRES)),
])
def test_start_up_health_and_input_bounds(
    backend_kind: str, backend: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (f"sqlite:///{(tmp_path / 'app.db').as_posix()}" if backend_kind == "sqlite"
           else request.getfixturevalue("postgres_url"))
    out = _run(backend, SCRIPT, url)
    assert out["empty"].startswith("the database has no autobe tables yet: run `autobe db "
                                   "upgrade` (or `alembic upgrade head` in backend/)")
    assert out["behind"] == ("the database is at r0001; this backend needs r0002: run "
                             "`autobe db upgrade` (or `alembic upgrade head` in backend/)")
    status, body = out["health_behind"]
    assert status == 503 and body["database"] == "not-migrated"
    assert (body["revision"], body["head"]) == ("r0001", "r0002")
    assert out["ready"] is None
    assert out["health"] == [200, {"status": "ok", "database": "ok", "revision": "r0002",
                                   "head": "r0002", "message": None}]
    assert out["defaults"] == {"pinned": False, "label": "none", "weight": 3,
                               "estimate": None}
    assert out["seen_at"].startswith(str(datetime.datetime.now(datetime.UTC).year))
    accepted = {"int_max", "decimal_ok", "time_ok", "listing"}
    for case, code in out["status"].items():
        assert code == (201 if case in accepted - {"listing"} else
                        200 if case == "listing" else 422), (case, code)


def test_an_unreachable_database_makes_health_503(backend: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'no' / 'such' / 'dir' / 'app.db').as_posix()}"
    status, body = _run(backend, UNREACHABLE, url)
    assert status == 503
    assert body["status"] == "unavailable" and body["database"] == "unreachable"
    assert body["message"] == "the database cannot be reached (OperationalError)"
