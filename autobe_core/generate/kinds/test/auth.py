"""Tests of the authentication operations (join, login, refresh) and of custom ones."""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.crud import (
    auth_error_tests,
    caller_setup,
    error,
    request,
    status,
    valid_body_function,
)
from autobe_core.generate.kinds.test.render import TestModule, db_comparable, fit

TOKEN_CHECKS = [
    'assert isinstance(data["token"]["access"], str) and data["token"]["access"]',
    'assert isinstance(data["token"]["refresh"], str) and data["token"]["refresh"]',
]


def add_join(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    fields = s.body_fields
    valid_body_function(m, fields)
    setup = ["body = valid_body(session)", "session.commit()"]
    call = request(m, "url()", json="body")
    names = {f.name for f in fields}
    password = next((f for f in fields if f.role == "password"), None)
    checks = [f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
              f"{m.uuid()}.UUID(data[{py_str(s.model.primary)}]))", "assert stored is not None"]
    checks += [f"assert stored.{f.source} == body[{py_str(f.name)}]"
               for f in fields if db_comparable(f)]
    if password is not None and s.password_field:
        stored_hash = f"stored.{s.password_field}"
        checks += [f"assert {stored_hash} != body[{py_str(password.name)}]",
                   f"assert {m.security('verify_password')}(body[{py_str(password.name)}], "
                   f"{stored_hash})"]
    m.add("test_join_creates_the_account", "Joining creates the account and returns tokens.",
          [*setup, call, status(201), "data = response.json()", *TOKEN_CHECKS, *checks])

    optional = [f for f in fields if not f.required]
    if optional:
        m.add("test_join_without_optional_fields", "Optional fields may be left out.",
              [setup[0], *[f"del body[{py_str(f.name)}]" for f in optional], setup[1], call,
               status(201)])
    if password is not None:
        shortest = fit("p", password.min_length, password.min_length)
        m.add("test_join_accepts_minimum_length_password",
              "A password of exactly the minimum length is accepted.",
              [setup[0], f"body[{py_str(password.name)}] = {py_str(shortest)}", setup[1], call,
               status(201)])
    if s.identity_field and s.identity_field in names:
        m.add("test_join_duplicate_identity_is_409", "An identity already taken conflicts.",
              [*setup, call, status(201), call, *error(409, "conflict")])
    required = [f for f in fields if f.required]
    broken: list[str] = []
    json = "body"
    if password is not None:
        broken.append(f"del body[{py_str(password.name)}]")
        doc = "A body without a password is rejected."
    elif required:
        broken.append(f"del body[{py_str(required[0].name)}]")
        doc = "A body without a required field is rejected."
    else:
        json, doc = "[body]", "A body that is not an object is rejected."
    m.add("test_join_invalid_body_is_422", doc,
          [setup[0], *broken, setup[1], request(m, "url()", json=json), status(422)])


def _account_lines(m: TestModule, deleted: bool = False) -> list[str]:
    account = m.s.account
    assert account is not None
    override = f", deleted_at={m.helper('utc_now')}()" if deleted else ""
    return [f"account = {m.factory(account.model)}(session{override})", "session.commit()"]


def add_login(m: TestModule) -> None:
    s = m.s
    if s.account is None or not s.identity_field:
        m.add("test_login_invalid_body_is_422", "A body without credentials is rejected.",
              [request(m, "url()", json="{}"), status(422)])
        return
    setup = _account_lines(m)
    identity = py_str(s.identity_field)
    password = m.helper("DEFAULT_PASSWORD")

    def call(identity_value: str, password_value: str | None) -> str:
        body = f"{identity}: {identity_value}"
        if password_value is not None:
            body += f', "password": {password_value}'
        return request(m, "url()", json=f"{{{body}}}")

    mine = f"account.{s.identity_field}"
    m.add("test_login_returns_tokens", "The right identity and password log in.",
          [*setup, call(mine, password), status(200), "data = response.json()",
           f"assert data[\"id\"] == str({m.helper('key_of')}(account))", *TOKEN_CHECKS])
    m.add("test_login_password_is_case_sensitive", "The password must match exactly.",
          [*setup, call(mine, f"{password}.upper()"), *error(401, "unauthorized")])
    m.add("test_login_wrong_password_is_401", "A wrong password is refused.",
          [*setup, call(mine, f'"wrong-" + {password}'), *error(401, "unauthorized")])
    m.add("test_login_unknown_identity_is_401", "An identity nobody has is refused.",
          [*setup, call(py_str("nobody@example.com"), password), *error(401, "unauthorized")])
    m.add("test_login_without_password_is_422", "A body without the password is rejected.",
          [*setup, call(mine, None), status(422)])
    if s.model is not None and s.model.soft_delete:
        m.add("test_login_soft_deleted_account_is_401", "A closed account cannot log in.",
              [*_account_lines(m, deleted=True), call(mine, password),
               *error(401, "unauthorized")])


def add_refresh(m: TestModule) -> None:
    s = m.s
    if s.account is None:
        m.add("test_refresh_invalid_body_is_422", "A body without a token is rejected.",
              [request(m, "url()", json="{}"), status(422)])
        return
    setup = [*_account_lines(m),
             f"tokens = {m.security('issue_tokens')}(ACTOR, {m.helper('key_of')}(account))"]

    def call(token: str) -> str:
        return request(m, "url()", json=f'{{"refresh_token": {token}}}')

    m.add("test_refresh_returns_new_tokens", "A refresh token gives new tokens.",
          [*setup, call("tokens.refresh"), status(200), "data = response.json()",
           f"assert data[\"id\"] == str({m.helper('key_of')}(account))", *TOKEN_CHECKS])
    m.add("test_refresh_tokens_belong_to_the_account",
          "The new access token authenticates the same account as the same actor.",
          [*setup, call("tokens.refresh"), status(200),
           'access = response.json()["token"]["access"]',
           f"assert {m.security('decode_token')}(access, \"access\") == "
           f"(ACTOR, {m.helper('key_of')}(account))"])
    m.add("test_refresh_garbage_token_is_401", "A string that is no token is refused.",
          [*setup, call(py_str("not-a-token")), *error(401, "unauthorized")])
    m.add("test_refresh_with_access_token_is_401", "An access token cannot refresh.",
          [*setup, call("tokens.access"), *error(401, "unauthorized")])
    m.add("test_refresh_without_token_is_422", "A body without the token is rejected.",
          [*setup, request(m, "url()", json="{}"), status(422)])
    if s.model is not None and s.model.soft_delete:
        deleted = [*_account_lines(m, deleted=True), setup[-1]]
        m.add("test_refresh_soft_deleted_account_is_401", "A closed account cannot refresh.",
              [*deleted, call("tokens.refresh"), *error(401, "unauthorized")])


def add_custom(m: TestModule) -> None:
    setup, auth = caller_setup(m)
    url = m.url([m.missing_value(p) for p in m.s.params])
    m.add("test_custom_is_not_implemented", "The operation answers 501 until it is realized.",
          [*setup, "session.commit()", request(m, url, auth=auth),
           *error(501, "not_implemented")])
    auth_error_tests(m, "custom", setup, url, None)
