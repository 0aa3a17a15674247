"""Removing elements together with everything that depends on them.

Removing a model also removes its operations and the foreign keys other models hold to
it; removing a field also removes the indexes that use it, the operations whose path
parameters bind it, and its mentions in DTO overrides. The result is a list of concrete
edits that :func:`autobe_core.spec.edits.engine.apply` accepts as one change, plus a note per
element removed only because something it depended on went away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from autobe_core.planning.base import NotUnderstood
from autobe_core.spec.changeset import (
    ClearDtoOverride,
    Edit,
    IndexKind,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    SetDtoOverride,
)
from autobe_core.spec.model import DtoKind, DtoOverride, Model, Operation, ProjectSpec
from autobe_core.spec.naming import dto_type_names
from autobe_core.spec.semantics import param_bindings

DTO_KINDS: tuple[DtoKind, ...] = ("read", "summary", "create", "update", "request")


@dataclass
class Removal:
    """What to remove. ``fields`` are (model, field) pairs on models that stay."""

    models: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[tuple[str, IndexKind, tuple[str, ...]]] = field(default_factory=list)
    operations: list[tuple[str, str]] = field(default_factory=list)
    """(method, path) pairs."""

    def empty(self) -> bool:
        return not (self.models or self.fields or self.indexes or self.operations)


@dataclass
class RemovalPlan:
    edits: list[Edit]
    dependents: list[str]
    """Notes on what goes only because it depended on a removed element."""


def endpoint(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def index_entries(model: Model) -> Iterable[tuple[IndexKind, tuple[str, ...]]]:
    for u in model.unique_indexes:
        yield "unique", tuple(u.field_names)
    for p in model.plain_indexes:
        yield "plain", tuple(p.field_names)
    for g in model.gin_indexes:
        yield "gin", (g.field_name,)


def plan_removal(spec: ProjectSpec, wanted: Removal) -> RemovalPlan:
    models = [m for m in spec.models if m.name in set(wanted.models)]
    gone = {m.name for m in models}
    notes: list[str] = []
    for actor in spec.actors:
        if actor.model in gone:
            raise NotUnderstood(
                f"model {actor.model} holds the accounts of actor {actor.name!r}; the rule "
                "planner does not remove actors",
                [f"remove the operations of {actor.model} instead"],
            )
    fields: list[tuple[str, str]] = [
        (m, f) for m, f in dict.fromkeys(wanted.fields) if m not in gone
    ]
    for m in spec.models:
        if m.name in gone:
            continue
        for fk in m.foreign_fields:
            if fk.relation.target_model in gone and (m.name, fk.name) not in fields:
                fields.append((m.name, fk.name))
                notes.append(f"field {m.name}.{fk.name} (it refers to {fk.relation.target_model})")
    field_set = set(fields)
    for actor in spec.actors:
        for name in (actor.identity_field, actor.password_field):
            if name and (actor.model, name) in field_set:
                raise NotUnderstood(
                    f"{actor.model}.{name} is a credential of actor {actor.name!r}; "
                    "the rule planner does not remove it",
                    [],
                )
    ops: list[Operation] = []
    wanted_ops = set(wanted.operations)
    for op in spec.operations:
        reason = None
        if (op.method, op.path) in wanted_ops or op.model in gone:
            reason = ""
        elif op.model is not None:
            bound = {f for _, f in param_bindings(spec, op)}
            hit = sorted(f for f in bound if (op.model, f) in field_set)
            if hit:
                reason = f"operation {endpoint(op)} (its path binds {op.model}.{hit[0]})"
        if reason is not None:
            ops.append(op)
            if reason:
                notes.append(reason)
    edits: list[Edit] = [RemoveOperation(method=op.method, path=op.path) for op in ops]
    indexes = list(dict.fromkeys(wanted.indexes))
    for m in spec.models:
        if m.name in gone:
            continue
        own = {f for mm, f in fields if mm == m.name}
        for kind, names in index_entries(m):
            entry = (m.name, kind, names)
            if own & set(names) and entry not in indexes:
                indexes.append(entry)
    edits += [
        RemoveIndex(model=m, kind=kind, field_names=list(names)) for m, kind, names in indexes
    ]
    for m in spec.models:
        own = {f for mm, f in fields if mm == m.name}
        if m.name in gone or not own:
            continue
        for dto in DTO_KINDS:
            override = m.dtos.get(dto)
            if override is None:
                continue
            include = override.include
            kept_include = None if include is None else [n for n in include if n not in own]
            kept_exclude = [n for n in override.exclude if n not in own]
            if kept_include == include and kept_exclude == override.exclude:
                continue
            if kept_include is None and not kept_exclude:
                edits.append(ClearDtoOverride(model=m.name, dto=dto))
            else:
                edits.append(
                    SetDtoOverride(
                        model=m.name,
                        dto=dto,
                        override=DtoOverride(include=kept_include, exclude=kept_exclude),
                    )
                )
    for model_name, name in fields:
        model = spec.model(model_name)
        if model is None:
            continue
        if model.foreign(name) is not None:
            edits.append(RemoveRelation(model=model_name, field=name))
        elif model.plain(name) is not None:
            edits.append(RemoveField(model=model_name, field=name))
    edits += [RemoveModel(model=m.name) for m in reversed(models)]
    _check_schemas(spec, gone)
    return RemovalPlan(edits, notes)


def _check_schemas(spec: ProjectSpec, gone: set[str]) -> None:
    types: set[str] = set()
    for name in gone:
        model = spec.model(name)
        if model is not None:
            types |= set(dto_type_names(model).values())
    for schema_name, schema in spec.schemas.items():
        for prop_name, prop in schema.properties.items():
            ref = (prop.ref or "").rpartition("/")[2]
            if ref in types:
                raise NotUnderstood(
                    f"schema {schema_name}.{prop_name} refers to {ref}, which the removal "
                    "would delete; change the schema first",
                    [],
                )
