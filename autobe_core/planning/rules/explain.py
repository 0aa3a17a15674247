"""Explanations of rule plans, in words a user can confirm.

The first line says what was understood and what the change adds or removes in one
sentence ("add model bbs_article_likes (belongs to bbs_articles, owned by member) and 3
operations"); the lines after it list every element, one per line.

How each kind of edit is told is one row of :data:`DESCRIBERS` (edit class ->
:class:`Describer`: its part of the headline, its detail lines); a test checks that
every edit class has its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

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
from autobe_core.spec.model import ForeignField, Model, Operation, PlainField, ProjectSpec

KIND_WORDS = {
    "create": "create",
    "at": "read one",
    "index": "list",
    "update": "update",
    "erase": "delete",
    "custom": "custom",
    "change_password": "change password",
    "reset_request": "request a password reset",
    "reset_confirm": "reset the password",
    "verify_request": "request e-mail verification",
    "verify_confirm": "verify the e-mail",
    "logout": "sign out",
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


Bucket = Literal["add", "remove", "other"]
"""Where a part goes in the headline: ``add ...``, ``remove ...``, or a clause of its own."""


@dataclass(frozen=True)
class Part:
    """One edit's part of the headline: a named element ("model x"), or one more of a
    counted kind ("field": several are told as "3 fields")."""

    bucket: Bucket
    text: str
    counted: bool = False


COUNTED: tuple[tuple[Bucket, str], ...] = (
    ("add", "field"),
    ("add", "index"),
    ("add", "operation"),
    ("remove", "field"),
    ("remove", "index"),
    ("remove", "operation"),
)
"""The counted kinds, in the order the headline tells them (after the named elements)."""

E = TypeVar("E", bound=EditModel)


@dataclass(frozen=True)
class Describer(Generic[E]):
    """How one kind of edit is told: its part of the headline (None: no part) and its
    detail lines."""

    headline: Callable[[ProjectSpec, E], Part | None]
    details: Callable[[ProjectSpec, E], list[str]]


def _entry(
    cls: type[E],
    headline: Callable[[ProjectSpec, E], Part | None],
    details: Callable[[ProjectSpec, E], list[str]],
) -> tuple[type[EditModel], Describer[Any]]:
    """One row of :data:`DESCRIBERS`; the type checker sees that both functions take
    ``cls``."""
    return cls, Describer(headline, details)


def _counted(bucket: Bucket, word: str) -> Callable[[ProjectSpec, EditModel], Part]:
    part = Part(bucket, word, counted=True)
    return lambda spec, e: part


def _no_part(spec: ProjectSpec, e: EditModel) -> None:
    return None


def _op_line(spec: ProjectSpec, e: Edit) -> list[str]:
    """The edit's op alone (edits with nothing more to say here)."""
    return [f"~ {e.op}"]


def _cross_title(
    spec: ProjectSpec, e: AddTimestamps | AddSoftDelete | AddCreatedBy | AddFieldEverywhere
) -> Part:
    where = f" in namespace {e.namespace}" if e.namespace else ""
    if isinstance(e, AddTimestamps):
        text = f"timestamps (created_at, updated_at) to every model{where}"
    elif isinstance(e, AddSoftDelete):
        text = f"soft delete (deleted_at) to every model{where}"
    elif isinstance(e, AddCreatedBy):
        text = f"created_by_{e.actor}_id to every model{where}"
    else:
        text = f"field {e.field.name} to every model{where}"
    return Part("add", text)


def _add_model_lines(spec: ProjectSpec, e: AddModel) -> list[str]:
    fields = [describe_field(f) for f in e.model.foreign_fields + e.model.plain_fields]
    lines = [f"+ {describe_model(spec, e.model)}: " + "; ".join(fields)]
    lines += [f"  unique ({', '.join(u.field_names)})" for u in e.model.unique_indexes]
    return lines


def _remove_operation_lines(spec: ProjectSpec, e: RemoveOperation) -> list[str]:
    op = next((o for o in spec.operations if o.method == e.method and o.path == e.path), None)
    text = describe_operation(op) if op else f"{e.method.upper()} {e.path}"
    return [f"- operation {text}"]


def _set_dto_lines(spec: ProjectSpec, e: SetDtoOverride) -> list[str]:
    return [f"~ {e.dto} DTO of {e.model}: {e.override.model_dump(exclude_none=True)}"]


