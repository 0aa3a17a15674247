"""The account lifecycle kinds (change password, reset, verify, logout): the importer's
mapping of AutoBe's operations, the validator's refusals, and what the generators plan.

The generated handlers and their tests run for real in
tests/e2e/test_account_lifecycle.py (an imported AutoBe project's backend).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.generate import plan_modules
from autobe_core.generate.kinds.operation.lifecycle import LifecycleSlice
from autobe_core.generate.kinds.test.lifecycle import LifecycleTestSlice
from autobe_core.importer import import_autobe
from autobe_core.importer.account_ops import classify
from autobe_core.importer.ast import DocDocument, DocOperation
from autobe_core.spec import validate
from autobe_core.spec.io import load_spec
from autobe_core.spec.lifecycle import (
    LIFECYCLE_KINDS,
    TOKEN_MODEL,
    lifecycle_bodies,
    token_model,
    verified_fields,
)
from autobe_core.spec.model import (
    Actor,
    Body,
    Operation,
    OperationKind,
    PlainField,
    ProjectSpec,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
FIXTURES = ROOT / "fixtures"

needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(),
                                    reason=f"the AutoBe examples are not at {EXAMPLES}")

MAPPED = {
    "anthropic__claude-sonnet-4.5/todo": {
        ("put", "/auth/user/password"): ("change_password", "user"),
        ("put", "/todoList/user/auth/user/password"): ("change_password", "user"),
        ("post", "/todoList/auth/verify-email"): ("verify_confirm", None),
        ("post", "/todoList/auth/password-reset/request"): ("reset_request", None),
        ("post", "/todoList/auth/password-reset/confirm"): ("reset_confirm", None),
        ("post", "/todoList/user/auth/user/logout"): ("logout", "user"),
    },
    "anthropic__claude-sonnet-4.5/bbs": {
        ("post", "/auth/administrator/password/reset/request"): ("reset_request", None),
        ("post", "/auth/administrator/password/reset/complete"): ("reset_confirm", None),
        ("post", "/auth/administrator/password/change"): ("change_password", "administrator"),
    },
    "openai__gpt-4.1/shopping": {
        ("post", "/auth/customer/password/request-reset"): ("reset_request", None),
        ("post", "/auth/customer/password/reset"): ("reset_confirm", None),
        ("post", "/auth/customer/email/request-verification"): ("verify_request", None),
        ("post", "/auth/customer/email/verify"): ("verify_confirm", None),
    },
}
"""The lifecycle operations of the shared examples, as the importer must map them."""


@needs_examples
@pytest.mark.parametrize("example", sorted(MAPPED))
def test_the_examples_lifecycle_operations_are_realized(example: str) -> None:
    imported = import_autobe([EXAMPLES / example])
    spec = imported.spec
    found = {(op.method, op.path): (op.kind, op.actor) for op in spec.operations
             if op.kind in LIFECYCLE_KINDS}
    assert found == MAPPED[example]
    unrealized = {u.endpoint for u in imported.report.unrealized}
    assert not {f"{m.upper()} {p}" for m, p in MAPPED[example]} & unrealized
    tokens = spec.model(TOKEN_MODEL)
    assert tokens is not None and tokens == token_model(tokens.namespace)
    assert [d for d in validate(spec) if d.severity == "error"] == []
    for op in spec.operations:  # the bodies are the ones the generated handler uses
        if op.kind in LIFECYCLE_KINDS:
            model = spec.model(op.model or "")
            assert model is not None
            bodies = (op.request_body.type_name if op.request_body else None,
                      op.response_body.type_name if op.response_body else None)
            assert bodies == lifecycle_bodies(model, op.kind)


def _doc(schemas: dict[str, dict[str, object]]) -> DocDocument:
    return DocDocument.model_validate({"operations": [], "components": {
        "schemas": schemas, "authorization": []}})


def _op(name: str, path: str, props: list[str] | None, method: str = "post") -> DocOperation:
    body = {"typeName": "IBody", "description": ""} if props is not None else None
    return DocOperation.model_validate({"name": name, "path": path, "method": method,
                                        "requestBody": body})


@pytest.mark.parametrize(("name", "path", "props", "kind"), [
    ("signOut", "/auth/member/sign-out", None, "logout"),
    ("updatePassword", "/me/password", ["oldPassword", "newPassword"], "change_password"),
    ("forgotPassword", "/auth/forgot-password", ["email"], "reset_request"),
    ("confirm", "/auth/password-reset/confirm", ["resetToken", "password"], "reset_confirm"),
    ("resendVerification", "/auth/email/verification/resend", ["email"], "verify_request"),
    ("confirmEmail", "/auth/email/confirm", ["verification_code"], "verify_confirm"),
    # not lifecycle operations
    ("update", "/users/{userId}", ["email", "display_name"], None),
    ("checkPasswordStrength", "/auth/password/strength", ["password"], None),
    ("index", "/emails", ["page"], None),
])
def test_classify_reads_words_and_body_properties(
    name: str, path: str, props: list[str] | None, kind: OperationKind | None,
) -> None:
    schemas: dict[str, dict[str, object]] = {}
    if props is not None:
        schemas["IBody"] = {"type": "object", "properties": {p: {"type": "string"}
                                                             for p in props}}
    assert classify(_doc(schemas), _op(name, path, props)) == kind


# --------------------------------------------------------------------------- validation


def _todo() -> ProjectSpec:
    return load_spec(FIXTURES / "todo.yaml")


def _with(spec: ProjectSpec, *ops: Operation, tokens: bool = True) -> ProjectSpec:
    models = [*spec.models, token_model()] if tokens else spec.models
    return spec.model_copy(update={"models": models,
                                   "operations": [*spec.operations, *ops]})


def _lifecycle(spec: ProjectSpec, kind: OperationKind, path: str,
               actor: str | None = None) -> Operation:
    account = spec.actors[0].model
    model = spec.model(account)
    assert model is not None
    request, response = lifecycle_bodies(model, kind)
    return Operation(path=path, method="post", name=kind, kind=kind, model=account,
                     actor=actor,
                     request_body=Body(type_name=request) if request else None,
                     response_body=Body(type_name=response) if response else None)


def _errors(spec: ProjectSpec) -> list[str]:
    return [f"{d.code}: {d.message}" for d in validate(spec) if d.severity == "error"]


def test_a_valid_lifecycle_spec_validates() -> None:
    spec = _todo()
    actor = spec.actors[0].name
    ops = [_lifecycle(spec, "change_password", "/me/password", actor),
           _lifecycle(spec, "logout", "/me/logout", actor),
           *(_lifecycle(spec, kind, f"/auth/{kind}")
             for kind in ("reset_request", "reset_confirm", "verify_request", "verify_confirm"))]
    assert _errors(_with(spec, *ops)) == []


def test_token_kinds_need_the_token_table() -> None:
    spec = _todo()
    errors = _errors(_with(spec, _lifecycle(spec, "reset_request", "/auth/reset"),
                           tokens=False))
    assert errors == [f"operation.lifecycle: POST /auth/reset is a reset_request operation, "
                      f"but the spec has no {TOKEN_MODEL!r} model to keep one-time tokens in"]


def test_change_password_must_be_called_by_the_account() -> None:
    spec = _todo()
    errors = _errors(_with(spec, _lifecycle(spec, "change_password", "/me/password")))
    assert len(errors) == 1 and "its actor must be" in errors[0]


def test_a_guest_actor_has_no_lifecycle() -> None:
    spec = _todo()
    guest = Actor(name="visitor", kind="guest", model=spec.actors[0].model)
    spec = spec.model_copy(update={"actors": [guest]})
    errors = _errors(_with(spec, _lifecycle(spec, "reset_request", "/auth/reset")))
    assert any("operation.lifecycle" in e and "guest" in e for e in errors), errors


def test_a_changed_token_table_is_refused() -> None:
    spec = _todo()
    broken = token_model().model_copy(update={"plain_fields": [
        f for f in token_model().plain_fields if f.name != "used_at"]})
    spec = spec.model_copy(update={
        "models": [*spec.models, broken],
        "operations": [*spec.operations, _lifecycle(spec, "reset_confirm", "/auth/reset")]})
    errors = _errors(spec)
    assert any("needs a nullable datetime field 'used_at'" in e for e in errors), errors


# --------------------------------------------------------------------------- generation


def test_generation_plans_the_lifecycle_modules_only_where_used() -> None:
    spec = _todo()
    actor = spec.actors[0].name
    plain = {m.id: m.key for m in plan_modules(spec)}
    assert "auth:one_time" not in plain
    logout = _with(spec, _lifecycle(spec, "logout", "/me/logout", actor), tokens=False)
    planned = {m.id: m for m in plan_modules(logout)}
    assert "auth:one_time" not in planned
    assert "operation:post_me_logout" in planned and "test:post_me_logout" in planned
    reset = _with(spec, _lifecycle(spec, "reset_request", "/auth/reset"))
    planned = {m.id: m for m in plan_modules(reset)}
    assert "auth:one_time" in planned
    assert "auth:one_time" in planned["operation:post_auth_reset"].imports
    # the other operations' modules keep their keys
    for module_id, key in plain.items():
        if module_id.startswith(("operation:", "dto:", "collector:")):
            assert planned[module_id].key == key, module_id


def test_the_generated_texts_hold_the_token_rules() -> None:
    spec = _todo()
    ops = [_lifecycle(spec, "reset_request", "/auth/reset"),
           _lifecycle(spec, "reset_confirm", "/auth/reset/confirm")]
    files = {m.path: m.generate() for m in plan_modules(_with(spec, *ops))}
    one_time = files["app/auth/one_time.py"]
    assert "secrets.token_urlsafe(32)" in one_time
    assert "hashlib.sha256" in one_time and "hmac.compare_digest" in one_time
    assert ".used_at.is_(None)" in one_time  # used once, atomically
    request = files["app/operations/post_auth_reset.py"]
    assert "the same answer whether an account has the identity or not" in request
    assert "token=" not in request.split("def post_auth_reset(")[1].split("return")[-1]
    confirm = files["app/operations/post_auth_reset_confirm.py"]
    assert "row.token_version += 1" in confirm and "retire(session, " in confirm
    compile(request, "request.py", "exec")
    compile(confirm, "confirm.py", "exec")
    compile(one_time, "one_time.py", "exec")


def test_verified_fields_are_the_flag_and_the_time_the_model_has() -> None:
    spec = _todo()
    model = spec.model(spec.actors[0].model)
    assert model is not None
    assert verified_fields(model) == (None, None)
    flagged = model.model_copy(update={"plain_fields": [
        *model.plain_fields, PlainField(name="email_verified", type="boolean"),
        PlainField(name="email_verified_at", type="datetime", nullable=True),
        PlainField(name="verified", type="string")]})
    assert verified_fields(flagged) == ("email_verified", "email_verified_at")


def _all_kinds() -> ProjectSpec:
    spec = _todo()
    actor = spec.actors[0].name
    return _with(spec, _lifecycle(spec, "change_password", "/me/password", actor),
                 _lifecycle(spec, "logout", "/me/logout", actor),
                 *(_lifecycle(spec, kind, f"/auth/{kind}") for kind in
                   ("reset_request", "reset_confirm", "verify_request", "verify_confirm")))


def test_the_lifecycle_modules_import_and_read_what_they_declare() -> None:
    """Each lifecycle module's declared imports are the ones its text has, and a module
    whose key changes when one spec element changes declares that it reads it (the checks
    tests/unit/test_generate_app.py makes of every other kind)."""
    from tests.unit.test_generate_app import _changed_ids, _imported_ids, _mine, _mutations

    spec = _all_kinds()
    ids = {m.id for m in plan_modules(spec)}
    lifecycle = {m.id: m for m in plan_modules(spec)
                 if m.id == "auth:one_time" or isinstance(m.slice, (LifecycleSlice,
                                                                     LifecycleTestSlice))}
    assert len(lifecycle) == 1 + 2 * 6
    for module in lifecycle.values():
        assert module.imports <= ids, module.id
        if not module.id.startswith("test:"):
            assert set(module.imports) == _imported_ids(module.generate()), module.id
    mine = {m.id for m in _mine(spec)}
    for element, data in _mutations(spec):
        for module_id in _changed_ids(spec, data) & mine & set(lifecycle):
            assert element in lifecycle[module_id].reads, (element, module_id)
