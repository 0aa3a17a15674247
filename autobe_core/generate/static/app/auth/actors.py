"""Who is calling: a principal class and a FastAPI dependency per actor.

``require_<actor>`` decodes the bearer token (401 without a valid access token, 403 for
another actor's), then loads the account it names: a missing or deleted account, or a
token issued before the account's ``token_version`` was raised (logout, deletion), is
refused with 401. ``require_privileged`` accepts a principal of any privileged actor (the
staff actors, e.g. admins): it guards the join of privileged actors.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.auth.security import TokenClaims, decode_token
from app.db import get_session
from app.errors import ForbiddenError, UnauthorizedError

bearer = HTTPBearer(auto_error=False)

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
SessionDep = Annotated[Session, Depends(get_session)]

ACCOUNT_GONE = "the token's account does not exist any more"
REVOKED = "the token was revoked (signed out or replaced): sign in again"


def authenticate(credentials: HTTPAuthorizationCredentials | None,
                 actors: tuple[str, ...]) -> TokenClaims:
    """The claims of a valid access token of one of ``actors`` (401 without one, 403 for
    another actor's); the caller checks them against the account row."""
    if credentials is None:
        raise UnauthorizedError("a bearer token is required")
    claims = decode_token(credentials.credentials, "access")
    if claims.actor not in actors:
        raise ForbiddenError(f"this operation is for the {' or '.join(actors)} actor")
    return claims
