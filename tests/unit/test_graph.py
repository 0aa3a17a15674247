"""The module graph: reads/imports edges, affected() with reasons, DOT/JSON exports."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.generate.plan import plan_modules
from autobe_core.graph import ModuleGraph, affected, to_dot, to_json
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField, ProjectSpec
from autobe_core.spec.validation.engine import validate

ROOT = Path(__file__).resolve().parents[2]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
BBS = load_spec(ROOT / "fixtures" / "bbs.yaml")


def with_field(spec: ProjectSpec, model: str, field: PlainField) -> ProjectSpec:
    models = [
        m.model_copy(update={"plain_fields": [*m.plain_fields, field]}) if m.name == model else m
        for m in spec.models
    ]
    return spec.model_copy(update={"models": models})


def test_add_one_field_changes_exactly_the_modules_holding_the_model() -> None:
    new = with_field(TODO, "todo_items", PlainField(name="estimate", type="int"))
    result = affected(TODO, new)

    assert result.elements == {"model:todo_items": "changed"}
    assert not result.added and not result.removed
    # The modules whose slice holds todo_items' fields: its model, DTOs, collector,
    # transformer, test factory, and the tests that send or check its fields.
    assert result.ids("changed") == {
        "model:todo_items",
        "dto:todo_items",
        "collector:todo_items",
        "transformer:todo_items",
        "test:factory:todo_items",
        "test:get_todo_user_items_by_item_id",
        "test:post_todo_user_lists_by_list_id_items",
        "test:put_todo_user_items_by_item_id",
    }
    assert len(result.reused) == len(plan_modules(TODO)) - 8
    for change in result.changed:
        assert [r.path for r in change.reasons] == [("model:todo_items", "reads", change.id)]


def test_readers_that_did_not_change_hold_only_the_models_names() -> None:
    """Operations read model:todo_items for its class and key names, not its fields, so
    their slices are identical after the field is added."""
    new = with_field(TODO, "todo_items", PlainField(name="estimate", type="int"))
    old_modules = {m.id: m for m in plan_modules(TODO)}
    new_modules = {m.id: m for m in plan_modules(new)}
    readers = {mid for mid, m in old_modules.items() if "model:todo_items" in m.reads}
    changed = affected(TODO, new).ids("changed")
    assert changed < readers
    for mid in readers - changed:
        assert old_modules[mid].slice == new_modules[mid].slice
        assert "estimate" not in json.dumps(new_modules[mid].slice.model_dump(mode="json"))
    for mid in changed:
        assert "estimate" in json.dumps(new_modules[mid].slice.model_dump(mode="json"))


def test_adding_and_removing_an_operation() -> None:
    ops = [o for o in TODO.operations if o.path != "/todo/user/labels" or o.kind != "index"]
    smaller = TODO.model_copy(update={"operations": ops})
    result = affected(TODO, smaller)
    removed = result.ids("removed")
    assert removed == {"operation:patch_todo_user_labels", "test:patch_todo_user_labels"}
    assert "app:main" in result.ids("changed")
    back = affected(smaller, TODO)
    assert back.ids("added") == removed
    reasons = {c.id: c.reasons for c in back.added}
    assert reasons["operation:patch_todo_user_labels"][0].change == "added"


def test_identical_specs_reuse_everything() -> None:
    result = affected(BBS, BBS)
    assert not result.touched
    assert len(result.reused) == len(plan_modules(BBS))


@pytest.mark.parametrize("spec", [TODO, BBS], ids=["todo", "bbs"])
def test_json_export_lists_every_module_and_edge(spec: ProjectSpec) -> None:
    graph = ModuleGraph(spec)
    data = to_json(graph)
    module_ids = {n["id"] for n in data["nodes"] if n["kind"] == "module"}
    assert module_ids == {m.id for m in plan_modules(spec)}
    expected_edges = {(f"spec:{e}", m.id, "reads") for m in plan_modules(spec) for e in m.reads} | {
        (i, m.id, "imports") for m in plan_modules(spec) for i in m.imports
    }
    assert {(e["from"], e["to"], e["relation"]) for e in data["edges"]} == expected_edges
    assert data["counts"]["edges"] == len(expected_edges)


def test_json_export_carries_each_operations_access() -> None:
    nodes = {n["id"]: n for n in to_json(ModuleGraph(BBS))["nodes"]}
    tags = nodes["spec:operation:post_bbs_member_articles_by_article_id_tags"]["access"]
    assert tags == {"callers": ["member"],
                    "ownerChain": ["bbs_article_tags.bbs_article_id",
                                   "bbs_articles.bbs_member_id"],
                    "guardedParameters": ["articleId"]}
    queue = nodes["spec:operation:patch_bbs_moderator_reports"]["access"]
    assert queue["ownerChain"] is None and queue["callers"] == ["moderator"]


@pytest.mark.parametrize("spec", [TODO, BBS], ids=["todo", "bbs"])
def test_dot_export_lists_every_node_and_edge(spec: ProjectSpec) -> None:
    graph = ModuleGraph(spec)
    dot = to_dot(graph)
    assert dot.startswith(f'digraph "{spec.name}" {{')
    for module in graph.modules.values():
        assert f'"{module.id}" [label="{module.path}"' in dot
    edge_lines = [line for line in dot.splitlines() if " -> " in line]
    assert len(edge_lines) == len(graph.edges())
    assert sum('label="imports"' in line for line in edge_lines) == sum(
        len(m.imports) for m in graph.modules.values()
    )


def test_build_order_puts_imported_modules_first() -> None:
    graph = ModuleGraph(TODO)
    order = graph.build_order()
    position = {mid: i for i, mid in enumerate(order)}
    assert set(order) == set(graph.modules)
    cycles = {
        frozenset(c)
        for c in nx.strongly_connected_components(graph.graph.subgraph(graph.modules))
        if len(c) > 1
    }
    in_cycle = {m for c in cycles for m in c}
    for module in graph.modules.values():
        for imported in module.imports:
            if imported in in_cycle and module.id in in_cycle:
                continue
            assert position[imported] < position[module.id]


def test_dependents_follow_imports_transitively() -> None:
    graph = ModuleGraph(TODO)
    dependents = graph.dependents("app:db")
    assert "model:todo_items" in dependents
    assert "app:main" in dependents  # via the operations


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model=st.sampled_from([m.name for m in BBS.models]),
    name=st.sampled_from(["extra_note", "extra_count", "extra_flag"]),
    ftype=st.sampled_from(["string", "int", "boolean"]),
)
def test_only_readers_of_a_changed_element_change(model: str, name: str, ftype: str) -> None:
    """Declared reads are truthful: a module whose key changes reads a changed element."""
    new = with_field(BBS, model, PlainField.model_validate({"name": name, "type": ftype}))
    assert not [d for d in validate(new) if d.severity == "error"]
    result = affected(BBS, new)
    assert set(result.elements) == {f"model:{model}"}
    assert result.ids("changed") >= {f"model:{model}", f"dto:{model}"}
    graph = ModuleGraph(BBS)
    assert result.ids("changed") <= set(graph.readers(f"model:{model}"))
