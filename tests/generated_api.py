"""Rows written through a generated backend's own API, derived from the spec's meaning.

:func:`write_plan` reads a spec and says, model by model (parents first), how one fresh
row of each table gets into the database:

- an actor's account through its ``join`` operation (the body is the model's create DTO;
  the answer's id and access token are kept for the operations that actor calls);
- any other row through the model's first ``create`` operation, called as its actor,
  with every path parameter bound to the row of its parent made earlier in the batch and
  a body holding every field of the create DTO (see :func:`sample`);
- **fallback**, when an operation cannot be driven generically (a model without a create
  operation, such as a snapshot table or one whose operations a change removed; a path
  parameter that binds no foreign field; an actor without ``join``): the row is added
  through the model's ORM class in the generated package (an account made that way gets
  its token from ``app.auth.security.issue_tokens``).

:data:`DRIVER` is the script that runs inside the workspace (``cwd`` = ``backend/``, the
generated package is ``app``), with ``AUTOBE_DATABASE_URL`` naming the database: it
compares the database with the models (Alembic's ``compare_metadata``), dumps every table,
writes the plan's rows through FastAPI's ``TestClient`` on ``app.main.create_app()`` (its
start-up checks the database revision), and dumps again. :func:`run_driver` runs it.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from autobe_core.spec.model import Model, Operation, PlainField, ProjectSpec
from autobe_core.spec.semantics import (
    actor_for_model,
    is_privileged,
    model_dto_fields,
    param_bindings,
)
from tests import row_values

PASSWORD = "correct-horse-battery-staple"
DEFAULT_SPAN = 10_000
"""The range of an unbounded int (from its minimum, or 0)."""
SECRET = "living-database-" + "s" * 32
"""The signing secret the generated app must have (it has no default)."""
INT32_MAX = 2**31 - 1

Value = str | int | float | bool | None | dict[str, str]
"""A JSON value, or ``{"$ref": MODEL}``: the id of the batch's row of MODEL."""


# --------------------------------------------------------------------------- values


def sample(field: PlainField, n: int, *, blank: bool = False) -> Value:
    """A value the field's constraints accept, distinct per ``n`` wherever the type
    allows (strings carry ``n``, so a unique index never sees the same value twice);
    ``blank``: None for a nullable field."""
    if blank and field.nullable:
        return None
    if field.enum:
        return field.enum[n % len(field.enum)]
    kind = field.type
    if kind in ("string", "uri"):
        return _text(field, n)
    if kind in ("int", "double", "decimal"):
        return _number(field, n)
    if kind == "boolean":
        return n % 2 == 0
    if kind == "datetime":
        return f"2030-01-{n % 28 + 1:02d}T03:04:{n % 60:02d}Z"
    return str(uuid.uuid4())


def _text(field: PlainField, n: int) -> str:
    if field.format == "email":
        text = f"u{n}-{uuid.uuid4().hex[:8]}@example.com"
    elif field.type == "uri":
        text = f"https://example.com/{n}"
    elif field.format == "password":
        text = f"stored-hash-{n}"
    else:
        text = f"v{n}"
    low = field.min_length or 0
    if len(text) < low:
        text += "x" * (low - len(text))
    return text[: field.max_length] if field.max_length else text


def _number(field: PlainField, n: int) -> int | float | str:
    low = field.minimum if field.minimum is not None else 0
    high = field.maximum if field.maximum is not None else low + DEFAULT_SPAN
    high = min(high, INT32_MAX)
    if field.type == "decimal":
        precision = field.precision or 18
        scale = 2 if field.scale is None else field.scale
        high = min(high, 10 ** (precision - scale) - 1)
    base = int(low) + n % max(1, int(high) - int(low) + 1)
    if field.type == "int":
        return base
    fraction = 0.5 if base + 0.5 <= high else 0.0
    if field.type == "double":
        return base + fraction
    scale = 2 if field.scale is None else field.scale
    return f"{base + fraction:.{scale}f}"


# --------------------------------------------------------------------------- the plan


