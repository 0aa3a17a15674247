"""Planner for the `operation` module kind: ``app/operations/<operation_id>.py``.

One FastAPI ``router`` and one handler per operation, behaving as the table in
docs/generated-backend.md says. Handlers map nothing between DTOs and ORM rows: they call
the model's collectors and transformers, so the slice holds names (the model's class,
module and DTOs), the path bindings, the owner key, the soft-delete flag and the actor,
never the model's field list. The text is rendered by
:mod:`autobe_core.generate.kinds.operation.render`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from autobe_core.generate.common import ModelRef, Slice, actor_el, model_el, operation_el
from autobe_core.generate.kinds.operation.access import Scope, cut_scope
from autobe_core.generate.kinds.operation.behaviours import Kept, cut_kept
from autobe_core.generate.kinds.operation.chains import Link, chain_links
from autobe_core.generate.kinds.operation.render import imports_of, render
from autobe_core.generate.kinds.operation.responses import can_conflict
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Actor, Model, Operation, PlainField, ProjectSpec
from autobe_core.spec.naming import operation_id, path_parameters, snake
from autobe_core.spec.semantics import (
    actor_for_model,
    is_chain,
    is_privileged,
    model_dto_fields,
    owner_field,
    param_bindings,
    selects_caller,
    soft_delete,
)

__all__ = ["GENERATOR_VERSION", "OperationSlice", "cut", "plan", "render"]

GENERATOR_VERSION = "5"
"""2: string path parameters refuse what a database cannot store (``Text``).
3: error responses declared (``responses=``, :mod:`.responses`). 4: owner chains enforced
(guarded parents, rows through their chain: :mod:`.access`). 5: grandparents in the path
(:mod:`.chains`), the caller's own account, an index body is optional."""

AUTH_KINDS = ("join", "login", "refresh")
PY_TYPES = {"uuid": "uuid.UUID", "string": "Text", "uri": "Text", "int": "int",
            "double": "float", "decimal": "decimal.Decimal", "boolean": "bool",
            "datetime": "Timestamp"}
"""Path parameter annotations: strings and datetimes a database can store (a NUL in the
path answers 422, not 500)."""
IMPORTED_LOWERCASE = frozenset({"get_session"})
"""Imported names an operation id (``<method>_...``) could equal."""


class Param(Slice):
    """A path parameter: its URL name, the handler argument, and what it selects."""

    name: str
    arg: str
    type: str
    """Python annotation of the argument."""
    field: str | None = None
    """The model field it binds (``semantics.param_bindings``); None: unbound."""
    key: bool = False
    """``field`` is the primary key or a foreign key (a uuid)."""
    chain: tuple[Link, ...] = ()
    """A grandparent: the foreign fields followed from the row to the row the parameter
    selects (``option_id``, ``product_id``); ``field`` is None then."""


class Parent(Slice):
    """create: a path-bound parent row that must exist (404 otherwise)."""

    field: str
    arg: str
    table: str
    class_name: str
    soft_delete: bool = False


class Account(Slice):
    """join / login / refresh: the actor whose accounts the operation serves."""

    actor: str
    identity: str | None = None
    """The identity field when a join body carries it (taken -> 409) / login uses it."""
    password: str | None = None
    password_nullable: bool = False
    identity_optional: bool = False
    """join: the body may leave the identity out (None)."""
    lowercase: bool = False
    """The identity is an e-mail: stored lowercased, compared case-insensitively."""
    privileged: bool = False
    """join: the actor is privileged; a privileged principal must call it."""
    logout: str | None = None
    """login: the path of the logout route this module serves too (None: none)."""
    logout_id: str | None = None


