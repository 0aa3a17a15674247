"""The field forms: add a field (to a model, or to every model of a scope), remove,
rename, make a field unique / optional / required / indexed, add an index."""

from __future__ import annotations

import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.fields import FieldRequest, parse_field
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.planning.rules.grammar.suggest import closest
from autobe_core.planning.rules.removal import Removal, index_entries, plan_removal
from autobe_core.planning.rules.words import name_of, tokens
from autobe_core.spec.changeset import (
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddRelation,
    Edit,
    IndexKind,
    ModifyField,
    RemoveIndex,
    RenameField,
)
from autobe_core.spec.model import ForeignField, Model, PlainField, Relation
from autobe_core.spec.naming import field_problem

ADJ_INDEX: dict[str, IndexKind] = {"unique": "unique", "indexed": "plain", "searchable": "gin"}
"""``make FIELD of MODEL ADJ`` -> the kind of index it adds."""

_ADJ = (
    r"(?P<adj>not\s+unique|non-unique|unique|optional|nullable|required|mandatory|not\s+null|"
    r"non-nullable|indexed|searchable)"
)
_ADD = r"add\s+(?P<spec>.+?)\s+(?:to|on|in|for)\s+(?P<m>.+)"

# --------------------------------------------------------------------------- add


@reads(
    Form(
        "add a field",
        "add [field] FIELD to MODEL (FIELD: NAME:TYPE, or words)",
        (
            "add field estimate:int to items",
            "add a nullable due date to lists",
            "add status enum open/closed to lists",
            "add an email field contact_email to users",
            "add a unique field code:string to labels",
        ),
        "fields",
    ),
    Form(
        "add a field everywhere",
        "add field FIELD to every model [in NAMESPACE]",
        ("add field note:text to every model",),
        "fields",
    ),
)
def add_field_explicit(g: Context, text: str) -> Planned | None:
    """``add field ...`` / ``add NAME:TYPE ...``: the words say it is a field."""
    m = re.fullmatch(_ADD, text)
    if not m:
        return None
    spec = m.group("spec")
    if not (re.search(r"\b(?:field|column|attribute|property)\b", spec) or ":" in spec):
        return None
    return _add_field(g, spec, m.group("m"))


@reads("add a field")
def add_field_implicit(g: Context, text: str) -> Planned | None:
    """A bare ``add X to MODEL`` (tried after the catalog): a field when the words
    describe one."""
    m = re.fullmatch(_ADD, text)
    if not m:
        return None
    try:
        model, _, _ = g.scope(m.group("m"))
        req = parse_field(m.group("spec"))
    except NotUnderstood:
        return None
    if not req.explicit:
        where = model.name if model else "MODEL"
        example = f"add field {req.field.name}:string to {where}"
        raise NotUnderstood(
            f"the rules do not understand {text!r}; if you meant a text field, say {example!r}",
            [f"{example} (add a field)", *closest(text)],
        )
    return _add_field(g, m.group("spec"), m.group("m"))


def _add_field(g: Context, spec_text: str, where: str) -> Planned:
    req: FieldRequest = parse_field(spec_text)
    model, namespace, _ = g.scope(where)
    return add_field_to(g, req, model, namespace)


def add_field_to(
    g: Context, req: FieldRequest, model: Model | None, namespace: str | None = None
) -> Planned:
    """Add the field ``req`` describes to ``model`` (None: every model of ``namespace``,
    or of the project). Existing models have rows: the field is nullable unless the
    words said required (a default given fills the rows instead)."""
    f = req.field
    if not req.required and f.default is None:
        f = f.model_copy(update={"nullable": True})
    if model is None:
        scope_text = f"every model in {namespace}" if namespace else "every model"
        if req.index is not None:
            raise NotUnderstood("an index on a field of every model is not supported", [])
        return Planned(
            [AddFieldEverywhere(field=f, namespace=namespace)],
            f"add field {f.name} to {scope_text}",
        )
    if f.name in model.field_names():
        raise NothingToDo(f"{model.name} has a field {f.name} already")
    edits: list[Edit]
    if f.type == "uuid" and f.name.endswith("_id"):
        target = g.resolver.find_model(f.name[:-3])
        if target is not None:
            fk = ForeignField(
                name=f.name,
                nullable=f.nullable,
                relation=Relation(name=g.conv.relation_name(target.name), target_model=target.name),
            )
            edits = [AddRelation(model=model.name, field=fk)]
        else:
            edits = [AddField(model=model.name, field=f)]
    else:
        edits = [AddField(model=model.name, field=f)]
    if req.index is not None:
        edits += [AddIndex(model=model.name, kind=req.index, field_names=[f.name])]
    return Planned(edits, f"add field {f.name} to {model.name}")


# --------------------------------------------------------------------------- remove


