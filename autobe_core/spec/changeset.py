"""Typed changes to a spec: a :class:`ChangeSet` is a list of edits, applied in order.

Every edit names what it changes (a model, a field, an endpoint, an actor) and says
exactly what to do; :func:`autobe_core.spec.edits.engine.apply` applies them and
:func:`autobe_core.spec.edits.engine.invert` computes the exact inverse. Edits are *concrete*
(one change to one element) or *cross-cutting* (``addFieldEverywhere``,
``addTimestamps``, ``addSoftDelete``, ``addCreatedBy``): those expand into concrete
edits against the spec they are applied to (:func:`autobe_core.spec.edits.engine.expand`), so
the history can record exactly what happened.

Keys are camelCase on the wire, as in the spec; the ``op`` key selects the edit kind.
``position`` (where an edit inserts) counts from 0 in the list it inserts into; absent
means "at the end". The JSON schema (:func:`changeset_json_schema`) is what an LLM
planner gets as its function-calling schema, so every class and attribute here is
documented for that reader too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError
from pydantic.alias_generators import to_camel

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, format_path
from autobe_core.spec.io import read_mapping
from autobe_core.spec.model import (
    Actor,
    Behaviour,
    DtoKind,
    DtoOverride,
    ForeignField,
    HttpMethod,
    Model,
    Operation,
    PlainField,
    Stance,
)

IndexKind = Literal["unique", "plain", "gin"]


def _op_required(schema: dict[str, Any]) -> None:
    """``op`` has a default for Python callers, but a planner must always send it."""
    required = schema.setdefault("required", [])
    if "op" not in required:
        required.insert(0, "op")


class EditModel(BaseModel):
    """Base of every edit: strict keys, camelCase aliases, immutable values."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        json_schema_extra=_op_required,
    )


Position = Annotated[int | None, Field(ge=0)]


def _field_kind(value: Any) -> str:
    if isinstance(value, ForeignField):
        return "foreign"
    if isinstance(value, PlainField):
        return "plain"
    if isinstance(value, dict) and "relation" in value:
        return "foreign"
    return "plain"


AnyField = Annotated[
    Annotated[PlainField, Tag("plain")] | Annotated[ForeignField, Tag("foreign")],
    Discriminator(_field_kind),
]
"""A plain field, or a foreign field (one with a ``relation``)."""

FIELD_TAGS = ("plain", "foreign")


# --------------------------------------------------------------------------- models


class AddModel(EditModel):
    """Add a model (a table) with all its fields, indexes and DTO overrides."""

    op: Literal["addModel"] = "addModel"
    model: Model
    """The whole model definition."""
    position: Position = None
    """Index in the project's model list; absent: at the end."""


class RemoveModel(EditModel):
    """Remove a model. Nothing else changes: remove or retarget what refers to it
    (relations, operations, actors) in the same change."""

    op: Literal["removeModel"] = "removeModel"
    model: str
    """Name of the model to remove."""


class RenameModel(EditModel):
    """Rename a model and every reference to it: relation targets, operations' model,
    actors' model, behaviours' child, and, when the DTO names derive from the model name,
    the DTO type names used by operation bodies and schema references."""

    op: Literal["renameModel"] = "renameModel"
    model: str
    """Current name."""
    new_name: str
    """New snake_case name."""


class ModifyModel(EditModel):
    """Change a model's attributes (not its fields). Absent attributes stay as they are."""

    op: Literal["modifyModel"] = "modifyModel"
    model: str
    """Name of the model to change."""
    namespace: str | None = None
    description: str | None = None
    stance: Stance | None = None
    material: bool | None = None
    dto_name: str | None = None
    """New PascalCase base of the DTO names; the empty string clears it (the base is
    then derived from the model name). Operation bodies follow the new type names."""
    behaviours: list[Behaviour] | None = None
    """The model's declared domain behaviour, replaced whole (``[]`` clears it;
    :mod:`autobe_core.spec.behaviours`)."""


class ModifyProject(EditModel):
    """Change the project's title or description. Absent attributes stay as they are."""

    op: Literal["modifyProject"] = "modifyProject"
    title: str | None = None
    description: str | None = None


# --------------------------------------------------------------------------- fields


class AddField(EditModel):
    """Add a plain field, or a foreign field with its relation, to a model."""

    op: Literal["addField"] = "addField"
    model: str
    """Name of the model."""
    field: AnyField
    """The field definition; one with a ``relation`` is a foreign field."""
    position: Position = None
    """Index in the model's plain (or foreign) field list; absent: at the end."""


class RemoveField(EditModel):
    """Remove a plain or foreign field. Indexes, DTO overrides, parameter bindings and
    actor credentials that use it must be changed first."""

    op: Literal["removeField"] = "removeField"
    model: str
    field: str
    """Name of the field to remove."""


