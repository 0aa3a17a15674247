"""The slice of a migration module, recorded with the revision that made it."""

from __future__ import annotations

from autobe_core.generate.common import Slice
from autobe_core.schema import Step

GENERATOR_VERSION = "1"

MIGRATIONS_DIR = "migrations/versions"


def migration_id(revision: int) -> str:
    """The Alembic revision id of the migration a project revision recorded."""
    return f"r{revision:04d}"


class MigrationSlice(Slice):
    revision: int
    """The project revision that recorded this migration."""
    id: str
    down: str | None
    """The previous migration's id (None for the first)."""
    title: str
    """One line saying what the revision did (free text: emitted escaped)."""
    steps: tuple[Step, ...]
    generator_version: str = GENERATOR_VERSION
    """The generator version the migration was recorded with (part of its key)."""
