"""Planner and generator for the `model` module kind: ``app/models/<model>.py``.

One SQLAlchemy 2.0 typed declarative class per model, rendered from the model's table as
:func:`autobe_core.schema.table_of` derives it: the one mapping of fields to columns, the
same one the migrations are diffs of, so the ORM metadata equals the database the
migrations build. Every constraint and index is named as the schema names it: the primary
key (``pk_``), foreign keys (``fk_``), unique constraints (``uq_``), enum checks (``ck_``),
indexes (``ix_``, including the one on every foreign key) and trigram indexes (``gx_``,
GIN with ``gin_trgm_ops`` on PostgreSQL, a plain index elsewhere).

Column types and server defaults are written by :mod:`autobe_core.generate.columns`, as
in the migrations: decimal -> ``sa.Numeric(p, s)`` typed ``decimal.Decimal``; enum strings
-> ``sa.Text()`` (or ``sa.String(n)``) typed as a ``Literal`` with a CHECK constraint.
Columns carry no comments (editing a description is not a schema change).

The slice holds the table and, per foreign key, the names its many-to-one relation needs
(relation attribute, target class); it reads the model and the models its foreign keys
point at (their primary key names and classes).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.columns import (
    PY_TYPE_IMPORTS,
    check_expr,
    default_expr,
    index_kwargs,
    python_type,
    sa_type,
)
from autobe_core.generate.common import (
    Slice,
    actor_el,
    import_block,
    model_el,
    safe_docstring,
    wrap_call,
)
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.schema import Column, Table, table_of
from autobe_core.spec.model import Model, ProjectSpec
from autobe_core.spec.naming import class_name

GENERATOR_VERSION = "2"
"""2: rendered from ``schema.table_of``: named constraints, indexed foreign keys, checks
instead of ``sa.Enum``, decimals, server defaults, no column comments."""


class RelationSlice(Slice):
    """The many-to-one navigation attribute of a foreign key column."""

    field: str
    relation: str
    target_table: str
    target_class: str


class ModelSlice(Slice):
    table: Table
    class_name: str
    description: str = ""
    relations: tuple[RelationSlice, ...] = ()


def cut(spec: ProjectSpec, model: Model) -> tuple[ModelSlice, frozenset[str]]:
    reads = {model_el(model.name)}
    # an actor's model gets the account columns (schema.account_columns)
    reads |= {actor_el(a.name) for a in spec.actors if a.model == model.name}
    relations: list[RelationSlice] = []
    for field in model.foreign_fields:
        target = spec.model(field.relation.target_model)
        if target is None:
            continue
        reads.add(model_el(target.name))
        relations.append(RelationSlice(
            field=field.name, relation=field.relation.name, target_table=target.name,
            target_class=class_name(target),
        ))
    slice_ = ModelSlice(
        table=table_of(spec, model),
        class_name=class_name(model),
        description=model.description,
        relations=tuple(relations),
    )
    return slice_, frozenset(reads)


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for model in spec.models:
        slice_, reads = cut(spec, model)
        targets = {r.target_table for r in slice_.relations if r.target_table != model.name}
        modules.append(PlannedModule(
            id=f"model:{model.name}",
            kind="model",
            path=f"{BACKEND_PACKAGE}/models/{model.name}.py",
            slice=slice_,
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=reads,
            imports=frozenset({"app:db"} | {f"model:{t}" for t in targets}),
        ))
    return modules


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, ModelSlice)
    return render(slice_)


# --------------------------------------------------------------------------- render


def _column(c: Column) -> str:
    args = [sa_type(c.type)]
    fk = c.foreign_key
    if fk is not None:
        target = f"{fk.target_table}.{fk.target_column}"
        args.append(f"sa.ForeignKey({py_str(target)}, name={py_str(fk.name)})")
    if c.primary_key:
        args += ["primary_key=True", "default=uuid.uuid4"]
    if c.nullable:
        args.append("nullable=True")
    if c.default is not None:
        args.append(f"server_default={default_expr(c.default, c.type.kind)}")
    head = f"{c.name}: orm.Mapped[{python_type(c)}] = orm.mapped_column"
    return wrap_call(head, args, "    ")


def _relationship(s: ModelSlice, r: RelationSlice) -> str:
    column = s.table.column(r.field)
    nullable = column is not None and column.nullable
    target = f"{r.target_class} | None" if nullable else r.target_class
    args = [f"foreign_keys={py_str(f'[{s.class_name}.{r.field}]')}"]
    if r.target_table == s.table.name:
        primary = next(c.name for c in s.table.columns if c.primary_key)
        args.append(f"remote_side={py_str(f'[{s.class_name}.{primary}]')}")
    return wrap_call(f"{r.relation}: orm.Mapped[{py_str(target)}] = orm.relationship", args,
                     "    ")


def _names(columns: tuple[str, ...]) -> str:
    return ", ".join(py_str(c) for c in columns)


Call = tuple[str, list[str]]
"""A call to render: the callee and its arguments."""


def _table_args(t: Table) -> list[Call]:
    primary = tuple(c.name for c in t.columns if c.primary_key)
    calls: list[Call] = [
        ("sa.PrimaryKeyConstraint", [_names(primary), f"name={py_str(t.primary_key_name)}"])]
    calls += [("sa.CheckConstraint", [check_expr(c.name, c.enum), f"name={py_str(c.check_name)}"])
              for c in t.columns if c.enum and c.check_name]
    calls += [("sa.UniqueConstraint", [_names(u.columns), f"name={py_str(u.name)}"])
              for u in t.uniques]
    calls += [("sa.Index", [py_str(i.name), _names(i.columns), *index_kwargs(i)])
              for i in t.indexes]
    return calls


def render(s: ModelSlice) -> str:
    t = s.table
    kinds = {c.type.kind for c in t.columns}
    imports = ["import uuid", "import sqlalchemy as sa", "from sqlalchemy import orm",
               "from app.db import Base"]
    imports += [line for kind, line in PY_TYPE_IMPORTS.items() if kind in kinds]
    typing_names = []
    others = sorted({(r.target_table, r.target_class) for r in s.relations
                     if r.target_table != t.name})
    if others:
        typing_names.append("TYPE_CHECKING")
    if any(c.enum for c in t.columns):
        typing_names.append("Literal")
    if typing_names:
        imports.append(f"from typing import {', '.join(typing_names)}")

    out = safe_docstring(f"ORM class of {t.name}: {s.description}" if s.description
                         else f"ORM class of {t.name}.")
    out += "\n" + import_block(imports)
    if others:
        out += "\nif TYPE_CHECKING:\n"
        out += "".join(f"    from app.models.{table} import {cls}\n" for table, cls in others)
    out += f"\n\nclass {s.class_name}(Base):\n"
    out += safe_docstring(s.description or f"A row of {t.name}.", "    ")
    out += f"\n    __tablename__ = {py_str(t.name)}\n"
    out += "    __table_args__ = (\n"
    out += "".join(wrap_call(head, args, "        ", ",") for head, args in _table_args(t))
    out += "    )\n\n"
    out += "".join(_column(c) for c in t.columns)
    if s.relations:
        out += "\n" + "".join(_relationship(s, r) for r in s.relations)
    return out