class OperationSlice(Slice):
    operation_id: str
    handler: str
    kind: str
    method: str
    path: str
    summary: str = ""
    description: str = ""
    model: ModelRef | None = None
    primary: str = "id"
    soft_delete: bool = False
    caller_row: bool = False
    """at / update / erase without path parameters: the row is the caller's account."""
    params: tuple[Param, ...] = ()
    parents: tuple[Parent, ...] = ()
    actor: str | None = None
    """The actor that must call it (``require_<actor>``); None: public."""
    owner: str | None = None
    """create: the foreign key filled with the caller's id; index: the foreign key that
    must equal it (only the caller's rows are listed); at / update / erase: the field
    that must equal the caller's id (403 otherwise)."""
    scope: Scope | None = None
    """Owner-scoped operations: the row's owner chain and the path's guarded parents
    (:mod:`autobe_core.generate.kinds.operation.access`); None: role only."""
    account: Account | None = None
    conflicts: bool = False
    """A write that can break a unique constraint or a foreign key (declares 409)."""
    kept: tuple[Kept, ...] = Field(default=(), exclude_if=lambda v: not v)
    """The declared domain behaviours it carries out (:mod:`.behaviours`)."""


def _param_type(model: Model | None, field: str | None, declared: str | None) -> str:
    if model is not None and field is not None:
        if field == model.primary_field.name or model.foreign(field):
            return "uuid.UUID"
        plain = model.plain(field)
        if plain is not None:
            return PY_TYPES[plain.type]
    return {"uuid": "uuid.UUID", "string": "Text", "int": "int"}.get(declared or "", "Text")


def _account(spec: ProjectSpec, op: Operation, model: Model) -> tuple[Account | None, set[str]]:
    actor: Actor | None = spec.actor(op.actor) if op.actor else actor_for_model(spec, model)
    if actor is None:
        return None, set()
    identity = actor.identity_field if actor.identity_field and model.plain(
        actor.identity_field) and actor.kind != "guest" else None
    if op.kind == "join" and identity is not None and identity not in {
        f.source for f in model_dto_fields(spec, model, "create")
    }:
        identity = None
    password = model.plain(actor.password_field) if actor.password_field else None
    identity_field = model.plain(identity) if identity is not None else None
    join_fields = {f.source: f for f in model_dto_fields(spec, model, "create")}
    account = Account(
        actor=actor.name,
        identity=identity if op.kind in ("join", "login") else None,
        password=password.name if password is not None and op.kind == "login" else None,
        password_nullable=bool(password and password.nullable and op.kind == "login"),
        identity_optional=bool(op.kind == "join" and identity is not None
                               and not join_fields[identity].required),
        lowercase=identity_field is not None and is_email(identity_field),
        privileged=op.kind == "join" and is_privileged(actor),
        **_logout(spec, op, actor),
    )
    return account, {actor_el(actor.name)}


def is_email(field: PlainField) -> bool:
    """Whether an identity field holds e-mail addresses (compared case-insensitively)."""
    return field.format == "email" or "email" in field.name.lower()


def logout_path(spec: ProjectSpec, op: Operation, actor: Actor) -> str | None:
    """login: the logout route its module serves (``<login path's parent>/logout``) when
    the actor logs in with an identity and a password, this is its first login operation
    and no operation has that route; None otherwise."""
    model = spec.model(actor.model)
    if (op.kind != "login" or model is None or actor.kind == "guest"
            or not (actor.identity_field and model.plain(actor.identity_field))
            or not (actor.password_field and model.plain(actor.password_field))):
        return None
    first = next(o for o in spec.operations if o.kind == "login" and o.model == op.model)
    path = op.path.rstrip("/").rpartition("/")[0] + "/logout"
    if first is not op or any(o.method == "post" and o.path == path
                              for o in spec.operations):
        return None
    return path


def _logout(spec: ProjectSpec, op: Operation, actor: Actor) -> dict[str, str]:
    path = logout_path(spec, op, actor)
    if path is None:
        return {}
    logout = Operation(path=path, method="post", name="logout", kind="custom")
    return {"logout": path, "logout_id": operation_id(logout)}


