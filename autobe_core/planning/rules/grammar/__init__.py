"""The direct requests the rule planner understands (docs/planning.md lists them).

A request is normalized (:func:`~autobe_core.planning.rules.words.normalize`), then the
forms are tried in :data:`ORDER`; the first that matches decides. A form that matches
but names something the project does not have (or names it ambiguously) raises
NotUnderstood with the candidates, so the request is never guessed at. Catalog features
("add comments to articles") are tried after the forms with a keyword (``model``,
``field``, ``index``, ...), and a bare "add X to MODEL" / "remove X from MODEL" is read
as a field last.

Each form is declared once, with its handler (:mod:`.registry`), in the module of its
family: :mod:`.models`, :mod:`.fields`, :mod:`.operations`, :mod:`.behaviours` (declared
domain behaviour), :mod:`.implement` (an operation made the user's), :mod:`.features`
(catalog features, the cross-cutting ones included). :data:`FORMS`, which the docs and the
suggestions (:func:`closest`) use, is derived from those declarations.
"""

from __future__ import annotations

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.grammar import (
    behaviours,
    features,
    fields,
    implement,
    models,
    operations,
)
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.operations import KIND_VERBS, VERBS
from autobe_core.planning.rules.grammar.registry import (
    FAMILIES,
    REGISTRY,
    Family,
    Form,
    Handler,
    Reader,
)
from autobe_core.planning.rules.grammar.suggest import closest
from autobe_core.spec.model import ProjectSpec

ORDER: tuple[Handler, ...] = (
    implement.implement_myself,
    behaviours.behaviour,
    operations.remove_endpoint_by_path,
    operations.remove_endpoint_by_words,
    operations.forbid,
    operations.let,
    fields.rename_field,
    models.rename_model,
    fields.make,
    fields.index,
    models.add_model,
    models.remove_model,
    operations.crud,
    fields.add_field_explicit,
    fields.remove_field_explicit,
    features.feature,
    fields.add_field_implicit,
    fields.remove_field_implicit,
)
"""The order the handlers are tried in: the first that matches decides, so the order is
behaviour (the specific forms before the catalog, the bare field forms last)."""

READERS: tuple[Reader, ...] = REGISTRY.ordered(ORDER)
"""Every registered handler, in :data:`ORDER` (import fails if one is left out)."""

FORMS: tuple[Form, ...] = REGISTRY.forms()
"""Every form, by family: what the docs list and the suggestions offer."""


def plan(spec: ProjectSpec, text: str) -> Planned:
    """The plan for a normalized request: the first form that reads it decides."""
    context = Context(spec)
    for reader in READERS:
        planned = reader.handler(context, text)
        if planned is not None:
            return planned
    raise NotUnderstood(f"the rules do not understand {text!r}", closest(text), None)


class Grammar:
    """The forms, against one spec."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec

    def plan(self, text: str) -> Planned:
        return plan(self.spec, text)


__all__ = [
    "FAMILIES",
    "FORMS",
    "KIND_VERBS",
    "ORDER",
    "READERS",
    "VERBS",
    "Family",
    "Form",
    "Grammar",
    "Reader",
    "closest",
    "plan",
]
