"""Derivations of a held spec are computed once (spec/memo.py), and a spec planned again
in one process is planned once (generate/plan.py): same answers, never stale ones."""

from __future__ import annotations

from pathlib import Path

from autobe_core.generate.plan import plan_modules
from autobe_core.spec.io import load_spec
from autobe_core.spec.memo import held, memoized
from autobe_core.spec.model import PlainField
from autobe_core.spec.roles import field_roles
from autobe_core.spec.semantics import model_dto_fields

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

calls: list[tuple[object, str]] = []


@memoized
def tagged(value: object, tag: str) -> list[str]:
    calls.append((value, tag))
    return [tag]


def test_a_memoized_function_computes_once_per_arguments_only_while_held() -> None:
    calls.clear()
    thing = object()
    assert tagged(thing, "a") == ["a"] and tagged(thing, "a") == ["a"]
    assert len(calls) == 2  # not held: computed every time

    calls.clear()
    with held():
        first = tagged(thing, "a")
        first.append("changed by the caller")
        assert tagged(thing, "a") == ["a"]  # a fresh copy each time
        assert tagged(thing, "b") == ["b"] and tagged(object(), "a") == ["a"]
        with held():  # nested: the same holding
            assert tagged(thing, "a") == ["a"]
    assert calls == [(thing, "a"), (thing, "b"), (calls[2][0], "a")]

    calls.clear()
    tagged(thing, "a")
    assert len(calls) == 1  # the holding ended with its block


def test_a_spec_changed_after_a_holding_is_answered_anew() -> None:
    """The importer builds specs by appending to their lists: an answer computed while
    held must not outlive the holding."""
    spec = load_spec(FIXTURES / "todo.yaml")
    model = spec.model("todo_items")
    assert model is not None
    with held():
        before = [f.name for f in model_dto_fields(spec, model, "create")]
        assert "estimate" not in field_roles(spec, model)
    model.plain_fields.append(PlainField(name="estimate", type="int", nullable=True))
    assert "estimate" in field_roles(spec, model)
    assert [f.name for f in model_dto_fields(spec, model, "create")] == [*before, "estimate"]


def test_a_spec_is_planned_once_per_content() -> None:
    spec = load_spec(FIXTURES / "todo.yaml")
    again = load_spec(FIXTURES / "todo.yaml")  # equal content, another object
    first = plan_modules(spec)
    second = plan_modules(again)
    assert [m.path for m in first] == [m.path for m in second]
    assert all(a is b for a, b in zip(first, second, strict=True))  # the same plan
    second.pop()
    assert len(plan_modules(spec)) == len(first)  # callers get their own list

    model = spec.model("todo_items")
    assert model is not None
    changed = spec.model_copy(update={"models": [
        m.model_copy(update={"plain_fields": [
            *m.plain_fields, PlainField(name="estimate", type="int", nullable=True)]})
        if m is model else m
        for m in spec.models
    ]})
    planned = {m.id: m.key for m in plan_modules(changed)}
    assert planned != {m.id: m.key for m in first}
    assert planned["dto:todo_items"] != next(m.key for m in first if m.id == "dto:todo_items")
