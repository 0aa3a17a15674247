"""How each operation is realized, for the import report and ``status``: by autobe's
deterministic generators, by the user (``app/custom/``, ``Operation.implementation``), by
an LLM (``app/realized/``, ``Operation.realized``), or not at all (a 501 handler)."""

from __future__ import annotations

from typing import Literal

from autobe_core.spec.model import Operation, ProjectSpec

Realization = Literal["deterministic", "user", "llm", "unrealized"]
REALIZATIONS: tuple[Realization, ...] = ("deterministic", "user", "llm", "unrealized")


def realization(op: Operation) -> Realization:
    """What serves operation ``op``; the user's implementation wins over an LLM's."""
    if op.kind != "custom":
        return "deterministic"
    if op.implementation == "user":
        return "user"
    if op.realized is not None:
        return "llm"
    return "unrealized"


def realization_counts(spec: ProjectSpec) -> dict[str, int]:
    """Operations per :data:`REALIZATIONS` entry (every entry present, in that order)."""
    counts: dict[str, int] = dict.fromkeys(REALIZATIONS, 0)
    for op in spec.operations:
        counts[realization(op)] += 1
    return counts
