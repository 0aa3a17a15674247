"""Planner and generator for the `model` module kind: ``app/models/<model>.py``.

One SQLAlchemy 2.0 typed declarative class per model. The slice holds the model's columns,
indexes and many-to-one relations; of a related model it holds only the names a relation
needs (class, module, table, primary key), so the module reads the model and the models
its foreign keys point at.

Mapping: uuid -> ``sa.Uuid``, string -> ``sa.String(maxLength)`` (``sa.Text`` without
one), enum strings -> a non-native ``sa.Enum`` (a CHECK constraint) typed as a
``Literal``, int -> ``sa.Integer``, double -> ``sa.Double``, boolean -> ``sa.Boolean``,
datetime -> ``sa.DateTime(timezone=True)``, uri -> ``sa.String``. Unique indexes become
``UniqueConstraint``s, plain indexes ``Index``es; gin indexes become plain ``Index``es
(a GIN index needs an operator class the spec does not name).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, import_block, model_el, safe_docstring, wrap_call
from autobe_core.generate.emit import comment, py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Model, ProjectSpec
from autobe_core.spec.naming import class_name

GENERATOR_VERSION = "1"


class ColumnSlice(Slice):
    name: str
    type: str
    nullable: bool = False
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    description: str = ""


class RelationSlice(Slice):
    """A foreign key column and its many-to-one navigation attribute."""

    field: str
    nullable: bool = False
    unique: bool = False
    description: str = ""
    relation: str
    target_table: str
    target_class: str
    target_primary: str


class ModelSlice(Slice):
    table: str
    class_name: str
    description: str = ""
    primary: str
    primary_description: str = ""
    foreign: tuple[RelationSlice, ...] = ()
    columns: tuple[ColumnSlice, ...] = ()
    unique_indexes: tuple[tuple[str, ...], ...] = ()
    plain_indexes: tuple[tuple[str, ...], ...] = ()
    gin_indexes: tuple[str, ...] = ()


def cut(spec: ProjectSpec, model: Model) -> tuple[ModelSlice, frozenset[str]]:
    reads = {model_el(model.name)}
    relations: list[RelationSlice] = []
    for field in model.foreign_fields:
        target = spec.model(field.relation.target_model)
        if target is None:
            continue
        reads.add(model_el(target.name))
        relations.append(RelationSlice(
            field=field.name, nullable=field.nullable, unique=field.unique,
            description=field.description, relation=field.relation.name,
            target_table=target.name, target_class=class_name(target),
            target_primary=target.primary_field.name,
        ))
    columns = tuple(
        ColumnSlice(name=p.name, type=p.type, nullable=p.nullable, max_length=p.max_length,
                    enum=tuple(p.enum) if p.enum else None, description=p.description)
        for p in model.plain_fields
    )
    slice_ = ModelSlice(
        table=model.name,
        class_name=class_name(model),
        description=model.description,
        primary=model.primary_field.name,
        primary_description=model.primary_field.description,
        foreign=tuple(relations),
        columns=columns,
        unique_indexes=tuple(tuple(i.field_names) for i in model.unique_indexes),
        plain_indexes=tuple(tuple(i.field_names) for i in model.plain_indexes),
        gin_indexes=tuple(i.field_name for i in model.gin_indexes),
    )
    return slice_, frozenset(reads)


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for model in spec.models:
        slice_, reads = cut(spec, model)
        targets = {r.target_table for r in slice_.foreign if r.target_table != model.name}
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

SA_TYPES = {
    "uuid": "sa.Uuid", "int": "sa.Integer", "double": "sa.Double", "boolean": "sa.Boolean",
    "datetime": "sa.DateTime(timezone=True)",
}
PY_TYPES = {
    "uuid": "uuid.UUID", "string": "str", "uri": "str", "int": "int", "double": "float",
    "boolean": "bool", "datetime": "datetime.datetime",
}


def _index_name(prefix: str, table: str, fields: tuple[str, ...]) -> str:
    return "_".join((prefix, table, *fields))


def _column(s: ModelSlice, c: ColumnSlice) -> str:
    if c.enum:
        annotation = "Literal[" + ", ".join(py_str(v) for v in c.enum) + "]"
        values = ", ".join(py_str(v) for v in c.enum)
        sa_type = (f"sa.Enum({values}, name={py_str(f'ck_{s.table}_{c.name}')}, "
                   "native_enum=False, create_constraint=True)")
    else:
        annotation = PY_TYPES[c.type]
        if c.type in ("string", "uri"):
            sa_type = f"sa.String({c.max_length})" if c.max_length else (
                "sa.String(2048)" if c.type == "uri" else "sa.Text")
        else:
            sa_type = SA_TYPES[c.type]
    args = [sa_type]
    if c.nullable:
        annotation += " | None"
        args.append("nullable=True")
    if c.description.strip():
        args.append(f"comment={py_str(' '.join(c.description.split()))}")
    return wrap_call(f"{c.name}: orm.Mapped[{annotation}] = orm.mapped_column", args, "    ")


def _foreign_column(r: RelationSlice) -> str:
    annotation = "uuid.UUID | None" if r.nullable else "uuid.UUID"
    args = ["sa.Uuid", f"sa.ForeignKey({py_str(f'{r.target_table}.{r.target_primary}')})"]
    if r.nullable:
        args.append("nullable=True")
    if r.unique:
        args.append("unique=True")
    if r.description.strip():
        args.append(f"comment={py_str(' '.join(r.description.split()))}")
    return wrap_call(f"{r.field}: orm.Mapped[{annotation}] = orm.mapped_column", args, "    ")


def _relationship(s: ModelSlice, r: RelationSlice) -> str:
    target = f"{r.target_class} | None" if r.nullable else r.target_class
    args = [f"foreign_keys={py_str(f'[{s.class_name}.{r.field}]')}"]
    if r.target_table == s.table:
        args.append(f"remote_side={py_str(f'[{s.class_name}.{s.primary}]')}")
    return wrap_call(f"{r.relation}: orm.Mapped[{py_str(target)}] = orm.relationship", args,
                     "    ")


def _table_args(s: ModelSlice) -> list[str]:
    args: list[str] = []
    for fields in s.unique_indexes:
        names = ", ".join(py_str(f) for f in fields)
        args.append(f"sa.UniqueConstraint({names}, "
                    f"name={py_str(_index_name('uq', s.table, fields))})")
    for fields in s.plain_indexes:
        names = ", ".join(py_str(f) for f in fields)
        args.append(f"sa.Index({py_str(_index_name('ix', s.table, fields))}, {names})")
    for field in s.gin_indexes:
        args.append(f"{comment('a GIN index in AutoBe: plain here (no operator class)')}\n"
                    f"        sa.Index({py_str(_index_name('gx', s.table, (field,)))}, "
                    f"{py_str(field)})")
    return args


def render(s: ModelSlice) -> str:
    types = {c.type for c in s.columns}
    imports = ["import uuid", "import sqlalchemy as sa", "from sqlalchemy import orm",
               "from app.db import Base"]
    if "datetime" in types:
        imports.append("import datetime")
    typing_names = []
    others = sorted({(r.target_table, r.target_class) for r in s.foreign
                     if r.target_table != s.table})
    if others:
        typing_names.append("TYPE_CHECKING")
    if any(c.enum for c in s.columns):
        typing_names.append("Literal")
    if typing_names:
        imports.append(f"from typing import {', '.join(typing_names)}")

    out = safe_docstring(f"ORM class of {s.table}: {s.description}" if s.description
                    else f"ORM class of {s.table}.")
    out += "\n" + import_block(imports)
    if others:
        out += "\nif TYPE_CHECKING:\n"
        out += "".join(f"    from app.models.{table} import {cls}\n" for table, cls in others)
    out += f"\n\nclass {s.class_name}(Base):\n"
    out += safe_docstring(s.description or f"A row of {s.table}.", "    ")
    out += f"\n    __tablename__ = {py_str(s.table)}\n"
    table_args = _table_args(s)
    if table_args:
        out += "    __table_args__ = (\n" + "".join(f"        {a},\n" for a in table_args)
        out += "    )\n"
    out += "\n"
    pk_args = ["sa.Uuid", "primary_key=True", "default=uuid.uuid4"]
    if s.primary_description.strip():
        pk_args.append(f"comment={py_str(' '.join(s.primary_description.split()))}")
    out += wrap_call(f"{s.primary}: orm.Mapped[uuid.UUID] = orm.mapped_column", pk_args, "    ")
    out += "".join(_foreign_column(r) for r in s.foreign)
    out += "".join(_column(s, c) for c in s.columns)
    if s.foreign:
        out += "\n" + "".join(_relationship(s, r) for r in s.foreign)
    return out
