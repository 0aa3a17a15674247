"""The slice of a migration module, recorded with the revision that made it."""

from __future__ import annotations

from autobe_core.generate.common import Slice
from autobe_core.schema import MigrationPlan, Step, plan_migration
from autobe_core.spec import ProjectSpec, creation

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


def next_chain(
    chain: tuple[MigrationSlice, ...], revision: int, plan: MigrationPlan, title: str
) -> tuple[MigrationSlice, ...]:
    """``chain`` extended with revision ``revision``'s migration (unchanged when the plan
    has no step)."""
    if not plan.steps:
        return chain
    return (*chain, MigrationSlice(
        revision=revision,
        id=migration_id(revision),
        down=chain[-1].id if chain else None,
        title=title,
        steps=plan.steps,
    ))


def initial_chain(spec: ProjectSpec, title: str) -> tuple[MigrationSlice, ...]:
    """Revision 1's chain: one migration creating every table of ``spec`` (from the
    empty spec, through the creation change). What a new project records, and what a
    clean build of a spec with no history needs to be deployable."""
    plan = plan_migration(ProjectSpec(name=spec.name), creation(spec))
    return next_chain((), 1, plan, title)
