"""``status`` counts realizations and finds the user's orphaned implementations from the
head spec's stored JSON (spec.realization.operation_records), without the pydantic
model: for any mix of operations (deterministic, custom, the user's, LLM-realized), the
records give what the model gives, through the same rules."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from autobe_core.spec.io import load_spec
from autobe_core.spec.model import Operation, ProjectSpec, Realized
from autobe_core.spec.naming import operation_id
from autobe_core.spec.realization import (
    count_realizations,
    operation_records,
    orphaned_files,
    orphaned_user_files,
    realization_counts,
    user_file,
)

ROOT = Path(__file__).resolve().parents[2]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
REALIZED = Realized(code="", key="k", model="m")


def variant(op: Operation, index: int, shape: str) -> Operation:
    """A custom operation at its own path: autobe's, the user's, or an LLM's."""
    custom = op.model_copy(update={"kind": "custom", "path": f"/custom/{index}/{{id}}"})
    if shape == "user":
        return custom.model_copy(update={"implementation": "user"})
    if shape == "llm":
        return custom.model_copy(update={"realized": REALIZED})
    if shape == "user+llm":
        return custom.model_copy(update={"implementation": "user", "realized": REALIZED})
    return custom


@st.composite
def specs(draw: st.DrawFn) -> ProjectSpec:
    shapes = draw(st.lists(st.sampled_from(["keep", "custom", "user", "llm", "user+llm"]),
                           min_size=len(TODO.operations), max_size=len(TODO.operations)))
    ops = [op if shape == "keep" else variant(op, i, shape)
           for i, (op, shape) in enumerate(zip(TODO.operations, shapes, strict=True))]
    return TODO.model_copy(update={"operations": ops})


@settings(max_examples=60, deadline=None)
@given(specs(), st.data())
def test_records_of_the_stored_json_realize_as_the_model(spec: ProjectSpec,
                                                         data: st.DataObject) -> None:
    stored = json.loads(spec.canonical_json())  # the spec blob's text
    records = operation_records(stored)
    assert [(r.method, r.path, r.kind) for r in records] == \
        [(op.method, op.path, op.kind) for op in spec.operations]
    assert count_realizations(records) == realization_counts(spec)
    still = data.draw(st.sampled_from([True, False]))  # LLM code current, or stale
    assert count_realizations(records, lambda _op: still) == \
        realization_counts(spec, lambda _op: still)
    ids = [operation_id(op) for op in spec.operations]
    paths = sorted({*data.draw(st.lists(st.sampled_from(ids))),
                    *data.draw(st.lists(st.sampled_from(["gone", "x_y", "__init__"])))})
    files = [user_file(i) for i in paths] + ["app/custom/sub/a.py", "app/models/x.py"]
    assert orphaned_files(files, records) == orphaned_user_files(files, spec)


def test_a_user_owned_operation_keeps_its_file_and_others_are_orphaned() -> None:
    op = TODO.operations[0]
    mine = op.model_copy(update={"kind": "custom", "implementation": "user"})
    spec = TODO.model_copy(update={"operations": [mine, *TODO.operations[1:]]})
    records = operation_records(json.loads(spec.canonical_json()))
    kept, gone = user_file(operation_id(op)), user_file("get_gone")
    assert orphaned_files([kept, gone, "app/custom/__init__.py"], records) == [gone]
    assert count_realizations(records)["user"] == 1
