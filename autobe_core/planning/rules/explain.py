"""Explanations of rule plans, in words a user can confirm.

The first line says what was understood and what the change adds or removes in one
sentence ("add model bbs_article_likes (belongs to bbs_articles, owned by member) and 3
operations"); the lines after it list every element, one per line.
"""

from __future__ import annotations

from autobe_core.planning.rules.words import join_words
from autobe_core.spec import expand
from autobe_core.spec.changeset import (
    AddActor,
    AddCreatedBy,
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    AddSoftDelete,
    AddTimestamps,
    ChangeSet,
    ClearDtoOverride,
    Edit,
    ModifyField,
    ModifyOperation,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameField,
    RenameModel,
    SetDtoOverride,
)
from autobe_core.spec.model import ForeignField, Model, Operation, PlainField, ProjectSpec

KIND_WORDS = {
    "create": "create",
    "at": "read one",
    "index": "list",
    "update": "update",
    "erase": "delete",
    "custom": "custom",
}


def describe_operation(op: Operation) -> str:
    who = f"by {op.actor}" if op.actor else "public"
    what = KIND_WORDS.get(op.kind, op.kind)
    return f"{op.method.upper()} {op.path} ({what}, {who})"


def describe_field(f: PlainField | ForeignField) -> str:
    if isinstance(f, ForeignField):
        extra = ", nullable" if f.nullable else ""
        return f"{f.name} -> {f.relation.target_model}{extra}"
    kind: str = f.type
    if f.format:
        kind = f"{f.type} ({f.format})"
    if f.enum:
        kind = "enum " + "/".join(f.enum)
    return f"{f.name}: {kind}{', nullable' if f.nullable else ''}"


def describe_model(spec: ProjectSpec, model: Model) -> str:
    actor_of = {a.model: a.name for a in spec.actors}
    owners = [
        actor_of[f.relation.target_model]
        for f in model.foreign_fields
        if f.relation.target_model in actor_of
    ]
    parents = [
        f.relation.target_model
        for f in model.foreign_fields
        if f.relation.target_model not in actor_of
        and f.relation.target_model != model.name
        and not f.nullable
    ]
    bits = []
    if parents:
        bits.append("belongs to " + join_words(list(dict.fromkeys(parents))))
    if owners:
        bits.append("owned by " + owners[0])
    return f"model {model.name}" + (f" ({', '.join(bits)})" if bits else "")


def headline(spec: ProjectSpec, edits: list[Edit]) -> str:
    """``add model X (...) and 5 operations``-style summary of a list of edits."""
    adds: list[str] = []
    removes: list[str] = []
    other: list[str] = []
    new_ops = sum(isinstance(e, AddOperation) for e in edits)
    gone_ops = sum(isinstance(e, RemoveOperation) for e in edits)
    new_fields = sum(isinstance(e, AddField | AddRelation) for e in edits)
    gone_fields = sum(isinstance(e, RemoveField | RemoveRelation) for e in edits)
    new_indexes = sum(isinstance(e, AddIndex) for e in edits)
    gone_indexes = sum(isinstance(e, RemoveIndex) for e in edits)
    for e in edits:
        if isinstance(e, AddModel):
            adds.append(describe_model(spec, e.model))
        elif isinstance(e, RemoveModel):
            removes.append(f"model {e.model}")
        elif isinstance(e, AddTimestamps | AddSoftDelete | AddCreatedBy | AddFieldEverywhere):
            adds.append(_cross_title(e))
        elif isinstance(e, RenameModel):
            other.append(f"rename model {e.model} to {e.new_name}")
        elif isinstance(e, RenameField):
            other.append(f"rename field {e.model}.{e.field} to {e.new_name}")
        elif isinstance(e, ModifyField):
            other.append(f"change field {e.model}.{e.field}")
        elif isinstance(e, ModifyOperation):
            other.append(f"change operation {e.method.upper()} {e.path}")
    for count, word, bucket in (
        (new_fields, "field", adds),
        (new_indexes, "index", adds),
        (new_ops, "operation", adds),
        (gone_fields, "field", removes),
        (gone_indexes, "index", removes),
        (gone_ops, "operation", removes),
    ):
        if count:
            plural = "indexes" if word == "index" else word + "s"
            bucket.append(f"{count} {word if count == 1 else plural}")
    parts = []
    if adds:
        parts.append("add " + join_words(adds))
    if removes:
        parts.append("remove " + join_words(removes))
    parts += other
    return "; ".join(parts) or "no edits"


