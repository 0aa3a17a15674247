"""What the validator's tests share: a small valid spec as data (``base``), running the
validator on data, finding a diagnostic by code and JSON path, and the expected ``allowed``
values of a rule case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.io import parse_spec
from autobe_core.spec.validation.engine import validate

ROOT = Path(__file__).resolve().parents[2]

Data = dict[str, Any]


def base() -> Data:
    """A small valid spec: one member actor, a cart owned by it, items nested in carts."""
    return {
        "name": "shop",
        "actors": [{"name": "customer", "kind": "member", "model": "customers"}],
        "models": [
            {
                "name": "customers",
                "plainFields": [
                    {"name": "email", "type": "string", "format": "email"},
                    {"name": "password_hash", "type": "string", "format": "password"},
                    {"name": "created_at", "type": "datetime"},
                ],
                "uniqueIndexes": [{"fieldNames": ["email"]}],
            },
            {
                "name": "carts",
                "foreignFields": [
                    {"name": "customer_id",
                     "relation": {"name": "customer", "targetModel": "customers"}},
                ],
                "plainFields": [
                    {"name": "title", "type": "string", "minLength": 1, "maxLength": 80},
                    {"name": "status", "type": "string", "enum": ["open", "closed"]},
                    {"name": "created_at", "type": "datetime"},
                ],
            },
            {
                "name": "cart_items",
                "foreignFields": [
                    {"name": "cart_id", "relation": {"name": "cart", "targetModel": "carts"}},
                    {"name": "customer_id",
                     "relation": {"name": "customer", "targetModel": "customers"}},
                ],
                "plainFields": [
                    {"name": "quantity", "type": "int", "minimum": 1, "maximum": 99},
                    {"name": "note", "type": "string", "nullable": True},
                ],
            },
        ],
        "operations": [
            {"name": "join", "kind": "join", "model": "customers", "method": "post",
             "path": "/auth/customer/join", "authorizationType": "join"},
            {"name": "login", "kind": "login", "model": "customers", "method": "post",
             "path": "/auth/customer/login", "authorizationType": "login"},
            {"name": "create", "kind": "create", "model": "carts", "method": "post",
             "path": "/shop/carts", "actor": "customer"},
            {"name": "at", "kind": "at", "model": "carts", "method": "get",
             "path": "/shop/carts/{cartId}", "actor": "customer",
             "parameters": [{"name": "cartId"}]},
            {"name": "index", "kind": "index", "model": "cart_items", "method": "patch",
             "path": "/shop/carts/{cartId}/items", "actor": "customer",
             "parameters": [{"name": "cartId"}]},
            {"name": "create", "kind": "create", "model": "cart_items", "method": "post",
             "path": "/shop/carts/{cartId}/items", "actor": "customer",
             "parameters": [{"name": "cartId"}]},
            {"name": "update", "kind": "update", "model": "cart_items", "method": "put",
             "path": "/shop/items/{itemId}", "actor": "customer",
             "parameters": [{"name": "itemId"}]},
        ],
    }


def run(data: Data) -> list[Diagnostic]:
    return validate(parse_spec(data))


def found(diagnostics: list[Diagnostic], code: str, path: str) -> Diagnostic:
    matches = [d for d in diagnostics if d.code == code and d.path == path]
    assert matches, (
        f"no {code} at {path}; got:\n" + "\n".join(d.render() for d in diagnostics)
    )
    return matches[0]


def mutated(change: Callable[[Data], object]) -> Data:
    data = base()
    change(data)
    return data


def models(d: Data) -> list[Data]:
    result: list[Data] = d["models"]
    return result


def ops(d: Data) -> list[Data]:
    result: list[Data] = d["operations"]
    return result


def add_model(d: Data, **model: Any) -> Data:
    """Append a model (its fields as keyword arguments) to the spec data; returns it."""
    models(d).append(model)
    return model


def add_field(d: Data, m: int, **field: Any) -> Data:
    """Append a plain field to model ``m`` of the spec data; returns it."""
    models(d)[m]["plainFields"].append(field)
    return field


def op(**fields: Any) -> Data:
    return {"name": "custom", "kind": "custom", "method": "get", **fields}


class Has:
    """Expected ``allowed``: contains these values (the rest is not pinned)."""

    def __init__(self, *values: str) -> None:
        self.values = values

    def check(self, allowed: tuple[str, ...]) -> None:
        for value in self.values:
            assert value in allowed, f"{value!r} not in {allowed!r}"


Allowed = tuple[str, ...] | Has


def check_allowed(diagnostic: Diagnostic, expected: Allowed) -> None:
    if isinstance(expected, Has):
        expected.check(diagnostic.allowed)
    else:
        assert diagnostic.allowed == expected

