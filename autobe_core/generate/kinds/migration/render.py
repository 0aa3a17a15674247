"""The text of a migration script: its steps as Alembic operations, both ways.

A script imports only ``sqlalchemy`` and ``alembic``, never the backend's own code (which
keeps changing), so it does today what it did when it was recorded. Table changes run in
``op.batch_alter_table``: SQLite gets a copy of the table with the change (rows copied,
named constraints carried over), PostgreSQL plain ``ALTER TABLE``. PostgreSQL-only parts
(pg_trgm, trigram operator classes, ``USING`` casts, renaming the primary key) are asked
of the dialect at run time, so the script runs on both, online or offline (``--sql``).

One renderer per step class (:data:`RENDERERS`); ``downgrade()`` renders the inverses of
the steps in reverse order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autobe_core.generate.columns import (
    check_expr,
    default_expr,
    index_kwargs,
    sa_type,
    value_expr,
)
from autobe_core.generate.emit import comment, docstring_blocks, py_str
from autobe_core.generate.kinds.migration.slices import MigrationSlice
from autobe_core.schema import Column, ColumnType, Index, Step, inverse_steps
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
)

INDENT = "    "

TRIGRAM_LOCK = 0x7472676D
"""The advisory lock key held while pg_trgm is created (``trgm`` in ASCII)."""

PG_TYPES: dict[str, str] = {
    "uuid": "uuid",
    "text": "text",
    "int": "integer",
    "double": "double precision",
    "boolean": "boolean",
    "datetime": "timestamp with time zone",
}


def pg_type(t: ColumnType) -> str:
    if t.kind == "string":
        return f"varchar({t.length})"
    if t.kind == "decimal":
        return f"numeric({t.precision}, {t.scale})"
    return PG_TYPES[t.kind]


def column_expr(c: Column) -> str:
    args = [py_str(c.name), sa_type(c.type), f"nullable={c.nullable}"]
    if c.default is not None:
        args.append(f"server_default={default_expr(c.default, c.type.kind)}")
    return f"sa.Column({', '.join(args)})"


def _cols(columns: tuple[str, ...]) -> str:
    return "[" + ", ".join(py_str(c) for c in columns) + "]"


def _kwargs(index: Index) -> str:
    return "".join(f", {k}" for k in index_kwargs(index))


def _batch(table: str, lines: list[str]) -> list[str]:
    return [f"with op.batch_alter_table({py_str(table)}) as batch_op:",
            *(INDENT + line for line in lines)]


# --------------------------------------------------------------------------- steps


def _enable_trigram(s: EnableTrigram) -> list[str]:
    if not s.enabled:
        return ["pass  # pg_trgm stays installed: other schemas may use it"]
    # in public, where every schema's search path finds gin_trgm_ops; the advisory lock
    # keeps two concurrent first upgrades (of two schemas) from racing to create it
    return ["if _postgresql():",
            f"{INDENT}op.execute(\"SELECT pg_advisory_xact_lock({TRIGRAM_LOCK})\")",
            f"{INDENT}op.execute(\"CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public\")"]


def _create_table(s: CreateTable) -> list[str]:
    t = s.table
    parts = [py_str(t.name), *(column_expr(c) for c in t.columns)]
    primary = [c.name for c in t.columns if c.primary_key]
    parts.append(f"sa.PrimaryKeyConstraint({', '.join(py_str(p) for p in primary)}, "
                 f"name={py_str(t.primary_key_name)})")
    for c in t.columns:
        fk = c.foreign_key
        if fk is not None and c.name not in s.deferred_foreign_keys:
            parts.append(f"sa.ForeignKeyConstraint([{py_str(c.name)}], "
                         f"[{py_str(f'{fk.target_table}.{fk.target_column}')}], "
                         f"name={py_str(fk.name)})")
    for u in t.uniques:
        names = ", ".join(py_str(c) for c in u.columns)
        parts.append(f"sa.UniqueConstraint({names}, name={py_str(u.name)})")
    for c in t.columns:
        if c.enum and c.check_name:
            parts.append(f"sa.CheckConstraint({check_expr(c.name, c.enum)}, "
                         f"name={py_str(c.check_name)})")
    lines = ["op.create_table(", *(f"{INDENT}{p}," for p in parts), ")"]
    for index in t.indexes:
        lines.append(f"op.create_index({py_str(index.name)}, {py_str(t.name)}, "
                     f"{_cols(index.columns)}{_kwargs(index)})")
    return lines


def _drop_table(s: DropTable) -> list[str]:
    return [f"op.drop_table({py_str(s.table.name)})"]


def _rename_table(s: RenameTable) -> list[str]:
    lines = [f"op.rename_table({py_str(s.old)}, {py_str(s.new)})"]
    if s.old_primary_key != s.new_primary_key:
        sql = (f'ALTER TABLE "{s.new}" RENAME CONSTRAINT "{s.old_primary_key}" '
               f'TO "{s.new_primary_key}"')
        lines += ["if _postgresql():", f"{INDENT}op.execute({py_str(sql)})"]
    return lines


def _distinct_fill(table: str, c: Column, key: str) -> list[str]:
    """NULLs of ``c`` take their row's ``key`` as text (cut to the column's length): a
    unique constraint covers ``c``, so one constant for every row would collide."""
    text = f"sa.cast(sa.column({py_str(key)}), sa.String())"
    if c.type.length is not None:
        text = f"sa.func.substr({text}, 1, {c.type.length})"
    target = f"sa.table({py_str(table)}, sa.column({py_str(c.name)}), sa.column({py_str(key)}))"
    return [f"op.execute({target}.update().where(sa.column({py_str(c.name)}).is_(None))"
            f".values({{{py_str(c.name)}: {text}}}))"]


def _add_column(s: AddColumn) -> list[str]:
    c = s.column
    if s.fill is not None and s.key is not None and c.default is None:
        # added nullable, each row filled with its own key, then made required
        lines = _add_column(AddColumn(table=s.table,
                                      column=c.model_copy(update={"nullable": True})))
        lines += _distinct_fill(s.table, c, s.key)
        return lines + _batch(s.table, [
            f"batch_op.alter_column({py_str(c.name)}, existing_type={sa_type(c.type)}, "
            "existing_nullable=True, nullable=False)"])
    if s.fill is not None:  # rows that exist get the fill value, then the default goes
        filled = c.model_copy(update={"default": s.fill})
        body = [f"batch_op.add_column({column_expr(filled)})"]
    else:
        body = [f"batch_op.add_column({column_expr(c)})"]
    if c.foreign_key is not None:
        fk = c.foreign_key
        body.append(f"batch_op.create_foreign_key({py_str(fk.name)}, "
                    f"{py_str(fk.target_table)}, [{py_str(c.name)}], "
                    f"[{py_str(fk.target_column)}])")
    if c.enum and c.check_name:
        body.append(f"batch_op.create_check_constraint({py_str(c.check_name)}, "
                    f"{check_expr(c.name, c.enum)})")
    lines = _batch(s.table, body)
    if s.fill is not None and c.default is None:
        lines += _batch(s.table, [
            f"batch_op.alter_column({py_str(c.name)}, existing_type={sa_type(c.type)}, "
            f"existing_nullable={c.nullable}, server_default=None, "
            f"existing_server_default={default_expr(s.fill, c.type.kind)})"])
    return lines


def _drop_column(s: DropColumn) -> list[str]:
    c = s.column
    body = []
    if c.enum and c.check_name:
        body.append(f"batch_op.drop_constraint({py_str(c.check_name)}, type_=\"check\")")
    if c.foreign_key is not None:
        body.append(f"batch_op.drop_constraint({py_str(c.foreign_key.name)}, "
                    "type_=\"foreignkey\")")
    body.append(f"batch_op.drop_column({py_str(c.name)})")
    return _batch(s.table, body)


def _rename_column(s: RenameColumn) -> list[str]:
    return _batch(s.table, [
        f"batch_op.alter_column({py_str(s.old)}, new_column_name={py_str(s.new)})"])


def _alter_column(s: AlterColumn) -> list[str]:
    b, a = s.before, s.after
    lines: list[str] = []
    fill = a.default if a.default is not None else s.fill
    if b.nullable and not a.nullable and a.default is None and s.fill is not None \
            and s.key is not None:
        lines += _distinct_fill(s.table, a, s.key)
    elif b.nullable and not a.nullable and fill is not None:
        # NULLs first take the default (a rollback's fill): NOT NULL then holds
        table = f"sa.table({py_str(s.table)}, sa.column({py_str(a.name)}))"
        lines.append(
            f"op.execute({table}.update().where(sa.column({py_str(a.name)}).is_(None))"
            f".values({{{py_str(a.name)}: {value_expr(fill, a.type.kind)}}}))")
    args = [py_str(a.name), f"existing_type={sa_type(b.type)}",
            f"existing_nullable={b.nullable}"]
    if b.type != a.type:
        args.append(f"type_={sa_type(a.type)}")
        if b.type.kind != a.type.kind:
            using = f'"{a.name}"::{pg_type(a.type)}'
            args.append(f"postgresql_using={py_str(using)}")
    if b.nullable != a.nullable:
        args.append(f"nullable={a.nullable}")
    if b.default != a.default:
        args.append(f"server_default={default_expr(a.default, a.type.kind)}")
        if b.default is not None:
            args.append(f"existing_server_default={default_expr(b.default, b.type.kind)}")
    lines += _batch(s.table, [f"batch_op.alter_column({', '.join(args)})"])
    return lines


def _create_index(s: CreateIndex) -> list[str]:
    i = s.index
    if i.unique:
        return _batch(s.table, [
            f"batch_op.create_unique_constraint({py_str(i.name)}, {_cols(i.columns)})"])
    return [f"op.create_index({py_str(i.name)}, {py_str(s.table)}, {_cols(i.columns)}"
            f"{_kwargs(i)})"]


def _drop_index(s: DropIndex) -> list[str]:
    i = s.index
    if i.unique:
        return _batch(s.table, [
            f"batch_op.drop_constraint({py_str(i.name)}, type_=\"unique\")"])
    return [f"op.drop_index({py_str(i.name)}, table_name={py_str(s.table)})"]


def _create_check(s: CreateCheck) -> list[str]:
    return _batch(s.table, [
        f"batch_op.create_check_constraint({py_str(s.name)}, {check_expr(s.column, s.values)})"])


def _drop_check(s: DropCheck) -> list[str]:
    return _batch(s.table, [f"batch_op.drop_constraint({py_str(s.name)}, type_=\"check\")"])


def _create_foreign_key(s: CreateForeignKey) -> list[str]:
    fk = s.foreign_key
    return _batch(s.table, [
        f"batch_op.create_foreign_key({py_str(fk.name)}, {py_str(fk.target_table)}, "
        f"[{py_str(s.column)}], [{py_str(fk.target_column)}])"])


def _drop_foreign_key(s: DropForeignKey) -> list[str]:
    return _batch(s.table, [
        f"batch_op.drop_constraint({py_str(s.foreign_key.name)}, type_=\"foreignkey\")"])


Renderer = Callable[[Any], list[str]]

RENDERERS: dict[type[Any], Renderer] = {
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
"""Step class -> the Alembic operations that perform it (tests check every step class
of ``schema.Step`` has one)."""


def _body(steps: list[Step]) -> str:
    if not steps:
        return f"{INDENT}pass\n"
    out = []
    for step in steps:
        out.append(INDENT + comment(step.describe()))
        out += [INDENT + line for line in RENDERERS[type(step)](step)]
    return "\n".join(out) + "\n"


def render(s: MigrationSlice) -> str:
    described = [f"- {'[destructive] ' if st.destructive else ''}{st.describe()}"
                 for st in s.steps]
    out = docstring_blocks([
        [f"Revision {s.revision} of the database: {s.title}"],
        ["Generated by autobe from the revision's recorded edits; never changed after it was "
         "recorded."],
        ["Steps:", *described],
    ])
    out += (
        "\nfrom __future__ import annotations\n\n"
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {py_str(s.id)}\n"
        f"down_revision = {py_str(s.down) if s.down else 'None'}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def _postgresql() -> bool:\n"
        f"{INDENT}return op.get_context().dialect.name == \"postgresql\"\n\n\n"
        "def upgrade() -> None:\n"
        + _body(list(s.steps))
        + "\n\ndef downgrade() -> None:\n"
        + _body(inverse_steps(s.steps))
    )
    return out
