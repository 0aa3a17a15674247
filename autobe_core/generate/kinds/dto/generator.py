"""Planner and generator for the `dto` module kind: ``app/dtos/<model>.py``.

One module per model holding its pydantic DTOs (read, summary, create, update, request,
page; actor models also join, login, refresh, authorized). The slice holds the DTO field
shapes ``semantics.model_dto_fields`` derives, so it reads the model, the actors that
authenticate against it (the password field) and the create operations with their actors
(the server-bound foreign keys).

Input DTOs (create, update, join, login, and the filters of a listing) accept only what the
database stores, so anything else answers 422, never 500: strings are ``Text`` (no NUL,
no lone surrogate) and datetimes ``Timestamp`` (``app.dtos.common``); integers lie within
the column's range (int32) unless the spec is narrower; doubles are finite; decimals have
at most ``precision`` digits, ``scale`` of them after the point. A field with a default
is optional in the create DTO, with that default.

Issue 11: input DTOs forbid unknown fields (``extra="forbid"``: a server-set field a
client sends answers 422, never silently dropped); numeric fields get the lower bounds
``roles.default_minimum`` derives (quantities >= 1, money and counts >= 0) unless the spec
gives its own; URL fields accept the schemes ``roles.url_schemes`` allows (http and https
unless the spec says otherwise), so ``javascript:`` URLs answer 422.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel

from autobe_core.generate.columns import NOW
from autobe_core.generate.common import (
    LINE_WIDTH,
    ModelRef,
    Slice,
    dto_shape_reads,
    import_block,
    safe_docstring,
    wrap_call,
)
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.schema import INT32_MAX, INT32_MIN, column_type
from autobe_core.spec.model import DefaultValue, DtoKind, Model, ProjectSpec
from autobe_core.spec.roles import url_schemes
from autobe_core.spec.semantics import (
    REQUEST_EXTRAS,
    DtoField,
    actor_for_model,
    model_dto_fields,
    sortable_fields,
)

GENERATOR_VERSION = "3"
"""2: input values bounded to what the database stores; decimals; create defaults.
3: unknown fields forbidden; derived numeric bounds; URL schemes."""

FORBID_EXTRA = '    model_config = ConfigDict(extra="forbid")\n'
"""The first line of every input DTO: a field it does not declare answers 422."""


def uri_pattern(schemes: tuple[str, ...]) -> str:
    """A URL of one of ``schemes`` (any letter case), a colon, then no whitespace."""
    def insensitive(scheme: str) -> str:
        return "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in scheme)
    return "^(?:" + "|".join(insensitive(s.lower()) for s in schemes) + r"):[^\s]+$"


class FieldSlice(Slice):
    """One DTO field as the generators see it (``semantics.DtoField`` plus its text)."""

    name: str
    type: str
    nullable: bool
    required: bool
    source: str
    role: str = "plain"
    format: str | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    precision: int | None = None
    """``decimal``: total digits (as the column stores them)."""
    scale: int | None = None
    """``decimal``: digits after the point."""
    default: DefaultValue | None = None
    """create / join: the field's default (the field is optional, with this default)."""
    description: str = ""
    schemes: tuple[str, ...] | None = None
    """``uri``: the URL schemes a request may send."""

    @classmethod
    def of(cls, model: Model, field: DtoField, with_default: bool = False) -> FieldSlice:
        plain = model.plain(field.source) if field.role == "plain" else None
        precision = scale = None
        if plain is not None and plain.type == "decimal":
            stored = column_type(plain)
            precision, scale = stored.precision, stored.scale
        default = plain.default if plain is not None and with_default else None
        return cls(
            name=field.name,
            type=field.type,
            nullable=field.nullable,
            required=field.required,
            source=field.source,
            role=field.role,
            format=field.format,
            enum=field.enum,
            min_length=field.min_length,
            max_length=field.max_length,
            minimum=field.minimum,
            maximum=field.maximum,
            precision=precision,
            scale=scale,
            default=default,
            description=field_description(model, field.source),
            schemes=url_schemes(plain) if plain is not None and plain.type == "uri" else None,
        )


def field_description(model: Model, name: str) -> str:
    if name == model.primary_field.name:
        return model.primary_field.description
    foreign = model.foreign(name)
    if foreign is not None:
        return foreign.description
    plain = model.plain(name)
    return plain.description if plain is not None else ""


class ActorDtos(Slice):
    """What the join / login / refresh / authorized DTOs of an actor model need."""

    actor: str
    identity: FieldSlice | None = None
    """The login identity field (None: the actor cannot log in, e.g. a guest)."""


class DtoSlice(Slice):
    model: ModelRef
    description: str = ""
    read: tuple[FieldSlice, ...]
    summary: tuple[FieldSlice, ...]
    create: tuple[FieldSlice, ...]
    update: tuple[FieldSlice, ...]
    request: tuple[FieldSlice, ...]
    sortable: tuple[str, ...]
    actor: ActorDtos | None = None


