"""How each operation is realized, for the import report and ``status``: by autobe's
deterministic generators, by the user (``app/custom/``, ``Operation.implementation``), by
an LLM (``app/realized/``, ``Operation.realized``), or not at all (a 501 handler)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from autobe_core.spec.model import Operation, ProjectSpec

Realization = Literal["deterministic", "user", "llm", "unrealized"]
REALIZATIONS: tuple[Realization, ...] = ("deterministic", "user", "llm", "unrealized")


def realization(op: Operation, current: Callable[[Operation], bool] | None = None) -> Realization:
    """What serves operation ``op``; the user's implementation wins over an LLM's.
    ``current`` tells whether an LLM's recorded code is still generated (its key is the
    operation's slice today: ``generate.current_realized``); stale code serves nothing."""
    if op.kind != "custom":
        return "deterministic"
    if op.implementation == "user":
        return "user"
    if op.realized is not None and (current is None or current(op)):
        return "llm"
    return "unrealized"


def realization_counts(spec: ProjectSpec,
                       current: Callable[[Operation], bool] | None = None) -> dict[str, int]:
    """Operations per :data:`REALIZATIONS` entry (every entry present, in that order)."""
    counts: dict[str, int] = dict.fromkeys(REALIZATIONS, 0)
    for op in spec.operations:
        counts[realization(op, current)] += 1
    return counts
