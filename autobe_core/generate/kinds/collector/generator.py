"""Planner and generator for the `collector` module kind: ``app/collectors/<model>.py``.

Collectors turn request DTOs into ORM rows and queries (DTO -> ORM), so operations hold
no mapping code: ``collect_create``, ``collect_update``, ``collect_query`` and, for actor
models, ``collect_join``. The slice holds the create / update / request DTO shapes, the
server-bound foreign keys, the search and sort fields and the automatic timestamps; it
reads what those derive from (the model, its actors, its create operations and theirs).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import (
    ModelRef,
    Slice,
    dto_shape_reads,
    import_block,
)
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import DtoKind, Model, ProjectSpec
from autobe_core.spec.semantics import (
    REQUEST_EXTRAS,
    actor_for_model,
    create_bound_fields,
    is_auto,
    model_dto_fields,
    soft_delete,
    sortable_fields,
    string_search_fields,
)

GENERATOR_VERSION = "1"


class Assign(Slice):
    """``row.<source> = body.<name>`` (``password``: the hash of the body's password)."""

    name: str
    source: str
    nullable: bool = False
    password: bool = False
    datetime: bool = False
    """Stored as aware UTC (``as_utc``): an offset the client sends is not dropped."""


class Bound(Slice):
    field: str
    nullable: bool = False


class CollectorSlice(Slice):
    model: ModelRef
    primary: str
    create: tuple[Assign, ...]
    bound: tuple[Bound, ...]
    update: tuple[Assign, ...]
    filters: tuple[Assign, ...]
    bindable: tuple[str, ...]
    """Fields ``collect_query``'s ``bound`` may select on: the primary and foreign keys."""
    search: tuple[str, ...]
    sortable: tuple[str, ...]
    created_at: bool = False
    updated_at: bool = False
    soft_delete: bool = False
    join: bool = False
    """An actor model: also ``collect_join`` (the join DTO has the create fields)."""


def cut(spec: ProjectSpec, model: Model) -> CollectorSlice:
    def assigns(kind: DtoKind) -> tuple[Assign, ...]:
        fields = model_dto_fields(spec, model, kind)
        return tuple(
            Assign(name=f.name, source=f.source, nullable=f.nullable,
                   password=f.role == "password",
                   datetime=f.type == "datetime" and kind != "request")
            for f in fields
            if not (kind == "request" and f.name in REQUEST_EXTRAS)
        )

    return CollectorSlice(
        model=ModelRef.of(model),
        primary=model.primary_field.name,
        create=assigns("create"),
        bound=tuple(
            Bound(field=name, nullable=bool(f and f.nullable))
            for name in create_bound_fields(spec, model)
            for f in [model.foreign(name)]
        ),
        update=assigns("update"),
        filters=assigns("request"),
        bindable=tuple([model.primary_field.name] + [f.name for f in model.foreign_fields]),
        search=tuple(string_search_fields(model, spec)),
        sortable=tuple(sortable_fields(spec, model)),
        created_at=is_auto(model, "created_at"),
        updated_at=is_auto(model, "updated_at"),
        soft_delete=soft_delete(model),
        join=actor_for_model(spec, model) is not None,
    )


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for model in spec.models:
        slice_ = cut(spec, model)
        modules.append(PlannedModule(
            id=f"collector:{model.name}",
            kind="collector",
            path=f"{BACKEND_PACKAGE}/collectors/{model.name}.py",
            slice=slice_,
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=frozenset(dto_shape_reads(spec, model)),
            imports=imports_of(slice_),
        ))
    return modules


def _db_names(s: CollectorSlice) -> list[str]:
    return sorted(
        (["utcnow"] if s.created_at or s.updated_at else [])
        + (["like_pattern"] if s.search else [])
        + (["as_utc"] if any(a.datetime for a in s.create + s.update) else [])
    )


def imports_of(s: CollectorSlice) -> frozenset[str]:
    ids = {f"model:{s.model.name}", f"dto:{s.model.name}"}
    if _db_names(s):
        ids.add("app:db")
    if _hashes(s):
        ids.add("auth:security")
    return frozenset(ids)


def _hashes(s: CollectorSlice) -> bool:
    return any(a.password for a in s.create)


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, CollectorSlice)
    return render(slice_)


# --------------------------------------------------------------------------- render


def _value(a: Assign, body: str) -> str:
    value = f"{body}.{a.name}"
    if a.password:
        return f"hash_password({value})"
    if a.datetime:
        return f"as_utc({value}) if {value} is not None else None" if a.nullable \
            else f"as_utc({value})"
    return value


def _assign_lines(s: CollectorSlice, body: str) -> str:
    return "".join(f"    row.{a.source} = {_value(a, body)}\n" for a in s.create)