@reads(
    Form(
        "remove a field",
        "remove [field] FIELD from MODEL",
        ("remove field notes from items", "drop the color column of labels", "remove items.notes"),
        "fields",
    )
)
def remove_field_explicit(g: Context, text: str) -> Planned | None:
    """``remove field F from M`` / ``remove M.F``."""
    m = re.fullmatch(
        r"(?:remove|delete|drop)\s+(?:the\s+)?(?:field|column|attribute|property)\s+(?P<f>.+?)"
        r"\s+(?:from|of|in|on)\s+(?P<m>.+)",
        text,
    )
    if m:
        model = g.resolver.model(m.group("m"))
        return remove_field(g, model, g.resolver.field(model, m.group("f")))
    m = re.fullmatch(
        r"(?:remove|delete|drop)\s+(?:the\s+)?(?:field\s+|column\s+)?(?P<m>[\w-]+)\.(?P<f>[\w-]+)",
        text,
    )
    if m:
        model = g.resolver.model(m.group("m"))
        return remove_field(g, model, g.resolver.field(model, m.group("f")))
    return None


@reads("remove a field")
def remove_field_implicit(g: Context, text: str) -> Planned | None:
    """A bare ``remove X from MODEL`` (tried last): a field when MODEL has one named X."""
    m = re.fullmatch(
        r"(?:remove|delete|drop)\s+(?:the\s+)?(?P<f>.+?)\s+(?:from|of|in|on)\s+(?P<m>.+)", text
    )
    if not m:
        return None
    try:
        model = g.resolver.model(m.group("m"))
        name = g.resolver.field(model, m.group("f"))
    except NotUnderstood:
        return None
    return remove_field(g, model, name)


def remove_field(g: Context, model: Model, name: str) -> Planned:
    """Remove ``model.name`` and what depends on it."""
    if name == model.primary_field.name:
        raise NotUnderstood(f"{model.name}.{name} is the primary key", [])
    plan = plan_removal(g.spec, Removal(fields=[(model.name, name)]))
    notes = ["also removed, as it depended on it: " + d for d in plan.dependents]
    return Planned(plan.edits, f"remove field {model.name}.{name}", notes)


# --------------------------------------------------------------------------- rename / make


def model_field(g: Context, phrase: str) -> tuple[Model, str]:
    """``F of M`` / ``M.F`` / ``M's F`` / ``M F`` -> the model and field name."""
    phrase = phrase.strip()
    m = re.fullmatch(
        r"(?:the\s+)?(?:field\s+|column\s+)?(?P<f>.+?)\s+(?:of|in|on|from)\s+(?P<m>.+)", phrase
    )
    if m:
        model = g.resolver.model(m.group("m"))
        return model, g.resolver.field(model, m.group("f"))
    m = re.fullmatch(r"(?:the\s+)?(?:field\s+)?(?P<m>[\w-]+)\.(?P<f>[\w-]+)", phrase)
    if m:
        model = g.resolver.model(m.group("m"))
        return model, g.resolver.field(model, m.group("f"))
    words = tokens(phrase.replace("'s ", " ").replace("' ", " "))
    errors: list[NotUnderstood] = []
    for k in range(1, len(words)):
        found = g.resolver.find_model(" ".join(words[:k]))
        if found is None:
            continue
        try:
            return found, g.resolver.field(found, " ".join(words[k:]))
        except NotUnderstood as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
    raise NotUnderstood(
        f"cannot tell which field {phrase!r} means; write FIELD of MODEL or MODEL.FIELD",
        ["make email of users unique", "make users.email unique"],
    )


@reads(
    Form(
        "rename a field",
        "rename field FIELD of MODEL to NAME",
        ("rename field title of lists to name", "rename items.notes to details"),
        "fields",
    )
)
def rename_field(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"rename\s+(?:the\s+)?(?:field|column|attribute|property)\s+(?P<f>.+?)\s+to\s+"
        r"(?P<new>[\w-]+)(?:\s+(?:of|in|on)\s+(?P<m>.+))?",
        text,
    )
    target = None
    if m and m.group("m"):
        model = g.resolver.model(m.group("m"))
        target = (model, g.resolver.field(model, m.group("f")))
    elif m:
        target = model_field(g, m.group("f"))
    else:
        m = re.fullmatch(r"rename\s+(?:the\s+)?(?P<f>.+?)\s+to\s+(?P<new>[\w-]+)", text)
        if not m:
            return None
        f = m.group("f")
        if not (re.search(r"\s(?:of|in|on)\s", f) or re.fullmatch(r"[\w-]+\.[\w-]+", f)):
            return None
        try:
            target = model_field(g, f)
        except NotUnderstood:
            if re.fullmatch(r"[\w-]+\.[\w-]+", f):
                raise
            return None
    model, field = target
    new = name_of(m.group("new"), "field")
    problem = field_problem(new)
    if problem:
        raise NotUnderstood(f"{new!r} cannot be a field name: {problem}", [])
    if new in model.field_names():
        raise NotUnderstood(f"{model.name} has a field {new} already", [f"{model.name}.{new}"])
    return Planned(
        [RenameField(model=model.name, field=field, new_name=new)],
        f"rename field {model.name}.{field} to {new}",
    )


