"""AutoBe's account lifecycle operations -> the spec's lifecycle kinds.

AutoBe projects name these operations freely (``changePassword``, ``requestPasswordReset``,
``request`` under ``/password-reset``, ``resetPassword``, ``completePasswordReset``,
``verifyEmail``, ``requestEmailVerification``, ``logout``). The kind is read from the
words of the operation's name and literal path segments, confirmed by the properties of
its request body (AutoBe's JSON schema):

- ``logout`` / ``signOut``: ``logout`` (a principal's tokens revoked);
- a password operation whose body has a current (or old) password and a new one:
  ``change_password``; one whose body has a token and a new password: ``reset_confirm``;
  one whose body has an identity (an e-mail) and that asks for a reset: ``reset_request``;
- an e-mail verification operation whose body has a token: ``verify_confirm``; one whose
  body has an identity: ``verify_request``.

The actor is the operation's role, else the actor its path names (``/auth/<actor>/...``),
else the one whose model its DTO types are about, else the only actor that logs in with
an identity and a password. ``change_password`` and ``logout`` need the role (the caller
is the account); the reset and verification operations are public. The generated
handlers use their own request / answer DTOs (reported as approximated when AutoBe's type
names differ), and the token operations need the ``account_tokens`` table, which is added
to the spec's models (once) when the first of them is mapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from autobe_core.importer.actors import ActorMap, auth_actor_name
from autobe_core.importer.ast import DocDocument, DocOperation
from autobe_core.importer.links import TypeLinks
from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes
from autobe_core.spec.lifecycle import (
    PRINCIPAL_KINDS,
    TOKEN_KINDS,
    TOKEN_MODEL,
    lifecycle_bodies,
    token_model,
    token_model_problem,
)
from autobe_core.spec.model import Actor, Body, Operation, OperationKind

TOKEN_PROPS = ("token", "code")
"""Body properties (lowercase, no separators) ending like these carry a one-time token."""
CURRENT_PROPS = frozenset({"currentpassword", "oldpassword", "existingpassword"})
NEW_PROPS = frozenset({"newpassword", "password"})
RESET_WORDS = frozenset({"reset", "forgot", "recover", "recovery"})
VERIFY_WORDS = frozenset({"verify", "verification", "verifications", "confirm"})


@dataclass(frozen=True)
class AccountMapping:
    """The operation as a lifecycle kind, or why it cannot be one (``reason``)."""

    operation: Operation | None = None
    reason: str | None = None


def _words(text: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return {w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w}


def _props(doc: DocDocument, op: DocOperation) -> set[str]:
    if op.request_body is None:
        return set()
    schema: dict[str, Any] = doc.components.schemas.get(op.request_body.type_name, {})
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return set()
    return {re.sub(r"[^a-z0-9]", "", str(p).lower()) for p in properties}


def classify(doc: DocDocument, op: DocOperation) -> OperationKind | None:
    """The lifecycle kind of an AutoBe operation, or None when it is none of them."""
    words = _words(op.name)
    for segment in op.path.split("/"):
        if segment and not segment.startswith("{"):
            words |= _words(segment)
    props = _props(doc, op)
    token = any(p.endswith(TOKEN_PROPS) for p in props)
    identity = any("email" in p or p in ("username", "login") for p in props)
    if op.method == "post" and ("logout" in words or {"sign", "out"} <= words
                                or "signout" in words):
        return "logout"
    if "password" in words:
        if props & CURRENT_PROPS and props & NEW_PROPS:
            return "change_password"
        if token and props & NEW_PROPS:
            return "reset_confirm"
        if identity and not token and words & (RESET_WORDS | {"request"}):
            return "reset_request"
        return None
    if "email" in words and words & VERIFY_WORDS:
        if token:
            return "verify_confirm"
        if identity:
            return "verify_request"
    return None


def _actor(actors: ActorMap, links: TypeLinks, op: DocOperation,
           actor_names: list[str]) -> Actor | None:
    role = op.authorization_role
    if role is not None:
        return actors.spec_actor(role)
    named = auth_actor_name(op, actor_names)
    if named is not None:
        return actors.spec_actor(named)
    bodies = [b.type_name for b in (op.request_body, op.response_body) if b is not None]
    hinted = {h for b in bodies if (h := links.model_hint(b)) is not None}
    by_model = [a for a in actors.actors if a.model in hinted]
    if len(by_model) == 1:
        return by_model[0]
    loggers = [a for a in actors.actors
               if a.kind != "guest" and a.identity_field and a.password_field]
    return loggers[0] if len(loggers) == 1 else None


def map_account_operation(
    doc: DocDocument, links: TypeLinks, models: ModelMap, actors: ActorMap,
    actor_names: list[str], notes: Notes, op: DocOperation, base: Operation, source: str,
) -> AccountMapping | None:
    """``op`` as a lifecycle operation (adding the token table to ``models`` when it needs
    it), a reason it cannot be one, or None when it is no lifecycle operation."""
    kind = classify(doc, op)
    if kind is None:
        return None
    actor = _actor(actors, links, op, actor_names)
    if actor is None:
        return AccountMapping(reason=f"a {kind} operation, but no actor of the document "
                                     "is the account it serves")
    model = models.model(actor.model)
    if model is None or actor.kind == "guest" or not (
            actor.identity_field and model.plain(actor.identity_field)
            and actor.password_field and model.plain(actor.password_field)):
        return AccountMapping(reason=f"a {kind} operation for actor {actor.name!r}, whose "
                                     "accounts have no identity and password")
    if kind in PRINCIPAL_KINDS and base.actor != actor.name:
        return AccountMapping(reason=f"a {kind} operation must be called by the account "
                                     f"itself (role {actor.name!r})")
    if kind in TOKEN_KINDS:
        existing = models.model(TOKEN_MODEL)
        if existing is None:
            models.models.append(token_model(model.namespace))
        elif token_model_problem(existing) is not None:
            return AccountMapping(reason=f"a {kind} operation, but the document's own "
                                         f"table {TOKEN_MODEL!r} cannot hold one-time tokens")
    request, response = lifecycle_bodies(model, kind)
    theirs = (op.request_body.type_name if op.request_body else None,
              op.response_body.type_name if op.response_body else None)
    if (request, response) != theirs:
        notes.approximated(
            source, op.endpoint,
            f"AutoBe's {op.name!r} imported as {kind}: the generated handler takes "
            f"{request or 'no body'} and answers {response or '204 without a body'} "
            f"(AutoBe: {theirs[0] or 'no body'} -> {theirs[1] or 'no body'})")
    if kind not in PRINCIPAL_KINDS and base.actor is not None:
        notes.approximated(source, op.endpoint,
                           f"a {kind} is public (the account is named by its body or "
                           f"token), not limited to role {base.actor!r}")
    return AccountMapping(operation=base.model_copy(update={
        "kind": kind, "model": model.name,
        "actor": actor.name if kind in PRINCIPAL_KINDS else None,
        "request_body": Body(type_name=request, description=_text(op, "request"))
        if request else None,
        "response_body": Body(type_name=response, description=_text(op, "response"))
        if response else None,
    }))


def _text(op: DocOperation, which: str) -> str:
    body = op.request_body if which == "request" else op.response_body
    return body.description if body is not None else ""
