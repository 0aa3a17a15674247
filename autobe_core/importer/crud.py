"""Operations for a project imported without document.json: standard CRUD per model.

Each table gets ``PATCH /<table>`` (index), ``GET /<table>/{<row>Id}`` (at), ``POST
/<table>`` (create), ``PUT`` (update) and ``DELETE`` (erase) on its row, all public (the
database AST alone names no actors). Materialized tables (``material: true``, AutoBe's
read-only views) get index and at only. Path segments are the table names in camelCase,
as AutoBe writes them.
"""

from __future__ import annotations

from autobe_core.importer.models import ModelMap
from autobe_core.importer.report import Notes
from autobe_core.spec.model import (
    Body,
    HttpMethod,
    Model,
    Operation,
    OperationKind,
    Parameter,
)
from autobe_core.spec.naming import dto_type_names, parameter_problem, singular

METHODS: dict[OperationKind, HttpMethod] = {
    "index": "patch", "at": "get", "create": "post", "update": "put", "erase": "delete",
}
SUMMARIES: dict[OperationKind, str] = {
    "index": "List {table} rows (filters, search, sort, paging).",
    "at": "Get one {table} row.",
    "create": "Create a {table} row.",
    "update": "Update a {table} row.",
    "erase": "Delete a {table} row.",
}


def _camel(words: list[str]) -> str:
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def derive_operations(models: ModelMap, notes: Notes) -> list[Operation]:
    operations: list[Operation] = []
    for model in models.models:
        operations += _model_operations(model)
    notes.approximated(
        "", "operations",
        f"no document.json: {len(operations)} standard CRUD operations derived from the "
        f"{len(models.models)} tables, all public",
    )
    return operations


def _model_operations(model: Model) -> list[Operation]:
    words = model.name.split("_")
    segment = _camel(words)
    param = _camel([*words[:-1], singular(words[-1])]) + "Id"
    if parameter_problem(param) is not None:
        param = "rowId"
    names = dto_type_names(model)
    kinds: tuple[OperationKind, ...] = (
        ("index", "at") if model.material else ("index", "at", "create", "update", "erase")
    )
    bodies: dict[OperationKind, tuple[str | None, str | None]] = {
        "index": (names["request"], names["page"]),
        "at": (None, names["read"]),
        "create": (names["create"], names["read"]),
        "update": (names["update"], names["read"]),
        "erase": (None, None),
    }
    operations: list[Operation] = []
    for kind in kinds:
        row = kind in ("at", "update", "erase")
        request, response = bodies[kind]
        operations.append(Operation(
            path=f"/{segment}/{{{param}}}" if row else f"/{segment}",
            method=METHODS[kind],
            name=kind,
            kind=kind,
            model=model.name,
            parameters=[Parameter(name=param, binds=model.primary_field.name)] if row else [],
            request_body=Body(type_name=request) if request else None,
            response_body=Body(type_name=response) if response else None,
            summary=SUMMARIES[kind].format(table=model.name),
        ))
    return operations
