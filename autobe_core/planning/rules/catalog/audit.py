"""Cross-cutting features: audit fields, soft delete, timestamps.

They add the fields the cross-cutting edits add (the same definitions, so removal can
tell them from fields the project declared itself), to every model, the models of one
namespace, or one model.
"""

from __future__ import annotations

from autobe_core.planning.rules.catalog.base import Ctx, Feature, Parts
from autobe_core.spec.changeset import (
    AddCreatedBy,
    AddSoftDelete,
    AddTimestamps,
    CrossCuttingEdit,
)
from autobe_core.spec.model import ForeignField, Model, PlainField
from autobe_core.spec.semantics import SOFT_DELETE, TIMESTAMPS, created_by_field


class _Scoped(Feature):
    target = "scope"

    def fields_for(self, ctx: Ctx, model: Model) -> list[PlainField | ForeignField]:
        raise NotImplementedError

    def cross(self, ctx: Ctx) -> list[CrossCuttingEdit]:
        raise NotImplementedError

    def parts(self, ctx: Ctx) -> Parts:
        if ctx.target is not None:
            models = [ctx.target]
        else:
            models = [
                m for m in ctx.spec.models if ctx.namespace is None or m.namespace == ctx.namespace
            ]
        return Parts(
            fields=[(m.name, f) for m in models for f in self.fields_for(ctx, m)],
            cross=[] if ctx.target is not None else self.cross(ctx),
        )


class SoftDelete(_Scoped):
    key = "soft delete"
    title = "soft delete"
    aliases = (
        "soft delete",
        "soft deletes",
        "soft deletion",
        "soft-delete",
        "soft-deletes",
        "deleted_at",
        "trash",
        "a trash bin",
        "undelete",
    )
    example = "add soft delete to every model"
    adds = (
        "a nullable `deleted_at` on every model (or a namespace's, or one model) that lacks "
        "one: delete operations then mark rows deleted and every operation hides them"
    )

    def fields_for(self, ctx: Ctx, model: Model) -> list[PlainField | ForeignField]:
        return [SOFT_DELETE]

    def cross(self, ctx: Ctx) -> list[CrossCuttingEdit]:
        return [AddSoftDelete(namespace=ctx.namespace)]


class Timestamps(_Scoped):
    key = "timestamps"
    title = "timestamps"
    aliases = (
        "timestamps",
        "timestamp",
        "created_at and updated_at",
        "created and updated times",
        "creation and update times",
        "created_at",
        "updated_at",
    )
    example = "add timestamps to every model in Todos"
    adds = (
        "`created_at` and `updated_at` (maintained by the generated code) on every model "
        "(or a namespace's, or one model) where missing"
    )

    def fields_for(self, ctx: Ctx, model: Model) -> list[PlainField | ForeignField]:
        return list(TIMESTAMPS)

    def cross(self, ctx: Ctx) -> list[CrossCuttingEdit]:
        return [AddTimestamps(namespace=ctx.namespace)]


class AuditFields(_Scoped):
    key = "audit fields"
    title = "audit fields"
    aliases = (
        "audit fields",
        "audit field",
        "audit columns",
        "auditing",
        "audit",
        "audit trail",
        "audit fields and timestamps",
    )
    example = "add audit fields"
    adds = (
        "a nullable `created_by_<member>_id` (to the member actor's model) and "
        "`created_at` / `updated_at` on every model (or a namespace's, or one model) where "
        "missing"
    )

    def fields_for(self, ctx: Ctx, model: Model) -> list[PlainField | ForeignField]:
        out: list[PlainField | ForeignField] = []
        owner = ctx.owner
        if owner is not None and model.name != owner.model:
            out.append(created_by_field(owner.name, owner.model))
        return out + list(TIMESTAMPS)

    def cross(self, ctx: Ctx) -> list[CrossCuttingEdit]:
        out: list[CrossCuttingEdit] = []
        if ctx.owner is not None:
            out.append(AddCreatedBy(actor=ctx.owner.name, namespace=ctx.namespace))
        return [*out, AddTimestamps(namespace=ctx.namespace)]


class CreatedBy(_Scoped):
    key = "created_by"
    title = "created_by"
    aliases = (
        "created by",
        "created_by fields",
        "creator",
        "creators",
        "creator tracking",
        "who created each row",
        "created_by_id",
    )
    example = "add created_by to every model"
    adds = (
        "a nullable `created_by_<member>_id` to the member actor's model on every model (or "
        "a namespace's, or one model) but the actor's own"
    )

    def fields_for(self, ctx: Ctx, model: Model) -> list[PlainField | ForeignField]:
        owner = ctx.owner
        if owner is None or model.name == owner.model:
            return []
        return [created_by_field(owner.name, owner.model)]

    def cross(self, ctx: Ctx) -> list[CrossCuttingEdit]:
        if ctx.owner is None:
            return []
        return [AddCreatedBy(actor=ctx.owner.name, namespace=ctx.namespace)]


FEATURES: tuple[Feature, ...] = (AuditFields(), CreatedBy(), SoftDelete(), Timestamps())
