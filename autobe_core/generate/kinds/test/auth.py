"""Tests of the authentication operations (join, login, refresh) and of custom ones.

Besides each operation's normal and error cases, the token rules (docs/security.md): an
e-mail identity is stored lowercased and a case variant neither makes a second account nor
fails to log in; logout refuses the tokens issued before, and so does deleting the
account; a refresh token used twice is refused and revokes what its first use gave; the
join of a privileged actor is refused without a privileged principal (401) and to a
principal of another actor (403), and allowed with one.
"""

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


def _staff_setup(m: TestModule) -> tuple[list[str], str | None]:
    """The join of a privileged actor: lines making a privileged account, and the headers
    expression authenticating as it (None: a public join)."""
    staff = m.s.staff
    if staff is None:
        return [], None
    return ([f"staff = {m.factory(staff.model)}(session)"],
            f"{m.helper('bearer')}({py_str(staff.actor)}, staff)")


def add_join(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    fields = s.body_fields
    valid_body_function(m, fields)
    staff, auth = _staff_setup(m)
    setup = [*staff, "body = valid_body(session)", "session.commit()"]
    call = request(m, "url()", json="body", auth=auth)
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
              [*setup[:-1], *[f"del body[{py_str(f.name)}]" for f in optional], setup[-1],
               call, status(201)])
    if password is not None:
        shortest = fit("p", password.min_length, password.min_length)
        m.add("test_join_accepts_minimum_length_password",
              "A password of exactly the minimum length is accepted.",
              [*setup[:-1], f"body[{py_str(password.name)}] = {py_str(shortest)}", setup[-1],
               call, status(201)])
    if s.identity_field and s.identity_field in names:
        m.add("test_join_duplicate_identity_is_409", "An identity already taken conflicts.",
              [*setup, call, status(201), call, *error(409, "conflict")])
        if s.lowercase:
            _case_variant_tests(m, setup, call)
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
          [*setup[:-1], *broken, setup[-1], request(m, "url()", json=json, auth=auth),
           status(422)])
    if s.staff is not None:
        _privileged_join_tests(m)


def _case_variant_tests(m: TestModule, setup: list[str], call: str) -> None:
    """An e-mail identity is stored lowercased; a case variant of a taken one conflicts."""
    s = m.s
    assert s.model is not None and s.identity_field is not None
    key = py_str(s.identity_field)
    shout = f"body[{key}] = body[{key}].upper()"
    m.add("test_join_stores_identity_lowercased",
          "An e-mail is stored lowercased, whatever case the body sends.",
          [*setup[:-1], shout, setup[-1], call, status(201),
           f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
           f"{m.uuid()}.UUID(response.json()[{py_str(s.model.primary)}]))",
           "assert stored is not None",
           f"assert stored.{s.identity_field} == body[{key}].lower()"])
    m.add("test_join_case_variant_identity_is_409",
          "An e-mail that differs from a taken one only in case cannot make a second account.",
          [*setup, call, status(201), shout, call, *error(409, "conflict")])


def _privileged_join_tests(m: TestModule) -> None:
    """A privileged actor never joins publicly: a principal of a privileged actor must."""
    s = m.s
    setup = ["body = valid_body(session)", "session.commit()"]
    m.add("test_join_without_privileged_principal_is_401",
          "Nobody joins a privileged actor without a bearer token.",
          [*setup, request(m, "url()", json="body"), *error(401, "unauthorized")])
    if s.outsider is not None:
        m.add("test_join_by_unprivileged_actor_is_403",
              "A principal of an actor that is not privileged cannot make a privileged account.",
              [f"outsider = {m.factory(s.outsider.model)}(session)", *setup,
               request(m, "url()", json="body",
                       auth=f"{m.helper('bearer')}({py_str(s.outsider.actor)}, outsider)"),
               *error(403, "forbidden")])


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
    if s.lowercase:
        m.add("test_login_identity_is_case_insensitive",
              "An e-mail in another case logs in to the same account.",
              [*setup, call(f"{mine}.upper()", password), status(200),
               f"assert response.json()[\"id\"] == str({m.helper('key_of')}(account))"])
    if s.logout is not None:
        _logout_tests(m, setup, call(mine, password))


