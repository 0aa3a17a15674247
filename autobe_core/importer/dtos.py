"""AutoBe's DTO schemas -> field constraints and DTO overrides.

Constraints: a model's own DTOs (``IFoo.ICreate``, ``IFoo.IUpdate``, ``IFoo``,
``IFoo.ISummary``, ``IFoo.IJoin``) describe its columns more precisely than prisma.json:
``minLength`` / ``maxLength`` on strings, ``minimum`` / ``maximum`` on numbers, enums (a
``oneOf`` of ``const``s) and ``format: email``. They become the field's constraints, so
the generated input DTOs validate them (pydantic) and the column is sized by them. When
the DTOs disagree the input DTOs win, in that order; enum values are united (the column
must accept every value any DTO allows).

Overrides: the spec derives each DTO from the model; where AutoBe's DTO holds other
fields, a :class:`DtoOverride` makes the derived one hold AutoBe's fields, within what the
generated operations can serve: the primary key stays in read and summary DTOs, a create
DTO keeps every column it must fill (a required column AutoBe's DTO leaves to the server
is taken from the body, reported), an update DTO changes plain columns only, a request
DTO filters by equality only. Properties with no column are reported once per schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from autobe_core.importer.links import TypeLinks
from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes
from autobe_core.importer.schemas import Prop, SchemaInfo, parse_type_name
from autobe_core.importer.source import DOCUMENT_FILE, where
from autobe_core.spec.model import DtoKind, DtoOverride, Model, PlainField, ProjectSpec
from autobe_core.spec.naming import printable_problem
from autobe_core.spec.semantics import (
    PASSWORD_INPUT,
    REQUEST_EXTRAS,
    actor_for_model,
    create_bound_fields,
    dto_candidates,
    is_auto,
    model_dto_fields,
    server_set_fields,
)

CONSTRAINT_SOURCES = ("ICreate", "IJoin", "IUpdate", "", "ISummary")
"""Schemas whose properties constrain the columns, strongest first."""

COMPATIBLE = {
    "string": ("string",),
    "uri": ("string",),
    "uuid": ("string",),
    "datetime": ("string",),
    "int": ("integer", "number"),
    "double": ("number", "integer"),
    "decimal": ("number", "integer"),
    "boolean": ("boolean",),
}


def _schema_path(name: str, *parts: str) -> str:
    return where(DOCUMENT_FILE, ["components", "schemas", name, *parts])


def _reverse(models: ModelMap, model: str) -> dict[str, str]:
    """spec field -> AutoBe property name."""
    return {new: old for old, new in models.field_names.get(model, {}).items()}


# --------------------------------------------------------------------------- constraints


@dataclass
class _Found:
    prop: Prop
    schema: str


def apply_constraints(links: TypeLinks, models: ModelMap, notes: Notes) -> int:
    """Set field constraints from the DTO schemas; the number of constraints set."""
    total = 0
    for model in list(models.models):
        sources = [
            s for suffix in CONSTRAINT_SOURCES
            if (s := links.schema(model.name, suffix)) is not None
        ]
        if not sources:
            continue
        autobe = _reverse(models, model.name)
        fields: list[PlainField] = []
        for f in model.plain_fields:
            found = [
                _Found(s.props[autobe.get(f.name, f.name)], s.name)
                for s in sources
                if autobe.get(f.name, f.name) in s.props
            ]
            updated, count = _constrain(model, f, found, notes)
            fields.append(updated)
            total += count
        models.replace(model.model_copy(update={"plain_fields": fields}))
    return total


def _constrain(
    model: Model, f: PlainField, found: list[_Found], notes: Notes
) -> tuple[PlainField, int]:
    if not found:
        return f, 0
    subject = f"field {model.name}.{f.name}"
    update: dict[str, object] = {}
    compatible = [x for x in found if x.prop.type in COMPATIBLE[f.type] or x.prop.type is None]
    for x in found:
        if x.prop.type is not None and x.prop.type not in COMPATIBLE[f.type]:
            notes.warning(
                _schema_path(x.schema, "properties", x.prop.name), subject,
                f"{x.schema} gives it type {x.prop.type!r}, the column is {f.type!r}; the "
                "column type is kept",
            )
        parsed = parse_type_name(x.schema)
        if parsed is not None and parsed.suffix in ("", "ISummary") and (
            x.prop.nullable != f.nullable and x.prop.type is not None
        ):
            notes.warning(
                _schema_path(x.schema, "properties", x.prop.name), subject,
                f"{x.schema} makes it {'nullable' if x.prop.nullable else 'not nullable'}, "
                f"the column is {'nullable' if f.nullable else 'NOT NULL'}; the generated "
                "DTOs follow the column",
            )
        for keyword in x.prop.unmapped:
            notes.dropped(
                _schema_path(x.schema, "properties", x.prop.name, keyword), subject,
                f"{keyword!r} of {x.schema} has no equivalent in the spec",
            )
    if f.type == "string":
        enums = [x for x in compatible if x.prop.enum]
        if enums:
            values: list[str] = []
            for x in enums:
                values += [v for v in x.prop.enum or () if v not in values]
            bad = [v for v in values if printable_problem(v)]
            if bad:
                notes.dropped(
                    _schema_path(enums[0].schema, "properties", enums[0].prop.name), subject,
                    f"enum not imported: value(s) {bad!r} cannot be literals",
                )
            else:
                update["enum"] = values
                if any(set(x.prop.enum or ()) != set(values) for x in enums):
                    notes.approximated(
                        _schema_path(enums[0].schema, "properties", enums[0].prop.name),
                        subject,
                        "the DTOs list different values; the column accepts all of "
                        f"them: {', '.join(values)}",
                    )
        emails = [x for x in compatible if x.prop.format == "email"]
        if emails and "enum" not in update:
            update["format"] = "email"
    if f.type in ("string", "uri") and "enum" not in update:
        update.update(_pick(compatible, ("min_length", "max_length"), subject, notes))
        lo, hi = update.get("min_length"), update.get("max_length")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            notes.dropped(_schema_path(found[0].schema, "properties", found[0].prop.name),
                          subject, f"minLength {lo} exceeds maxLength {hi}; neither is kept")
            update.pop("min_length")
            update.pop("max_length")
    if f.type in ("int", "double", "decimal"):
        update.update(_pick(compatible, ("minimum", "maximum"), subject, notes))
        lo_n, hi_n = update.get("minimum"), update.get("maximum")
        if isinstance(lo_n, float) and isinstance(hi_n, float) and lo_n > hi_n:
            notes.dropped(_schema_path(found[0].schema, "properties", found[0].prop.name),
                          subject, f"minimum {lo_n} exceeds maximum {hi_n}; neither is kept")
            update.pop("minimum")
            update.pop("maximum")
    if not update:
        return f, 0
    count = sum(1 for k in ("enum", "format", "min_length", "max_length", "minimum", "maximum")
                if k in update)
    return f.model_copy(update=update), count


def _pick(
    found: list[_Found], keys: tuple[str, str], subject: str, notes: Notes
) -> dict[str, object]:
    """The first DTO's value of each key (strongest first); disagreement is noted."""
    chosen: dict[str, object] = {}
    for key in keys:
        values = [(x, getattr(x.prop, key)) for x in found if getattr(x.prop, key) is not None]
        if not values:
            continue
        first, value = values[0]
        chosen[key] = value
        others = sorted({str(v) for _, v in values[1:] if v != value})
        if others:
            notes.approximated(
                _schema_path(first.schema, "properties", first.prop.name), subject,
                f"{key} is {value} in {first.schema} and {', '.join(others)} elsewhere; "
                f"{value} is kept",
            )
    return chosen


