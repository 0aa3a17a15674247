"""Planner for the `migration` kind: ``migrations/versions/<id>.py``, one per revision
whose change touched the database.

A migration is planned from history, not from the spec: its slice (revision, id, the
previous migration's id, the steps) is recorded with the revision that made it, so its
key, and the text the module index holds for that key, never change afterwards: an
applied migration is never rewritten. The chain is linear and named by revision
(``r0003`` is revision 3's).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from autobe_core.generate.kinds.migration.render import render
from autobe_core.generate.kinds.migration.slices import MIGRATIONS_DIR, MigrationSlice
from autobe_core.generate.plan import PlannedModule


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, MigrationSlice)
    return render(slice_)


def plan(migrations: Sequence[MigrationSlice]) -> list[PlannedModule]:
    return [
        PlannedModule(
            id=f"migration:{m.id}",
            kind="migration",
            path=f"{MIGRATIONS_DIR}/{m.id}.py",
            slice=m,
            render=_render,
            generator_version=m.generator_version,
            reads=frozenset({f"revision:{m.revision}"}),  # graph.revision_element
            imports=frozenset(),
        )
        for m in migrations
    ]
