"""Derived facts about a spec that the validator and every generator must agree on.

Which fields the generated code maintains itself, what each derived DTO holds, which
model field a path parameter selects, which foreign key records a row's owner. Kept in
one place so a generator can never read a fact differently from the validator that
approved the spec.

Functions here assume references resolve (``spec.model(name)`` exists); the validator
checks that first and skips these checks when it does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from autobe_core.spec.memo import memoized
from autobe_core.spec.model import (
    Actor,
    DtoKind,
    FieldFormat,
    FieldType,
    ForeignField,
    Model,
    Operation,
    OperationKind,
    PlainField,
    ProjectSpec,
    Relation,
)
from autobe_core.spec.naming import pascal, path_parameters

AUTO_FIELDS = ("created_at", "updated_at", "deleted_at")
"""Datetime fields the generated code fills itself (timestamps, soft delete)."""

PASSWORD_INPUT = "password"
"""The DTO field that carries a plain password; the model stores only its hash."""

TIMESTAMPS = (
    PlainField(name="created_at", type="datetime", default="now",
               description="When the row was created."),
    PlainField(name="updated_at", type="datetime", default="now",
               description="When the row last changed."),
)
"""The fields ``addTimestamps`` adds (the generated code maintains them). Their default
``now`` is what rows that exist when they are added get."""

SOFT_DELETE = PlainField(
    name="deleted_at",
    type="datetime",
    nullable=True,
    description="When the row was deleted; null while it is live.",
)
"""The field ``addSoftDelete`` adds: a row with a ``deleted_at`` is deleted."""


def created_by_field(actor_name: str, target_model: str) -> ForeignField:
    """The field ``addCreatedBy`` adds: who created the row (an account of the actor,
    whose model is ``target_model``)."""
    return ForeignField(
        name=f"created_by_{actor_name}_id",
        nullable=True,
        description=f"The {actor_name} who created the row.",
        relation=Relation(name=f"createdBy{pascal(actor_name)}", target_model=target_model),
    )


REQUEST_EXTRAS = ("page", "limit", "search", "sort")
"""Fields every generated IRequest (an index's request body) has besides the model's
filters: a model filter so named is left out."""

WRITE_KINDS = ("update", "erase")
ROW_KINDS = ("at", "update", "erase")

BODIES: dict[OperationKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "create": (("create",), ("read",)),
    "at": ((), ("read",)),
    "index": (("request",), ("page", "page_read")),
    "update": (("update",), ("read",)),
    "erase": ((), ()),
    "join": (("join", "create"), ("authorized",)),
    "login": (("login",), ("authorized",)),
    "refresh": (("refresh",), ("authorized",)),
}
"""Kind -> (request DTO kinds, response DTO kinds) the generated handler really uses
(keys of :func:`naming.dto_type_names`)."""


@dataclass(frozen=True)
class DtoField:
    """One field of a derived DTO. ``source`` is the model field it maps to."""

    name: str
    type: FieldType
    nullable: bool
    required: bool
    source: str
    format: FieldFormat | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    role: Literal["primary", "foreign", "plain", "password"] = "plain"


def is_auto(model: Model, name: str) -> bool:
    if name not in AUTO_FIELDS:
        return False
    field = model.plain(name)
    return field is not None and field.type == "datetime"


def soft_delete(model: Model) -> bool:
    return is_auto(model, "deleted_at")


def is_privileged(actor: Actor) -> bool:
    """Whether ``actor``'s principals are staff: as the spec says, else the admin kind."""
    return actor.privileged if actor.privileged is not None else actor.kind == "admin"


def actor_for_model(spec: ProjectSpec, model: Model) -> Actor | None:
    return next((a for a in spec.actors if a.model == model.name), None)


def password_field(spec: ProjectSpec, model: Model) -> str | None:
    actor = actor_for_model(spec, model)
    return actor.password_field if actor else None


def owner_field(spec: ProjectSpec, model: Model, actor: Actor) -> str | None:
    """The column that records which account of ``actor`` owns a row of ``model``.

    A row of the actor's own model is owned by itself (the primary key); otherwise the
    first foreign field whose relation targets the actor's model. None: not owned.
    """
    if model.name == actor.model:
        return model.primary_field.name
    for field in model.foreign_fields:
        if field.relation.target_model == actor.model:
            return field.name
    return None


@memoized
def param_bindings(spec: ProjectSpec, op: Operation) -> list[tuple[str, str]]:
    """(path parameter, model field) pairs, in path order.

    An explicit ``binds`` wins. Otherwise, for operations on one row (at, update,
    erase) the last parameter selects the primary key; any other parameter binds the
    foreign field whose name, without ``_id``, ends the parameter name without ``Id``
    (``articleId`` -> ``article_id`` / ``bbs_article_id``), when exactly one does.
    Parameters that cannot be bound are left out; the validator reports them.
    """
    model = spec.model(op.model) if op.model else None
    declared = {p.name: p for p in op.parameters}
    names = path_parameters(op.path)
    result: list[tuple[str, str]] = []
    for index, name in enumerate(names):
        param = declared.get(name)
        if param is None:
            continue
        if param.binds:
            result.append((name, param.binds))
            continue
        if model is None:
            continue
        if op.kind in ROW_KINDS and index == len(names) - 1:
            result.append((name, model.primary_field.name))
            continue
        guess = infer_foreign_binding(model, name)
        if guess:
            result.append((name, guess))
    return result


CHAIN_SEPARATOR = "."
"""``binds`` of a parameter that selects a grandparent: the foreign fields followed from
the target model, joined by dots (``option_id.product_id``: the row's option must belong
to the product the path names)."""


def binding_chain(spec: ProjectSpec, model: Model, binds: str) -> list[ForeignField] | None:
    """The foreign fields ``binds`` follows from ``model``, one per hop (a plain binding
    is a chain of one when it names a foreign field); None when a hop is not a foreign
    field of the model it is read on."""
    hops: list[ForeignField] = []
    current: Model | None = model
    for name in binds.split(CHAIN_SEPARATOR):
        foreign = current.foreign(name) if current is not None else None
        if foreign is None:
            return None
        hops.append(foreign)
        current = spec.model(foreign.relation.target_model)
    return hops


def is_chain(binds: str) -> bool:
    """Whether a binding selects through several foreign fields (a grandparent)."""
    return CHAIN_SEPARATOR in binds


def selects_caller(spec: ProjectSpec, op: Operation) -> bool:
    """An ``at`` / ``update`` / ``erase`` without path parameters on the calling actor's
    own accounts model: the row is the caller's account (``/me``, ``/user/profile``)."""
    if op.kind not in ROW_KINDS or path_parameters(op.path) or op.actor is None:
        return False
    actor = spec.actor(op.actor)
    return actor is not None and actor.model == op.model


def row_selector(model: Model, field: str) -> bool:
    """Whether a path parameter bound to ``field`` selects at most one row: the primary
    key, or a unique foreign key (a one-to-one child selected by its parent,
    ``/profiles/{profileId}/preferences``)."""
    if field == model.primary_field.name:
        return True
    foreign = model.foreign(field)
    return foreign is not None and (foreign.unique or any(
        u.field_names == [field] for u in model.unique_indexes))


def infer_foreign_binding(model: Model, param: str) -> str | None:
    stem = param[:-2] if param.endswith("Id") else param
    stem_snake = "".join("_" + c.lower() if c.isupper() else c for c in stem).lstrip("_")
    matches = [
        f.name
        for f in model.foreign_fields
        if f.name == f"{stem_snake}_id" or f.name.endswith(f"_{stem_snake}_id")
    ]
    return matches[0] if len(matches) == 1 else None


@memoized
def create_bound_fields(spec: ProjectSpec, model: Model) -> list[str]:
    """Foreign fields that no create body carries: the server fills them.

    They are bound by a path parameter of a create operation on the model, or they
    record the owner for the actor of a create operation. Sorted, so the set is stable.
    """
    bound: set[str] = set()
    for op in spec.operations:
        if op.kind != "create" or op.model != model.name:
            continue
        bound.update(f for _, f in param_bindings(spec, op) if model.foreign(f))
        actor = spec.actor(op.actor) if op.actor else None
        if actor:
            owner = owner_field(spec, model, actor)
            if owner and model.foreign(owner):
                bound.add(owner)
    return sorted(bound)


@memoized
def model_dto_fields(spec: ProjectSpec, model: Model, kind: DtoKind) -> list[DtoField]:
    """The fields of one derived DTO, overrides applied.

    - read: every field but the password hash (timestamps included, soft-delete too);
    - summary: the read fields without long free text (``maxLength`` over 500 or none
      for fields named like bodies) - kept simple: read minus nullable strings with no
      max length;
    - create: writable fields (no primary key, no auto fields, no server-bound foreign
      keys, no server-set field: :mod:`roles`); an actor model takes ``password``
      instead of its hash;
    - update: the create fields, all optional, without foreign keys or the password
      (and without server-set fields, but those staff may set: ``roles.update_writable``);
    - request: filterable fields (boolean, enum strings, foreign keys, int), optional.
    """
    pw = password_field(spec, model)
    fields = _default_fields(spec, model, kind, pw)
    override = model.dtos.get(kind)
    if override is not None:
        by_name = {f.name: f for f in dto_candidates(spec, model, kind, pw)}
        if override.include is not None:
            fields = [by_name[n] for n in override.include if n in by_name]
        fields = [f for f in fields if f.name not in set(override.exclude)]
    if kind in ("create", "update"):
        # field roles win over overrides: a server-set field is never read from a body
        server = server_set_fields(spec, model, kind)
        fields = [f for f in fields if f.source not in server or f.role == "password"]
    return fields


@memoized
def server_set_fields(spec: ProjectSpec, model: Model, kind: DtoKind) -> set[str]:
    """Fields a ``kind`` body may not carry: server-set fields (``roles.field_roles``),
    less those an update by staff may set (``roles.update_writable``)."""
    from autobe_core.spec import roles  # roles reads this module's facts

    server = {d.field for d in roles.field_roles(spec, model).values() if d.server}
    if kind == "update":
        server -= roles.update_writable(spec, model)
    return server


@memoized
def dto_candidates(
    spec: ProjectSpec, model: Model, kind: DtoKind, pw: str | None
) -> list[DtoField]:
    """Every field a DTO of ``kind`` may hold (what an override may include), before
    the defaults pick some: ``pw``, the password hash, becomes ``password`` in create."""
    required = kind in ("read", "summary", "create")
    out = [
        DtoField(
            model.primary_field.name,
            "uuid",
            False,
            required and kind != "create",
            model.primary_field.name,
            role="primary",
        )
    ]
    for f in model.foreign_fields:
        out.append(
            DtoField(
                f.name, "uuid", f.nullable, required and not f.nullable, f.name, role="foreign"
            )
        )
    from autobe_core.spec.roles import default_minimum  # roles reads this module's facts

    for p in model.plain_fields:
        if p.name == pw:
            if kind == "create":
                out.append(
                    DtoField(
                        PASSWORD_INPUT,
                        "string",
                        False,
                        True,
                        p.name,
                        min_length=8,
                        max_length=128,
                        role="password",
                    )
                )
            continue
        out.append(
            DtoField(
                p.name,
                p.type,
                p.nullable,
                required and not p.nullable,
                p.name,
                p.format,
                tuple(p.enum) if p.enum else None,
                p.min_length,
                p.max_length,
                default_minimum(p),
                p.maximum,
            )
        )
    return out


@memoized
def _default_fields(
    spec: ProjectSpec, model: Model, kind: DtoKind, pw: str | None
) -> list[DtoField]:
    candidates = dto_candidates(spec, model, kind, pw)
    if kind == "read":
        return candidates
    if kind == "summary":
        return [
            f
            for f in candidates
            if not (f.type == "string" and f.nullable and f.max_length is None)
        ]
    bound = set(create_bound_fields(spec, model))
    writable = [
        f
        for f in candidates
        if f.role != "primary" and not is_auto(model, f.source) and f.name not in bound
    ]
    if kind == "create":
        return writable
    if kind == "update":
        return [
            DtoField(
                f.name,
                f.type,
                f.nullable,
                False,
                f.source,
                f.format,
                f.enum,
                f.min_length,
                f.max_length,
                f.minimum,
                f.maximum,
                f.role,
            )
            for f in writable
            if f.role == "plain"
        ]
    # request: filters
    return [
        DtoField(f.name, f.type, True, False, f.source, f.format, f.enum, role=f.role)
        for f in candidates
        if f.role == "foreign" or f.type in ("boolean", "int") or f.enum
    ]


def string_search_fields(model: Model, spec: ProjectSpec) -> list[str]:
    """Fields the ``search`` text of an index request matches (substring, any of)."""
    pw = password_field(spec, model)
    return [
        f.name for f in model.plain_fields if f.type == "string" and f.name != pw and not f.enum
    ]


def sortable_fields(spec: ProjectSpec, model: Model) -> list[str]:
    """Fields an index request may sort by (``+name`` / ``-name``)."""
    pw = password_field(spec, model)
    return [
        f.name
        for f in model.plain_fields
        if f.name != pw and f.type in ("string", "int", "double", "datetime", "boolean")
    ] or [model.primary_field.name]
