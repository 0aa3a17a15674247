"""The schema a chain of recorded migrations leaves, and the steps that catch it up.

A migration is recorded once and never recomputed, so the database of a project follows
the generators of the autobe that recorded each step. When a later autobe derives more
from the same spec (the account columns ``token_version`` and ``refresh_token_id`` that
revoke tokens), :func:`schema_of` of the head says one thing and the recorded chain
another. :func:`replay` applies the chain's steps to an empty schema (one handler per
step class: :data:`APPLIERS`); :func:`catch_up` is the steps from that to the schema the
current generators derive, which the next recorded migration carries first (columns a
generator added come with their default, or a rollback's fill).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from autobe_core.schema.diff import Identity, diff
from autobe_core.schema.model import Column, Schema, Table
from autobe_core.schema.steps import (
    AddColumn,
    AlterColumn,
    CreateCheck,
    CreateForeignKey,
    CreateIndex,
    CreateTable,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropTable,
    EnableTrigram,
    RenameColumn,
    RenameTable,
    Step,
)

Tables = dict[str, Table]


def _table(tables: Tables, name: str) -> Table:
    found = tables.get(name)
    if found is None:
        raise KeyError(f"a recorded step names table {name!r}, which the chain never made")
    return found


def _columns(table: Table, change: Callable[[Column], Column | None]) -> Table:
    kept = (change(c) for c in table.columns)
    return table.model_copy(update={"columns": tuple(c for c in kept if c is not None)})


def _column(tables: Tables, name: str, column: str, **update: Any) -> None:
    tables[name] = _columns(_table(tables, name), lambda c: c.model_copy(update=update)
                            if c.name == column else c)


def _create_table(tables: Tables, s: CreateTable) -> None:
    tables[s.table.name] = s.table


def _drop_table(tables: Tables, s: DropTable) -> None:
    tables.pop(s.table.name, None)


def _rename_table(tables: Tables, s: RenameTable) -> None:
    table = tables.pop(s.old)
    tables[s.new] = table.model_copy(update={"name": s.new,
                                             "primary_key_name": s.new_primary_key})


def _add_column(tables: Tables, s: AddColumn) -> None:
    table = _table(tables, s.table)
    tables[s.table] = table.model_copy(update={"columns": (*table.columns, s.column)})


def _drop_column(tables: Tables, s: DropColumn) -> None:
    tables[s.table] = _columns(_table(tables, s.table),
                               lambda c: None if c.name == s.column.name else c)


def _rename_column(tables: Tables, s: RenameColumn) -> None:
    def renamed(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(s.new if n == s.old else n for n in names)

    table = _columns(_table(tables, s.table), lambda c: c.model_copy(update={"name": s.new})
                     if c.name == s.old else c)
    tables[s.table] = table.model_copy(update={
        "indexes": tuple(i.model_copy(update={"columns": renamed(i.columns)})
                         for i in table.indexes),
        "uniques": tuple(u.model_copy(update={"columns": renamed(u.columns)})
                         for u in table.uniques),
    })


def _alter_column(tables: Tables, s: AlterColumn) -> None:
    _column(tables, s.table, s.after.name, type=s.after.type, nullable=s.after.nullable,
            default=s.after.default)


def _create_index(tables: Tables, s: CreateIndex) -> None:
    table = _table(tables, s.table)
    where = "uniques" if s.index.unique else "indexes"
    tables[s.table] = table.model_copy(update={where: (*getattr(table, where), s.index)})


def _drop_index(tables: Tables, s: DropIndex) -> None:
    table = _table(tables, s.table)
    tables[s.table] = table.model_copy(update={
        "indexes": tuple(i for i in table.indexes if i.name != s.index.name),
        "uniques": tuple(u for u in table.uniques if u.name != s.index.name),
    })


def _create_check(tables: Tables, s: CreateCheck) -> None:
    _column(tables, s.table, s.column, enum=s.values, check_name=s.name)


def _drop_check(tables: Tables, s: DropCheck) -> None:
    _column(tables, s.table, s.column, enum=None, check_name=None)


def _create_foreign_key(tables: Tables, s: CreateForeignKey) -> None:
    _column(tables, s.table, s.column, foreign_key=s.foreign_key)


def _drop_foreign_key(tables: Tables, s: DropForeignKey) -> None:
    _column(tables, s.table, s.column, foreign_key=None)


def _enable_trigram(tables: Tables, s: EnableTrigram) -> None:
    """The extension is not part of a table: nothing to replay."""


Applier = Callable[[Tables, Any], None]

APPLIERS: dict[type[Any], Applier] = {
    EnableTrigram: _enable_trigram,
    CreateTable: _create_table,
    DropTable: _drop_table,
    RenameTable: _rename_table,
    AddColumn: _add_column,
    DropColumn: _drop_column,
    RenameColumn: _rename_column,
    AlterColumn: _alter_column,
    CreateIndex: _create_index,
    DropIndex: _drop_index,
    CreateCheck: _create_check,
    DropCheck: _drop_check,
    CreateForeignKey: _create_foreign_key,
    DropForeignKey: _drop_foreign_key,
}
"""One handler per step class: what the step does to the tables."""


def replay(steps: Iterable[Step], schema: Schema | None = None) -> Schema:
    """The schema ``steps`` leave, applied in order to ``schema`` (default: empty)."""
    tables: Tables = dict((schema or Schema()).by_name())
    for step in steps:
        APPLIERS[type(step)](tables, step)
    return Schema(tables=tuple(tables.values()))


def normal(schema: Schema) -> Schema:
    """``schema`` in a canonical order (tables, columns, indexes by name), for comparing
    what a chain left with what the generators derive."""
    return Schema(tables=tuple(
        t.model_copy(update={
            "columns": tuple(sorted(t.columns, key=lambda c: c.name)),
            "indexes": tuple(sorted(t.indexes, key=lambda i: i.name)),
            "uniques": tuple(sorted(t.uniques, key=lambda u: u.name)),
        })
        for t in sorted(schema.tables, key=lambda t: t.name)))


def catch_up(recorded: Schema, current: Schema) -> tuple[Step, ...]:
    """The steps from the schema a recorded chain left to the one today's generators
    derive from the same spec (empty when they agree). Nothing is renamed: what differs
    was added, dropped or redefined by a generator; a required column comes with its
    default or, without one, a fill (as a rollback's)."""
    if normal(recorded) == normal(current):
        return ()
    return tuple(diff(recorded, current, Identity.of(recorded), rollback=True).steps)
