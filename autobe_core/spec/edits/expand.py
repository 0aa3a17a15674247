"""Cross-cutting edits expand into concrete ones against the spec they meet.

The expansion is what the history records, so it is deterministic: models in spec
order, fields in a fixed order, each appended at the end of its list. A model that
already has a field of the name is skipped (the edits are idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autobe_core.spec.changeset import (
    AddCreatedBy,
    AddField,
    AddFieldEverywhere,
    AddRelation,
    AddSoftDelete,
    AddTimestamps,
    CrossCuttingEdit,
    EditModel,
)
from autobe_core.spec.edits.support import Problems, entry, find_actor
from autobe_core.spec.model import Model, PlainField, ProjectSpec
from autobe_core.spec.naming import field_problem
from autobe_core.spec.semantics import SOFT_DELETE, TIMESTAMPS, created_by_field
from autobe_core.spec.validation.common import ALLOWED_FIELD_NAME


def scope(spec: ProjectSpec, namespace: str | None, p: Problems) -> list[Model]:
    """The models of ``namespace`` (of the project when None), in spec order."""
    if namespace is None:
        return list(spec.models)
    if namespace not in spec.namespaces():
        raise p.fail(
            ["namespace"],
            "ref.unknown-namespace",
            f"no model is in namespace {namespace!r}",
            spec.namespaces(),
        )
    return [m for m in spec.models if m.namespace == namespace]


def _plain_everywhere(
    models: list[Model], fields: tuple[PlainField, ...]
) -> list[AddField | AddRelation]:
    return [
        AddField(model=m.name, field=f)
        for m in models
        for f in fields
        if f.name not in m.field_names()
    ]


def _field_everywhere(
    spec: ProjectSpec, edit: AddFieldEverywhere, p: Problems
) -> list[AddField | AddRelation]:
    problem = field_problem(edit.field.name)
    if problem:
        p.add(["field", "name"], "name.field", f"invalid field name: {problem}", ALLOWED_FIELD_NAME)
    models = scope(spec, edit.namespace, p)
    p.check()
    return _plain_everywhere(models, (edit.field,))


def _timestamps(
    spec: ProjectSpec, edit: AddTimestamps, p: Problems
) -> list[AddField | AddRelation]:
    return _plain_everywhere(scope(spec, edit.namespace, p), TIMESTAMPS)


def _soft_delete(
    spec: ProjectSpec, edit: AddSoftDelete, p: Problems
) -> list[AddField | AddRelation]:
    return _plain_everywhere(scope(spec, edit.namespace, p), (SOFT_DELETE,))


def _created_by(spec: ProjectSpec, edit: AddCreatedBy, p: Problems) -> list[AddField | AddRelation]:
    actor = spec.actors[find_actor(spec, edit.actor, p)]
    models = scope(spec, edit.namespace, p)
    field = created_by_field(actor.name, actor.model)
    return [
        AddRelation(model=m.name, field=field)
        for m in models
        if m.name != actor.model and field.name not in m.field_names()
    ]


Expander = Callable[[ProjectSpec, Any, Problems], list[AddField | AddRelation]]
"""Expands one kind of cross-cutting edit into concrete ones, or raises EditProblem."""

EXPANDERS: dict[type[EditModel], Expander] = dict(
    [
        entry(AddFieldEverywhere, _field_everywhere),
        entry(AddTimestamps, _timestamps),
        entry(AddSoftDelete, _soft_delete),
        entry(AddCreatedBy, _created_by),
    ]
)
"""Cross-cutting edit class -> its expander (one entry per member of ``CrossCuttingEdit``)."""


def expand_edit(
    spec: ProjectSpec, edit: CrossCuttingEdit, p: Problems
) -> list[AddField | AddRelation]:
    """The concrete edits ``edit`` makes on ``spec``, or EditProblem (paths under ``p.at``)."""
    return EXPANDERS[type(edit)](spec, edit, p)
