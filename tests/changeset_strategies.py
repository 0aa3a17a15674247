"""Hypothesis strategies for random *valid* changes to a given valid spec.

Each change is 1-3 actions; an action is one or a few edits that keep the spec valid
and the generated backend sensible:

- add a plain field (string/int/boolean/double/datetime, nullable or required) with a
  fresh name to a random model;
- remove a plain field nothing refers to, or a nullable foreign field nothing binds
  and no actor owns rows by;
- rename a field (not an auto field, not one a parameter binds by convention) or a
  model no actor authenticates against, to a fresh valid name;
- toggle a plain field's nullable;
- add a plain index;
- add a model with a required foreign key (to an existing non-actor model or to the
  member actor's model) together with create/at/index/update/erase operations in the
  style of the fixtures' paths, required by the member actor;
- remove an operation that is not join/login/refresh;
- addTimestamps / addSoftDelete on a namespace.

Every action is drawn against the spec the previous ones left. The strategies thread
the spec with :func:`autobe_core.spec.edits.engine.run` (no validation), so the tests'
``check(spec, changeset) == []`` really judges what the strategies produce.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from autobe_core.spec.changeset import (
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddSoftDelete,
    AddTimestamps,
    ChangeSet,
    Edit,
    ModifyField,
    RemoveField,
    RemoveOperation,
    RemoveRelation,
    RenameField,
    RenameModel,
)
from autobe_core.spec.edits.engine import apply, run
from autobe_core.spec.edits.fields import field_uses
from autobe_core.spec.edits.support import taken_attribute_names
from autobe_core.spec.model import (
    Actor,
    FieldType,
    ForeignField,
    HttpMethod,
    Model,
    Operation,
    OperationKind,
    Parameter,
    PlainField,
    ProjectSpec,
    Relation,
)
from autobe_core.spec.naming import dto_base, singular
from autobe_core.spec.semantics import AUTO_FIELDS, owner_field, param_bindings

FIELD_TYPES: tuple[FieldType, ...] = ("string", "int", "boolean", "double", "datetime")
DEFAULTS: dict[str, Any] = {
    "string": "x", "uri": "https://example.com", "int": 0, "double": 0.0, "decimal": 0,
    "boolean": False, "datetime": "now",
}
"""A default per type, for a required field added to a table that has rows."""
FIELD_WORDS = (
    "estimate",
    "rank",
    "headline",
    "budget",
    "mood",
    "weight_kg",
    "starts_on",
    "is_public",
    "remark",
    "tally",
    "rating",
    "effort",
    "subtitle",
    "color_hex",
    "ordinal",
    "progress",
    "confidence",
    "reviewed_at",
)
"""Fresh field names: valid, not auto fields, not paging keys, not ending in ``_id``."""

MODEL_WORDS = (
    "widgets",
    "gadgets",
    "tickets",
    "reminders",
    "bookmarks",
    "journals",
    "folders",
    "memos",
    "entries",
    "records",
)
CRUD: tuple[OperationKind, ...] = ("create", "at", "index", "update", "erase")
METHODS: dict[str, HttpMethod] = {
    "create": "post",
    "at": "get",
    "index": "patch",
    "update": "put",
    "erase": "delete",
}
AUTH_KINDS = ("join", "login", "refresh")

Action = list[Edit]


# --------------------------------------------------------------------------- helpers


def member_actor(spec: ProjectSpec) -> Actor | None:
    """The member (or, failing that, any) actor whose model exists."""
    actors = [a for a in spec.actors if spec.model(a.model) is not None]
    return next((a for a in actors if a.kind == "member"), actors[0] if actors else None)


def _fresh(words: tuple[str, ...], taken: set[str], draw: st.DrawFn) -> str:
    free = [w for w in words if w not in taken]
    if free:
        return draw(st.sampled_from(free))
    base = draw(st.sampled_from(words))
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _fresh_field(model: Model, draw: st.DrawFn) -> str:
    return _fresh(FIELD_WORDS, set(taken_attribute_names(model)), draw)


def _implicitly_bound(spec: ProjectSpec, model: Model, name: str) -> bool:
    """A path parameter selects the field by naming convention (no ``binds``)."""
    for op in spec.operations:
        if op.model != model.name:
            continue
        explicit = {p.name for p in op.parameters if p.binds is not None}
        if any(f == name and p not in explicit for p, f in param_bindings(spec, op)):
            return True
    return False


def _model_prefix(spec: ProjectSpec) -> str:
    return f"{spec.name}_"


def _path_base(spec: ProjectSpec, actor: Actor) -> str:
    """``/todo/user`` for the todo fixture: the first two segments of a path the actor
    uses, as the fixtures write them."""
    for op in spec.operations:
        segments = op.path.strip("/").split("/")
        if op.actor == actor.name and op.kind not in AUTH_KINDS and len(segments) >= 2:
            return f"/{segments[0]}/{segments[1]}"
    return f"/{spec.name}/{actor.name}"


# --------------------------------------------------------------------------- actions


@st.composite
def add_plain_field(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    model = draw(st.sampled_from(spec.models))
    ftype = draw(st.sampled_from(FIELD_TYPES))
    field: dict[str, Any] = {
        "name": _fresh_field(model, draw),
        "type": ftype,
        "nullable": draw(st.booleans()),
    }
    if ftype == "string" and draw(st.booleans()):
        field["max_length"] = draw(st.sampled_from((40, 200, 2000)))
    if not field["nullable"]:  # the table has rows: a required field needs a default
        field["default"] = DEFAULTS[ftype]
    return [AddField(model=model.name, field=PlainField(**field))]


@st.composite
def remove_field(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    candidates: list[Edit] = []
    for model in spec.models:
        for p in model.plain_fields:
            if not field_uses(spec, model, p.name):
                candidates.append(RemoveField(model=model.name, field=p.name))
        for f in model.foreign_fields:
            if (
                f.nullable
                and not field_uses(spec, model, f.name)
                and not _implicitly_bound(spec, model, f.name)
                and all(owner_field(spec, model, a) != f.name for a in spec.actors)
                and not any(
                    f.name == bound
                    for op in spec.operations
                    if op.model == model.name
                    for _, bound in param_bindings(spec, op)
                )
            ):
                candidates.append(RemoveRelation(model=model.name, field=f.name))
    return [draw(st.sampled_from(candidates))] if candidates else []


@st.composite
def rename_field(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    candidates = [
        (model, name)
        for model in spec.models
        for name in [f.name for f in model.foreign_fields] + [p.name for p in model.plain_fields]
        if name not in AUTO_FIELDS and not _implicitly_bound(spec, model, name)
    ]
    if not candidates:
        return []
    model, name = draw(st.sampled_from(candidates))
    return [RenameField(model=model.name, field=name, new_name=_fresh_field(model, draw))]


@st.composite
def rename_model(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    actor_models = {a.model for a in spec.actors}
    candidates = [m for m in spec.models if m.name not in actor_models]
    if not candidates:
        return []
    model = draw(st.sampled_from(candidates))
    word = _fresh_model_word(spec, draw)
    return [RenameModel(model=model.name, new_name=_model_prefix(spec) + word)]


def _fresh_model_word(spec: ProjectSpec, draw: st.DrawFn) -> str:
    """A plural word that no model name, derived class name or path segment uses yet."""
    prefix = _model_prefix(spec)
    classes = {dto_base(m) for m in spec.models}
    segments = {seg for op in spec.operations for seg in op.path.strip("/").split("/")}
    taken = {
        word
        for word in MODEL_WORDS
        if spec.model(prefix + word) is not None
        or dto_base(Model(name=prefix + word)) in classes
        or word in segments
    }
    taken |= {m.name.removeprefix(prefix) for m in spec.models}
    return _fresh(MODEL_WORDS, taken | segments, draw)


@st.composite
def toggle_nullable(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    candidates = [
        (model, p)
        for model in spec.models
        for p in model.plain_fields
        if p.name not in AUTO_FIELDS
        and not any("actor" in use for use in field_uses(spec, model, p.name))
        and not (p.nullable and p.type == "uuid")  # a uuid field takes no default
    ]
    if not candidates:
        return []
    model, p = draw(st.sampled_from(candidates))
    update: dict[str, Any] = {"nullable": not p.nullable}
    if p.nullable and p.default is None:  # NULLs in the rows need a value to become
        update["default"] = _default_for(p)
    definition = p.model_copy(update=update)
    return [ModifyField(model=model.name, field=p.name, definition=definition)]


def _default_for(p: PlainField) -> Any:
    """A default ``p``'s own constraints accept."""
    if p.enum:
        return p.enum[0]
    if p.type in ("string", "uri"):
        return "x" * max(1, p.min_length or 0)
    if p.type in ("int", "double", "decimal"):
        low = p.minimum if p.minimum is not None else 0
        return int(low) if p.type == "int" else float(low)
    return DEFAULTS[p.type]


