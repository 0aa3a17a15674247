"""The account lifecycle operations: what they need from the spec and what they are called.

Six operation kinds serve an actor's accounts besides join / login / refresh
(docs/security.md, account lifecycle):

- ``change_password``: the calling account (a principal of the operation's actor) proves
  its current password and sets a new one; every token issued before is revoked and the
  caller gets new ones (the actor's ``IAuthorized``);
- ``reset_request`` / ``reset_confirm``: a one-time password-reset token is issued for an
  identity (always the same answer, whether an account has it or not), then redeemed with
  a new password (the account's tokens are revoked);
- ``verify_request`` / ``verify_confirm``: the same one-time token mechanism for e-mail
  verification; the confirm sets the account's verified flag and / or time when the
  model has one (:func:`verified_fields`);
- ``logout``: the calling account's tokens are revoked (204).

The one-time tokens live in the table :data:`TOKEN_MODEL` (:func:`token_model`), a real
model of the spec, so the migrations create it like any other table; only the sha256 of
a token is stored. Each of these operations targets the actor's accounts model
(``Operation.model``), whose actor logs in with an identity and a password
(:func:`lifecycle_problem` says what is missing otherwise).
"""

from __future__ import annotations

from typing import Literal

from autobe_core.spec.model import (
    Actor,
    Model,
    Operation,
    OperationKind,
    PlainField,
    PlainIndex,
    ProjectSpec,
    UniqueIndex,
)
from autobe_core.spec.naming import dto_base, lifecycle_type_names
from autobe_core.spec.semantics import actor_for_model

LifecycleKind = Literal[
    "change_password", "reset_request", "reset_confirm", "verify_request", "verify_confirm",
    "logout",
]
LIFECYCLE_KINDS: tuple[LifecycleKind, ...] = (
    "change_password", "reset_request", "reset_confirm", "verify_request", "verify_confirm",
    "logout",
)
PRINCIPAL_KINDS: frozenset[OperationKind] = frozenset({"change_password", "logout"})
"""Kinds a principal of the operation's actor calls (the account is the caller's)."""
TOKEN_KINDS: frozenset[OperationKind] = frozenset(
    {"reset_request", "reset_confirm", "verify_request", "verify_confirm"})
"""Kinds that issue or redeem one-time tokens (they need :data:`TOKEN_MODEL`)."""

Purpose = Literal["password_reset", "email_verification"]
PURPOSES: dict[str, Purpose] = {
    "reset_request": "password_reset", "reset_confirm": "password_reset",
    "verify_request": "email_verification", "verify_confirm": "email_verification",
}
"""A token kind's purpose (``account_tokens.purpose``)."""

TOKEN_MODEL = "account_tokens"
"""The table of one-time tokens (password reset, e-mail verification)."""
TOKEN_FIELDS: dict[str, tuple[str, bool]] = {
    "actor": ("string", False),
    "account_id": ("uuid", False),
    "purpose": ("string", False),
    "token_hash": ("string", False),
    "expires_at": ("datetime", False),
    "used_at": ("datetime", True),
    "created_at": ("datetime", False),
}
"""The fields the generated handlers use: name -> (type, nullable)."""

VERIFIED_FLAGS = ("email_verified", "is_email_verified", "verified", "is_verified")
VERIFIED_TIMES = ("email_verified_at", "verified_at")


