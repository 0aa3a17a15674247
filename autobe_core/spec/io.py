"""Reading and writing spec files (YAML or JSON) with shape errors as diagnostics.

Files are read through :mod:`.files` (bounded, UTF-8, nesting and text checked), so a
spec or change file of any content is either data or diagnostics.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, format_path
from autobe_core.spec.files import read_data
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.text import visible


def parse_spec(data: Any) -> ProjectSpec:
    """Plain data -> ProjectSpec; shape errors become diagnostics (DiagnosticError)."""
    try:
        return ProjectSpec.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(
            [_from_pydantic(err) for err in exc.errors()],
            "the specification does not have the expected shape",
        ) from None


def _from_pydantic(err: Any) -> Diagnostic:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
    allowed: tuple[str, ...] = ()
    ctx = err.get("ctx") or {}
    if "expected" in ctx:
        allowed = (str(ctx["expected"]),)
    return Diagnostic(format_path(loc), f"shape.{err['type']}", err["msg"], allowed)


def read_mapping(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    """The top-level mapping of a ``.yaml`` / ``.yml`` / ``.json`` file; unreadable,
    oversized, binary or malformed files and other top levels are diagnostics (``keys``:
    what the mapping holds)."""
    data = read_data(path)
    if not isinstance(data, dict):
        raise DiagnosticError(
            [Diagnostic("$", "file.not-a-mapping", "the top level must be a mapping", keys)],
            visible(f"cannot parse {path}"),
        )
    return data


def load_spec(path: Path) -> ProjectSpec:
    """Read a ``.yaml`` / ``.yml`` / ``.json`` spec file."""
    return parse_spec(read_mapping(path, ("name", "actors", "models", "operations", "schemas")))


def dump_spec(spec: ProjectSpec, fmt: str = "yaml") -> str:
    data = spec.to_data()
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