class RenameField(EditModel):
    """Rename a field and every reference to it: the model's indexes and DTO overrides,
    the ``binds`` of operations on the model (and grandparent chains through it), declared
    behaviours naming it, and the credential fields of its actor."""

    op: Literal["renameField"] = "renameField"
    model: str
    field: str
    """Current name."""
    new_name: str
    """New snake_case name."""


class ModifyField(EditModel):
    """Replace a field's definition (type, nullability, constraints, relation). The name
    stays (use renameField), and a plain field stays plain, a foreign one foreign."""

    op: Literal["modifyField"] = "modifyField"
    model: str
    field: str
    """Name of the field to change."""
    definition: AnyField
    """The complete new definition; its ``name`` equals ``field``."""


class AddRelation(EditModel):
    """Add a foreign field with its relation (a many-to-one reference to a model)."""

    op: Literal["addRelation"] = "addRelation"
    model: str
    """Name of the model that gets the foreign field."""
    field: ForeignField
    position: Position = None
    """Index in the model's foreign field list; absent: at the end."""


class RemoveRelation(EditModel):
    """Remove a foreign field with its relation."""

    op: Literal["removeRelation"] = "removeRelation"
    model: str
    field: str
    """Name of the foreign field."""


# --------------------------------------------------------------------------- indexes


class AddIndex(EditModel):
    """Add a unique, plain or gin index (gin: exactly one string field)."""

    op: Literal["addIndex"] = "addIndex"
    model: str
    kind: IndexKind
    field_names: list[str]
    """The indexed fields, in order."""
    position: Position = None
    """Index in the model's list of indexes of this kind; absent: at the end."""


class RemoveIndex(EditModel):
    """Remove the index of this kind on exactly these fields."""

    op: Literal["removeIndex"] = "removeIndex"
    model: str
    kind: IndexKind
    field_names: list[str]


# --------------------------------------------------------------------------- operations


class AddOperation(EditModel):
    """Add an API operation."""

    op: Literal["addOperation"] = "addOperation"
    operation: Operation
    """The whole operation definition."""
    position: Position = None
    """Index in the project's operation list; absent: at the end."""


class RemoveOperation(EditModel):
    """Remove the operation at this endpoint."""

    op: Literal["removeOperation"] = "removeOperation"
    method: HttpMethod
    path: str


class ModifyOperation(EditModel):
    """Replace the operation at this endpoint (it keeps its place in the list)."""

    op: Literal["modifyOperation"] = "modifyOperation"
    method: HttpMethod
    path: str
    operation: Operation
    """The complete new definition (its method and path may differ)."""


# --------------------------------------------------------------------------- DTO overrides


class SetDtoOverride(EditModel):
    """Set (or replace) the override of one derived DTO of a model."""

    op: Literal["setDtoOverride"] = "setDtoOverride"
    model: str
    dto: DtoKind
    override: DtoOverride


class ClearDtoOverride(EditModel):
    """Drop the override of one derived DTO: the default shape applies again."""

    op: Literal["clearDtoOverride"] = "clearDtoOverride"
    model: str
    dto: DtoKind


# --------------------------------------------------------------------------- actors


class AddActor(EditModel):
    """Add an actor (who can call operations)."""

    op: Literal["addActor"] = "addActor"
    actor: Actor
    position: Position = None
    """Index in the project's actor list; absent: at the end."""


class RemoveActor(EditModel):
    """Remove an actor. Operations that require it must change in the same change."""

    op: Literal["removeActor"] = "removeActor"
    actor: str


class RenameActor(EditModel):
    """Rename an actor and the ``actor`` of every operation that requires it."""

    op: Literal["renameActor"] = "renameActor"
    actor: str
    new_name: str


class ModifyActor(EditModel):
    """Replace an actor's definition (kind, model, credentials); the name stays."""

    op: Literal["modifyActor"] = "modifyActor"
    actor: str
    definition: Actor
    """The complete new definition; its ``name`` equals ``actor``."""


# --------------------------------------------------------------------------- cross-cutting


class AddFieldEverywhere(EditModel):
    """Add a plain field to every model of a namespace (of the project when namespace
    is absent), skipping models that already have a field of that name."""

    op: Literal["addFieldEverywhere"] = "addFieldEverywhere"
    field: PlainField
    namespace: str | None = None


class AddTimestamps(EditModel):
    """Add ``created_at`` and ``updated_at`` (required datetimes the generated code
    maintains) to every model of a namespace (or the project), where missing."""

    op: Literal["addTimestamps"] = "addTimestamps"
    namespace: str | None = None


class AddSoftDelete(EditModel):
    """Add ``deleted_at`` (a nullable datetime: soft delete) to every model of a
    namespace (or the project), where missing."""

    op: Literal["addSoftDelete"] = "addSoftDelete"
    namespace: str | None = None


