"""The account lifecycle operations' modules: change password, reset, verify, logout.

One module per operation, ``app/operations/<operation_id>.py``, like the other kinds, with
its own request / answer DTOs (the types :func:`autobe_core.spec.naming.lifecycle_type_names`
names). What each handler does (docs/security.md, account lifecycle):

- ``change_password`` (a principal of the actor): the current password is verified
  (wrong: 403 ``forbidden``), the new one hashed, the token version raised (every other
  session is signed out) and new tokens returned (the actor's ``IAuthorized``);
- ``reset_request`` / ``verify_request`` (anyone): the body names an identity; when a live
  account has it, a one-time token is issued (``app.auth.one_time``) and delivered to the
  operator's senders. The answer is the same whether the account exists or not;
- ``reset_confirm``: the token (unused, unexpired, of this actor and purpose: else 400
  ``invalid_token``) is used up, the password set, every other reset token of the account
  retired and the token version raised (every session signed out);
- ``verify_confirm``: the token is used up and the account's verified flag / time set
  when the model has one (:func:`autobe_core.spec.lifecycle.verified_fields`);
- ``logout`` (a principal of the actor): the token version raised, the refresh token id
  cleared (204).

The slice is its own class, so the other kinds' module keys do not change with it.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import (
    ModelRef,
    Slice,
    actor_el,
    import_block,
    model_el,
    operation_el,
    safe_docstring,
)
from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation.account import sign_in
from autobe_core.generate.kinds.operation.render import imported_module_ids
from autobe_core.generate.kinds.operation.responses import responses_argument, route_statuses
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.lifecycle import (
    LIFECYCLE_KINDS,
    PRINCIPAL_KINDS,
    PURPOSES,
    TOKEN_MODEL,
    lifecycle_account,
    lifecycle_bodies,
    lifecycle_problem,
    verified_fields,
)
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import operation_id, pascal, python_dto_name
from autobe_core.spec.semantics import soft_delete

GENERATOR_VERSION = "1"

MESSAGES = {
    "reset_request": "if an account has this identity, a password reset token is on its way",
    "reset_confirm": "the password is reset: sign in with the new one",
    "verify_request": "if an account has this identity, a verification token is on its way",
    "verify_confirm": "the e-mail address is verified",
}
"""The answer of each kind (a reset or verification request: whatever the identity)."""
ALIASES: dict[str, tuple[str, ...]] = {
    "current_password": ("currentPassword", "old_password", "oldPassword"),
    "new_password": ("newPassword",),
    "token": ("reset_token", "resetToken", "verification_token", "verificationToken"),
}
"""Other names of a request field that AutoBe's DTOs use (``reset_token``, ``newPassword``):
accepted as well, so AutoBe's clients keep working; the OpenAPI document names the first."""
NEW_PASSWORD_KINDS = ("change_password", "reset_confirm")
CONFIRMED = """    new_password_confirm: Text | None = Field(default=None, max_length=128)

    @model_validator(mode="after")
    def _confirmed(self) -> Self:
        \"\"\"A repeated new password (AutoBe clients may send one) must be the same.\"\"\"
        if self.new_password_confirm is not None and (
                self.new_password_confirm != self.new_password):
            raise ValueError("new_password_confirm differs from new_password")
        return self
"""
"""The optional repetition of the new password, checked (422 when it differs)."""
PURPOSE_TEXT = {
    "change_password": "Change the calling {actor}'s password; every other session ends.",
    "reset_request": "Send a password reset token to a {actor} account's owner.",
    "reset_confirm": "Set a {actor}'s new password with a password reset token.",
    "verify_request": "Send an e-mail verification token to a {actor} account's owner.",
    "verify_confirm": "Verify a {actor}'s e-mail address with a verification token.",
    "logout": "Sign the calling {actor} out everywhere.",
}


class LifecycleSlice(Slice):
    operation_id: str
    kind: str
    method: str
    path: str
    summary: str = ""
    description: str = ""
    model: ModelRef
    primary: str = "id"
    soft_delete: bool = False
    actor: str
    identity: str
    lowercase: bool = False
    password: str
    updated_at: bool = False
    """The account model has ``updated_at`` (set when the password changes)."""
    verified_flag: str | None = None
    verified_time: str | None = None
    request: str | None = None
    """Python class name of the request DTO (defined in the module)."""
    response: str | None = None
    """Python class name of the answer (the module's message DTO, or ``IAuthorized``)."""
    token_model: ModelRef | None = None


