"""Rules on names: every identifier that reaches generated code, and their collisions.

Names are checked against :mod:`autobe_core.spec.naming`; derived names (class names,
DTO class names, operation ids, principal classes) are computed there too and must be
unique in the namespaces the generated backend puts them in.
"""

from __future__ import annotations

from autobe_core.spec.diagnostics import format_path
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import (
    ANNOTATION_NAMES,
    AUTH_DTO_KINDS,
    COMMON_TYPE_NAMES,
    ORM_ATTRIBUTES,
    TYPE_NAME,
    actor_problem,
    class_name_problem,
    dto_base,
    dto_type_names,
    field_problem,
    identifier_problem,
    model_name_problem,
    operation_id,
    pascal,
    path_problem,
    printable_problem,
    project_name_problem,
    python_dto_name,
    relation_problem,
)
from autobe_core.spec.validation.common import (
    ALLOWED_ACTOR_NAME,
    ALLOWED_DTO_NAME,
    ALLOWED_FIELD_NAME,
    ALLOWED_MODEL_NAME,
    ALLOWED_OPERATION_NAME,
    ALLOWED_PROJECT_NAME,
    ALLOWED_PROPERTY_NAME,
    ALLOWED_RELATION_NAME,
    ALLOWED_TEXT,
    ALLOWED_TYPE_NAME,
    OPERATION_NAME,
    PROPERTY_NAME,
    Path,
    Report,
    names_other_than,
)


def property_problem(name: str) -> str | None:
    """Schema property names become pydantic attributes (never columns)."""
    problem = identifier_problem(name, PROPERTY_NAME)
    if problem is None and name.lower() in ORM_ATTRIBUTES | ANNOTATION_NAMES:
        problem = f"{name!r} is an attribute or type name the generated classes use"
    if problem is None and name.startswith("model_"):
        problem = f"{name!r} starts with 'model_', which pydantic reserves"
    return problem


def valid_model_name(name: str) -> bool:
    return model_name_problem(name) is None


# --------------------------------------------------------------------------- names


def check_names(spec: ProjectSpec, report: Report) -> None:
    problem = project_name_problem(spec.name)
    if problem:
        report.error(
            ["name"], "name.project", f"invalid project name: {problem}", ALLOWED_PROJECT_NAME
        )
    for i, model in enumerate(spec.models):
        base: Path = ["models", i]
        problem = model_name_problem(model.name)
        if problem:
            report.error(
                [*base, "name"], "name.model", f"invalid model name: {problem}", ALLOWED_MODEL_NAME
            )
        problem = printable_problem(model.namespace)
        if problem:
            report.error(
                [*base, "namespace"],
                "name.namespace",
                f"invalid namespace of model {model.name!r}: {problem}",
                ALLOWED_TEXT,
            )
        if model.dto_name is not None:
            problem = class_name_problem(model.dto_name)
            if problem:
                report.error(
                    [*base, "dtoName"],
                    "name.dto",
                    f"invalid dtoName of model {model.name!r}: {problem}",
                    ALLOWED_DTO_NAME,
                )
        elif valid_model_name(model.name):
            derived = dto_base(model)
            problem = class_name_problem(derived)
            if problem:
                report.error(
                    [*base, "name"],
                    "name.dto",
                    f"model {model.name!r} derives the class name {derived!r}: "
                    f"{problem}; set dtoName",
                    ALLOWED_DTO_NAME,
                )
        _check_field_names(spec, i, report)
    for i, actor in enumerate(spec.actors):
        problem = actor_problem(actor.name)
        if problem:
            report.error(
                ["actors", i, "name"],
                "name.actor",
                f"invalid actor name: {problem}",
                ALLOWED_ACTOR_NAME,
            )
    for i, op in enumerate(spec.operations):
        problem = identifier_problem(op.name, OPERATION_NAME)
        if problem:
            report.error(
                ["operations", i, "name"],
                "name.operation",
                f"invalid operation name: {problem}",
                ALLOWED_OPERATION_NAME,
            )
    for name, schema in spec.schemas.items():
        problem = identifier_problem(name, TYPE_NAME)
        if problem:
            report.error(
                ["schemas", name],
                "name.schema",
                f"invalid schema name: {problem}",
                ALLOWED_TYPE_NAME,
            )
        for prop in schema.properties:
            problem = property_problem(prop)
            if problem:
                report.error(
                    ["schemas", name, "properties", prop],
                    "name.schema-property",
                    f"invalid property name in schema {name!r}: {problem}",
                    ALLOWED_PROPERTY_NAME,
                )