def token_model(namespace: str = "Default") -> Model:
    """The one-time token table: one row per token issued, only its sha256 stored."""
    return Model(
        name=TOKEN_MODEL,
        namespace=namespace,
        description="One-time account tokens (password reset, e-mail verification); "
                    "only the sha256 of a token is stored.",
        stance="subsidiary",
        plain_fields=[
            PlainField(name="actor", type="string", max_length=64,
                       description="The actor whose account the token serves."),
            PlainField(name="account_id", type="uuid",
                       description="The account (a row of the actor's model)."),
            PlainField(name="purpose", type="string",
                       enum=["password_reset", "email_verification"],
                       description="What the token may be redeemed for."),
            PlainField(name="token_hash", type="string", max_length=64,
                       description="The sha256 (hex) of the token; the token itself is "
                                   "never stored."),
            PlainField(name="expires_at", type="datetime",
                       description="When the token stops being accepted."),
            PlainField(name="used_at", type="datetime", nullable=True,
                       description="When it was redeemed (a token is used once)."),
            PlainField(name="created_at", type="datetime",
                       description="When it was issued."),
        ],
        unique_indexes=[UniqueIndex(field_names=["token_hash"])],
        plain_indexes=[PlainIndex(field_names=["actor", "account_id"])],
    )


def lifecycle_account(spec: ProjectSpec, op: Operation) -> tuple[Model, Actor, PlainField]:
    """A validated lifecycle operation's accounts model, the actor they belong to and its
    identity field (the validator refused the operation otherwise)."""
    model = spec.model(op.model) if op.model else None
    assert model is not None
    actor = actor_for_model(spec, model)
    assert actor is not None and actor.identity_field and actor.password_field
    identity = model.plain(actor.identity_field)
    assert identity is not None
    return model, actor, identity


def lifecycle_bodies(model: Model, kind: str) -> tuple[str | None, str | None]:
    """The (request, response) type names a ``kind`` operation on ``model`` uses."""
    names = lifecycle_type_names(model)
    base = f"I{dto_base(model)}"
    if kind == "logout":
        return None, None
    if kind == "change_password":
        return names[kind], f"{base}.IAuthorized"
    return names[kind], names["message"]


def verified_fields(model: Model) -> tuple[str | None, str | None]:
    """The account's verified flag (a boolean) and verified time (a datetime) a
    ``verify_confirm`` sets, when the model has them."""
    flag = next((n for n in VERIFIED_FLAGS
                 if (f := model.plain(n)) is not None and f.type == "boolean"), None)
    time = next((n for n in VERIFIED_TIMES
                 if (f := model.plain(n)) is not None and f.type == "datetime"), None)
    return flag, time


def token_model_problem(model: Model | None) -> str | None:
    """Why ``model`` (the spec's :data:`TOKEN_MODEL`) cannot hold one-time tokens."""
    if model is None:
        return f"the spec has no {TOKEN_MODEL!r} model to keep one-time tokens in"
    for name, (type_, nullable) in TOKEN_FIELDS.items():
        field = model.plain(name)
        if field is None or field.type != type_ or field.nullable != nullable:
            state = "nullable " if nullable else ""
            return f"model {TOKEN_MODEL!r} needs a {state}{type_} field {name!r}"
    return None


def lifecycle_problem(spec: ProjectSpec, kind: str, model_name: str | None,
                      actor_name: str | None) -> str | None:
    """Why an operation of lifecycle ``kind`` on ``model_name`` (called by
    ``actor_name``) cannot be generated; None when it can."""
    model = spec.model(model_name) if model_name else None
    if model is None:
        return f"a {kind} operation needs the model of an actor's accounts"
    actor = next((a for a in spec.actors if a.model == model.name), None)
    if actor is None:
        return f"no actor authenticates against {model.name!r}"
    if actor.kind == "guest":
        return f"actor {actor.name!r} is a guest, which has no password"
    if not (actor.identity_field and model.plain(actor.identity_field)):
        return f"actor {actor.name!r} has no identity field in {model.name!r}"
    if not (actor.password_field and model.plain(actor.password_field)):
        return f"actor {actor.name!r} has no password field in {model.name!r}"
    if kind in PRINCIPAL_KINDS and actor_name != actor.name:
        return (f"a {kind} operation is called by the account itself: its actor must be "
                f"{actor.name!r}")
    if kind in TOKEN_KINDS:
        return token_model_problem(spec.model(TOKEN_MODEL))
    return None
