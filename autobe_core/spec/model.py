"""The typed project specification.

The shape follows AutoBe's own ASTs so that AutoBe projects import without loss:
the database part mirrors ``autobe/prisma.json`` (namespaces, models with a stance,
primary / foreign / plain fields, relations, unique / plain / gin indexes) and the API
part mirrors ``autobe/document.json`` (operations with path, method, parameters,
request / response type names, actor, authorization type; component schemas; actors
with a kind).

What a deterministic generator needs and AutoBe leaves implicit is explicit here:
each operation's ``kind`` and target ``model``, which model an actor authenticates
against, and optional overrides of the DTO shapes that are otherwise derived from the
model.

Keys are camelCase on the wire (YAML, JSON, canonical hashes), as in AutoBe's files;
Python code uses the snake_case attribute names. These classes check *shape* only;
meaning (references, names, collisions) is checked by :mod:`autobe_core.spec.validation.engine`,
which returns diagnostics instead of raising on the first problem.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer
from pydantic.alias_generators import to_camel

from autobe_core.spec.memo import is_held, memoized

FieldType = Literal["uuid", "string", "int", "double", "decimal", "boolean", "datetime", "uri"]
"""AutoBe's scalar types (prisma.json ``plainFields[].type``), and ``decimal``: an exact
number with ``precision`` digits, ``scale`` of them after the point (money)."""

DefaultValue = str | int | float | bool
"""A field's default: a JSON scalar of the field's type."""

FieldFormat = Literal["email", "password"]
"""Extra meaning for a ``string`` field that changes validation or storage."""

FieldRole = Literal["client", "server", "system"]
"""Who sets a field (:mod:`autobe_core.spec.roles`): ``client`` (a request body),
``server`` (the server, from a source: its default, now, the token, a parent row; never a
request body) or ``system`` (the primary key, timestamps, the password hash)."""

Stance = Literal["primary", "subsidiary", "snapshot", "actor", "session"]
"""AutoBe's model stance: how the model relates to the rest of the domain."""

ActorKind = Literal["guest", "member", "admin"]

HttpMethod = Literal["get", "post", "put", "patch", "delete"]

OperationKind = Literal[
    "create", "at", "index", "update", "erase", "join", "login", "refresh", "custom",
    "change_password", "reset_request", "reset_confirm", "verify_request", "verify_confirm",
    "logout",
]
"""What an operation does. ``custom`` operations are generated as 501 handlers; the last
six are the account lifecycle (:mod:`autobe_core.spec.lifecycle`)."""

AuthorizationType = Literal["join", "login", "refresh"]

DtoKind = Literal["read", "summary", "create", "update", "request"]


class SpecModel(BaseModel):
    """Base for every spec node: strict keys, camelCase aliases, immutable values."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )


# --------------------------------------------------------------------------- database


class Relation(SpecModel):
    """The navigation side of a foreign key (AutoBe: ``foreignFields[].relation``)."""

    name: str
    target_model: str
    opposite_name: str | None = None


class PrimaryField(SpecModel):
    name: str = "id"
    type: Literal["uuid"] = "uuid"
    description: str = ""


class ForeignField(SpecModel):
    name: str
    type: Literal["uuid"] = "uuid"
    relation: Relation
    unique: bool = False
    nullable: bool = False
    description: str = ""
    role: FieldRole | None = None
    """Who sets it; None: derived (:func:`autobe_core.spec.roles.field_roles`)."""


class PlainField(SpecModel):
    """A scalar column.

    Fields named ``created_at`` / ``updated_at`` / ``deleted_at`` of type ``datetime``
    are maintained by the generated code (timestamps, soft delete), as AutoBe does by
    convention.
    """

    name: str
    type: FieldType
    nullable: bool = False
    description: str = ""
    format: FieldFormat | None = None
    enum: list[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    precision: int | None = None
    """``decimal`` only: total digits (default 18)."""
    scale: int | None = None
    """``decimal`` only: digits after the point (default 2)."""
    default: DefaultValue | None = None
    """The value a row gets when none is given: the column's server default (rows that
    exist when the field is added get it too) and the create DTO's default."""
    role: FieldRole | None = None
    """Who sets it; None: derived (:func:`autobe_core.spec.roles.field_roles`)."""
    schemes: list[str] | None = None
    """``uri`` only: the URL schemes a request may send; None: ``http`` and ``https``."""


class UniqueIndex(SpecModel):
    field_names: list[str]
    unique: Literal[True] = True


class PlainIndex(SpecModel):
    field_names: list[str]


class GinIndex(SpecModel):
    field_name: str