def _ordered(spec: ProjectSpec) -> list[Model]:
    """Models with every required parent before them (actor models first when free)."""
    actor_models = {a.model for a in spec.actors}
    pending = sorted(spec.models, key=lambda m: m.name not in actor_models)
    done: set[str] = set()
    ordered: list[Model] = []
    while pending:
        ready = next((m for m in pending if all(
            f.nullable or f.relation.target_model in done or f.relation.target_model == m.name
            for f in m.foreign_fields)), pending[0])
        ordered.append(ready)
        done.add(ready.name)
        pending.remove(ready)
    return ordered


def _reference(spec: ProjectSpec, model: Model, name: str, done: set[str]) -> Value:
    """The batch's row of the foreign field's target, or None when it has none yet
    (the field is then nullable, or a self-reference)."""
    foreign = model.foreign(name)
    assert foreign is not None
    target = foreign.relation.target_model
    if target in done and target != model.name:
        return {"$ref": target}
    return None


def _body(spec: ProjectSpec, model: Model, n: int, done: set[str]) -> dict[str, Value]:
    """Every field of the model's create DTO (nullable ones left empty every third
    batch, so later changes meet NULLs)."""
    body: dict[str, Value] = {}
    for dto in model_dto_fields(spec, model, "create"):
        if dto.role == "password":
            body[dto.name] = PASSWORD
        elif dto.role == "foreign":
            body[dto.name] = _reference(spec, model, dto.name, done)
        else:
            plain = model.plain(dto.source)
            assert plain is not None
            body[dto.name] = sample(plain, n, blank=n % 3 == 0)
    return body


def _row(spec: ProjectSpec, model: Model, n: int, done: set[str]) -> dict[str, Value]:
    """Every column of a row added through the ORM class."""
    row: dict[str, Value] = {model.primary_field.name: str(uuid.uuid4())}
    for foreign in model.foreign_fields:
        row[foreign.name] = _reference(spec, model, foreign.name, done)
    for plain in model.plain_fields:
        row[plain.name] = sample(plain, n, blank=n % 3 == 0 or plain.name == "deleted_at")
    return row


def _create_call(spec: ProjectSpec, model: Model, done: set[str],
                 accounts: set[str]) -> tuple[Operation, dict[str, Value]] | None:
    """The model's first create operation and its path parameters, when it can be
    driven: every parameter binds a foreign field whose parent is in the batch, and
    its actor (if any) has an account."""
    for op in spec.operations:
        if op.kind != "create" or op.model != model.name:
            continue
        if op.actor is not None and op.actor not in accounts:
            continue
        bindings = dict(param_bindings(spec, op))
        params: dict[str, Value] = {}
        for name in [p.name for p in op.parameters]:
            field = bindings.get(name)
            foreign = model.foreign(field) if field else None
            if foreign is None or foreign.relation.target_model not in done:
                break
            params[name] = {"$ref": foreign.relation.target_model}
        else:
            return op, params
    return None


def write_plan(spec: ProjectSpec, n: int) -> list[dict[str, Any]]:
    """How batch ``n`` writes one row per table: API calls where the spec has them,
    the ORM class otherwise (see the module docstring)."""
    entries: list[dict[str, Any]] = []
    done: set[str] = set()
    accounts: set[str] = set()
    for model in _ordered(spec):
        actor = actor_for_model(spec, model)
        if actor is not None:
            join = next((op for op in spec.operations
                         if op.kind == "join" and op.model == model.name), None)
            if join is not None and not is_privileged(actor):  # staff never join publicly
                entries.append({"kind": "join", "model": model.name, "actor": actor.name,
                                "method": join.method, "path": join.path,
                                "body": _body(spec, model, n, done)})
            else:
                entries.append({"kind": "account", "model": model.name, "actor": actor.name,
                                "values": _row(spec, model, n, done)})
            accounts.add(actor.name)
        else:
            call = _create_call(spec, model, done, accounts)
            if call is not None:
                op, params = call
                entries.append({"kind": "api", "model": model.name, "actor": op.actor,
                                "method": op.method, "path": op.path, "params": params,
                                "body": _body(spec, model, n, done)})
            else:
                entries.append({"kind": "orm", "model": model.name,
                                "values": _row(spec, model, n, done)})
        done.add(model.name)
    return entries


# --------------------------------------------------------------------------- the driver

