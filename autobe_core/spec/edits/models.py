"""Applying model edits: add, remove, rename (with its cascade), modify; DTO overrides.

Renaming a model, or changing its ``dtoName``, renames the DTO types derived from it
(``ITodoList.ICreate`` -> ``ITodoCollection.ICreate``), so operation bodies and schema
references that use them follow. Every cascade is a bijection between the old and the
new names (the new names must not be referred to yet), which is what makes a rename
exactly undoable by the opposite rename.
"""

from __future__ import annotations

from autobe_core.spec.changeset import (
    AddModel,
    ClearDtoOverride,
    ModifyModel,
    RemoveModel,
    RenameModel,
    SetDtoOverride,
)
from autobe_core.spec.edits.references import rename_model_references
from autobe_core.spec.edits.support import (
    Problems,
    check_position,
    find_model,
    inserted,
    new_name_taken,
    removed,
    replaced,
    with_models,
)
from autobe_core.spec.model import Body, Model, ProjectSpec, Schema
from autobe_core.spec.naming import (
    class_name_problem,
    dto_base,
    dto_type_names,
    model_name_problem,
    printable_problem,
)
from autobe_core.spec.semantics import dto_candidates, password_field
from autobe_core.spec.validation.common import (
    ALLOWED_DTO_NAME,
    ALLOWED_MODEL_NAME,
    ALLOWED_TEXT,
    names_other_than,
)
from autobe_core.spec.validation.schemas import REF_PREFIX

# --------------------------------------------------------------------------- models


def add_model(spec: ProjectSpec, edit: AddModel, p: Problems) -> ProjectSpec:
    names = [m.name for m in spec.models]
    problem = model_name_problem(edit.model.name)
    if problem:
        p.add(["model", "name"], "name.model", f"invalid model name: {problem}", ALLOWED_MODEL_NAME)
    if edit.model.name in names:
        p.add(
            ["model", "name"],
            "dup.model",
            f"model {edit.model.name!r} already exists",
            names_other_than(names),
        )
    check_position(p, edit.position, len(spec.models), "the model list")
    p.check()
    return with_models(spec, inserted(spec.models, edit.model, edit.position))


