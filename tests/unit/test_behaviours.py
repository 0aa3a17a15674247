"""Declared domain behaviour (issue 13, item 4): ``Model.behaviours``.

The spec keeps behaviours out of its serialized form when there are none (hashes of
existing specs unchanged); the validator refuses what cannot be generated with one message
and the allowed values; kept fields are server-set; the operation slices carry the
behaviours of exactly the operations that do them; the importer maps what AutoBe's names
say only when unambiguous. What the generated handlers do is run by the kitchen sink's
generated tests (tests/service/test_planner_requests.py) and the imported examples'.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autobe_core.generate.kinds.operation.generator import cut
from autobe_core.importer import import_autobe
from autobe_core.importer.behaviours import map_behaviours
from autobe_core.importer.report import Notes
from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules import RulePlanner
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.spec import ProjectSpec, load_spec, validate
from autobe_core.spec.edits import apply, invert
from autobe_core.spec.model import Behaviour, Model
from autobe_core.spec.roles import field_roles

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
KITCHEN = ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"


@pytest.fixture(scope="module")
def kitchen() -> ProjectSpec:
    return load_spec(KITCHEN)


def _with(spec: ProjectSpec, model: str, *behaviours: Behaviour) -> ProjectSpec:
    models = [m.model_copy(update={"behaviours": list(behaviours)}) if m.name == model else m
              for m in spec.models]
    return spec.model_copy(update={"models": models})


def _errors(spec: ProjectSpec) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(d.path, d.code, d.message, d.allowed) for d in validate(spec)
            if d.severity == "error"]


# --------------------------------------------------------------------------- spec


def test_no_behaviours_are_left_out_of_the_serialized_spec(kitchen: ProjectSpec) -> None:
    model = Model(name="plain_rows")
    assert "behaviours" not in model.model_dump(by_alias=True)
    assert "behaviours" not in json.loads(
        ProjectSpec(name="p", models=[model]).canonical_json())["models"][0]
    products = kitchen.model("kit_products")
    assert products is not None
    data = products.model_dump(mode="json", by_alias=True)
    assert data["behaviours"][0] == {"kind": "view_count", "field": "view_count",
                                     "child": None, "via": None, "sum": None}
    assert Model.model_validate(data) == products


def test_kitchen_sink_behaviours_are_valid(kitchen: ProjectSpec) -> None:
    assert _errors(kitchen) == []


@pytest.mark.parametrize(("behaviour", "key", "allowed"), [
    (Behaviour(kind="view_count", field="price"), "field",
     ("stock", "view_count", "review_count", "rating_total")),
    (Behaviour(kind="view_count", field="nope"), "field",
     ("stock", "view_count", "review_count", "rating_total")),
    (Behaviour(kind="child_count", field="review_count", child="kit_nothing",
               via="kit_product_id"), "child", None),
    (Behaviour(kind="child_count", field="review_count", child="kit_reviews",
               via="kit_customer_id"), "via", ("kit_product_id",)),
    (Behaviour(kind="child_total", field="rating_total", child="kit_reviews",
               via="kit_product_id", sum="body"), "sum", ("rating",)),
    (Behaviour(kind="snapshot", child="kit_reviews", via="kit_product_id"), "child", None),
    (Behaviour(kind="stock", field="stock", child="kit_order_lines", via="kit_product_id",
               sum="created_at"), "sum", ("quantity",)),
    (Behaviour(kind="stock", field="price", child="kit_order_lines", via="kit_product_id"),
     "field", ("stock", "view_count", "review_count", "rating_total")),
])
def test_invalid_behaviours_get_one_message(kitchen: ProjectSpec, behaviour: Behaviour,
                                            key: str, allowed: tuple[str, ...] | None) -> None:
    found = _errors(_with(kitchen, "kit_products", behaviour))
    assert len(found) == 1, found
    path, code, message, allowed_found = found[0]
    assert code == "behaviour.invalid"
    assert path.endswith(f"behaviours[0].{key}")
    assert "kit_products" in message
    if allowed is not None:
        assert allowed_found == allowed


def test_a_snapshot_needs_copyable_required_fields(kitchen: ProjectSpec) -> None:
    # kit_reviews' required rating and keys cannot be filled from a product
    found = _errors(_with(kitchen, "kit_products",
                          Behaviour(kind="snapshot", child="kit_reviews", via="kit_product_id")))
    assert [c for _, c, _, _ in found] == ["behaviour.invalid"]
    assert "kit_reviews.rating is required" in found[0][2]


def test_one_field_one_behaviour(kitchen: ProjectSpec) -> None:
    twice = Behaviour(kind="view_count", field="view_count")
    found = _errors(_with(kitchen, "kit_products", twice, twice))
    assert [c for _, c, _, _ in found] == ["behaviour.duplicate"]


def test_kept_fields_are_server_set(kitchen: ProjectSpec) -> None:
    # 'position' is not named like a counter: the behaviour alone makes it server-set
    spec = _with(kitchen, "kit_categories", Behaviour(kind="view_count", field="position"))
    model = spec.model("kit_categories")
    assert model is not None
    decision = field_roles(spec, model)["position"]
    assert decision.role == "server" and decision.server_kind == "counter"
    assert "view_count behaviour" in decision.reason
    before = kitchen.model("kit_categories")
    assert before is not None and field_roles(kitchen, before)["position"].role == "client"
    # a stock stays the client's to set (restocking): a create only takes from it
    products = kitchen.model("kit_products")
    assert products is not None and field_roles(kitchen, products)["stock"].role == "client"


# --------------------------------------------------------------------------- slices


def test_slices_carry_the_behaviours_of_their_operations(kitchen: ProjectSpec) -> None:
    kinds: dict[str, set[str]] = {}
    for op in kitchen.operations:
        slice_, reads = cut(kitchen, op)
        kinds[f"{op.kind} {op.model}"] = kinds.get(f"{op.kind} {op.model}", set()) | {
            k.kind for k in slice_.kept}
        for k in slice_.kept:
            assert f"model:{k.table}" in reads
            if k.child_table:
                assert f"model:{k.child_table}" in reads
    assert kinds["at kit_products"] == {"view_count"}
    assert kinds["create kit_reviews"] == {"child_count", "child_total"}
    assert kinds["erase kit_reviews"] == {"child_count", "child_total"}
    assert kinds["update kit_reviews"] == {"child_total"}  # a review never moves product
    assert kinds["update kit_categories"] == {"snapshot"}
    assert kinds["create kit_order_lines"] == {"stock"}
    assert kinds["update kit_products"] == set() and kinds["at kit_reviews"] == set()


# --------------------------------------------------------------------------- importer

needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="AutoBe examples missing")


def _behaviours(spec: ProjectSpec) -> dict[str, list[tuple[str, str | None, str | None]]]:
    return {m.name: [(b.kind, b.field, b.child) for b in m.behaviours]
            for m in spec.models if m.behaviours}


@needs_examples
def test_importer_maps_claude_bbs_counters() -> None:
    imported = import_autobe([EXAMPLES / "anthropic__claude-sonnet-4.5" / "bbs"])
    assert _behaviours(imported.spec) == {
        "discussion_board_categories": [
            ("child_count", "topic_count", "discussion_board_topics")],
        "discussion_board_topics": [
            ("view_count", "view_count", None),
            ("child_count", "reply_count", "discussion_board_replies")],
    }
    noted = {n.subject for n in imported.report.notes if "behaviour" in n.message}
    assert noted == {"discussion_board_categories.topic_count",
                     "discussion_board_topics.view_count",
                     "discussion_board_topics.reply_count"}


@needs_examples
def test_importer_maps_shopping_order_total_not_its_history() -> None:
    imported = import_autobe([EXAMPLES / "openai__gpt-4.1" / "shopping"])
    orders = imported.spec.model("shopping_mall_orders")
    assert orders is not None
    assert [(b.kind, b.field, b.child, b.via, b.sum) for b in orders.behaviours] == [
        ("child_total", "order_total", "shopping_mall_order_items", "shopping_mall_order_id",
         "item_total")]
    # order_histories also holds an order_total, but it is a snapshot: not a child to sum;
    # and it wants a snapshot_type no order has, so it is no snapshot behaviour either
    assert all(b.kind != "snapshot" for m in imported.spec.models for b in m.behaviours)


def test_importer_leaves_ambiguous_counts_alone() -> None:
    spec = ProjectSpec(name="p", models=[
        Model.model_validate({"name": "posts", "plainFields": [
            {"name": "comment_count", "type": "int"}, {"name": "views", "type": "int"}]}),
        Model.model_validate({"name": "comments", "foreignFields": [
            {"name": "post_id", "relation": {"name": "post", "targetModel": "posts"}}]}),
        Model.model_validate({"name": "admin_comments", "foreignFields": [
            {"name": "post_id", "relation": {"name": "post", "targetModel": "posts"}}]}),
    ])
    notes = Notes()
    # two models end with 'comments' and no 'at' operation reads posts: nothing mapped
    assert map_behaviours(spec, notes) is spec
    assert notes.items == []
    one_child = spec.model_copy(update={"models": spec.models[:2]})
    mapped = map_behaviours(one_child, Notes())
    assert _behaviours(mapped) == {"posts": [("child_count", "comment_count", "comments")]}
    assert all(d.severity != "error" for d in validate(mapped))


# --------------------------------------------------------------------------- planner


@pytest.mark.parametrize(("text", "model", "expected", "added"), [
    ("count views of categories", "kit_categories",
     Behaviour(kind="view_count", field="view_count"), "view_count"),
    ("keep kit_categories.product_count as the count of products", "kit_categories",
     Behaviour(kind="child_count", field="product_count", child="kit_products",
               via="kit_category_id"), "product_count"),
    ("keep kit_customers.loyalty_points as the sum of kit_reviews.rating", "kit_customers",
     Behaviour(kind="child_total", field="loyalty_points", child="kit_reviews",
               via="kit_customer_id", sum="rating"), None),
])
def test_rule_forms_declare_a_behaviour_and_undo_exactly(
        kitchen: ProjectSpec, text: str, model: str, expected: Behaviour,
        added: str | None) -> None:
    plan = RulePlanner().plan(kitchen, text)
    after = apply(kitchen, plan.changeset)
    changed = after.model(model)
    before = kitchen.model(model)
    assert changed is not None and before is not None
    assert changed.behaviours == [*before.behaviours, expected]
    assert (added in changed.field_names()) == (added is not None)
    assert apply(after, invert(kitchen, plan.changeset)) == kitchen


@pytest.mark.parametrize(("text", "message"), [
    ("count views of kit_products", "already has"),
    ("snapshot kit_products into kit_visits", "kit_visits.duration_seconds is required"),
    ("keep kit_products.review_count as the count of kit_wishlists", "kept by two behaviours"),
    ("keep kit_reviews.rating as the count of kit_wishlists", "exactly one foreign field"),
])
def test_rule_forms_refuse_with_one_message(kitchen: ProjectSpec, text: str,
                                            message: str) -> None:
    with pytest.raises((NotUnderstood, NothingToDo)) as caught:
        RulePlanner().plan(kitchen, text)
    assert message in str(caught.value)
