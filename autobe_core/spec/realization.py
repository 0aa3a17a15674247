"""How each operation is realized, for the import report and ``status``: by autobe's
deterministic generators, by the user (``app/custom/``, ``Operation.implementation``), by
an LLM (``app/realized/``, ``Operation.realized``), or not at all (a 501 handler); and
where the user's implementations live (:func:`user_file`, :func:`orphaned_user_files`).

The rules read five fields of an operation (:class:`OperationFacts`): a spec
``Operation`` has them, and so has an :class:`OperationRecord` read from a stored
spec's JSON (:func:`operation_records`), which lets ``status`` count realizations
without the spec model (pydantic) or the generators."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from autobe_core.spec.naming import operation_id

if TYPE_CHECKING:
    from autobe_core.spec.model import ProjectSpec

Realization = Literal["deterministic", "user", "llm", "unrealized"]
REALIZATIONS: tuple[Realization, ...] = ("deterministic", "user", "llm", "unrealized")

USER_PACKAGE = "app/custom"
"""Where the users' implementations live in the workspace (never generated, never
removed); the generated backend's package is ``app``."""


class OperationFacts(Protocol):
    """What the realization rules read of an operation."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def implementation(self) -> str | None: ...

    @property
    def realized(self) -> object | None: ...


Op = TypeVar("Op", bound=OperationFacts)


@dataclass(frozen=True)
class OperationRecord:
    """The :class:`OperationFacts` of one operation of a spec's JSON (camelCase keys,
    as the spec is stored); ``realized`` is the JSON of the LLM's code, or None."""

    method: str
    path: str
    kind: str
    implementation: str | None = None
    realized: object | None = None


def operation_records(spec_data: Mapping[str, Any]) -> list[OperationRecord]:
    """The operations of a stored spec's JSON (a validated spec: :class:`KeyError` or
    :class:`TypeError` when it is not shaped like one)."""
    return [
        OperationRecord(op["method"], op["path"], op["kind"], op.get("implementation"),
                        op.get("realized"))
        for op in spec_data["operations"]
    ]


def realization(op: Op, current: Callable[[Op], bool] | None = None) -> Realization:
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


def count_realizations(operations: Iterable[Op],
                       current: Callable[[Op], bool] | None = None) -> dict[str, int]:
    """Operations per :data:`REALIZATIONS` entry (every entry present, in that order)."""
    counts: dict[str, int] = dict.fromkeys(REALIZATIONS, 0)
    for op in operations:
        counts[realization(op, current)] += 1
    return counts


def realization_counts(spec: ProjectSpec,
                       current: Callable[[Any], bool] | None = None) -> dict[str, int]:
    """:func:`count_realizations` of ``spec``'s operations."""
    return count_realizations(spec.operations, current)


def user_file(op_id: str) -> str:
    """Workspace-relative path of the user's implementation of operation ``op_id``."""
    return f"{USER_PACKAGE}/{op_id}.py"


def orphaned_files(paths: list[str], operations: Iterable[OperationFacts]) -> list[str]:
    """Of the workspace-relative ``paths``, the implementations under ``app/custom/`` no
    user-owned operation of ``operations`` has any more (kept, reported, not
    type-checked)."""
    owned = {user_file(operation_id(op)) for op in operations
             if realization(op) == "user"}
    prefix = f"{USER_PACKAGE}/"
    return sorted(p for p in paths if p.startswith(prefix) and p.endswith(".py")
                  and "/" not in p[len(prefix):] and not p.endswith("/__init__.py")
                  and p not in owned)


def orphaned_user_files(paths: list[str], spec: ProjectSpec) -> list[str]:
    """:func:`orphaned_files` of ``spec``'s operations."""
    return orphaned_files(paths, spec.operations)
