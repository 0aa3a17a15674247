"""Diagnostics: every problem found in input, with where, what and what is allowed.

A diagnostic is what a user reads in the terminal and what an LLM planner gets back to
correct itself, so it is data (JSON-able), not an exception message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from autobe_core.errors import AutobeError

Severity = Literal["error", "warning"]
PathPart = str | int


_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def format_path(parts: Sequence[PathPart]) -> str:
    """The JSON path of ``parts``: ``["models", 2, "plainFields", 0, "name"]`` ->
    ``$.models[2].plainFields[0].name``. Keys that are not plain words (schema names such
    as ``ITodo.ICreate``) are written in brackets, so the path stays unambiguous:
    ``$.schemas["ITodo.ICreate"]``."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _SIMPLE_KEY.match(part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text


@dataclass(frozen=True)
class Diagnostic:
    path: str
    """JSON path into the spec (camelCase keys, as in the YAML/JSON file)."""
    code: str
    """Stable machine-readable code, e.g. ``name.keyword``, ``ref.unknown-model``."""
    message: str
    allowed: tuple[str, ...] = ()
    """The candidates (existing names, accepted values) or the rule that would pass."""
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "allowed": list(self.allowed),
            "severity": self.severity,
        }

    def render(self) -> str:
        text = f"{self.severity}: {self.path}: {self.message} [{self.code}]"
        if self.allowed:
            shown = ", ".join(self.allowed[:12])
            more = f" (+{len(self.allowed) - 12} more)" if len(self.allowed) > 12 else ""
            text += f"\n  allowed: {shown}{more}"
        return text


@dataclass
class DiagnosticError(AutobeError):
    """Raised at a boundary (load, apply, build) when input has errors."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    summary: str = "the specification is invalid"

    def __str__(self) -> str:
        lines = [f"{self.summary} ({len(self.diagnostics)} problem(s)):"]
        lines += [d.render() for d in self.diagnostics]
        return "\n".join(lines)


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]