def cut(spec: ProjectSpec, model: Model) -> DtoSlice:
    def fields(kind: DtoKind) -> tuple[FieldSlice, ...]:
        return tuple(FieldSlice.of(model, f, with_default=kind == "create")
                     for f in model_dto_fields(spec, model, kind))

    actor = actor_for_model(spec, model)
    actor_dtos: ActorDtos | None = None
    if actor is not None:
        identity: FieldSlice | None = None
        # guests never log in: no login DTO, whatever their (default) credential fields
        plain = model.plain(actor.identity_field) if actor.identity_field else None
        if (plain is not None and actor.kind != "guest" and actor.password_field
                and model.plain(actor.password_field)):
            identity = FieldSlice(
                name=plain.name, type=plain.type, nullable=False, required=True,
                source=plain.name, format=plain.format,
                enum=tuple(plain.enum) if plain.enum else None,
                description=plain.description,
            )
        actor_dtos = ActorDtos(actor=actor.name, identity=identity)
    return DtoSlice(
        model=ModelRef.of(model),
        description=model.description,
        read=fields("read"),
        summary=fields("summary"),
        create=fields("create"),
        update=fields("update"),
        request=tuple(f for f in fields("request") if f.name not in REQUEST_EXTRAS),
        sortable=tuple(sortable_fields(spec, model)),
        actor=actor_dtos,
    )


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    modules: list[PlannedModule] = []
    for model in spec.models:
        slice_ = cut(spec, model)
        modules.append(PlannedModule(
            id=f"dto:{model.name}",
            kind="dto",
            path=f"{BACKEND_PACKAGE}/dtos/{model.name}.py",
            slice=slice_,
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=frozenset(dto_shape_reads(spec, model)),
            imports=frozenset({"app:dtos_common"}),
        ))
    return modules


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, DtoSlice)
    return render(slice_)


# --------------------------------------------------------------------------- render

Style = str
"""How a field is rendered: ``output`` (read side: plain types, no constraints),
``input`` (constraints, EmailStr), ``filter`` (optional, no constraints)."""


OUTPUT_TYPES = {
    "uuid": "uuid.UUID", "string": "str", "int": "int", "double": "float",
    "decimal": "decimal.Decimal", "boolean": "bool", "datetime": "datetime.datetime",
    "uri": "str",
}
INPUT_TYPES = {**OUTPUT_TYPES, "string": "Text", "uri": "Text", "datetime": "Timestamp"}
"""What a client sends: strings and datetimes a database can store (``app.dtos.common``)."""


def python_type(field: FieldSlice, style: Style) -> str:
    if field.enum:
        base = "Literal[" + ", ".join(py_str(v) for v in field.enum) + "]"
    elif field.type == "string" and field.format == "email" and style == "input":
        base = "EmailStr"
    else:
        base = (OUTPUT_TYPES if style == "output" else INPUT_TYPES)[field.type]
    optional = field.nullable or (not field.required and field.default is None) or (
        style == "filter")
    return f"{base} | None" if optional else base


def _number(value: float, field: FieldSlice) -> str:
    if field.type == "int" and float(value).is_integer():
        return str(int(value))
    if field.type == "decimal":
        return f"decimal.Decimal({py_str(str(value))})"
    return repr(float(value))


def default_value(field: FieldSlice) -> str:
    """The create DTO's default of ``field`` as a Python expression."""
    value = field.default
    assert value is not None
    if field.type == "decimal" and not isinstance(value, bool | str):
        return f"decimal.Decimal({py_str(str(value))})"
    return py_str(value) if isinstance(value, str) else repr(value)


def int_bounds(field: FieldSlice) -> tuple[int, int]:
    """The range an integer may take: the column's (int32), narrowed by the spec's."""
    low, high = INT32_MIN, INT32_MAX
    if field.minimum is not None:
        low = max(low, math.ceil(field.minimum))
    if field.maximum is not None:
        high = min(high, math.floor(field.maximum))
    return low, high


def _bounds(field: FieldSlice, style: Style) -> list[str]:
    """The numeric constraints of an input or filter field."""
    if field.type == "int":
        low, high = int_bounds(field)
        return [f"ge={low}", f"le={high}"]
    if style != "input" or field.type not in ("double", "decimal"):
        return []
    args = []
    if field.minimum is not None:
        args.append(f"ge={_number(field.minimum, field)}")
    if field.maximum is not None:
        args.append(f"le={_number(field.maximum, field)}")
    if field.type == "double":
        args.append("allow_inf_nan=False")
    else:
        args += [f"max_digits={field.precision}", f"decimal_places={field.scale}"]
    return args


def field_line(field: FieldSlice, style: Style) -> str:
    args: list[str] = []
    if style == "input" and field.default is not None:
        if field.type == "datetime" and field.default == NOW:
            args.append("default_factory=utc_now")
        else:
            args.append(f"default={default_value(field)}")
    elif field.nullable or not field.required or style == "filter":
        args.append("default=None")
    if style == "input":
        if field.type in ("string", "uri") and not field.enum:
            if field.min_length is not None:
                args.append(f"min_length={field.min_length}")
            if field.max_length is not None:
                args.append(f"max_length={field.max_length}")
        if field.type == "uri":
            args.append(f"pattern={py_str(uri_pattern(field.schemes or ('http', 'https')))}")
    if style != "output":
        args += _bounds(field, style)
    text = " ".join(field.description.split())
    if text:
        args.append(f"description={py_str(text)}")
    annotation = python_type(field, style)
    if not args:
        return f"    {field.name}: {annotation}\n"
    if args == ["default=None"]:
        return f"    {field.name}: {annotation} = None\n"
    return wrap_call(f"{field.name}: {annotation} = Field", args, "    ")