def _create_function(s: CollectorSlice, name: str, dto: str, with_bound: bool) -> str:
    C = s.model.class_name
    params = f"body: {dto}, bound: Mapping[str, uuid.UUID]" if with_bound else f"body: {dto}"
    doc = ("A new row from a create body; ``bound`` holds the foreign keys the server "
           "fills." if with_bound else "A new account from a join body (the password hashed).")
    out = f"\n\ndef {name}({params}) -> {C}:\n    \"\"\"{doc}\"\"\"\n"
    out += f"    row = {C}()\n    row.{s.primary} = uuid.uuid4()\n"
    if with_bound:
        for b in s.bound:
            value = (f"bound.get({py_str(b.field)})" if b.nullable
                     else f"bound[{py_str(b.field)}]")
            out += f"    row.{b.field} = {value}\n"
    out += _assign_lines(s, "body")
    if s.created_at or s.updated_at:
        out += "    now = utcnow()\n"
        if s.created_at:
            out += "    row.created_at = now\n"
        if s.updated_at:
            out += "    row.updated_at = now\n"
    return out + "    return row\n"


def _update_function(s: CollectorSlice) -> str:
    C, dto = s.model.class_name, s.model.dto("update")
    out = (f"\n\ndef collect_update(row: {C}, body: {dto}) -> None:\n"
           "    \"\"\"Apply the fields the body sets (null only where the field is "
           "nullable).\"\"\"\n")
    if s.update:
        out += "    sent = body.model_fields_set\n"
    for a in s.update:
        check = "" if a.nullable else f" and body.{a.name} is not None"
        value = _value(a, "body")
        if not a.nullable and a.datetime:
            value = f"as_utc(body.{a.name})"
        out += (f"    if {py_str(a.name)} in sent{check}:\n"
                f"        row.{a.source} = {value}\n")
    if s.updated_at:
        out += "    row.updated_at = utcnow()\n"
    if not s.update and not s.updated_at:
        out += "    del row, body\n"
    return out


def _query_function(s: CollectorSlice) -> str:
    C, dto = s.model.class_name, s.model.dto("request")
    out = (f"\n\ndef collect_query(request: {dto}, bound: Mapping[str, uuid.UUID]) "
           f"-> Select[{C}]:\n"
           "    \"\"\"Rows matching the path-bound keys, filters and search text, sorted; "
           "not paged.\"\"\"\n"
           "    unknown = sorted(set(bound) - BINDABLE)\n"
           "    if unknown:\n"
           "        raise ValueError(f\"cannot select on {unknown}\")\n"
           f"    stmt = select({C})\n")
    if s.soft_delete:
        out += f"    stmt = stmt.where({C}.deleted_at.is_(None))\n"
    for field in s.bindable:
        out += (f"    if {py_str(field)} in bound:\n"
                f"        stmt = stmt.where({C}.{field} == bound[{py_str(field)}])\n")
    for f in s.filters:
        out += (f"    if request.{f.name} is not None:\n"
                f"        stmt = stmt.where({C}.{f.source} == request.{f.name})\n")
    if s.search:
        out += "    if request.search:\n        pattern = like_pattern(request.search)\n"
        conditions = "".join(
            f"            {C}.{name}.ilike(pattern, escape=\"\\\\\"),\n" for name in s.search
        )
        out += f"        stmt = stmt.where(or_(\n{conditions}        ))\n"
    for index, name in enumerate(s.sortable):
        for sign, direction in (("+", "asc"), ("-", "desc")):
            keyword = "if" if index == 0 and sign == "+" else "elif"
            out += (f"    {keyword} request.sort == {py_str(sign + name)}:\n"
                    f"        stmt = stmt.order_by({C}.{name}.{direction}())\n")
    default = (f"{C}.created_at.desc()" if s.created_at else f"{C}.{s.primary}.asc()")
    if s.sortable:
        out += f"    else:\n        stmt = stmt.order_by({default})\n"
    else:
        out += f"    stmt = stmt.order_by({default})\n"
    return out + f"    return stmt.order_by({C}.{s.primary}.asc())\n"


def render(s: CollectorSlice) -> str:
    m = s.model
    dtos = [m.dto("create"), m.dto("update"), m.dto("request")]
    if s.join:
        dtos.append(m.dto("join"))
    sa_names = ["Select", "select"] + (["or_"] if s.search else [])
    db_names = _db_names(s)
    imports = [
        "import uuid",
        "from collections.abc import Mapping",
        f"from sqlalchemy import {', '.join(sa_names)}",
        f"from app.dtos.{m.name} import {', '.join(sorted(dtos))}",
        f"from app.models.{m.name} import {m.class_name}",
    ]
    if db_names:
        imports.append(f"from app.db import {', '.join(db_names)}")
    if _hashes(s):
        imports.append("from app.auth.security import hash_password")
    out = f'"""Collectors of {m.name}: request DTOs -> ORM rows and queries."""\n'
    out += "\nfrom __future__ import annotations\n\n" + import_block(imports)
    bindable = ", ".join(py_str(f) for f in s.bindable)
    out += f"\nBINDABLE = frozenset({{{bindable}}})\n"
    out += _create_function(s, "collect_create", m.dto("create"), True)
    out += _update_function(s)
    out += _query_function(s)
    if s.join:
        out += _create_function(s, "collect_join", m.dto("join"), False)
    return out
