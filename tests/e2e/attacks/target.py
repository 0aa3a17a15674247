"""A live generated backend under attack, and what every attack module asks of it.

:class:`Target` (the spec, the OpenAPI document, an HTTP client on loopback, where it
is served from), the backends attacked (:data:`BACKENDS`), :func:`refused` (the one
error shape, nothing leaked), and accounts made by public joins.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from autobe_core.spec.model import Actor, Operation, ProjectSpec
from tests.e2e.backends import EXAMPLES, example_value, request_schema

AUTH_KINDS = ("join", "login", "refresh")
EXAMPLE_MARKS = [pytest.mark.slow, pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"the AutoBe examples are not at {EXAMPLES}")]
BACKENDS = [
    pytest.param("fixture:todo", id="todo", marks=pytest.mark.xdist_group("attack_todo")),
    pytest.param("fixture:bbs", id="bbs", marks=pytest.mark.xdist_group("attack_bbs")),
    pytest.param("example:openai__gpt-4.1/shopping", id="shopping",
                 marks=[*EXAMPLE_MARKS, pytest.mark.xdist_group("attack_shopping")]),
    pytest.param("example:openai__gpt-4.1/reddit", id="reddit",
                 marks=[*EXAMPLE_MARKS, pytest.mark.xdist_group("attack_reddit")]),
]


@dataclass
class Target:
    """A live backend under attack."""

    name: str
    spec: ProjectSpec
    document: dict[str, Any]
    http: httpx.Client
    project: Path
    url: str
    """The database it serves from."""
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    """Actor -> the token pair of an account the attacker made by its public join."""

    def guarded(self) -> list[Operation]:
        """The operations a principal of their actor must call."""
        return [op for op in self.spec.operations
                if op.actor is not None and op.kind not in AUTH_KINDS]

    def call(self, op: Operation, token: str | None = None,
             body: Any = None) -> httpx.Response:
        """``op`` on made-up path parameters (a fresh uuid each), with ``body`` (default:
        an empty JSON object when it takes one) and ``token`` as its bearer."""
        path = "/".join(str(uuid.uuid4()) if s.startswith("{") else s
                        for s in op.path.split("/"))
        headers = {"authorization": f"Bearer {token}"} if token is not None else {}
        if body is None and request_schema(self.document, op.method, op.path) is not None:
            body = {}
        return self.http.request(op.method.upper(), path, headers=headers,
                                 json=body if body is not None else None)




def refused(response: httpx.Response, status: int, code: str | None = None) -> None:
    """The attack got ``status`` with the one error shape, and nothing else leaked."""
    assert response.status_code == status, (response.request.method, response.request.url,
                                            response.status_code, response.text[:500])
    body = response.json()
    assert isinstance(body, dict) and set(body) <= {"code", "message", "details"}, body
    assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str), body
    assert "Traceback" not in response.text
    if code is not None:
        assert body["code"] == code, body


def public_join(target: Target, actor: str) -> dict[str, str] | None:
    """The token pair of a new account of ``actor`` made by its public join (None: the
    actor has no join anyone may call)."""
    if actor in target.tokens:
        return target.tokens[actor]
    for op in target.spec.operations:
        model = next(a.model for a in target.spec.actors if a.name == actor)
        if op.kind != "join" or (op.actor or "") not in (actor, "") or op.model != model:
            continue
        schema = request_schema(target.document, op.method, op.path)
        if schema is not None and refers_to_rows(target.document, schema):
            return None  # its join names other rows (reddit's moderator: a community)
        body = example_value(target.document, schema) if schema is not None else {}
        answer = target.http.request(op.method.upper(), op.path, json=body)
        if answer.status_code in (401, 403):
            return None  # a privileged actor: nobody joins it publicly
        assert answer.status_code == 201, (op.endpoint, body, answer.text[:500])
        pair = answer.json()["token"]
        target.tokens[actor] = {"access": pair["access"], "refresh": pair["refresh"]}
        return target.tokens[actor]
    return None


def refers_to_rows(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether a body must name existing rows (a required uuid): a made-up one is 409."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    required = set(schema.get("required", []))
    return any(key in required and value.get("format") == "uuid"
               for key, value in schema.get("properties", {}).items())




@dataclass
class Account:
    """An account the attacker made by a public join: its login body and token pair."""

    actor: str
    credentials: dict[str, Any]
    tokens: dict[str, str]


def join_op(target: Target, actor: str, kind: str = "join") -> Operation | None:
    model = next(a.model for a in target.spec.actors if a.name == actor)
    return next((op for op in target.spec.operations if op.kind == kind
                 and op.model == model and (op.actor or actor) == actor), None)


def new_account(target: Target, actor: str, **overrides: Any) -> Account | None:
    """A fresh account of ``actor`` by its public join (None: no public join)."""
    op, login = join_op(target, actor), join_op(target, actor, "login")
    if op is None or login is None:
        return None
    schema = request_schema(target.document, op.method, op.path)
    if schema is not None and refers_to_rows(target.document, schema):
        return None
    body = {**(example_value(target.document, schema) if schema else {}), **overrides}
    answer = target.http.request(op.method.upper(), op.path, json=body)
    if answer.status_code in (401, 403):
        return None
    assert answer.status_code == 201, (op.endpoint, body, answer.text[:500])
    login_schema = request_schema(target.document, login.method, login.path)
    assert login_schema is not None
    keys = set(resolve_properties(target.document, login_schema))
    pair = answer.json()["token"]
    return Account(actor, {k: v for k, v in body.items() if k in keys},
                   {"access": pair["access"], "refresh": pair["refresh"]})


def fresh_accounts(target: Target) -> Iterator[tuple[Actor, Account]]:
    """Each actor with a public join, and a fresh account of it."""
    for actor in target.spec.actors:
        account = new_account(target, actor.name)
        if account is not None:
            yield actor, account


def resolve_properties(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    properties: dict[str, Any] = schema.get("properties", {})
    return properties


def an_allowed_call(target: Target, actor: str) -> Operation | None:
    """An operation ``actor``'s principal may call with an empty body and no path: a list."""
    return next((op for op in target.guarded() if op.actor == actor and op.kind == "index"
                 and "{" not in op.path), None)
