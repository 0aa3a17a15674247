"""The attack suite: attacks on live generated backends, every one refused.

Each backend (todo and bbs from fixtures/; AutoBe's gpt-4.1 shopping and reddit imported,
slow) is served by uvicorn on loopback from a SQLite file migrated by ``autobe db
upgrade`` and attacked over real HTTP with httpx, as a client on the network would. The
attacks are derived from the project's spec (who must call each operation) and from the
backend's OpenAPI document (the bodies its routes take), never from the generated code.

Refused so far, on every operation they apply to:
- probing: unknown routes (404) and wrong methods (405) answer the one error shape and
  leak nothing of the framework (no ``detail``, no traceback);
- malformed input: a body that is not JSON answers 422 with the error shape;
- no token, a garbage token, a token signed with another secret, an unsigned (``alg:
  none``) token: 401 on every operation a principal must call;
- a refresh token used as an access token: 401;
- a real principal of one actor calling another actor's operation: 403;
- another account's rows: the first account of every actor makes rows through the API
  (tests/e2e/world.py: parents first, body references to real rows, a privileged actor's
  account by ``autobe admin create``); a new account of an actor, owning nothing, calls
  every owner-scoped operation of its actor on them (the first account's of its actor,
  else another actor's), directly or through the parent the path names: 403 / 404, or the
  row absent from a list. Among them the attacks issue 11 names: on bbs, tagging,
  untagging and attaching files to another's article; on shopping, a payment on another's
  order, an item in another's cart, listing another's cart items, a seller listing the
  payments of an order that is not theirs;
- a privileged actor's join without a privileged principal (401) or with another actor's
  (403);
- after logout, the account's access and refresh tokens (401); a refresh token used twice
  (401);
- an e-mail differing only in case joins again (409) and signs in to the same account;
- ``javascript:`` and ``data:`` URLs in URL fields (422);
- values for fields the server owns (field roles) on every public join and create: 422,
  or the row does not hold them.

Not here yet: login timing, a missing secret, a deleted account's token.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from autobe_core.service import ProjectService
from autobe_core.spec.access import operation_access, owner_chain
from autobe_core.spec.model import Actor, Operation, ProjectSpec
from autobe_core.spec.roles import field_roles
from autobe_core.spec.semantics import is_privileged
from tests.e2e.backends import (
    EXAMPLES,
    backend_env,
    build,
    example_value,
    free_port,
    live_url,
    openapi_document,
    request_schema,
    served,
)
from tests.e2e.world import (
    World,
    body_for,
    fill_path,
    make_rows,
    param_models,
    populate,
    public_account,
)

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


@pytest.fixture(scope="module", params=BACKENDS)
def target(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    source = str(request.param)
    directory = tmp_path_factory.mktemp("attacks")
    project = build(source, directory / source.replace(":", "/").rpartition("/")[2])
    document = openapi_document(project)
    spec = ProjectService.open(project).spec()
    with served(project, directory) as base, httpx.Client(base_url=base, timeout=60) as http:
        yield Target(name=project.name, spec=spec, document=document, http=http,
                     project=project, url=live_url(project, directory))


@pytest.fixture(scope="module")
def world(target: Target) -> World:
    """Rows every actor's first account made (:func:`tests.e2e.world.populate`)."""
    return populate(World(target.spec, target.document, target.http), target.project,
                    target.url)


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


# ------------------------------------------------------------------------ probing


def test_unknown_routes_and_methods_answer_the_error_shape(target: Target) -> None:
    refused(target.http.get("/no/such/route"), 404, "not_found")
    refused(target.http.get("/../../etc/passwd"), 404, "not_found")
    refused(target.http.get("/docs/../admin"), 404, "not_found")
    refused(target.http.request("PURGE", "/health"), 405, "method_not_allowed")
    refused(target.http.delete("/health"), 405, "method_not_allowed")


def test_a_body_that_is_not_json_is_422_on_every_operation(target: Target) -> None:
    for op in target.spec.operations:
        if request_schema(target.document, op.method, op.path) is None:
            continue
        path = "/".join(str(uuid.uuid4()) if s.startswith("{") else s
                        for s in op.path.split("/"))
        answer = target.http.request(op.method.upper(), path, content=b'{"a": [1, 2',
                                     headers={"content-type": "application/json"})
        refused(answer, 422, "invalid_request")


