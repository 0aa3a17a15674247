"""Helpers of the generated tests: unique values, the accounts' password, tokens."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.auth.security import hash_password, issue_tokens, new_token_id
from app.dtos.common import IAuthorizationToken

T = TypeVar("T")

DEFAULT_PASSWORD = "correct-horse-battery-staple"
"""The password of every account a factory makes."""

_counter = itertools.count(1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def unique_text(min_length: int = 1, max_length: int | None = None) -> str:
    """A fresh string whose length lies within the bounds."""
    text = "t" + uuid.uuid4().hex
    if max_length is not None:
        text = text[: max(max_length, 0)]
    if len(text) < min_length:
        text += "x" * (min_length - len(text))
    return text


def unique_email(max_length: int | None = None) -> str:
    """A fresh, valid e-mail address, at most ``max_length`` long when it can be."""
    room = 16 if max_length is None else max(1, min(16, max_length - 13))
    return "u" + uuid.uuid4().hex[:room] + "@example.com"


def unique_uri() -> str:
    return f"https://example.com/{uuid.uuid4().hex}"


def unique_int(minimum: int, maximum: int) -> int:
    """Consecutive calls cycle through the range, so rows differ where they can."""
    return minimum + next(_counter) % (maximum - minimum + 1)


def unique_float(minimum: float, maximum: float) -> float:
    return minimum + (next(_counter) % 1000) / 1000 * (maximum - minimum)


def unique_choice(values: tuple[str, ...]) -> str:
    return values[next(_counter) % len(values)]


@cache
def password_hash() -> str:
    """The stored hash of DEFAULT_PASSWORD (computed once: the KDF is slow on purpose)."""
    return hash_password(DEFAULT_PASSWORD)


def key_of(row: object) -> uuid.UUID:
    """The primary key of a flushed ORM row."""
    identity = inspect(row).identity
    assert identity is not None, "flush the row first"
    value = identity[0]
    assert isinstance(value, uuid.UUID)
    return value


def reach(row: object, *path: str) -> object:
    """The value at the end of ``path`` from ``row``: relation attributes, then a column
    (a grandparent's key a nested path names: ``reach(value, "option", "product_id")``)."""
    value: object = row
    for name in path:
        assert value is not None, f"{name}: the relation is empty"
        value = getattr(value, name)
    return value


def token_version(account: Any) -> int:
    """The account row's ``token_version`` (every actor's model has one)."""
    version = account.token_version
    assert isinstance(version, int), "flush the row first"
    return version


def tokens_of(actor: str, account: Any) -> IAuthorizationToken:
    """A token pair for ``account`` (a flushed row) in the role ``actor``, as a login would
    issue it: the account's refresh token id is set to the new refresh token's (commit
    the session before using it)."""
    refresh_id = new_token_id()
    account.refresh_token_id = refresh_id
    return issue_tokens(actor, key_of(account), token_version(account), refresh_id)


def bearer(actor: str, account: object) -> dict[str, str]:
    """Headers authenticating as ``account`` (a flushed row) in the role ``actor``."""
    token = issue_tokens(actor, key_of(account), token_version(account), new_token_id())
    return {"Authorization": f"Bearer {token.access}"}


def reload(session: Session, cls: type[T], key: object) -> T | None:
    """The row as the database holds it now (after the API changed it), or None."""
    session.expire_all()
    return session.get(cls, key)
