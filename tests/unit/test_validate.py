"""The spec validator: the fixtures and the acceptance cases, details of single rules, the
name tables and the loader's shape diagnostics (the rule table: test_validate_rules.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, errors
from autobe_core.spec.io import load_spec, parse_spec
from autobe_core.spec.naming import SNAKE
from autobe_core.spec.validation.engine import ensure_valid, validate
from tests.unit.validate_support import (
    ROOT,
    Data,
    add_model,
    base,
    found,
    models,
    mutated,
    op,
    ops,
    run,
)

# --------------------------------------------------------------------------- baseline


def test_base_spec_is_clean() -> None:
    assert run(base()) == []


def test_todo_fixture_has_no_errors() -> None:
    diagnostics = validate(load_spec(ROOT / "fixtures" / "todo.yaml"))
    assert errors(diagnostics) == []


@pytest.mark.parametrize("relative", [
    "fixtures/bbs.yaml",
    "tests/data/specs/kitchen_sink.yaml",
])
def test_other_fixtures_have_no_errors(relative: str) -> None:
    path = ROOT / relative
    if not path.exists():
        pytest.skip(f"{relative} is not there yet")
    diagnostics = validate(load_spec(path))
    assert errors(diagnostics) == [], "\n".join(d.render() for d in diagnostics)


# --------------------------------------------------------------------------- acceptance


def test_model_named_class() -> None:
    data = mutated(lambda d: models(d).append({"name": "class"}))
    d = found(run(data), "name.model", "$.models[3].name")
    assert "keyword" in d.message
    assert SNAKE.pattern in d.allowed
    assert d.severity == "error"


def test_field_named_injection() -> None:
    data = mutated(lambda d: models(d)[1]["plainFields"].append(
        {"name": 'x"; import os', "type": "string"}))
    d = found(run(data), "name.field", "$.models[1].plainFields[3].name")
    assert "grammar" in d.message
    assert SNAKE.pattern in d.allowed


def test_unknown_relation_target() -> None:
    data = mutated(lambda d: models(d)[1]["foreignFields"][0]["relation"].update(
        targetModel="clients"))
    d = found(run(data), "ref.unknown-model",
              "$.models[1].foreignFields[0].relation.targetModel")
    assert "'clients'" in d.message
    assert d.allowed == ("customers", "carts", "cart_items")


def test_duplicate_operation_path() -> None:
    data = mutated(lambda d: ops(d).append(copy.deepcopy(ops(d)[3])))
    d = found(run(data), "dup.endpoint", "$.operations[7].path")
    assert "GET /shop/carts/{cartId}" in d.message and "$.operations[3]" in d.message
    assert d.allowed == ("an endpoint other than GET /shop/carts/{cartId}",)


# --------------------------------------------------------------------------- details


def test_unknown_relation_target_skips_cycle_and_dto_rules_without_crashing() -> None:
    data = mutated(lambda d: [m.update(name=f"{m['name']}_x") for m in models(d)])
    diagnostics = run(data)
    assert not [d for d in diagnostics if d.code == "internal.rule-failed"]
    assert {d.code for d in diagnostics} >= {"ref.unknown-model"}


def test_public_create_reports_every_unfillable_foreign_key() -> None:
    data = mutated(lambda d: ops(d).append({
        "name": "create", "kind": "create", "model": "cart_items", "method": "post",
        "path": "/shop/items"}))
    unfillable = [d for d in run(data) if d.code == "create.unfillable-field"]
    assert [d.path for d in unfillable] == ["$.operations[7]", "$.operations[7]"]
    assert "cart_items.cart_id" in unfillable[0].message
    assert "cart_items.customer_id" in unfillable[1].message


def test_create_by_another_actor_cannot_fill_owner_key() -> None:
    def change(d: Data) -> None:
        add_model(d, name="admins", plainFields=[
            {"name": "email", "type": "string"}, {"name": "password_hash", "type": "string"}],
            uniqueIndexes=[{"fieldNames": ["email"]}])
        d["actors"].append({"name": "admin", "kind": "admin", "model": "admins"})
        ops(d).append({"name": "create", "kind": "create", "model": "carts", "method": "post",
                       "path": "/admin/carts", "actor": "admin"})

    d = found(run(mutated(change)), "create.unfillable-field", "$.operations[7]")
    assert "carts.customer_id" in d.message and "'admin'" in d.message
    assert d.allowed[0] == "customer"


def test_nullable_owner_key_is_fillable_by_anyone() -> None:
    def change(d: Data) -> None:
        models(d)[1]["foreignFields"][0]["nullable"] = True
        ops(d).append({"name": "create", "kind": "create", "model": "carts", "method": "post",
                       "path": "/public/carts"})

    assert errors(run(mutated(change))) == []


def test_nullable_foreign_key_breaks_the_cycle() -> None:
    def change(d: Data) -> None:
        models(d)[1]["foreignFields"].append({
            "name": "main_item_id", "nullable": True,
            "relation": {"name": "mainItem", "targetModel": "cart_items"}})

    assert [d for d in run(mutated(change)) if d.code == "model.required-cycle"] == []


def test_three_model_cycle_names_every_edge() -> None:
    def change(d: Data) -> None:
        models(d)[0]["foreignFields"] = [
            {"name": "cart_item_id", "relation": {"name": "item", "targetModel": "cart_items"}}]

    cycles = [d for d in run(mutated(change)) if d.code == "model.required-cycle"]
    assert len(cycles) == 1
    assert cycles[0].path == "$.models[0].foreignFields[0].name"
    assert cycles[0].allowed == (
        "make one of these foreign fields nullable: customers.cart_item_id, "
        "carts.customer_id, cart_items.cart_id, cart_items.customer_id",
    )


def test_schema_restating_a_derived_dto_is_fine() -> None:
    data = mutated(lambda d: d.update(schemas={
        "ICart.ISummary": {"properties": {"title": {}}}, "IPage.IPagination": {}}))
    assert run(data) == []


def test_exact_duplicate_endpoint_is_not_also_ambiguous() -> None:
    codes = [d.code for d in run(mutated(lambda d: ops(d).append(copy.deepcopy(ops(d)[3]))))]
    assert codes == ["dup.endpoint"]


def test_literal_against_parameter_with_another_method_is_fine() -> None:
    data = mutated(lambda d: ops(d).append(op(method="post", path="/shop/carts/mine")))
    assert run(data) == []


def test_parameters_bind_by_name_or_explicitly() -> None:
    def change(d: Data) -> None:
        ops(d)[4]["path"] = "/shop/baskets/{basketId}/items"
        ops(d)[4]["parameters"] = [{"name": "basketId", "binds": "cart_id"}]

    assert run(mutated(change)) == []


def test_guest_defaults_do_not_warn() -> None:
    data = mutated(lambda d: d["actors"].append(
        {"name": "visitor", "kind": "guest", "model": "carts"}))
    assert run(data) == []


def test_order_is_deterministic_and_follows_the_file() -> None:
    def change(d: Data) -> None:
        d["name"] = "Bad Name"
        ops(d).append(copy.deepcopy(ops(d)[3]))
        models(d)[2]["plainFields"][0]["enum"] = []
        models(d).insert(0, {"name": "class"})

    data = mutated(change)
    first = run(data)
    assert first == run(copy.deepcopy(data))
    paths = [d.path for d in first]
    assert paths[0] == "$.name"
    assert paths.index("$.models[0].name") < paths.index("$.models[3].plainFields[0].enum")
    assert paths.index("$.models[3].plainFields[0].enum") < paths.index("$.operations[7].path")


def test_ensure_valid() -> None:
    spec = parse_spec(base())
    assert ensure_valid(spec) is spec
    warned = parse_spec(mutated(lambda d: ops(d)[4].update(method="get")))
    assert ensure_valid(warned) is warned
    bad = parse_spec(mutated(lambda d: models(d).append({"name": "class"})))
    with pytest.raises(DiagnosticError) as info:
        ensure_valid(bad)
    assert [d.code for d in info.value.diagnostics] == ["name.model"]
    assert all(d.severity == "error" for d in info.value.diagnostics)


def test_diagnostics_are_json_ready() -> None:
    diagnostics = run(mutated(lambda d: d.update(name="1x")))
    assert diagnostics[0].to_dict() == {
        "path": "$.name", "code": "name.project",
        "message": diagnostics[0].message, "allowed": list(diagnostics[0].allowed),
        "severity": "error",
    }


def test_schema_names_with_dots_get_bracketed_paths() -> None:
    data = mutated(lambda d: d.update(schemas={"ICart.IExtra": {"required": ["x"]}}))
    d = found(run(data), "ref.unknown-field", '$.schemas["ICart.IExtra"].required[0]')
    assert d.allowed == ()


def test_broken_specs_never_crash_the_validator() -> None:
    """A sweep of damaged specs: every rule copes with every other rule's failure."""
    damages: list[Callable[[Data], object]] = [
        lambda d: d.update(models=[]),
        lambda d: d.update(actors=[]),
        lambda d: d.update(operations=[op(kind=k, path="") for k in (
            "create", "at", "index", "update", "erase", "join", "login", "refresh")]),
        lambda d: [o.update(model="nowhere", actor="nobody") for o in ops(d)],
        lambda d: [o.update(path="{x}", parameters=[{"name": "x", "binds": "x"}] * 2)
                   for o in ops(d)],
        lambda d: [m.update(name="", dtoName="", namespace="") for m in models(d)],
        lambda d: [m.update(dtos={k: {"include": ["?"], "exclude": ["?"]} for k in (
            "read", "summary", "create", "update", "request")}) for m in models(d)],
        lambda d: [f["relation"].update(targetModel=m["name"])
                   for m in models(d) for f in m.get("foreignFields", [])],
        lambda d: d["actors"].extend([{"name": "", "model": ""}, {"name": "", "model": ""}]),
    ]
    for k in range(1, 1 << len(damages)):
        data = base()
        for bit, damage in enumerate(damages):
            if k & (1 << bit):
                damage(data)
        diagnostics = run(data)
        assert not [d for d in diagnostics if d.code == "internal.rule-failed"], k
        assert all(d.path.startswith("$") and d.code and d.message for d in diagnostics)


