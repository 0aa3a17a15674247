"""Rules on operations: references, kinds, path parameter bindings, bodies, create fill.

What each kind needs (see docs/generated-backend.md): every kind but ``custom`` targets a
model; ``at`` / ``update`` / ``erase`` select one row by its primary key; ``create`` and
``index`` may bind only foreign fields (parents in a nested path); a parameter may bind a
chain of foreign fields (``option_id.product_id``: a grandparent); a row kind may select
its row by a unique foreign key instead (a one-to-one child), or, without path parameters
on the caller's own accounts model, be about the caller's account; ``join`` / ``login`` /
``refresh`` run on an actor's model; a ``create`` (or ``join``) must be able to fill
every required column of the new row.
"""

from __future__ import annotations

from autobe_core.spec.model import Model, Operation, OperationKind, Parameter, ProjectSpec
from autobe_core.spec.naming import dto_type_names, known_type_names, path_parameters
from autobe_core.spec.roles import server_fields
from autobe_core.spec.semantics import (
    BODIES,
    ROW_KINDS,
    binding_chain,
    is_auto,
    is_chain,
    model_dto_fields,
    owner_field,
    param_bindings,
    row_selector,
    selects_caller,
)
from autobe_core.spec.validation.common import Path, Report

AUTH_KINDS = ("join", "login", "refresh")

METHODS: dict[OperationKind, str] = {
    "create": "post",
    "at": "get",
    "index": "patch",
    "update": "put",
    "erase": "delete",
}
"""AutoBe's method for each CRUD kind (a different one is allowed, with a warning)."""

PARAM_TYPES = {"uuid": "uuid", "string": "string", "uri": "string", "int": "int"}
"""Model field type -> the path parameter type that can select it."""


def check_operations(spec: ProjectSpec, report: Report) -> None:
    models = [m.name for m in spec.models]
    actors = [a.name for a in spec.actors]
    known = sorted(known_type_names(spec))
    for i, op in enumerate(spec.operations):
        base: Path = ["operations", i]
        model = spec.model(op.model) if op.model is not None else None
        if op.model is None and op.kind != "custom":
            report.error(
                [*base, "model"],
                "operation.missing-model",
                f"{op.endpoint} is a {op.kind} operation and needs a model",
                models,
            )
        elif op.model is not None and model is None:
            report.error(
                [*base, "model"],
                "ref.unknown-model",
                f"{op.endpoint} targets unknown model {op.model!r}",
                models,
            )
        if op.actor is not None and spec.actor(op.actor) is None:
            report.error(
                [*base, "actor"],
                "ref.unknown-actor",
                f"{op.endpoint} requires unknown actor {op.actor!r}",
                actors,
            )
        for key, body in (("requestBody", op.request_body), ("responseBody", op.response_body)):
            if body is not None and body.type_name not in known:
                report.error(
                    [*base, key, "typeName"],
                    "ref.unknown-type",
                    f"{op.endpoint} uses unknown type {body.type_name!r}",
                    known,
                )
        if op.kind != "custom" and op.kind in METHODS and op.method != METHODS[op.kind]:
            report.warning(
                [*base, "method"],
                "operation.method",
                f"{op.kind} operations are {METHODS[op.kind].upper()} in AutoBe, "
                f"{op.endpoint} is not",
                (METHODS[op.kind],),
            )
        _check_auth(spec, op, base, report)
        if model is not None:
            _check_bodies(spec, op, model, base, report)
            _check_bindings(spec, op, model, base, report)
            if op.kind in ("create", "join"):
                _check_fillable(spec, op, model, base, report)
        elif op.model is None:
            for j, param in enumerate(op.parameters):
                if param.binds is not None:
                    report.error(
                        [*base, "parameters", j, "binds"],
                        "param.binds-without-model",
                        f"{op.endpoint} has no model, so parameter "
                        f"{param.name!r} cannot bind {param.binds!r}",
                        ("null", "set the operation's model"),
                    )


