"""document.json operations -> the spec's operations, each with a kind and a model.

The kind comes from AutoBe's function name (``index``, ``at``, ``create``, ``update``,
``erase``, ``join``, ``login``, ``refresh``) and, for other names, from the shape of the
operation (method and DTO type names: ``POST`` with ``IFoo.ICreate`` -> ``IFoo`` is a
create). The model is the table the DTO types stand for (:mod:`links`); an ``erase``
without DTOs takes the model of the other operations on its path. Path parameters are
bound explicitly: the last one of an ``at`` / ``update`` / ``erase`` selects the primary
key, every other one the foreign key that points at the table it names (``orderId`` ->
``shopping_mall_order_id``).

An operation the generated handlers cannot perform as AutoBe describes it is imported as
``custom`` (a 501 handler that keeps AutoBe's description and specification text) and
counted as unrealized, with the reason. Realized operations whose DTO types differ from the
derived ones use the derived ones, reported as approximated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autobe_core.errors import AutobeError
from autobe_core.importer.account_ops import map_account_operation
from autobe_core.importer.actors import ActorMap, auth_actor_name, is_auth_operation
from autobe_core.importer.ast import DocBody, DocDocument, DocOperation, DocParameter
from autobe_core.importer.links import TypeLinks
from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes
from autobe_core.importer.source import DOCUMENT_FILE, where
from autobe_core.spec.model import Body, Model, Operation, OperationKind, Parameter
from autobe_core.spec.naming import (
    dto_type_names,
    parameter_problem,
    path_parameters,
    path_problem,
    singular,
    snake,
)
from autobe_core.spec.semantics import BODIES, CHAIN_SEPARATOR, is_chain, row_selector

CRUD = ("index", "at", "create", "update", "erase")
AUTH = ("join", "login", "refresh")
ROW_KINDS = ("at", "update", "erase")
PARAM_TYPES = {("string", "uuid"): "uuid", ("string", None): "string", ("integer", None): "int",
               ("integer", "int32"): "int", ("integer", "int64"): "int"}


@dataclass
class OperationMap:
    operations: list[Operation] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    """JSON path of each operation in document.json."""
    reasons: dict[int, str] = field(default_factory=dict)
    """Operation index -> why it is custom."""


class Unrealized(AutobeError):
    """This operation becomes custom, for the reason given (the message). Caught inside
    the importer, which records the reason in the import report; it has no hint, so its
    ``str()`` is the reason alone."""


@dataclass
class _Context:
    doc: DocDocument
    links: TypeLinks
    models: ModelMap
    actors: ActorMap
    notes: Notes
    actor_names: list[str]
    path_models: dict[str, str] = field(default_factory=dict)


def map_operations(
    doc: DocDocument, links: TypeLinks, models: ModelMap, actors: ActorMap, notes: Notes
) -> OperationMap:
    names = [a.name for a in doc.components.authorization]
    ctx = _Context(doc, links, models, actors, notes, names)
    for op in doc.operations:
        for body in (op.request_body, op.response_body):
            hint = links.resolve(body.type_name) if body is not None else None
            if hint is not None and not is_auth_operation(op):
                ctx.path_models.setdefault(op.path, hint[0])
                ctx.path_models.setdefault(_parent(op.path), hint[0])
    result = OperationMap()
    for i, op in enumerate(doc.operations):
        source = where(DOCUMENT_FILE, ["operations", i])
        problem = path_problem(op.path)
        if problem is not None:
            notes.dropped(source, op.endpoint, f"not importable: {problem}")
            continue
        mapped, reason = _map_one(ctx, i, op, source)
        if reason is not None:
            result.reasons[len(result.operations)] = reason
        result.operations.append(mapped)
        result.sources.append(source)
    return result


def _parent(path: str) -> str:
    """``/a/{x}/b/{y}`` -> ``/a/{x}/b``: the collection a row path belongs to."""
    head, _, last = path.rpartition("/")
    return head if last.startswith("{") else path


def _path_model(ctx: _Context, path: str) -> str | None:
    return ctx.path_models.get(path) or ctx.path_models.get(_parent(path))


def _map_one(ctx: _Context, i: int, op: DocOperation, source: str) -> tuple[Operation, str | None]:
    path, params, param_reason = _parameters(ctx, i, op)
    actor = _actor(ctx, op, source)
    base = Operation(
        path=path,
        method=op.method,
        name=op.name,
        kind="custom",
        actor=actor,
        parameters=params,
        summary=op.summary,
        description=op.description,
        specification=op.specification,
    )
    # notes about how a realized operation is approximated only count if it is realized
    notes, ctx.notes = ctx.notes, Notes()
    try:
        if param_reason is not None:
            raise Unrealized(param_reason)
        mapped = _account(ctx, op, base, source) or (
            _auth if is_auth_operation(op) else _crud)(ctx, op, base, source)
        for note in ctx.notes.items:
            notes.add(note.kind, note.source, note.subject, note.message)
        return mapped, None
    except Unrealized as exc:
        ctx.notes = notes
        return _custom(ctx, op, base, source), str(exc)
    finally:
        ctx.notes = notes


# --------------------------------------------------------------------------- pieces


def _account(ctx: _Context, op: DocOperation, base: Operation, source: str) -> Operation | None:
    """The account lifecycle operations (:mod:`account_ops`); None: not one of them."""
    found = map_account_operation(ctx.doc, ctx.links, ctx.models, ctx.actors,
                                  ctx.actor_names, ctx.notes, op, base, source)
    if found is not None and found.reason is not None:
        raise Unrealized(found.reason)
    return found.operation if found is not None else None


def _parameters(
    ctx: _Context, i: int, op: DocOperation
) -> tuple[str, list[Parameter], str | None]:
    path = op.path
    params: list[Parameter] = []
    reason: str | None = None
    taken = {p.name for p in op.parameters}
    for j, p in enumerate(op.parameters):
        loc = where(DOCUMENT_FILE, ["operations", i, "parameters", j])
        kind = PARAM_TYPES.get((p.schema_.type, p.schema_.format)) or PARAM_TYPES.get(
            (p.schema_.type, None))
        if kind is None:
            kind = "string"
            reason = (f"path parameter {p.name!r} has type {p.schema_.type!r}, which the "
                      "generated handlers do not take")
        name = p.name
        problem = parameter_problem(name)
        if problem is not None:
            name = _parameter_name(p, taken)
            taken.add(name)
            path = path.replace(f"{{{p.name}}}", f"{{{name}}}")
            ctx.notes.renamed(loc, f"{op.endpoint} parameter {p.name}",
                              f"renamed to {name!r}: {problem}")
        params.append(Parameter(name=name, type=kind, description=p.description))
    return path, params, reason


def _parameter_name(p: DocParameter, taken: set[str]) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", snake(p.name)) if w] or ["param"]
    base = words[0] + "".join(w.capitalize() for w in words[1:])
    if not base[:1].isalpha():
        base = f"p{base}"
    for candidate in (f"{base}Value", f"{base}Param", f"{base}Key"):
        if parameter_problem(candidate) is None and candidate not in taken:
            return candidate
    return f"{base}Param{len(taken)}"


def _actor(ctx: _Context, op: DocOperation, source: str) -> str | None:
    role = op.authorization_role
    if role is None:
        return None
    if role not in ctx.actors.names:
        ctx.notes.approximated(source, op.endpoint,
                               f"role {role!r} is not an actor of components.authorization; "
                               "the operation is public")
        return None
    spec_actor = ctx.actors.names[role]
    if spec_actor is None:
        ctx.notes.approximated(source, op.endpoint,
                               f"actor {role!r} was dropped, so the operation is public")
    return spec_actor


def _body(type_name: str, description: str) -> Body:
    return Body(type_name=type_name, description=description)


def _own_body(ctx: _Context, op: DocOperation, type_name: str, description: str,
              source: str) -> Body:
    """AutoBe's body type, under the model's own base when AutoBe used an alias."""
    canonical = ctx.links.canonical(type_name)
    if canonical != type_name:
        ctx.notes.approximated(
            source, op.endpoint,
            f"uses {canonical}, the same DTO as AutoBe's {type_name} under the model's "
            "own name",
        )
    return _body(canonical, description)


def _auth(ctx: _Context, op: DocOperation, base: Operation, source: str) -> Operation:
    kind: OperationKind
    if op.authorization_type is not None:
        kind = op.authorization_type
    elif op.name == "join":
        kind = "join"
    elif op.name == "login":
        kind = "login"
    elif op.name == "refresh":
        kind = "refresh"
    else:
        raise Unrealized(f"authorization type {op.name!r} is not join, login or refresh")
    name = auth_actor_name(op, ctx.actor_names)
    if name is None:
        raise Unrealized(f"a {kind} operation that serves no actor of the document")
    actor = ctx.actors.spec_actor(name)
    if actor is None:
        raise Unrealized(f"actor {name!r} was dropped (no table of its own)")
    if kind == "login" and actor.kind == "guest":
        raise Unrealized(f"actor {name!r} is a guest, which does not log in")
    model = ctx.models.model(actor.model)
    assert model is not None
    names = dto_type_names(model)
    request_kinds, response_kinds = BODIES[kind]
    request = op.request_body
    if request is not None:
        request_body = _own_request(ctx, op, request, model, kind, source)
    else:
        request_body = _body(names[request_kinds[0]], "")
        ctx.notes.approximated(
            source, op.endpoint,
            f"AutoBe's {kind} takes no body; the generated one takes {names[request_kinds[0]]}",
        )
    response_body = _response(ctx, op, model, response_kinds, source)
    return base.model_copy(update={
        "kind": kind, "model": model.name, "actor": None, "authorization_type": kind,
        "request_body": request_body, "response_body": response_body,
    })


def _response(
    ctx: _Context, op: DocOperation, model: Model, kinds: tuple[str, ...], source: str
) -> Body | None:
    names = dto_type_names(model)
    response = op.response_body
    if not kinds:
        if response is not None:
            ctx.notes.approximated(
                source, op.endpoint,
                f"AutoBe's response {response.type_name} is not returned: the generated "
                "operation answers 204 without a body",
            )
        return None
    if response is not None:
        resolved = ctx.links.resolve(response.type_name)
        if resolved is not None and resolved[0] == model.name and resolved[1] in kinds:
            return _own_body(ctx, op, response.type_name, response.description, source)
        ctx.notes.approximated(
            source, op.endpoint,
            f"responds with {names[kinds[0]]}, the derived DTO, where AutoBe's response is "
            f"{response.type_name}",
        )
        return _body(names[kinds[0]], response.description)
    ctx.notes.approximated(
        source, op.endpoint,
        f"AutoBe's operation returns nothing; the generated one returns {names[kinds[0]]}",
    )
    return _body(names[kinds[0]], "")


def _kind_by_shape(ctx: _Context, op: DocOperation) -> OperationKind | None:
    req = ctx.links.resolve(op.request_body.type_name) if op.request_body else None
    res = ctx.links.resolve(op.response_body.type_name) if op.response_body else None
    req_kind = req[1] if req else None
    res_kind = res[1] if res else None
    if op.method == "post" and req_kind == "create" and res_kind == "read":
        return "create"
    if op.method == "get" and op.request_body is None and res_kind == "read":
        return "at"
    if op.method == "patch" and req_kind == "request" and res_kind in ("page", "page_read"):
        return "index"
    if op.method == "put" and req_kind == "update" and res_kind in ("read", None):
        return "update"
    return None


def _crud(ctx: _Context, op: DocOperation, base: Operation, source: str) -> Operation:
    kind: OperationKind | None = op.name if op.name in CRUD else None  # type: ignore[assignment]
    if kind is None:
        kind = _kind_by_shape(ctx, op)
        if kind is None:
            raise Unrealized(
                f"{op.name!r} is not a standard AutoBe operation (index, at, create, update, "
                "erase, join, login, refresh) and its DTOs do not make it one"
            )
        ctx.notes.approximated(source, op.endpoint,
                               f"AutoBe's {op.name!r} imported as a {kind} (method and DTOs)")
    model = _model_of(ctx, op, kind)
    names = dto_type_names(model)
    request_kinds, response_kinds = BODIES[kind]
    request_body: Body | None = None
    if request_kinds:
        request = op.request_body
        if request is None:
            if kind != "index":
                raise Unrealized(
                    f"a {kind} without a request body (the generated {kind} takes "
                    f"{names[request_kinds[0]]})"
                )
            ctx.notes.approximated(
                source, op.endpoint,
                f"an index without a request body: the generated index takes an optional "
                f"{names[request_kinds[0]]} (none: the first page, no filters)",
            )
        else:
            request_body = _own_request(ctx, op, request, model, kind, source)
    elif op.request_body is not None:
        raise Unrealized(f"a {kind} with a request body ({op.request_body.type_name})")
    response_body = _response(ctx, op, model, response_kinds, source)
    params = _bind(ctx, base, model, kind, source)
    return base.model_copy(update={
        "kind": kind, "model": model.name, "parameters": params,
        "request_body": request_body, "response_body": response_body,
    })


def _own_request(ctx: _Context, op: DocOperation, request: DocBody, model: Model,
                 kind: OperationKind, source: str) -> Body:
    """The operation's request body, when it is a DTO of ``model`` of a kind ``kind``
    takes (``BODIES``); Unrealized otherwise."""
    kinds = BODIES[kind][0]
    resolved = ctx.links.resolve(request.type_name)
    if resolved is None or resolved[0] != model.name or resolved[1] not in kinds:
        names = dto_type_names(model)
        raise Unrealized(
            f"its request body {request.type_name} is not the {kind} DTO of "
            f"{model.name} ({' or '.join(names[k] for k in kinds)})"
        )
    return _own_body(ctx, op, request.type_name, request.description, source)


def _model_of(ctx: _Context, op: DocOperation, kind: str) -> Model:
    found: list[str] = []
    for body in (op.request_body, op.response_body):
        if body is None:
            continue
        resolved = ctx.links.resolve(body.type_name)
        if resolved is not None:
            found.append(resolved[0])
    if len(set(found)) > 1:
        raise Unrealized(f"its DTOs are about different tables ({', '.join(sorted(set(found)))})")
    if not found:
        # DTOs the spec does not derive may still name their table (x-autobe-prisma-schema)
        bodies = [b.type_name for b in (op.request_body, op.response_body) if b is not None]
        hints = sorted({h for b in bodies if (h := ctx.links.model_hint(b)) is not None})
        if len(hints) > 1:
            raise Unrealized(f"its DTOs are about different tables ({', '.join(hints)})")
        found = hints
    name = found[0] if found else _path_model(ctx, op.path) or _model_from_text(ctx, op)
    if name is None:
        raise Unrealized(f"cannot tell which table the {kind} is about (no DTO links one)")
    model = ctx.models.model(name)
    assert model is not None
    return model


def _model_from_text(ctx: _Context, op: DocOperation) -> str | None:
    """The one AutoBe table the operation's own text names, if exactly one."""
    text = " ".join((op.summary, op.description))
    named = {
        spec for autobe, spec in ctx.models.model_names.items()
        if re.search(rf"\b{re.escape(autobe)}\b", text)
    }
    return next(iter(named)) if len(named) == 1 else None