def handles(spec: ProjectSpec, op: Operation) -> bool:
    """Whether ``op`` is generated by this module (a valid lifecycle operation)."""
    return op.kind in LIFECYCLE_KINDS and lifecycle_problem(
        spec, op.kind, op.model, op.actor) is None


def cut(spec: ProjectSpec, op: Operation) -> tuple[LifecycleSlice, frozenset[str]]:
    from autobe_core.generate.kinds.operation.generator import is_email

    model, actor, identity = lifecycle_account(spec, op)
    request, response = lifecycle_bodies(model, op.kind)
    flag, time = verified_fields(model) if op.kind == "verify_confirm" else (None, None)
    reads = {operation_el(op), model_el(model.name), actor_el(actor.name)}
    token = spec.model(TOKEN_MODEL) if op.kind in PURPOSES else None
    if token is not None:
        reads.add(model_el(token.name))
    slice_ = LifecycleSlice(
        operation_id=operation_id(op), kind=op.kind, method=op.method, path=op.path,
        summary=op.summary, description=op.description, model=ModelRef.of(model),
        primary=model.primary_field.name, soft_delete=soft_delete(model), actor=actor.name,
        identity=identity.name, lowercase=is_email(identity), password=actor.password_field,
        updated_at=model.plain("updated_at") is not None,
        verified_flag=flag, verified_time=time,
        request=python_dto_name(request) if request else None,
        response=python_dto_name(response) if response else None,
        token_model=ModelRef.of(token) if token is not None else None,
    )
    return slice_, frozenset(reads)


def planned(spec: ProjectSpec, op: Operation) -> PlannedModule:
    slice_, reads = cut(spec, op)
    return PlannedModule(
        id=f"operation:{slice_.operation_id}", kind="operation",
        path=f"{BACKEND_PACKAGE}/operations/{slice_.operation_id}.py",
        slice=slice_, render=_render, generator_version=GENERATOR_VERSION,
        reads=reads, imports=_imports(slice_),
    )


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, LifecycleSlice)
    return render(slice_)


# --------------------------------------------------------------------------- text


def _principal(s: LifecycleSlice) -> str:
    return f"{pascal(s.actor)}Principal"


def _import_lines(s: LifecycleSlice) -> list[str]:
    m = s.model
    fastapi = {"APIRouter", "Depends"}
    db = {"commit", "get_session"}
    errors = {"error_responses"}
    security: set[str] = set()
    lines = ["from sqlalchemy.orm import Session",
             f"from app.models.{m.name} import {m.class_name}"]
    if s.kind in PRINCIPAL_KINDS:
        lines.append(f"from app.auth.actors import {_principal(s)}, require_{s.actor}")
    if s.kind == "logout":
        fastapi.add("Response")
    if s.request is not None:
        pydantic = {"BaseModel", "ConfigDict", "Field"}
        common = {"Text"}
        if s.kind in ("reset_request", "verify_request") and s.lowercase:
            pydantic.add("EmailStr")
        if s.kind in ("change_password", "reset_confirm", "verify_confirm"):
            pydantic.add("AliasChoices")
        if s.kind in NEW_PASSWORD_KINDS:
            pydantic.add("model_validator")
        lines.append(f"from pydantic import {', '.join(sorted(pydantic))}")
        lines.append(f"from app.dtos.common import {', '.join(sorted(common))}")
    if s.kind == "change_password":
        security |= {"hash_password", "issue_tokens", "new_token_id", "verify_password"}
        errors.add("ForbiddenError")
        lines.append(f"from app.dtos.{m.name} import {m.dto('authorized')}")
        lines.append(f"from app.transformers.{m.name} import to_authorized")
    if s.kind == "reset_confirm":
        security.add("hash_password")
    if s.kind in ("reset_request", "verify_request"):
        lines.append("from sqlalchemy import func, select" if s.lowercase
                     else "from sqlalchemy import select")
    one_time = {"reset_request": {"deliver", "issue"}, "verify_request": {"deliver", "issue"},
                "reset_confirm": {"INVALID_TOKEN", "InvalidTokenError", "redeem", "retire"},
                "verify_confirm": {"INVALID_TOKEN", "InvalidTokenError", "redeem"}}.get(s.kind)
    if one_time:
        lines.append(f"from app.auth.one_time import {', '.join(sorted(one_time))}")
    if s.kind in ("reset_confirm", "verify_confirm"):
        errors.add("ErrorBody")
    if (s.updated_at and s.kind in ("change_password", "reset_confirm")) or s.verified_time:
        db.add("utcnow")
    if security:
        lines.append(f"from app.auth.security import {', '.join(sorted(security))}")
    # one line per module: import_block orders lines by module, so two would be unordered
    typing = "Annotated, Self" if s.kind in NEW_PASSWORD_KINDS else "Annotated"
    lines.append(f"from typing import {typing}")
    lines.append(f"from fastapi import {', '.join(sorted(fastapi))}")
    lines.append(f"from app.db import {', '.join(sorted(db))}")
    lines.append(f"from app.errors import {', '.join(sorted(errors))}")
    return lines


