"""Applying operation and actor edits.

Operations are addressed by endpoint (method + path), actors by name. Renaming an actor
renames the ``actor`` of every operation that requires it; nothing else names actors.
"""

from __future__ import annotations

from autobe_core.spec.changeset import (
    AddActor,
    AddOperation,
    ModifyActor,
    ModifyOperation,
    RemoveActor,
    RemoveOperation,
    RenameActor,
)
from autobe_core.spec.edits.support import (
    Problems,
    check_position,
    find_actor,
    find_operation,
    inserted,
    new_name_taken,
    removed,
    replaced,
    with_actors,
    with_operations,
)
from autobe_core.spec.model import Actor, Operation, ProjectSpec
from autobe_core.spec.naming import actor_problem
from autobe_core.spec.validation.common import ALLOWED_ACTOR_NAME, names_other_than

# --------------------------------------------------------------------------- operations


def _check_operation_refs(spec: ProjectSpec, op: Operation, p: Problems) -> None:
    if op.model is not None and spec.model(op.model) is None:
        p.add(
            ["operation", "model"],
            "ref.unknown-model",
            f"{op.endpoint} targets unknown model {op.model!r}",
            [m.name for m in spec.models],
        )
    if op.actor is not None and spec.actor(op.actor) is None:
        p.add(
            ["operation", "actor"],
            "ref.unknown-actor",
            f"{op.endpoint} requires unknown actor {op.actor!r}",
            [a.name for a in spec.actors],
        )


def _check_endpoint_free(spec: ProjectSpec, op: Operation, p: Problems, skip: int = -1) -> None:
    taken = [o.endpoint for k, o in enumerate(spec.operations) if k != skip]
    if op.endpoint in taken:
        p.add(
            ["operation", "path"],
            "dup.endpoint",
            f"the endpoint {op.endpoint} already exists",
            (f"an endpoint other than {op.endpoint}",),
        )


def add_operation(spec: ProjectSpec, edit: AddOperation, p: Problems) -> ProjectSpec:
    _check_endpoint_free(spec, edit.operation, p)
    _check_operation_refs(spec, edit.operation, p)
    check_position(p, edit.position, len(spec.operations), "the operation list")
    p.check()
    return with_operations(spec, inserted(spec.operations, edit.operation, edit.position))


def remove_operation(spec: ProjectSpec, edit: RemoveOperation, p: Problems) -> ProjectSpec:
    i = find_operation(spec, edit.method, edit.path, p)
    return with_operations(spec, removed(spec.operations, i))


def modify_operation(spec: ProjectSpec, edit: ModifyOperation, p: Problems) -> ProjectSpec:
    i = find_operation(spec, edit.method, edit.path, p)
    _check_endpoint_free(spec, edit.operation, p, skip=i)
    _check_operation_refs(spec, edit.operation, p)
    p.check()
    return with_operations(spec, replaced(spec.operations, i, edit.operation))


# --------------------------------------------------------------------------- actors


def _check_actor_model(spec: ProjectSpec, actor: Actor, key: str, p: Problems) -> None:
    if spec.model(actor.model) is None:
        p.add(
            [key, "model"],
            "ref.unknown-model",
            f"actor {actor.name!r} authenticates against unknown model {actor.model!r}",
            [m.name for m in spec.models],
        )


def add_actor(spec: ProjectSpec, edit: AddActor, p: Problems) -> ProjectSpec:
    names = [a.name for a in spec.actors]
    problem = actor_problem(edit.actor.name)
    if problem:
        p.add(["actor", "name"], "name.actor", f"invalid actor name: {problem}", ALLOWED_ACTOR_NAME)
    if edit.actor.name in names:
        p.add(
            ["actor", "name"],
            "dup.actor",
            f"actor {edit.actor.name!r} already exists",
            names_other_than(names),
        )
    _check_actor_model(spec, edit.actor, "actor", p)
    check_position(p, edit.position, len(spec.actors), "the actor list")
    p.check()
    return with_actors(spec, inserted(spec.actors, edit.actor, edit.position))


def remove_actor(spec: ProjectSpec, edit: RemoveActor, p: Problems) -> ProjectSpec:
    i = find_actor(spec, edit.actor, p)
    return with_actors(spec, removed(spec.actors, i))


def rename_actor(spec: ProjectSpec, edit: RenameActor, p: Problems) -> ProjectSpec:
    i = find_actor(spec, edit.actor, p)
    old, new = edit.actor, edit.new_name
    names = [a.name for a in spec.actors]
    problem = actor_problem(new)
    if problem:
        p.add(["newName"], "name.actor", f"invalid actor name: {problem}", ALLOWED_ACTOR_NAME)
    new_name_taken(p, new, names, "dup.actor", "actor")
    refs = [op.endpoint for op in spec.operations if op.actor == new]
    if refs and new not in names:
        p.add(
            ["newName"],
            "change.name-referenced",
            f"{new!r} is already required by {', '.join(refs)}",
            names_other_than([*names, new]),
        )
    p.check()
    operations = [
        op.model_copy(update={"actor": new}) if op.actor == old else op for op in spec.operations
    ]
    actors = replaced(spec.actors, i, spec.actors[i].model_copy(update={"name": new}))
    return spec.model_copy(update={"operations": operations, "actors": actors})


def modify_actor(spec: ProjectSpec, edit: ModifyActor, p: Problems) -> ProjectSpec:
    i = find_actor(spec, edit.actor, p)
    if edit.definition.name != edit.actor:
        p.add(
            ["definition", "name"],
            "change.modify-renames",
            f"the new definition is called {edit.definition.name!r}, not {edit.actor!r}; "
            "rename an actor with renameActor",
            (edit.actor,),
        )
    _check_actor_model(spec, edit.definition, "definition", p)
    p.check()
    return with_actors(spec, replaced(spec.actors, i, edit.definition))
