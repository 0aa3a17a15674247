"""The database a spec describes, as values: tables, columns, indexes and constraints.

These are what the model generator renders and what a migration step carries, so they
are frozen, JSON-able pydantic models (a recorded migration keeps them in the history).
Every constraint and index has an explicit name (:mod:`autobe_core.schema.names`), so a
migration can address it and the name is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

ColumnKind = Literal[
    "uuid", "string", "text", "int", "double", "decimal", "boolean", "datetime"
]
"""Storage kinds: ``string`` has a length (VARCHAR), ``text`` has none."""

IndexMethod = Literal["btree", "gin"]
"""``gin``: a trigram GIN index on PostgreSQL (``gin_trgm_ops``), a plain index on SQLite."""

Scalar = str | int | float | bool
"""A server default: a JSON scalar of the column's Python type."""

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
"""The range of an ``int`` column (SQL INTEGER on PostgreSQL)."""


class SchemaValue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ColumnType(SchemaValue):
    kind: ColumnKind
    length: int | None = None
    """``string``: the VARCHAR length."""
    precision: int | None = None
    """``decimal``: total digits."""
    scale: int | None = None
    """``decimal``: digits after the point."""

    def describe(self) -> str:
        if self.kind == "string":
            return f"string({self.length})"
        if self.kind == "decimal":
            return f"decimal({self.precision},{self.scale})"
        return self.kind


class ForeignKey(SchemaValue):
    name: str
    target_table: str
    target_column: str


class Column(SchemaValue):
    name: str
    type: ColumnType
    nullable: bool = False
    default: Scalar | None = None
    """The server default (fills the column for rows that exist when it is added)."""
    enum: tuple[str, ...] | None = None
    """Allowed values, enforced by a CHECK constraint named :attr:`check_name`."""
    check_name: str | None = None
    primary_key: bool = False
    foreign_key: ForeignKey | None = None


class Index(SchemaValue):
    """An index or a unique constraint (``unique``) over ``columns``."""

    name: str
    columns: tuple[str, ...]
    unique: bool = False
    method: IndexMethod = "btree"


class Table(SchemaValue):
    name: str
    primary_key_name: str
    columns: tuple[Column, ...]
    indexes: tuple[Index, ...] = ()
    """Plain and gin indexes, including the one on every foreign key."""
    uniques: tuple[Index, ...] = ()
    """Unique constraints (``unique`` is true)."""

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def dependencies(self) -> frozenset[str]:
        """Tables this one's foreign keys point at (itself excluded)."""
        return frozenset(
            c.foreign_key.target_table
            for c in self.columns
            if c.foreign_key is not None and c.foreign_key.target_table != self.name
        )


class Schema(SchemaValue):
    tables: tuple[Table, ...] = ()

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def by_name(self) -> dict[str, Table]:
        return {t.name: t for t in self.tables}

    def uses_trigram(self) -> bool:
        return any(i.method == "gin" for t in self.tables for i in t.indexes)
