"""Spec -> database schema: the one place that maps models and fields to tables and columns.

The model generator renders these tables and a migration step is a difference between two
of them, so the ORM metadata of a revision and the database its migrations build agree by
construction (the ladder's ``migrate`` rung checks it with Alembic's ``compare_metadata``).

Mapping: uuid -> uuid; string -> string(maxLength), text without one; uri ->
string(maxLength or 2048); enum strings -> text (or string(maxLength)) with a CHECK
constraint on the values; int -> int (32 bits); double -> double; decimal ->
decimal(precision or 18, scale or 2); boolean; datetime (with time zone). Foreign keys
point at the target's primary key, and every one is indexed (``ix_<table>_<column>``)
unless an index or unique constraint already starts with its column. A unique foreign
field is a named unique constraint. Descriptions are not stored in the database: editing
one is not a schema change.

The table of an actor's model (its rows are accounts) also holds two columns the spec does
not list, read by the generated app's token checks (:data:`ACCOUNT_COLUMNS`):
``token_version`` (int, default 0: logout, a password change and deleting the account
raise it, refusing every token issued before) and ``refresh_token_id`` (nullable: the id of
the one refresh token the account may use next). Both can be added to a table with rows.
"""

from __future__ import annotations

from autobe_core.schema.model import Column, ColumnType, ForeignKey, Index, Schema, Table
from autobe_core.schema.names import (
    check_name,
    foreign_key_name,
    gin_name,
    index_name,
    primary_key_name,
    unique_name,
)
from autobe_core.spec.model import ForeignField, Model, PlainField, ProjectSpec

DEFAULT_URI_LENGTH = 2048
DEFAULT_PRECISION = 18
DEFAULT_SCALE = 2

TOKEN_VERSION = "token_version"
REFRESH_TOKEN_ID = "refresh_token_id"
REFRESH_TOKEN_ID_LENGTH = 64
ACCOUNT_COLUMNS = (
    Column(name=TOKEN_VERSION, type=ColumnType(kind="int"), default=0),
    Column(name=REFRESH_TOKEN_ID, type=ColumnType(kind="string", length=REFRESH_TOKEN_ID_LENGTH),
           nullable=True),
)
"""The columns every actor model's table gets (after its own fields)."""


def account_models(spec: ProjectSpec) -> frozenset[str]:
    """The models whose rows are accounts of an actor."""
    return frozenset(a.model for a in spec.actors)


def account_columns(spec: ProjectSpec, model: Model) -> tuple[Column, ...]:
    """:data:`ACCOUNT_COLUMNS` when ``model`` holds an actor's accounts (a field of the
    same name the spec declares wins), else none."""
    if model.name not in account_models(spec):
        return ()
    taken = {model.primary_field.name} | {f.name for f in model.foreign_fields} | {
        f.name for f in model.plain_fields}
    return tuple(c for c in ACCOUNT_COLUMNS if c.name not in taken)


def column_type(field: PlainField) -> ColumnType:
    if field.type in ("string", "uri"):
        if field.max_length:
            return ColumnType(kind="string", length=field.max_length)
        if field.type == "uri":
            return ColumnType(kind="string", length=DEFAULT_URI_LENGTH)
        return ColumnType(kind="text")
    if field.type == "decimal":
        return ColumnType(
            kind="decimal",
            precision=field.precision or DEFAULT_PRECISION,
            scale=DEFAULT_SCALE if field.scale is None else field.scale,
        )
    if field.type == "uuid":
        return ColumnType(kind="uuid")
    return ColumnType(kind=field.type)


def plain_column(table: str, field: PlainField) -> Column:
    return Column(
        name=field.name,
        type=column_type(field),
        nullable=field.nullable,
        default=field.default,
        enum=tuple(field.enum) if field.enum else None,
        check_name=check_name(table, field.name) if field.enum else None,
    )


def foreign_column(spec: ProjectSpec, table: str, field: ForeignField) -> Column:
    target = spec.model(field.relation.target_model)
    target_column = target.primary_field.name if target is not None else "id"
    return Column(
        name=field.name,
        type=ColumnType(kind="uuid"),
        nullable=field.nullable,
        foreign_key=ForeignKey(
            name=foreign_key_name(table, field.name),
            target_table=field.relation.target_model,
            target_column=target_column,
        ),
    )


def table_of(spec: ProjectSpec, model: Model) -> Table:
    name = model.name
    columns = [
        Column(name=model.primary_field.name, type=ColumnType(kind="uuid"), primary_key=True)
    ]
    columns += [foreign_column(spec, name, f) for f in model.foreign_fields]
    columns += [plain_column(name, f) for f in model.plain_fields]
    columns += account_columns(spec, model)

    uniques = [
        Index(name=unique_name(name, tuple(i.field_names)), columns=tuple(i.field_names),
              unique=True)
        for i in model.unique_indexes
    ]
    declared_unique = {u.columns for u in uniques}
    for f in model.foreign_fields:
        if f.unique and (f.name,) not in declared_unique:
            uniques.append(Index(name=unique_name(name, (f.name,)), columns=(f.name,),
                                 unique=True))
    indexes = [
        Index(name=index_name(name, tuple(i.field_names)), columns=tuple(i.field_names))
        for i in model.plain_indexes
    ]
    indexes += [
        Index(name=gin_name(name, i.field_name), columns=(i.field_name,), method="gin")
        for i in model.gin_indexes
    ]
    leading = {i.columns[0] for i in [*uniques, *indexes] if i.method == "btree"}
    taken = {i.name for i in [*uniques, *indexes]}
    for f in model.foreign_fields:
        ix = index_name(name, (f.name,))
        if f.name not in leading and ix not in taken:
            indexes.append(Index(name=ix, columns=(f.name,)))
            leading.add(f.name)
            taken.add(ix)
    return Table(
        name=name,
        primary_key_name=primary_key_name(name),
        columns=tuple(columns),
        indexes=tuple(indexes),
        uniques=tuple(uniques),
    )


def schema_of(spec: ProjectSpec) -> Schema:
    """Every table of ``spec``, in the spec's model order."""
    return Schema(tables=tuple(table_of(spec, m) for m in spec.models))