# ------------------------------------------------------------------------ tokens


def forged(actor: str, secret: str | None) -> str:
    """An access token for ``actor``'s made-up account, signed with ``secret`` (a secret
    that is not the server's) or unsigned (``alg: none``) when ``secret`` is None."""
    now = int(time.time())
    claims = {"actor": actor, "sub": str(uuid.uuid4()), "type": "access", "kind": "access",
              "iat": now, "exp": now + 3600, "ver": 0, "jti": uuid.uuid4().hex}
    if secret is not None:
        return jwt.encode(claims, secret, algorithm="HS256")

    def part(data: dict[str, Any]) -> str:
        raw = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def test_guarded_operations_refuse_missing_and_forged_tokens(target: Target) -> None:
    guarded = target.guarded()
    assert guarded, "the backend has no operation a principal must call"
    for op in guarded:
        assert op.actor is not None
        refused(target.call(op), 401, "unauthorized")
        for token in ("garbage", forged(op.actor, "not-the-server-secret-" + "x" * 20),
                      forged(op.actor, None)):
            refused(target.call(op, token), 401, "unauthorized")


def test_a_refresh_token_is_not_an_access_token(target: Target) -> None:
    attacked = 0
    for actor in target.spec.actors:
        tokens = public_join(target, actor.name)
        if tokens is None:
            continue
        for op in target.guarded():
            if op.actor == actor.name:
                refused(target.call(op, tokens["refresh"]), 401, "unauthorized")
                attacked += 1
    assert attacked, "no actor with a public join calls a guarded operation"


def test_a_principal_of_one_actor_cannot_call_another_actors_operations(
    target: Target,
) -> None:
    attacked = 0
    for actor in target.spec.actors:
        tokens = public_join(target, actor.name)
        if tokens is None:
            continue
        for op in target.guarded():
            if op.actor != actor.name:
                refused(target.call(op, tokens["access"]), 403, "forbidden")
                attacked += 1
    if len(target.spec.actors) > 1:
        assert attacked, "no actor's principal was tried on another actor's operations"


# ------------------------------------------------------------------------ accounts


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


def test_privileged_actors_cannot_join_publicly(target: Target) -> None:
    privileged = [a for a in target.spec.actors if is_privileged(a)]
    others = [a for a in target.spec.actors if not is_privileged(a)]
    if not privileged:
        pytest.skip("the backend has no privileged actor")
    for actor in privileged:
        op = join_op(target, actor.name)
        if op is None:
            continue
        schema = request_schema(target.document, op.method, op.path)
        body = example_value(target.document, schema) if schema else {}
        refused(target.http.request(op.method.upper(), op.path, json=body), 401,
                "unauthorized")
        for other in others:
            account = new_account(target, other.name)
            if account is None:
                continue
            answer = target.http.request(
                op.method.upper(), op.path, json=body,
                headers={"authorization": f"Bearer {account.tokens['access']}"})
            refused(answer, 403, "forbidden")


def test_logout_revokes_every_token_of_the_account(target: Target) -> None:
    attacked = 0
    for actor, account in fresh_accounts(target):
        call = an_allowed_call(target, actor.name)
        logout = next((p for p, item in target.document["paths"].items()
                       if p.endswith("/logout") and f"/{actor.name}/" in p and "post" in item),
                      None)
        if call is None or logout is None:
            continue
        bearer = {"authorization": f"Bearer {account.tokens['access']}"}
        assert target.call(call, account.tokens["access"]).status_code == 200
        assert target.http.post(logout, headers=bearer).status_code == 204
        refused(target.call(call, account.tokens["access"]), 401, "unauthorized")
        refresh = join_op(target, actor.name, "refresh")
        assert refresh is not None
        refused(target.http.post(refresh.path,
                                 json={"refresh_token": account.tokens["refresh"]}),
                401, "unauthorized")
        attacked += 1
    assert attacked, "no actor could be signed in and out"


def test_a_refresh_token_works_once(target: Target) -> None:
    attacked = 0
    for actor, account in fresh_accounts(target):
        refresh = join_op(target, actor.name, "refresh")
        if refresh is None:
            continue
        body = {"refresh_token": account.tokens["refresh"]}
        assert target.http.post(refresh.path, json=body).status_code == 200
        refused(target.http.post(refresh.path, json=body), 401, "unauthorized")
        attacked += 1
    assert attacked, "no actor has a public join and a refresh"