def remove_model(spec: ProjectSpec, edit: RemoveModel, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    return with_models(spec, removed(spec.models, i))


def model_references(spec: ProjectSpec, name: str) -> list[str]:
    """Everything that refers to the model ``name`` (whether or not it exists)."""
    refs = [
        f"relation {m.name}.{f.relation.name}"
        for m in spec.models
        for f in m.foreign_fields
        if f.relation.target_model == name
    ]
    refs += [f"operation {op.endpoint}" for op in spec.operations if op.model == name]
    refs += [f"actor {a.name!r}" for a in spec.actors if a.model == name]
    refs += [f"schema {s!r}" for s, v in spec.schemas.items() if v.x_autobe_prisma_schema == name]
    refs += [f"the {b.kind} behaviour of {m.name}" for m in spec.models for b in m.behaviours
             if b.child == name]
    return refs


def rename_model(spec: ProjectSpec, edit: RenameModel, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    old = spec.models[i]
    new_name = edit.new_name
    names = [m.name for m in spec.models]
    problem = model_name_problem(new_name)
    if problem:
        p.add(["newName"], "name.model", f"invalid model name: {problem}", ALLOWED_MODEL_NAME)
    new_name_taken(p, new_name, names, "dup.model", "model")
    refs = model_references(spec, new_name) if new_name not in names else []
    if refs:
        p.add(
            ["newName"],
            "change.name-referenced",
            f"{new_name!r} is already referred to by {', '.join(refs)}",
            names_other_than([*names, new_name]),
        )
    renamed = _retarget(old.model_copy(update={"name": new_name}), edit.model, new_name)
    types = type_renames(spec, old, renamed, p, "newName")
    p.check()
    models = rename_model_references([
        renamed if k == i else _retarget(m, edit.model, new_name) for k, m in enumerate(spec.models)
    ], edit.model, new_name)
    operations = [
        op.model_copy(update={"model": new_name}) if op.model == edit.model else op
        for op in spec.operations
    ]
    actors = [
        a.model_copy(update={"model": new_name}) if a.model == edit.model else a
        for a in spec.actors
    ]
    schemas = {
        key: s.model_copy(update={"x_autobe_prisma_schema": new_name})
        if s.x_autobe_prisma_schema == edit.model
        else s
        for key, s in spec.schemas.items()
    }
    spec = spec.model_copy(
        update={"models": models, "operations": operations, "actors": actors, "schemas": schemas}
    )
    return retype(spec, types)


def _retarget(model: Model, old: str, new: str) -> Model:
    if not any(f.relation.target_model == old for f in model.foreign_fields):
        return model
    fields = [
        f.model_copy(update={"relation": f.relation.model_copy(update={"target_model": new})})
        if f.relation.target_model == old
        else f
        for f in model.foreign_fields
    ]
    return model.model_copy(update={"foreign_fields": fields})


def modify_model(spec: ProjectSpec, edit: ModifyModel, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    old = spec.models[i]
    updates: dict[str, object] = {}
    for attr in ("namespace", "description", "stance", "material", "behaviours"):
        value = getattr(edit, attr)
        if value is not None:
            updates[attr] = value
    if edit.namespace is not None:
        problem = printable_problem(edit.namespace)
        if problem:
            p.add(["namespace"], "name.namespace", f"invalid namespace: {problem}", ALLOWED_TEXT)
    if edit.dto_name is not None:
        updates["dto_name"] = edit.dto_name or None
        problem = class_name_problem(edit.dto_name) if edit.dto_name else None
        if problem:
            p.add(["dtoName"], "name.dto", f"invalid dtoName: {problem}", ALLOWED_DTO_NAME)
    new = old.model_copy(update=updates)
    types = type_renames(spec, old, new, p, "dtoName")
    p.check()
    return retype(with_models(spec, replaced(spec.models, i, new)), types)


# --------------------------------------------------------------------------- DTO types


def referenced_types(spec: ProjectSpec) -> set[str]:
    """DTO type names that operation bodies and schema properties refer to."""
    found = {
        body.type_name
        for op in spec.operations
        for body in (op.request_body, op.response_body)
        if body is not None
    }
    found |= {
        prop.ref.removeprefix(REF_PREFIX)
        for schema in spec.schemas.values()
        for prop in schema.properties.values()
        if prop.ref is not None
    }
    return found


def type_renames(
    spec: ProjectSpec, old: Model, new: Model, p: Problems, key: str
) -> dict[str, str]:
    """Old DTO type name -> new one, when the DTO base name changes."""
    if dto_base(old) == dto_base(new):
        return {}
    before, after = dto_type_names(old), dto_type_names(new)
    mapping = {before[kind]: after[kind] for kind in before}
    clash = sorted(set(mapping.values()) & referenced_types(spec))
    if clash:
        p.add(
            [key],
            "change.name-referenced",
            f"the DTO type name(s) {', '.join(clash)} that model {new.name!r} would derive "
            "are already used by operation bodies or schemas",
            (f"a name whose DTO types are not used yet: {', '.join(clash)}",),
        )
    return mapping


def retype(spec: ProjectSpec, mapping: dict[str, str]) -> ProjectSpec:
    """Rename DTO type names in operation bodies and schema references."""
    if not mapping:
        return spec

    def body(b: Body | None) -> Body | None:
        if b is None or b.type_name not in mapping:
            return b
        return b.model_copy(update={"type_name": mapping[b.type_name]})

    operations = [
        op.model_copy(
            update={"request_body": body(op.request_body), "response_body": body(op.response_body)}
        )
        if body(op.request_body) is not op.request_body
        or body(op.response_body) is not op.response_body
        else op
        for op in spec.operations
    ]
    schemas = {key: _retype_schema(s, mapping) for key, s in spec.schemas.items()}
    return spec.model_copy(update={"operations": operations, "schemas": schemas})


def _retype_schema(schema: Schema, mapping: dict[str, str]) -> Schema:
    changed = False
    props = {}
    for name, prop in schema.properties.items():
        ref = prop.ref
        if ref is not None and ref.removeprefix(REF_PREFIX) in mapping:
            prefix = REF_PREFIX if ref.startswith(REF_PREFIX) else ""
            prop = prop.model_copy(update={"ref": prefix + mapping[ref.removeprefix(REF_PREFIX)]})
            changed = True
        props[name] = prop
    return schema.model_copy(update={"properties": props}) if changed else schema


# --------------------------------------------------------------------------- DTO overrides


def set_dto_override(spec: ProjectSpec, edit: SetDtoOverride, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    pw = password_field(spec, model)
    candidates = [f.name for f in dto_candidates(spec, model, edit.dto, pw)]
    for key, names in (
        ("include", edit.override.include or []),
        ("exclude", edit.override.exclude),
    ):
        for k, name in enumerate(names):
            if name not in candidates:
                p.add(
                    ["override", key, k],
                    "ref.unknown-field",
                    f"the {edit.dto} DTO of model {model.name!r} cannot {key} {name!r}",
                    candidates,
                )
    p.check()
    dtos = model.dtos.model_copy(update={edit.dto: edit.override})
    return with_models(spec, replaced(spec.models, i, model.model_copy(update={"dtos": dtos})))


def clear_dto_override(spec: ProjectSpec, edit: ClearDtoOverride, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    if model.dtos.get(edit.dto) is None:
        kinds = [
            k for k in ("read", "summary", "create", "update", "request") if getattr(model.dtos, k)
        ]
        raise p.fail(
            ["dto"],
            "ref.unknown-dto-override",
            f"model {model.name!r} has no override of its {edit.dto} DTO",
            kinds,
        )
    dtos = model.dtos.model_copy(update={edit.dto: None})
    return with_models(spec, replaced(spec.models, i, model.model_copy(update={"dtos": dtos})))