# --------------------------------------------------------------------------- name tables

NAME_TABLE: list[tuple[str, str, bool]] = [
    # (where, name, valid)
    ("model", "todo_items", True),
    ("model", "x1", True),
    ("model", "class", False),
    ("model", "Todo", False),
    ("model", "select", False),
    ("model", "app", False),
    ("model", "a__b", False),
    ("model", "_x", False),
    ("model", "x" * 64, False),
    ("model", "todo-items", False),
    ("model", "ñame", False),
    ("field", "title", True),
    ("field", "created_at", True),
    ("field", 'x"; import os', False),
    ("field", "metadata", False),
    ("field", "model_kind", False),
    ("field", "str", False),
    ("field", "order", False),
    ("field", "x y", False),
    ("field", "", False),
    ("relation", "authorMember", True),
    ("relation", "list", True),
    ("relation", "str", False),
    ("relation", "Author", False),
    ("relation", "a_b", False),
    ("parameter", "todoId", True),
    ("parameter", "id", True),
    ("parameter", "class", False),
    ("parameter", "Class", False),
    ("parameter", "uuid", False),
    ("parameter", "a_b", False),
    ("parameter", "1a", False),
    ("actor", "member", True),
    ("actor", "auth", False),
    ("actor", "for", False),
    ("dto", "TodoItem", True),
    ("dto", "todoItem", False),
    ("dto", "True", False),
    ("dto", "BaseModel", False),
]