def _imports(s: LifecycleSlice) -> frozenset[str]:
    return imported_module_ids(_import_lines(s))


def _field(name: str, bounds: str) -> str:
    """A request field that also accepts the names AutoBe's DTOs give it (:data:`ALIASES`)."""
    choices = ", ".join(py_str(a) for a in (name, *ALIASES[name]))
    return (f"    {name}: Text = Field(\n        {bounds},\n"
            f"        validation_alias=AliasChoices({choices}),\n    )\n")


def _classes(s: LifecycleSlice) -> str:
    out = ""
    if s.request is not None:
        fields = {
            "change_password": [_field("current_password", "max_length=128"),
                                _field("new_password", "min_length=8, max_length=128")],
            "reset_confirm": [_field("token", "max_length=200"),
                              _field("new_password", "min_length=8, max_length=128")],
            "verify_confirm": [_field("token", "max_length=200")],
        }.get(s.kind)
        if fields is None:  # a request names the identity
            kind = "EmailStr" if s.lowercase else "Text"
            fields = [f"    {s.identity}: {kind} = Field(max_length=254)\n"]
        doc = {"change_password": "The caller's current password and the new one.",
               "reset_request": "Whose password to reset: the account's identity.",
               "reset_confirm": "A password reset token and the new password.",
               "verify_request": "Whose e-mail address to verify: the account's identity.",
               "verify_confirm": "An e-mail verification token."}[s.kind]
        out += (f"\n\nclass {s.request}(BaseModel):\n" + safe_docstring(doc, "    ")
                + '\n    model_config = ConfigDict(extra="forbid")\n' + "".join(fields))
        if s.kind in NEW_PASSWORD_KINDS:
            out += CONFIRMED
    if s.kind in MESSAGES and s.response is not None:
        out += (f"\n\nclass {s.response}(BaseModel):\n"
                + safe_docstring("What an account lifecycle request did, in words.", "    ")
                + "\n    message: str\n")
    return out


def _decorator(s: LifecycleSlice) -> str:
    principal = s.kind in PRINCIPAL_KINDS
    responses = responses_argument(route_statuses(principal=principal))
    if s.kind in ("reset_confirm", "verify_confirm"):  # a bad token: 400 invalid_token
        responses = (responses.replace("responses=", "responses={**", 1)
                     + ", 400: {'model': ErrorBody, 'description': INVALID_TOKEN}}")
    args = [py_str(s.path)]
    if s.kind == "logout":
        args += ["status_code=204", "response_class=Response"]
    args.append(f"operation_id={py_str(s.operation_id)}")
    args.append(responses)
    summary = s.summary.strip() or PURPOSE_TEXT[s.kind].format(actor=s.actor)
    args.append(f"summary={py_str(summary)}")
    if s.description.strip():
        args.append(f"description={py_str(s.description)}")
    return f"@router.{s.method}(\n" + "".join(f"    {a},\n" for a in args) + ")\n"


