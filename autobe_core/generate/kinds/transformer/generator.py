"""Planner and generator for the `transformer` module kind: ``app/transformers/<model>.py``.

Transformers turn ORM rows into response DTOs (ORM -> DTO): ``to_read`` and
``to_summary``; actor models also ``to_authorized``. Datetimes pass through ``as_utc``
because SQLite hands them back without their zone. The slice holds the read and summary
field lists (name, attribute, datetime or not, nullable), which derive from the model and
the actors that authenticate against it (the password field is never read).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import ModelRef, Slice, import_block, model_actor_reads
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import DtoKind, Model, ProjectSpec
from autobe_core.spec.semantics import actor_for_model, model_dto_fields

GENERATOR_VERSION = "1"


class OutField(Slice):
    name: str
    source: str
    datetime: bool = False
    nullable: bool = False


class TransformerSlice(Slice):
    model: ModelRef
    primary: str
    read: tuple[OutField, ...]
    summary: tuple[OutField, ...]
    authorized: bool = False


def cut(spec: ProjectSpec, model: Model) -> TransformerSlice:
    def fields(kind: DtoKind) -> tuple[OutField, ...]:
        return tuple(
            OutField(name=f.name, source=f.source, datetime=f.type == "datetime",
                     nullable=f.nullable)
            for f in model_dto_fields(spec, model, kind)
        )

    return TransformerSlice(
        model=ModelRef.of(model),
        primary=model.primary_field.name,
        read=fields("read"),
        summary=fields("summary"),
        authorized=actor_for_model(spec, model) is not None,
    )


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for model in spec.models:
        slice_ = cut(spec, model)
        modules.append(PlannedModule(
            id=f"transformer:{model.name}",
            kind="transformer",
            path=f"{BACKEND_PACKAGE}/transformers/{model.name}.py",
            slice=slice_,
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=frozenset(model_actor_reads(spec, model)),
            imports=imports_of(slice_),
        ))
    return modules


def imports_of(s: TransformerSlice) -> frozenset[str]:
    ids = {f"model:{s.model.name}", f"dto:{s.model.name}"}
    if any(f.datetime for f in s.read + s.summary):
        ids.add("app:db")
    if s.authorized:
        ids.add("app:dtos_common")
    return frozenset(ids)


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, TransformerSlice)
    return render(slice_)


def _value(f: OutField) -> str:
    attr = f"row.{f.source}"
    if not f.datetime:
        return attr
    if f.nullable:
        return f"as_utc({attr}) if {attr} is not None else None"
    return f"as_utc({attr})"


def _function(name: str, cls: str, dto: str, doc: str, fields: tuple[OutField, ...]) -> str:
    out = f"\n\ndef {name}(row: {cls}) -> {dto}:\n    \"\"\"{doc}\"\"\"\n"
    if not fields:
        return out + f"    del row\n    return {dto}()\n"
    out += f"    return {dto}(\n"
    out += "".join(f"        {f.name}={_value(f)},\n" for f in fields)
    return out + "    )\n"


def render(s: TransformerSlice) -> str:
    m = s.model
    dtos = [m.dto("read"), m.dto("summary")]
    if s.authorized:
        dtos.append(m.dto("authorized"))
    imports = [
        f"from app.dtos.{m.name} import {', '.join(sorted(dtos))}",
        f"from app.models.{m.name} import {m.class_name}",
    ]
    if any(f.datetime for f in s.read + s.summary):
        imports.append("from app.db import as_utc")
    if s.authorized:
        imports.append("from app.dtos.common import IAuthorizationToken")
    out = f'"""Transformers of {m.name}: ORM rows -> response DTOs."""\n'
    out += "\nfrom __future__ import annotations\n\n" + import_block(imports)
    out += _function("to_read", m.class_name, m.dto("read"), "The row as its read DTO.",
                     s.read)
    out += _function("to_summary", m.class_name, m.dto("summary"),
                     "The row as it appears in a list.", s.summary)
    if s.authorized:
        out += (f"\n\ndef to_authorized(row: {m.class_name}, token: IAuthorizationToken) "
                f"-> {m.dto('authorized')}:\n"
                "    \"\"\"A signed-in account and its tokens.\"\"\"\n"
                f"    return {m.dto('authorized')}(id=row.{s.primary}, token=token)\n")
    return out