class DtoOverride(SpecModel):
    """Narrows or widens a derived DTO shape.

    ``include`` replaces the default field list (in that order); ``exclude`` removes
    fields from it. Names refer to the model's fields; for ``create`` / ``update`` of an
    actor model, ``password`` stands for the password field.
    """

    include: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)


class DtoOverrides(SpecModel):
    read: DtoOverride | None = None
    summary: DtoOverride | None = None
    create: DtoOverride | None = None
    update: DtoOverride | None = None
    request: DtoOverride | None = None

    def get(self, kind: DtoKind) -> DtoOverride | None:
        value: DtoOverride | None = getattr(self, kind)
        return value


BehaviourKind = Literal["view_count", "child_count", "child_total", "snapshot", "stock"]
"""Declarative domain behaviour of a model (:class:`Behaviour`)."""


class Behaviour(SpecModel):
    """What the generated handlers keep up to date for a model, in the operation's own
    transaction (docs/generated-backend.md, "Domain behaviour"):

    - ``view_count``: ``field`` (int) is raised by one by each ``at`` of this model;
    - ``child_count``: ``field`` (int) counts the live rows of ``child`` whose foreign
      field ``via`` points at the row (its create +1, erase -1, an update moving it both);
    - ``child_total``: ``field`` (int / double / decimal) is the sum of ``child.sum`` over
      those rows, recomputed on the child's create / update / erase;
    - ``snapshot``: each ``update`` of this model adds a row of the snapshot model
      ``child`` (its foreign field ``via`` -> the row) holding the same-named fields'
      values after the update;
    - ``stock``: ``field`` (int) is a quantity in stock: each create of ``child`` (its
      foreign field ``via`` -> the row) takes ``child.sum`` (an int; none: one) from the
      row, which is locked (``SELECT ... FOR UPDATE`` on PostgreSQL); 409 when too few.
    """

    kind: BehaviourKind
    field: str | None = None
    """This model's field kept (every kind but ``snapshot``)."""
    child: str | None = None
    """The child model counted / summed, or the snapshot model."""
    via: str | None = None
    """The child's foreign field pointing at this model."""
    sum: str | None = None
    """``child_total``: the child's numeric field summed; ``stock``: the child's quantity."""


