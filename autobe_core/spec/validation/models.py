"""Rules on the database part: field constraints, relations, indexes, derived DTOs.

Covers enum and range constraints, relation targets, index references and duplicates,
cycles of required foreign keys (rows that could never be inserted), and DTO overrides.
"""

from __future__ import annotations

import math

from autobe_core.spec.model import DtoKind, Model, PlainField, ProjectSpec
from autobe_core.spec.naming import printable_problem
from autobe_core.spec.semantics import (
    AUTO_FIELDS,
    REQUEST_EXTRAS,
    dto_candidates,
    model_dto_fields,
    password_field,
)
from autobe_core.spec.validation.common import (
    ALLOWED_TEXT,
    Path,
    Report,
    field_path,
    names_other_than,
)

DTO_KINDS: tuple[DtoKind, ...] = ("read", "summary", "create", "update", "request")

NUMERIC = ("int", "double", "decimal")
STRINGY = ("string", "uri")


# --------------------------------------------------------------------------- fields


def check_fields(spec: ProjectSpec, report: Report) -> None:
    for i, model in enumerate(spec.models):
        for j, f in enumerate(model.plain_fields):
            _check_plain(model, f, ["models", i, "plainFields", j], report)


def check_enum(values: list[str] | None, path: Path, owner: str, report: Report) -> None:
    """Enum rules shared by model fields and schema properties."""
    if values is None:
        return
    if not values:
        report.error(
            [*path, "enum"],
            "field.enum-empty",
            f"{owner} has an empty enum; give at least one value or drop enum",
            ("one or more distinct values",),
        )
        return
    seen: set[str] = set()
    for k, value in enumerate(values):
        problem = printable_problem(value)
        if problem:
            report.error(
                [*path, "enum", k],
                "field.enum-value",
                f"invalid enum value of {owner}: {problem}",
                ALLOWED_TEXT,
            )
        elif value in seen:
            report.error(
                [*path, "enum", k],
                "field.enum-duplicate",
                f"enum value {value!r} of {owner} appears twice",
                names_other_than(seen),
            )
        seen.add(value)


def _check_plain(model: Model, f: PlainField, path: Path, report: Report) -> None:
    owner = f"field {model.name}.{f.name}"
    if f.enum is not None and f.type != "string":
        report.error(
            [*path, "enum"],
            "field.enum-type",
            f"{owner} has an enum but type {f.type!r}",
            ("string",),
        )
    check_enum(f.enum, path, owner, report)
    if f.format is not None and f.type != "string":
        report.error(
            [*path, "format"],
            "field.format-type",
            f"{owner} has format {f.format!r} but type {f.type!r}",
            ("string",),
        )
    for key, value in (("minLength", f.min_length), ("maxLength", f.max_length)):
        if value is None:
            continue
        if f.type not in STRINGY:
            report.error(
                [*path, key], "field.length-type", f"{owner} has {key} but type {f.type!r}", STRINGY
            )
        elif value < 0:
            report.error(
                [*path, key],
                "field.length-negative",
                f"{key} of {owner} is negative ({value})",
                ("an integer >= 0",),
            )
    if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
        report.error(
            [*path, "minLength"],
            "field.length-range",
            f"minLength {f.min_length} of {owner} exceeds maxLength {f.max_length}",
            (f"minLength <= {f.max_length}",),
        )
    finite = True
    for key, number in (("minimum", f.minimum), ("maximum", f.maximum)):
        if number is None:
            continue
        if f.type not in NUMERIC:
            report.error(
                [*path, key], "field.range-type", f"{owner} has {key} but type {f.type!r}", NUMERIC
            )
        if not math.isfinite(number):
            finite = False
            report.error(
                [*path, key],
                "field.range-not-finite",
                f"{key} of {owner} is not a finite number ({number})",
                ("a finite number",),
            )
    if finite and f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
        report.error(
            [*path, "minimum"],
            "field.range",
            f"minimum {f.minimum} of {owner} exceeds maximum {f.maximum}",
            (f"minimum <= {f.maximum}",),
        )
    if f.name in AUTO_FIELDS and f.type != "datetime":
        report.warning(
            [*path, "type"],
            "field.auto-type",
            f"{owner} is not a datetime, so the generated code does not maintain it",
            ("datetime",),
        )
    if f.name == "deleted_at" and f.type == "datetime" and not f.nullable:
        report.error(
            [*path, "nullable"],
            "field.deleted-at-required",
            f"{owner} marks soft deletion and must be nullable (live rows have none)",
            ("nullable: true",),
        )


# --------------------------------------------------------------------------- relations


def check_relations(spec: ProjectSpec, report: Report) -> None:
    models = [m.name for m in spec.models]
    for i, model in enumerate(spec.models):
        for j, f in enumerate(model.foreign_fields):
            target = f.relation.target_model
            if spec.model(target) is None:
                report.error(
                    ["models", i, "foreignFields", j, "relation", "targetModel"],
                    "ref.unknown-model",
                    f"relation {model.name}.{f.relation.name} targets unknown model {target!r}",
                    models,
                )
    _check_cycles(spec, report)


