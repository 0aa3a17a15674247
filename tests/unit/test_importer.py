"""The AutoBe importer: mapping rules, approximations, the report, malformed input.

``tests/data/autobe/notes`` is a small AutoBe project written for these tests (the shape
of AutoBe's own files, with the constructs real projects have: reserved names, enums as
``const`` unions, nullable ``oneOf``s, a non-standard operation); the malformed inputs
under ``tests/data/autobe/malformed`` are variants of it. Small synthetic projects built
here cover the rules the notes project does not.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from autobe_cli.main import cli
from autobe_core.importer import Imported, import_autobe
from autobe_core.service import ProjectService
from autobe_core.spec.diagnostics import DiagnosticError, errors
from autobe_core.spec.edits.engine import apply, creation
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.validation.engine import validate

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
MALFORMED = ROOT / "tests" / "data" / "autobe" / "malformed"
S = "#/components/schemas/"


@pytest.fixture(scope="module")
def notes() -> Imported:
    return import_autobe([NOTES])


def op_at(spec: ProjectSpec, method: str, path: str) -> Operation:
    return next(o for o in spec.operations if o.method == method and o.path == path)


# --------------------------------------------------------------------------- builders


def pf(name: str, type_: str = "string", nullable: bool = False) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": f"The {name}.", "nullable": nullable}


def ff(name: str, target: str, rel: str, nullable: bool = False) -> dict[str, Any]:
    return {"name": name, "type": "uuid", "description": "", "unique": False,
            "nullable": nullable, "relation": {"name": rel, "targetModel": target}}


def pm(name: str, foreign: list[dict[str, Any]], plain: list[dict[str, Any]],
       stance: str = "primary") -> dict[str, Any]:
    return {"name": name, "description": f"Rows of {name}.", "material": False,
            "stance": stance, "primaryField": {"name": "id", "type": "uuid"},
            "foreignFields": foreign, "plainFields": plain, "uniqueIndexes": [],
            "plainIndexes": [], "ginIndexes": []}


def operation(name: str, method: str, path: str, req: str | None = None,
              res: str | None = None, role: str | None = None,
              params: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"name": name, "method": method, "path": path, "summary": name,
            "description": f"{name} {path}", "specification": f"spec of {name}",
            "parameters": [{"name": p, "description": "", "schema": {"type": "string",
                                                                     "format": "uuid"}}
                           for p in params],
            "requestBody": {"typeName": req, "description": ""} if req else None,
            "responseBody": {"typeName": res, "description": ""} if res else None,
            "authorizationRole": role, "authorizationType": None}


def schema(link: str | None, **props: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "object", "properties": props, "required": []}
    if link:
        data["x-autobe-prisma-schema"] = link
    return data


def write_project(tmp_path: Path, models: list[dict[str, Any]],
                  document: dict[str, Any] | None = None) -> Path:
    folder = tmp_path / "shop" / "autobe"
    folder.mkdir(parents=True)
    (folder / "prisma.json").write_text(
        json.dumps({"files": [{"filename": "a.prisma", "namespace": "Shop", "models": models}]}),
        encoding="utf-8")
    if document is not None:
        (folder / "document.json").write_text(json.dumps(document), encoding="utf-8")
    return folder.parent


def document(ops: list[dict[str, Any]], schemas: dict[str, Any],
             actors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"operations": ops, "components": {"schemas": schemas, "authorization": actors or []}}


# --------------------------------------------------------------------------- models


def test_models_keep_namespaces_stance_fields_relations_and_indexes(notes: Imported) -> None:
    spec = notes.spec
    assert [m.name for m in spec.models] == [
        "notes_users", "notes_sessions", "notes_notebooks", "notes_entries",
        "notes_entry_snapshots",
    ]
    assert spec.namespaces() == ["Actors", "Notes"]
    assert [m.stance for m in spec.models] == [
        "actor", "session", "primary", "subsidiary", "snapshot"]
    notebooks = spec.model("notes_notebooks")
    assert notebooks is not None
    assert notebooks.description == "A named notebook of one user."
    owner = notebooks.foreign("notes_user_id")
    assert owner is not None and owner.relation.target_model == "notes_users"
    assert owner.relation.name == "owner" and not owner.nullable
    assert [ix.field_names for ix in notebooks.unique_indexes] == [["notes_user_id", "title"]]
    assert [g.field_name for g in notebooks.gin_indexes] == ["title"]
    entries = spec.model("notes_entries")
    assert entries is not None and entries.foreign("notes_session_id") is not None
    assert entries.foreign("notes_session_id").nullable  # type: ignore[union-attr]


def test_reserved_names_get_valid_names_with_the_same_meaning(notes: Imported) -> None:
    notebooks = notes.spec.model("notes_notebooks")
    entries = notes.spec.model("notes_entries")
    assert notebooks is not None and entries is not None
    assert notebooks.plain("sort_order") is not None and notebooks.plain("order") is None
    assert notebooks.plain("meta_data") is not None
    # indexes follow the rename
    assert [ix.field_names for ix in notebooks.plain_indexes] == [["sort_order"]]
    session = entries.foreign("notes_session_id")
    assert session is not None and session.relation.name == "authSession"
    renamed = {n.subject: n for n in notes.report.notes if n.kind == "renamed"}
    assert set(renamed) == {
        "field notes_notebooks.order", "field notes_notebooks.metadata",
        "relation notes_entries.session",
    }
    assert renamed["field notes_notebooks.order"].source == (
        "prisma.json:$.files[1].models[0].plainFields[1].name")
    assert "SQL reserved word" in renamed["field notes_notebooks.order"].message


def test_dto_schemas_become_field_constraints(notes: Imported) -> None:
    users = notes.spec.model("notes_users")
    notebooks = notes.spec.model("notes_notebooks")
    entries = notes.spec.model("notes_entries")
    assert users is not None and notebooks is not None and entries is not None
    email = users.plain("email")
    assert email is not None and email.format == "email" and email.max_length == 254
    title = notebooks.plain("title")
    assert title is not None and (title.min_length, title.max_length) == (1, 80)
    order = notebooks.plain("sort_order")  # the renamed field takes the AutoBe property's
    assert order is not None and (order.minimum, order.maximum) == (0, 1000)
    status = entries.plain("status")
    # const unions are enums; values of every DTO are accepted (ICreate lists two)
    assert status is not None and status.enum == ["open", "done", "archived"]
    priority = entries.plain("priority")
    assert priority is not None and (priority.minimum, priority.maximum) == (1, 5)
    body = entries.plain("body")
    assert body is not None and body.max_length == 4000
    kinds = {(n.kind, n.subject) for n in notes.report.notes}
    assert ("approximated", "field notes_entries.status") in kinds
    assert ("dropped", "field notes_notebooks.meta_data") in kinds  # its `pattern`


def test_dto_overrides_follow_autobe_dtos(notes: Imported) -> None:
    notebooks = notes.spec.model("notes_notebooks")
    entries = notes.spec.model("notes_entries")
    assert notebooks is not None and entries is not None
    # ISummary holds id, title, order
    assert notebooks.dtos.summary is not None
    assert notebooks.dtos.summary.include == ["id", "title", "sort_order"]
    # IUpdate names the owner key: not updatable, reported
    assert notebooks.dtos.update is not None
    assert notebooks.dtos.update.include == ["title", "sort_order"]
    # IRequest of entries filters by status and priority
    assert entries.dtos.request is not None
    assert entries.dtos.request.include == ["status", "priority"]
    dropped = [n for n in notes.report.notes if n.subject == "read DTO of notes_notebooks"]
    assert dropped and "entry_count" in dropped[0].message


def test_actor_from_authorization_and_its_join_dto(notes: Imported) -> None:
    (actor,) = notes.spec.actors
    assert (actor.name, actor.kind, actor.model) == ("user", "member", "notes_users")
    assert (actor.identity_field, actor.password_field) == ("email", "password_hash")
    assert actor.description == "Someone who keeps notes."


def test_operation_kinds_models_actors_and_bindings(notes: Imported) -> None:
    spec = notes.spec
    kinds = [(o.kind, o.model) for o in spec.operations]
    assert kinds[:3] == [("join", "notes_users"), ("login", "notes_users"),
                         ("refresh", "notes_users")]
    nb = "/notes/user/notebooks"
    erase = op_at(spec, "delete", nb + "/{notebookId}")
    # an erase has no DTO: its model is the one of the other operations on its path
    assert (erase.kind, erase.model, erase.actor) == ("erase", "notes_notebooks", "user")
    assert [(p.name, p.binds) for p in erase.parameters] == [("notebookId", "id")]
    at = op_at(spec, "get", nb + "/{notebookId}/entries/{entryId}")
    assert [(p.name, p.binds) for p in at.parameters] == [
        ("notebookId", "notes_notebook_id"), ("entryId", "id")]
    index = op_at(spec, "patch", nb)
    assert index.response_body is not None
    assert index.response_body.type_name == "IPageINotesNotebook.ISummary"
    # a non-standard name with create's method and DTOs is a create
    append = op_at(spec, "post", nb + "/{notebookId}/entries/append")
    assert append.kind == "create" and append.name == "append"


def test_non_standard_operation_is_unrealized_and_keeps_autobe_text(notes: Imported) -> None:
    share = op_at(notes.spec, "post", "/notes/user/notebooks/{notebookId}/entries/{entryId}/share")
    assert share.kind == "custom" and share.actor == "user"
    assert share.model == "notes_entries"
    assert share.description == "Share an entry with another user by email."
    assert share.specification.startswith("Look up the recipient by email")
    assert share.request_body is None  # INotesEntry.IShare is no derived DTO
    report = notes.report
    assert report.operations_by_kind["custom"] == 1 and report.realized == 13
    (unrealized,) = report.unrealized
    assert unrealized.name == "share"
    assert unrealized.source == "document.json:$.operations[13]"
    assert "INotesEntry.IShare" in report.dtos.unmapped


def test_imported_spec_is_valid_and_replays_from_its_creation(notes: Imported) -> None:
    assert errors(validate(notes.spec)) == []
    assert not notes.spec.schemas
    assert apply(ProjectSpec(name=notes.spec.name), creation(notes.spec)) == notes.spec
    assert notes.spec.name == "notes"


def test_report_text_and_json(notes: Imported) -> None:
    data = notes.report.to_dict()
    json.dumps(data)
    assert data["models"] == 5
    assert data["operations"]["byKind"]["create"] == 3
    assert data["operations"]["realized"] == 13 and data["operations"]["unrealized"] == 1
    assert data["noteCounts"]["renamed"] == 3
    assert all(n["source"].startswith(("prisma.json:$", "document.json:$"))
               for n in data["notes"])
    text = notes.report.to_text()
    assert "13 realized, 1 unrealized" in text
    assert "at prisma.json:$.files[1].models[0].plainFields[1].name" in text


# --------------------------------------------------------------------------- more rules


def test_dto_name_follows_autobe_type_names(tmp_path: Path) -> None:
    models = [pm("shop_skus", [], [pf("code")])]
    doc = document(
        [operation("at", "get", "/skus/{skuId}", res="IShopSku", params=("skuId",))],
        {"IShopSku": schema("shop_skus", id={"type": "string"}, code={"type": "string"})},
    )
    spec = import_autobe([write_project(tmp_path, models, doc)]).spec
    skus = spec.model("shop_skus")
    assert skus is not None and skus.dto_name == "ShopSku"
    assert spec.operations[0].kind == "at"


def test_alias_type_names_use_the_models_own_dtos(tmp_path: Path) -> None:
    models = [pm("shop_items", [], [pf("title")])]
    doc = document(
        [operation("at", "get", "/items/{itemId}", res="IShopItem", params=("itemId",)),
         operation("index", "patch", "/items", "IShopItem.IRequest", "IPageIShopItem.ISummary"),
         operation("update", "put", "/items/{itemId}", "IShopItems.IUpdate", "IShopItem",
                   params=("itemId",))],
        {"IShopItem": schema("shop_items", title={"type": "string"}),
         "IShopItem.IRequest": schema("shop_items"),
         "IShopItem.ISummary": schema("shop_items", title={"type": "string"}),
         "IPageIShopItem.ISummary": schema(None),
         "IShopItems.IUpdate": schema("shop_items", title={"type": "string"})},
    )
    imported = import_autobe([write_project(tmp_path, models, doc)])
    update = imported.spec.operations[2]
    assert update.kind == "update" and update.request_body is not None
    assert update.request_body.type_name == "IShopItem.IUpdate"
    assert any("IShopItems" in n.subject for n in imported.report.notes)


def test_without_document_standard_crud_is_derived(tmp_path: Path) -> None:
    models = [pm("shop_orders", [], [pf("code"), pf("created_at", "datetime")])]
    imported = import_autobe([write_project(tmp_path, models) / "autobe" / "prisma.json"])
    ops = imported.spec.operations
    assert [(o.kind, o.method, o.path) for o in ops] == [
        ("index", "patch", "/shopOrders"),
        ("at", "get", "/shopOrders/{shopOrderId}"),
        ("create", "post", "/shopOrders"),
        ("update", "put", "/shopOrders/{shopOrderId}"),
        ("erase", "delete", "/shopOrders/{shopOrderId}"),
    ]
    assert imported.report.derived_operations and imported.report.realized == 5
    assert imported.spec.actors == []


def test_required_foreign_key_cycle_is_broken_and_reported(tmp_path: Path) -> None:
    models = [
        pm("shop_carts", [ff("shop_order_id", "shop_orders", "order")], [pf("code")]),
        pm("shop_orders", [ff("shop_cart_id", "shop_carts", "cart")], [pf("code")]),
    ]
    imported = import_autobe([write_project(tmp_path, models) / "autobe" / "prisma.json"])
    nullable = [f.nullable for m in imported.spec.models for f in m.foreign_fields]
    assert nullable.count(True) == 1
    assert any("made nullable" in n.message for n in imported.report.notes)


def test_create_that_cannot_fill_a_column_becomes_custom(tmp_path: Path) -> None:
    models = [
        pm("shop_sellers", [], [pf("email"), pf("password_hash")]),
        pm("shop_products", [ff("shop_seller_id", "shop_sellers", "seller")], [pf("name")]),
    ]
    schemas = {
        "IShopSeller.IJoin": schema("shop_sellers", email={"type": "string"},
                                    password={"type": "string"}),
        "IShopSeller.IAuthorized": schema("shop_sellers"),
        "IShopProduct": schema("shop_products", name={"type": "string"}),
        "IShopProduct.ICreate": schema("shop_products", name={"type": "string"}),
    }
    doc = document(
        [operation("join", "post", "/auth/seller/join", "IShopSeller.IJoin",
                   "IShopSeller.IAuthorized"),
         # the seller's create fills shop_seller_id with the caller: no body carries it,
         # so the admin's create (no seller) cannot fill it
         operation("create", "post", "/seller/products", "IShopProduct.ICreate",
                   "IShopProduct", role="seller"),
         operation("create", "post", "/admin/products", "IShopProduct.ICreate",
                   "IShopProduct", role="admin")],
        schemas,
        [{"name": "seller", "kind": "member", "description": ""},
         {"name": "admin", "kind": "admin", "description": ""}],
    )
    imported = import_autobe([write_project(tmp_path, models, doc)])
    kinds = [(o.path, o.kind) for o in imported.spec.operations]
    assert kinds == [("/auth/seller/join", "join"), ("/seller/products", "create"),
                     ("/admin/products", "custom")]
    (unrealized,) = imported.report.unrealized
    assert "cannot fill required foreign field" in unrealized.reason
    # admin has no table: dropped, its operations public
    assert [a.name for a in imported.spec.actors] == ["seller"]
    assert imported.spec.operations[2].actor is None


# --------------------------------------------------------------------------- money

MONEY = ["price", "unit_price_snapshot", "paid_amount", "order_total", "refund_amount",
         "subtotal", "shipping_fees", "cost_per_click"]
"""Doubles whose names say money: decimal(19, 4)."""
NOT_AMOUNTS = {"total_count": "'count'", "percent_discount_rate": "'percent' and 'rate'",
               "tax_percentage": "'percentage'"}
"""Doubles with a money word that another word makes a count or a proportion: kept."""
NOT_MONEY = ["rating", "star_avg", "weight", "priceless_score", "latitude"]
"""Doubles with no money word (as a word: 'priceless' is none): kept, not reported."""


def money_project(tmp_path: Path) -> Imported:
    plain = [pf(n, "double") for n in [*MONEY, *NOT_AMOUNTS, *NOT_MONEY]]
    plain += [pf("quantity", "int"), pf("amount", "int"), pf("note")]
    models = [pm("shop_orders", [], plain)]
    props: dict[str, Any] = {n: {"type": "number", "format": "double"} for n in MONEY}
    props["price"] = {"type": "number", "minimum": 0, "maximum": 1000000}
    props["rating"] = {"type": "number", "minimum": 1, "maximum": 5}
    props["note"] = {"type": "string"}
    doc = document(
        [operation("create", "post", "/orders", "IShopOrder.ICreate", "IShopOrder"),
         operation("at", "get", "/orders/{orderId}", res="IShopOrder", params=("orderId",))],
        {"IShopOrder.ICreate": schema("shop_orders", **props),
         "IShopOrder": schema("shop_orders", **props)},
    )
    return import_autobe([write_project(tmp_path, models, doc)])


def test_doubles_that_hold_money_become_decimals(tmp_path: Path) -> None:
    imported = money_project(tmp_path)
    orders = imported.spec.model("shop_orders")
    assert orders is not None
    types = {f.name: (f.type, f.precision, f.scale) for f in orders.plain_fields}
    for name in MONEY:
        assert types[name] == ("decimal", 19, 4), name
    for name in [*NOT_AMOUNTS, *NOT_MONEY]:
        assert types[name] == ("double", None, None), name
    # an int amount is exact already; counts stay ints
    assert types["amount"][0] == types["quantity"][0] == "int"
    assert errors(validate(imported.spec)) == []


def test_money_decimals_keep_their_dto_constraints(tmp_path: Path) -> None:
    from autobe_core.spec.semantics import model_dto_fields

    imported = money_project(tmp_path)
    orders = imported.spec.model("shop_orders")
    assert orders is not None
    price = orders.plain("price")
    assert price is not None and (price.minimum, price.maximum) == (0, 1000000)
    for kind in ("create", "read"):
        fields = {f.name: f for f in model_dto_fields(imported.spec, orders, kind)}
        assert fields["price"].type == "decimal" and fields["price"].minimum == 0
        assert fields["paid_amount"].type == "decimal"
        assert fields["rating"].type == "double" and fields["rating"].maximum == 5
    # the schemas' numbers are compatible with a decimal column: no type warning
    assert not [n for n in imported.report.notes if "column type is kept" in n.message]


def test_the_report_lists_every_money_field_and_why(tmp_path: Path) -> None:
    report = money_project(tmp_path).report
    positions = {n: k for k, n in enumerate([*MONEY, *NOT_AMOUNTS, *NOT_MONEY])}
    assert [m.subject for m in report.decimals] == [f"shop_orders.{n}" for n in MONEY]
    for m in report.decimals:
        name = m.subject.split(".")[1]
        assert m.type == "decimal(19, 4)"
        assert m.source == f"prisma.json:$.files[0].models[0].plainFields[{positions[name]}]"
    reasons = {m.subject: m.reason for m in report.decimals}
    assert "'price'" in reasons["shop_orders.unit_price_snapshot"]
    assert "'fees'" in reasons["shop_orders.shipping_fees"]
    kept = {m.subject.split(".")[1]: m for m in report.money if not m.decimal}
    assert set(kept) == set(NOT_AMOUNTS)
    for name, vetoes in NOT_AMOUNTS.items():
        assert kept[name].type == "double"
        assert vetoes in kept[name].reason and "kept double" in kept[name].reason
    data = report.to_dict()
    json.dumps(data)
    assert [m["subject"] for m in data["money"]["decimal"]] == [m.subject for m in
                                                                report.decimals]
    assert {m["subject"] for m in data["money"]["keptDouble"]} == {
        f"shop_orders.{n}" for n in NOT_AMOUNTS}
    text = report.to_text()
    assert f"money: {len(MONEY)} double field(s) mapped to decimal, 3 kept double" in text
    assert f"money: double fields mapped to decimal ({len(MONEY)}):" in text
    assert "shop_orders.order_total: double -> decimal(19, 4) (its name has the money word " \
        "'total')" in text
    for name in NOT_MONEY:
        assert f"shop_orders.{name}:" not in text


@pytest.mark.parametrize(
    ("name", "money"),
    [("price", True), ("unitPrice", True), ("order_total", True), ("taxes", True),
     ("salaries", True), ("amount_per_day", True), ("subtotal", True),
     ("total_count", False), ("discount_rate", False), ("percent_discount_rate", False),
     ("fee_bps", False), ("total_days", False), ("price_rank", False),
     ("priceless", None), ("quantity", None), ("rating", None), ("clicks_per_dollar", None),
     ("star_avg", None), ("costume", None)],
)
def test_money_is_read_from_whole_words(name: str, money: bool | None) -> None:
    from autobe_core.importer import is_money, money_verdict

    verdict = money_verdict(name)
    assert (verdict.money if verdict else None) is money
    assert is_money(name) is bool(money)


def test_generic_account_parameter_binds_the_callers_key(tmp_path: Path) -> None:
    models = [
        pm("shop_members", [], [pf("email"), pf("password_hash")]),
        pm("shop_favorites", [ff("shop_member_id", "shop_members", "member")], [pf("note")]),
    ]
    doc = document(
        [operation("index", "patch", "/member/users/{userId}/favorites",
                   "IShopFavorite.IRequest", "IPageIShopFavorite.ISummary", role="member",
                   params=("userId",))],
        {"IShopFavorite.IRequest": schema("shop_favorites"),
         "IShopFavorite.ISummary": schema("shop_favorites"),
         "IPageIShopFavorite.ISummary": schema(None),
         "IShopMember.IJoin": schema("shop_members")},
        [{"name": "member", "kind": "member", "description": ""}],
    )
    spec = import_autobe([write_project(tmp_path, models, doc)]).spec
    (index,) = spec.operations
    assert index.kind == "index"
    assert [(p.name, p.binds) for p in index.parameters] == [("userId", "shop_member_id")]


# --------------------------------------------------------------------------- malformed


def diagnostics(*paths: Path) -> list[str]:
    with pytest.raises(DiagnosticError) as caught:
        import_autobe(list(paths))
    return [f"{d.path} {d.code} {d.message}" for d in caught.value.diagnostics]


def test_truncated_json_names_the_file_and_position() -> None:
    (found,) = diagnostics(MALFORMED / "truncated.prisma.json")
    assert found.startswith("prisma.json:$ import.json-syntax")
    assert "truncated" in found and "line" in found


def test_unknown_stance_names_its_json_path() -> None:
    (found,) = diagnostics(MALFORMED / "unknown_stance.prisma.json")
    assert found.startswith("prisma.json:$.files[1].models[0].stance import.shape.literal_error")
    assert "'subsidiary'" in found


def test_dangling_relation_target_names_its_json_path() -> None:
    (found,) = diagnostics(MALFORMED / "dangling_relation.prisma.json")
    assert found.startswith(
        "prisma.json:$.files[1].models[1].foreignFields[0].relation.targetModel "
        "import.dangling-relation")
    assert "notes_folders" in found


def test_dto_ref_to_a_missing_schema_names_its_json_path() -> None:
    prisma = NOTES / "autobe" / "prisma.json"
    (found,) = diagnostics(prisma, MALFORMED / "missing_ref.document.json")
    assert found.startswith(
        'document.json:$.components.schemas.INotesEntry.properties.tags.items["$ref"] '
        "import.dangling-ref")


def test_input_that_is_not_an_autobe_ast(tmp_path: Path) -> None:
    (found,) = diagnostics(MALFORMED / "not_autobe.json")
    assert "import.not-autobe" in found and "'files'" in found
    (found,) = diagnostics(tmp_path)
    assert "not an AutoBe project folder" in found


def test_files_in_either_order(notes: Imported) -> None:
    folder = NOTES / "autobe"
    swapped = import_autobe([folder / "document.json", folder / "prisma.json"])
    assert swapped.spec.model_copy(update={"description": ""}) == notes.spec.model_copy(
        update={"description": ""})


# --------------------------------------------------------------------------- service, CLI


def test_import_records_revision_1_and_saves_the_report(tmp_path: Path) -> None:
    outcome = ProjectService.import_project([NOTES], tmp_path / "notes", author="tester")
    revision = outcome.result.revision
    assert revision.number == 1 and revision.planner == "import"
    assert revision.text == f"import {NOTES}"
    assert json.loads(outcome.report_json.read_text())["operations"]["unrealized"] == 1
    assert "unrealized operations (1)" in outcome.report_text.read_text()
    service = ProjectService.open(tmp_path / "notes")
    assert service.status().unrealized == 1
    assert service.spec() == import_autobe([NOTES]).spec
    assert (tmp_path / "notes" / "backend" / "app" / "operations").is_dir()


def test_cli_import_and_status(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(NOTES), "--to", str(tmp_path / "p"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "13 realized, 1 unrealized" in result.output
    status = runner.invoke(cli, ["-C", str(tmp_path / "p"), "status"])
    assert "unrealized operations: 1" in status.output


def test_malformed_input_creates_nothing(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    shutil.copytree(NOTES, project)
    (project / "autobe" / "document.json").write_text('{"operations": [', encoding="utf-8")
    target = tmp_path / "out"
    result = CliRunner().invoke(cli, ["import", str(project), "--to", str(target)])
    assert result.exit_code == 1
    assert "document.json:$" in result.output and "import.json-syntax" in result.output
    assert not target.exists()
