"""Every edit class has exactly one handler per concern: apply, invert, expand.

The handlers are looked up in tables keyed by edit class (``APPLIERS``, ``INVERTERS``,
``EXPANDERS``), so a new edit class without its entries fails here, not at run time.
"""

from __future__ import annotations

from typing import get_args

from autobe_core.spec.changeset import (
    CONCRETE_TYPES,
    CROSS_CUTTING_TYPES,
    EDIT_TYPES,
    ConcreteEdit,
    CrossCuttingEdit,
)
from autobe_core.spec.edits.engine import APPLIERS
from autobe_core.spec.edits.expand import EXPANDERS
from autobe_core.spec.edits.invert import INVERTERS

CONCRETE = set(get_args(ConcreteEdit))
CROSS_CUTTING = set(get_args(CrossCuttingEdit))


def test_every_concrete_edit_has_an_applier() -> None:
    assert set(APPLIERS) == CONCRETE


def test_every_concrete_edit_has_an_inverter() -> None:
    assert set(INVERTERS) == CONCRETE


def test_every_cross_cutting_edit_has_an_expander() -> None:
    assert set(EXPANDERS) == CROSS_CUTTING


def test_the_edit_lists_agree_with_the_unions() -> None:
    assert set(CONCRETE_TYPES) == CONCRETE
    assert set(CROSS_CUTTING_TYPES) == CROSS_CUTTING
    assert set(EDIT_TYPES.values()) == CONCRETE | CROSS_CUTTING
    assert not CONCRETE & CROSS_CUTTING