def _place(where: str, name: str) -> tuple[Data, str, str]:
    data = base()
    if where == "model":
        models(data).append({"name": name})
        return data, "name.model", "$.models[3].name"
    if where == "field":
        models(data)[1]["plainFields"].append({"name": name, "type": "string"})
        return data, "name.field", "$.models[1].plainFields[3].name"
    if where == "relation":
        models(data)[1]["foreignFields"][0]["relation"]["name"] = name
        return data, "name.relation", "$.models[1].foreignFields[0].relation.name"
    if where == "parameter":
        ops(data)[3].update(path=f"/shop/carts/{{{name}}}", parameters=[{"name": name}])
        return data, "name.parameter", "$.operations[3].parameters[0].name"
    if where == "actor":
        data["actors"].append({"name": name, "kind": "guest", "model": "carts"})
        return data, "name.actor", "$.actors[1].name"
    models(data)[1]["dtoName"] = name
    return data, "name.dto", "$.models[1].dtoName"


@pytest.mark.parametrize(("where", "name", "valid"), NAME_TABLE,
                         ids=[f"{w}-{n[:12]!r}-{v}" for w, n, v in NAME_TABLE])
def test_name_table(where: str, name: str, valid: bool) -> None:
    data, code, path = _place(where, name)
    hits = [d for d in run(data) if d.code == code and d.path == path]
    assert (not hits) == valid, hits


# --------------------------------------------------------------------------- loader


def _shape_errors(data: Any) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as info:
        parse_spec(data)
    return info.value.diagnostics


def test_loader_unknown_key_has_camel_case_path() -> None:
    data = base()
    models(data)[1]["plainFields"][0]["maxLenght"] = 3
    [d] = _shape_errors(data)
    assert d.path == "$.models[1].plainFields[0].maxLenght"
    assert d.code == "shape.extra_forbidden"


def test_loader_wrong_type_has_camel_case_path() -> None:
    data = base()
    models(data)[1]["plainFields"][0]["minLength"] = "short"
    ops(data)[3]["parameters"][0]["type"] = "text"
    found_ = _shape_errors(data)
    by_path = {d.path: d for d in found_}
    assert by_path["$.models[1].plainFields[0].minLength"].code == "shape.int_parsing"
    literal = by_path["$.operations[3].parameters[0].type"]
    assert literal.code == "shape.literal_error"
    assert literal.allowed and "'uuid'" in literal.allowed[0]


def test_loader_file_errors(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "spec.yaml"
    bad_yaml.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DiagnosticError) as info:
        load_spec(bad_yaml)
    assert info.value.diagnostics[0].code == "file.syntax"
    listed = tmp_path / "list.yaml"
    listed.write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(DiagnosticError) as info:
        load_spec(listed)
    assert info.value.diagnostics[0].code == "file.not-a-mapping"
    with pytest.raises(DiagnosticError) as info:
        load_spec(tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].code == "file.unreadable"
