"""The access model (``autobe_core.spec.access``) from the spec's meaning.

Who may call each operation and which rows are the caller's, on todo, bbs and the
imported shopping example: owner keys are required foreign fields to the actor's model
(a nullable one is an assignment unless its relation names the party: an order's
seller), chains follow required foreign fields to the nearest
owner key, privileged actors are not owner-scoped, and ``Operation.access`` overrides.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from autobe_core.importer import import_autobe
from autobe_core.spec import (
    Access,
    ForeignField,
    Model,
    Operation,
    ProjectSpec,
    Relation,
    callers,
    load_spec,
    operation_access,
    owner_chain,
    owner_key,
    validate,
)

ROOT = Path(__file__).resolve().parents[2]
SHOPPING = ROOT.parent / "shared" / "autobe-examples" / "openai__gpt-4.1" / "shopping"


@cache
def fixture(name: str) -> ProjectSpec:
    return load_spec(ROOT / "fixtures" / f"{name}.yaml")


@cache
def shopping() -> ProjectSpec:
    return import_autobe([SHOPPING]).spec


def op(spec: ProjectSpec, endpoint: str) -> Operation:
    return next(o for o in spec.operations if o.endpoint == endpoint)


def hops(spec: ProjectSpec, endpoint: str) -> list[str] | None:
    chain = operation_access(spec, op(spec, endpoint)).chain
    return None if chain is None else [f"{h.model}.{h.field}" for h in chain.hops]


def model(spec: ProjectSpec, name: str) -> Model:
    found = spec.model(name)
    assert found is not None
    return found


# --------------------------------------------------------------------------- callers


def test_login_refresh_and_member_join_are_public_admin_join_is_not() -> None:
    bbs = fixture("bbs")
    assert callers(bbs, op(bbs, "POST /auth/member/join")).public
    assert callers(bbs, op(bbs, "POST /auth/admin/login")).public
    assert callers(bbs, op(bbs, "POST /auth/admin/refresh")).public
    admin_join = callers(bbs, op(bbs, "POST /auth/admin/join"))
    assert not admin_join.public and admin_join.actors == ("admin",)


def test_an_operation_with_an_actor_needs_its_principal() -> None:
    todo = fixture("todo")
    who = callers(todo, op(todo, "PATCH /todo/user/lists"))
    assert (who.public, who.actors) == (False, ("user",))
    assert callers(fixture("bbs"), op(fixture("bbs"), "PATCH /bbs/articles")).public


def test_access_public_override_opens_a_privileged_join() -> None:
    bbs = fixture("bbs")
    join = op(bbs, "POST /auth/admin/join").model_copy(update={"access": Access(public=True)})
    assert callers(bbs, join).public


# --------------------------------------------------------------------------- owner keys


def test_owner_key_of_the_actors_own_model_is_its_primary_key() -> None:
    bbs = fixture("bbs")
    member = bbs.actor("member")
    assert member is not None
    assert owner_key(bbs, model(bbs, "bbs_members"), member) == "id"
    assert hops(bbs, "PUT /bbs/member/members/{memberId}") == []


def test_a_nullable_foreign_key_to_the_actor_is_an_assignment_not_ownership() -> None:
    # the moderator report queue: reports without a reviewer must reach every moderator
    bbs = fixture("bbs")
    moderator = bbs.actor("moderator")
    assert moderator is not None
    reports = model(bbs, "bbs_article_reports")
    assert owner_key(bbs, reports, moderator) is None
    assert owner_chain(bbs, reports, moderator) is None
    queue = operation_access(bbs, op(bbs, "PATCH /bbs/moderator/reports"))
    assert not queue.scoped and queue.callers.actors == ("moderator",)
    # the member who filed a report owns it (required key)
    assert hops(bbs, "PATCH /bbs/member/reports") == ["bbs_article_reports.bbs_member_id"]


def test_several_required_keys_pick_the_one_named_for_ownership() -> None:
    spec = fixture("todo")
    user = spec.actor("user")
    assert user is not None
    lists = model(spec, "todo_lists")
    relation = Relation(name="reviewer", target_model=user.model)
    other = ForeignField(name="reviewer_id", relation=relation)
    doubled = lists.model_copy(update={"foreign_fields": [*lists.foreign_fields, other]})
    spec2 = spec.model_copy(update={"models": [doubled if m.name == lists.name else m
                                               for m in spec.models]})
    assert owner_key(spec2, doubled, user) == lists.foreign_fields[0].name
    # with two keys neither of which names the owner: none, and the validator warns
    blocked = ForeignField(name="blocked_id", relation=Relation(name="blocked",
                                                                target_model=user.model))
    blocker = ForeignField(name="blocker_id", relation=Relation(name="blocker",
                                                                target_model=user.model))
    pair = lists.model_copy(update={"foreign_fields": [blocker, blocked]})
    spec3 = spec.model_copy(update={"models": [pair if m.name == lists.name else m
                                               for m in spec.models]})
    assert owner_key(spec3, pair, user) is None
    warnings = [d for d in validate(spec3) if d.code == "access.ambiguous-owner"]
    assert warnings and "blocker_id, blocked_id" in warnings[0].message
    assert "access: {owner: [blocker_id]}" in warnings[0].allowed


# --------------------------------------------------------------------------- chains


def test_bbs_article_tags_are_owned_through_the_article() -> None:
    bbs = fixture("bbs")
    create = operation_access(bbs, op(bbs, "POST /bbs/member/articles/{articleId}/tags"))
    assert create.chain is not None
    assert [h.field for h in create.chain.hops] == ["bbs_article_id", "bbs_member_id"]
    (parent,) = create.parents
    assert parent.param == "articleId" and parent.chain is not None
    assert parent.chain.model == "bbs_articles"


def test_a_comment_under_a_public_article_needs_only_the_article_to_exist() -> None:
    bbs = fixture("bbs")
    access = operation_access(bbs, op(bbs, "POST /bbs/member/articles/{articleId}/comments"))
    assert hops(bbs, "POST /bbs/member/articles/{articleId}/comments") == [
        "bbs_article_comments.bbs_member_id"]
    (parent,) = access.parents
    assert parent.target == "bbs_articles" and parent.chain is None


def test_an_item_in_a_private_list_needs_the_callers_list() -> None:
    todo = fixture("todo")
    access = operation_access(todo, op(todo, "POST /todo/user/lists/{listId}/items"))
    (parent,) = access.parents
    assert parent.chain is not None and parent.chain.model == "todo_lists"


def test_privileged_actors_are_not_owner_scoped() -> None:
    bbs = fixture("bbs")
    access = operation_access(bbs, op(bbs, "PUT /bbs/admin/admins/{adminId}"))
    assert not access.scoped and "privileged" in access.reason


def test_access_owner_override_names_the_chain_or_turns_scoping_off() -> None:
    bbs = fixture("bbs")
    attach = op(bbs, "POST /bbs/member/articles/{articleId}/attachments")
    through = attach.model_copy(update={"access": Access(owner=["bbs_article_id",
                                                                "bbs_member_id"])})
    access = operation_access(bbs, through)
    assert access.chain is not None and len(access.chain.hops) == 2
    assert access.parents[0].chain is not None
    off = attach.model_copy(update={"access": Access(owner=[])})
    assert not operation_access(bbs, off).scoped


def test_a_bad_override_is_reported() -> None:
    bbs = fixture("bbs")
    index = bbs.operations.index(op(bbs, "POST /bbs/member/articles/{articleId}/attachments"))
    broken = bbs.operations[index].model_copy(update={"access": Access(owner=["bbs_article_id"])})
    spec = bbs.model_copy(update={"operations": [*bbs.operations[:index], broken,
                                                 *bbs.operations[index + 1:]]})
    found = [d for d in validate(spec) if d.code == "access.bad-owner-chain"]
    assert found and "ends at bbs_articles" in found[0].message
    public = broken.model_copy(update={"access": Access(public=True)})
    spec = bbs.model_copy(update={"operations": [*bbs.operations[:index], public,
                                                 *bbs.operations[index + 1:]]})
    assert any(d.code == "access.public-with-actor" for d in validate(spec))


needs_examples = pytest.mark.skipif(not SHOPPING.is_dir(), reason="no AutoBe examples")


@needs_examples
def test_shopping_payment_is_owned_through_the_order() -> None:
    spec = shopping()
    assert hops(spec, "POST /shoppingMall/customer/orders/{orderId}/payments") == [
        "shopping_mall_order_payments.shopping_mall_order_id",
        "shopping_mall_orders.shopping_mall_customer_id",
    ]
    pay = op(spec, "POST /shoppingMall/customer/orders/{orderId}/payments")
    access = operation_access(spec, pay)
    (parent,) = access.parents
    assert parent.param == "orderId" and parent.chain is not None


@needs_examples
def test_shopping_cart_item_is_owned_through_the_cart() -> None:
    spec = shopping()
    assert hops(spec, "PATCH /shoppingMall/customer/carts/{cartId}/cartItems") == [
        "shopping_mall_cart_items.shopping_mall_cart_id",
        "shopping_mall_carts.shopping_mall_customer_id",
    ]


@needs_examples
def test_shopping_seller_skus_are_owned_through_the_product() -> None:
    spec = shopping()
    assert hops(spec, "POST /shoppingMall/seller/products/{productId}/skus") == [
        "shopping_mall_product_skus.shopping_mall_product_id",
        "shopping_mall_products.shopping_mall_seller_id",
    ]
    # an appeal: three hops up to the customer
    assert hops(spec, "POST /shoppingMall/customer/appeals") == [
        "shopping_mall_appeals.escalation_id",
        "shopping_mall_escalations.shopping_mall_order_id",
        "shopping_mall_orders.shopping_mall_customer_id",
    ]


@needs_examples
def test_a_nullable_key_named_for_the_party_scopes_a_sellers_orders() -> None:
    # orders.shopping_mall_seller_id is nullable, its relation named "seller": the order's
    # seller, not a part a seller plays; without it every seller read every order
    spec = shopping()
    seller = spec.actor("seller")
    assert seller is not None
    assert owner_key(spec, model(spec, "shopping_mall_orders"), seller) == \
        "shopping_mall_seller_id"
    assert hops(spec, "PATCH /shoppingMall/seller/orders/{orderId}/payments") == [
        "shopping_mall_order_payments.shopping_mall_order_id",
        "shopping_mall_orders.shopping_mall_seller_id",
    ]
    # a required key still wins: the customer owns the order
    customer = spec.actor("customer")
    assert customer is not None
    assert owner_key(spec, model(spec, "shopping_mall_orders"), customer) == \
        "shopping_mall_customer_id"
    # a relation named for a part the party plays is not ownership: the status history's
    # actorSeller records who changed the status, the order's seller owns the row
    assert hops(spec, "PATCH /shoppingMall/seller/orders/{orderId}/statusHistory") == [
        "shopping_mall_order_status_history.shopping_mall_order_id",
        "shopping_mall_orders.shopping_mall_seller_id",
    ]


@needs_examples
def test_a_body_reference_to_a_row_the_caller_must_own_is_checked() -> None:
    # a refund names the payment it refunds: another customer's payment is refused; the
    # order in the path is checked as a parent, the SKU of a cart item is anyone's to name
    spec = shopping()
    refund = operation_access(
        spec, op(spec, "POST /shoppingMall/customer/orders/{orderId}/refunds"))
    assert [(r.field, r.target) for r in refund.references] == [
        ("refunded_payment_id", "shopping_mall_order_payments")]
    (ref,) = refund.references
    assert [h.field for h in ref.chain.hops] == ["shopping_mall_order_id",
                                                 "shopping_mall_customer_id"]
    item = operation_access(
        spec, op(spec, "POST /shoppingMall/customer/carts/{cartId}/cartItems"))
    assert item.references == ()
    # reads never check references: only a create or update body names rows
    assert all(not operation_access(spec, o).references for o in spec.operations
               if o.kind not in ("create", "update"))