def _check_field_names(spec: ProjectSpec, i: int, report: Report) -> None:
    model = spec.models[i]
    base: Path = ["models", i]
    named: list[tuple[str, Path]] = [(model.primary_field.name, [*base, "primaryField", "name"])]
    named += [
        (f.name, [*base, "foreignFields", j, "name"]) for j, f in enumerate(model.foreign_fields)
    ]
    named += [(p.name, [*base, "plainFields", j, "name"]) for j, p in enumerate(model.plain_fields)]
    for name, path in named:
        problem = field_problem(name)
        if problem:
            report.error(
                path,
                "name.field",
                f"invalid field name in model {model.name!r}: {problem}",
                ALLOWED_FIELD_NAME,
            )
    for j, f in enumerate(model.foreign_fields):
        rel_path: Path = [*base, "foreignFields", j, "relation"]
        problem = relation_problem(f.relation.name)
        if problem:
            report.error(
                [*rel_path, "name"],
                "name.relation",
                f"invalid relation name in model {model.name!r}: {problem}",
                ALLOWED_RELATION_NAME,
            )
        if f.relation.opposite_name is not None:
            problem = relation_problem(f.relation.opposite_name)
            if problem:
                report.error(
                    [*rel_path, "oppositeName"],
                    "name.relation",
                    f"invalid opposite relation name in model {model.name!r}: {problem}",
                    ALLOWED_RELATION_NAME,
                )


# --------------------------------------------------------------------------- duplicates


def _first_seen(items: list[tuple[str, Path]], report: Report, code: str, what: str) -> None:
    """Report every item whose key was already seen, pointing at the first one."""
    seen: dict[str, Path] = {}
    for key, path in items:
        if key in seen:
            report.error(
                path,
                code,
                f"duplicate {what} {key!r} (first declared at {format_path(seen[key])})",
                names_other_than(seen),
            )
        else:
            seen[key] = path


def check_duplicates(spec: ProjectSpec, report: Report) -> None:
    _first_seen(
        [(m.name, ["models", i, "name"]) for i, m in enumerate(spec.models)],
        report,
        "dup.model",
        "model name",
    )
    _first_seen(
        [(a.name, ["actors", i, "name"]) for i, a in enumerate(spec.actors)],
        report,
        "dup.actor",
        "actor name",
    )
    for i, model in enumerate(spec.models):
        base: Path = ["models", i]
        attributes: list[tuple[str, Path]] = [
            (model.primary_field.name, [*base, "primaryField", "name"])
        ]
        for j, f in enumerate(model.foreign_fields):
            attributes.append((f.name, [*base, "foreignFields", j, "name"]))
        for j, p in enumerate(model.plain_fields):
            attributes.append((p.name, [*base, "plainFields", j, "name"]))
        for j, f in enumerate(model.foreign_fields):
            attributes.append((f.relation.name, [*base, "foreignFields", j, "relation", "name"]))
        _first_seen(
            attributes, report, "dup.field", f"field or relation name in model {model.name!r}:"
        )
    _check_opposites(spec, report)
    _check_principals(spec, report)
    _check_endpoints(spec, report)
    _check_class_names(spec, report)


def _check_opposites(spec: ProjectSpec, report: Report) -> None:
    """Opposite names become attributes of the target model: unique there."""
    taken: dict[str, dict[str, Path]] = {}
    for i, m in enumerate(spec.models):
        names = taken.setdefault(m.name, {})
        for name in m.field_names() + [f.relation.name for f in m.foreign_fields]:
            names.setdefault(name, ["models", i])
    for i, m in enumerate(spec.models):
        for j, f in enumerate(m.foreign_fields):
            opposite = f.relation.opposite_name
            target = taken.get(f.relation.target_model)
            if opposite is None or target is None:
                continue
            path: Path = ["models", i, "foreignFields", j, "relation", "oppositeName"]
            if opposite in target:
                report.error(
                    path,
                    "dup.opposite",
                    f"opposite name {opposite!r} is already an attribute of model "
                    f"{f.relation.target_model!r}",
                    names_other_than(target),
                )
            else:
                target[opposite] = path


