"""Free text in the spec: descriptions, summaries, titles hold text, not control bytes.

Prose (``description``, ``summary``, ``specification``) may hold newlines and tabs; a
``title`` is one line. Neither may hold another control character (a NUL, an escape
sequence, a carriage return) or a lone surrogate: the generated code quotes them, the
history stores them and the terminal shows them. Every other string of the spec (names,
paths, references, formats) has its own rule; a control character or lone surrogate in
one that no other rule reported is reported here, so nothing reaches the generator
unchecked. This rule runs last.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.text import ALLOWED_LINE, ALLOWED_PROSE, text_problem
from autobe_core.spec.validation.common import Path, Report

PROSE_FIELDS = frozenset({"description", "summary", "specification", "code"})
"""Attributes holding prose: newlines and tabs allowed (``code``: a realized operation's
module text, ``Operation.realized``)."""

LINE_FIELDS = frozenset({"title"})
"""Attributes holding one line of free text."""


def check_text(spec: ProjectSpec, report: Report) -> None:
    reported = {tuple(path) for path, _ in report.entries}
    for path, attribute, value in _strings(spec, []):
        if attribute in PROSE_FIELDS or attribute in LINE_FIELDS:
            prose = attribute in PROSE_FIELDS
            problem = text_problem(value, prose=prose)
            if problem:
                report.error(
                    path,
                    "text.control",
                    f"invalid {attribute}: {problem}",
                    ALLOWED_PROSE if prose else ALLOWED_LINE,
                )
        elif tuple(path) not in reported:
            problem = text_problem(value, prose=False)
            if problem:
                report.error(
                    path, "text.control", f"invalid {attribute or 'value'}: {problem}",
                    ALLOWED_LINE,
                )


def _strings(node: Any, path: Path, attribute: str = "") -> Iterator[tuple[Path, str, str]]:
    """Every string in ``node`` with its path and the attribute that holds it."""
    if isinstance(node, str):
        yield path, attribute, node
    elif isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _strings(getattr(node, name), [*path, info.alias or name], name)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key, [*path, key], "key")
            yield from _strings(value, [*path, key], attribute)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, [*path, index], attribute)