def _check_auth(spec: ProjectSpec, op: Operation, base: Path, report: Report) -> None:
    if op.kind in AUTH_KINDS:
        if op.authorization_type not in (None, op.kind):
            report.error(
                [*base, "authorizationType"],
                "operation.authorization-type",
                f"{op.endpoint} is a {op.kind} operation but its authorizationType "
                f"is {op.authorization_type!r}",
                (op.kind, "null"),
            )
        actor = next((a for a in spec.actors if a.model == op.model), None)
        if op.model is not None and spec.model(op.model) is not None and actor is None:
            report.error(
                [*base, "model"],
                "operation.not-actor-model",
                f"{op.endpoint} is a {op.kind} operation on {op.model!r}, which no "
                "actor authenticates against",
                sorted({a.model for a in spec.actors}),
            )
        if op.kind == "login" and actor is not None and actor.kind == "guest":
            report.error(
                [*base, "kind"],
                "operation.login-guest",
                f"{op.endpoint} logs in actor {actor.name!r}, a guest without credentials",
                ("an actor of kind member or admin", "join", "refresh"),
            )
        if op.actor is not None and op.kind in ("join", "login"):
            report.warning(
                [*base, "actor"],
                "operation.auth-actor",
                f"{op.endpoint} is how callers get a token; requiring actor "
                f"{op.actor!r} makes it unreachable for new callers",
                ("null",),
            )
        for j, _param in enumerate(op.parameters):
            report.error(
                [*base, "parameters", j],
                "param.not-allowed",
                f"{op.endpoint} is a {op.kind} operation and takes no path parameters",
                (),
            )
    elif op.kind != "custom" and op.authorization_type is not None:
        report.error(
            [*base, "authorizationType"],
            "operation.authorization-type",
            f"{op.endpoint} is a {op.kind} operation; authorizationType "
            f"{op.authorization_type!r} belongs to join/login/refresh",
            ("null",),
        )


def _check_bodies(
    spec: ProjectSpec, op: Operation, model: Model, base: Path, report: Report
) -> None:
    if op.kind not in BODIES:
        return
    names = dto_type_names(model)
    for key, body, kinds in (
        ("requestBody", op.request_body, BODIES[op.kind][0]),
        ("responseBody", op.response_body, BODIES[op.kind][1]),
    ):
        if body is None:
            continue
        expected = [names[k] for k in kinds]
        if body.type_name not in expected:
            shown = ", ".join(expected) if expected else "no body"
            report.warning(
                [*base, key, "typeName"],
                "operation.body-type",
                f"{op.endpoint} is a {op.kind} operation: the generated handler "
                f"uses {shown}, not {body.type_name!r}",
                expected or ("null",),
            )


def _check_bindings(
    spec: ProjectSpec, op: Operation, model: Model, base: Path, report: Report
) -> None:
    fields = model.field_names()
    index_of = {p.name: j for j, p in enumerate(op.parameters)}
    for j, param in enumerate(op.parameters):
        if param.binds is not None and is_chain(param.binds):
            _check_chain(spec, op, model, param, [*base, "parameters", j], report)
        elif param.binds is not None and param.binds not in fields:
            report.error(
                [*base, "parameters", j, "binds"],
                "ref.unknown-field",
                f"parameter {param.name!r} of {op.endpoint} binds unknown field "
                f"{param.binds!r} of model {model.name!r}",
                fields,
            )
    if op.kind == "custom" or op.kind in AUTH_KINDS:
        return
    bindings = [(p, f) for p, f in param_bindings(spec, op) if f in fields]
    bound = dict(bindings)
    in_path = path_parameters(op.path)
    for j, param in enumerate(op.parameters):
        if param.name in bound or param.binds is not None or param.name not in in_path:
            continue
        report.error(
            [*base, "parameters", j],
            "param.unbound",
            f"parameter {param.name!r} of {op.endpoint} selects no field of model "
            f"{model.name!r}; name it after a foreign field or set binds",
            fields,
        )
    foreign = [f.name for f in model.foreign_fields]
    seen: dict[str, str] = {}
    for name, field in bindings:
        j = index_of.get(name, 0)
        path: Path = [*base, "parameters", j]
        if field in seen:
            report.error(
                path,
                "param.duplicate-binding",
                f"parameters {seen[field]!r} and {name!r} of {op.endpoint} both bind "
                f"{model.name}.{field}",
                [f for f in fields if f not in seen],
            )
        seen.setdefault(field, name)
        wanted = _param_type(model, field)
        actual = op.parameters[j].type
        if wanted != actual:
            report.error(
                [*path, "type"],
                "param.type-mismatch",
                f"parameter {name!r} of {op.endpoint} has type {actual!r} but binds "
                f"{model.name}.{field}",
                (wanted,) if wanted else (),
            )
        if op.kind in ("create", "index") and field not in foreign:
            report.error(
                path,
                "param.not-foreign",
                f"{op.endpoint} is a {op.kind} operation: its parameters may only "
                f"bind foreign fields (parents), {field!r} is not one",
                foreign,
            )
    if (op.kind in ROW_KINDS and not any(row_selector(model, f) for f in seen)
            and not selects_caller(spec, op)):
        report.error(
            [*base, "path"],
            "operation.row-unselected",
            f"{op.endpoint} is a {op.kind} operation but no path parameter selects "
            f"the primary key {model.name}.{model.primary_field.name}",
            (f"a path parameter bound to {model.primary_field.name}",),
        )


