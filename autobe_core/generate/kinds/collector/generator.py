"""Planner and generator for the `collector` module kind: ``app/collectors/<model>.py``.

Collectors turn request DTOs into ORM rows and queries (DTO -> ORM), so operations hold
no mapping code: ``collect_create``, ``collect_update``, ``collect_query`` and, for actor
models, ``collect_join``. The slice holds the create / update / request DTO shapes, the
server-bound foreign keys, the search and sort fields and the automatic timestamps; it
reads what those derive from (the model, its actors, its create operations and theirs).

Server-set fields (``roles.server_fields``) are never read from a body: a create or a
join sets each from its source (the default, now, 0 / false / the first enum value, null,
a fresh number, or the parent row's value as a SQL subquery evaluated by the INSERT).
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
from autobe_core.schema import INT32_MAX
from autobe_core.spec.model import DefaultValue, DtoKind, FieldType, Model, ProjectSpec
from autobe_core.spec.naming import class_name
from autobe_core.spec.roles import server_fields
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

GENERATOR_VERSION = "2"
"""2: server-set fields filled from their source (issue 11)."""


class Assign(Slice):
    """``row.<source> = body.<name>`` (``password``: the hash of the body's password)."""

    name: str
    source: str
    nullable: bool = False
    password: bool = False
    datetime: bool = False
    """Stored as aware UTC (``as_utc``): an offset the client sends is not dropped."""


class ServerSet(Slice):
    """``row.<field> = <its source>`` at create (``roles.Source``; bound keys excluded)."""

    field: str
    kind: str
    type: FieldType
    value: DefaultValue | None = None
    min_length: int | None = None
    max_length: int | None = None
    parent: str | None = None
    """copy: the foreign field of the row that selects the parent."""
    parent_model: str | None = None
    parent_class: str | None = None
    parent_primary: str | None = None
    parent_field: str | None = None


class Bound(Slice):
    field: str
    nullable: bool = False


class CollectorSlice(Slice):
    model: ModelRef
    primary: str
    create: tuple[Assign, ...]
    bound: tuple[Bound, ...]
    server: tuple[ServerSet, ...] = ()
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
        server=server_sets(spec, model),
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


def server_sets(spec: ProjectSpec, model: Model) -> tuple[ServerSet, ...]:
    out: list[ServerSet] = []
    for decision in server_fields(spec, model):
        source = decision.source
        plain = model.plain(decision.field)
        if source is None or source.kind == "bound" or plain is None:
            continue  # foreign keys: bound ones come with ``bound``, the others stay null
        parent = spec.model(source.parent_model) if source.parent_model else None
        out.append(ServerSet(
            field=plain.name, kind=source.kind, type=plain.type, value=source.value,
            min_length=plain.min_length, max_length=plain.max_length,
            parent=source.parent, parent_model=source.parent_model,
            parent_class=class_name(parent) if parent else None,
            parent_primary=parent.primary_field.name if parent else None,
            parent_field=source.parent_field,
        ))
    return tuple(out)


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
        (["utcnow"] if s.created_at or s.updated_at or _needs_now(s) else [])
        + (["like_pattern"] if s.search else [])
        + (["as_utc"] if any(a.datetime for a in s.create + s.update) else [])
    )


def imports_of(s: CollectorSlice) -> frozenset[str]:
    ids = {f"model:{s.model.name}", f"dto:{s.model.name}"}
    if _db_names(s):
        ids.add("app:db")
    if _hashes(s):
        ids.add("auth:security")
    ids |= {f"model:{v.parent_model}" for v in s.server if v.parent_model}
    return frozenset(ids)


def _needs_now(s: CollectorSlice) -> bool:
    return any(v.kind == "now" or (v.kind == "default" and v.value == "now")
               for v in s.server)


def _server_value(v: ServerSet) -> str:
    """The Python expression of a server-set field's source."""
    if v.kind == "copy":
        return (f"select({v.parent_class}.{v.parent_field}).where("
                f"{v.parent_class}.{v.parent_primary} == row.{v.parent}).scalar_subquery()")
    if v.kind == "null":
        return "None"
    if v.kind == "now" or (v.kind == "default" and v.type == "datetime" and v.value == "now"):
        return "utcnow()"
    if v.kind == "zero":
        return {"int": "0", "double": "0.0"}.get(v.type, "decimal.Decimal(0)")
    if v.kind == "false":
        return "False"
    if v.kind == "generated":
        if v.type == "int":
            return f"uuid.uuid4().int % {INT32_MAX} + 1"
        size = min(32, v.max_length or 32)
        text = f"uuid.uuid4().hex[:{size}].upper()"
        if v.min_length is not None and v.min_length > size:
            text = f"{text}.ljust({v.min_length}, '0')"
        return text
    assert v.value is not None  # default / first
    if v.type == "decimal" and not isinstance(v.value, bool | str):
        return f"decimal.Decimal({py_str(str(v.value))})"
    if v.type == "datetime" and isinstance(v.value, str):
        return f"datetime.datetime.fromisoformat({py_str(v.value)})"
    return py_str(v.value) if isinstance(v.value, str) else repr(v.value)


def _server_lines(s: CollectorSlice) -> str:
    return "".join(f"    row.{v.field} = {_server_value(v)}\n" for v in s.server)


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
    out += _server_lines(s)
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
    values = [_server_value(v) for v in s.server]
    imports = [
        "import uuid",
        "from collections.abc import Mapping",
        *(["import decimal"] if any("decimal." in v for v in values) else []),
        *(["import datetime"] if any("datetime." in v for v in values) else []),
        f"from sqlalchemy import {', '.join(sa_names)}",
        f"from app.dtos.{m.name} import {', '.join(sorted(dtos))}",
        f"from app.models.{m.name} import {m.class_name}",
    ]
    if db_names:
        imports.append(f"from app.db import {', '.join(db_names)}")
    if _hashes(s):
        imports.append("from app.auth.security import hash_password")
    for v in s.server:
        if v.parent_model and v.parent_model != m.name:
            imports.append(f"from app.models.{v.parent_model} import {v.parent_class}")
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
