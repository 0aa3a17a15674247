"""Rows on a live backend, made through its API by accounts of every actor.

An attack on another's rows needs those rows first, and real ones: an order names an
address and a payment method, a cart item a product's SKU, a bbs article a category an
administrator made. :func:`populate` builds them as users would: for every actor an
account (its public join; a privileged actor's first account by ``autobe admin create``,
then its login), and that account calls every create of its actor, in passes, parents
first. A path parameter, and a body field that names a row of another model (a required
uuid that is a foreign field of the operation's model), gets a row this account made,
else one another account made (a customer's cart item names a seller's SKU). What was
made is recorded per account: the row, the path and the body of each create that
answered 201, so an intruder can repeat the owner's exact call.

Only the spec (models, foreign fields, path bindings) and the OpenAPI document (the
bodies the routes take) are read, never the generated code.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from autobe_cli.main import cli
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import path_parameters
from autobe_core.spec.semantics import is_privileged, param_bindings
from tests.e2e.backends import example_value, request_schema, resolve

PASSES = 4
"""Rounds over every create: a row whose parents another round makes comes later."""

PASSWORD = "Corr3ct-horse-" + secrets.token_hex(4)
"""The password of the privileged accounts ``autobe admin create`` makes."""


@dataclass
class Made:
    """A create that answered 201: where it was called and with what."""

    path: str
    body: Any
    id: str


@dataclass
class Member:
    """An account of an actor and what it made: model -> the first row it made of it."""

    actor: str
    token: str
    rows: dict[str, Made] = field(default_factory=dict)

    def bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}


@dataclass
class World:
    spec: ProjectSpec
    document: dict[str, Any]
    http: httpx.Client
    members: list[Member] = field(default_factory=list)

    def row(self, model: str, prefer: Member) -> str | None:
        """A row of ``model``: ``prefer``'s own, else any account's."""
        if model in prefer.rows:
            return prefer.rows[model].id
        return next((m.rows[model].id for m in self.members if model in m.rows), None)


def param_models(spec: ProjectSpec, op: Operation) -> dict[str, str] | None:
    """Path parameter -> the model whose row it selects (None: one cannot be told)."""
    model = spec.model(op.model) if op.model else None
    if model is None:
        return None
    result: dict[str, str] = {}
    bindings = dict(param_bindings(spec, op))
    for name in path_parameters(op.path):
        field_name = bindings.get(name)
        foreign = model.foreign(field_name) if field_name else None
        if field_name == model.primary_field.name:
            result[name] = model.name
        elif foreign is not None:
            result[name] = foreign.relation.target_model
        else:
            return None
    return result


def fill_path(path: str, rows: dict[str, str], models: dict[str, str]) -> str | None:
    """``path`` with each parameter replaced by the id of a row of its model (None: a
    model has no row)."""
    for name, model in models.items():
        if model not in rows:
            return None
        path = path.replace("{" + name + "}", rows[model])
    return path


def body_for(world: World, op: Operation, member: Member) -> Any:
    """A valid body of ``op`` whose row references are real rows (None: a reference has
    no row yet, or names what the spec cannot tell)."""
    schema = request_schema(world.document, op.method, op.path)
    if schema is None:
        return {}
    body = example_value(world.document, schema)
    resolved = resolve(world.document, schema)
    model = world.spec.model(op.model) if op.model else None
    for key, value in resolved.get("properties", {}).items():
        if key not in resolved.get("required", []) or value.get("format") != "uuid":
            continue
        foreign = model.foreign(key) if model is not None else None
        row = world.row(foreign.relation.target_model, member) if foreign else None
        if row is None:
            return None
        body[key] = row
    return body


def admin_account(world: World, project: Path, url: str, actor: str) -> Member | None:
    """The first account of privileged ``actor`` (``autobe admin create``), signed in."""
    login = next((op for op in world.spec.operations if op.kind == "login"
                  and op.model == _actor_model(world.spec, actor)), None)
    if login is None:
        return None
    email = f"staff.{secrets.token_hex(4)}@example.com"
    join = next((op for op in world.spec.operations if op.kind == "join"
                 and op.model == login.model), None)
    schema = request_schema(world.document, join.method, join.path) if join else None
    others = example_value(world.document, schema) if schema is not None else {}
    settings = [part for key, value in others.items() if key not in ("email", "password")
                for part in ("--set", f"{key}={_text(value)}")]
    made = CliRunner().invoke(
        cli, ["-C", str(project), "admin", "create", "--url", url, "--actor", actor,
              "--email", email, "--password-stdin", *settings],
        input=PASSWORD + "\n", env={"AUTOBE_DATABASE_URL": None})
    if made.exit_code != 0:
        return None  # its join names other rows: not made outside the API
    answer = world.http.post(login.path, json={"email": email, "password": PASSWORD})
    assert answer.status_code in (200, 201), (login.endpoint, answer.text[:300])
    return Member(actor, answer.json()["token"]["access"])


def _text(value: Any) -> str:
    """A join body's value as ``--set`` takes it."""
    return value if isinstance(value, str) else json.dumps(value)


def public_account(world: World, actor: str) -> Member | None:
    """A new account of ``actor`` by its public join (None: none anyone may call)."""
    model = _actor_model(world.spec, actor)
    join = next((op for op in world.spec.operations if op.kind == "join"
                 and op.model == model and (op.actor or actor) == actor), None)
    if join is None:
        return None
    body = Member(actor, "")
    payload = body_for(world, join, body)
    if payload is None:
        return None
    answer = world.http.request(join.method.upper(), join.path, json=payload)
    if answer.status_code != 201:
        return None
    return Member(actor, answer.json()["token"]["access"])


def _actor_model(spec: ProjectSpec, actor: str) -> str:
    return next(a.model for a in spec.actors if a.name == actor)


def make_rows(world: World, member: Member) -> int:
    """One pass of ``member``'s creates; how many new rows it made."""
    made = 0
    for op in world.spec.operations:
        if op.actor != member.actor or op.kind != "create" or op.model is None \
                or op.model in member.rows:
            continue
        models = param_models(world.spec, op)
        if models is None:
            continue
        rows = {model: row for model in models.values()
                if (row := world.row(model, member)) is not None}
        path = fill_path(op.path, rows, models)
        body = body_for(world, op, member)
        if path is None or body is None:
            continue
        answer = world.http.request(op.method.upper(), path, json=body,
                                    headers=member.bearer())
        if answer.status_code == 201:
            member.rows[op.model] = Made(path, body, str(answer.json()["id"]))
            made += 1
    return made


def populate(world: World, project: Path, url: str) -> World:
    """Every actor's account (two for each actor anyone may join: the owner first, then
    the one that attacks it, with no rows) and the rows the owners make."""
    owners: list[Member] = []
    for actor in world.spec.actors:
        owner = (admin_account(world, project, url, actor.name) if is_privileged(actor)
                 else public_account(world, actor.name))
        if owner is not None:
            owners.append(owner)
    world.members = list(owners)
    for _ in range(PASSES):
        if not sum(make_rows(world, owner) for owner in owners):
            break
    return world
