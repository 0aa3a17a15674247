"""Every setting of the backend, read from the environment in this one module.

- ``AUTOBE_DATABASE_URL``: the database (default ``sqlite:///./app.db``); for PostgreSQL
  ``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB`` (``postgresql://`` works too).
  To use a schema other than ``public``, name it in the search path, keeping ``public``
  after it (trigram indexes find ``pg_trgm`` there):
  ``...?options=-csearch_path%3Dmyschema,public``;
- ``AUTOBE_TEST_DATABASE_URL``: the tests' database (PostgreSQL; the suite makes a fresh
  schema in it per run and drops it at the end). Unset: the tests use in-memory SQLite;
- ``AUTOBE_JWT_SECRET``: the key signing bearer tokens, at least 32 characters (e.g.
  ``python -c "import secrets; print(secrets.token_urlsafe(48))"``). There is no default:
  the app refuses to start without it (:func:`require_jwt_secret`); the generated tests set
  their own, random per run. Changing it signs every account out.

Settings are read when asked for (:func:`get_settings`), so a test or a tool may set the
environment before the first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./app.db"
JWT_SECRET_ENV = "AUTOBE_JWT_SECRET"
MIN_SECRET_LENGTH = 32
SECRET_HINT = (
    f"set {JWT_SECRET_ENV} to a random string of at least {MIN_SECRET_LENGTH} characters, "
    'e.g. python -c "import secrets; print(secrets.token_urlsafe(48))"'
)


class SettingsError(RuntimeError):
    """A setting the app needs is missing or unusable; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    test_database_url: str | None
    jwt_secret: str | None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        return cls(
            database_url=environ.get("AUTOBE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            test_database_url=environ.get("AUTOBE_TEST_DATABASE_URL") or None,
            jwt_secret=environ.get(JWT_SECRET_ENV) or None,
        )


def get_settings() -> Settings:
    """The settings as the environment holds them now."""
    return Settings.from_environ(os.environ)


def require_jwt_secret(settings: Settings | None = None) -> str:
    """The token signing secret; :class:`SettingsError` (what to set) when it is missing or
    shorter than :data:`MIN_SECRET_LENGTH` characters."""
    secret = (settings or get_settings()).jwt_secret
    if secret is None or not secret.strip():
        raise SettingsError(
            f"{JWT_SECRET_ENV} is not set: the app signs bearer tokens with it and does not "
            f"start without one; {SECRET_HINT}")
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"{JWT_SECRET_ENV} has {len(secret)} characters, too short to sign tokens "
            f"safely; {SECRET_HINT}")
    return secret