def _bind(
    ctx: _Context, op: Operation, model: Model, kind: str, source: str
) -> list[Parameter]:
    names = path_parameters(op.path)
    if kind in ROW_KINDS and not names and _callers_model(ctx, op) == model.name:
        ctx.notes.approximated(
            source, op.endpoint,
            f"no path parameter selects the row: it is the calling {op.actor}'s own account "
            f"({model.name}), taken from the token",
        )
        return list(op.parameters)
    if kind in ROW_KINDS and not names:
        raise Unrealized(
            f"no path parameter selects the row (AutoBe finds it otherwise, e.g. from the "
            f"caller's token); the generated {kind} selects rows by primary key in the path"
        )
    by_name = {p.name: p for p in op.parameters}
    bound: list[Parameter] = []
    for index, name in enumerate(names):
        param = by_name.get(name)
        if param is None:
            raise Unrealized(f"{{{name}}} in the path is not declared as a parameter")
        last_row = kind in ROW_KINDS and index == len(names) - 1
        foreign = _foreign_for(model, name)
        if foreign is None and not last_row:
            foreign = _account_key(ctx, op, model, name, source)
        if last_row and foreign is not None and not _names_model(model, name) \
                and row_selector(model, foreign):
            ctx.notes.approximated(
                source, op.endpoint,
                f"its last path parameter {name!r} selects the row by {model.name}.{foreign}, "
                "a unique key (the parent's one child)",
            )
            target = foreign
        elif last_row:
            if foreign is not None and not _names_model(model, name):
                raise Unrealized(
                    f"its last path parameter {name!r} selects {model.name}.{foreign}, not "
                    "the row's primary key"
                )
            target = model.primary_field.name
        elif foreign is None and (chain := _chain_for(ctx, model, name)) is not None:
            target = CHAIN_SEPARATOR.join(chain)
        elif foreign is None:
            raise Unrealized(
                f"path parameter {name!r} selects no foreign key of {model.name} (it names "
                "no parent table the row points at)"
            )
        else:
            target = foreign
        if param.type != "uuid":
            raise Unrealized(f"path parameter {name!r} is a {param.type}, keys are uuids")
        bound.append(param.model_copy(update={"binds": target}))
    if kind == "create":
        direct = {p.binds for p in bound}
        for p in bound:
            if p.binds is not None and is_chain(p.binds) \
                    and p.binds.split(CHAIN_SEPARATOR)[0] not in direct:
                raise Unrealized(
                    f"path parameter {p.name!r} names a grandparent of the created row, but "
                    "no path parameter selects the parent between them"
                )
    extra = [p for p in op.parameters if p.name not in names]
    return bound + extra


