"""The events of a project's history and their stored payloads.

Every payload is plain JSON (dicts with string keys, lists, str, int, float, bool, None):
events carry hashes of specs, manifests and files, never file text (that lives in the
blob store). The classes here fix each event's payload and version; the
:class:`~autobe_core.history.project.Project` aggregate triggers them from its command
methods (``@event(ChangeRequested)``), so their topics are those of the nested classes
``autobe_core.history.project:Project.<Name>``.

Changing a payload: raise the class's ``class_version`` and add a static
``upcast_v<N>_v<N+1>(state)`` that turns a stored state of version N into version N+1
(eventsourcing applies them in order when it reads an event). Stored events are never
rewritten.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from eventsourcing.domain import Aggregate

from autobe_core.history.errors import HistoryError

Stage = Literal["plan", "apply", "build", "verify", "conflict"]
"""Where a change was rejected: the planner gave up, the edits did not apply or the spec
was invalid, the build failed, the recompile ladder failed, or another change won."""
STAGES: tuple[Stage, ...] = ("plan", "apply", "build", "verify", "conflict")

DELTA_KINDS = ("added", "changed", "removed", "reused")
"""The lists of a revision's delta (module changes; ``reused`` may hold bare ids)."""


class Created(Aggregate.Created):
    """The project exists, with no revision yet (its spec is the empty spec)."""

    name: str


class ChangeRequested(Aggregate.Event):
    """Someone asked for a change; it stays pending until applied or rejected.

    Version 2 added ``planner`` (what turned the text into edits: ``edits`` for a
    ChangeSet given as is, ``init``, ``import``, ``rules``, ``llm``), ``tokens`` (LLM
    tokens spent) and ``tries`` (planner attempts).
    """

    class_version = 2

    request_id: str
    author: str
    text: str
    changeset: dict[str, Any]
    """The planned ChangeSet (camelCase JSON), before cross-cutting edits are expanded."""
    planner: str
    tokens: int
    tries: int

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["planner"] = "edits"
        state["tokens"] = 0
        state["tries"] = 1


class ChangeApplied(Aggregate.Event):
    """A pending request became revision ``revision``, the new head."""

    request_id: str
    revision: int
    spec_hash: str
    manifest_hash: str
    changeset: dict[str, Any]
    """The concrete edits that were applied (cross-cutting edits expanded)."""
    delta: dict[str, Any]
    """Modules ``added`` / ``changed`` / ``removed`` / ``reused``: each with module id,
    path, old and new file sha256, key and reason paths (the caller's shape)."""


class Verified(Aggregate.Event):
    """The recompile ladder ran on revision ``revision``."""

    revision: int
    ok: bool
    rungs: list[dict[str, Any]]
    """Per rung: name, status, seconds, summary, counts, diagnostics."""


class ChangeRejected(Aggregate.Event):
    """A pending request failed at ``stage``; the head does not move."""

    request_id: str
    stage: str
    diagnostics: list[dict[str, Any]]


class RolledBack(Aggregate.Event):
    """Revision ``revision`` (the new head) has the content of ``to_revision``."""

    revision: int
    to_revision: int
    spec_hash: str
    manifest_hash: str
    delta: dict[str, Any]
    author: str


class Tagged(Aggregate.Event):
    """Tag ``name`` names revision ``revision``; tags are never moved or reused."""

    name: str
    revision: int


# --------------------------------------------------------------------------- payload helpers


def plain(value: Any, what: str) -> Any:
    """``value`` as plain JSON data (a deep copy; tuples become lists).

    Normalising before an event is triggered makes the live aggregate equal to one
    replayed from the store, which only ever sees the JSON form.
    """
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")  # a lone surrogate: no store can keep it
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise HistoryError(f"{what} is not plain JSON data: {exc}") from None


def plain_dict(value: Any, what: str) -> dict[str, Any]:
    data = plain(value, what)
    if not isinstance(data, dict):
        raise HistoryError(f"{what} must be a JSON object, not {type(value).__name__}")
    return data


def plain_list(value: Any, what: str) -> list[dict[str, Any]]:
    data = plain(list(value), what)
    if not all(isinstance(item, dict) for item in data):
        raise HistoryError(f"every item of {what} must be a JSON object")
    return data  # type: ignore[no-any-return]


def delta_counts(delta: dict[str, Any]) -> dict[str, int]:
    """How many modules each list of a delta holds (a number is taken as a count)."""
    counts: dict[str, int] = {}
    for kind in DELTA_KINDS:
        value = delta.get(kind)
        if isinstance(value, list):
            counts[kind] = len(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            counts[kind] = value
        else:
            counts[kind] = 0
    return counts


def text_arg(value: Any, what: str, *, empty: bool = False) -> str:
    """``value`` when it is a string the store can keep (no NUL, no lone surrogate)."""
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise HistoryError(f"{what} must be a {'' if empty else 'non-empty '}string")
    bad = next((c for c in value if c == "\x00" or "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        raise HistoryError(
            f"{what} cannot be recorded: it holds {bad!a} at position {value.index(bad)} "
            "(a NUL or a lone surrogate: not text the history keeps)"
        )
    return value


def int_arg(value: Any, what: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise HistoryError(f"{what} must be an integer >= {minimum}, not {value!r}")
    return value
