"""Accounts: a privileged actor's public join, and e-mails differing only in case.
"""

from __future__ import annotations

import pytest

from autobe_core.spec.semantics import is_privileged
from tests.e2e.attacks.target import Target, fresh_accounts, join_op, new_account, refused
from tests.e2e.backends import example_value, request_schema


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
