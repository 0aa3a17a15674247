"""Passwords (scrypt, random salt) and bearer tokens (JWT, HS256).

The signing secret is the setting ``AUTOBE_JWT_SECRET`` (:mod:`app.settings`): there is no
default, and :func:`prepare_auth` (run when the app starts) refuses to go on without one.

A token's claims: ``actor``, ``sub`` (the account id), ``ver`` (the account's
``token_version`` when it was issued), ``type`` (``access`` or ``refresh``), ``jti`` (its
id), ``iat`` and ``exp``. Every authenticated request loads the account
(:mod:`app.auth.actors`): a missing or deleted account, or a ``ver`` other than the row's
``token_version``, is refused (401), so raising ``token_version`` (logout, deletion)
revokes every token issued before. The account stores the ``jti`` of the one refresh token
it may use next (``refresh_token_id``): refreshing rotates it, and a refresh token used
twice revokes the account's tokens.

Login verifies a password even for an identity nobody has (against :func:`dummy_hash`), so
an unknown identity costs the same as a wrong password.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import jwt

from app.db import utcnow
from app.dtos.common import IAuthorizationToken
from app.errors import UnauthorizedError
from app.settings import require_jwt_secret

TokenKind = Literal["access", "refresh"]

ALGORITHM = "HS256"
ACCESS_LIFETIME = datetime.timedelta(hours=1)
REFRESH_LIFETIME = datetime.timedelta(days=14)

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says."""

    actor: str
    subject: uuid.UUID
    """The account id."""
    version: int
    """The account's ``token_version`` when the token was issued."""
    kind: TokenKind
    token_id: str
    """The ``jti``: a refresh token's must be the account's ``refresh_token_id``."""


def jwt_secret() -> str:
    return require_jwt_secret()


def prepare_auth() -> None:
    """At start-up: refuse to run without a usable signing secret (``SettingsError``), and
    compute the dummy hash once, so the first unknown-identity login is not slower."""
    require_jwt_secret()
    dummy_hash()


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$digest`` (hex) of ``password`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        dklen=KEY_LENGTH,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


@cache
def dummy_hash() -> str:
    """The hash of a random password nobody knows: login verifies against it when the
    identity is unknown, so that answer costs as much as a wrong password."""
    return hash_password(secrets.token_urlsafe(32))


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a ``hash_password`` result (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = bytes.fromhex(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
            p=int(p), dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def new_token_id() -> str:
    """A fresh token id (``jti``)."""
    return uuid.uuid4().hex


def _encode(actor: str, subject: uuid.UUID, version: int, kind: TokenKind, token_id: str,
            now: datetime.datetime, expires: datetime.datetime) -> str:
    claims: dict[str, Any] = {
        "actor": actor,
        "sub": str(subject),
        "ver": version,
        "type": kind,
        "iat": now,
        "exp": expires,
        "jti": token_id,
    }
    return jwt.encode(claims, jwt_secret(), algorithm=ALGORITHM)


def issue_tokens(actor: str, subject: uuid.UUID, version: int,
                 refresh_id: str) -> IAuthorizationToken:
    """A fresh access / refresh token pair for account ``subject`` of ``actor`` at token
    version ``version``; the refresh token's id is ``refresh_id`` (store it on the account
    as its ``refresh_token_id``)."""
    now = utcnow()
    expired_at = now + ACCESS_LIFETIME
    refreshable_until = now + REFRESH_LIFETIME
    return IAuthorizationToken(
        access=_encode(actor, subject, version, "access", new_token_id(), now, expired_at),
        refresh=_encode(actor, subject, version, "refresh", refresh_id, now,
                        refreshable_until),
        expired_at=expired_at,
        refreshable_until=refreshable_until,
    )


def decode_token(token: str, kind: TokenKind) -> TokenClaims:
    """The claims of a valid token of ``kind``; UnauthorizedError otherwise."""
    try:
        claims = jwt.decode(
            token, jwt_secret(), algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "type", "actor", "ver", "jti"]},
        )
    except jwt.PyJWTError:
        raise UnauthorizedError("the token is invalid or expired") from None
    if claims.get("type") != kind:
        raise UnauthorizedError(f"the token is not a {kind} token")
    actor, version, token_id = claims.get("actor"), claims.get("ver"), claims.get("jti")
    if not isinstance(actor, str):
        raise UnauthorizedError("the token names no actor")
    if not isinstance(version, int) or isinstance(version, bool):
        raise UnauthorizedError("the token carries no token version")
    if not isinstance(token_id, str):
        raise UnauthorizedError("the token carries no id")
    try:
        subject = uuid.UUID(str(claims.get("sub")))
    except ValueError:
        raise UnauthorizedError("the token names no account") from None
    return TokenClaims(actor=actor, subject=subject, version=version, kind=kind,
                       token_id=token_id)
