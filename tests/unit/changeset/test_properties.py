"""Hypothesis properties of ChangeSets on the todo and bbs fixtures: generated changes
pass check, apply then invert restores exactly, removing what an add added restores the
spec, sequences invert back to the start."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from autobe_core.spec.changeset import (
    AddActor,
    AddField,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    ChangeSet,
    Edit,
    RemoveActor,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    dump_changeset,
    parse_changeset,
)
from autobe_core.spec.edits.engine import apply, check, expand, invert
from tests.changeset_strategies import FIELD_WORDS, MODEL_WORDS, changeset_sequences, changesets
from tests.unit.changeset.support import (
    FIXTURES,
    PROPERTY,
    cs,
)

# --------------------------------------------------------------------------- properties


def test_strategy_words_are_valid() -> None:
    from autobe_core.spec.naming import field_problem, model_name_problem

    assert [w for w in FIELD_WORDS if field_problem(w)] == []
    assert [w for w in MODEL_WORDS if model_name_problem(f"todo_{w}")] == []


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_generated_changesets_pass_check(name: str) -> None:
    spec = FIXTURES[name]

    @settings(PROPERTY, max_examples=150)
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        assert check(spec, change) == []

    prop()


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_apply_then_invert_restores_exactly(name: str) -> None:
    spec = FIXTURES[name]

    @PROPERTY
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        before = spec.canonical_json()
        after = apply(spec, change)
        assert spec.canonical_json() == before  # pure
        undo = invert(spec, change)
        assert apply(after, undo) == spec
        assert apply(spec, ChangeSet(edits=expand(spec, change))) == after
        assert apply(spec, invert(after, undo)) == after
        assert parse_changeset(json.loads(dump_changeset(change, "json"))) == change

    prop()


def remover(edit: Edit) -> Edit | None:
    """The removal of what an add edit added."""
    match edit:
        case AddModel():
            return RemoveModel(model=edit.model.name)
        case AddField():
            return RemoveField(model=edit.model, field=edit.field.name)
        case AddRelation():
            return RemoveRelation(model=edit.model, field=edit.field.name)
        case AddIndex():
            return RemoveIndex(model=edit.model, kind=edit.kind, field_names=edit.field_names)
        case AddOperation():
            return RemoveOperation(method=edit.operation.method, path=edit.operation.path)
        case AddActor():
            return RemoveActor(actor=edit.actor.name)
    return None


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_removing_what_an_add_added_restores_the_spec(name: str) -> None:
    spec = FIXTURES[name]

    @PROPERTY
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        current = spec
        for edit in expand(spec, change):
            after = apply(current, cs(edit))
            undo = remover(edit)
            if undo is not None:
                assert apply(after, cs(undo)) == current
            current = after

    prop()


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_sequences_invert_back_to_the_start(name: str) -> None:
    spec = FIXTURES[name]

    @settings(PROPERTY, max_examples=25)
    @given(changeset_sequences(spec, 3))
    def prop(sequence: list[ChangeSet]) -> None:
        specs = [spec]
        for change in sequence:
            specs.append(apply(specs[-1], change))
        current = specs[-1]
        for before, change in zip(reversed(specs[:-1]), reversed(sequence), strict=True):
            current = apply(current, invert(before, change))
            assert current == before

    prop()
