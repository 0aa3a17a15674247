"""Shared pieces of the backend generators: slice bases, name bundles, element ids.

Every slice is a frozen pydantic model; the pieces here are the ones more than one kind
uses (a model's derived names, import blocks, call wrapping, docstrings) and the helpers
that compute which spec elements a slice was cut from, so that two kinds reading the same
facts declare the same ``reads``. What only one kind uses lives in that kind's package.
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
from autobe_core.spec.roles import role_reads


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
    """What every ``semantics.model_dto_fields`` kind of one model reads (field roles
    included: ``roles.role_reads``)."""
    return model_actor_reads(spec, model) | bound_reads(spec, model) | role_reads(spec, model)


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


def safe_docstring(text: str, indent: str = "") -> str:
    """``emit.docstring`` for ``text``, safe when the text ends with a double quote.

    ``emit.docstring`` pads such text with a space that its line wrapping strips again,
    which would leave four quotes in a row; a final period keeps the closing quotes apart.
    """
    cleaned = " ".join(text.split())
    if cleaned.endswith('"'):
        cleaned += "."
    return docstring(cleaned, indent)
