"""The generated backend's one-time token module, ``app/auth/one_time.py``.

Planned only when the spec has an operation that issues or redeems one-time tokens
(``reset_*`` / ``verify_*``, :mod:`autobe_core.spec.lifecycle`). What the module does is
in its own docstring below (and docs/security.md, account lifecycle): tokens from
``secrets.token_urlsafe``, only their sha256 stored in ``account_tokens``, compared with
``hmac.compare_digest``, used once (an atomic ``UPDATE ... WHERE used_at IS NULL``),
expiring (30 minutes for a reset, 24 hours for a verification), handed to the operator's
senders, never to the HTTP answer.
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import ModelRef, Slice, model_el
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.lifecycle import TOKEN_KINDS, TOKEN_MODEL
from autobe_core.spec.model import ProjectSpec

GENERATOR_VERSION = "1"
MODULE_ID = "auth:one_time"
PATH = f"{BACKEND_PACKAGE}/auth/one_time.py"


class OneTimeSlice(Slice):
    model: ModelRef
    """The token table's generated names (``app.models.account_tokens``)."""


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    """The module, when an operation of the spec issues or redeems one-time tokens."""
    model = spec.model(TOKEN_MODEL)
    if model is None or not any(op.kind in TOKEN_KINDS for op in spec.operations):
        return []
    return [PlannedModule(
        id=MODULE_ID, kind="auth", path=PATH, slice=OneTimeSlice(model=ModelRef.of(model)),
        render=_render, generator_version=GENERATOR_VERSION,
        reads=frozenset({model_el(model.name)}),
        imports=frozenset({"app:db", "app:errors", f"model:{model.name}"}),
    )]


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, OneTimeSlice)
    return render(slice_)


def render(s: OneTimeSlice) -> str:
    C = s.model.class_name
    return f'''"""One-time account tokens: password reset and e-mail verification.

A token is ``secrets.token_urlsafe(32)``; only its sha256 (hex) is stored, in
``{s.model.name}``, with the actor and account it serves, its purpose and when it expires
(:data:`LIFETIMES`). Redeeming it compares the digest in constant time, refuses an unknown,
used or expired token or one of another actor or purpose (400 ``invalid_token``) and marks
it used in the same statement that checks it is unused, so a token works once.

There is no mail server: :func:`deliver` hands each new token to the senders the operator
wires, never to the HTTP answer. A sender is a function taking a :class:`OneTimeToken`
(e-mail it, queue it, ...): append it to :data:`SENDERS` at start-up, or name it in the
environment as ``AUTOBE_TOKEN_SENDER=package.module:function``. Without one, the token is
not delivered and a warning (without the token) is logged. A sender that fails is logged
and does not change the answer, which must be the same whether an account exists or not.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import importlib
import logging
import os
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from app.db import as_utc, utcnow
from app.errors import ApiError
from app.models.{s.model.name} import {C}

Purpose = Literal["password_reset", "email_verification"]

LIFETIMES: dict[Purpose, datetime.timedelta] = {{
    "password_reset": datetime.timedelta(minutes=30),
    "email_verification": datetime.timedelta(hours=24),
}}
"""How long a token of each purpose is accepted after it is issued."""
SENDER_ENV = "AUTOBE_TOKEN_SENDER"
"""``package.module:function``: a sender the operator names in the environment."""

logger = logging.getLogger("app.auth.one_time")


@dataclass(frozen=True)
class OneTimeToken:
    """A token just issued, for a sender to deliver to the account's owner."""

    actor: str
    account_id: uuid.UUID
    identity: str
    """Where to send it (the account's identity, e.g. its e-mail address)."""
    purpose: Purpose
    token: str
    expires_at: datetime.datetime


Sender = Callable[[OneTimeToken], None]
SENDERS: list[Sender] = []
"""The senders every new token is handed to (besides the one ``AUTOBE_TOKEN_SENDER``
names)."""


INVALID_TOKEN = "Bad request: the one-time token is unknown, used, expired or for another use."
"""The description of the 400 answer of the operations that redeem a token."""


class InvalidTokenError(ApiError):
    def __init__(self) -> None:
        super().__init__(400, "invalid_token", "the token is unknown, used or expired")


def token_digest(token: str) -> str:
    """What is stored of a token: its sha256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, actor: str, account_id: uuid.UUID, identity: str,
          purpose: Purpose) -> OneTimeToken:
    """A new token for the account (added to ``session``; the caller commits)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + LIFETIMES[purpose]
    session.add({C}(actor=actor, account_id=account_id, purpose=purpose,
                      token_hash=token_digest(token), expires_at=expires_at,
                      used_at=None, created_at=now))
    return OneTimeToken(actor=actor, account_id=account_id, identity=identity,
                        purpose=purpose, token=token, expires_at=expires_at)


def redeem(session: Session, actor: str, purpose: Purpose, token: str) -> uuid.UUID:
    """The account of a valid token of ``actor`` and ``purpose``, which is used up;
    :class:`InvalidTokenError` for any other token."""
    digest = token_digest(token)
    row = session.scalars(select({C}).where({C}.token_hash == digest)).first()
    if (row is None or not hmac.compare_digest(row.token_hash, digest)
            or row.actor != actor or row.purpose != purpose or row.used_at is not None
            or as_utc(row.expires_at) <= utcnow()):
        raise InvalidTokenError()
    used = session.execute(
        update({C}).where({C}.id == row.id, {C}.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if cast(CursorResult[Any], used).rowcount != 1:  # redeemed meanwhile
        raise InvalidTokenError()
    return row.account_id


def retire(session: Session, actor: str, account_id: uuid.UUID, purpose: Purpose) -> None:
    """Every unused token of ``purpose`` of the account is used up (after a reset, the
    other reset tokens sent before stop working)."""
    session.execute(
        update({C}).where({C}.actor == actor, {C}.account_id == account_id,
                          {C}.purpose == purpose, {C}.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _configured() -> list[Sender]:
    name = os.environ.get(SENDER_ENV, "").strip()
    if not name:
        return []
    module, _, attribute = name.partition(":")
    try:
        sender = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError, ValueError):
        logger.error("%s=%s names no importable function", SENDER_ENV, name)
        return []
    return [cast(Sender, sender)]


def deliver(message: OneTimeToken) -> None:
    """Hand a new token to the senders (see the module docstring)."""
    senders = [*SENDERS, *_configured()]
    if not senders:
        logger.warning("a %s token for a %s account was not delivered: no sender is "
                       "wired (set %s)", message.purpose, message.actor, SENDER_ENV)
        return
    for sender in senders:
        try:
            sender(message)
        except Exception:
            logger.exception("a sender failed to deliver a %s token", message.purpose)
'''
