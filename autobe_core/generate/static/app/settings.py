"""Every setting of the backend, read from the environment in this one module.

- ``AUTOBE_DATABASE_URL``: the database (default ``sqlite:///./app.db``); for PostgreSQL
  ``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB`` (``postgresql://`` works too).
  To use a schema other than ``public``, name it in the search path, keeping ``public``
  after it (trigram indexes find ``pg_trgm`` there):
  ``...?options=-csearch_path%3Dmyschema,public``;
- ``AUTOBE_TEST_DATABASE_URL``: the tests' database (PostgreSQL; the suite makes a fresh
  schema in it per run and drops it at the end). Unset: the tests use in-memory SQLite;
- ``AUTOBE_JWT_SECRET``: the key signing bearer tokens; the development default must be
  replaced in production.

Settings are read when asked for (:func:`get_settings`), so a test or a tool may set the
environment before the first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./app.db"
DEVELOPMENT_SECRET = "autobe-development-secret-replace-me-in-production"


@dataclass(frozen=True)
class Settings:
    database_url: str
    test_database_url: str | None
    jwt_secret: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        return cls(
            database_url=environ.get("AUTOBE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            test_database_url=environ.get("AUTOBE_TEST_DATABASE_URL") or None,
            jwt_secret=environ.get("AUTOBE_JWT_SECRET") or DEVELOPMENT_SECRET,
        )


def get_settings() -> Settings:
    """The settings as the environment holds them now."""
    return Settings.from_environ(os.environ)
