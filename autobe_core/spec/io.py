"""Reading and writing spec files (YAML or JSON) with shape errors as diagnostics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError, format_path
from autobe_core.spec.model import ProjectSpec


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
    """The top-level mapping of a ``.yaml`` / ``.yml`` / ``.json`` file; unreadable files,
    syntax errors and other top levels are diagnostics (``keys``: what the mapping holds)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DiagnosticError(
            [Diagnostic("$", "file.unreadable", f"cannot read {path}: {exc.strerror}")],
            f"cannot read {path}",
        ) from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise DiagnosticError(
            [Diagnostic("$", "file.syntax", f"{path.name} is not valid YAML/JSON: {exc}")],
            f"cannot parse {path}",
        ) from None
    if not isinstance(data, dict):
        raise DiagnosticError(
            [Diagnostic("$", "file.not-a-mapping", "the top level must be a mapping", keys)],
            f"cannot parse {path}",
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