def _signature(s: LifecycleSlice) -> str:
    args: list[str] = []
    if s.request is not None:
        args.append(f"body: {s.request}")
    if s.kind in PRINCIPAL_KINDS:
        args.append(f"principal: Annotated[{_principal(s)}, Depends(require_{s.actor})]")
    args.append("session: Annotated[Session, Depends(get_session)]")
    returns = "Response" if s.kind == "logout" else s.response or "None"
    inner = "".join(f"    {a},\n" for a in args)
    return f"def {s.operation_id}(\n{inner}) -> {returns}:\n"


def _revoke(s: LifecycleSlice) -> str:
    """Lines raising ``row``'s token version: every token issued before is refused."""
    return "    row.token_version += 1\n    row.refresh_token_id = None\n"


def _body(s: LifecycleSlice) -> str:
    C, actor = s.model.class_name, py_str(s.actor)
    touch = "    row.updated_at = utcnow()\n" if s.updated_at else ""
    if s.kind == "logout":
        return (f"    row = session.get({C}, principal.id)\n"
                "    if row is not None:\n"
                "        row.token_version += 1\n"
                "        row.refresh_token_id = None\n"
                "        commit(session)\n"
                "    return Response(status_code=204)\n")
    if s.kind == "change_password":
        return (f"    row = session.get({C}, principal.id)\n"
                f"    stored = row.{s.password} if row is not None else None\n"
                "    if row is None or stored is None or not verify_password("
                "body.current_password, stored):\n"
                "        raise ForbiddenError('the current password is wrong')\n"
                f"    row.{s.password} = hash_password(body.new_password)\n" + touch
                + "    # every session signed in before ends; the caller gets new tokens\n"
                "    row.token_version += 1\n" + sign_in(s.primary, actor))
    purpose = py_str(PURPOSES[s.kind])
    answer = f"    return {s.response}(message={py_str(MESSAGES[s.kind])})\n"
    if s.kind in ("reset_request", "verify_request"):
        value = f"body.{s.identity}.lower()" if s.lowercase else f"body.{s.identity}"
        column = f"{C}.{s.identity}"
        match = f"func.lower({column}) == identity" if s.lowercase else f"{column} == identity"
        live = f", {C}.deleted_at.is_(None)" if s.soft_delete else ""
        return (f"    identity = {value}\n"
                "    row = session.scalars(\n"
                f"        select({C}).where({match}{live})\n"
                "    ).first()\n"
                "    # the same answer whether an account has the identity or not\n"
                "    if row is not None:\n"
                f"        message = issue(session, {actor}, row.{s.primary}, "
                f"row.{s.identity}, {purpose})\n"
                "        commit(session)\n"
                "        deliver(message)\n" + answer)
    out = (f"    account_id = redeem(session, {actor}, {purpose}, body.token)\n"
           f"    row = session.get({C}, account_id)\n")
    if s.soft_delete:
        out += "    if row is None or row.deleted_at is not None:\n"
    else:
        out += "    if row is None:\n"
    out += "        raise InvalidTokenError()\n"
    if s.kind == "reset_confirm":
        out += (f"    row.{s.password} = hash_password(body.new_password)\n" + touch
                + f"    retire(session, {actor}, account_id, {purpose})\n"
                "    # every session signed in before ends\n" + _revoke(s))
    else:
        if s.verified_flag:
            out += f"    row.{s.verified_flag} = True\n"
        if s.verified_time:
            out += f"    row.{s.verified_time} = utcnow()\n"
    return out + "    commit(session)\n" + answer


def render(s: LifecycleSlice) -> str:
    purpose = PURPOSE_TEXT[s.kind].format(actor=s.actor)
    head = f"{s.method.upper()} {s.path}: {s.summary.strip() or purpose}"
    out = safe_docstring(head)
    out += "\nfrom __future__ import annotations\n\n" + import_block(_import_lines(s))
    out += "\nrouter = APIRouter()\n" + _classes(s) + "\n\n" + _decorator(s) + _signature(s)
    out += safe_docstring(s.description or purpose, "    ") + _body(s)
    return out