def _check_principals(spec: ProjectSpec, report: Report) -> None:
    seen: dict[str, str] = {}
    for i, actor in enumerate(spec.actors):
        if actor_problem(actor.name) or actor.name in seen.values():
            continue
        principal = f"{pascal(actor.name)}Principal"
        if principal in seen:
            report.error(
                ["actors", i, "name"],
                "dup.principal",
                f"actors {seen[principal]!r} and {actor.name!r} both derive the "
                f"class name {principal!r}",
                names_other_than(seen.values()),
            )
        else:
            seen[principal] = actor.name


def _check_endpoints(spec: ProjectSpec, report: Report) -> None:
    endpoints: dict[str, int] = {}
    ids: dict[str, int] = {}
    for i, op in enumerate(spec.operations):
        if path_problem(op.path):
            continue
        if op.endpoint in endpoints:
            first = endpoints[op.endpoint]
            report.error(
                ["operations", i, "path"],
                "dup.endpoint",
                f"duplicate endpoint {op.endpoint} (first declared at $.operations[{first}])",
                (f"an endpoint other than {op.endpoint}",),
            )
            continue
        endpoints[op.endpoint] = i
        oid = operation_id(op)
        if oid in ids:
            other = spec.operations[ids[oid]]
            report.error(
                ["operations", i, "path"],
                "dup.operation-id",
                f"{op.endpoint} and {other.endpoint} (at $.operations[{ids[oid]}]) "
                f"both derive the operation id {oid!r}",
                (f"a path whose snake_case form differs from {other.path}",),
            )
        else:
            ids[oid] = i


def _check_class_names(spec: ProjectSpec, report: Report) -> None:
    """Model classes, DTO classes, principal classes: one namespace once imported.

    ``owners`` maps a Python class name to (who derives it, the AutoBe type name it
    stands for); a schema restating a derived DTO under the same type name is fine.
    """
    owners: dict[str, tuple[str, str]] = {
        python_dto_name(t): ("built-in", t) for t in COMMON_TYPE_NAMES
    }
    actor_models = {a.model for a in spec.actors}
    taken_models: set[str] = set()
    for i, model in enumerate(spec.models):
        if model.name in taken_models:
            continue
        taken_models.add(model.name)
        if model.dto_name is not None:
            if class_name_problem(model.dto_name):
                continue
            path: Path = ["models", i, "dtoName"]
        elif valid_model_name(model.name) and not class_name_problem(dto_base(model)):
            path = ["models", i, "name"]
        else:
            continue
        names = {dto_base(model): dto_base(model)}
        for kind, type_name in sorted(dto_type_names(model).items()):
            if kind in AUTH_DTO_KINDS and model.name not in actor_models:
                continue
            names[python_dto_name(type_name)] = type_name
        clashes = sorted(n for n in names if n in owners)
        if clashes:
            report.error(
                path,
                "dup.class-name",
                f"model {model.name!r} derives the class name(s) "
                f"{', '.join(clashes)}, already derived by "
                f"{', '.join(sorted({owners[n][0] for n in clashes}))}",
                (f"a dtoName whose derived class names are not taken: {', '.join(clashes)}",),
            )
            continue
        for n, type_name in names.items():
            owners[n] = (f"model {model.name}", type_name)
    for name in spec.schemas:
        if identifier_problem(name, TYPE_NAME):
            continue
        py = python_dto_name(name)
        owner = owners.get(py)
        if owner is not None and owner[1] != name:
            report.error(
                ["schemas", name],
                "dup.class-name",
                f"schema {name!r} has the Python class name {py!r} of {owner[1]!r} ({owner[0]})",
                (f"a schema name whose class is not {py}",),
            )
        owners.setdefault(py, (f"schema {name}", name))
    for i, actor in enumerate(spec.actors):
        if actor_problem(actor.name):
            continue
        principal = f"{pascal(actor.name)}Principal"
        owner = owners.get(principal)
        if owner is not None:
            report.error(
                ["actors", i, "name"],
                "dup.class-name",
                f"actor {actor.name!r} derives the class name {principal!r}, "
                f"already derived by {owner[0]}",
                (f"an actor name other than {actor.name}",),
            )