def cut(spec: ProjectSpec, op: Operation) -> tuple[OperationSlice, frozenset[str]]:
    op_id = operation_id(op)
    reads = {operation_el(op)}
    model = spec.model(op.model) if op.model else None
    kind = op.kind if model is not None else "custom"
    auth_op = kind in AUTH_KINDS
    actor = spec.actor(op.actor) if op.actor and not auth_op else None
    if actor is not None:
        reads.add(actor_el(actor.name))
    bindings = dict(param_bindings(spec, op)) if model is not None else {}
    declared = {p.name: p.type for p in op.parameters}
    params: list[Param] = []
    parents: list[Parent] = []
    for name in path_parameters(op.path):
        field = bindings.get(name)
        arg = f"path_{snake(name)}"
        if model is not None and field is not None and is_chain(field):
            chain = chain_links(spec, model, field)
            reads |= {model_el(link.table) for link in chain}
            params.append(Param(name=name, arg=arg, type="uuid.UUID", chain=chain))
            continue
        key = model is not None and field is not None and (
            field == model.primary_field.name or model.foreign(field) is not None)
        params.append(Param(name=name, arg=arg, field=field, key=key,
                            type=_param_type(model, field, declared.get(name))))
        foreign = model.foreign(field) if model is not None and field else None
        if kind == "create" and foreign is not None:
            target = spec.model(foreign.relation.target_model)
            if target is not None:
                reads.add(model_el(target.name))
                parents.append(Parent(field=foreign.name, arg=arg, table=target.name,
                                      class_name=ModelRef.of(target).class_name,
                                      soft_delete=soft_delete(target)))
    owner: str | None = None
    scope: Scope | None = None
    account: Account | None = None
    if model is not None:
        reads.add(model_el(model.name))
        if actor is not None and kind in ("create", "at", "index", "update", "erase"):
            scope, scope_reads = cut_scope(spec, op)
            reads |= scope_reads
            owner = scoped_owner(spec, op, model, actor, scope, kind, bindings)
            guarded = {g.arg for g in scope.guards} if scope is not None else set()
            parents = [p for p in parents if p.arg not in guarded]
        if auth_op:
            account, account_reads = _account(spec, op, model)
            reads |= account_reads
    kept, kept_reads = cut_kept(spec, op) if model is not None else ((), set())
    reads |= kept_reads
    slice_ = OperationSlice(
        operation_id=op_id,
        handler=f"{op_id}_handler" if op_id in IMPORTED_LOWERCASE else op_id,
        kind=kind,
        method=op.method,
        path=op.path,
        summary=op.summary,
        description=op.description,
        model=ModelRef.of(model) if model is not None else None,
        primary=model.primary_field.name if model is not None else "id",
        soft_delete=soft_delete(model) if model is not None else False,
        caller_row=selects_caller(spec, op),
        params=tuple(params),
        parents=tuple(parents),
        actor=actor.name if actor is not None else None,
        owner=owner,
        scope=scope,
        account=account,
        conflicts=can_conflict(spec, model, kind, soft_delete(model) if model else False)
        or any(k.kind == "stock" for k in kept),
        kept=kept,
    )
    return slice_, frozenset(reads)


def scoped_owner(spec: ProjectSpec, op: Operation, model: Model, actor: Actor,
                 scope: Scope | None, kind: str, bindings: dict[str, str]) -> str | None:
    """The slice's ``owner``: create: the foreign key filled from the token (the
    caller's key, :func:`semantics.owner_field`, unless the path binds it); update /
    erase: the owner key the row must hold (403), index: the owner key listed rows hold,
    when the row's owner chain is one link (longer chains: :mod:`.access`)."""
    if kind == "create":
        owner = owner_field(spec, model, actor)
        if owner is None or model.foreign(owner) is None or owner in bindings.values():
            return None
        return owner
    if scope is None or not scope.direct or kind == "at":
        return None
    key = scope.chain[0].field if scope.chain else model.primary_field.name
    if kind == "index" and (not scope.chain or key in bindings.values()):
        return None
    return key


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, OperationSlice)
    return render(slice_)


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    from autobe_core.generate.kinds.operation import lifecycle, one_time

    modules: list[PlannedModule] = one_time.plan(spec)
    for op in spec.operations:
        if lifecycle.handles(spec, op):
            modules.append(lifecycle.planned(spec, op))
            continue
        slice_, reads = cut(spec, op)
        modules.append(PlannedModule(
            id=f"operation:{slice_.operation_id}",
            kind="operation",
            path=f"{BACKEND_PACKAGE}/operations/{slice_.operation_id}.py",
            slice=slice_,
            render=_render,
            generator_version=GENERATOR_VERSION,
            reads=reads,
            imports=imports_of(slice_),
        ))
    return modules