# --------------------------------------------------------------------------- overrides

OVERRIDE_SOURCES: tuple[tuple[DtoKind, tuple[str, ...]], ...] = (
    ("read", ("",)),
    ("summary", ("ISummary",)),
    ("create", ("ICreate",)),
    ("update", ("IUpdate",)),
    ("request", ("IRequest",)),
)


def apply_overrides(spec: ProjectSpec, links: TypeLinks, models: ModelMap, notes: Notes) -> int:
    """Set DTO overrides so the derived DTOs hold AutoBe's fields; returns how many."""
    total = 0
    for model in spec.models:
        overrides: dict[str, DtoOverride] = {}
        actor = actor_for_model(spec, model)
        for kind, suffixes in OVERRIDE_SOURCES:
            if kind == "create" and actor is not None:
                suffixes = ("IJoin", "ICreate")
            schema = next(
                (s for suffix in suffixes if (s := links.schema(model.name, suffix)) is not None),
                None,
            )
            if schema is None or not schema.has_properties:
                continue
            override = _override(spec, model, kind, schema, models, notes)
            if override is not None:
                overrides[kind] = override
        if overrides:
            total += len(overrides)
            updated = model.model_copy(
                update={"dtos": model.dtos.model_copy(update=overrides)}
            )
            spec = spec.model_copy(
                update={"models": [updated if m.name == model.name else m for m in spec.models]}
            )
            models.replace(updated)
    return total


