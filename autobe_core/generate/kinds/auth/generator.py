"""Planner and generator for the `auth` module kind.

``app/auth/security.py`` (passwords with ``hashlib.scrypt`` and a random salt, compared in
constant time; JWT access / refresh tokens via PyJWT, HS256, claims ``actor``, ``sub``,
``type``, ``exp``) is a fixed text and reads nothing. ``app/auth/actors.py`` holds one
principal class and one ``require_<actor>`` dependency per actor; it reads the actors
(their names and descriptions only: a dependency checks the token, not the database).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, actor_el, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import pascal

GENERATOR_VERSION = "1"


class SecuritySlice(Slice):
    module: str = "security"


class ActorEntry(Slice):
    name: str
    description: str = ""


class ActorsSlice(Slice):
    module: str = "actors"
    actors: tuple[ActorEntry, ...] = ()


def principal_name(actor: str) -> str:
    return f"{pascal(actor)}Principal"


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    actors = tuple(
        ActorEntry(name=a.name, description=a.description)
        for a in sorted(spec.actors, key=lambda a: a.name)
    )
    return [
        PlannedModule(
            id="auth:security", kind="auth", path=f"{BACKEND_PACKAGE}/auth/security.py",
            slice=SecuritySlice(), render=render_security,
            generator_version=GENERATOR_VERSION,
            imports=frozenset({"app:db", "app:dtos_common", "app:errors"}),
        ),
        PlannedModule(
            id="auth:actors", kind="auth", path=f"{BACKEND_PACKAGE}/auth/actors.py",
            slice=ActorsSlice(actors=actors), render=render_actors,
            generator_version=GENERATOR_VERSION,
            reads=frozenset(actor_el(a.name) for a in spec.actors),
            imports=frozenset({"auth:security", "app:errors"}),
        ),
    ]


def render_security(slice_: BaseModel) -> str:
    assert isinstance(slice_, SecuritySlice)
    return SECURITY


def render_actors(slice_: BaseModel) -> str:
    assert isinstance(slice_, ActorsSlice)
    out = ACTORS_HEAD
    for actor in slice_.actors:
        cls = principal_name(actor.name)
        doc = f"An authenticated {actor.name}"
        doc += f": {actor.description}" if actor.description.strip() else "."
        out += f"\n\n@dataclass(frozen=True)\nclass {cls}:\n"
        out += safe_docstring(doc, "    ")
        out += "\n    id: uuid.UUID\n"
        out += (f"\n\ndef require_{actor.name}(\n"
                "    credentials: Annotated[HTTPAuthorizationCredentials | None, "
                "Depends(bearer)],\n"
                f") -> {cls}:\n"
                f"    \"\"\"The calling {actor.name}: 401 without a valid access token, 403 "
                "for another actor's.\"\"\"\n"
                f"    return {cls}(id=authenticate(credentials, {py_str(actor.name)}))\n")
    return out


ACTORS_HEAD = '''"""Who is calling: a principal class and a FastAPI dependency per actor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.security import decode_token
from app.errors import ForbiddenError, UnauthorizedError

bearer = HTTPBearer(auto_error=False)


def authenticate(credentials: HTTPAuthorizationCredentials | None, actor: str) -> uuid.UUID:
    """The account id of a valid access token of ``actor``."""
    if credentials is None:
        raise UnauthorizedError("a bearer token is required")
    token_actor, subject = decode_token(credentials.credentials, "access")
    if token_actor != actor:
        raise ForbiddenError(f"this operation is for the {actor} actor")
    return subject
'''

SECURITY = '''"""Passwords (scrypt, random salt) and bearer tokens (JWT, HS256).

The signing secret comes from the environment variable ``AUTOBE_JWT_SECRET``; the
development default must be replaced in production.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
import secrets
import uuid
from typing import Any, Literal

import jwt

from app.db import utcnow
from app.dtos.common import IAuthorizationToken
from app.errors import UnauthorizedError

TokenKind = Literal["access", "refresh"]

ALGORITHM = "HS256"
ACCESS_LIFETIME = datetime.timedelta(hours=1)
REFRESH_LIFETIME = datetime.timedelta(days=14)
DEVELOPMENT_SECRET = "autobe-development-secret-replace-me-in-production"

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
KEY_LENGTH = 32


def jwt_secret() -> str:
    return os.environ.get("AUTOBE_JWT_SECRET", DEVELOPMENT_SECRET)


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
'''
