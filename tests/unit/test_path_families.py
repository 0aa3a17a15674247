"""Operations whose path reaches the row otherwise than by its own id (issue 13).

- a grandparent in the path (``/products/{productId}/options/{optionId}/values``): the
  parameter binds the chain of foreign fields from the row (``option_id.product_id``);
- a one-to-one child selected by its parent (``/profiles/{profileId}/preferences``): the
  last parameter binds the child's unique foreign key;
- the caller's own account (``/user/profile``): no path parameter, the row is the token's;
- a list without a request body.

The importer cases are read from AutoBe's own example projects (what their API documents
say), the validator's from the spec's rules; the generated handlers' behaviour is run in
the generated backends' tests (kitchen sink, the imported examples).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.importer import Imported, import_autobe
from autobe_core.spec import ProjectSpec, apply, load_spec, validate
from autobe_core.spec.changeset import ChangeSet, RemoveField, RenameField, RenameModel
from autobe_core.spec.diagnostics import DiagnosticError
from autobe_core.spec.model import Operation, Parameter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
KITCHEN = ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"

pytestmark = pytest.mark.skipif(not EXAMPLES.is_dir(), reason="AutoBe examples missing")


@pytest.fixture(scope="module")
def shopping() -> Imported:
    return import_autobe([EXAMPLES / "openai__gpt-4.1" / "shopping"])


@pytest.fixture(scope="module")
def reddit() -> Imported:
    return import_autobe([EXAMPLES / "openai__gpt-4.1" / "reddit"])


def _op(spec: ProjectSpec, method: str, path: str) -> Operation:
    return next(o for o in spec.operations if o.method == method and o.path == path)


def _binds(op: Operation) -> dict[str, str | None]:
    return {p.name: p.binds for p in op.parameters}


def test_a_grandparent_binds_the_chain_of_keys_from_the_row(shopping: Imported) -> None:
    spec = shopping.spec
    base = "/shoppingMall/seller/products/{productId}/options/{optionId}/values"
    for method, path in (("patch", base), ("post", base), ("put", base + "/{valueId}")):
        op = _op(spec, method, path)
        assert op.kind in ("index", "create", "update")
        assert _binds(op)["productId"] == (
            "shopping_mall_product_option_id.shopping_mall_product_id")
        assert _binds(op)["optionId"] == "shopping_mall_product_option_id"
    # three hops: an inventory log -> its record -> the SKU -> the product
    logs = _op(spec, "patch",
               "/shoppingMall/admin/products/{productId}/skus/{skuId}/inventory/logs")
    assert logs.kind == "index"
    assert _binds(logs)["productId"] == ("shopping_mall_inventory_record_id."
                                         "shopping_mall_product_sku_id.shopping_mall_product_id")


def test_a_one_to_one_child_is_selected_by_its_parents_key(reddit: Imported,
                                                           shopping: Imported) -> None:
    prefs = _op(reddit.spec, "get", "/communityPlatform/member/profiles/{profileId}/preferences")
    assert prefs.kind == "at"
    assert _binds(prefs) == {"profileId": "community_platform_profile_id"}
    inventory = _op(shopping.spec, "put",
                    "/shoppingMall/seller/products/{productId}/skus/{skuId}/inventory")
    assert inventory.kind == "update"
    assert _binds(inventory)["skuId"] == "shopping_mall_product_sku_id"  # unique
    assert _binds(inventory)["productId"] == (
        "shopping_mall_product_sku_id.shopping_mall_product_id")


def test_the_callers_own_account_and_a_list_without_body() -> None:
    todo = import_autobe([EXAMPLES / "anthropic__claude-sonnet-4.5" / "todo"])
    profile = _op(todo.spec, "get", "/todoList/user/auth/user/profile")
    assert (profile.kind, profile.model, profile.actor) == ("at", "todo_list_users", "user")
    assert profile.parameters == []
    sessions = _op(todo.spec, "get", "/todoList/user/auth/user/sessions")
    assert sessions.kind == "index" and sessions.request_body is None
    assert not any(u.endpoint == "GET /todoList/user/auth/user/profile"
                   for u in todo.report.unrealized)


def test_a_parent_that_names_no_chain_stays_unrealized(reddit: Imported) -> None:
    """Subscription logs have no key to a subscription: nothing is guessed."""
    op = _op(reddit.spec, "patch", "/communityPlatform/member/subscriptions/{subscriptionId}/logs")
    assert op.kind == "custom"
    reason = next(u.reason for u in reddit.report.unrealized if u.endpoint == op.endpoint)
    assert "subscriptionId" in reason


# --------------------------------------------------------------------------- validator


def _with_op(spec: ProjectSpec, op: Operation) -> ProjectSpec:
    return spec.model_copy(update={"operations": [*spec.operations, op]})


def _codes(spec: ProjectSpec) -> dict[str, str]:
    return {d.code: d.message for d in validate(spec) if d.severity == "error"}


def test_the_kitchen_sink_with_a_grandparent_and_me_is_valid() -> None:
    spec = load_spec(KITCHEN)
    assert not [d for d in validate(spec) if d.severity == "error"]
    chained = [p for o in spec.operations for p in o.parameters if p.binds and "." in p.binds]
    assert chained


def test_a_chain_must_follow_foreign_fields() -> None:
    spec = load_spec(KITCHEN)
    op = Operation(
        path="/kitchen/x/{categoryId}/reviews/{reviewId}", method="get", name="at", kind="at",
        model="kit_reviews",
        parameters=[Parameter(name="categoryId", binds="kit_product_id.title"),
                    Parameter(name="reviewId")])
    codes = _codes(_with_op(spec, op))
    assert "ref.unknown-field" in codes
    assert "foreign field" in codes["ref.unknown-field"]


def test_a_row_is_selected_by_its_key_or_a_unique_parent_key_only() -> None:
    spec = load_spec(KITCHEN)
    # kit_reviews.kit_product_id is not unique: a product has many reviews
    op = Operation(path="/kitchen/products/{productId}/review", method="get", name="at",
                   kind="at", model="kit_reviews",
                   parameters=[Parameter(name="productId", binds="kit_product_id")])
    assert "operation.row-unselected" in _codes(_with_op(spec, op))
    # no path parameter on a model that is not the caller's accounts: refused too
    mine = Operation(path="/kitchen/shopper/review", method="get", name="at", kind="at",
                     model="kit_reviews", actor="shopper")
    assert "operation.row-unselected" in _codes(_with_op(spec, mine))


# --------------------------------------------------------------------------- renames


def test_renames_keep_chains_and_behaviours_pointing_at_the_same_things() -> None:
    """A grandparent binding and a declared behaviour name fields of other models: a
    rename follows them, a removal that would leave one dangling is refused."""
    spec = load_spec(KITCHEN)
    hop = apply(spec, ChangeSet(edits=[RenameField(
        model="kit_products", field="kit_category_id", new_name="main_category_id")]))
    chains = {p.binds for o in hop.operations if o.model == "kit_visits" for p in o.parameters
              if p.binds and "." in p.binds}
    assert chains == {"kit_product_id.main_category_id"}
    first = apply(spec, ChangeSet(edits=[RenameField(
        model="kit_visits", field="kit_product_id", new_name="product_id")]))
    assert {p.binds for o in first.operations if o.model == "kit_visits"
            for p in o.parameters if p.binds and "." in p.binds} == {"product_id.kit_category_id"}
    summed = apply(spec, ChangeSet(edits=[
        RenameField(model="kit_reviews", field="rating", new_name="stars"),
        RenameModel(model="kit_reviews", new_name="kit_opinions")]))
    products = summed.model("kit_products")
    assert products is not None
    total = next(b for b in products.behaviours if b.kind == "child_total")
    assert (total.child, total.sum) == ("kit_opinions", "stars")
    for edit, user in ((RemoveField(model="kit_products", field="kit_category_id"),
                        "parameter 'categoryId' of PATCH /kitchen/staff/categories/{categoryId}"
                        "/products/{productId}/visits"),
                       (RemoveField(model="kit_reviews", field="rating"),
                        "the child_total behaviour of kit_products")):
        with pytest.raises(DiagnosticError) as refused:
            apply(spec, ChangeSet(edits=[edit]))
        [problem] = refused.value.diagnostics
        assert problem.code == "change.field-in-use" and user in problem.message
