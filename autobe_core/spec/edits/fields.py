"""Applying field and relation edits.

A field's references live in its own model (indexes, DTO overrides), in the operations
on that model (explicit ``binds``) and in the actor that authenticates against it
(credential fields). Removing a field some of them still use is a precondition
problem; renaming one renames them all. Bindings a parameter gets by naming convention
(no ``binds``) are derived, not stored: the validator judges them after the change.
"""

from __future__ import annotations

from autobe_core.spec.changeset import (
    AddField,
    AddRelation,
    ModifyField,
    RemoveField,
    RemoveRelation,
    RenameField,
)
from autobe_core.spec.edits.references import field_references, rename_field_references
from autobe_core.spec.edits.support import (
    Problems,
    check_position,
    find_model,
    inserted,
    new_name_taken,
    removed,
    replaced,
    taken_attribute_names,
    with_models,
)
from autobe_core.spec.model import (
    Actor,
    DtoOverride,
    ForeignField,
    GinIndex,
    Model,
    PlainIndex,
    ProjectSpec,
    UniqueIndex,
)
from autobe_core.spec.naming import field_problem, relation_problem
from autobe_core.spec.validation.actors import CREDENTIAL_KINDS
from autobe_core.spec.validation.common import (
    ALLOWED_FIELD_NAME,
    ALLOWED_RELATION_NAME,
    names_other_than,
)
from autobe_core.spec.validation.models import DTO_KINDS

CREDENTIALS = (("identity_field", "identityField"), ("password_field", "passwordField"))


# --------------------------------------------------------------------------- uses


def used_credentials(actor: Actor) -> list[tuple[str, str]]:
    """(attribute, field name) of the credential fields an actor really uses: every set
    one for members and admins, only explicitly given ones for guests."""
    return [
        (attr, value)
        for attr, _ in CREDENTIALS
        if (value := getattr(actor, attr)) is not None
        and (actor.kind in CREDENTIAL_KINDS or attr in actor.model_fields_set)
    ]


def field_uses(spec: ProjectSpec, model: Model, name: str) -> list[str]:
    """What refers to field ``name`` of ``model`` (whether or not the field exists)."""
    uses = [
        f"the unique index ({', '.join(ix.field_names)})"
        for ix in model.unique_indexes
        if name in ix.field_names
    ]
    uses += [
        f"the plain index ({', '.join(ix.field_names)})"
        for ix in model.plain_indexes
        if name in ix.field_names
    ]
    uses += [
        f"the gin index on {ix.field_name}" for ix in model.gin_indexes if ix.field_name == name
    ]
    for kind in DTO_KINDS:
        override = model.dtos.get(kind)
        if override and (name in (override.include or []) or name in override.exclude):
            uses.append(f"the {kind} DTO override")
    uses += [
        f"parameter {param.name!r} of {op.endpoint}"
        for op in spec.operations
        if op.model == model.name
        for param in op.parameters
        if param.binds == name
    ]
    uses += [
        f"the {key} of actor {actor.name!r}"
        for actor in spec.actors
        if actor.model == model.name
        for attr, key in CREDENTIALS
        if (attr, name) in used_credentials(actor)
    ]
    return uses + field_references(spec, model.name, name)


# --------------------------------------------------------------------------- add / remove


def add_field(spec: ProjectSpec, edit: AddField | AddRelation, p: Problems) -> ProjectSpec:
    """Add a plain or foreign field (``addRelation``: always a foreign one)."""
    field, position = edit.field, edit.position
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    taken = taken_attribute_names(model)
    problem = field_problem(field.name)
    if problem:
        p.add(["field", "name"], "name.field", f"invalid field name: {problem}", ALLOWED_FIELD_NAME)
    if field.name in taken:
        p.add(
            ["field", "name"],
            "dup.field",
            f"model {model.name!r} already has a field or relation {field.name!r}",
            names_other_than(taken),
        )
    if isinstance(field, ForeignField):
        _check_relation(spec, model, field, ["field"], p, taken)
        check_position(p, position, len(model.foreign_fields), f"{model.name}.foreignFields")
        p.check()
        new = model.model_copy(
            update={"foreign_fields": inserted(model.foreign_fields, field, position)}
        )
    else:
        check_position(p, position, len(model.plain_fields), f"{model.name}.plainFields")
        p.check()
        new = model.model_copy(
            update={"plain_fields": inserted(model.plain_fields, field, position)}
        )
    return with_models(spec, replaced(spec.models, i, new))


