"""The database side of the history: each revision's migration, and the chain of them.

A revision whose change touches the database records its migration in its delta
(``delta["migration"]``: the :class:`MigrationSlice`, steps included), so the chain of a
revision is read from the history, never recomputed, and a recorded migration never
changes. The steps come from the change's typed edits (:func:`plan_migration`).

A rollback from the head ``n`` to ``k`` is a new revision ``n + 1`` whose migration goes
*forward* to revision ``k``'s schema: its edits are the inverses of revisions ``n`` ..
``k + 1`` (each revision records the concrete edits from its predecessor; a rollback
records its own in ``delta["edits"]``), so a rename is undone by a rename and the chain
stays linear: ``autobe db upgrade`` always moves to the head.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from autobe_core.build import Manifest
from autobe_core.errors import AutobeError
from autobe_core.history import Project, Revision
from autobe_core.service.session import ProjectSession

MIGRATION = "migration"
"""Delta key: the revision's migration slice (absent: the database did not change)."""
EDITS = "edits"
"""Delta key of a rollback revision: the concrete edits from its predecessor."""

if TYPE_CHECKING:  # the planners are imported by what plans: ``log`` reads a migration
    from autobe_core.generate import MigrationSlice
    from autobe_core.schema import MigrationPlan, Step
    from autobe_core.spec import ChangeSet, ProjectSpec


def with_catch_up(chain: tuple[MigrationSlice, ...], plan: MigrationPlan) -> MigrationPlan:
    """``plan`` led by the steps that bring what ``chain`` recorded up to the schema
    today's generators derive from the spec before the change (``plan.before``): a
    project whose migrations an older autobe recorded gets the columns a newer generator
    adds (the account columns that revoke tokens) with its next migration."""
    from autobe_core.schema.replay import catch_up, replay

    if not chain:
        return plan
    drift = catch_up(replay(s for m in chain for s in m.steps), plan.before)
    if not drift:
        return plan
    return replace(plan, steps=(*drift, *plan.steps))


def without_migrations(manifest: Manifest) -> Manifest:
    """``manifest`` without its migration files: what a rollback reproduces exactly (the
    chain of migrations only grows)."""
    return Manifest.of(e for e in manifest if not e.module_id.startswith("migration:"))


def chain_at(project: Project, revision: int) -> tuple[MigrationSlice, ...]:
    """The migrations of every revision up to ``revision``, oldest first."""
    from autobe_core.generate import MigrationSlice

    found = (project.delta_entry(n, MIGRATION) for n in range(1, revision + 1))
    return tuple(MigrationSlice.model_validate(m) for m in found if m is not None)


def migration_of_revision(revision: Revision) -> MigrationSlice | None:
    """The migration ``revision`` recorded, if its change touched the database."""
    from autobe_core.generate import MigrationSlice

    data = revision.delta_entry(MIGRATION)
    return MigrationSlice.model_validate(data) if data is not None else None


@dataclass(frozen=True)
class RecordedMigration:
    """What ``log``/``show`` say of a revision's migration, read without the generators
    (:func:`migration_of_revision` gives the whole slice)."""

    id: str
    down: str | None
    """The previous migration's id (None for the first)."""
    steps: tuple[Step, ...]


def recorded_migration(revision: Revision) -> RecordedMigration | None:
    """The migration ``revision`` recorded (None: its change left the database alone)."""
    data = revision.delta_entry(MIGRATION)
    if data is None:
        return None
    from pydantic import TypeAdapter

    from autobe_core.schema import Step

    steps = TypeAdapter(tuple[Step, ...]).validate_python(data.get("steps", ()))
    return RecordedMigration(str(data["id"]), data.get("down"), steps)


def delta_entries(chain: tuple[MigrationSlice, ...], revision: int) -> dict[str, Any]:
    """What the revision's delta records of its database step."""
    last = chain[-1] if chain else None
    if last is None or last.revision != revision:
        return {}
    return {MIGRATION: last.model_dump(mode="json")}


def edits_of(project: Project, revision: int) -> ChangeSet:
    """The concrete edits that made ``revision`` from its predecessor."""
    from autobe_core.spec import parse_changeset

    view = project.revision(revision)
    data = view.changeset if view.kind == "change" else view.delta.get(EDITS)
    if not data:
        raise AutobeError(
            f"revision {revision} does not record the edits it made, so rolling back over "
            "it cannot say what happens to the database",
            "roll back to a revision after it, or make the change with `autobe change`",
        )
    return parse_changeset(data)


def rollback_edits(
    session: ProjectSession, project: Project, target: int
) -> tuple[ChangeSet, ProjectSpec]:
    """The edits from the head back to ``target`` (the inverses of every revision in
    between, newest first) and the spec they lead to, which is ``target``'s."""
    from autobe_core.spec import ChangeSet, DiagnosticError, apply, invert

    spec = session.spec_at(project, project.head)
    edits: list[Any] = []
    for number in range(project.head, target, -1):
        before = session.spec_at(project, number - 1)
        undo = invert(before, edits_of(project, number))
        edits += undo.edits
    changeset = ChangeSet(edits=edits, summary=f"roll back to revision {target}")
    try:
        result = apply(spec, changeset)
    except DiagnosticError as exc:
        raise AutobeError(
            f"undoing the edits of revisions {project.head}..{target + 1} does not give "
            f"revision {target}'s spec: {exc.message}"
        ) from exc
    return changeset, result


def plan_rollback(
    session: ProjectSession, project: Project, target: int
) -> tuple[ChangeSet, MigrationPlan]:
    """The rollback's edits and its (forward) migration to ``target``'s schema."""
    from autobe_core.schema import plan_migration

    changeset, _ = rollback_edits(session, project, target)
    head_spec = session.spec_at(project, project.head)
    plan = plan_migration(head_spec, changeset, rollback=True)
    return changeset, with_catch_up(chain_at(project, project.head), plan)
