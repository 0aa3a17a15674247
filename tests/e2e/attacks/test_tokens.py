"""Tokens: missing, garbage, forged, unsigned and misused tokens; another actor's token;
tokens after logout, after their account is erased, a refresh used twice; login time
for unknown e-mails; an app without a signing secret.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import uuid
from typing import Any

import jwt
import pytest

from tests.e2e.attacks.target import (
    Target,
    an_allowed_call,
    fresh_accounts,
    join_op,
    new_account,
    public_join,
    refused,
)
from tests.e2e.backends import backend_env, free_port
from tests.e2e.world import World


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
