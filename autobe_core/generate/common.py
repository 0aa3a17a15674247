"""Shared pieces of the backend generators: slice bases, name bundles, element ids.

Every slice is a frozen pydantic model; the pieces here are the ones more than one kind
holds (a model's derived names, a DTO field's shape) and the helpers that compute which
spec elements a slice was cut from, so that two kinds reading the same facts declare the
same ``reads``.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from autobe_core.generate.emit import docstring
from autobe_core.spec.model import Model, Operation, ProjectSpec
from autobe_core.spec.naming import (
    class_name,
    dto_type_names,
    module_name,
    operation_id,
    python_dto_name,
)
from autobe_core.spec.semantics import DtoField, actor_for_model

REQUEST_EXTRAS = frozenset({"page", "limit", "search", "sort"})
"""IRequest fields every index request has; a model filter so named is left out."""


class Slice(BaseModel):
    """Base of every slice: immutable, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class ModelRef(Slice):
    """The names other modules use to reach one model's generated code."""

    name: str
    """Table name and module stem."""
    class_name: str
    dtos: dict[str, str]
    """DTO kind (``read``, ``create``, ``page``, ``join``, ...) -> Python class name."""

    @classmethod
    def of(cls, model: Model) -> ModelRef:
        return cls(
            name=module_name(model),
            class_name=class_name(model),
            dtos={kind: python_dto_name(t) for kind, t in sorted(dto_type_names(model).items())},
        )

    def dto(self, kind: str) -> str:
        return self.dtos[kind]


class FieldSlice(Slice):
    """One DTO field as the generators see it (``semantics.DtoField`` plus its text)."""

    name: str
    type: str
    nullable: bool
    required: bool
    source: str
    role: str = "plain"
    format: str | None = None
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""

    @classmethod
    def of(cls, model: Model, field: DtoField) -> FieldSlice:
        return cls(
            name=field.name,
            type=field.type,
            nullable=field.nullable,
            required=field.required,
            source=field.source,
            role=field.role,
            format=field.format,
            enum=field.enum,
            min_length=field.min_length,
            max_length=field.max_length,
            minimum=field.minimum,
            maximum=field.maximum,
            description=field_description(model, field.source),
        )


def field_description(model: Model, name: str) -> str:
    if name == model.primary_field.name:
        return model.primary_field.description
    foreign = model.foreign(name)
    if foreign is not None:
        return foreign.description
    plain = model.plain(name)
    return plain.description if plain is not None else ""


# --------------------------------------------------------------------------- element ids


def model_el(name: str) -> str:
    return f"model:{name}"


def actor_el(name: str) -> str:
    return f"actor:{name}"


def operation_el(op: Operation) -> str:
    return f"operation:{operation_id(op)}"


def model_actor_reads(spec: ProjectSpec, model: Model) -> set[str]:
    """The model plus the actors that authenticate against it (its password field)."""
    reads = {model_el(model.name)}
    reads.update(actor_el(a.name) for a in spec.actors if a.model == model.name)
    return reads


def bound_reads(spec: ProjectSpec, model: Model) -> set[str]:
    """What ``semantics.create_bound_fields`` reads: create operations and their actors."""
    reads: set[str] = set()
    for op in spec.operations:
        if op.kind != "create" or op.model != model.name:
            continue
        reads.add(operation_el(op))
        if op.actor and spec.actor(op.actor) is not None:
            reads.add(actor_el(op.actor))
    return reads


def dto_shape_reads(spec: ProjectSpec, model: Model) -> set[str]:
    """What every ``semantics.model_dto_fields`` kind of one model reads."""
    return model_actor_reads(spec, model) | bound_reads(spec, model)


def is_actor_model(spec: ProjectSpec, model: Model) -> bool:
    return actor_for_model(spec, model) is not None


def module_ids(kind: str, names: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{kind}:{n}" for n in names)


def import_block(lines: Iterable[str]) -> str:
    """Deduplicated import lines grouped as stdlib / third party / backend, each sorted."""
    groups: dict[int, set[str]] = {0: set(), 1: set(), 2: set()}
    for line in lines:
        words = line.split()
        root = words[1].split(".")[0] if len(words) > 1 else ""
        if root == "app":
            groups[2].add(line)
        elif root in {"fastapi", "sqlalchemy", "pydantic", "jwt", "starlette"}:
            groups[1].add(line)
        else:
            groups[0].add(line)
    blocks = ["\n".join(sorted(g, key=_import_sort_key)) for _, g in sorted(groups.items()) if g]
    return "\n\n".join(blocks) + "\n"


def _import_sort_key(line: str) -> tuple[int, str]:
    """isort's default order: ``import x`` lines first, then ``from x import``."""
    words = line.split()
    return (0 if words[0] == "import" else 1, words[1] if len(words) > 1 else line)


LINE_WIDTH = 99


def wrap_call(head: str, args: list[str], indent: str = "", tail: str = "") -> str:
    """``{indent}{head}(args){tail}`` on one line when it fits, else one argument a line."""
    line = f"{indent}{head}({', '.join(args)}){tail}"
    if len(line) <= LINE_WIDTH or not args:
        return line + "\n"
    inner = "".join(f"{indent}    {a},\n" for a in args)
    return f"{indent}{head}(\n{inner}{indent}){tail}\n"


APP_MODULES = {
    "app.db": "app:db",
    "app.errors": "app:errors",
    "app.models": "app:models",
    "app.dtos.common": "app:dtos_common",
    "app.auth.security": "auth:security",
    "app.auth.actors": "auth:actors",
}
APP_PACKAGES = {
    "app.models": "model",
    "app.dtos": "dto",
    "app.collectors": "collector",
    "app.transformers": "transformer",
    "app.operations": "operation",
}


def imported_module_ids(lines: Iterable[str]) -> frozenset[str]:
    """The backend module ids that ``import`` / ``from ... import`` lines name."""
    ids: set[str] = set()
    for line in lines:
        words = line.replace(",", " ").split()
        if len(words) < 2 or not words[1].startswith("app."):
            continue
        module = words[1]
        if module in APP_MODULES:
            ids.add(APP_MODULES[module])
        elif module.rpartition(".")[0] in APP_PACKAGES:
            package, _, name = module.rpartition(".")
            ids.add(f"{APP_PACKAGES[package]}:{name}")
        elif words[0] == "from" and module in APP_PACKAGES and "import" in words:
            names = words[words.index("import") + 1:]
            ids.update(f"{APP_PACKAGES[module]}:{n}" for n in names if n != "as")
    return frozenset(ids)


def safe_docstring(text: str, indent: str = "") -> str:
    """``emit.docstring`` for ``text``, safe when the text ends with a double quote.

    ``emit.docstring`` pads such text with a space that its line wrapping strips again,
    which would leave four quotes in a row; a final period keeps the closing quotes apart.
    """
    cleaned = " ".join(text.split())
    if cleaned.endswith('"'):
        cleaned += "."
    return docstring(cleaned, indent)