def test_emails_differing_in_case_are_one_account(target: Target) -> None:
    attacked = 0
    for actor, account in fresh_accounts(target):
        emails = [k for k, v in account.credentials.items()
                  if isinstance(v, str) and "@" in v and k != "password"]
        if not emails:
            continue
        key = emails[0]
        variant = account.credentials[key].upper()
        op = join_op(target, actor.name)
        login = join_op(target, actor.name, "login")
        assert op is not None and login is not None
        schema = request_schema(target.document, op.method, op.path)
        body = {**(example_value(target.document, schema) if schema else {}), key: variant}
        refused(target.http.post(op.path, json=body), 409, "conflict")
        signed_in = target.http.post(login.path, json={**account.credentials, key: variant})
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["id"] is not None
        attacked += 1
    assert attacked, "no actor signs in with an e-mail"


def test_a_deleted_accounts_token_is_refused(target: Target, world: World) -> None:
    """An account a privileged principal erases (``DELETE`` on the actor's own model):
    its access and refresh tokens are refused (401) from then on."""
    attacked = 0
    for actor in target.spec.actors:
        erase = next((op for op in target.spec.operations if op.kind == "erase"
                      and op.model == actor.model and op.actor is not None), None)
        staff = next((m for m in world.members if m.actor == (erase.actor if erase else "")),
                     None)
        call = an_allowed_call(target, actor.name)
        account = new_account(target, actor.name)
        if erase is None or staff is None or call is None or account is None:
            continue
        assert target.call(call, account.tokens["access"]).status_code == 200
        claims = jwt.decode(account.tokens["access"], options={"verify_signature": False})
        path = erase.path.replace(erase.path[erase.path.index("{"):erase.path.index("}") + 1],
                                  str(claims["sub"]))
        assert target.http.delete(path, headers=staff.bearer()).status_code == 204, path
        refused(target.call(call, account.tokens["access"]), 401, "unauthorized")
        refresh = join_op(target, actor.name, "refresh")
        if refresh is not None:
            refused(target.http.post(refresh.path,
                                     json={"refresh_token": account.tokens["refresh"]}),
                    401, "unauthorized")
        attacked += 1
    if target.name == "bbs":
        assert attacked, "bbs's administrators erase members, yet no token was tried"


def test_login_costs_the_same_for_an_unknown_email(target: Target) -> None:
    """A wrong password for an e-mail nobody has takes as long as for an account that
    exists (both verify a password hash): the answer does not tell which e-mails have
    accounts. Medians of interleaved attempts; a login that skipped the hash for an
    unknown e-mail would take a few percent of the time."""
    for actor, account in fresh_accounts(target):
        login = join_op(target, actor.name, "login")
        emails = [k for k, v in account.credentials.items()
                  if isinstance(v, str) and "@" in v and k != "password"]
        if login is None or not emails:
            continue
        known = {**account.credentials, "password": "Wrong-passw0rd!"}
        unknown = {**known, emails[0]: f"nobody.{uuid.uuid4().hex}@example.com"}
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for _ in range(7):
            for label, body in (("known", known), ("unknown", unknown)):
                start = time.perf_counter()
                answer = target.http.post(login.path, json=body)
                times[label].append(time.perf_counter() - start)
                refused(answer, 401, "unauthorized")
        known_median = sorted(times["known"])[3]
        unknown_median = sorted(times["unknown"])[3]
        assert unknown_median >= 0.5 * known_median, times
        return
    pytest.skip("no actor with a public join and a login by e-mail")


def test_the_app_refuses_to_start_without_a_secret(target: Target) -> None:
    """No ``AUTOBE_JWT_SECRET``: uvicorn, as a deployment runs it, does not start the app
    (there is no default secret to sign with) and the log says which variable to set."""
    env = {**backend_env(target.url), "AUTOBE_JWT_SECRET": ""}
    env.pop("AUTOBE_JWT_SECRET")
    done = subprocess.run([sys.executable, "-m", "uvicorn", "app.main:app", "--host",
                           "127.0.0.1", "--port", str(free_port())],
                          cwd=target.project / "backend", env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0, done.stdout
    assert "AUTOBE_JWT_SECRET" in done.stderr + done.stdout, done.stderr[-2000:]


# ------------------------------------------------------------------------ owner chains


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


# ------------------------------------------------------------------------ field values


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
