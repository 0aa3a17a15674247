"""Database steps: what one migration does, as values with exact inverses.

A step carries every definition it needs (a dropped table's columns, a column's type
before and after), so :func:`inverse` is exact and a migration's ``downgrade()`` is the
inverses of its steps in reverse order. ``destructive`` says whether applying the step
can lose data (dropping a table or column, narrowing a type or an enum's values).
Steps are frozen pydantic values: a recorded migration keeps them in the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field

from autobe_core.schema.casts import cast_kind
from autobe_core.schema.model import Column, ForeignKey, Index, Scalar, SchemaValue, Table

ZERO: dict[str, Scalar] = {
    "uuid": "00000000-0000-0000-0000-000000000000",
    "string": "",
    "text": "",
    "int": 0,
    "double": 0.0,
    "decimal": 0,
    "boolean": False,
    "datetime": "1970-01-01 00:00:00.000000",
}
"""The value a rollback gives rows that exist when it brings back a required column
that has no default (the first value of an enum)."""


def distinct_key(table: Table, column: str) -> str | None:
    """The primary key column whose text fills ``column`` row by row when a rollback
    must fill it: a unique constraint of ``table`` covers the text column, so one
    constant for every row would collide. None when a constant does."""
    covered = any(column in u.columns for u in table.uniques)
    found = table.column(column)
    if not covered or found is None or found.type.kind not in ("string", "text"):
        return None
    return next((c.name for c in table.columns if c.primary_key), None)


def fill_value(column: Column) -> Scalar:
    if column.default is not None:
        return column.default
    if column.enum:
        return column.enum[0]
    return ZERO[column.type.kind]


class StepBase(SchemaValue):
    """What every step answers: one line for people, whether it can lose data, and the
    step that undoes it (applied to the schema this step produced)."""

    def describe(self) -> str:
        raise NotImplementedError

    def inverse(self) -> Step:
        raise NotImplementedError

    @property
    def destructive(self) -> bool:
        return False


class EnableTrigram(StepBase):
    """``CREATE EXTENSION IF NOT EXISTS pg_trgm`` on PostgreSQL (nothing on SQLite)."""

    op: Literal["enableTrigram"] = "enableTrigram"
    enabled: bool = True
    """False for the inverse: extensions are left in place (others may use them)."""

    def describe(self) -> str:
        return "enable pg_trgm (PostgreSQL)" if self.enabled else "keep pg_trgm"

    def inverse(self) -> Step:
        return EnableTrigram(enabled=not self.enabled)


class CreateTable(StepBase):
    op: Literal["createTable"] = "createTable"
    table: Table
    deferred_foreign_keys: tuple[str, ...] = ()
    """Columns whose foreign key is created by a later step (a cycle between tables)."""

    def describe(self) -> str:
        return f"create table {self.table.name}"

    def inverse(self) -> Step:
        return DropTable(table=self.table, deferred_foreign_keys=self.deferred_foreign_keys)


class DropTable(StepBase):
    op: Literal["dropTable"] = "dropTable"
    table: Table
    deferred_foreign_keys: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"drop table {self.table.name} (its rows are deleted)"

    def inverse(self) -> Step:
        return CreateTable(table=self.table, deferred_foreign_keys=self.deferred_foreign_keys)

    @property
    def destructive(self) -> bool:
        return True


class RenameTable(StepBase):
    """Rename a table (rows kept); its primary key constraint follows the new name."""

    op: Literal["renameTable"] = "renameTable"
    old: str
    new: str
    old_primary_key: str
    new_primary_key: str

    def describe(self) -> str:
        return f"rename table {self.old} to {self.new} (rows kept)"

    def inverse(self) -> Step:
        return RenameTable(old=self.new, new=self.old, old_primary_key=self.new_primary_key,
                           new_primary_key=self.old_primary_key)


class AddColumn(StepBase):
    """Add a column with its own foreign key and check constraint (its index is a
    separate step). ``fill`` (rollbacks only) is the value rows that exist get when the
    column is required and has no default: the type's zero, flagged; or, when a unique
    constraint covers the column (``key``), each row's primary key as text."""

    op: Literal["addColumn"] = "addColumn"
    table: str
    column: Column
    fill: Scalar | None = None
    key: str | None = None
    """The primary key column whose text fills each row (see :func:`distinct_key`)."""

    def describe(self) -> str:
        if self.fill is not None and self.key is not None:
            how = f"rows that exist get their {self.key} as text"
        elif self.fill is not None:
            how = f"rows that exist get {self.fill!r}"
        elif self.column.nullable:
            how = "nullable"
        else:
            how = f"default {self.column.default!r}"
        return f"add column {self.table}.{self.column.name} {self.column.type.describe()} ({how})"

    @property
    def destructive(self) -> bool:
        return self.fill is not None

    def inverse(self) -> Step:
        return DropColumn(table=self.table, column=self.column)


class DropColumn(StepBase):
    op: Literal["dropColumn"] = "dropColumn"
    table: str
    column: Column
    key: str | None = None
    """Carried to the inverse's fill (see :func:`distinct_key`)."""

    def describe(self) -> str:
        return f"drop column {self.table}.{self.column.name} (its values are deleted)"

    def inverse(self) -> Step:
        required = not self.column.nullable and self.column.default is None
        return AddColumn(table=self.table, column=self.column,
                         fill=fill_value(self.column) if required else None, key=self.key)

    @property
    def destructive(self) -> bool:
        return True


