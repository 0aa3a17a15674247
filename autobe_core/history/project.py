"""The ``Project`` aggregate: a project's history of requirement changes.

Users see revisions 1, 2, 3, ...: a revision is recorded by :meth:`Project.apply_change`
(a requested change that built and passed) or :meth:`Project.roll_back` (a new revision
with the content of an older one). The aggregate's ``version`` counts events and is an
implementation detail.

Public command methods check the invariants and raise a :class:`HistoryError` subclass
before anything happens; each then calls one private method decorated with ``@event``,
whose body is the event's effect on the state (run when the command triggers the event
and again whenever the aggregate is rebuilt from the store). The state is plain JSON,
which is what snapshots hold; the read accessors return typed views of it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from autobe_core.history import events as ev
from autobe_core.history.errors import (
    DuplicateRequest,
    DuplicateTag,
    HistoryError,
    UnknownRequest,
    UnknownRevision,
)
from autobe_core.history.views import PendingRequest, Rejection, Revision

PROJECT_NAMESPACE = UUID("6f1c3a52-7d0e-4b8e-9a51-3c2b1f0e4d7a")
PROJECT_ID = uuid5(PROJECT_NAMESPACE, "autobe-project")
"""Every store holds one project, always under this id."""

TAG_NAME = re.compile(r"(?![0-9]+$)[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
"""Tag names: letters, digits, ``._/-``, not all digits (those are revision numbers)."""

RESERVED_TAGS = frozenset({"head"})
"""Names a reference reads before any tag (in any case): a tag so named could never be
reached."""

TAG_HINT = (
    "use letters, digits and . _ / - (not only digits, and not 'head', which always names "
    "the newest revision), at most 100 characters"
)

REVISION_NUMBER = re.compile(r"[0-9]{1,18}")
"""A revision number as a reference writes it: ASCII digits only (``"²".isdigit()`` is
true, but ² is no revision)."""


def _iso(timestamp: datetime | None) -> str:
    assert timestamp is not None  # eventsourcing sets it on every event
    return timestamp.isoformat()


class Project(Aggregate):
    """One project's history: revisions, pending requests, rejections and tags."""

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        return PROJECT_ID

    # The event classes of this aggregate (payloads and versions: events.py).
    Created = ev.Created
    ChangeRequested = ev.ChangeRequested
    ChangeApplied = ev.ChangeApplied
    Verified = ev.Verified
    ChangeRejected = ev.ChangeRejected
    RolledBack = ev.RolledBack
    Tagged = ev.Tagged

    @event(Created)
    def __init__(self, name: str) -> None:
        self._name = name
        self._head = 0
        self._revisions: list[dict[str, Any]] = []
        self._pending: dict[str, dict[str, Any]] = {}
        self._rejections: list[dict[str, Any]] = []
        self._tags: dict[str, int] = {}

    # ------------------------------------------------------------------ commands

    def request_change(
        self, request_id: str, *, author: str, text: str, changeset: Mapping[str, Any],
        planner: str = "edits", tokens: int = 0, tries: int = 1,
    ) -> PendingRequest:
        """Record a requested change; it stays pending until applied or rejected."""
        ev.text_arg(request_id, "request_id")
        if request_id in self._request_ids():
            raise DuplicateRequest(f"request {request_id!r} was already recorded")
        self._change_requested(
            request_id=request_id,
            author=ev.text_arg(author, "author", empty=True),
            text=ev.text_arg(text, "the request text", empty=True),
            changeset=ev.plain_dict(changeset, "the changeset"),
            planner=ev.text_arg(planner, "planner"),
            tokens=ev.int_arg(tokens, "tokens"),
            tries=ev.int_arg(tries, "tries"),
        )
        return self.pending_request(request_id)

    def apply_change(
        self, request_id: str, *, spec_hash: str, manifest_hash: str,
        changeset: Mapping[str, Any], delta: Mapping[str, Any],
    ) -> Revision:
        """Make a pending request the new head revision (``head + 1``)."""
        self.pending_request(request_id)
        self._change_applied(
            request_id=request_id,
            revision=self._head + 1,
            spec_hash=ev.text_arg(spec_hash, "spec_hash"),
            manifest_hash=ev.text_arg(manifest_hash, "manifest_hash"),
            changeset=ev.plain_dict(changeset, "the applied changeset"),
            delta=ev.plain_dict(delta, "the delta"),
        )
        return self.revision(self._head)

    def record_verification(
        self, revision: int, *, ok: bool, rungs: Sequence[Mapping[str, Any]]
    ) -> None:
        """Attach a recompile-ladder result to a revision (a later one replaces it)."""
        self.revision(revision)
        if not isinstance(ok, bool):
            raise HistoryError(f"ok must be a bool, not {ok!r}")
        self._verified(revision=revision, ok=ok, rungs=ev.plain_list(rungs, "rungs"))

    def reject_change(
        self, request_id: str, *, stage: str, diagnostics: Sequence[Mapping[str, Any]]
    ) -> Rejection:
        """Record that a pending request failed at ``stage``; the head stays."""
        self.pending_request(request_id)
        if stage not in ev.STAGES:
            raise HistoryError(
                f"unknown rejection stage {stage!r}", f"one of: {', '.join(ev.STAGES)}"
            )
        self._change_rejected(
            request_id=request_id, stage=stage,
            diagnostics=ev.plain_list(diagnostics, "the diagnostics"),
        )
        return Rejection.from_state(self._rejections[-1])

    def roll_back(
        self, to_revision: int, *, manifest_hash: str, delta: Mapping[str, Any],
        spec_hash: str | None = None, author: str = "",
    ) -> Revision:
        """Record a new head revision with the content (spec) of ``to_revision``."""
        target = self.revision(to_revision)
        if to_revision == self._head:
            raise HistoryError(f"revision {to_revision} is already the head")
        if spec_hash is not None and spec_hash != target.spec_hash:
            raise HistoryError(
                f"a rollback to revision {to_revision} must have its spec "
                f"(hash {target.spec_hash[:12]}), not {spec_hash[:12]}"
            )
        self._rolled_back(
            revision=self._head + 1,
            to_revision=to_revision,
            spec_hash=target.spec_hash,
            manifest_hash=ev.text_arg(manifest_hash, "manifest_hash"),
            delta=ev.plain_dict(delta, "the delta"),
            author=ev.text_arg(author, "author", empty=True),
        )
        return self.revision(self._head)

    def tag(self, name: str, revision: int | None = None) -> None:
        """Name a revision (default: the head). Tags never move."""
        if not isinstance(name, str) or not TAG_NAME.fullmatch(name):
            raise HistoryError(f"invalid tag name {name!r}", TAG_HINT)
        if name.lower() in RESERVED_TAGS:
            raise HistoryError(
                f"invalid tag name {name!r}: a reference reads it as the head revision, "
                "so the tag could never be reached",
                TAG_HINT,
            )
        if name in self._tags:
            raise DuplicateTag(f"tag {name!r} already names revision {self._tags[name]}")
        number = self._head if revision is None else revision
        self.revision(number)
        self._tagged(name=name, revision=number)

    # ------------------------------------------------------------------ events

    @event(ChangeRequested)
    def _change_requested(
        self, request_id: str, author: str, text: str, changeset: dict[str, Any],
        planner: str, tokens: int, tries: int, timestamp: datetime | None = None,
    ) -> None:
        self._pending[request_id] = {
            "request_id": request_id, "author": author, "text": text,
            "changeset": changeset, "planner": planner, "tokens": tokens, "tries": tries,
            "timestamp": _iso(timestamp), "base": self._head,
        }

    @event(ChangeApplied)
    def _change_applied(
        self, request_id: str, revision: int, spec_hash: str, manifest_hash: str,
        changeset: dict[str, Any], delta: dict[str, Any], timestamp: datetime | None = None,
    ) -> None:
        request = self._pending.pop(request_id)
        self._add_revision({
            "number": revision, "kind": "change", "timestamp": _iso(timestamp),
            "request_id": request_id, "author": request["author"], "text": request["text"],
            "planner": request["planner"], "tokens": request["tokens"],
            "tries": request["tries"], "spec_hash": spec_hash, "manifest_hash": manifest_hash,
            "changeset": changeset, "delta": delta, "counts": ev.delta_counts(delta),
            "rolled_back_to": None, "verification": None,
        })

    @event(Verified)
    def _verified(
        self, revision: int, ok: bool, rungs: list[dict[str, Any]],
        timestamp: datetime | None = None,
    ) -> None:
        self._revisions[revision - 1]["verification"] = {
            "ok": ok, "rungs": rungs, "timestamp": _iso(timestamp),
        }

    @event(ChangeRejected)
    def _change_rejected(
        self, request_id: str, stage: str, diagnostics: list[dict[str, Any]],
        timestamp: datetime | None = None,
    ) -> None:
        request = self._pending.pop(request_id)
        self._rejections.append({
            "request_id": request_id, "stage": stage, "diagnostics": diagnostics,
            "timestamp": _iso(timestamp), "author": request["author"],
            "text": request["text"], "changeset": request["changeset"],
            "planner": request["planner"], "tokens": request["tokens"],
            "tries": request["tries"], "head": self._head,
        })

    @event(RolledBack)
    def _rolled_back(
        self, revision: int, to_revision: int, spec_hash: str, manifest_hash: str,
        delta: dict[str, Any], author: str, timestamp: datetime | None = None,
    ) -> None:
        self._add_revision({
            "number": revision, "kind": "rollback", "timestamp": _iso(timestamp),
            "request_id": None, "author": author, "text": "", "planner": "",
            "tokens": 0, "tries": 0, "spec_hash": spec_hash, "manifest_hash": manifest_hash,
            "changeset": {}, "delta": delta, "counts": ev.delta_counts(delta),
            "rolled_back_to": to_revision, "verification": None,
        })

    @event(Tagged)
    def _tagged(self, name: str, revision: int) -> None:
        self._tags[name] = revision

    def _add_revision(self, record: dict[str, Any]) -> None:
        if record["number"] != len(self._revisions) + 1:
            raise HistoryError(f"revision {record['number']} is out of sequence")
        self._revisions.append(record)
        self._head = record["number"]

    # ------------------------------------------------------------------ queries

    @property
    def name(self) -> str:
        return self._name

    @property
    def head(self) -> int:
        """The head revision number; 0 before the first change is applied."""
        return self._head

    @property
    def head_revision(self) -> Revision | None:
        return self.revision(self._head) if self._head else None

    def revision(self, number: int) -> Revision:
        self._check_revision(number)
        return Revision.from_state(self._revisions[number - 1])

    def content_hashes(self, number: int) -> tuple[str, str]:
        """(spec hash, manifest hash) of revision ``number``: what a command reads most,
        without copying the revision's changeset and delta as :meth:`revision` does
        (an imported revision's delta lists every module)."""
        self._check_revision(number)
        data = self._revisions[number - 1]
        return data["spec_hash"], data["manifest_hash"]

    def _check_revision(self, number: int) -> None:
        """:class:`UnknownRevision` unless ``number`` is a recorded revision."""
        if isinstance(number, bool) or not isinstance(number, int) \
                or not 1 <= number <= self._head:
            known = f"revisions are 1..{self._head}" if self._head else "there is none yet"
            raise UnknownRevision(f"no revision {number!r}: {known}")

    def delta_entry(self, number: int, key: str) -> Any:
        """One entry of revision ``number``'s delta (a copy; None when it has none),
        without copying the rest of the revision as :meth:`revision` does: reading one
        entry of every revision (the chain of migrations) stays cheap on big deltas."""
        self._check_revision(number)
        return copy.deepcopy(self._revisions[number - 1]["delta"].get(key))

    @property
    def revisions(self) -> list[Revision]:
        return [Revision.from_state(r) for r in self._revisions]

    @property
    def tags(self) -> dict[str, int]:
        return dict(self._tags)

    @property
    def rejections(self) -> list[Rejection]:
        return [Rejection.from_state(r) for r in self._rejections]

    @property
    def pending(self) -> dict[str, PendingRequest]:
        return {rid: PendingRequest.from_state(r) for rid, r in self._pending.items()}

    def pending_request(self, request_id: str) -> PendingRequest:
        try:
            return PendingRequest.from_state(self._pending[request_id])
        except (KeyError, TypeError):
            state = "was already applied or rejected" if request_id in self._request_ids() \
                else "was never requested"
            raise UnknownRequest(f"request {request_id!r} is not pending: it {state}") from None

    def resolve(self, ref: str | int) -> int:
        """A revision number from a number, ``"head"`` (any case) or a tag name;
        UnknownRevision naming what is allowed for anything else."""
        if isinstance(ref, str):
            if ref.lower() == "head" and self._head:
                return self._head
            if ref in self._tags:
                return self._tags[ref]
            if REVISION_NUMBER.fullmatch(ref) and 1 <= int(ref) <= self._head:
                return int(ref)
            raise UnknownRevision(f"no revision or tag {ref!r}", self._references())
        if isinstance(ref, bool) or not isinstance(ref, int) or not 1 <= ref <= self._head:
            raise UnknownRevision(f"no revision {ref!r}", self._references())
        return ref

    def _references(self) -> str:
        """What a revision reference may be, in this history."""
        if not self._head:
            return "the project has no revision yet"
        tags = sorted(self._tags)
        shown = ", ".join(tags[:8]) + (f" (+{len(tags) - 8} more)" if len(tags) > 8 else "")
        named = f"a tag ({shown})" if tags else "a tag (there are none yet: autobe tag NAME)"
        return f"give a revision number 1..{self._head}, head, or {named}"

    def state(self) -> dict[str, Any]:
        """The history state as plain JSON (a copy): what a snapshot holds, minus the
        library's bookkeeping."""
        return ev.plain_dict({
            "name": self._name, "head": self._head, "revisions": self._revisions,
            "pending": self._pending, "rejections": self._rejections, "tags": self._tags,
        }, "the project state")

    def _request_ids(self) -> set[str]:
        ids = set(self._pending)
        ids.update(r["request_id"] for r in self._revisions if r["request_id"])
        ids.update(r["request_id"] for r in self._rejections)
        return ids
