"""Owner chains: nobody reaches another account's rows, through any route, parent or
body reference (the rows built first as users build them: tests/e2e/world.py).
"""

from __future__ import annotations

from typing import Any

from autobe_core.spec.access import operation_access, owner_chain
from autobe_core.spec.model import Actor, ProjectSpec
from autobe_core.spec.semantics import is_privileged
from tests.e2e.attacks.target import Target, new_account, refused
from tests.e2e.backends import request_schema
from tests.e2e.world import World, body_for, fill_path, make_rows, param_models, public_account


def owned(spec: ProjectSpec, model_name: str, actor: Actor) -> bool:
    """Whether rows of the model belong to accounts of ``actor`` (shared data and staff
    rows do not)."""
    model = spec.model(model_name)
    return (model is not None and not is_privileged(actor)
            and owner_chain(spec, model, actor) is not None)


NAMED = {
    "bbs": [("post", "/bbs/member/articles/{articleId}/tags"),
            ("delete", "/bbs/member/articles/{articleId}/tags/{articleTagId}"),
            ("post", "/bbs/member/articles/{articleId}/attachments")],
    "shopping": [("post", "/shoppingMall/customer/orders/{orderId}/payments"),
                 ("post", "/shoppingMall/customer/carts/{cartId}/cartItems"),
                 ("patch", "/shoppingMall/customer/carts/{cartId}/cartItems"),
                 ("patch", "/shoppingMall/seller/orders/{orderId}/payments")],
}
"""Attacks the issue names, by backend: each must be among those made (and refused)."""

ATTACK_ORDER = ("create", "at", "index", "update", "erase")
"""Erases last: one wrongly allowed would take the rows later attacks need."""


def test_nobody_reaches_another_accounts_rows_through_any_route(
    target: Target, world: World
) -> None:
    """The first account of every actor made rows through the API
    (:mod:`tests.e2e.world`: an order with its address and payment method, a cart item
    naming a seller's SKU). B, a new account of an actor, owns nothing: it calls every
    owner-scoped operation of its actor on those rows (the first account's of its actor
    where there is one, else another actor's: a seller on a customer's order), directly
    or through the parent the path names, a create with a body that names real rows:
    refused (403 / 404), or, for a list, that row not shown. The attacks the issue names
    are among them."""
    attacked: set[tuple[str, str]] = set()
    made: set[str] = set()
    anyone = {model: row.id for member in reversed(world.members)
              for model, row in member.rows.items()}
    for owner in world.members:
        actor = target.spec.actor(owner.actor)
        intruder = new_account(target, owner.actor) if actor is not None else None
        if actor is None or intruder is None:
            continue
        rows = {**anyone, **{model: row.id for model, row in owner.rows.items()}}
        made |= {m for m in rows if owned(target.spec, m, actor)}
        ops = sorted((op for op in target.guarded() if op.actor == actor.name
                      and op.kind in ATTACK_ORDER),
                     key=lambda op: ATTACK_ORDER.index(op.kind))
        for op in ops:
            models = param_models(target.spec, op)
            path = fill_path(op.path, rows, models) if models else None
            access = operation_access(target.spec, op)
            if path is None or access.chain is None:
                continue  # no row of the owner's to aim at, or shared data
            if op.kind == "create" and all(p.chain is None for p in access.parents):
                continue  # under a parent anyone may read (a comment on another's article)
            body: Any = None
            if request_schema(target.document, op.method, op.path) is not None:
                body = {} if op.kind != "create" else body_for(world, op, owner)
                if body is None:
                    continue
            answer = target.http.request(
                op.method.upper(), path, json=body,
                headers={"authorization": f"Bearer {intruder.tokens['access']}"})
            if op.kind == "index" and answer.status_code == 200:
                shown = {str(row.get("id")) for row in answer.json()["data"]}
                assert rows.get(op.model or "") not in shown, (op.endpoint, answer.text[:300])
            else:
                assert answer.status_code in (403, 404), (op.endpoint, answer.text[:300])
                refused(answer, answer.status_code)
            attacked.add((op.method, op.path))
    if made:
        assert attacked, f"rows of {sorted(made)} were made but no route reaches them"
    missing = [a for a in NAMED.get(target.name, []) if a not in attacked]
    assert not missing, f"named attacks never made (their rows were not built): {missing}"


NAMED_REFERENCES = {
    "shopping": [("post", "/shoppingMall/customer/orders/{orderId}/refunds",
                  "refunded_payment_id")],
}
"""Body references the attack below must reach, by backend."""


def test_a_body_cannot_name_another_accounts_rows(target: Target, world: World) -> None:
    """A create or update body naming a row its caller must own (the access model's
    references: a refund's payment, a review's order) refuses another account's row
    (404) and takes the caller's own. B, a new account, first makes its own rows (its
    own order, its own payment), then calls each such operation on its own parents, the
    reference set to the first account's row."""
    attacked: set[tuple[str, str, str]] = set()
    for owner in world.members:
        actor = target.spec.actor(owner.actor)
        intruder = public_account(world, owner.actor) if actor is not None else None
        if actor is None or intruder is None:
            continue
        for _ in range(3):  # its own rows first (references prefer them)
            make_rows(world, intruder)
        mine = {model: row.id for model, row in intruder.rows.items()}
        for op in target.spec.operations:
            access = operation_access(target.spec, op)
            models = param_models(target.spec, op) if op.actor == actor.name else None
            path = fill_path(op.path, mine, models) if models is not None else None
            body = body_for(world, op, intruder) if op.kind == "create" else {}
            if path is None or body is None or not access.references:
                continue
            for ref in access.references:
                if ref.target not in owner.rows:
                    continue
                answer = target.http.request(
                    op.method.upper(), path, headers=intruder.bearer(),
                    json={**body, ref.field: owner.rows[ref.target].id})
                refused(answer, 404, "not_found")
                if ref.target in mine and op.kind == "create":
                    answer = target.http.request(op.method.upper(), path,
                                                 headers=intruder.bearer(),
                                                 json={**body, ref.field: mine[ref.target]})
                    assert answer.status_code in (201, 409), (op.endpoint, answer.text[:300])
                attacked.add((op.method, op.path, ref.field))
    missing = [a for a in NAMED_REFERENCES.get(target.name, []) if a not in attacked]
    assert not missing, f"named body references never attacked: {missing}"
