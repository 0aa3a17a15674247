"""The exact inverse of one concrete edit, given the spec it was applied to.

Additions invert to removals, removals to additions at the original position, renames
to the opposite rename, modifications to modifications restoring the old definition.
The edit is assumed to have applied (its preconditions held on ``before``).
"""

from __future__ import annotations

from autobe_core.spec.changeset import (
    AddActor,
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    ClearDtoOverride,
    ConcreteEdit,
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


def inverse_edit(before: ProjectSpec, edit: ConcreteEdit) -> ConcreteEdit:
    match edit:
        case ModifyProject():
            return ModifyProject(
                title=None if edit.title is None else before.title,
                description=None if edit.description is None else before.description,
            )
        case AddModel():
            return RemoveModel(model=edit.model.name)
        case RemoveModel():
            index = next(k for k, m in enumerate(before.models) if m.name == edit.model)
            return AddModel(model=before.models[index], position=index)
        case RenameModel():
            return RenameModel(model=edit.new_name, new_name=edit.model)
        case ModifyModel():
            old = _model(before, edit.model)
            values = {
                attr: getattr(old, attr)
                for attr in ("namespace", "description", "stance", "material")
                if getattr(edit, attr) is not None
            }
            if edit.dto_name is not None:
                values["dto_name"] = old.dto_name or ""
            return ModifyModel(model=edit.model, **values)
        case AddField():
            return RemoveField(model=edit.model, field=edit.field.name)
        case AddRelation():
            return RemoveRelation(model=edit.model, field=edit.field.name)
        case RemoveField():
            field, position = _field(_model(before, edit.model), edit.field)
            return AddField(model=edit.model, field=field, position=position)
        case RemoveRelation():
            field, position = _field(_model(before, edit.model), edit.field)
            assert isinstance(field, ForeignField)
            return AddRelation(model=edit.model, field=field, position=position)
        case RenameField():
            return RenameField(model=edit.model, field=edit.new_name, new_name=edit.field)
        case ModifyField():
            field, _ = _field(_model(before, edit.model), edit.field)
            return ModifyField(model=edit.model, field=edit.field, definition=field)
        case AddIndex():
            return RemoveIndex(model=edit.model, kind=edit.kind, field_names=edit.field_names)
        case RemoveIndex():
            at = index_position(_model(before, edit.model), edit.kind, edit.field_names)
            return AddIndex(
                model=edit.model, kind=edit.kind, field_names=edit.field_names, position=at
            )
        case AddOperation():
            return RemoveOperation(method=edit.operation.method, path=edit.operation.path)
        case RemoveOperation() | ModifyOperation():
            index = next(
                k
                for k, op in enumerate(before.operations)
                if op.method == edit.method and op.path == edit.path
            )
            old_op = before.operations[index]
            if isinstance(edit, RemoveOperation):
                return AddOperation(operation=old_op, position=index)
            return ModifyOperation(
                method=edit.operation.method, path=edit.operation.path, operation=old_op
            )
        case SetDtoOverride() | ClearDtoOverride():
            previous = _model(before, edit.model).dtos.get(edit.dto)
            if previous is None:
                return ClearDtoOverride(model=edit.model, dto=edit.dto)
            return SetDtoOverride(model=edit.model, dto=edit.dto, override=previous)
        case AddActor():
            return RemoveActor(actor=edit.actor.name)
        case RemoveActor():
            index = next(k for k, a in enumerate(before.actors) if a.name == edit.actor)
            return AddActor(actor=before.actors[index], position=index)
        case RenameActor():
            return RenameActor(actor=edit.new_name, new_name=edit.actor)
        case ModifyActor():
            old_actor = before.actor(edit.actor)
            assert old_actor is not None
            return ModifyActor(actor=edit.actor, definition=old_actor)
