"""Who is calling: a principal class and a FastAPI dependency per actor."""

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