def _logout_tests(m: TestModule, setup: list[str], login: str) -> None:
    """Logout and deletion revoke the tokens issued before (401)."""
    s = m.s
    assert s.model is not None and s.logout is not None
    logout = py_str(s.logout)
    signed_in = [*setup, login, status(200), 'token = response.json()["token"]',
                 'auth = {"Authorization": "Bearer " + token["access"]}']
    m.add("test_logout_revokes_the_tokens",
          "After logout the access token is refused and the account holds no refresh token.",
          [*signed_in, f"response = client.post({logout}, headers=auth)", status(204),
           f"response = client.post({logout}, headers=auth)", *error(401, "unauthorized"),
           f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
           f"{m.helper('key_of')}(account))",
           "assert stored is not None and stored.refresh_token_id is None",
           "assert stored.token_version == 1"])
    m.add("test_logout_without_token_is_401", "Logout needs the caller's bearer token.",
          [f"response = client.post({logout})", *error(401, "unauthorized")])
    delete = (f"account.deleted_at = {m.helper('utc_now')}()" if s.model.soft_delete
              else "session.delete(account)")
    m.add("test_deleted_account_token_is_401",
          "The token of an account deleted since it was issued is refused.",
          [*signed_in, delete, "session.commit()",
           f"response = client.post({logout}, headers=auth)", *error(401, "unauthorized")])


def add_refresh(m: TestModule) -> None:
    s = m.s
    if s.account is None:
        m.add("test_refresh_invalid_body_is_422", "A body without a token is rejected.",
              [request(m, "url()", json="{}"), status(422)])
        return
    issue = [f"tokens = {m.helper('tokens_of')}(ACTOR, account)", "session.commit()"]
    setup = [*_account_lines(m), *issue]

    def call(token: str) -> str:
        return request(m, "url()", json=f'{{"refresh_token": {token}}}')

    m.add("test_refresh_returns_new_tokens", "A refresh token gives new tokens.",
          [*setup, call("tokens.refresh"), status(200), "data = response.json()",
           f"assert data[\"id\"] == str({m.helper('key_of')}(account))", *TOKEN_CHECKS])
    m.add("test_refresh_tokens_belong_to_the_account",
          "The new access token authenticates the same account as the same actor.",
          [*setup, call("tokens.refresh"), status(200),
           'access = response.json()["token"]["access"]',
           f"claims = {m.security('decode_token')}(access, \"access\")",
           f"assert (claims.actor, claims.subject) == (ACTOR, {m.helper('key_of')}(account))"])
    m.add("test_refresh_reused_token_is_401",
          "Refresh rotates: a refresh token used twice is refused, and its reuse revokes the "
          "tokens the first use gave.",
          [*setup, call("tokens.refresh"), status(200),
           'renewed = response.json()["token"]["refresh"]',
           call("tokens.refresh"), *error(401, "unauthorized"),
           call("renewed"), *error(401, "unauthorized")])
    m.add("test_refresh_garbage_token_is_401", "A string that is no token is refused.",
          [*setup, call(py_str("not-a-token")), *error(401, "unauthorized")])
    m.add("test_refresh_with_access_token_is_401", "An access token cannot refresh.",
          [*setup, call("tokens.access"), *error(401, "unauthorized")])
    m.add("test_refresh_without_token_is_422", "A body without the token is rejected.",
          [*setup, request(m, "url()", json="{}"), status(422)])
    if s.model is not None and s.model.soft_delete:
        deleted = [*_account_lines(m, deleted=True), *issue]
        m.add("test_refresh_soft_deleted_account_is_401", "A closed account cannot refresh.",
              [*deleted, call("tokens.refresh"), *error(401, "unauthorized")])


def add_custom(m: TestModule) -> None:
    setup, auth = caller_setup(m)
    url = m.url([m.missing_value(p) for p in m.s.params])
    m.add("test_custom_is_not_implemented", "The operation answers 501 until it is realized.",
          [*setup, "session.commit()", request(m, url, auth=auth),
           *error(501, "not_implemented")])
    auth_error_tests(m, "custom", setup, url, None)
