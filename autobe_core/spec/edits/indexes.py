"""Applying index edits: unique, plain and gin indexes, addressed by kind and field list."""

from __future__ import annotations

from autobe_core.spec.changeset import AddIndex, RemoveIndex
from autobe_core.spec.edits.support import (
    Problems,
    check_position,
    find_model,
    inserted,
    removed,
    replaced,
    with_models,
)
from autobe_core.spec.model import GinIndex, Model, PlainIndex, ProjectSpec, UniqueIndex


def _index_lists(model: Model) -> dict[str, list[list[str]]]:
    return {
        "unique": [ix.field_names for ix in model.unique_indexes],
        "plain": [ix.field_names for ix in model.plain_indexes],
        "gin": [[ix.field_name] for ix in model.gin_indexes],
    }


def add_index(spec: ProjectSpec, edit: AddIndex, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    fields = model.field_names()
    names = edit.field_names
    if not names:
        p.add(["fieldNames"], "index.empty", "an index names at least one field", fields)
    for k, name in enumerate(names):
        if name not in fields:
            p.add(
                ["fieldNames", k],
                "ref.unknown-field",
                f"model {model.name!r} has no field {name!r}",
                fields,
            )
        elif name in names[:k]:
            p.add(["fieldNames", k], "index.repeated-field", f"{name!r} appears twice", fields)
    existing = _index_lists(model)[edit.kind]
    if edit.kind == "gin":
        strings = [f.name for f in model.plain_fields if f.type in ("string", "uri")]
        if len(names) != 1:
            p.add(
                ["fieldNames"], "index.gin-fields", "a gin index is on exactly one field", strings
            )
        elif names[0] in fields and names[0] not in strings:
            p.add(
                ["fieldNames", 0],
                "index.gin-type",
                f"a gin index needs a string field, {names[0]!r} is not",
                strings,
            )
    if names in existing:
        p.add(
            ["fieldNames"],
            "dup.index",
            f"model {model.name!r} already has the {edit.kind} index ({', '.join(names)})",
            ("one index per field list",),
        )
    check_position(p, edit.position, len(existing), f"the {edit.kind} indexes of {model.name}")
    p.check()
    if edit.kind == "unique":
        update: dict[str, object] = {
            "unique_indexes": inserted(
                model.unique_indexes, UniqueIndex(field_names=list(names)), edit.position
            )
        }
    elif edit.kind == "plain":
        update = {
            "plain_indexes": inserted(
                model.plain_indexes, PlainIndex(field_names=list(names)), edit.position
            )
        }
    else:
        update = {
            "gin_indexes": inserted(model.gin_indexes, GinIndex(field_name=names[0]), edit.position)
        }
    return with_models(spec, replaced(spec.models, i, model.model_copy(update=update)))


def index_position(model: Model, kind: str, names: list[str]) -> int | None:
    lists = _index_lists(model)[kind]
    return lists.index(names) if names in lists else None


def remove_index(spec: ProjectSpec, edit: RemoveIndex, p: Problems) -> ProjectSpec:
    i = find_model(spec, edit.model, p)
    model = spec.models[i]
    k = index_position(model, edit.kind, edit.field_names)
    if k is None:
        raise p.fail(
            ["fieldNames"],
            "ref.unknown-index",
            f"model {model.name!r} has no {edit.kind} index ({', '.join(edit.field_names)})",
            [f"[{', '.join(names)}]" for names in _index_lists(model)[edit.kind]],
        )
    attr = {"unique": "unique_indexes", "plain": "plain_indexes", "gin": "gin_indexes"}[edit.kind]
    update = {attr: removed(getattr(model, attr), k)}
    return with_models(spec, replaced(spec.models, i, model.model_copy(update=update)))
