"""Field values: URL fields refuse javascript: and data: URLs; clients cannot set the
fields the server owns.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from autobe_core.spec.model import Actor, Operation, ProjectSpec
from autobe_core.spec.roles import field_roles
from autobe_core.spec.semantics import is_privileged
from tests.e2e.attacks.target import (
    Target,
    fresh_accounts,
    refers_to_rows,
    refused,
    resolve_properties,
)
from tests.e2e.backends import example_value, request_schema
from tests.e2e.world import World, body_for, fill_path, param_models


def own_writes(target: Target, actor: Actor) -> list[Operation]:
    """``actor``'s join and its creates that name no parent in the path."""
    return [op for op in target.spec.operations if "{" not in op.path and (
        (op.kind == "join" and op.model == actor.model)
        or (op.kind == "create" and op.actor == actor.name))]


def uri_fields(spec: ProjectSpec, model_name: str | None) -> list[str]:
    model = spec.model(model_name) if model_name else None
    return [f.name for f in model.plain_fields if f.type == "uri"] if model else []


def test_url_fields_refuse_javascript_and_data_urls(target: Target) -> None:
    """Every join and create whose body takes a URL field refuses ``javascript:`` and
    ``data:`` URLs (422): http(s) only unless the spec says otherwise."""
    if not any(uri_fields(target.spec, m.name) for m in target.spec.models):
        pytest.skip("the backend has no URL field")
    attacked = 0
    for actor, account in fresh_accounts(target):  # no public join: nobody outside
        for op in own_writes(target, actor):
            schema = request_schema(target.document, op.method, op.path)
            if schema is None or refers_to_rows(target.document, schema):
                continue
            keys = set(resolve_properties(target.document, schema))
            headers = ({"authorization": f"Bearer {account.tokens['access']}"}
                       if op.kind == "create" else {})
            for name in (n for n in uri_fields(target.spec, op.model) if n in keys):
                for url in ("javascript:alert(document.cookie)", "data:text/html,<script>"):
                    body = {**example_value(target.document, schema), name: url}
                    answer = target.http.post(op.path, json=body, headers=headers)
                    refused(answer, 422, "invalid_request")
                    attacked += 1
    assert attacked, "the spec has URL fields but no public join or create took one"


def forced_value(spec: ProjectSpec, model_name: str, field_name: str) -> Any:
    """A value a client would like to force into a server-owned field."""
    model = spec.model(model_name)
    assert model is not None
    plain = model.plain(field_name)
    if plain is None:
        return str(uuid.uuid4())  # a key: someone else's account, a made-up row
    if plain.enum:
        return plain.enum[-1]
    return {"boolean": True, "int": 999999, "double": 999999.0, "decimal": "999999",
            "datetime": "2000-01-01T00:00:00Z", "uuid": str(uuid.uuid4())}.get(
        plain.type, "forced-by-the-client")


NAMED_FIELDS = {
    "bbs": [("bbs_articles", "pinned"), ("bbs_articles", "view_count"),
            ("bbs_article_reports", "status"), ("bbs_article_reports", "resolved_at"),
            ("bbs_article_reports", "bbs_moderator_id")],
    "shopping": [("shopping_mall_sellers", "approval_status"),
                 ("shopping_mall_sellers", "email_verified"),
                 ("shopping_mall_orders", "status"), ("shopping_mall_orders", "order_total"),
                 ("shopping_mall_orders", "order_number"),
                 ("shopping_mall_cart_items", "unit_price_snapshot")],
}
"""Server-owned fields the issue names, by backend: each must be among those attacked."""


def test_clients_cannot_set_server_owned_fields(target: Target, world: World) -> None:
    """Every public join, and every create of every actor with a path and a body naming
    real rows (:mod:`tests.e2e.world`: an order with its address and payment method),
    given a value for a field the server owns (field roles: status and verification
    flags, counters, totals, owner keys, timestamps, the primary key): refused 422, or the
    row does not hold it. The fields the issue names are among them."""
    attacked: set[tuple[str, str]] = set()
    anyone = {model: row.id for member in reversed(world.members)
              for model, row in member.rows.items()}
    for member in world.members:
        actor = target.spec.actor(member.actor)
        assert actor is not None
        writes = [op for op in target.spec.operations if op.model is not None and (
            (op.kind == "join" and op.model == actor.model and not is_privileged(actor))
            or (op.kind == "create" and op.actor == actor.name))]
        for op in writes:
            model = target.spec.model(op.model or "")
            models = param_models(target.spec, op)
            rows = {**anyone, **{m: row.id for m, row in member.rows.items()}}
            path = fill_path(op.path, rows, models) if models is not None else None
            if model is None or path is None or body_for(world, op, member) is None:
                continue
            headers = member.bearer() if op.kind == "create" else {}
            for name, decision in field_roles(target.spec, model).items():
                if decision.role == "client":
                    continue
                forced = forced_value(target.spec, model.name, name)
                answer = target.http.post(path, json={**body_for(world, op, member),
                                                      name: forced}, headers=headers)
                if answer.status_code == 409:
                    continue  # one row per parent (a customer's one cart): made already
                if answer.status_code == 201:
                    row = answer.json()
                    assert str(row.get(name, "absent")) != str(forced), (op.endpoint, name)
                else:
                    refused(answer, 422, "invalid_request")
                attacked.add((model.name, name))
    assert attacked, "no public join or create could be given a server-owned field"
    missing = [f for f in NAMED_FIELDS.get(target.name, []) if f not in attacked]
    assert not missing, f"named server-owned fields never attacked: {missing}"
