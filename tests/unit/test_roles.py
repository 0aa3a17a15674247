"""Field roles (issue 11): derivation, overrides, validation, bounds, URL schemes, DTOs,
collectors and the importer's decisions, on the real fixtures and AutoBe's examples."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from autobe_core.generate.kinds.collector import generator as collectors
from autobe_core.generate.kinds.dto.generator import uri_pattern
from autobe_core.importer.pipeline import import_autobe
from autobe_core.spec.io import load_spec, parse_spec
from autobe_core.spec.model import PlainField, ProjectSpec
from autobe_core.spec.roles import default_minimum, field_roles, update_writable
from autobe_core.spec.semantics import model_dto_fields
from autobe_core.spec.validation.engine import validate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"


def spec_of(name: str) -> ProjectSpec:
    return load_spec(ROOT / "fixtures" / f"{name}.yaml")


def server(spec: ProjectSpec) -> dict[str, dict[str, str]]:
    """model -> server field -> its source kind."""
    out: dict[str, dict[str, str]] = {}
    for model in spec.models:
        for d in field_roles(spec, model).values():
            if d.server:
                assert d.source is not None
                out.setdefault(model.name, {})[d.field] = d.source.kind
    return out


def test_bbs_server_fields_and_their_sources() -> None:
    assert server(spec_of("bbs")) == {
        "bbs_articles": {"bbs_member_id": "bound", "pinned": "false", "view_count": "zero"},
        "bbs_article_comments": {"bbs_member_id": "bound"},
        "bbs_article_votes": {"bbs_member_id": "bound"},
        "bbs_article_attachments": {"bbs_member_id": "bound"},
        "bbs_article_reports": {"bbs_member_id": "bound", "bbs_moderator_id": "null",
                                "status": "first", "resolved_at": "null"},
        "bbs_notifications": {"read_at": "null"},
    }


def test_server_fields_never_reach_a_create_body() -> None:
    spec = spec_of("bbs")
    for model in spec.models:
        roles = field_roles(spec, model)
        for f in model_dto_fields(spec, model, "create"):
            decision = roles.get(f.source)
            assert decision is None or not decision.server, (model.name, f.name)


def test_staff_may_set_state_fields_in_an_update_owners_may_not() -> None:
    spec = spec_of("bbs")
    reports = spec.model("bbs_article_reports")
    articles = spec.model("bbs_articles")
    assert reports is not None and articles is not None
    # every update of a report is an admin's: the admin resolves it
    assert update_writable(spec, reports) == {"status", "resolved_at"}
    assert {"status", "resolved_at"} <= {f.name for f in model_dto_fields(spec, reports,
                                                                          "update")}
    # a member updates articles: pinned stays the server's
    assert update_writable(spec, articles) == set()
    assert "pinned" not in {f.name for f in model_dto_fields(spec, articles, "update")}


def test_role_in_the_spec_wins() -> None:
    spec = spec_of("todo")
    items = spec.model("todo_items")
    assert items is not None
    status = field_roles(spec, items)["status"]
    assert status.role == "client" and not status.derived
    assert "status" in {f.name for f in model_dto_fields(spec, items, "create")}
    assert "status" in {f.name for f in model_dto_fields(spec, items, "update")}


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("order_total", "decimal", "total"), ("subtotal", "int", "total"),
    ("view_count", "int", "counter"), ("likes", "int", "counter"),
    ("email_verified", "boolean", "state"), ("is_banned", "boolean", "state"),
    ("approval_status", "string", "state"), ("paid_at", "datetime", "event"),
    ("resolved_at", "datetime", "event"), ("last_login_at", "datetime", "event"),
    ("due_at", "datetime", None), ("scheduled_at", "datetime", None),
    ("starts_at", "datetime", None), ("title", "string", None), ("quantity", "int", None),
    ("order_number", "string", "number"), ("phone_number", "string", None),
])
def test_name_patterns(name: str, kind: str, expected: str | None) -> None:
    data: dict[str, Any] = {"name": "shop", "models": [{
        "name": "orders",
        "plainFields": [{"name": name, "type": kind, "nullable": True}],
    }]}
    spec = parse_spec(data)
    decision = field_roles(spec, spec.models[0])[name]
    assert decision.server_kind == expected
    assert decision.server == (expected is not None)


def test_price_copied_from_the_parent_row() -> None:
    data: dict[str, Any] = {"name": "shop", "models": [
        {"name": "products", "plainFields": [{"name": "price", "type": "decimal"}]},
        {"name": "cart_items",
         "foreignFields": [{"name": "product_id",
                            "relation": {"name": "product", "targetModel": "products"}}],
         "plainFields": [{"name": "unit_price", "type": "decimal"},
                         {"name": "quantity", "type": "int"}]},
    ]}
    spec = parse_spec(data)
    items = spec.models[1]
    decision = field_roles(spec, items)["unit_price"]
    assert decision.server and decision.source is not None
    assert (decision.source.kind, decision.source.parent, decision.source.parent_field) == (
        "copy", "product_id", "price")
    text = collectors.render(collectors.cut(spec, items))
    assert ("row.unit_price = select(Product.price).where(Product.id == row.product_id)"
            ".scalar_subquery()") in text
    assert "from app.models.products import Product" in text


# --------------------------------------------------------------------------- validation


BASE: dict[str, Any] = {
    "name": "shop",
    "actors": [{"name": "customer", "kind": "member", "model": "customers"}],
    "models": [
        {"name": "customers", "plainFields": [
            {"name": "email", "type": "string", "format": "email"},
            {"name": "password_hash", "type": "string"}]},
        {"name": "carts",
         "foreignFields": [{"name": "customer_id",
                            "relation": {"name": "customer", "targetModel": "customers"}}],
         "plainFields": [{"name": "title", "type": "string"}]},
    ],
    "operations": [{"name": "create", "kind": "create", "model": "carts", "method": "post",
                    "path": "/shop/carts", "actor": "customer"}],
}


def carts_with(**field: Any) -> ProjectSpec:
    data: dict[str, Any] = {**BASE, "models": [BASE["models"][0], {
        **BASE["models"][1],
        "plainFields": [*BASE["models"][1]["plainFields"], field]}]}
    return parse_spec(data)


def codes(spec: ProjectSpec) -> dict[str, str]:
    return {d.code: d.severity for d in validate(spec)}


def test_a_status_without_a_source_stays_client_and_is_reported() -> None:
    spec = carts_with(name="approval_status", type="string")
    decision = field_roles(spec, spec.models[1])["approval_status"]
    assert decision.role == "client" and decision.unsourced
    assert codes(spec)["role.unsourced"] == "warning"
    assert "approval_status" in {f.name for f in model_dto_fields(spec, spec.models[1],
                                                                   "create")}


def test_a_status_with_a_default_is_server_set() -> None:
    spec = carts_with(name="approval_status", type="string", default="pending")
    assert field_roles(spec, spec.models[1])["approval_status"].server
    assert "role.unsourced" not in codes(spec)
    assert "approval_status" not in {f.name for f in model_dto_fields(spec, spec.models[1],
                                                                       "create")}


def test_explicit_server_without_a_source_is_an_error() -> None:
    spec = carts_with(name="note", type="string", role="server")
    assert codes(spec)["role.server-without-source"] == "error"


def test_system_is_for_maintained_fields_only() -> None:
    spec = carts_with(name="note", type="string", role="system")
    assert codes(spec)["role.system"] == "error"


def test_schemes_must_be_scheme_names() -> None:
    spec = carts_with(name="link", type="uri", schemes=["https", "Java Script"])
    assert codes(spec)["field.schemes"] == "error"


# --------------------------------------------------------------------------- bounds, urls


@pytest.mark.parametrize(("name", "kind", "minimum", "expected"), [
    ("quantity", "int", None, 1), ("order_quantity", "int", None, 1),
    ("price", "decimal", None, 0), ("paid_amount", "double", None, 0),
    ("view_count", "int", None, 0), ("size", "int", None, 0),
    ("quantity_changed", "int", None, None), ("balance", "decimal", None, None),
    ("priority", "int", None, None), ("price", "decimal", -10, -10),
    ("price", "string", None, None),
])
def test_default_minimum(name: str, kind: str, minimum: float | None,
                         expected: float | None) -> None:
    field = PlainField.model_validate({"name": name, "type": kind, "minimum": minimum})
    assert default_minimum(field) == expected


def test_url_pattern_accepts_http_only_by_default() -> None:
    pattern = re.compile(uri_pattern(("http", "https")))
    for good in ("https://example.com/a", "HTTP://x.org", "http://localhost:8000/p?q=1"):
        assert pattern.match(good), good
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
                "ftp://x", "https://exa mple.com", "//example.com"):
        assert not pattern.match(bad), bad
    mail = re.compile(uri_pattern(("mailto",)))
    assert mail.match("mailto:a@example.com") and not mail.match("https://x")


# --------------------------------------------------------------------------- importer


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="the AutoBe examples are not there")
def test_importer_maps_autobe_create_dtos_onto_roles() -> None:
    imported = import_autobe([EXAMPLES / "openai__gpt-4.1" / "shopping"])
    choices = {c.subject: c for c in imported.report.roles}
    orders = imported.spec.model("shopping_mall_orders")
    assert orders is not None
    # AutoBe's ICreate leaves these to the server: they get a source
    assert choices["shopping_mall_orders.status"].role == "server"
    status = orders.plain("status")
    assert status is not None and status.default == "pending"
    assert choices["shopping_mall_orders.order_number"].source == "generated"
    assert choices["shopping_mall_orders.placed_at"].source == "now"
    # AutoBe's ICreate lets the client send these: server-set here, reported
    assert choices["shopping_mall_orders.order_total"].role == "server"
    assert "lets the client send it" in choices["shopping_mall_orders.order_total"].reason
    assert choices["shopping_mall_cart_items.unit_price_snapshot"].source == "copy"
    sellers = imported.spec.model("shopping_mall_sellers")
    assert sellers is not None
    join = {f.name for f in model_dto_fields(imported.spec, sellers, "create")}
    assert not {"approval_status", "email_verified"} & join
    create = {f.name for f in model_dto_fields(imported.spec, orders, "create")}
    assert not {"status", "order_total", "order_number", "shopping_mall_customer_id"} & create
    data = imported.report.to_dict()["roles"]
    assert data["server"] == len(imported.report.server_roles) > 30
    assert "field roles:" in imported.report.to_text(details=False)
