"""Reading AutoBe's DTO schemas (document.json ``components.schemas``).

AutoBe writes a restricted JSON schema: objects with ``properties`` and ``required``,
properties with ``type`` / ``format`` / ``minLength`` / ``maxLength`` / ``minimum`` /
``maximum``, nullability as ``oneOf`` with ``{"type": "null"}``, enums as ``oneOf`` of
``const``s, nested objects as ``$ref``, and the table a DTO stands for as
``x-autobe-prisma-schema`` (``x-autobe-database-schema`` in newer versions). This module
turns one schema into a :class:`SchemaInfo` of :class:`Prop`s; keywords it does not map
are listed in ``Prop.unmapped`` so the report can say what was dropped.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

LINK_KEYS = ("x-autobe-prisma-schema", "x-autobe-database-schema")
MAPPED_KEYWORDS = frozenset({
    "type", "format", "description", "minLength", "maxLength", "minimum", "maximum",
    "oneOf", "const", "$ref", "items", "title", "enum",
})
IGNORED_KEYWORDS = frozenset({"description", "title", "examples", "example", "$comment"})

TYPE_NAME = re.compile(r"^(IPage)?(I[A-Za-z0-9]+)(?:\.(I[A-Za-z0-9]+))?$")
STANDARD_SUFFIXES = {
    "": "read",
    "ISummary": "summary",
    "ICreate": "create",
    "IUpdate": "update",
    "IRequest": "request",
    "IJoin": "join",
    "ILogin": "login",
    "IRefresh": "refresh",
    "IAuthorized": "authorized",
}
"""Type-name suffix -> the DTO kind the spec derives under that name."""

BUILT_IN = frozenset({"IPage.IPagination", "IAuthorizationToken"})


@dataclass(frozen=True)
class TypeName:
    """``IPageIFoo.ISummary`` -> base ``IFoo``, suffix ``ISummary``, page."""

    base: str
    suffix: str
    page: bool

    @property
    def kind(self) -> str | None:
        """The derived DTO kind this name is, or None (a name the spec cannot derive)."""
        if self.page:
            return {"ISummary": "page", "": "page_read"}.get(self.suffix)
        return STANDARD_SUFFIXES.get(self.suffix)


def parse_type_name(name: str) -> TypeName | None:
    if name in BUILT_IN:
        return None
    match = TYPE_NAME.match(name)
    if match is None:
        return None
    page, base, suffix = match.groups()
    if base == "IPage":  # "IPage.IPagination" and the like
        return None
    return TypeName(base, suffix or "", page is not None)


@dataclass(frozen=True)
class Prop:
    name: str
    type: str | None
    """string, integer, number, boolean, array, object, ref; None: not one type."""
    nullable: bool = False
    format: str | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None
    description: str = ""
    unmapped: tuple[str, ...] = ()
    """Keywords with no place in the spec (pattern, default, ...)."""


@dataclass(frozen=True)
class SchemaInfo:
    name: str
    props: dict[str, Prop] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    link: str | None = None
    """The AutoBe table this DTO stands for (x-autobe-prisma-schema)."""
    link_key: str | None = None
    has_properties: bool = True


def read_schema(name: str, data: dict[str, Any]) -> SchemaInfo:
    link_key = next((k for k in LINK_KEYS if isinstance(data.get(k), str)), None)
    link = data[link_key] if link_key else None
    raw = data.get("properties")
    props: dict[str, Prop] = {}
    if isinstance(raw, dict):
        for prop_name, prop in raw.items():
            if isinstance(prop, dict):
                props[prop_name] = read_prop(prop_name, prop)
    required = data.get("required")
    return SchemaInfo(
        name=name,
        props=props,
        required=frozenset(r for r in required if isinstance(r, str))
        if isinstance(required, list) else frozenset(),
        link=link,
        link_key=link_key,
        has_properties=isinstance(raw, dict),
    )


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value) if value >= 0 else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def read_prop(name: str, data: dict[str, Any]) -> Prop:
    nullable = False
    members = data.get("oneOf") if isinstance(data.get("oneOf"), list) else None
    body = data
    unmapped = {k for k in data if k not in MAPPED_KEYWORDS and k not in IGNORED_KEYWORDS}
    kind = data.get("type")
    if isinstance(kind, list):  # ["string", "null"]
        nullable = "null" in kind
        others = [k for k in kind if k != "null"]
        kind = others[0] if len(others) == 1 else None
    if members is not None:
        dicts = [m for m in members if isinstance(m, dict)]
        nulls = [m for m in dicts if m.get("type") == "null"]
        rest = [m for m in dicts if m.get("type") != "null"]
        nullable = bool(nulls)
        consts = [m.get("const") for m in rest if "const" in m]
        if rest and len(consts) == len(rest):
            values = tuple(dict.fromkeys(c for c in consts if isinstance(c, str)))
            if len(values) == len(consts):
                return Prop(name, "string", nullable, enum=values,
                            description=str(data.get("description") or ""),
                            unmapped=tuple(sorted(unmapped)))
            return Prop(name, None, nullable, description=str(data.get("description") or ""),
                        unmapped=("oneOf of non-string consts",))
        if len(rest) != 1:
            return Prop(name, None, nullable, description=str(data.get("description") or ""),
                        unmapped=("oneOf of several types",))
        body = rest[0]
        unmapped |= {k for k in body if k not in MAPPED_KEYWORDS and k not in IGNORED_KEYWORDS}
        kind = body.get("type")
    if "$ref" in body:
        ref = body["$ref"]
        return Prop(name, "ref", nullable, ref=ref if isinstance(ref, str) else None,
                    description=str(data.get("description") or ""),
                    unmapped=tuple(sorted(unmapped)))
    if "const" in body and isinstance(body["const"], str):
        return Prop(name, "string", nullable, enum=(body["const"],),
                    description=str(data.get("description") or ""))
    enum = body.get("enum")
    enum_values: tuple[str, ...] | None = None
    if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
        enum_values = tuple(dict.fromkeys(enum))
        nullable = nullable or None in enum
    fmt = body.get("format")
    return Prop(
        name=name,
        type=kind if isinstance(kind, str) else None,
        nullable=nullable,
        format=fmt if isinstance(fmt, str) else None,
        enum=enum_values,
        min_length=_int(body.get("minLength")),
        max_length=_int(body.get("maxLength")),
        minimum=_number(body.get("minimum")),
        maximum=_number(body.get("maximum")),
        description=str(data.get("description") or body.get("description") or ""),
        unmapped=tuple(sorted(unmapped)),
    )