class Model(SpecModel):
    """A database model (a table). ``name`` is the table name, snake_case."""

    name: str
    namespace: str = "Default"
    description: str = ""
    stance: Stance = "primary"
    material: bool = False
    dto_name: str | None = None
    """PascalCase base of the DTO and class names (``TodoListTodo`` ->
    ``ITodoListTodo``); derived from ``name`` when absent."""
    primary_field: PrimaryField = Field(default_factory=PrimaryField)
    foreign_fields: list[ForeignField] = Field(default_factory=list)
    plain_fields: list[PlainField] = Field(default_factory=list)
    unique_indexes: list[UniqueIndex] = Field(default_factory=list)
    plain_indexes: list[PlainIndex] = Field(default_factory=list)
    gin_indexes: list[GinIndex] = Field(default_factory=list)
    dtos: DtoOverrides = Field(default_factory=DtoOverrides)
    behaviours: list[Behaviour] = Field(default_factory=list)
    """Declarative domain behaviour (:class:`Behaviour`); empty: none."""

    @model_serializer(mode="wrap")
    def _drop_no_behaviours(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Leave ``behaviours`` out when empty, so specs without any keep their hashes."""
        data = handler(self)
        if isinstance(data, dict) and not self.behaviours:
            data.pop("behaviours", None)
        return data

    def field_names(self) -> list[str]:
        return (
            [self.primary_field.name]
            + [f.name for f in self.foreign_fields]
            + [f.name for f in self.plain_fields]
        )

    def plain(self, name: str) -> PlainField | None:
        return next((f for f in self.plain_fields if f.name == name), None)

    def foreign(self, name: str) -> ForeignField | None:
        return next((f for f in self.foreign_fields if f.name == name), None)


# --------------------------------------------------------------------------- api


class Actor(SpecModel):
    """Who can call operations (AutoBe: ``components.authorization[]``).

    ``model`` is the table whose rows are this actor's accounts. Members and admins log
    in with ``identity_field`` and ``password_field``; guests only join.
    """

    name: str
    kind: ActorKind = "member"
    model: str
    description: str = ""
    identity_field: str | None = "email"
    password_field: str | None = "password_hash"
    privileged: bool | None = None
    """Whether this actor's principals are staff (never a public join; not limited to rows
    they own). None: derived, true for the ``admin`` kind (:func:`is_privileged`)."""


class Parameter(SpecModel):
    """A path parameter. ``binds`` names the target model's field it selects on:
    the primary key, or a foreign field (a parent in a nested path)."""

    name: str
    type: Literal["uuid", "string", "int"] = "uuid"
    description: str = ""
    binds: str | None = None


class Body(SpecModel):
    type_name: str
    description: str = ""


class Access(SpecModel):
    """Overrides the derived access of one operation (:mod:`autobe_core.spec.access`).

    ``public``: true lets anyone call it (e.g. a privileged actor's join). ``owner``: the
    owner chain as foreign field names followed from the target model, the last one
    targeting the actor's model; ``[]``: not owner-scoped (the role alone decides).
    """

    public: bool | None = None
    owner: list[str] | None = None


class Realized(SpecModel):
    """What the LLM wrote for a ``custom`` operation (:mod:`autobe_core.realize`): the
    module text defining ``class Implementation(Interface)``, the key of the slice it was
    written against (the operation's interface and context: a later change that alters
    them makes it stale and it is realized again), the model that wrote it, the tokens
    and tries it took. Recorded in the spec, so replay and rollback reproduce it."""

    code: str
    key: str
    model: str
    tokens: int = 0
    tries: int = 1


class Operation(SpecModel):
    path: str
    method: HttpMethod
    name: str
    """AutoBe's function name: ``at``, ``index``, ``create``, ..."""
    kind: OperationKind
    model: str | None = None
    """The target model; every kind but ``custom`` needs one."""
    actor: str | None = None
    """AutoBe's ``authorizationRole``: the actor that must call it; None = public."""
    authorization_type: AuthorizationType | None = None
    parameters: list[Parameter] = Field(default_factory=list)
    request_body: Body | None = None
    response_body: Body | None = None
    summary: str = ""
    description: str = ""
    specification: str = ""
    access: Access | None = None
    """Overrides the derived access (who may call it, the owner chain); None: derived."""
    realized: Realized | None = None
    """``custom`` only: the body an LLM wrote against the typed interface
    (:mod:`autobe_core.realize`), emitted as ``app/realized/<operation_id>.py``; None:
    not realized."""
    implementation: Literal["user"] | None = None
    """``custom`` only: ``user``: the user implements it in ``app/custom/<operation_id>.py``
    (created once, never overwritten; docs/generated-backend.md); None: autobe's."""

    @property
    def endpoint(self) -> str:
        return f"{self.method.upper()} {self.path}"


class SchemaProperty(SpecModel):
    """A property of a custom component schema, as JSON schema keywords allow."""

    type: Literal["string", "integer", "number", "boolean", "array", "object"] = "string"
    format: str | None = None
    nullable: bool = False
    description: str = ""
    enum: list[str] | None = None
    ref: str | None = None


class Schema(SpecModel):
    """A component schema AutoBe defines beyond the derived DTOs (kept for import)."""

    type: Literal["object"] = "object"
    description: str = ""
    properties: dict[str, SchemaProperty] = Field(default_factory=dict)
    required: list[str] = Field(default_factory=list)
    x_autobe_prisma_schema: str | None = None


# --------------------------------------------------------------------------- project


class ProjectSpec(SpecModel):
    """The whole specification of one backend at one revision."""

    name: str
    title: str = ""
    description: str = ""
    actors: list[Actor] = Field(default_factory=list)
    models: list[Model] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    schemas: dict[str, Schema] = Field(default_factory=dict)

    # -- lookups (linear, specs are small; while a spec is held still (memo.held), the
    # models by name are indexed once)

    def model(self, name: str) -> Model | None:
        if is_held():
            return _models_by_name(self).get(name)
        return next((m for m in self.models if m.name == name), None)

    def actor(self, name: str) -> Actor | None:
        return next((a for a in self.actors if a.name == name), None)

    def namespaces(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.models:
            seen.setdefault(m.namespace, None)
        return list(seen)

    # -- canonical form

    def to_data(self) -> dict[str, Any]:
        """Plain data with camelCase keys and defaults dropped: what YAML/JSON holds."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    def canonical_json(self) -> str:
        return canonical_json(self.model_dump(mode="json", by_alias=True))

    def spec_hash(self) -> str:
        return sha256_text(self.canonical_json())


@memoized(copy=False)
def _models_by_name(spec: ProjectSpec) -> dict[str, Model]:
    """name -> the first model of that name (a read-only index: never handed out)."""
    index: dict[str, Model] = {}
    for m in spec.models:
        index.setdefault(m.name, m)
    return index


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, unicode kept. Hash input."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