def class_block(name: str, doc: str, lines: list[str], forbid: bool = False) -> str:
    body = safe_docstring(doc, "    ")
    if forbid:
        lines = [FORBID_EXTRA, *lines]
    if lines:
        body += ("\n" if body else "") + "".join(lines)
    if not body:
        body = "    pass\n"
    return f"\n\nclass {name}(BaseModel):\n{body}"


def _lines(fields: tuple[FieldSlice, ...], style: Style) -> list[str]:
    return [field_line(f, style) for f in fields]


def render(s: DtoSlice) -> str:
    m = s.model
    table = m.name
    all_fields = s.read + s.summary + s.create + s.update + s.request
    if s.actor is not None and s.actor.identity is not None:
        all_fields += (s.actor.identity,)
    pydantic = {"BaseModel", "ConfigDict", "Field"}
    common = {"IPageIPagination", "Text"}
    types = {f.type for f in all_fields}
    imports: list[str] = []
    if "uuid" in types or s.actor is not None:
        imports.append("import uuid")
    if "datetime" in types:
        imports.append("import datetime")
    if "decimal" in types:
        imports.append("import decimal")
    if any(f.enum for f in all_fields) or s.sortable:
        imports.append("from typing import Literal")
    inputs = s.create + s.update
    if s.actor is not None and s.actor.identity is not None:
        inputs += (s.actor.identity,)
    if any(f.type == "string" and f.format == "email" and not f.enum for f in inputs):
        pydantic.add("EmailStr")
    if any(f.type == "datetime" for f in inputs):
        common.add("Timestamp")
    if any(f.type == "datetime" and f.default == NOW for f in s.create):
        common.add("utc_now")
    if s.actor is not None:
        common.add("IAuthorizationToken")
    imports.append(f"from pydantic import {', '.join(sorted(pydantic))}")
    imports.append(f"from app.dtos.common import {', '.join(sorted(common))}")

    out = safe_docstring(f"DTOs of {table}: {s.description}" if s.description
                         else f"DTOs of {table}.")
    out += "\nfrom __future__ import annotations\n\n" + import_block(imports)
    out += class_block(m.dto("read"), s.description or f"A {table} row.", _lines(s.read, "output"))
    out += class_block(m.dto("summary"), f"A {table} row in a list.",
                       _lines(s.summary, "output"))
    out += class_block(m.dto("create"), f"Body of a request that creates a {table} row.",
                       _lines(s.create, "input"), forbid=True)
    out += class_block(m.dto("update"),
                       f"Body of a request that updates a {table} row; only the fields sent "
                       "are changed.", _lines(s.update, "input"), forbid=True)
    request = [
        *_lines(s.request, "filter"),
        f"    page: int = Field(default=1, ge=1, le={INT32_MAX})\n",
        "    limit: int = Field(default=20, ge=1, le=100)\n",
        "    search: Text | None = Field(default=None, max_length=200)\n",
    ]
    if s.sortable:
        choices = [py_str(f"{sign}{name}") for name in s.sortable for sign in "+-"]
        line = f"    sort: Literal[{', '.join(choices)}] | None = None\n"
        if len(line) > LINE_WIDTH:
            line = "    sort: Literal[\n" + "".join(f"        {c},\n" for c in choices)
            line += "    ] | None = None\n"
        request.append(line)
    else:
        request.append("    sort: None = None\n")
    out += class_block(m.dto("request"),
                       f"Filters, search text, sort order and page of a {table} listing.",
                       request, forbid=True)
    out += class_block(m.dto("page"), f"One page of {table} summaries.", [
        "    pagination: IPageIPagination\n",
        f"    data: list[{m.dto('summary')}]\n",
    ])
    if s.actor is not None:
        out += _actor_classes(s, s.actor)
    return out


def _actor_classes(s: DtoSlice, actor: ActorDtos) -> str:
    m = s.model
    out = class_block(m.dto("join"), f"Body of a request that registers a {actor.actor}.",
                      _lines(s.create, "input"), forbid=True)
    if actor.identity is not None:
        out += class_block(m.dto("login"), f"Credentials of a {actor.actor}.", [
            field_line(actor.identity, "input"),
            "    password: Text\n",
        ], forbid=True)
    out += class_block(m.dto("refresh"), "A refresh token to exchange for new tokens.",
                       ["    refresh_token: str\n"], forbid=True)
    out += class_block(m.dto("authorized"), f"A signed-in {actor.actor} and its tokens.", [
        "    id: uuid.UUID\n",
        "    token: IAuthorizationToken\n",
    ])
    return out