def _check_relation(
    spec: ProjectSpec,
    model: Model,
    field: ForeignField,
    sub: list[str | int],
    p: Problems,
    taken: list[str],
) -> None:
    relation = field.relation
    problem = relation_problem(relation.name)
    if problem:
        p.add(
            [*sub, "relation", "name"],
            "name.relation",
            f"invalid relation name: {problem}",
            ALLOWED_RELATION_NAME,
        )
    if relation.name in taken or relation.name == field.name:
        p.add(
            [*sub, "relation", "name"],
            "dup.field",
            f"model {model.name!r} already has a field or relation {relation.name!r}",
            names_other_than([*taken, field.name]),
        )
    if spec.model(relation.target_model) is None:
        p.add(
            [*sub, "relation", "targetModel"],
            "ref.unknown-model",
            f"relation {model.name}.{relation.name} targets unknown model "
            f"{relation.target_model!r}",
            [m.name for m in spec.models],
        )


def remove_field(spec: ProjectSpec, edit: RemoveField, p: Problems) -> ProjectSpec:
    return _remove(spec, edit.model, edit.field, p, relation_only=False)


def remove_relation(spec: ProjectSpec, edit: RemoveRelation, p: Problems) -> ProjectSpec:
    return _remove(spec, edit.model, edit.field, p, relation_only=True)


def _remove(
    spec: ProjectSpec, model_name: str, name: str, p: Problems, *, relation_only: bool
) -> ProjectSpec:
    i = find_model(spec, model_name, p)
    model = spec.models[i]
    foreign = [f.name for f in model.foreign_fields]
    plain = [f.name for f in model.plain_fields]
    if name == model.primary_field.name:
        raise p.fail(
            ["field"],
            "change.primary-field",
            f"{model.name}.{name} is the primary key; a model always has one",
            foreign if relation_only else foreign + plain,
        )
    if relation_only and name in plain:
        raise p.fail(
            ["field"],
            "change.not-a-relation",
            f"{model.name}.{name} is a plain field, not a foreign field (use removeField)",
            foreign,
        )
    if name not in foreign and name not in plain:
        raise p.fail(
            ["field"],
            "ref.unknown-field",
            f"model {model.name!r} has no {'foreign ' if relation_only else ''}field {name!r}",
            foreign if relation_only else foreign + plain,
        )
    uses = field_uses(spec, model, name)
    if uses:
        raise p.fail(
            ["field"],
            "change.field-in-use",
            f"{model.name}.{name} is still used by {'; '.join(uses)}",
            [f"first remove or change {use}" for use in uses],
        )
    if name in foreign:
        new = model.model_copy(
            update={"foreign_fields": removed(model.foreign_fields, foreign.index(name))}
        )
    else:
        new = model.model_copy(
            update={"plain_fields": removed(model.plain_fields, plain.index(name))}
        )
    return with_models(spec, replaced(spec.models, i, new))


# --------------------------------------------------------------------------- rename / modify


