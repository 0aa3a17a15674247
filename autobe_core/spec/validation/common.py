"""Shared pieces of the validator's rule modules: the report, paths, name grammars.

A rule is a function ``(spec, report) -> None`` that adds diagnostics. Paths are lists
of JSON path parts (camelCase keys, list indexes), so the validator can sort its output
by where each problem is in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from autobe_core.spec.diagnostics import Diagnostic, PathPart, Severity, format_path
from autobe_core.spec.model import (
    Actor,
    Body,
    DtoOverride,
    DtoOverrides,
    ForeignField,
    GinIndex,
    Model,
    Operation,
    Parameter,
    PlainField,
    PlainIndex,
    PrimaryField,
    ProjectSpec,
    Relation,
    Schema,
    SchemaProperty,
    SpecModel,
    UniqueIndex,
)
from autobe_core.spec.naming import (
    CAMEL,
    MAX_NAME_LENGTH,
    PASCAL,
    RELATION_NAME,
    SNAKE,
    TYPE_NAME,
)

Path = list[PathPart]


@dataclass
class Report:
    """Collects diagnostics with their structured paths (for sorting)."""

    entries: list[tuple[Path, Diagnostic]] = field(default_factory=list)

    def add(
        self,
        path: Sequence[PathPart],
        code: str,
        message: str,
        allowed: Iterable[str] = (),
        severity: Severity = "error",
    ) -> None:
        parts = list(path)
        self.entries.append(
            (parts, Diagnostic(format_path(parts), code, message, tuple(allowed), severity))
        )

    def error(
        self, path: Sequence[PathPart], code: str, message: str, allowed: Iterable[str] = ()
    ) -> None:
        self.add(path, code, message, allowed, "error")

    def warning(
        self, path: Sequence[PathPart], code: str, message: str, allowed: Iterable[str] = ()
    ) -> None:
        self.add(path, code, message, allowed, "warning")


Rule = Callable[[ProjectSpec, Report], None]


# --------------------------------------------------------------------------- grammars

_LIMITS = f"at most {MAX_NAME_LENGTH} characters, no '__', not a Python keyword"

ALLOWED_MODEL_NAME = (
    SNAKE.pattern,
    _LIMITS,
    "not an SQL reserved word or a module name of the generated backend",
)
ALLOWED_FIELD_NAME = (
    SNAKE.pattern,
    _LIMITS,
    "not an SQL reserved word, an ORM/pydantic attribute, a type name, or 'model_*'",
)
ALLOWED_RELATION_NAME = (
    RELATION_NAME.pattern,
    _LIMITS,
    "not an ORM/pydantic attribute or a type name",
)
ALLOWED_ACTOR_NAME = (SNAKE.pattern, _LIMITS, "not a module name of the generated backend")
ALLOWED_PROJECT_NAME = ALLOWED_ACTOR_NAME
ALLOWED_PARAMETER_NAME = (
    CAMEL.pattern,
    _LIMITS,
    "its snake_case form is not a name the handlers use",
)
ALLOWED_DTO_NAME = (PASCAL.pattern, _LIMITS, "not a class name the generated code imports")
ALLOWED_TYPE_NAME = (TYPE_NAME.pattern, _LIMITS)
OPERATION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ALLOWED_OPERATION_NAME = (OPERATION_NAME.pattern, _LIMITS)
PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ALLOWED_PROPERTY_NAME = (
    PROPERTY_NAME.pattern,
    _LIMITS,
    "not an ORM/pydantic attribute, a type name, or 'model_*'",
)
ALLOWED_TEXT = ("non-empty printable text (no control characters or line breaks)",)


# --------------------------------------------------------------------------- locations


def model_path(index: int) -> Path:
    return ["models", index]


def field_path(model: Model, model_index: int, name: str) -> Path:
    """Path of the ``name`` key of the field called ``name`` (first match)."""
    base = model_path(model_index)
    if model.primary_field.name == name:
        return [*base, "primaryField", "name"]
    for j, f in enumerate(model.foreign_fields):
        if f.name == name:
            return [*base, "foreignFields", j, "name"]
    for j, p in enumerate(model.plain_fields):
        if p.name == name:
            return [*base, "plainFields", j, "name"]
    return base


def model_indexes(spec: ProjectSpec) -> dict[str, int]:
    """Model name -> index of its first declaration (what ``spec.model`` finds)."""
    found: dict[str, int] = {}
    for i, m in enumerate(spec.models):
        found.setdefault(m.name, i)
    return found


def names_other_than(taken: Iterable[str]) -> tuple[str, ...]:
    shown = sorted(set(taken))
    return (f"a name other than: {', '.join(shown)}",)


def sort_key(path: Sequence[PathPart]) -> tuple[tuple[int, int, str], ...]:
    """Order paths as the file reads: known keys in declaration order, indexes by number."""
    key: list[tuple[int, int, str]] = []
    for part in path:
        if isinstance(part, int):
            key.append((0, part, ""))
        else:
            key.append((1, KEY_RANK.get(part, len(KEY_RANK)), part))
    return tuple(key)


def _key_order() -> dict[str, int]:
    """camelCase keys ranked by declaration, the top-level mapping's first."""
    classes: tuple[type[SpecModel], ...] = (
        ProjectSpec,
        Actor,
        Model,
        PrimaryField,
        ForeignField,
        Relation,
        PlainField,
        UniqueIndex,
        PlainIndex,
        GinIndex,
        DtoOverrides,
        DtoOverride,
        Operation,
        Parameter,
        Body,
        Schema,
        SchemaProperty,
    )
    rank: dict[str, int] = {}
    for cls in classes:
        for name, info in cls.model_fields.items():
            rank.setdefault(info.alias or name, len(rank))
    return rank


KEY_RANK = _key_order()