def _callers_model(ctx: _Context, op: Operation) -> str | None:
    """The accounts model of the operation's actor (None: public or unknown)."""
    actor = next((a for a in ctx.actors.actors if a.name == op.actor), None)
    return actor.model if actor is not None else None


CHAIN_DEPTH = 3
"""How many foreign fields a grandparent path parameter may follow."""


def _chain_for(ctx: _Context, model: Model, param: str) -> list[str] | None:
    """``productId`` in ``/products/{productId}/options/{optionId}/values``: the foreign
    fields from ``model`` up to the one table the parameter names (the option's product),
    when exactly one shortest chain of at most :data:`CHAIN_DEPTH` fields reaches it."""
    frontier: list[tuple[Model, list[str]]] = [(model, [])]
    for _ in range(CHAIN_DEPTH):
        found: list[list[str]] = []
        following: list[tuple[Model, list[str]]] = []
        for current, chain in frontier:
            for f in current.foreign_fields:
                target = ctx.models.model(f.relation.target_model)
                if target is None or target.name == current.name:
                    continue
                if chain and _foreign_for(current, param) == f.name:
                    found.append([*chain, f.name])
                else:
                    following.append((target, [*chain, f.name]))
        if len(found) == 1:
            return found[0]
        if found:
            return None
        frontier = following
    return None


