"""Adding and removing catalog features against a spec.

**Add**: the recipe's parts for the target (named in the request, else the feature's
default: the main content model, or the owner's account model) are compared with the
spec. Models that exist already are kept as they are; operations the project already
has (the same endpoint, or the same kind for the same actor on that model) are not
added twice; what is missing is added. Nothing missing: :class:`NothingToDo`.

**Remove**: the recipe's parts are computed again, for the target named or for every
model in turn, and the parts that are the recipe's own are removed (a model with the
recipe's name *and description*, a field equal to the recipe's, an operation equal to
the recipe's, an index the recipe names), with everything that depends on them. So
``add X`` then ``remove X`` restores the spec exactly, also after unrelated changes.
When none of the parts is the recipe's own (the project had the feature from the
start), the parts present by name are removed, with their dependents. Several targets
with parts to remove: NotUnderstood naming them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.adapt import Conventions
from autobe_core.planning.rules.catalog.base import Ctx, Feature, Parts
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.explain import describe_operation
from autobe_core.planning.rules.removal import Removal, RemovalPlan, index_entries, plan_removal
from autobe_core.planning.rules.words import join_words
from autobe_core.spec.changeset import (
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    Edit,
)
from autobe_core.spec.model import ForeignField, Model, ProjectSpec


@dataclass
class Planned:
    edits: list[Edit]
    understood: str
    notes: list[str] = field(default_factory=list)


def default_target(conv: Conventions, feature: Feature) -> Model | None:
    if feature.target == "content":
        main = conv.main_model()
        if main is None:
            raise NotUnderstood(
                f"{feature.title} attach to a content model and this project has none; "
                "add a model first",
                ["add model NAME"],
            )
        return main
    if feature.target == "account":
        if conv.owner is None:
            raise NotUnderstood(
                f"{feature.title} need an actor whose accounts they link; the project has none",
                [],
            )
        return conv.spec.model(conv.owner.model)
    return None


def where(feature: Feature, target: Model | None, namespace: str | None, word: str) -> str:
    if feature.linked:
        return f" (linked to {target.name})" if target is not None and word == "to" else ""
    if feature.target in ("content", "account") and target is not None:
        return f" {word} {target.name}"
    if feature.target == "scope":
        if target is not None:
            return f" {word} {target.name}"
        if namespace is not None:
            return f" {word} namespace {namespace}"
        return f" {word} every model"
    return ""


def feature_parts(feature: Feature, ctx: Ctx) -> Parts:
    """The recipe's parts, its models' descriptions signed ``Part of the X feature.``
    (what tells the recipe's own model from a model of the same name the project had)."""
    parts = feature.parts(ctx)
    sign = f"Part of the {feature.key} feature."
    parts.models = [
        m.model_copy(update={"description": f"{m.description} {sign}".strip()})
        for m in parts.models
    ]
    return parts


# --------------------------------------------------------------------------- add


def plan_add(
    spec: ProjectSpec,
    feature: Feature,
    target: Model | None,
    namespace: str | None,
    conv: Conventions | None = None,
) -> Planned:
    """``conv`` overrides the project's conventions (another owner actor: "let admins
    comment on articles")."""
    conv = conv or Conventions.of(spec)
    if target is None and feature.target in ("content", "account"):
        target = default_target(conv, feature)
    parts = feature_parts(feature, Ctx(conv, target, namespace))
    edits, kept = missing_edits(spec, parts)
    understood = f"add {feature.title}{where(feature, target, namespace, 'to')}"
    if not edits:
        have = join_words(kept) if kept else "every part of it"
        raise NothingToDo(
            f"nothing to do for {understood!r}: the project already has {have}",
            f'remove it with `autobe change "remove {feature.key}"`, or name another '
            'model: "add ' + feature.key + ' to MODEL"',
        )
    notes = list(parts.notes)
    if kept:
        notes.append("already there, kept as it is: " + join_words(kept))
    return Planned(edits, understood, notes)


def missing_edits(spec: ProjectSpec, parts: Parts) -> tuple[list[Edit], list[str]]:
    """The edits that add the parts the spec lacks, and what it has already."""
    edits: list[Edit] = []
    kept: list[str] = []
    new_models = {m.name for m in parts.models if spec.model(m.name) is None}
    for m in parts.models:
        if m.name in new_models:
            edits.append(AddModel(model=m))
        else:
            kept.append(f"model {m.name}")
    added_fields: dict[str, set[str]] = {}
    missing_fields = []
    for model_name, f in parts.fields:
        model = spec.model(model_name)
        if model is None:
            continue
        if f.name in model.field_names():
            continue
        missing_fields.append((model_name, f))
        added_fields.setdefault(model_name, set()).add(f.name)
    present_fields = len(parts.fields) - len(missing_fields)
    if parts.cross:
        if missing_fields:
            edits += parts.cross
    else:
        for model_name, f in missing_fields:
            if isinstance(f, ForeignField):
                edits.append(AddRelation(model=model_name, field=f))
            else:
                edits.append(AddField(model=model_name, field=f))
    if present_fields and not parts.cross:
        kept.append(f"{present_fields} field{'s' if present_fields > 1 else ''}")
    for model_name, kind, names in parts.indexes:
        model = spec.model(model_name)
        if model is None:
            continue
        if (kind, names) in set(index_entries(model)):
            kept.append(f"{kind} index on {model_name} ({', '.join(names)})")
        else:
            edits.append(AddIndex(model=model_name, kind=kind, field_names=list(names)))
    for op in parts.operations:
        if op.model in new_models:
            edits.append(AddOperation(operation=op))
            continue
        model = spec.model(op.model) if op.model else None
        if model is None:
            continue
        same = next(
            (
                o
                for o in spec.operations
                if (o.method, o.path) == (op.method, op.path)
                or (
                    not parts.by_endpoint
                    and o.model == op.model
                    and o.kind == op.kind
                    and o.actor == op.actor
                )
            ),
            None,
        )
        if same is not None:
            kept.append(f"operation {describe_operation(same)}")
            continue
        fields = set(model.field_names()) | added_fields.get(model.name, set())
        if any(p.binds and p.binds not in fields for p in op.parameters):
            continue
        edits.append(AddOperation(operation=op))
    return edits, kept


# --------------------------------------------------------------------------- remove


def ours(spec: ProjectSpec, parts: Parts) -> Removal:
    """The parts that are the recipe's own."""
    out = Removal()
    for m in parts.models:
        have = spec.model(m.name)
        if have is not None and have.description == m.description:
            out.models.append(m.name)
    for model_name, f in parts.fields:
        have = spec.model(model_name)
        if have is None or model_name in out.models:
            continue
        current = have.foreign(f.name) if isinstance(f, ForeignField) else have.plain(f.name)
        if current == f:
            out.fields.append((model_name, f.name))
    _indexes_and_ops(spec, parts, out, exact=True)
    return out


def present(spec: ProjectSpec, parts: Parts) -> Removal:
    """The parts there by name (the project's own version of the feature)."""
    out = Removal()
    out.models = [m.name for m in parts.models if spec.model(m.name) is not None]
    for model_name, f in parts.fields:
        have = spec.model(model_name)
        if have is not None and f.name in have.field_names() and have.name not in out.models:
            out.fields.append((model_name, f.name))
    _indexes_and_ops(spec, parts, out, exact=False)
    return out


def _indexes_and_ops(spec: ProjectSpec, parts: Parts, out: Removal, *, exact: bool) -> None:
    for model_name, kind, names in parts.indexes:
        have = spec.model(model_name)
        if (
            have is not None
            and model_name not in out.models
            and (kind, names) in set(index_entries(have))
        ):
            out.indexes.append((model_name, kind, names))
    if not exact:
        return
    for op in parts.operations:
        if op.model in out.models:
            continue
        if any(o == op for o in spec.operations):
            out.operations.append((op.method, op.path))


def plan_remove(
    spec: ProjectSpec, feature: Feature, target: Model | None, namespace: str | None
) -> Planned:
    conv = Conventions.of(spec)
    targets: list[Model | None]
    if target is None and feature.target in ("content", "account"):
        targets = list(spec.models)
    else:
        targets = [target]
    found = _removals(conv, feature, targets, namespace, exact=True)
    if not found:
        found = _removals(conv, feature, targets, namespace, exact=False)
    understood = f"remove {feature.title}{where(feature, target, namespace, 'from')}"
    if not found:
        hint = None
        named = conv.resolver.model_levels(feature.key)
        if named[0] in (1, 2) and len(named[1]) == 1:
            hint = (
                f"the project's own model {named[1][0].name} is not the catalog's "
                f'{feature.key}; to remove it say "remove model {named[1][0].name}"'
            )
        raise NothingToDo(
            f"nothing to do for {understood!r}: the project has no {feature.key}"
            + where(feature, target, namespace, "on"),
            hint,
        )
    if len(found) > 1:
        models = [t.name for t, _ in found if t is not None]
        raise NotUnderstood(
            f"{feature.key} are on several models ({', '.join(models)}); say which",
            [f"remove {feature.key} from {m}" for m in models],
        )
    chosen, plan = found[0]
    if target is None and chosen is not None and feature.target in ("content", "account"):
        understood = f"remove {feature.title} from {chosen.name}"
    notes = ["also removed, as it depended on what goes: " + n for n in plan.dependents]
    return Planned(plan.edits, understood, notes)


def _removals(
    conv: Conventions,
    feature: Feature,
    targets: list[Model | None],
    namespace: str | None,
    *,
    exact: bool,
) -> list[tuple[Model | None, RemovalPlan]]:
    """The distinct removals the targets give, keeping only the targets that match
    the most parts (a tag model shared by every target does not make every model a
    candidate: the one with the join model matches more)."""
    spec = conv.spec
    scored: list[tuple[int, Model | None, RemovalPlan]] = []
    for target in targets:
        try:
            parts = feature_parts(feature, Ctx(conv, target, namespace))
        except (ValueError, NotUnderstood):
            continue
        wanted = ours(spec, parts) if exact else present(spec, parts)
        if wanted.empty():
            continue
        complete = (
            len(wanted.models) == len(parts.models)
            and len(wanted.fields) == len(parts.fields)
            and len(wanted.indexes) == len(parts.indexes)
        )
        score = (
            complete * 1000
            + len(wanted.models) * 100
            + len(wanted.fields) * 10
            + len(wanted.indexes)
            + len(wanted.operations)
        )
        scored.append((score, target, plan_removal(spec, wanted)))
    if not scored:
        return []
    best = max(score for score, _, _ in scored)
    seen: dict[tuple[str, ...], tuple[Model | None, RemovalPlan]] = {}
    for score, target, plan in scored:
        if score < best:
            continue
        key = tuple(sorted(e.model_dump_json() for e in plan.edits))
        if key not in seen or len(plan.dependents) < len(seen[key][1].dependents):
            seen[key] = (target, plan)
    return list(seen.values())
