"""The exact inverse of one concrete edit, given the spec it was applied to.

Additions invert to removals, removals to additions at the original position, renames
to the opposite rename, modifications to modifications restoring the old definition.
The edit is assumed to have applied (its preconditions held on ``before``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autobe_core.spec.changeset import (
    AddActor,
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    ClearDtoOverride,
    ConcreteEdit,
    EditModel,
    ModifyActor,
    ModifyField,
    ModifyModel,
    ModifyOperation,
    ModifyProject,
    RemoveActor,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameActor,
    RenameField,
    RenameModel,
    SetDtoOverride,
)
from autobe_core.spec.edits.indexes import index_position
from autobe_core.spec.edits.support import EditT
from autobe_core.spec.model import ForeignField, Model, PlainField, ProjectSpec


def _model(spec: ProjectSpec, name: str) -> Model:
    model = spec.model(name)
    assert model is not None, f"edit applied to unknown model {name!r}"
    return model


def _field(model: Model, name: str) -> tuple[PlainField | ForeignField, int]:
    for k, f in enumerate(model.foreign_fields):
        if f.name == name:
            return f, k
    for k, p in enumerate(model.plain_fields):
        if p.name == name:
            return p, k
    raise AssertionError(f"edit applied to unknown field {model.name}.{name}")


def _modify_project(before: ProjectSpec, edit: ModifyProject) -> ConcreteEdit:
    return ModifyProject(
        title=None if edit.title is None else before.title,
        description=None if edit.description is None else before.description,
    )


def _add_model(before: ProjectSpec, edit: AddModel) -> ConcreteEdit:
    return RemoveModel(model=edit.model.name)


def _remove_model(before: ProjectSpec, edit: RemoveModel) -> ConcreteEdit:
    index = next(k for k, m in enumerate(before.models) if m.name == edit.model)
    return AddModel(model=before.models[index], position=index)


def _rename_model(before: ProjectSpec, edit: RenameModel) -> ConcreteEdit:
    return RenameModel(model=edit.new_name, new_name=edit.model)


def _modify_model(before: ProjectSpec, edit: ModifyModel) -> ConcreteEdit:
    old = _model(before, edit.model)
    values = {
        attr: getattr(old, attr)
        for attr in ("namespace", "description", "stance", "material", "behaviours")
        if getattr(edit, attr) is not None
    }
    if edit.dto_name is not None:
        values["dto_name"] = old.dto_name or ""
    return ModifyModel(model=edit.model, **values)


def _add_field(before: ProjectSpec, edit: AddField) -> ConcreteEdit:
    return RemoveField(model=edit.model, field=edit.field.name)


def _add_relation(before: ProjectSpec, edit: AddRelation) -> ConcreteEdit:
    return RemoveRelation(model=edit.model, field=edit.field.name)


def _remove_field(before: ProjectSpec, edit: RemoveField) -> ConcreteEdit:
    field, position = _field(_model(before, edit.model), edit.field)
    return AddField(model=edit.model, field=field, position=position)


def _remove_relation(before: ProjectSpec, edit: RemoveRelation) -> ConcreteEdit:
    field, position = _field(_model(before, edit.model), edit.field)
    assert isinstance(field, ForeignField)
    return AddRelation(model=edit.model, field=field, position=position)


def _rename_field(before: ProjectSpec, edit: RenameField) -> ConcreteEdit:
    return RenameField(model=edit.model, field=edit.new_name, new_name=edit.field)


def _modify_field(before: ProjectSpec, edit: ModifyField) -> ConcreteEdit:
    field, _ = _field(_model(before, edit.model), edit.field)
    return ModifyField(model=edit.model, field=edit.field, definition=field)


def _add_index(before: ProjectSpec, edit: AddIndex) -> ConcreteEdit:
    return RemoveIndex(model=edit.model, kind=edit.kind, field_names=edit.field_names)


def _remove_index(before: ProjectSpec, edit: RemoveIndex) -> ConcreteEdit:
    at = index_position(_model(before, edit.model), edit.kind, edit.field_names)
    return AddIndex(model=edit.model, kind=edit.kind, field_names=edit.field_names, position=at)


def _add_operation(before: ProjectSpec, edit: AddOperation) -> ConcreteEdit:
    return RemoveOperation(method=edit.operation.method, path=edit.operation.path)


def _operation_at(before: ProjectSpec, method: str, path: str) -> int:
    return next(
        k for k, op in enumerate(before.operations) if op.method == method and op.path == path
    )


def _remove_operation(before: ProjectSpec, edit: RemoveOperation) -> ConcreteEdit:
    index = _operation_at(before, edit.method, edit.path)
    return AddOperation(operation=before.operations[index], position=index)


def _modify_operation(before: ProjectSpec, edit: ModifyOperation) -> ConcreteEdit:
    old_op = before.operations[_operation_at(before, edit.method, edit.path)]
    return ModifyOperation(method=edit.operation.method, path=edit.operation.path, operation=old_op)


def _dto_override(before: ProjectSpec, edit: SetDtoOverride | ClearDtoOverride) -> ConcreteEdit:
    """Setting or clearing an override inverts to restoring the previous state."""
    previous = _model(before, edit.model).dtos.get(edit.dto)
    if previous is None:
        return ClearDtoOverride(model=edit.model, dto=edit.dto)
    return SetDtoOverride(model=edit.model, dto=edit.dto, override=previous)


def _add_actor(before: ProjectSpec, edit: AddActor) -> ConcreteEdit:
    return RemoveActor(actor=edit.actor.name)


def _remove_actor(before: ProjectSpec, edit: RemoveActor) -> ConcreteEdit:
    index = next(k for k, a in enumerate(before.actors) if a.name == edit.actor)
    return AddActor(actor=before.actors[index], position=index)


def _rename_actor(before: ProjectSpec, edit: RenameActor) -> ConcreteEdit:
    return RenameActor(actor=edit.new_name, new_name=edit.actor)


def _modify_actor(before: ProjectSpec, edit: ModifyActor) -> ConcreteEdit:
    old_actor = before.actor(edit.actor)
    assert old_actor is not None
    return ModifyActor(actor=edit.actor, definition=old_actor)


Inverter = Callable[[ProjectSpec, Any], ConcreteEdit]
"""The inverse of one kind of edit, given the spec it was applied to."""


def _entry(
    cls: type[EditT], inverter: Callable[[ProjectSpec, EditT], ConcreteEdit]
) -> tuple[type[EditModel], Inverter]:
    """One row of :data:`INVERTERS`; the type checker sees that ``inverter`` takes ``cls``."""
    return cls, inverter


INVERTERS: dict[type[EditModel], Inverter] = dict(
    [
        _entry(ModifyProject, _modify_project),
        _entry(AddModel, _add_model),
        _entry(RemoveModel, _remove_model),
        _entry(RenameModel, _rename_model),
        _entry(ModifyModel, _modify_model),
        _entry(AddField, _add_field),
        _entry(RemoveField, _remove_field),
        _entry(RenameField, _rename_field),
        _entry(ModifyField, _modify_field),
        _entry(AddRelation, _add_relation),
        _entry(RemoveRelation, _remove_relation),
        _entry(AddIndex, _add_index),
        _entry(RemoveIndex, _remove_index),
        _entry(AddOperation, _add_operation),
        _entry(RemoveOperation, _remove_operation),
        _entry(ModifyOperation, _modify_operation),
        _entry(SetDtoOverride, _dto_override),
        _entry(ClearDtoOverride, _dto_override),
        _entry(AddActor, _add_actor),
        _entry(RemoveActor, _remove_actor),
        _entry(RenameActor, _rename_actor),
        _entry(ModifyActor, _modify_actor),
    ]
)
"""Concrete edit class -> its inverter (one entry per member of ``ConcreteEdit``)."""


def inverse_edit(before: ProjectSpec, edit: ConcreteEdit) -> ConcreteEdit:
    """The edit that undoes ``edit``, applied to ``before``."""
    return INVERTERS[type(edit)](before, edit)
