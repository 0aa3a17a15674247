"""Slices of the `test` module kind: what each generated test file may read.

Every test file is a pure function of one of these frozen models, and each builder here
also returns the spec element ids the slice was cut from (the module's ``reads``).

- ``tests/__init__.py``, ``tests/helpers.py``, ``tests/factories/__init__.py`` and
  ``tests/conftest.py`` read nothing: they only use names the generated backend fixes
  (``docs/generated-backend.md``), so their slice is empty.
- ``tests/factories/<model>.py`` reads its model (fields, constraints, unique indexes, the
  names of required parents: parent factories are imported by name, so a parent's own
  shape is not part of the slice) and the actors that log in with that model (which
  field holds the password hash).
- ``tests/test_<operation_id>.py`` reads its operation, its model, its actor, one other
  actor (for the 403 case) and, for bodies built from the create DTO, the create
  operations of the model with their actors (they decide which foreign keys the server
  fills, :func:`semantics.create_bound_fields`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from autobe_core.generate.kinds.operation.access import access_reads
from autobe_core.generate.kinds.operation.behaviours import Kept, cut_kept
from autobe_core.generate.kinds.test.access_slice import AccessShape, access_shape
from autobe_core.generate.kinds.test.role_facts import ServerFieldShape, server_field_shapes
from autobe_core.generate.kinds.test.token_facts import TokenFacts, token_facts
from autobe_core.schema import column_type
from autobe_core.spec import naming, roles, semantics
from autobe_core.spec.model import (
    Actor,
    DefaultValue,
    DtoKind,
    FieldFormat,
    FieldType,
    HttpMethod,
    Model,
    Operation,
    OperationKind,
    PlainField,
    ProjectSpec,
)

FieldRole = Literal["primary", "foreign", "plain", "password"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EmptySlice(Frozen):
    """The slice of a module that depends on no spec element."""


# --------------------------------------------------------------------------- factories


class FactoryField(Frozen):
    """One column a factory fills."""

    name: str
    type: FieldType
    nullable: bool = False
    format: FieldFormat | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    precision: int | None = None
    """``decimal``: total digits the column stores."""
    scale: int | None = None
    """``decimal``: digits after the point."""
    unique: bool = False
    """Part of a unique index: consecutive rows must get distinct values."""
    role: Literal["foreign", "plain", "password", "auto"] = "plain"
    target_model: str | None = None
    """Foreign fields: the parent model, whose factory makes the parent row."""


class FactorySlice(Frozen):
    model: str
    class_name: str
    primary: str
    fields: tuple[FactoryField, ...]


STOCK = 1000
"""The stock a factory row starts with when a ``stock`` behaviour takes from it."""


def factory_slice(spec: ProjectSpec, model: Model) -> tuple[FactorySlice, frozenset[str]]:
    unique = {name for index in model.unique_indexes for name in index.field_names}
    unique |= {f.name for f in model.foreign_fields if f.unique}
    actors = [a for a in spec.actors if a.model == model.name]
    passwords = {a.password_field for a in actors if a.password_field}
    fields: list[FactoryField] = []
    # a stock the operations take from starts full enough for the generated creates
    stocked = {b.field for b in model.behaviours if b.kind == "stock"}
    for foreign in model.foreign_fields:
        fields.append(FactoryField(
            name=foreign.name, type="uuid", nullable=foreign.nullable,
            unique=foreign.name in unique, role="foreign",
            target_model=foreign.relation.target_model,
        ))
    for plain in model.plain_fields:
        role: Literal["plain", "password", "auto"] = "plain"
        if semantics.is_auto(model, plain.name):
            role = "auto"
        elif plain.name in passwords or plain.format == "password":
            role = "password"
        fields.append(FactoryField(
            name=plain.name, type=plain.type, nullable=plain.nullable, format=plain.format,
            enum=tuple(plain.enum) if plain.enum else None,
            min_length=plain.min_length, max_length=plain.max_length,
            minimum=max(plain.minimum or 0, min(STOCK, plain.maximum or STOCK))
            if plain.name in stocked else plain.minimum,
            maximum=plain.maximum, **_digits(plain),
            unique=plain.name in unique, role=role,
        ))
    slice_ = FactorySlice(
        model=model.name, class_name=naming.class_name(model),
        primary=model.primary_field.name, fields=tuple(fields),
    )
    reads = {f"model:{model.name}"} | {f"actor:{a.name}" for a in actors}
    return slice_, frozenset(reads)


# --------------------------------------------------------------------------- operations


class FieldShape(Frozen):
    """One DTO field as a test writes or reads it."""

    name: str
    """The JSON key (DTO field name)."""
    source: str
    """The ORM attribute it maps to."""
    type: FieldType
    nullable: bool = False
    required: bool = False
    format: FieldFormat | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    precision: int | None = None
    scale: int | None = None
    default: DefaultValue | None = None
    """create / join bodies: the field's default (it may be left out, then it holds this)."""
    role: FieldRole = "plain"
    target_model: str | None = None