def rename_field(spec: ProjectSpec, edit: RenameField, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    old, new = edit.field, edit.new_name
    fields = model.field_names()
    if old not in fields:
        raise p.fail(
            ["field"], "ref.unknown-field", f"model {model.name!r} has no field {old!r}", fields
        )
    problem = field_problem(new)
    if problem:
        p.add(["newName"], "name.field", f"invalid field name: {problem}", ALLOWED_FIELD_NAME)
    taken = taken_attribute_names(model)
    new_name_taken(p, new, taken, "dup.field", f"field or relation of model {model.name!r}")
    uses = field_uses(spec, model, new) if new not in taken else []
    if uses:
        p.add(
            ["newName"],
            "change.name-referenced",
            f"{new!r} is already referred to by {'; '.join(uses)}",
            names_other_than([*taken, new]),
        )
    p.check()
    # behaviours and grandparent bindings elsewhere that name the field follow it
    models, operations = rename_field_references(spec, model.name, old, new)
    spec = spec.model_copy(update={"models": models, "operations": operations})
    model = spec.models[i]

    def ren(name: str) -> str:
        return new if name == old else name

    def ren_list(names: list[str]) -> list[str]:
        return [ren(n) for n in names]

    def ren_override(o: DtoOverride | None) -> DtoOverride | None:
        if o is None:
            return None
        include = None if o.include is None else ren_list(o.include)
        return o.model_copy(update={"include": include, "exclude": ren_list(o.exclude)})

    renamed = model.model_copy(
        update={
            "primary_field": model.primary_field.model_copy(
                update={"name": ren(model.primary_field.name)}
            ),
            "foreign_fields": [
                f.model_copy(update={"name": ren(f.name)}) for f in model.foreign_fields
            ],
            "plain_fields": [
                f.model_copy(update={"name": ren(f.name)}) for f in model.plain_fields
            ],
            "unique_indexes": [
                UniqueIndex(field_names=ren_list(ix.field_names)) for ix in model.unique_indexes
            ],
            "plain_indexes": [
                PlainIndex(field_names=ren_list(ix.field_names)) for ix in model.plain_indexes
            ],
            "gin_indexes": [GinIndex(field_name=ren(ix.field_name)) for ix in model.gin_indexes],
            "dtos": model.dtos.model_copy(
                update={kind: ren_override(model.dtos.get(kind)) for kind in DTO_KINDS}
            ),
        }
    )
    operations = [
        op.model_copy(
            update={
                "parameters": [
                    prm.model_copy(update={"binds": new}) if prm.binds == old else prm
                    for prm in op.parameters
                ]
            }
        )
        if op.model == model.name and any(prm.binds == old for prm in op.parameters)
        else op
        for op in spec.operations
    ]
    actors = [
        a.model_copy(update={attr: new for attr, value in used_credentials(a) if value == old})
        if a.model == model.name
        else a
        for a in spec.actors
    ]
    spec = spec.model_copy(update={"operations": operations, "actors": actors})
    return with_models(spec, replaced(spec.models, i, renamed))


def modify_field(spec: ProjectSpec, edit: ModifyField, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    foreign = [f.name for f in model.foreign_fields]
    plain = [f.name for f in model.plain_fields]
    name, definition = edit.field, edit.definition
    if name == model.primary_field.name:
        raise p.fail(
            ["field"],
            "change.primary-field",
            f"{model.name}.{name} is the primary key, which has no definition to modify",
            foreign + plain,
        )
    if name not in foreign and name not in plain:
        raise p.fail(
            ["field"],
            "ref.unknown-field",
            f"model {model.name!r} has no field {name!r}",
            foreign + plain,
        )
    if definition.name != name:
        p.add(
            ["definition", "name"],
            "change.modify-renames",
            f"the new definition is called {definition.name!r}, not {name!r}; "
            "rename a field with renameField",
            (name,),
        )
    is_foreign = isinstance(definition, ForeignField)
    if is_foreign != (name in foreign):
        was, now = ("foreign", "plain") if name in foreign else ("plain", "foreign")
        p.add(
            ["definition"],
            "change.field-kind",
            f"{model.name}.{name} is a {was} field and the new definition is a {now} one; "
            "remove the field and add the new one instead",
            (f"a {was} field definition",),
        )
    current = model.foreign(name)
    if isinstance(definition, ForeignField):
        own = {name, current.relation.name} if current is not None else {name}
        others = [n for n in taken_attribute_names(model) if n not in own]
        _check_relation(spec, model, definition, ["definition"], p, others)
    p.check()
    if isinstance(definition, ForeignField):
        new = model.model_copy(
            update={
                "foreign_fields": replaced(model.foreign_fields, foreign.index(name), definition)
            }
        )
    else:
        new = model.model_copy(
            update={"plain_fields": replaced(model.plain_fields, plain.index(name), definition)}
        )
    return with_models(spec, replaced(spec.models, i, new))
