"""Tests of the account lifecycle operations (change password, reset, verify, logout).

What they hold the generated handlers to (docs/security.md, account lifecycle):

- change password: the right current password sets the new one and returns new tokens;
  a wrong one is 403 and changes nothing; the tokens issued before are refused after it;
  no bearer token is 401; a too-short new password is 422;
- reset / verification request: a token is delivered (to the senders, ``outbox`` here) and
  stored hashed, never as is; an unknown identity gets the same answer and no token;
- reset confirm: the token sets the new password, revokes the sessions issued before, and
  works once; an expired token and a token of the other purpose are 400;
- verify confirm: the token sets the verified flag / time when the model has one and works
  once;
- logout: the caller's tokens are refused after it; no bearer token is 401.

The slice is its own class (:class:`LifecycleTestSlice`), beside the operation's common
test slice, so no other test module's key depends on it.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, actor_el, model_el, operation_el
from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation.generator import is_email
from autobe_core.generate.kinds.test.crud import error, status
from autobe_core.generate.kinds.test.render import TestModule
from autobe_core.generate.kinds.test.slices import AccountRef, ModelShape, OperationTestSlice
from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.lifecycle import PURPOSES, TOKEN_MODEL, lifecycle_account, verified_fields
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import class_name, operation_id
from autobe_core.spec.semantics import soft_delete

GENERATOR_VERSION = "1"
NEW_PASSWORD = "a-new-password-42"
OUTBOX = '''@fixture()
def outbox() -> Iterator[list[OneTimeToken]]:
    """The tokens the app delivers during the test (a sender of its own)."""
    sent: list[OneTimeToken] = []
    one_time.SENDERS.append(sent.append)
    yield sent
    one_time.SENDERS.remove(sent.append)
'''


class LifecycleTestSlice(Slice):
    base: OperationTestSlice
    actor: str
    identity: str
    lowercase: bool = False
    password: str
    verified_flag: str | None = None
    verified_time: str | None = None
    token_model: str | None = None
    token_class: str | None = None


def planned(spec: ProjectSpec, op: Operation) -> PlannedModule:
    model, actor, identity = lifecycle_account(spec, op)
    op_id = operation_id(op)
    base = OperationTestSlice(
        operation_id=op_id, kind=op.kind, method=op.method, path=op.path, summary=op.summary,
        model=ModelShape(name=model.name, class_name=class_name(model),
                         primary=model.primary_field.name, soft_delete=soft_delete(model)),
        account=AccountRef(actor=actor.name, model=model.name),
        identity_field=identity.name, password_field=actor.password_field,
    )
    flag, time = verified_fields(model) if op.kind == "verify_confirm" else (None, None)
    token = spec.model(TOKEN_MODEL) if op.kind in PURPOSES else None
    s = LifecycleTestSlice(
        base=base, actor=actor.name, identity=identity.name, lowercase=is_email(identity),
        password=actor.password_field, verified_flag=flag, verified_time=time,
        token_model=token.name if token is not None else None,
        token_class=class_name(token) if token is not None else None,
    )
    reads = {operation_el(op), model_el(model.name), actor_el(actor.name)}
    if token is not None:
        reads.add(model_el(token.name))
    return PlannedModule(
        id=f"test:{op_id}", kind="test", path=f"tests/test_{op_id}.py", slice=s,
        render=_render, generator_version=GENERATOR_VERSION, reads=frozenset(reads),
        imports=build(s).module_ids(),
    )


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, LifecycleTestSlice)
    return render(slice_)


def render(s: LifecycleTestSlice) -> str:
    module = build(s)
    return module.render([("METHOD", py_str(s.base.method.upper())),
                          ("PATH", py_str(s.base.path)), ("ACTOR", py_str(s.actor))])


def build(s: LifecycleTestSlice) -> TestModule:
    m = TestModule(s.base)
    ADDERS[s.base.kind](m, s)
    return m


# --------------------------------------------------------------------------- pieces


def _test(m: TestModule, name: str, doc: str, lines: list[str], outbox: bool = False) -> None:
    """A test function; with ``outbox``, it also takes the delivered tokens."""
    if not outbox:
        m.add(name, doc, lines)
        return
    m.use("fastapi.testclient", "TestClient")
    m.use("sqlalchemy.orm", "Session")
    body = "".join(f"    {line}\n" if line else "\n" for line in lines)
    m.functions.append(
        f"def {name}(\n    client: TestClient, session: Session, "
        f"outbox: list[OneTimeToken]\n) -> None:\n"
        f'    """{doc}"""\n' + body)


def _use_outbox(m: TestModule) -> None:
    m.use("pytest", "fixture")
    m.use("collections.abc", "Iterator")
    m.use("app.auth.one_time", "OneTimeToken", "auth:one_time")
    m.use("app.auth", "one_time", "auth:one_time")
    if OUTBOX not in m.preamble:
        m.add_function(OUTBOX)


def _account(m: TestModule, s: LifecycleTestSlice, deleted: bool = False) -> list[str]:
    override = f", deleted_at={m.helper('utc_now')}()" if deleted else ""
    return [f"account = {m.factory(s.base.model.name if s.base.model else '')}"
            f"(session{override})", "session.commit()"]


def _signed_in(m: TestModule) -> list[str]:
    return [f"tokens = {m.helper('tokens_of')}(ACTOR, account)", "session.commit()",
            'auth = {"Authorization": "Bearer " + tokens.access}']


def _stored(m: TestModule) -> str:
    return (f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
            f"{m.helper('key_of')}(account))")


def _revoked(m: TestModule, s: LifecycleTestSlice, token: str) -> list[str]:
    """Lines checking that access token ``token`` is refused now (the app's own loader)."""
    m.use("pytest", "raises")
    m.use("app.errors", "UnauthorizedError", "app:errors")
    load = m.use("app.auth.actors", f"load_{s.actor}", "auth:actors")
    return ["session.expire_all()", "with raises(UnauthorizedError):",
            f"    {load}(session, {m.security('decode_token')}({token}, \"access\"))"]


def _issue(m: TestModule, s: LifecycleTestSlice, purpose: str, name: str = "token") -> str:
    m.use("app.auth", "one_time", "auth:one_time")
    return (f"{name} = one_time.issue(session, ACTOR, {m.helper('key_of')}(account), "
            f"account.{s.identity}, {py_str(purpose)}).token")


def _call(m: TestModule, json: str, auth: str | None = None) -> str:
    args = ["METHOD", "url()", f"json={json}"]
    if auth is not None:
        args.append(f"headers={auth}")
    return f"response = client.request({', '.join(args)})"


# --------------------------------------------------------------------------- kinds


def add_change_password(m: TestModule, s: LifecycleTestSlice) -> None:
    password = m.helper("DEFAULT_PASSWORD")
    verify = m.security("verify_password")
    right = f'{{"current_password": {password}, "new_password": {py_str(NEW_PASSWORD)}}}'
    wrong = (f'{{"current_password": "wrong-" + {password}, '
             f'"new_password": {py_str(NEW_PASSWORD)}}}')
    setup = [*_account(m, s), *_signed_in(m)]
    _test(m, "test_change_password_sets_the_new_password",
          "The right current password sets the new one and returns new tokens.",
          [*setup, _call(m, right, "auth"), status(200), "data = response.json()",
           f"assert data[\"id\"] == str({m.helper('key_of')}(account))",
           'assert data["token"]["access"] != tokens.access',
           _stored(m), "assert stored is not None",
           f"assert {verify}({py_str(NEW_PASSWORD)}, stored.{s.password})",
           f"assert not {verify}({password}, stored.{s.password})"])
    _test(m, "test_change_password_wrong_current_password_is_403",
          "A wrong current password is refused and changes nothing.",
          [*setup, _call(m, wrong, "auth"), *error(403, "forbidden"),
           _stored(m), "assert stored is not None",
           f"assert {verify}({password}, stored.{s.password})"])
    _test(m, "test_change_password_revokes_the_sessions_before",
          "The tokens issued before the change are refused; the new ones work.",
          [*setup, _call(m, right, "auth"), status(200),
           'fresh = {"Authorization": "Bearer " + response.json()["token"]["access"]}',
           _call(m, right, "auth"), *error(401, "unauthorized"),
           *_revoked(m, s, "tokens.access"),
           _call(m, f'{{"current_password": {py_str(NEW_PASSWORD)}, '
                    f'"new_password": {password}}}', "fresh"), status(200)])
    _test(m, "test_change_password_mismatched_confirmation_is_422",
          "A repeated new password that differs is rejected and changes nothing.",
          [*setup, _call(m, f'{{"current_password": {password}, "new_password": '
                            f'{py_str(NEW_PASSWORD)}, "new_password_confirm": "other-password"}}',
                         "auth"), status(422), _stored(m), "assert stored is not None",
           f"assert {verify}({password}, stored.{s.password})"])
    _test(m, "test_change_password_without_token_is_401", "The caller must be signed in.",
          [*_account(m, s), _call(m, right), *error(401, "unauthorized")])
    _test(m, "test_change_password_short_new_password_is_422",
          "A new password shorter than 8 characters is rejected.",
          [*setup, _call(m, f'{{"current_password": {password}, "new_password": "short"}}',
                         "auth"), status(422)])


def add_logout(m: TestModule, s: LifecycleTestSlice) -> None:
    _test(m, "test_logout_revokes_the_tokens",
          "After logout the caller's tokens are refused and it holds no refresh token.",
          [*_account(m, s), *_signed_in(m),
           "before = account.token_version",
           "response = client.request(METHOD, url(), headers=auth)", status(204),
           "response = client.request(METHOD, url(), headers=auth)",
           *error(401, "unauthorized"), *_revoked(m, s, "tokens.access"),
           _stored(m), "assert stored is not None and stored.refresh_token_id is None",
           "assert stored.token_version == before + 1"])
    _test(m, "test_logout_without_token_is_401", "Logout needs the caller's bearer token.",
          ["response = client.request(METHOD, url())", *error(401, "unauthorized")])


def _request_tests(m: TestModule, s: LifecycleTestSlice, purpose: str) -> None:
    _use_outbox(m)
    token_cls = m.use(f"app.models.{s.token_model}", str(s.token_class),
                      f"model:{s.token_model}")
    m.use("sqlalchemy", "select")
    digest = m.use("app.auth.one_time", "token_digest", "auth:one_time")
    identity = py_str(s.identity)
    unknown = py_str("nobody-at-all@example.com" if s.lowercase else "nobody-at-all")
    mine = f"account.{s.identity}"
    _test(m, f"test_{purpose}_request_delivers_a_hashed_token",
          "A token reaches the senders; only its sha256 is stored.",
          [*_account(m, s), _call(m, f"{{{identity}: {mine}}}"), status(200),
           "assert len(outbox) == 1",
           f"assert outbox[0].account_id == {m.helper('key_of')}(account)",
           f"assert outbox[0].purpose == {py_str(PURPOSES[f'{_kind(purpose)}_request'])}",
           f"rows = session.scalars(select({token_cls}).where("
           f"{token_cls}.account_id == outbox[0].account_id)).all()",
           f"assert [r.token_hash for r in rows] == [{digest}(outbox[0].token)]",
           "assert rows[0].token_hash != outbox[0].token"], outbox=True)
    _test(m, f"test_{purpose}_request_unknown_identity_same_answer",
          "An identity nobody has gets the same answer, and no token is issued.",
          [*_account(m, s), _call(m, f"{{{identity}: {mine}}}"), status(200),
           "known = response.json()", _call(m, f"{{{identity}: {unknown}}}"), status(200),
           "assert response.json() == known", "assert len(outbox) == 1"], outbox=True)
    if s.lowercase:
        _test(m, f"test_{purpose}_request_identity_is_case_insensitive",
              "An e-mail in another case names the same account.",
              [*_account(m, s), _call(m, f"{{{identity}: {mine}.upper()}}"), status(200),
               "assert len(outbox) == 1",
               f"assert outbox[0].account_id == {m.helper('key_of')}(account)"], outbox=True)
    if s.base.model is not None and s.base.model.soft_delete:
        _test(m, f"test_{purpose}_request_closed_account_gets_no_token",
              "A closed account gets the same answer and no token.",
              [*_account(m, s, deleted=True), _call(m, f"{{{identity}: {mine}}}"),
               status(200), "assert outbox == []"], outbox=True)
    _test(m, f"test_{purpose}_request_without_identity_is_422",
          "A body without the identity is rejected.", [_call(m, "{}"), status(422)])


def _kind(purpose: str) -> str:
    return "reset" if purpose == "reset" else "verify"


def add_reset_request(m: TestModule, s: LifecycleTestSlice) -> None:
    _request_tests(m, s, "reset")


def add_verify_request(m: TestModule, s: LifecycleTestSlice) -> None:
    _request_tests(m, s, "verify")


def _expire(m: TestModule, s: LifecycleTestSlice) -> list[str]:
    token_cls = m.use(f"app.models.{s.token_model}", str(s.token_class),
                      f"model:{s.token_model}")
    m.use("sqlalchemy", "update")
    m.use("datetime", "timedelta")
    return [f"session.execute(update({token_cls}).values("
            f"expires_at={m.helper('utc_now')}() - timedelta(minutes=1)))",
            "session.commit()"]


def add_reset_confirm(m: TestModule, s: LifecycleTestSlice) -> None:
    verify = m.security("verify_password")
    body = f'{{"token": token, "new_password": {py_str(NEW_PASSWORD)}}}'
    setup = [*_account(m, s), _issue(m, s, "password_reset"), *_signed_in(m)]
    _test(m, "test_reset_confirm_sets_the_password_and_ends_sessions",
          "The token sets the new password; the tokens issued before are refused.",
          [*setup, "before = account.token_version", _call(m, body), status(200),
           _stored(m), "assert stored is not None",
           f"assert {verify}({py_str(NEW_PASSWORD)}, stored.{s.password})",
           "assert stored.token_version == before + 1",
           *_revoked(m, s, "tokens.access")])
    _test(m, "test_reset_confirm_token_works_once", "A used token is refused (400).",
          [*setup, _call(m, body), status(200), _call(m, body), *error(400, "invalid_token")])
    _test(m, "test_reset_confirm_expired_token_is_400",
          "An expired token is refused and changes nothing.",
          [*setup, *_expire(m, s), _call(m, body), *error(400, "invalid_token"),
           _stored(m), "assert stored is not None",
           f"assert {verify}({m.helper('DEFAULT_PASSWORD')}, stored.{s.password})"])
    _test(m, "test_reset_confirm_unknown_token_is_400", "A token nobody issued is refused.",
          [*setup, _call(m, f'{{"token": "x" + token, "new_password": '
                            f'{py_str(NEW_PASSWORD)}}}'), *error(400, "invalid_token")])
    _test(m, "test_reset_confirm_verification_token_is_400",
          "A token issued for another purpose does not reset a password.",
          [*_account(m, s), _issue(m, s, "email_verification"), "session.commit()",
           _call(m, body), *error(400, "invalid_token")])
    _test(m, "test_reset_confirm_with_confirmation",
          "The new password may be repeated (new_password_confirm); it must be the same.",
          [*setup, _call(m, f'{{"token": token, "new_password": {py_str(NEW_PASSWORD)}, '
                            '"new_password_confirm": "other-password"}'), status(422),
           _call(m, f'{{"token": token, "new_password": {py_str(NEW_PASSWORD)}, '
                    f'"new_password_confirm": {py_str(NEW_PASSWORD)}}}'), status(200)])
    _test(m, "test_reset_confirm_accepts_autobe_field_names",
          "The names AutoBe's DTOs use for the token and the new password work too.",
          [*setup, _call(m, f'{{"reset_token": token, "newPassword": {py_str(NEW_PASSWORD)}}}'),
           status(200), _stored(m), "assert stored is not None",
           f"assert {verify}({py_str(NEW_PASSWORD)}, stored.{s.password})"])
    _test(m, "test_reset_confirm_short_password_is_422",
          "A new password shorter than 8 characters is rejected.",
          [*setup, _call(m, '{"token": token, "new_password": "short"}'), status(422)])


def add_verify_confirm(m: TestModule, s: LifecycleTestSlice) -> None:
    unverified = [f"account.{s.verified_flag} = False"] if s.verified_flag else []
    if s.verified_time:
        unverified.append(f"account.{s.verified_time} = None")
    setup = [*_account(m, s), *unverified, _issue(m, s, "email_verification"),
             "session.commit()"]
    checks = [_stored(m), "assert stored is not None"]
    if s.verified_flag:
        checks.append(f"assert stored.{s.verified_flag} is True")
    if s.verified_time:
        checks.append(f"assert stored.{s.verified_time} is not None")
    _test(m, "test_verify_confirm_marks_the_account_verified",
          "The token verifies the account (its verified flag / time when it has one).",
          [*setup, _call(m, '{"token": token}'), status(200), *checks])
    _test(m, "test_verify_confirm_token_works_once", "A used token is refused (400).",
          [*setup, _call(m, '{"token": token}'), status(200), _call(m, '{"token": token}'),
           *error(400, "invalid_token")])
    _test(m, "test_verify_confirm_expired_token_is_400", "An expired token is refused.",
          [*setup, *_expire(m, s), _call(m, '{"token": token}'),
           *error(400, "invalid_token")])
    _test(m, "test_verify_confirm_reset_token_is_400",
          "A password reset token does not verify an address.",
          [*_account(m, s), _issue(m, s, "password_reset"), "session.commit()",
           _call(m, '{"token": token}'), *error(400, "invalid_token")])


ADDERS = {
    "change_password": add_change_password,
    "logout": add_logout,
    "reset_request": add_reset_request,
    "reset_confirm": add_reset_confirm,
    "verify_request": add_verify_request,
    "verify_confirm": add_verify_confirm,
}
"""Lifecycle kind -> the tests of its module."""