@reads(
    Form(
        "make a field unique / optional / required",
        "make FIELD of MODEL unique | not unique | optional | required | indexed | searchable",
        ("make color of labels unique", "make notes of items required"),
        "fields",
    )
)
def make(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(rf"make\s+(?P<what>.+?)\s+{_ADJ}", text)
    if not m:
        return None
    model, name = model_field(g, m.group("what"))
    return make_field(g, model, name, re.sub(r"\s+", " ", m.group("adj")))


def make_field(g: Context, model: Model, name: str, adj: str) -> Planned:
    """Make ``model.name`` unique / not unique / optional / required / indexed /
    searchable."""
    understood = f"make {model.name}.{name} {adj}"
    if adj in ("unique", "indexed", "searchable"):
        kind = ADJ_INDEX[adj]
        return Planned(_add_index(model, kind, [name]), understood)
    if adj in ("not unique", "non-unique"):
        if ("unique", (name,)) not in set(index_entries(model)):
            raise NothingToDo(f"{model.name}.{name} has no unique index of its own")
        return Planned(
            [RemoveIndex(model=model.name, kind="unique", field_names=[name])], understood
        )
    nullable = adj in ("optional", "nullable")
    current: PlainField | ForeignField | None = model.plain(name) or model.foreign(name)
    if current is None:
        raise NotUnderstood(f"{model.name}.{name} cannot be made {adj}", [])
    if current.nullable == nullable:
        raise NothingToDo(f"{model.name}.{name} is {adj} already")
    if name in ("deleted_at",) and not nullable:
        raise NotUnderstood(
            f"{model.name}.deleted_at marks soft deletion and must stay nullable", []
        )
    definition = current.model_copy(update={"nullable": nullable})
    return Planned([ModifyField(model=model.name, field=name, definition=definition)], understood)


# --------------------------------------------------------------------------- index


@reads(
    Form(
        "add an index",
        "index MODEL by FIELD[, FIELD] / add [unique | search] index on MODEL (FIELDS)",
        (
            "index items by due_at",
            "add an index on items (status, due_at)",
            "add a search index on articles (title)",
        ),
        "fields",
    )
)
def index(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(r"index\s+(?P<m>.+?)\s+(?:by|on)\s+(?P<fs>.+)", text)
    kind: IndexKind = "plain"
    if m:
        model = g.resolver.model(m.group("m"))
        fields_text = m.group("fs")
    else:
        m = re.fullmatch(
            r"(?:add|create)\s+(?:a\s+|an\s+)?(?P<k>unique\s+|search\s+|text\s+|gin\s+|"
            r"full[- ]text\s+|plain\s+)?index\s+(?:on|to|for|of)\s+(?P<rest>.+)",
            text,
        )
        if not m:
            return None
        k = (m.group("k") or "").strip()
        kind = (
            "unique"
            if k == "unique"
            else "gin"
            if k in ("search", "text", "gin", "full-text", "full text")
            else "plain"
        )
        rest = m.group("rest")
        pm = (
            re.fullmatch(r"(?P<m>[\w -]+?)\s*\((?P<fs>[^)]*)\)", rest)
            or re.fullmatch(r"(?P<m>.+?)\s+(?:by|on|over)\s+(?P<fs>.+)", rest)
            or re.fullmatch(r"(?P<fs>.+?)\s+(?:of|in)\s+(?P<m>.+)", rest)
        )
        if pm:
            model = g.resolver.model(pm.group("m"))
            fields_text = pm.group("fs")
        else:
            dm = re.fullmatch(r"(?P<m>[\w-]+)\.(?P<f>[\w-]+)", rest)
            if dm:
                model = g.resolver.model(dm.group("m"))
                fields_text = dm.group("f")
            else:
                model, name = model_field(g, rest)
                fields_text = name
    names = [
        g.resolver.field(model, f)
        for f in re.split(r"\s*,\s*|\s+and\s+|\s*\+\s*|\s+then\s+", fields_text.strip())
        if f.strip()
    ]
    label = {"unique": "a unique index", "gin": "a search (gin) index", "plain": "an index"}
    return Planned(
        _add_index(model, kind, names),
        f"add {label[kind]} on {model.name} ({', '.join(names)})",
    )


def _add_index(model: Model, kind: IndexKind, names: list[str]) -> list[Edit]:
    if (kind, tuple(names)) in set(index_entries(model)):
        raise NothingToDo(f"{model.name} has that {kind} index already")
    if kind == "gin":
        return [AddIndex(model=model.name, kind="gin", field_names=[n]) for n in names]
    return [AddIndex(model=model.name, kind=kind, field_names=names)]