def _override(
    spec: ProjectSpec,
    model: Model,
    kind: DtoKind,
    schema: SchemaInfo,
    models: ModelMap,
    notes: Notes,
) -> DtoOverride | None:
    renames = models.field_names.get(model.name, {})
    actor = actor_for_model(spec, model)
    password = actor.password_field if actor else None
    props: set[str] = set()
    unknown: list[str] = []
    for name in schema.props:
        if name in renames:
            props.add(renames[name])
        elif actor is not None and kind == "create" and "password" in name.lower():
            props.add(PASSWORD_INPUT)
        else:
            unknown.append(name)
    subject = f"{kind} DTO of {model.name}"
    path = _schema_path(schema.name, "properties")
    if kind in ("read", "summary"):
        pool = [f.name for f in dto_candidates(spec, model, kind, password)]
        wanted = [n for n in pool if n in props or n == model.primary_field.name]
    elif kind == "create":
        wanted = _create_fields(spec, model, props, schema, notes)
    elif kind == "update":
        pool = [
            f.name for f in dto_candidates(spec, model, "update", None)
            if f.role == "plain" and not is_auto(model, f.source) and f.name != password
        ]
        wanted = [n for n in pool if n in props]
        dropped = sorted(n for n in props if n not in wanted and n != PASSWORD_INPUT)
        if dropped:
            notes.approximated(
                path, subject,
                "the generated update changes plain columns only (no keys, timestamps or "
                f"password); not updatable: {', '.join(dropped)}",
            )
    else:
        pool = _default_request(spec, model)
        wanted = [n for n in pool if n in props]
        extra = sorted(
            n for n in [*props, *unknown] if n not in wanted and n not in REQUEST_EXTRAS
        )
        if extra:
            notes.approximated(
                path, subject,
                "the generated request filters by equality on keys, booleans, integers and "
                f"enums, plus page/limit/search/sort; not carried: {', '.join(extra)}",
            )
        unknown = []
    if unknown:
        notes.dropped(
            path, subject,
            f"{schema.name} has propert{'y' if len(unknown) == 1 else 'ies'} "
            f"{', '.join(unknown)} with no column in {model.name}; the derived DTO leaves "
            f"{'it' if len(unknown) == 1 else 'them'} out",
        )
    if wanted == [f.name for f in model_dto_fields(spec, model, kind)]:
        return None
    return DtoOverride(include=wanted)


def _default_request(spec: ProjectSpec, model: Model) -> list[str]:
    plain = model.model_copy(update={"dtos": model.dtos.model_copy(update={"request": None})})
    return [f.name for f in model_dto_fields(spec, plain, "request")]


def _create_fields(
    spec: ProjectSpec, model: Model, props: set[str], schema: SchemaInfo, notes: Notes
) -> list[str]:
    actor = actor_for_model(spec, model)
    pw = actor.password_field if actor else None
    bound = set(create_bound_fields(spec, model))
    pool = [
        f for f in dto_candidates(spec, model, "create", pw)
        if f.role != "primary" and not is_auto(model, f.source) and f.name not in bound
    ]
    server = server_set_fields(spec, model, "create")  # filled by the server (roles)
    wanted: list[str] = []
    added: list[str] = []
    for f in pool:
        if f.name in props:
            wanted.append(f.name)
        elif f.source in server and f.role != "password":
            continue
        elif f.role == "password" or (not f.nullable and f.role in ("plain", "foreign")):
            wanted.append(f.name)
            if f.role != "password":
                added.append(f.name)
    if added:
        notes.approximated(
            _schema_path(schema.name, "properties"), f"create DTO of {model.name}",
            f"{schema.name} leaves required column(s) {', '.join(added)} to the server; "
            "the generated create takes them from the body",
        )
    return wanted
