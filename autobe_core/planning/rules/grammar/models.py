"""The model forms: add (a model, or a resource with its CRUD operations), remove and
rename a model."""

from __future__ import annotations

import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.adapt import singular_name
from autobe_core.planning.rules.catalog.base import timestamps
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.fields import parse_field
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.operations import CRUD, grant
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.planning.rules.removal import Removal, plan_removal
from autobe_core.planning.rules.words import name_of, plural_snake
from autobe_core.spec.changeset import AddModel, Edit, RenameModel
from autobe_core.spec.model import (
    Actor,
    ForeignField,
    Model,
    PlainField,
    ProjectSpec,
    Relation,
    UniqueIndex,
)
from autobe_core.spec.naming import model_name_problem, pascal


@reads(
    Form(
        "add a model",
        "add model NAME [with FIELD, ...] [belonging to MODEL] [owned by ACTOR] [in NAMESPACE]",
        ("add model tags", "add model projects with name:string, budget:double"),
        "models",
    ),
    Form(
        "add a resource",
        "add resource NAME [with FIELD, ...]: a model and its CRUD operations",
        ("add resource polls with question:string belonging to articles",),
        "models",
    ),
)
def add_model(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"(?:add|create|new)\s+(?:a\s+|an\s+)?(?:new\s+)?(?P<what>model|table|entity|resource)"
        r"\s+(?:called\s+|named\s+)?(?P<name>[\w-]+)(?P<rest>.*)",
        text,
    )
    if not m:
        return None
    rest = m.group("rest").strip()
    name = _new_model_name(g, m.group("name"))
    parent: Model | None = None
    owner: Actor | None = None
    namespace: str | None = None
    fields_text = ""
    for part in re.split(
        r"\s*(?=\b(?:with|belonging\s+to|belongs\s+to|owned\s+by|under|in)\b)", rest
    ):
        part = part.strip()
        if not part:
            continue
        pm = re.fullmatch(r"(?:belonging\s+to|belongs\s+to|under)\s+(?P<m>.+)", part)
        om = re.fullmatch(r"owned\s+by\s+(?P<a>.+)", part)
        wm = re.fullmatch(r"with\s+(?P<f>.+)", part)
        nm = re.fullmatch(
            r"in\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[\w ]+?)(?:\s+namespace)?", part
        )
        if nm:
            raw = nm.group("ns")
            namespace = g.resolver.namespace(raw) or pascal(name_of(raw, "namespace"))
        elif pm:
            parent = g.resolver.model(pm.group("m"))
        elif om:
            owner = g.resolver.actor(om.group("a"))
        elif wm:
            fields_text = wm.group("f")
        else:
            raise NotUnderstood(
                f"cannot read {part!r} in {text!r}",
                [
                    "add model NAME with NAME:TYPE, NAME:TYPE",
                    "add model NAME belonging to MODEL",
                ],
            )
    fks: list[ForeignField] = []
    if parent is not None:
        fks.append(
            ForeignField(
                name=g.conv.fk_name(parent.name),
                relation=Relation(name=g.conv.relation_name(parent.name), target_model=parent.name),
            )
        )
    if owner is not None:
        fk = g.conv.fk_name(owner.model)
        if all(f.name != fk for f in fks):
            fks.append(
                ForeignField(name=fk, relation=Relation(name="owner", target_model=owner.model))
            )
    plain: list[PlainField] = []
    uniques: list[str] = []
    if fields_text and not re.fullmatch(
        r"crud|crud\s+operations|endpoints|operations", fields_text
    ):
        for chunk in re.split(r"\s*,\s*|\s+and\s+(?=[\w ]+:)|;\s*", fields_text):
            if not chunk.strip() or re.fullmatch(r"crud(?:\s+operations)?", chunk.strip()):
                continue
            req = parse_field(chunk)
            plain.append(req.field)
            if req.index == "unique":
                uniques.append(req.field.name)
    if _uses_timestamps(g.spec):
        plain += [f for f in timestamps() if f.name not in {p.name for p in plain}]
    model = Model(
        name=name,
        namespace=namespace or (parent.namespace if parent else g.conv.namespace_for(None)),
        foreign_fields=fks,
        plain_fields=plain,
        unique_indexes=[UniqueIndex(field_names=[u]) for u in uniques],
    )
    edits: list[Edit] = [AddModel(model=model)]
    notes: list[str] = []
    if not [p for p in plain if p.name not in ("created_at", "updated_at")]:
        notes.append(f"no fields yet: add some with 'add field NAME:TYPE to {name}'")
    crud = m.group("what") == "resource" or "crud" in fields_text
    if crud:
        granted = grant(Context(_with_model(g.spec, model)), model, owner or g.conv.owner, CRUD)
        edits += granted.edits
    return Planned(edits, f"add model {name}" + (" with CRUD operations" if crud else ""), notes)


def _with_model(spec: ProjectSpec, model: Model) -> ProjectSpec:
    return spec.model_copy(update={"models": [*spec.models, model]})


def _uses_timestamps(spec: ProjectSpec) -> bool:
    with_created = sum(1 for m in spec.models if m.plain("created_at") is not None)
    return with_created * 2 >= len(spec.models) if spec.models else True


def _new_model_name(g: Context, phrase: str) -> str:
    name = name_of(phrase, "model")
    name = plural_snake(singular_name(name))
    prefix = g.conv.prefix
    if prefix and not name.startswith(prefix):
        name = prefix + name
    problem = model_name_problem(name)
    if problem:
        raise NotUnderstood(f"{name!r} cannot be a model name: {problem}", [])
    if g.spec.model(name) is not None:
        raise NothingToDo(f"model {name} exists already")
    return name


@reads(
    Form(
        "remove a model",
        "remove model MODEL",
        ("remove model labels", "drop the table lists"),
        "models",
    )
)
def remove_model(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"(?:remove|delete|drop)\s+(?:the\s+)?(?:model|table|entity|resource)\s+(?P<name>.+)",
        text,
    )
    if not m:
        return None
    model = g.resolver.model(m.group("name"))
    plan = plan_removal(g.spec, Removal(models=[model.name]))
    notes = ["also removed, as it depended on it: " + d for d in plan.dependents]
    return Planned(plan.edits, f"remove model {model.name} and its operations", notes)


@reads(Form("rename a model", "rename [model] MODEL to NAME", ("rename labels to tags",), "models"))
def rename_model(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"rename\s+(?:the\s+)?(?:model\s+|table\s+|entity\s+|resource\s+)?(?P<old>.+?)\s+"
        r"(?:to|as|into)\s+(?P<new>[\w -]+)",
        text,
    )
    if not m:
        return None
    model = g.resolver.model(m.group("old"))
    new = name_of(m.group("new"), "model")
    prefix = g.conv.prefix
    if prefix and model.name.startswith(prefix) and not new.startswith(prefix):
        new = prefix + new
    problem = model_name_problem(new)
    if problem:
        raise NotUnderstood(f"{new!r} cannot be a model name: {problem}", [])
    if new == model.name:
        raise NothingToDo(f"model {model.name} already has that name")
    if g.spec.model(new) is not None:
        raise NotUnderstood(f"model {new} exists already", [new])
    return Planned(
        [RenameModel(model=model.name, new_name=new)], f"rename model {model.name} to {new}"
    )
