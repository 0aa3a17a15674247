"""Valid names for AutoBe names the generated code cannot use.

Real AutoBe projects have fields called ``order`` (an SQL reserved word) or ``metadata``
(SQLAlchemy's declarative base owns it) and relations called ``session`` (SQLAlchemy and
pydantic own it). The validator rejects them, rightly: they would break the generated
code. The importer gives each a valid name that keeps the meaning (a synonym where a
common one exists, else the name with a neutral suffix), never lets an unchecked name into
the spec, and reports each rename.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from autobe_core.spec.naming import (
    MAX_NAME_LENGTH,
    field_problem,
    model_name_problem,
    relation_problem,
    snake,
)

Problem = Callable[[str], str | None]

FIELD_SYNONYMS = {
    "order": "sort_order",
    "metadata": "meta_data",
    "group": "group_name",
    "user": "user_name",
    "limit": "limit_value",
    "offset": "offset_value",
    "default": "default_value",
    "check": "check_value",
    "session": "session_value",
    "type": "type_name",
    "json": "json_value",
    "schema": "schema_name",
    "date": "date_value",
    "time": "time_value",
}
"""Common reserved field names and a replacement that reads the same."""

RELATION_SYNONYMS = {"session": "authSession", "metadata": "metaData", "query": "queryRecord"}


def _fallbacks(name: str, suffixes: tuple[str, ...]) -> list[str]:
    return [f"{name}{suffix}" for suffix in suffixes]


def _first_valid(candidates: list[str], problem: Problem, taken: Collection[str]) -> str:
    for candidate in candidates:
        if problem(candidate) is None and candidate not in taken:
            return candidate
    base = candidates[-1]
    for n in range(2, 1000):
        candidate = f"{base}{n}"
        if problem(candidate) is None and candidate not in taken:
            return candidate
    raise ValueError(f"no valid name for {candidates[0]!r}")  # pragma: no cover


def _snake_base(name: str) -> str:
    text = snake(name) or "x"
    if not re.match(r"^[a-z]", text):
        text = f"f_{text}"
    text = re.sub(r"_+", "_", text)
    return text[: MAX_NAME_LENGTH - 8].rstrip("_")


def field_name(name: str, taken: Collection[str]) -> str:
    """``name`` itself when valid and free, else a valid, free name that reads alike."""
    if field_problem(name) is None and name not in taken:
        return name
    base = _snake_base(name)
    candidates = [base] if base != name else []
    if base in FIELD_SYNONYMS:
        candidates.append(FIELD_SYNONYMS[base])
    candidates += _fallbacks(base, ("_value", "_field"))
    return _first_valid(candidates, field_problem, taken)


def relation_name(name: str, taken: Collection[str]) -> str:
    if relation_problem(name) is None and name not in taken:
        return name
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p] or ["related"]
    base = parts[0][:1].lower() + parts[0][1:] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    if not re.match(r"^[a-z]", base):
        base = f"r{base}"
    base = base[: MAX_NAME_LENGTH - 8]
    candidates = [base] if base != name else []
    if base in RELATION_SYNONYMS:
        candidates.append(RELATION_SYNONYMS[base])
    candidates += _fallbacks(base, ("Record", "Ref"))
    return _first_valid(candidates, relation_problem, taken)


def model_name(name: str, taken: Collection[str]) -> str:
    if model_name_problem(name) is None and name not in taken:
        return name
    base = _snake_base(name)
    candidates = [base] if base != name else []
    candidates += _fallbacks(base, ("_records", "_table"))
    return _first_valid(candidates, model_name_problem, taken)


def why(problem: str | None) -> str:
    return problem or "the name is already taken"
