"""Shared fixtures: ``storage_url`` runs a test on SQLite always and on PostgreSQL when
``AUTOBE_TEST_POSTGRES_URL`` names a server (``eval "$(.ci/postgres.sh)"`` starts one).

Each PostgreSQL test gets a fresh schema (``?schema=autobe_t_<random>``) on that server,
dropped afterwards, so tests never see each other's tables and may run in parallel.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from autobe_core.service import destroy_storage

POSTGRES_ENV = "AUTOBE_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV, "").strip()
NO_POSTGRES = (
    f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://USER:PASSWORD@HOST:PORT/DB "
    '(start a local server with: eval "$(.ci/postgres.sh)")'
)

_SCRIPT = Path(sys.executable).with_name("autobe")
AUTOBE = (
    [str(_SCRIPT)]
    if _SCRIPT.is_file()
    else [sys.executable, "-c", "from autobe_cli.main import main; main()"]
)
"""The real ``autobe`` executable, for tests that run it as a user would."""

# The suite verifies cold: a warm verifier would leave a mypy daemon per project behind
# (tests/unit/test_warm_verifier.py turns it on and stops its daemons itself).
os.environ["AUTOBE_VERIFIER"] = "cold"

requires_postgres = pytest.mark.skipif(not POSTGRES_URL, reason=NO_POSTGRES)
BACKENDS = ["sqlite", pytest.param("postgres", marks=requires_postgres)]


@contextmanager
def fresh_storage_url(backend: str, directory: Path) -> Iterator[str]:
    """A URL naming empty storage of ``backend``; everything in it is deleted after."""
    if backend == "sqlite":
        url = f"sqlite:///{(directory / f'autobe-{uuid.uuid4().hex[:8]}.db').as_posix()}"
    else:
        if not POSTGRES_URL:
            pytest.skip(NO_POSTGRES)
        separator = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{separator}schema=autobe_t_{uuid.uuid4().hex[:16]}"
    try:
        yield url
    finally:
        destroy_storage(url)


@pytest.fixture(params=BACKENDS)
def storage_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def storage_url(storage_backend: str, tmp_path: Path) -> Iterator[str]:
    """Empty storage on SQLite (a file under tmp_path) or PostgreSQL (a fresh schema)."""
    with fresh_storage_url(storage_backend, tmp_path) as url:
        yield url
