"""How each operation is realized, for the import report and ``status``: by autobe's
deterministic generators, by the user (``app/custom/``, ``Operation.implementation``), by
an LLM (``app/realized/``, ``Operation.realized``), or not at all (a 501 handler); and
where the user's implementations live (:func:`user_file`, :func:`orphaned_user_files`:
``status`` reads them without importing the generators)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import operation_id

Realization = Literal["deterministic", "user", "llm", "unrealized"]
REALIZATIONS: tuple[Realization, ...] = ("deterministic", "user", "llm", "unrealized")

USER_PACKAGE = "app/custom"
"""Where the users' implementations live in the workspace (never generated, never
removed); the generated backend's package is ``app``."""


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


def user_file(op_id: str) -> str:
    """Workspace-relative path of the user's implementation of operation ``op_id``."""
    return f"{USER_PACKAGE}/{op_id}.py"


def orphaned_user_files(paths: list[str], spec: ProjectSpec) -> list[str]:
    """Of the workspace-relative ``paths``, the implementations under ``app/custom/`` no
    user-owned operation of ``spec`` has any more (kept, reported, not type-checked)."""
    owned = {user_file(operation_id(op)) for op in spec.operations
             if op.kind == "custom" and op.implementation == "user"}
    prefix = f"{USER_PACKAGE}/"
    return sorted(p for p in paths if p.startswith(prefix) and p.endswith(".py")
                  and "/" not in p[len(prefix):] and not p.endswith("/__init__.py")
                  and p not in owned)
