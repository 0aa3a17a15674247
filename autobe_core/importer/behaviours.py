"""Declared domain behaviour (``Model.behaviours``) read from what an AutoBe project's
names say, only where that is unambiguous (:mod:`autobe_core.spec.behaviours`):

- ``view_count``: an int field named ``view_count`` / ``views`` / ``view_cnt`` on a model
  that has an ``at`` operation;
- ``child_count``: an int field ``<children>_count`` (``reply_count``, ``topic_count``)
  when exactly one model whose name ends with that child (singular or plural) has
  exactly one foreign field pointing at the model;
- ``child_total``: a numeric ``*_total`` field when exactly one child model (one foreign
  field to the model, snapshots aside) has exactly one numeric ``*_total`` field
  (``orders.order_total`` / ``order_items.item_total``); a price times a quantity is not a
  sum and is left alone;
- ``snapshot``: a model of stance ``snapshot`` with exactly one foreign field to a model
  that has an ``update`` operation, whose required fields that model can fill (same-named
  fields; the examples' history tables also want who changed it and why, which a snapshot
  cannot know, so they stay plain tables).

Each mapped behaviour is noted in the report (approximated: AutoBe's documents say it in
words, autobe does it in the handlers); a candidate that the spec cannot carry is left out.
"""

from __future__ import annotations

from autobe_core.importer.report import Notes
from autobe_core.spec.behaviours import COUNT_TYPES, TOTAL_TYPES, behaviour_problem
from autobe_core.spec.model import Behaviour, Model, ProjectSpec
from autobe_core.spec.naming import singular

VIEW_NAMES = ("view_count", "views", "view_cnt")


def _children(spec: ProjectSpec, model: Model) -> list[tuple[Model, str]]:
    """Models with exactly one foreign field pointing at ``model`` (itself excluded), and
    that field."""
    out: list[tuple[Model, str]] = []
    for child in spec.models:
        keys = [f.name for f in child.foreign_fields if f.relation.target_model == model.name]
        if child.name != model.name and len(keys) == 1:
            out.append((child, keys[0]))
    return out


def _has(spec: ProjectSpec, model: Model, kind: str) -> bool:
    return any(op.kind == kind and op.model == model.name for op in spec.operations)


def _last_word(name: str) -> str:
    return singular(name.split("_")[-1]) if name else ""


def _counts(spec: ProjectSpec, model: Model) -> list[Behaviour]:
    found: list[Behaviour] = []
    for field in model.plain_fields:
        if field.type not in COUNT_TYPES or field.nullable:
            continue
        if field.name in VIEW_NAMES:
            if _has(spec, model, "at"):
                found.append(Behaviour(kind="view_count", field=field.name))
            continue
        words = field.name.split("_")
        if len(words) != 2 or words[1] != "count":
            continue
        wanted = singular(words[0])
        matches = [(c, via) for c, via in _children(spec, model)
                   if _last_word(c.name) == wanted]
        if len(matches) == 1:
            child, via = matches[0]
            found.append(Behaviour(kind="child_count", field=field.name, child=child.name,
                                   via=via))
    return found


def _totals(spec: ProjectSpec, model: Model) -> list[Behaviour]:
    found: list[Behaviour] = []
    for field in model.plain_fields:
        if field.type not in TOTAL_TYPES or field.nullable or not field.name.endswith("_total"):
            continue
        matches = [(child, via, f.name) for child, via in _children(spec, model)
                   if child.stance != "snapshot" for f in child.plain_fields
                   if f.type in TOTAL_TYPES and not f.nullable and f.name.endswith("_total")]
        if len(matches) == 1:
            child, via, summed = matches[0]
            found.append(Behaviour(kind="child_total", field=field.name, child=child.name,
                                   via=via, sum=summed))
    return found


def _snapshots(spec: ProjectSpec) -> dict[str, list[Behaviour]]:
    found: dict[str, list[Behaviour]] = {}
    for snap in spec.models:
        if snap.stance != "snapshot":
            continue
        keys = [f for f in snap.foreign_fields
                if (target := spec.model(f.relation.target_model)) is not None
                and target.name != snap.name and _has(spec, target, "update")]
        if len(keys) == 1:
            found.setdefault(keys[0].relation.target_model, []).append(
                Behaviour(kind="snapshot", child=snap.name, via=keys[0].name))
    return found


def _describe(model: Model, b: Behaviour) -> str:
    if b.kind == "view_count":
        return f"each read of a {model.name} row raises {b.field} by one"
    if b.kind == "child_count":
        return f"{b.field} counts the live {b.child} rows (create +1, erase -1)"
    if b.kind == "child_total":
        return f"{b.field} is kept as the sum of {b.child}.{b.sum} (server-set)"
    return f"each update writes a {b.child} row copying the same-named fields"


def map_behaviours(spec: ProjectSpec, notes: Notes,
                   sources: dict[str, str] | None = None) -> ProjectSpec:
    """``spec`` with the behaviours its names say declared on its models (each noted)."""
    snapshots = _snapshots(spec)
    models: list[Model] = []
    changed = False
    for model in spec.models:
        wanted = _counts(spec, model) + _totals(spec, model) + snapshots.get(model.name, [])
        kept: list[Behaviour] = []
        for b in wanted:
            if b in model.behaviours or any(k.field and k.field == b.field for k in kept) \
                    or behaviour_problem(spec, model, b) is not None:
                continue
            kept.append(b)
            notes.approximated((sources or {}).get(model.name, model.name),
                               f"{model.name}.{b.field or b.child}",
                               f"{b.kind} behaviour: {_describe(model, b)}")
        if kept:
            changed = True
            model = model.model_copy(update={"behaviours": [*model.behaviours, *kept]})
        models.append(model)
    return spec.model_copy(update={"models": models}) if changed else spec