class AddCreatedBy(EditModel):
    """Add a nullable foreign field ``created_by_<actor>_id`` (relation
    ``createdBy<Actor>``) to the actor's model on every model of a namespace (or the
    project), except the actor's own model and models that already have it."""

    op: Literal["addCreatedBy"] = "addCreatedBy"
    actor: str
    namespace: str | None = None


ConcreteEdit = (
    ModifyProject
    | AddModel
    | RemoveModel
    | RenameModel
    | ModifyModel
    | AddField
    | RemoveField
    | RenameField
    | ModifyField
    | AddRelation
    | RemoveRelation
    | AddIndex
    | RemoveIndex
    | AddOperation
    | RemoveOperation
    | ModifyOperation
    | SetDtoOverride
    | ClearDtoOverride
    | AddActor
    | RemoveActor
    | RenameActor
    | ModifyActor
)
"""Edits that change one element; what the history records."""

CrossCuttingEdit = AddFieldEverywhere | AddTimestamps | AddSoftDelete | AddCreatedBy

Edit = Annotated[ConcreteEdit | CrossCuttingEdit, Field(discriminator="op")]

CONCRETE_TYPES: tuple[type[EditModel], ...] = (
    ModifyProject,
    AddModel,
    RemoveModel,
    RenameModel,
    ModifyModel,
    AddField,
    RemoveField,
    RenameField,
    ModifyField,
    AddRelation,
    RemoveRelation,
    AddIndex,
    RemoveIndex,
    AddOperation,
    RemoveOperation,
    ModifyOperation,
    SetDtoOverride,
    ClearDtoOverride,
    AddActor,
    RemoveActor,
    RenameActor,
    ModifyActor,
)
CROSS_CUTTING_TYPES: tuple[type[EditModel], ...] = (
    AddFieldEverywhere,
    AddTimestamps,
    AddSoftDelete,
    AddCreatedBy,
)
EDIT_TYPES: dict[str, type[EditModel]] = {
    str(cls.model_fields["op"].default): cls for cls in CONCRETE_TYPES + CROSS_CUTTING_TYPES
}
"""op -> edit class."""


class ChangeSet(EditModel):
    """A change to a project spec: edits applied in order, each against the spec the
    previous ones left. The change is all or nothing: if any edit cannot apply or the
    result is not a valid spec, nothing changes."""

    model_config = ConfigDict(json_schema_extra=None)

    edits: list[Edit]
    summary: str = ""
    """One line saying what the change does, for the history."""


# --------------------------------------------------------------------------- files


def changeset_json_schema() -> dict[str, Any]:
    """The JSON schema of a ChangeSet (camelCase keys; edits discriminated by ``op``)."""
    return ChangeSet.model_json_schema(by_alias=True)


def parse_changeset(data: Any) -> ChangeSet:
    """Plain data -> ChangeSet; shape errors become diagnostics (DiagnosticError)."""
    try:
        return ChangeSet.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(
            [_from_pydantic(err) for err in exc.errors()],
            "the change does not have the expected shape",
        ) from None


_TAGS = frozenset(EDIT_TYPES) | frozenset(FIELD_TAGS)


def _from_pydantic(err: Any) -> Diagnostic:
    loc = [
        p
        for p in err["loc"]
        if not (isinstance(p, str) and (p.startswith("function-") or p in _TAGS))
    ]
    allowed: tuple[str, ...] = ()
    ctx = err.get("ctx") or {}
    raw = list(err["loc"])
    if err["type"] in ("union_tag_invalid", "union_tag_not_found") and raw[:1] == ["edits"]:
        allowed = tuple(EDIT_TYPES)
    elif err["type"] == "extra_forbidden":
        allowed = _keys_at(raw)
    elif "expected" in ctx:
        quoted = re.findall(r"'([^']*)'", str(ctx["expected"]))
        allowed = tuple(quoted) if quoted else (str(ctx["expected"]),)
    return Diagnostic(format_path(loc), f"shape.{err['type']}", err["msg"], allowed)


def _keys_at(loc: list[Any]) -> tuple[str, ...]:
    """The keys an edit (or the change) accepts, for an unknown key directly in it."""
    if len(loc) == 1:
        return tuple(info.alias or name for name, info in ChangeSet.model_fields.items())
    if len(loc) == 4 and loc[0] == "edits" and loc[2] in EDIT_TYPES:
        cls = EDIT_TYPES[loc[2]]
        return tuple(info.alias or name for name, info in cls.model_fields.items())
    return ()


def load_changeset(path: Path) -> ChangeSet:
    """Read a ``.yaml`` / ``.yml`` / ``.json`` changes file."""
    return parse_changeset(read_mapping(path, ("edits", "summary")))


def dump_changeset(changeset: ChangeSet, fmt: str = "yaml") -> str:
    """The changes file text; :func:`load_changeset` reads it back to an equal value."""
    data = changeset.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["edits"] = [
        {"op": edit.op, **edit.model_dump(mode="json", by_alias=True, exclude_defaults=True)}
        for edit in changeset.edits
    ]
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