class AccountRef(Frozen):
    """An actor whose token a test uses, and the model its accounts live in."""

    actor: str
    model: str


class ParamShape(Frozen):
    name: str
    type: Literal["uuid", "string", "int"] = "uuid"
    field: str | None = None
    """The model field the parameter selects on (``semantics.param_bindings``)."""
    target_model: str | None = None
    """When ``field`` is a foreign key: the parent model."""
    hops: tuple[tuple[str, str, str], ...] = ()
    """A grandparent (``field`` is None): (foreign field, relation attribute, target
    model) per foreign field followed from the row."""

    def reach_from_row(self) -> tuple[str, ...]:
        """Relation attributes then the column leading from a row to this key."""
        return (*(h[1] for h in self.hops[:-1]), self.hops[-1][0])


class ModelShape(Frozen):
    name: str
    class_name: str
    primary: str
    soft_delete: bool = False


class OperationTestSlice(Frozen):
    operation_id: str
    kind: OperationKind
    method: HttpMethod
    path: str
    summary: str = ""
    params: tuple[ParamShape, ...] = ()
    model: ModelShape | None = None
    caller: AccountRef | None = None
    """The operation's actor (None: public)."""
    other: AccountRef | None = None
    """Another actor, whose token must be refused with 403."""
    owner_field: str | None = None
    """The model field that records the caller's account (``semantics.owner_field``)."""
    body_fields: tuple[FieldShape, ...] = ()
    """create / join: the create DTO; update: the update DTO."""
    read_fields: tuple[FieldShape, ...] = ()
    """Response fields a test compares (read DTO)."""
    unique_sets: tuple[tuple[str, ...], ...] = ()
    """Unique indexes (model field names) whose every field the request fixes: create,
    through the body, the path and the owner key (a second such create conflicts); index,
    through the path and the owner key (only one such row can be listed)."""
    account: AccountRef | None = None
    """join / login / refresh: the actor whose accounts the operation serves."""
    identity_field: str | None = None
    password_field: str | None = None
    baseline: bool = False
    """index: rows of the listed model exist before the test makes its own (required
    parents of the caller's account or of a path-bound parent), so the test lists once
    first and counts relative to that."""
    access: AccessShape | None = None
    """Owner-scoped row operations: the rows' owner chain and the guarded path parents
    (:mod:`.access_slice`, from the access model); None: the role alone decides."""
    server_fields: tuple[ServerFieldShape, ...] = ()
    """create / join / update: the server-set fields the body refuses (issue 11,
    :mod:`role_facts`)."""
    lowercase: bool = False
    """join / login: the identity is an e-mail, stored lowercased and compared
    case-insensitively."""
    logout: str | None = None
    """login: the path of the actor's logout route (served by the login module)."""
    kept: tuple[Kept, ...] = Field(default=(), exclude_if=lambda v: not v)
    """The declared domain behaviours the operation carries out (:mod:`.behaviours`)."""
    staff: AccountRef | None = None
    """join of a privileged actor: a privileged actor whose principal may call it."""
    outsider: AccountRef | None = None
    """join of a privileged actor: an actor that is not privileged (refused, 403)."""


def _digits(field: PlainField) -> dict[str, int | None]:
    """A decimal field's precision and scale as the column stores them."""
    if field.type != "decimal":
        return {}
    stored = column_type(field)
    return {"precision": stored.precision, "scale": stored.scale}


