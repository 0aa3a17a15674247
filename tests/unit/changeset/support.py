"""What the ChangeSet tests share (tests/unit/changeset/): the todo and bbs
fixtures, the property settings, and helpers that apply edits and check their exact
inverse, expect diagnostics, and find models and operations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from autobe_core.spec.changeset import (
    ChangeSet,
    Edit,
)
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
from autobe_core.spec.edits.engine import apply, check, invert
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import (
    ForeignField,
    Model,
    Operation,
    PlainField,
    ProjectSpec,
    Relation,
)

ROOT = Path(__file__).resolve().parents[3]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
BBS = load_spec(ROOT / "fixtures" / "bbs.yaml")
FIXTURES = {"todo": TODO, "bbs": BBS}

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def cs(*edits: Edit) -> ChangeSet:
    return ChangeSet(edits=list(edits))


def roundtrip(spec: ProjectSpec, *edits: Edit) -> ProjectSpec:
    """Apply the edits, check the inverse restores ``spec`` exactly; the new spec."""
    change = cs(*edits)
    assert check(spec, change) == []
    after = apply(spec, change)
    assert after != spec
    undo = invert(spec, change)
    assert apply(after, undo) == spec
    assert apply(spec, invert(after, undo)) == after
    return after


def problems(spec: ProjectSpec, *edits: Edit) -> list[Diagnostic]:
    found = check(spec, cs(*edits))
    assert found, "expected diagnostics"
    with pytest.raises(DiagnosticError) as info:
        apply(spec, cs(*edits))
    assert info.value.summary == "the change is invalid"
    assert info.value.diagnostics == found
    return found


def model(spec: ProjectSpec, name: str) -> Model:
    found = spec.model(name)
    assert found is not None
    return found


def op(spec: ProjectSpec, method: str, path: str) -> Operation:
    return next(o for o in spec.operations if o.method == method and o.path == path)


def new_model(name: str = "todo_tags") -> Model:
    return Model(
        name=name,
        namespace="Todos",
        foreign_fields=[
            ForeignField(
                name="todo_user_id", relation=Relation(name="owner", target_model="todo_users")
            )
        ],
        plain_fields=[PlainField(name="label", type="string", max_length=40)],
    )
