"""The steps between two schemas, given which tables and columns are the same ones.

:class:`Identity` says which table (and column) of the schema before became which of the
schema after: renames come from the recorded edits, so a renamed column keeps its values
instead of being dropped and added. Anything without a counterpart was dropped (before)
or created (after). The steps come out in an order a database can run them in:

1. enable pg_trgm when the first trigram index appears;
2. drop what goes away or changes, by its old name: foreign keys, checks, indexes and
   unique constraints, then columns, then tables (dependents first);
3. rename tables, then columns;
4. create tables (dependencies first; a foreign key closing a cycle comes later), add
   columns, alter columns;
5. create foreign keys, checks, indexes and unique constraints, by their new names.

What cannot be migrated safely is a :class:`Problem` (a required column without a default
on a table that has rows, a type change with no safe cast), not a step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from autobe_core.schema.casts import cast_kind
from autobe_core.schema.model import Column, Index, Schema, Table
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
    distinct_key,
    fill_value,
)


@dataclass
class Identity:
    """Before -> after names of the tables and columns that survive a change."""

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    """(table before, column before) -> column after."""

    @classmethod
    def of(cls, schema: Schema) -> Identity:
        """Everything of ``schema`` is itself (the start of a change)."""
        return cls(
            {t.name: t.name for t in schema.tables},
            {(t.name, c.name): c.name for t in schema.tables for c in t.columns},
        )


@dataclass(frozen=True)
class Problem:
    """A change a migration cannot make safely, at a table and column (after names)."""

    table: str
    column: str
    code: str
    message: str
    allowed: tuple[str, ...] = ()


@dataclass
class Diff:
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Phases:
    trigram: list[Step] = field(default_factory=list)
    drop_constraints: list[Step] = field(default_factory=list)
    drop_columns: list[Step] = field(default_factory=list)
    drop_tables: list[Step] = field(default_factory=list)
    rename_tables: list[Step] = field(default_factory=list)
    rename_columns: list[Step] = field(default_factory=list)
    create_tables: list[Step] = field(default_factory=list)
    add_columns: list[Step] = field(default_factory=list)
    alter_columns: list[Step] = field(default_factory=list)
    create_constraints: list[Step] = field(default_factory=list)

    def steps(self) -> list[Step]:
        return [
            *self.trigram, *self.drop_constraints, *self.drop_columns, *self.drop_tables,
            *self.rename_tables, *self.rename_columns, *self.create_tables,
            *self.add_columns, *self.alter_columns, *self.create_constraints,
        ]


def diff(before: Schema, after: Schema, identity: Identity, *, rollback: bool = False) -> Diff:
    """The steps from ``before`` to ``after``. A ``rollback`` must reach ``after``
    whatever the rows hold, so what a change would be refused becomes a flagged step: a
    required column without default comes back filled with its type's zero, and a cast
    that may fail is planned as narrowing."""
    out = Diff()
    phases = _Phases()
    after_tables = after.by_name()
    survivors = {b: a for b, a in identity.tables.items()
                 if before.table(b) is not None and a in after_tables}
    dropped = [t for t in before.tables if t.name not in survivors]
    created = [t for t in after.tables if t.name not in set(survivors.values())]

    for old_name, new_name in survivors.items():
        old, new = before.table(old_name), after_tables[new_name]
        assert old is not None
        _diff_table(old, new, identity, phases, out.problems, rollback)
    _drop_tables(dropped, phases)
    _create_tables(created, phases)

    had_trigram = before.uses_trigram()
    if after.uses_trigram() and not had_trigram:
        phases.trigram.append(EnableTrigram())
    out.steps = phases.steps()
    return out


# --------------------------------------------------------------------------- tables


def _order(tables: list[Table]) -> tuple[list[Table], dict[str, tuple[str, ...]]]:
    """``tables`` with each after the tables (of the list) it references, and the
    foreign-key columns that close a cycle, per table (created after every table)."""
    names = {t.name for t in tables}
    placed: list[Table] = []
    done: set[str] = set()
    deferred: dict[str, tuple[str, ...]] = {}
    pending = list(tables)
    while pending:
        ready = [t for t in pending if (t.dependencies() & names) <= done]
        if not ready:  # a cycle: take the first one, defer what it references ahead
            ready = [pending[0]]
            table = ready[0]
            deferred[table.name] = tuple(
                c.name for c in table.columns
                if c.foreign_key is not None and c.foreign_key.target_table in names
                and c.foreign_key.target_table not in done
                and c.foreign_key.target_table != table.name
            )
        for table in ready[:1]:
            placed.append(table)
            done.add(table.name)
            pending.remove(table)
    return placed, deferred


def _create_tables(tables: list[Table], phases: _Phases) -> None:
    ordered, deferred = _order(tables)
    for table in ordered:
        later = deferred.get(table.name, ())
        phases.create_tables.append(CreateTable(table=table, deferred_foreign_keys=later))
        for column in table.columns:
            if column.name in later and column.foreign_key is not None:
                phases.create_constraints.append(CreateForeignKey(
                    table=table.name, column=column.name, foreign_key=column.foreign_key))


def _drop_tables(tables: list[Table], phases: _Phases) -> None:
    ordered, deferred = _order(tables)
    for table in reversed(ordered):
        later = deferred.get(table.name, ())
        for column in table.columns:
            if column.name in later and column.foreign_key is not None:
                phases.drop_constraints.append(DropForeignKey(
                    table=table.name, column=column.name, foreign_key=column.foreign_key))
        phases.drop_tables.append(DropTable(table=table, deferred_foreign_keys=later))


# --------------------------------------------------------------------------- one table


def _diff_table(
    old: Table, new: Table, identity: Identity, phases: _Phases, problems: list[Problem],
    rollback: bool,
) -> None:
    if old.name != new.name:
        phases.rename_tables.append(RenameTable(
            old=old.name, new=new.name, old_primary_key=old.primary_key_name,
            new_primary_key=new.primary_key_name))
    renamed = {c.name: identity.columns.get((old.name, c.name)) for c in old.columns}
    survivors = {o: n for o, n in renamed.items() if n is not None and new.column(n) is not None}
    for column in old.columns:
        if column.name not in survivors:
            phases.drop_columns.append(DropColumn(
                table=old.name, column=column, key=distinct_key(old, column.name)))
    for o, n in survivors.items():
        before, after = old.column(o), new.column(n)
        assert before is not None and after is not None
        if o != n:
            phases.rename_columns.append(RenameColumn(table=new.name, old=o, new=n))
        key = distinct_key(new, n) or distinct_key(old, o)
        _diff_column(old.name, new.name, before, after, phases, problems, rollback, key)
    kept = set(survivors.values())
    for column in new.columns:
        if column.name in kept:
            continue
        fill = None
        if not column.nullable and column.default is None and rollback:
            fill = fill_value(column)
        elif not column.nullable and column.default is None:
            problems.append(Problem(
                new.name, column.name, "migration.required-without-default",
                f"{new.name}.{column.name} is added as required (not nullable) with no "
                f"default, but {new.name} already exists and its rows would have no value",
                ("make the field nullable (nullable: true)",
                 "give the field a default (default: VALUE)"),
            ))
        phases.add_columns.append(AddColumn(table=new.name, column=column, fill=fill,
                                            key=distinct_key(new, column.name)))

    _diff_indexes(old.name, new.name, old.indexes, new.indexes, survivors, phases)
    _diff_indexes(old.name, new.name, old.uniques, new.uniques, survivors, phases)


def _diff_column(
    old_table: str, new_table: str, before: Column, after: Column, phases: _Phases,
    problems: list[Problem], rollback: bool, key: str | None,
) -> None:
    if before.foreign_key != after.foreign_key:
        if before.foreign_key is not None:
            phases.drop_constraints.append(DropForeignKey(
                table=old_table, column=before.name, foreign_key=before.foreign_key))
        if after.foreign_key is not None:
            phases.create_constraints.append(CreateForeignKey(
                table=new_table, column=after.name, foreign_key=after.foreign_key))
    if (before.enum, before.check_name) != (after.enum, after.check_name):
        if before.enum and before.check_name:
            restoring_narrows = bool(after.enum is None or set(after.enum) - set(before.enum))
            phases.drop_constraints.append(DropCheck(
                table=old_table, column=before.name, name=before.check_name,
                values=before.enum, narrowing=restoring_narrows))
        if after.enum and after.check_name:
            removed = bool(before.enum is None or set(before.enum) - set(after.enum))
            phases.create_constraints.append(CreateCheck(
                table=new_table, column=after.name, name=after.check_name,
                values=after.enum, narrowing=removed))
    kind = cast_kind(before.type, after.type)
    if kind == "refused" and rollback:
        kind = "narrowing"
    if kind == "refused":
        problems.append(Problem(
            new_table, after.name, "migration.unsafe-type-change",
            f"{new_table}.{after.name} cannot change from {before.type.describe()} to "
            f"{after.type.describe()}: no cast keeps every stored value",
            ("a widening change (int -> double / decimal / string, string -> longer "
             "string or text, anything -> string / text)",
             "add a new field, copy the values in your own code, then remove the old one"),
        ))
        return
    fill = None
    if not after.nullable and before.nullable and after.default is None and rollback:
        fill = fill_value(after)
    elif not after.nullable and before.nullable and after.default is None:
        problems.append(Problem(
            new_table, after.name, "migration.required-without-default",
            f"{new_table}.{after.name} becomes required, but rows may hold NULL there and "
            "there is no default to fill them with",
            ("give the field a default (default: VALUE)", "keep it nullable"),
        ))
    same = (before.type, before.nullable, before.default) == (
        after.type, after.nullable, after.default)
    if not same:
        phases.alter_columns.append(AlterColumn(
            table=new_table, before=before.model_copy(update={"name": after.name}),
            after=after, narrowing=kind == "narrowing", fill=fill, key=key))


def _diff_indexes(
    old_table: str, new_table: str, old: Iterable[Index], new: Iterable[Index],
    columns: dict[str, str], phases: _Phases,
) -> None:
    """Indexes (or unique constraints) by name; one whose columns changed is dropped and
    created again."""
    new_by_name = {i.name: i for i in new}
    old_by_name = {i.name: i for i in old}
    for name, index in old_by_name.items():
        moved = tuple(columns.get(c, "") for c in index.columns)
        target = new_by_name.get(name)
        if target is None or target.columns != moved or target.method != index.method:
            phases.drop_constraints.append(DropIndex(table=old_table, index=index))
    for name, index in new_by_name.items():
        source = old_by_name.get(name)
        if source is None or source.method != index.method or tuple(
            columns.get(c, "") for c in source.columns
        ) != index.columns:
            phases.create_constraints.append(CreateIndex(table=new_table, index=index))