def _stem_words(param: str) -> list[str]:
    stem = param[:-2] if param.endswith("Id") and len(param) > 2 else param
    return [w for w in snake(stem).split("_") if w]


def _table_words(table: str) -> list[str]:
    words = table.split("_")
    return [*words[:-1], singular(words[-1])]


def _names_model(model: Model, param: str) -> bool:
    stem = _stem_words(param)
    return bool(stem) and _table_words(model.name)[-len(stem):] == stem


ACCOUNT_STEMS = (["user"], ["account"], ["actor"], ["owner"])
"""Parameter stems that name the caller's kind of account rather than a table."""


def _account_key(
    ctx: _Context, op: Operation, model: Model, param: str, source: str
) -> str | None:
    """``userId`` in ``/member/users/{userId}/sessions``: the foreign key to the calling
    actor's table, when the parameter names an account generically and exactly one
    foreign key points at that table."""
    if _stem_words(param) not in ACCOUNT_STEMS or op.actor is None:
        return None
    actor = next((a for a in ctx.actors.actors if a.name == op.actor), None)
    if actor is None:
        return None
    keys = [f.name for f in model.foreign_fields if f.relation.target_model == actor.model]
    if len(keys) != 1:
        return None
    ctx.notes.approximated(
        source, f"{op.method.upper()} {op.path}",
        f"path parameter {param!r} names an account generically; bound to {model.name}."
        f"{keys[0]}, the key of the calling {actor.name}'s table ({actor.model})",
    )
    return keys[0]