def _check_chain(spec: ProjectSpec, op: Operation, model: Model, param: Parameter,
                 path: Path, report: Report) -> None:
    """A grandparent binding (``option_id.product_id``) follows foreign fields, hop by
    hop, and selects a uuid key."""
    assert param.binds is not None
    if binding_chain(spec, model, param.binds) is None:
        report.error(
            [*path, "binds"],
            "ref.unknown-field",
            f"parameter {param.name!r} of {op.endpoint} binds {param.binds!r}: each part "
            f"must be a foreign field of the model the previous part leads to, starting "
            f"at {model.name!r}",
            [f.name for f in model.foreign_fields],
        )
    elif param.type != "uuid":
        report.error(
            [*path, "type"],
            "param.type-mismatch",
            f"parameter {param.name!r} of {op.endpoint} has type {param.type!r} but binds "
            f"the key chain {param.binds!r}",
            ("uuid",),
        )


def _param_type(model: Model, field: str) -> str | None:
    if field == model.primary_field.name or model.foreign(field) is not None:
        return "uuid"
    plain = model.plain(field)
    return PARAM_TYPES.get(plain.type) if plain is not None else None


def _check_fillable(
    spec: ProjectSpec, op: Operation, model: Model, base: Path, report: Report
) -> None:
    """Every required column of a created row comes from the body, the path or the
    principal (the owner key); anything else would violate NOT NULL."""
    sources = {f.source for f in model_dto_fields(spec, model, "create")}
    bound = {field for _, field in param_bindings(spec, op)}
    actor = spec.actor(op.actor) if op.actor else None
    owner = owner_field(spec, model, actor) if actor is not None else None
    dto = f"the {op.kind} body"
    for f in model.foreign_fields:
        if f.nullable or f.name in sources or f.name in bound or f.name == owner:
            continue
        can = [
            a.name
            for a in spec.actors
            if spec.model(a.model) is not None and owner_field(spec, model, a) == f.name
        ]
        who = f"actor {op.actor!r}" if op.actor else "a public caller"
        report.error(
            base,
            "create.unfillable-field",
            f"{op.endpoint} ({who}) cannot fill required foreign field "
            f"{model.name}.{f.name}: it is not in {dto}, not bound by a path "
            "parameter and not the caller's owner key",
            [*can, f"make {model.name}.{f.name} nullable", f"bind {f.name} with a path parameter"],
        )
    filled = {d.field for d in server_fields(spec, model)}  # server-set, from a source
    for p in model.plain_fields:
        if (p.nullable or is_auto(model, p.name) or p.name in sources or p.name in bound
                or p.name in filled):
            continue
        report.error(
            base,
            "create.unfillable-field",
            f"{op.endpoint} cannot fill required field {model.name}.{p.name}: the "
            f"create DTO overrides leave it out of {dto}",
            (f"keep {p.name} in the create DTO", f"make {model.name}.{p.name} nullable"),
        )
