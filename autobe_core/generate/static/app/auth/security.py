"""Passwords (scrypt, random salt) and bearer tokens (JWT, HS256).

The signing secret is the setting ``AUTOBE_JWT_SECRET`` (:mod:`app.settings`); the
development default must be replaced in production.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid
from typing import Any, Literal

import jwt

from app.db import utcnow
from app.dtos.common import IAuthorizationToken
from app.errors import UnauthorizedError
from app.settings import get_settings

TokenKind = Literal["access", "refresh"]

ALGORITHM = "HS256"
ACCESS_LIFETIME = datetime.timedelta(hours=1)
REFRESH_LIFETIME = datetime.timedelta(days=14)

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32


def jwt_secret() -> str:
    return get_settings().jwt_secret


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$digest`` (hex) of ``password`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        dklen=KEY_LENGTH,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


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


def _encode(actor: str, subject: uuid.UUID, kind: TokenKind,
            now: datetime.datetime, expires: datetime.datetime) -> str:
    claims: dict[str, Any] = {
        "actor": actor,
        "sub": str(subject),
        "type": kind,
        "iat": now,
        "exp": expires,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, jwt_secret(), algorithm=ALGORITHM)


def issue_tokens(actor: str, subject: uuid.UUID) -> IAuthorizationToken:
    """A fresh access / refresh token pair for account ``subject`` of ``actor``."""
    now = utcnow()
    expired_at = now + ACCESS_LIFETIME
    refreshable_until = now + REFRESH_LIFETIME
    return IAuthorizationToken(
        access=_encode(actor, subject, "access", now, expired_at),
        refresh=_encode(actor, subject, "refresh", now, refreshable_until),
        expired_at=expired_at,
        refreshable_until=refreshable_until,
    )


def decode_token(token: str, kind: TokenKind) -> tuple[str, uuid.UUID]:
    """(actor, account id) of a valid token of ``kind``; UnauthorizedError otherwise."""
    try:
        claims = jwt.decode(
            token, jwt_secret(), algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "type", "actor"]},
        )
    except jwt.PyJWTError:
        raise UnauthorizedError("the token is invalid or expired") from None
    if claims.get("type") != kind:
        raise UnauthorizedError(f"the token is not a {kind} token")
    actor = claims.get("actor")
    if not isinstance(actor, str):
        raise UnauthorizedError("the token names no actor")
    try:
        subject = uuid.UUID(str(claims.get("sub")))
    except ValueError:
        raise UnauthorizedError("the token names no account") from None
    return actor, subject