def _shape(
    spec: ProjectSpec, model: Model, field: semantics.DtoField, kind: DtoKind
) -> FieldShape:
    target = None
    if field.role == "foreign":
        foreign = model.foreign(field.source)
        target = foreign.relation.target_model if foreign else None
    plain = model.plain(field.source) if field.role == "plain" else None
    default = plain.default if plain is not None and kind == "create" else None
    return FieldShape(
        name=field.name, source=field.source, type=field.type, nullable=field.nullable,
        required=field.required and default is None, format=field.format, enum=field.enum,
        min_length=field.min_length, max_length=field.max_length,
        minimum=field.minimum, maximum=field.maximum,
        **(_digits(plain) if plain is not None else {}), default=default,
        role=field.role, target_model=target,
    )


def dto_shapes(spec: ProjectSpec, model: Model, kind: DtoKind) -> tuple[FieldShape, ...]:
    return tuple(_shape(spec, model, f, kind)
                 for f in semantics.model_dto_fields(spec, model, kind))


def dto_reads(spec: ProjectSpec, model: Model, kind: DtoKind) -> set[str]:
    """The spec elements ``semantics.model_dto_fields(spec, model, kind)`` depends on."""
    reads = {f"model:{model.name}"}
    reads |= {f"actor:{a.name}" for a in spec.actors if a.model == model.name}
    if kind in ("create", "update"):
        reads |= roles.role_reads(spec, model)  # server fields; derived bounds
    if kind == "create":
        # create_bound_fields: the model's create operations and their actors (the other
        # kinds keep or drop foreign keys regardless of which ones the server binds)
        for op in spec.operations:
            if op.kind == "create" and op.model == model.name:
                reads.add(f"operation:{naming.operation_id(op)}")
                if op.actor:
                    reads.add(f"actor:{op.actor}")
    return reads


ROW_AND_LIST_KINDS = ("create", "at", "index", "update", "erase")
COMPARABLE_TYPES = ("string", "int", "boolean", "uuid", "uri", "double")


def _comparable(fields: tuple[FieldShape, ...]) -> tuple[FieldShape, ...]:
    return tuple(f for f in fields if f.type in COMPARABLE_TYPES and f.role != "password")


def _account(actor: Actor | None) -> AccountRef | None:
    return AccountRef(actor=actor.name, model=actor.model) if actor else None