class RenameColumn(StepBase):
    op: Literal["renameColumn"] = "renameColumn"
    table: str
    old: str
    new: str

    def describe(self) -> str:
        return f"rename column {self.table}.{self.old} to {self.new} (values kept)"

    def inverse(self) -> Step:
        return RenameColumn(table=self.table, old=self.new, new=self.old)


class AlterColumn(StepBase):
    """Change a column's type, nullability or default. Making it NOT NULL first fills
    NULLs with the new default (or, in a rollback, ``fill``: the type's zero); a type
    change casts (a change plans only safe casts; a rollback may have to narrow)."""

    op: Literal["alterColumn"] = "alterColumn"
    table: str
    before: Column
    after: Column
    narrowing: bool = False
    """The new type holds fewer values (a shorter string, fewer digits, or a cast that
    fails on values that do not convert)."""
    fill: Scalar | None = None
    key: str | None = None
    """The primary key column whose text fills each NULL instead of ``fill`` (see
    :func:`distinct_key`); carried to the inverse."""

    def describe(self) -> str:
        b, a = self.before, self.after
        parts = []
        if b.type != a.type:
            parts.append(f"type {b.type.describe()} -> {a.type.describe()}")
        if b.nullable != a.nullable:
            fill = a.default if a.default is not None else self.fill
            becomes = f"their row's {self.key} as text" if a.default is None and self.key \
                else repr(fill)
            parts.append("nullable" if a.nullable else f"not null (NULLs become {becomes})")
        if b.default != a.default:
            parts.append(f"default {b.default!r} -> {a.default!r}")
        return f"alter column {self.table}.{a.name}: " + ", ".join(parts)

    def inverse(self) -> Step:
        undo = cast_kind(self.after.type, self.before.type)
        fill = None
        if self.before.default is None and not self.before.nullable and self.after.nullable:
            fill = fill_value(self.before)
        return AlterColumn(table=self.table, before=self.after, after=self.before,
                           narrowing=undo in ("narrowing", "refused"), fill=fill, key=self.key)

    @property
    def destructive(self) -> bool:
        return self.narrowing or self.fill is not None


class CreateIndex(StepBase):
    """An index or (``index.unique``) a unique constraint."""

    op: Literal["createIndex"] = "createIndex"
    table: str
    index: Index

    def describe(self) -> str:
        what = "unique constraint" if self.index.unique else (
            "trigram index" if self.index.method == "gin" else "index")
        return f"create {what} {self.index.name} on {self.table} ({', '.join(self.index.columns)})"

    def inverse(self) -> Step:
        return DropIndex(table=self.table, index=self.index)


class DropIndex(StepBase):
    op: Literal["dropIndex"] = "dropIndex"
    table: str
    index: Index

    def describe(self) -> str:
        what = "unique constraint" if self.index.unique else "index"
        return f"drop {what} {self.index.name} on {self.table}"

    def inverse(self) -> Step:
        return CreateIndex(table=self.table, index=self.index)


class CreateCheck(StepBase):
    """The CHECK constraint of an enum column: its value is one of ``values``."""

    op: Literal["createCheck"] = "createCheck"
    table: str
    column: str
    name: str
    values: tuple[str, ...]
    narrowing: bool = False
    """Values were removed: rows holding them make the step fail until changed."""

    def describe(self) -> str:
        return f"check {self.table}.{self.column} in ({', '.join(self.values)})"

    def inverse(self) -> Step:
        return DropCheck(table=self.table, column=self.column, name=self.name,
                         values=self.values, narrowing=self.narrowing)

    @property
    def destructive(self) -> bool:
        return self.narrowing


class DropCheck(StepBase):
    op: Literal["dropCheck"] = "dropCheck"
    table: str
    column: str
    name: str
    values: tuple[str, ...]
    narrowing: bool = False
    """Creating this check again (the inverse) narrows: the column may hold values it
    does not allow by then."""

    def describe(self) -> str:
        return f"drop check {self.name} on {self.table}"

    def inverse(self) -> Step:
        return CreateCheck(table=self.table, column=self.column, name=self.name,
                           values=self.values, narrowing=self.narrowing)


class CreateForeignKey(StepBase):
    op: Literal["createForeignKey"] = "createForeignKey"
    table: str
    column: str
    foreign_key: ForeignKey

    def describe(self) -> str:
        fk = self.foreign_key
        return f"foreign key {self.table}.{self.column} -> {fk.target_table}.{fk.target_column}"

    def inverse(self) -> Step:
        return DropForeignKey(table=self.table, column=self.column,
                              foreign_key=self.foreign_key)


class DropForeignKey(StepBase):
    op: Literal["dropForeignKey"] = "dropForeignKey"
    table: str
    column: str
    foreign_key: ForeignKey

    def describe(self) -> str:
        return f"drop foreign key {self.foreign_key.name} on {self.table}"

    def inverse(self) -> Step:
        return CreateForeignKey(table=self.table, column=self.column,
                                foreign_key=self.foreign_key)


Step = Annotated[
    EnableTrigram
    | CreateTable
    | DropTable
    | RenameTable
    | AddColumn
    | DropColumn
    | RenameColumn
    | AlterColumn
    | CreateIndex
    | DropIndex
    | CreateCheck
    | DropCheck
    | CreateForeignKey
    | DropForeignKey,
    Field(discriminator="op"),
]


def inverse_steps(steps: Sequence[Step]) -> list[Step]:
    """The steps that undo ``steps``: their inverses in reverse order."""
    return [s.inverse() for s in reversed(steps)]