DESCRIBERS: dict[type[EditModel], Describer[Any]] = dict(
    [
        _entry(ModifyProject, _no_part, _op_line),
        _entry(AddModel, lambda s, e: Part("add", describe_model(s, e.model)), _add_model_lines),
        _entry(
            RemoveModel,
            lambda s, e: Part("remove", f"model {e.model}"),
            lambda s, e: [f"- model {e.model}"],
        ),
        _entry(
            RenameModel,
            lambda s, e: Part("other", f"rename model {e.model} to {e.new_name}"),
            lambda s, e: [f"~ rename model {e.model} -> {e.new_name}"],
        ),
        _entry(ModifyModel, _no_part, _op_line),
        _entry(
            AddField,
            _counted("add", "field"),
            lambda s, e: [f"+ field {e.model}.{describe_field(e.field)}"],
        ),
        _entry(
            RemoveField, _counted("remove", "field"), lambda s, e: [f"- field {e.model}.{e.field}"]
        ),
        _entry(
            RenameField,
            lambda s, e: Part("other", f"rename field {e.model}.{e.field} to {e.new_name}"),
            lambda s, e: [f"~ rename field {e.model}.{e.field} -> {e.new_name}"],
        ),
        _entry(
            ModifyField,
            lambda s, e: Part("other", f"change field {e.model}.{e.field}"),
            lambda s, e: [f"~ field {e.model}.{describe_field(e.definition)}"],
        ),
        _entry(
            AddRelation,
            _counted("add", "field"),
            lambda s, e: [f"+ field {e.model}.{describe_field(e.field)}"],
        ),
        _entry(
            RemoveRelation,
            _counted("remove", "field"),
            lambda s, e: [f"- field {e.model}.{e.field}"],
        ),
        _entry(
            AddIndex,
            _counted("add", "index"),
            lambda s, e: [f"+ {e.kind} index on {e.model} ({', '.join(e.field_names)})"],
        ),
        _entry(
            RemoveIndex,
            _counted("remove", "index"),
            lambda s, e: [f"- {e.kind} index on {e.model} ({', '.join(e.field_names)})"],
        ),
        _entry(
            AddOperation,
            _counted("add", "operation"),
            lambda s, e: [f"+ operation {describe_operation(e.operation)}"],
        ),
        _entry(RemoveOperation, _counted("remove", "operation"), _remove_operation_lines),
        _entry(
            ModifyOperation,
            lambda s, e: Part("other", f"change operation {e.method.upper()} {e.path}"),
            lambda s, e: [f"~ operation {describe_operation(e.operation)}"],
        ),
        _entry(SetDtoOverride, _no_part, _set_dto_lines),
        _entry(
            ClearDtoOverride,
            _no_part,
            lambda s, e: [f"~ {e.dto} DTO of {e.model}: default shape"],
        ),
        _entry(AddActor, _no_part, lambda s, e: [f"+ actor {e.actor.name}"]),
        _entry(RemoveActor, _no_part, _op_line),
        _entry(RenameActor, _no_part, _op_line),
        _entry(ModifyActor, _no_part, _op_line),
        # Cross-cutting edits are expanded before the details are told (see details()).
        _entry(AddFieldEverywhere, _cross_title, _op_line),
        _entry(AddTimestamps, _cross_title, _op_line),
        _entry(AddSoftDelete, _cross_title, _op_line),
        _entry(AddCreatedBy, _cross_title, _op_line),
    ]
)
"""Edit class -> how it is told (every class of ``ConcreteEdit`` and ``CrossCuttingEdit``)."""


def describer(edit: EditModel) -> Describer[Any]:
    return DESCRIBERS[type(edit)]


def headline(spec: ProjectSpec, edits: list[Edit]) -> str:
    """``add model X (...) and 5 operations``-style summary of a list of edits."""
    named: dict[Bucket, list[str]] = {"add": [], "remove": [], "other": []}
    counts: dict[tuple[Bucket, str], int] = dict.fromkeys(COUNTED, 0)
    for e in edits:
        part = describer(e).headline(spec, e)
        if part is None:
            continue
        if part.counted:
            counts[(part.bucket, part.text)] += 1
        else:
            named[part.bucket].append(part.text)
    for (bucket, word), count in counts.items():
        if count:
            plural = "indexes" if word == "index" else word + "s"
            named[bucket].append(f"{count} {word if count == 1 else plural}")
    parts = []
    if named["add"]:
        parts.append("add " + join_words(named["add"]))
    if named["remove"]:
        parts.append("remove " + join_words(named["remove"]))
    parts += named["other"]
    return "; ".join(parts) or "no edits"


def details(spec: ProjectSpec, edits: list[Edit]) -> list[str]:
    """One line per element the edits touch (cross-cutting edits expanded)."""
    lines: list[str] = []
    for e in expand(spec, ChangeSet(edits=edits)):
        lines += describer(e).details(spec, e)
    return lines


def explain(spec: ProjectSpec, understood: str, edits: list[Edit], notes: list[str]) -> str:
    lines = [f"{understood}: {headline(spec, edits)}"]
    lines += ["  " + line for line in details(spec, edits)]
    lines += ["  note: " + n for n in notes]
    return "\n".join(lines)