def operation_slice(
    spec: ProjectSpec, op: Operation
) -> tuple[OperationTestSlice, frozenset[str]]:
    op_id = naming.operation_id(op)
    reads: set[str] = {f"operation:{op_id}"}
    model = spec.model(op.model) if op.model else None
    actor = spec.actor(op.actor) if op.actor else None
    other: Actor | None = None
    if actor is not None:
        reads.add(f"actor:{actor.name}")
        other = next((a for a in spec.actors if a.name != actor.name), None)
        if other is not None:
            reads.add(f"actor:{other.name}")

    bindings = dict(semantics.param_bindings(spec, op)) if model else {}
    declared = {p.name: p for p in op.parameters}
    params: list[ParamShape] = []
    for name in naming.path_parameters(op.path):
        param = declared.get(name)
        field = bindings.get(name)
        target = None
        if model is not None and field is not None and semantics.is_chain(field):
            hops = semantics.binding_chain(spec, model, field) or []
            reads |= {f"model:{h.relation.target_model}" for h in hops}
            params.append(ParamShape(name=name, hops=tuple(
                (h.name, h.relation.name, h.relation.target_model) for h in hops)))
            continue
        if model is not None and field is not None:
            foreign = model.foreign(field)
            target = foreign.relation.target_model if foreign else None
        params.append(ParamShape(name=name, type=param.type if param else "string",
                                 field=field, target_model=target))

    model_shape: ModelShape | None = None
    if model is not None:
        reads.add(f"model:{model.name}")
        model_shape = ModelShape(
            name=model.name, class_name=naming.class_name(model),
            primary=model.primary_field.name, soft_delete=semantics.soft_delete(model),
        )

    kind = op.kind
    owner: str | None = None
    body: tuple[FieldShape, ...] = ()
    read: tuple[FieldShape, ...] = ()
    unique_sets: tuple[tuple[str, ...], ...] = ()
    account: AccountRef | None = None
    identity: str | None = None
    password: str | None = None
    if model is not None and actor is not None and kind in ROW_AND_LIST_KINDS:
        owner = semantics.owner_field(spec, model, actor)
    if model is not None and kind in ("create", "join", "update"):
        dto_kind: DtoKind = "update" if kind == "update" else "create"
        body = dto_shapes(spec, model, dto_kind)
        reads |= dto_reads(spec, model, dto_kind)
    if model is not None and kind in ("create", "at", "update"):
        read = _comparable(dto_shapes(spec, model, "read"))
        reads |= dto_reads(spec, model, "read")
    if model is not None and kind in ("create", "index"):
        unique_sets = _controlled_unique_sets(spec, model, op, with_body=kind == "create")
    baseline = False
    if model is not None and kind == "index":
        parents = [p.target_model for p in params if p.target_model]
        ancestors, walked = required_ancestors(
            spec, ([actor.model] if actor is not None else []) + parents
        )
        reads |= {f"model:{name}" for name in walked}
        baseline = model.name in ancestors or model.name in parents
    if model is not None and kind in ("join", "login", "refresh"):
        account_actor = semantics.actor_for_model(spec, model)
        if account_actor is not None:
            reads.add(f"actor:{account_actor.name}")
            account = _account(account_actor)
            if kind in ("join", "login"):
                identity = account_actor.identity_field
            if kind == "join":
                password = account_actor.password_field

    facts = token_facts(spec, op, model) if model is not None and account else TokenFacts()
    reads |= facts.reads
    shape: AccessShape | None = None
    if model is not None and actor is not None and kind in ROW_AND_LIST_KINDS:
        shape = access_shape(spec, op)
        reads |= access_reads(spec, op)
        if model is not None and shape is not None and kind == "index" \
                and not shape.direct and not shape.through_path:
            unique_sets = _controlled_unique_sets(spec, model, op, False,
                                                  frozenset({shape.chain[0].field}))
    server = server_field_shapes(spec, model, kind) if model is not None else ()
    kept, kept_reads = cut_kept(spec, op) if model is not None else ((), set())
    reads |= kept_reads
    slice_ = OperationTestSlice(
        kept=kept,
        server_fields=server,
        access=shape,
        lowercase=facts.lowercase, logout=facts.logout, staff=_account(facts.staff),
        outsider=_account(facts.outsider),
        operation_id=op_id, kind=kind, method=op.method, path=op.path,
        summary=op.summary, params=tuple(params), model=model_shape,
        caller=_account(actor), other=_account(other), owner_field=owner,
        body_fields=body, read_fields=read, unique_sets=unique_sets, account=account,
        identity_field=identity, password_field=password, baseline=baseline,
    )
    return slice_, frozenset(reads)


def required_ancestors(spec: ProjectSpec, roots: list[str]) -> tuple[set[str], set[str]]:
    """The models a row of each root needs through required foreign keys (the rows its
    factory makes), roots excluded unless reached again; and every model walked."""
    found: set[str] = set()
    walked: set[str] = set()
    stack = list(dict.fromkeys(roots))
    while stack:
        name = stack.pop()
        if name in walked:
            continue
        walked.add(name)
        model = spec.model(name)
        if model is None:
            continue
        for field in model.foreign_fields:
            target = field.relation.target_model
            if not field.nullable and target != name and target not in found:
                found.add(target)
                stack.append(target)
    return found, walked


def _controlled_unique_sets(
    spec: ProjectSpec, model: Model, op: Operation, with_body: bool,
    extra: frozenset[str] = frozenset(),
) -> tuple[tuple[str, ...], ...]:
    """Unique indexes whose every field a request decides: the create body's fields (with
    ``with_body``), the foreign keys this operation's path binds, the owner key filled
    from the caller, and ``extra`` (fields the test fixes: the one parent of the caller's
    that listed rows of a chain of several links are made under)."""
    controlled: set[str] = set(extra)
    if with_body:
        controlled |= {f.source for f in semantics.model_dto_fields(spec, model, "create")}
    controlled |= {f for _, f in semantics.param_bindings(spec, op) if model.foreign(f)}
    actor = spec.actor(op.actor) if op.actor else None
    owner = semantics.owner_field(spec, model, actor) if actor else None
    if owner and model.foreign(owner):
        controlled.add(owner)
    sets = [tuple(index.field_names) for index in model.unique_indexes]
    sets += [(f.name,) for f in model.foreign_fields if f.unique]
    out: list[tuple[str, ...]] = []
    for fields in sets:
        if fields and all(name in controlled for name in fields) and fields not in out:
            out.append(fields)
    return tuple(out)