def _cross_title(e: AddTimestamps | AddSoftDelete | AddCreatedBy | AddFieldEverywhere) -> str:
    where = f" in namespace {e.namespace}" if e.namespace else ""
    if isinstance(e, AddTimestamps):
        return f"timestamps (created_at, updated_at) to every model{where}"
    if isinstance(e, AddSoftDelete):
        return f"soft delete (deleted_at) to every model{where}"
    if isinstance(e, AddCreatedBy):
        return f"created_by_{e.actor}_id to every model{where}"
    return f"field {e.field.name} to every model{where}"


def details(spec: ProjectSpec, edits: list[Edit]) -> list[str]:
    """One line per element the edits touch (cross-cutting edits expanded)."""
    lines: list[str] = []
    concrete = expand(spec, ChangeSet(edits=edits))
    for e in concrete:
        if isinstance(e, AddModel):
            fields = [describe_field(f) for f in e.model.foreign_fields + e.model.plain_fields]
            lines.append(f"+ {describe_model(spec, e.model)}: " + "; ".join(fields))
            for u in e.model.unique_indexes:
                lines.append(f"  unique ({', '.join(u.field_names)})")
        elif isinstance(e, AddField | AddRelation):
            lines.append(f"+ field {e.model}.{describe_field(e.field)}")
        elif isinstance(e, AddIndex):
            lines.append(f"+ {e.kind} index on {e.model} ({', '.join(e.field_names)})")
        elif isinstance(e, AddOperation):
            lines.append(f"+ operation {describe_operation(e.operation)}")
        elif isinstance(e, AddActor):
            lines.append(f"+ actor {e.actor.name}")
        elif isinstance(e, RemoveModel):
            lines.append(f"- model {e.model}")
        elif isinstance(e, RemoveField | RemoveRelation):
            lines.append(f"- field {e.model}.{e.field}")
        elif isinstance(e, RemoveIndex):
            lines.append(f"- {e.kind} index on {e.model} ({', '.join(e.field_names)})")
        elif isinstance(e, RemoveOperation):
            op = next(
                (o for o in spec.operations if o.method == e.method and o.path == e.path), None
            )
            text = describe_operation(op) if op else f"{e.method.upper()} {e.path}"
            lines.append(f"- operation {text}")
        elif isinstance(e, SetDtoOverride):
            lines.append(f"~ {e.dto} DTO of {e.model}: {e.override.model_dump(exclude_none=True)}")
        elif isinstance(e, ClearDtoOverride):
            lines.append(f"~ {e.dto} DTO of {e.model}: default shape")
        elif isinstance(e, RenameModel):
            lines.append(f"~ rename model {e.model} -> {e.new_name}")
        elif isinstance(e, RenameField):
            lines.append(f"~ rename field {e.model}.{e.field} -> {e.new_name}")
        elif isinstance(e, ModifyField):
            lines.append(f"~ field {e.model}.{describe_field(e.definition)}")
        elif isinstance(e, ModifyOperation):
            lines.append(f"~ operation {describe_operation(e.operation)}")
        else:
            lines.append(f"~ {e.op}")
    return lines


def explain(spec: ProjectSpec, understood: str, edits: list[Edit], notes: list[str]) -> str:
    lines = [f"{understood}: {headline(spec, edits)}"]
    lines += ["  " + line for line in details(spec, edits)]
    lines += ["  note: " + n for n in notes]
    return "\n".join(lines)
