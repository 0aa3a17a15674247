"""The rule planner's dispatch tables are complete: every grammar form has a handler
and every handler a place in the order; every edit class has a describer.

The forms are declared once, with their handlers (``planning/rules/grammar/registry``),
and FORMS (docs, suggestions) is derived from those declarations; the explanation of a
plan looks each edit up in ``explain.DESCRIBERS``. A new edit class without its row, or
a new handler left out of ``ORDER``, fails here (or at import), not at run time.
"""

from __future__ import annotations

from typing import get_args

import pytest

from autobe_core.planning.rules import explain
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.grammar import FAMILIES, FORMS, ORDER, READERS
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.registry import Form, Registry
from autobe_core.spec.changeset import ConcreteEdit, CrossCuttingEdit

EDIT_CLASSES = set(get_args(ConcreteEdit)) | set(get_args(CrossCuttingEdit))


def test_every_edit_class_has_a_describer() -> None:
    assert set(explain.DESCRIBERS) == EDIT_CLASSES


def test_every_handler_is_tried_once_in_order() -> None:
    assert [r.handler for r in READERS] == list(ORDER)
    assert len(set(ORDER)) == len(ORDER)


def test_every_form_has_a_handler_and_one_family() -> None:
    read = {form for reader in READERS for form in reader.forms}
    assert set(FORMS) == read
    assert len({f.name for f in FORMS}) == len(FORMS)
    assert all(f.examples for f in FORMS)
    families = [FAMILIES.index(f.family) for f in FORMS]
    assert families == sorted(families), "FORMS is grouped by family"


def _handler(g: Context, text: str) -> Planned | None:
    return None


def _other(g: Context, text: str) -> Planned | None:
    return None


def test_the_registry_refuses_inconsistent_declarations() -> None:
    registry = Registry()
    form = Form("a form", "TEMPLATE", ("example",), "models")
    registry.reads(form)(_handler)
    with pytest.raises(ValueError, match="declared twice"):
        registry.reads(form)(_other)
    with pytest.raises(ValueError, match="no form"):
        registry.reads("another form")(_other)
    with pytest.raises(ValueError, match="registered twice"):
        registry.reads("a form")(_handler)
    registry.reads("a form")(_other)
    assert registry.forms() == (form,)
    with pytest.raises(ValueError, match="missing"):
        registry.ordered([_handler])
    assert [r.name for r in registry.ordered([_other, _handler])] == ["_other", "_handler"]
