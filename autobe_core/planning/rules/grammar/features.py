"""The catalog forms: add or remove a catalog feature ("add comments to articles",
"remove likes"), including the cross-cutting ones that reach every model of a scope
("add soft delete to every model")."""

from __future__ import annotations

import re
from dataclasses import replace

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog import Feature, find_feature
from autobe_core.planning.rules.catalog.engine import Planned, plan_add, plan_remove
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.spec.model import Actor, Model

_REMOVING = ("remove", "delete", "drop", "disable", "turn off", "get rid of", "undo", "take out")
_NOUN = r"\s+(?:feature|support|functionality|capability|system)$"


@reads(
    Form(
        "cross-cutting fields",
        "add created_by | timestamps | soft delete | audit fields to "
        "every model / NAMESPACE / MODEL",
        (
            "add soft delete to every model",
            "add timestamps to every model in Todos",
            "add created_by to every model",
            "add soft delete to the Boards namespace",
        ),
        "cross-cutting",
    ),
    Form(
        "add a catalog feature",
        "add FEATURE [to MODEL]",
        ("add comments to articles", "add notifications"),
        "features",
    ),
    Form(
        "remove a catalog feature",
        "remove FEATURE [from MODEL]",
        ("remove comments", "remove likes from lists"),
        "features",
    ),
)
def feature(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"(?P<verb>add|enable|allow|support|introduce|implement|create|build|set\s+up|setup|"
        r"give\s+me|i\s+want|we\s+want|want|turn\s+on|remove|delete|drop|disable|"
        r"turn\s+off|get\s+rid\s+of|undo|take\s+out)\s+(?P<rest>.+)",
        text,
    )
    if not m:
        return None
    removing = m.group("verb") in _REMOVING
    rest = re.sub(r"\s+(?:everywhere|to\s+everything|across\s+the\s+project)$", "", m.group("rest"))
    rest = re.sub(_NOUN, "", rest)
    candidates: list[tuple[str, str | None]] = [(rest, None)]
    for sep in re.finditer(r"\s+(?:to|for|on|in|from|of|onto|across)\s+", rest):
        candidates.append((rest[: sep.start()], rest[sep.end() :]))
    for phrase, where in candidates:
        found = find_feature(re.sub(_NOUN, "", phrase))
        if found is None:
            continue
        if found.target == "scope":
            model, namespace = None, None
            if where is not None:
                model, namespace, _ = g.scope(where)
            if removing:
                return plan_remove(g.spec, found, model, namespace)
            return plan_add(g.spec, found, model, namespace)
        target = feature_target(g, found, where)
        if removing:
            return plan_remove(g.spec, found, target, None)
        return add_feature(g, found, target, None, None)
    return None


def feature_target(g: Context, feature: Feature, where: str | None) -> Model | None:
    """The model a request attaches ``feature`` to (None: the feature's default)."""
    if where is None or not where.strip():
        return None
    if feature.target == "none":
        raise NotUnderstood(
            f"{feature.title} attach to no model; ask for 'add {feature.key}'",
            [f"add {feature.key}"],
        )
    return g.resolver.model(where)


def add_feature(
    g: Context, feature: Feature, target: Model | None, namespace: str | None, owner: Actor | None
) -> Planned:
    """Plan ``feature`` onto ``target``, owned by ``owner`` (None: the project's owner)."""
    conv = None
    if owner is not None and owner != g.conv.owner:
        conv = replace(g.conv, owner=owner)
    return plan_add(g.spec, feature, target, namespace, conv)