@st.composite
def add_plain_index(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    candidates = [m for m in spec.models if m.plain_fields]
    if not candidates:
        return []
    model = draw(st.sampled_from(candidates))
    names = draw(
        st.lists(
            st.sampled_from([p.name for p in model.plain_fields]),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    if names in [ix.field_names for ix in model.plain_indexes]:
        return []
    return [AddIndex(model=model.name, kind="plain", field_names=names)]


@st.composite
def add_model_with_operations(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    actor = member_actor(spec)
    if actor is None:
        return []
    actor_models = {a.model for a in spec.actors}
    targets = [actor.model] + [m.name for m in spec.models if m.name not in actor_models]
    target = draw(st.sampled_from(targets))
    word = _fresh_model_word(spec, draw)
    name = _model_prefix(spec) + word
    target_model = spec.model(target)
    assert target_model is not None
    if target == actor.model:
        foreign = ForeignField(
            name=f"{actor.name}_id", relation=Relation(name="owner", target_model=target)
        )
        namespace = next(
            (m.namespace for m in spec.models if m.name not in actor_models), "Default"
        )
    else:
        parts = target.split("_")
        parts[-1] = singular(parts[-1])
        foreign = ForeignField(
            name="_".join(parts) + "_id", relation=Relation(name="parent", target_model=target)
        )
        namespace = target_model.namespace
    extra_type = draw(st.sampled_from(FIELD_TYPES))
    plain = [
        PlainField(name="title", type="string", min_length=1, max_length=200),
        PlainField(name="estimate", type=extra_type, nullable=draw(st.booleans())),
        PlainField(name="created_at", type="datetime"),
        PlainField(name="updated_at", type="datetime"),
    ]
    model = Model(
        name=name,
        namespace=namespace,
        description=f"Random {word}.",
        foreign_fields=[foreign],
        plain_fields=plain,
    )
    kinds = draw(st.lists(st.sampled_from(CRUD), min_size=1, max_size=5, unique=True))
    base = f"{_path_base(spec, actor)}/{word}"
    param = f"{singular(word)}Id"
    edits: list[Edit] = [AddModel(model=model)]
    for kind in sorted(kinds, key=CRUD.index):
        row = kind in ("at", "update", "erase")
        edits.append(
            AddOperation(
                operation=Operation(
                    name=kind,
                    kind=kind,
                    model=name,
                    method=METHODS[kind],
                    path=f"{base}/{{{param}}}" if row else base,
                    actor=actor.name,
                    parameters=[Parameter(name=param)] if row else [],
                )
            )
        )
    return edits


@st.composite
def remove_operation(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    candidates = [op for op in spec.operations if op.kind not in AUTH_KINDS]
    if not candidates:
        return []
    op = draw(st.sampled_from(candidates))
    return [RemoveOperation(method=op.method, path=op.path)]


@st.composite
def namespace_wide(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    namespace = draw(st.sampled_from(spec.namespaces()))
    if draw(st.booleans()):
        return [AddTimestamps(namespace=namespace)]
    return [AddSoftDelete(namespace=namespace)]


ACTIONS = (
    add_plain_field,
    remove_field,
    rename_field,
    rename_model,
    toggle_nullable,
    add_plain_index,
    add_model_with_operations,
    remove_operation,
    namespace_wide,
)


@st.composite
def action(draw: st.DrawFn, spec: ProjectSpec) -> Action:
    """One action that applies to ``spec`` (falls back to addTimestamps, which always
    applies, when the drawn kind has no candidate)."""
    kind = draw(st.sampled_from(ACTIONS))
    edits = draw(kind(spec))
    return edits or [AddTimestamps(namespace=spec.models[0].namespace)]


# --------------------------------------------------------------------------- changes


@st.composite
def changesets(draw: st.DrawFn, spec: ProjectSpec, max_actions: int = 3) -> ChangeSet:
    """A change of 1..max_actions actions, valid for ``spec``."""
    count = draw(st.integers(min_value=1, max_value=max_actions))
    edits: list[Edit] = []
    current = spec
    for _ in range(count):
        step = draw(action(current))
        outcome = run(current, ChangeSet(edits=step))
        assert not outcome.problems, (step, outcome.problems)
        current = outcome.spec
        edits.extend(step)
    return ChangeSet(edits=edits, summary=f"{len(edits)} random edit(s)")


@st.composite
def changeset_sequences(draw: st.DrawFn, spec: ProjectSpec, max_len: int = 3) -> list[ChangeSet]:
    """1..max_len changes, each drawn against the spec the previous ones left."""
    count = draw(st.integers(min_value=1, max_value=max_len))
    result: list[ChangeSet] = []
    current = spec
    for _ in range(count):
        changeset = draw(changesets(current))
        current = apply(current, changeset)
        result.append(changeset)
    return result
