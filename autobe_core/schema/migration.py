"""A change's database steps, from its typed edits: the intent, renames included.

:func:`plan_migration` runs the change's edits (as :func:`autobe_core.spec.run` does)
and follows the tables and columns of the spec before through them: a ``renameModel`` is
a table rename and a ``renameField`` a column rename, so rows and values are kept; a
removal ends a table's (or column's) identity, so the same name added again later is a new
one. The schema before and the schema after (:func:`schema_of`) are then compared with
that identity (:func:`autobe_core.schema.diff.diff`).

What cannot be migrated safely comes back as diagnostics pointing at the edit that asked
for it (``$.edits[3]``), with what is allowed; nothing else about the change is judged
here (``spec.check`` does that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autobe_core.schema.derive import schema_of
from autobe_core.schema.diff import Diff, Identity, Problem, diff
from autobe_core.schema.model import Schema
from autobe_core.schema.steps import Step
from autobe_core.spec import (
    AddField,
    AddRelation,
    ChangeSet,
    ConcreteEdit,
    Diagnostic,
    ModifyField,
    ProjectSpec,
    RemoveField,
    RemoveModel,
    RemoveRelation,
    RenameField,
    RenameModel,
    format_path,
    run,
)


@dataclass(frozen=True)
class MigrationPlan:
    """The steps of a change (empty: the database is untouched) and its refusals."""

    steps: tuple[Step, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    before: Schema = field(default_factory=Schema)
    after: Schema = field(default_factory=Schema)

    @property
    def destructive(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.destructive)


@dataclass
class _Tracker:
    """Follows the tables and columns of the spec before through the edits, and which
    edit last added or redefined each column (by current names)."""

    identity: Identity
    current_tables: dict[str, str] = field(default_factory=dict)
    """table before -> its name now."""
    origins: dict[tuple[str, str], int] = field(default_factory=dict)
    """(table now, column now) -> index of the edit that added or redefined it."""

    def follow(self, index: int, edit: ConcreteEdit) -> None:
        handler = _FOLLOW.get(type(edit))
        if handler is not None:
            handler(self, index, edit)

    def _before_of(self, table_now: str) -> str | None:
        return next((b for b, n in self.current_tables.items() if n == table_now), None)

    def rename_table(self, old: str, new: str) -> None:
        for before, now in self.current_tables.items():
            if now == old:
                self.current_tables[before] = new
        self.origins = {((new if t == old else t), c): i for (t, c), i in self.origins.items()}

    def drop_table(self, name: str) -> None:
        before = self._before_of(name)
        if before is not None:
            del self.current_tables[before]
        self.origins = {k: i for k, i in self.origins.items() if k[0] != name}

    def rename_column(self, table: str, old: str, new: str) -> None:
        before = self._before_of(table)
        if before is not None:
            for key, now in self.identity.columns.items():
                if key[0] == before and now == old:
                    self.identity.columns[key] = new
        if (table, old) in self.origins:
            self.origins[(table, new)] = self.origins.pop((table, old))

    def drop_column(self, table: str, name: str) -> None:
        before = self._before_of(table)
        if before is not None:
            for key, now in list(self.identity.columns.items()):
                if key[0] == before and now == name:
                    del self.identity.columns[key]
        self.origins.pop((table, name), None)


def _rename_model(t: _Tracker, i: int, e: RenameModel) -> None:
    t.rename_table(e.model, e.new_name)


def _remove_model(t: _Tracker, i: int, e: RemoveModel) -> None:
    t.drop_table(e.model)


def _rename_field(t: _Tracker, i: int, e: RenameField) -> None:
    t.rename_column(e.model, e.field, e.new_name)


def _remove_field(t: _Tracker, i: int, e: RemoveField | RemoveRelation) -> None:
    t.drop_column(e.model, e.field)


def _add_field(t: _Tracker, i: int, e: AddField | AddRelation) -> None:
    t.origins[(e.model, e.field.name)] = i


def _modify_field(t: _Tracker, i: int, e: ModifyField) -> None:
    t.origins[(e.model, e.field)] = i


Follower = Callable[[_Tracker, int, Any], None]

_FOLLOW: dict[type[ConcreteEdit], Follower] = {
    RenameModel: _rename_model,
    RemoveModel: _remove_model,
    RenameField: _rename_field,
    RemoveField: _remove_field,
    RemoveRelation: _remove_field,
    AddField: _add_field,
    AddRelation: _add_field,
    ModifyField: _modify_field,
}
"""Edits that move or end an identity, or introduce a column; the others change no
table or column identity (a new model is simply a table the spec before did not have)."""


def plan_migration(
    spec: ProjectSpec, changeset: ChangeSet, *, rollback: bool = False
) -> MigrationPlan:
    """The database steps of ``changeset`` applied to ``spec`` (which must apply: the
    caller has checked it), or the diagnostics of what no migration can do safely. A
    ``rollback`` is never refused: what a change would be refused is a flagged step
    (:func:`autobe_core.schema.diff.diff`)."""
    outcome = run(spec, changeset)
    before = schema_of(spec)
    after = schema_of(outcome.spec)
    identity = Identity.of(before)
    tracker = _Tracker(identity, dict(identity.tables))
    for step in outcome.steps:
        tracker.follow(step.index, step.edit)
    identity.tables = dict(tracker.current_tables)
    result: Diff = diff(before, after, identity, rollback=rollback)
    diagnostics = tuple(_diagnostic(p, tracker.origins) for p in result.problems)
    return MigrationPlan(tuple(result.steps), diagnostics, before, after)


def _diagnostic(problem: Problem, origins: dict[tuple[str, str], int]) -> Diagnostic:
    index = origins.get((problem.table, problem.column))
    path = format_path(["edits", index]) if index is not None else format_path(["edits"])
    return Diagnostic(path, problem.code, problem.message, problem.allowed)
