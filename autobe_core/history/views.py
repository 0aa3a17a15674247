"""Typed, read-only views of a project's history, built from the aggregate's plain state.

The aggregate keeps its state as plain JSON (that is what a snapshot stores); these
frozen dataclasses are what callers read. What they hand out are deep copies
(:func:`copy_json`; a revision's changeset and delta copied when first read), so changing
a view's dicts never changes the aggregate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeVar

RevisionKind = Literal["change", "rollback"]

J = TypeVar("J")


def copy_json(value: J) -> J:
    """A deep copy of plain JSON data (dicts, lists, tuples, scalars): what
    ``copy.deepcopy`` gives, a few times faster (no memo; an imported revision's delta
    lists every module, and ``log`` and ``status`` copy it)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [copy_json(v) for v in value]  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(copy_json(v) for v in value)  # type: ignore[return-value]
    return value


@dataclass(frozen=True)
class DeltaCounts:
    added: int = 0
    changed: int = 0
    removed: int = 0
    reused: int = 0

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> DeltaCounts:
        return cls(data.get("added", 0), data.get("changed", 0), data.get("removed", 0),
                   data.get("reused", 0))

    def summary(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.removed} removed, "
                f"{self.reused} reused")


@dataclass(frozen=True)
class Verification:
    ok: bool
    rungs: tuple[dict[str, Any], ...]
    timestamp: str
    """ISO 8601, when the result was recorded."""

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Verification:
        return cls(bool(data["ok"]), tuple(copy_json(data["rungs"])), data["timestamp"])


@dataclass(frozen=True)
class Revision:
    """One revision of the project: what was asked, by whom, and what it produced."""

    number: int
    kind: RevisionKind
    timestamp: str
    """ISO 8601, when the revision was recorded."""
    request_id: str | None
    """The request it applied; None for a rollback."""
    author: str
    text: str
    """The request text; empty for a rollback."""
    planner: str
    tokens: int
    tries: int
    spec_hash: str
    manifest_hash: str
    counts: DeltaCounts
    rolled_back_to: int | None
    verification: Verification | None
    recorded_changeset: Mapping[str, Any] = field(repr=False)
    """The aggregate's changeset, never changed nor handed out: :attr:`changeset` is a
    copy, made when first read."""
    recorded_delta: Mapping[str, Any] = field(repr=False)
    """The aggregate's delta, likewise (an imported revision's delta lists every module:
    ``log`` counts its entries with :meth:`delta_len`, copying nothing)."""

    @cached_property
    def changeset(self) -> dict[str, Any]:
        """The concrete edits applied; empty for a rollback."""
        return copy_json(dict(self.recorded_changeset))

    @cached_property
    def delta(self) -> dict[str, Any]:
        """What the revision did to the modules (regenerated, reused, removed, added,
        changed, migration, ...)."""
        return copy_json(dict(self.recorded_delta))

    def delta_len(self, key: str) -> int:
        """How many entries the delta lists under ``key`` (0 when none)."""
        return len(self.recorded_delta.get(key) or ())

    def delta_entry(self, key: str) -> Any:
        """A copy of the delta's ``key`` entry (None when it has none)."""
        return copy_json(self.recorded_delta.get(key))

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Revision:
        verification = data.get("verification")
        return cls(
            number=data["number"],
            kind=data["kind"],
            timestamp=data["timestamp"],
            request_id=data["request_id"],
            author=data["author"],
            text=data["text"],
            planner=data["planner"],
            tokens=data["tokens"],
            tries=data["tries"],
            spec_hash=data["spec_hash"],
            manifest_hash=data["manifest_hash"],
            counts=DeltaCounts.from_state(data["counts"]),
            rolled_back_to=data["rolled_back_to"],
            verification=Verification.from_state(verification) if verification else None,
            recorded_changeset=data["changeset"],
            recorded_delta=data["delta"],
        )

    @property
    def verified(self) -> bool | None:
        """True / False once the ladder ran on this revision, None before."""
        return self.verification.ok if self.verification else None


@dataclass(frozen=True)
class PendingRequest:
    """A requested change not yet applied or rejected."""

    request_id: str
    author: str
    text: str
    changeset: dict[str, Any]
    planner: str
    tokens: int
    tries: int
    timestamp: str
    base: int
    """The head revision when the change was requested."""

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> PendingRequest:
        return cls(
            request_id=data["request_id"],
            author=data["author"],
            text=data["text"],
            changeset=copy_json(data["changeset"]),
            planner=data["planner"],
            tokens=data["tokens"],
            tries=data["tries"],
            timestamp=data["timestamp"],
            base=data["base"],
        )


@dataclass(frozen=True)
class Rejection:
    """A request that failed; the head stayed where it was (``head``)."""

    request_id: str
    stage: str
    diagnostics: tuple[dict[str, Any], ...]
    timestamp: str
    author: str
    text: str
    changeset: dict[str, Any]
    planner: str
    tokens: int
    tries: int
    head: int

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Rejection:
        return cls(
            request_id=data["request_id"],
            stage=data["stage"],
            diagnostics=tuple(copy_json(data["diagnostics"])),
            timestamp=data["timestamp"],
            author=data["author"],
            text=data["text"],
            changeset=copy_json(data["changeset"]),
            planner=data["planner"],
            tokens=data["tokens"],
            tries=data["tries"],
            head=data["head"],
        )