MARK = "LIVING-DB "

DRIVER = inspect.getsource(row_values) + r'''
import datetime, decimal, json, os, sys, traceback, uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import app.models  # noqa: F401  (every ORM class)
from app.db import Base
from app.auth.security import issue_tokens
from app.main import create_app
from fastapi.testclient import TestClient

MARK = "LIVING-DB "
plan = json.loads(open(sys.argv[1], encoding="utf-8").read())
url = os.environ["AUTOBE_DATABASE_URL"]
metadata = Base.metadata
engine = sa.create_engine(url, poolclass=NullPool)


def dump():
    out = {}
    with engine.connect() as connection:
        for name, table in metadata.tables.items():
            primary = list(table.primary_key.columns)[0].name
            out[name] = {str(row[primary]): {k: normal(v) for k, v in row.items()}
                         for row in connection.execute(sa.select(table)).mappings()}
    return out


def differences():
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [repr(d) for d in compare_metadata(context, metadata)]


def orm_class(table_name):
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return mapper
    raise LookupError(table_name)


refs, tokens = {}, {}


def resolve(value):
    if isinstance(value, dict) and "$ref" in value:
        return refs[value["$ref"]]
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    return value


def through_orm(entry):
    """The fallback: the row through the model's ORM class."""
    mapper = orm_class(entry["model"])
    table = metadata.tables[entry["model"]]
    values = {mapper.get_property_by_column(table.c[k]).key: convert(table.c[k], resolve(v))
              for k, v in entry["values"].items()}
    with Session(engine) as session:
        session.add(mapper.class_(**values))
        session.commit()
    primary = list(table.primary_key.columns)[0].name
    return str(entry["values"][primary])


def write(client):
    written = []
    for entry in plan["writes"]:
        kind, model = entry["kind"], entry["model"]
        if kind in ("orm", "account"):
            refs[model] = through_orm(entry)
            if kind == "account":
                tokens[entry["actor"]] = issue_tokens(
                    entry["actor"], uuid.UUID(refs[model]), 0, "living-db").access
            written.append({"model": model, "via": "orm", "id": refs[model]})
            continue
        headers = {}
        if kind == "api" and entry["actor"]:
            headers["Authorization"] = "Bearer " + tokens[entry["actor"]]
        path = entry["path"].format_map(resolve(entry.get("params", {})))
        body = resolve(entry["body"])
        answer = client.request(entry["method"].upper(), path, json=body, headers=headers)
        if answer.status_code != 201:
            return written, {"model": model, "call": f"{entry['method'].upper()} {path}",
                             "body": body, "status": answer.status_code, "answer": answer.text}
        data = answer.json()
        refs[model] = data["id"]
        if kind == "join":
            tokens[entry["actor"]] = data["token"]["access"]
        written.append({"model": model, "via": "api", "id": data["id"]})
    return written, None


result = {}
try:
    result["differences"] = differences()
    result["before"] = dump()
    with TestClient(create_app()) as client:
        result["written"], result["refused"] = write(client)
    result["after"] = dump()
except Exception:
    result["error"] = traceback.format_exc()
engine.dispose()
print(MARK + json.dumps(result), flush=True)
'''


def run_driver(workspace: Path, url: str, writes: list[dict[str, Any]],
               scratch: Path) -> dict[str, Any]:
    """Run :data:`DRIVER` in ``workspace`` on the database at ``url``; its report."""
    plan = scratch / f"writes-{uuid.uuid4().hex[:8]}.json"
    plan.write_text(json.dumps({"writes": writes}), encoding="utf-8")
    env = {**os.environ, "AUTOBE_DATABASE_URL": url, "AUTOBE_JWT_SECRET": SECRET}
    completed = subprocess.run([sys.executable, "-c", DRIVER, str(plan)], cwd=workspace,
                               capture_output=True, text=True, env=env, timeout=600,
                               check=False)
    line = next((x for x in completed.stdout.splitlines() if x.startswith(MARK)), None)
    assert line is not None, completed.stdout[-3000:] + completed.stderr[-6000:]
    report: dict[str, Any] = json.loads(line.removeprefix(MARK))
    assert "error" not in report, report["error"]
    return report