def _check_cycles(spec: ProjectSpec, report: Report) -> None:
    """Strongly connected components of the graph of required foreign keys."""
    edges: dict[str, list[tuple[str, str, Path]]] = {}
    for i, model in enumerate(spec.models):
        if model.name in edges:
            continue
        edges[model.name] = [
            (f.relation.target_model, f.name, ["models", i, "foreignFields", j, "name"])
            for j, f in enumerate(model.foreign_fields)
            if not f.nullable and spec.model(f.relation.target_model) is not None
        ]
    for component in _components(list(edges), {k: [e[0] for e in v] for k, v in edges.items()}):
        members = set(component)
        inner = [
            (source, name, target, path)
            for source in component
            for target, name, path in edges[source]
            if target in members
        ]
        if len(component) == 1 and not inner:
            continue
        fields = [f"{source}.{name}" for source, name, _, _ in inner]
        cycle = ", ".join(f"{source}.{name} -> {target}" for source, name, target, _ in inner)
        report.error(
            inner[0][3],
            "model.required-cycle",
            f"required foreign keys form a cycle ({cycle}): no row of "
            f"{', '.join(component)} can be inserted first",
            (f"make one of these foreign fields nullable: {', '.join(fields)}",),
        )


def _components(nodes: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components listed in the order of their first node
    in ``nodes``, members in ``nodes`` order (deterministic)."""
    order = {n: k for k, n in enumerate(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, k = work.pop()
            if k == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = succ.get(node, [])
            if k < len(targets):
                work.append((node, k + 1))
                target = targets[k]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                found.append(sorted(comp, key=order.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found, key=lambda c: order[c[0]])


# --------------------------------------------------------------------------- indexes


def check_indexes(spec: ProjectSpec, report: Report) -> None:
    for i, model in enumerate(spec.models):
        fields = model.field_names()
        base: Path = ["models", i]
        lists: list[tuple[str, list[list[str]]]] = [
            ("uniqueIndexes", [index.field_names for index in model.unique_indexes]),
            ("plainIndexes", [index.field_names for index in model.plain_indexes]),
        ]
        for key, indexes in lists:
            seen: dict[tuple[str, ...], int] = {}
            for j, field_names in enumerate(indexes):
                path: Path = [*base, key, j]
                names = tuple(field_names)
                if not names:
                    report.error(
                        [*path, "fieldNames"],
                        "index.empty",
                        f"an index of model {model.name!r} names no fields",
                        fields,
                    )
                for k, name in enumerate(names):
                    if name not in fields:
                        report.error(
                            [*path, "fieldNames", k],
                            "ref.unknown-field",
                            f"index of model {model.name!r} names unknown field {name!r}",
                            fields,
                        )
                    elif name in names[:k]:
                        report.error(
                            [*path, "fieldNames", k],
                            "index.repeated-field",
                            f"index of model {model.name!r} names {name!r} twice",
                            fields,
                        )
                if names and names in seen:
                    report.error(
                        path,
                        "dup.index",
                        f"model {model.name!r} declares the index "
                        f"({', '.join(names)}) twice (first at {key}[{seen[names]}])",
                        ("one index per field list",),
                    )
                seen.setdefault(names, j)
        strings = [p.name for p in model.plain_fields if p.type in STRINGY]
        gin_seen: dict[str, int] = {}
        for j, gin in enumerate(model.gin_indexes):
            path = [*base, "ginIndexes", j, "fieldName"]
            plain = model.plain(gin.field_name)
            if gin.field_name not in fields:
                report.error(
                    path,
                    "ref.unknown-field",
                    f"gin index of model {model.name!r} names unknown field {gin.field_name!r}",
                    strings,
                )
            elif plain is None or plain.type not in STRINGY:
                report.error(
                    path,
                    "index.gin-type",
                    f"gin index of model {model.name!r} "
                    f"needs a string field, {gin.field_name!r} is not",
                    strings,
                )
            if gin.field_name in gin_seen:
                report.error(
                    [*base, "ginIndexes", j],
                    "dup.index",
                    f"model {model.name!r} declares the gin index on {gin.field_name!r} twice",
                    ("one gin index per field",),
                )
            gin_seen.setdefault(gin.field_name, j)


# --------------------------------------------------------------------------- DTOs


def check_dtos(spec: ProjectSpec, report: Report) -> None:
    for i, model in enumerate(spec.models):
        pw = password_field(spec, model)
        for kind in DTO_KINDS:
            override = model.dtos.get(kind)
            base: Path = ["models", i, "dtos", kind]
            candidates = [f.name for f in dto_candidates(spec, model, kind, pw)]
            if override is not None:
                for key, names in (
                    ("include", override.include or []),
                    ("exclude", override.exclude),
                ):
                    for k, name in enumerate(names):
                        if name not in candidates:
                            report.error(
                                [*base, key, k],
                                "ref.unknown-field",
                                f"{kind} DTO of model {model.name!r} cannot {key} {name!r}",
                                candidates,
                            )
                        elif name in names[:k]:
                            report.error(
                                [*base, key, k],
                                "dto.repeated-field",
                                f"{kind} DTO of model {model.name!r} lists {name!r} twice in {key}",
                                candidates,
                            )
            shaped = [f.name for f in model_dto_fields(spec, model, kind)]
            for name in sorted({n for n in shaped if shaped.count(n) > 1}):
                report.error(
                    _dto_field_path(model, i, kind, name),
                    "dto.duplicate-field",
                    f"the {kind} DTO of model {model.name!r} would hold {name!r} twice",
                    names_other_than([name]),
                )
            if kind == "request":
                for name in shaped:
                    if name in REQUEST_EXTRAS:
                        report.warning(
                            field_path(model, i, name),
                            "dto.reserved-field",
                            f"field {model.name}.{name} is not a filter of the "
                            f"request DTO: {name!r} is a paging/search field",
                            names_other_than(REQUEST_EXTRAS),
                        )


def _dto_field_path(model: Model, i: int, kind: DtoKind, name: str) -> Path:
    """The override when there is one (it chose the fields), else the field itself."""
    if model.dtos.get(kind) is not None:
        return ["models", i, "dtos", kind]
    return field_path(model, i, name)