def _foreign_for(model: Model, param: str) -> str | None:
    """The foreign key of ``model`` a parent path parameter selects, if exactly one."""
    stem = _stem_words(param)
    if not stem:
        return None
    stem_text = "_".join(stem)
    by_name = [
        f.name for f in model.foreign_fields
        if f.name == f"{stem_text}_id" or f.name.endswith(f"_{stem_text}_id")
    ]
    if len(by_name) == 1:
        return by_name[0]
    by_target = [
        f.name for f in model.foreign_fields
        if _table_words(f.relation.target_model)[-len(stem):] == stem
    ]
    if len(by_target) == 1:
        return by_target[0]
    return None


def _custom(ctx: _Context, op: DocOperation, base: Operation, source: str) -> Operation:
    """The operation as a 501 handler: AutoBe's text, its actor, the bodies the spec
    knows; the model its DTOs are about, when one is."""
    model: str | None = None
    bodies: dict[str, Body | None] = {"request_body": None, "response_body": None}
    for key, body in (("request_body", op.request_body), ("response_body", op.response_body)):
        if body is None:
            continue
        hint = ctx.links.model_hint(body.type_name)
        if model is None and hint is not None:
            model = hint
        resolved = ctx.links.resolve(body.type_name)
        if resolved is not None and _known(ctx, resolved):
            bodies[key] = _body(ctx.links.canonical(body.type_name), body.description)
        else:
            ctx.notes.dropped(
                f"{source}.{'requestBody' if key == 'request_body' else 'responseBody'}",
                op.endpoint,
                f"type {body.type_name} is not a DTO the spec derives; the unrealized "
                "operation is generated without it",
            )
    if model is None:
        model = _path_model(ctx, op.path)
    return base.model_copy(update={"kind": "custom", "model": model, **bodies})


def _known(ctx: _Context, resolved: tuple[str, str]) -> bool:
    model, kind = resolved
    if kind in ("join", "login", "refresh", "authorized"):
        return any(a.model == model for a in ctx.actors.actors)
    return True
