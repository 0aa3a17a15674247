"""Realizing a project: which custom operations need the LLM, and the report.

An operation is **pending** when it is ``custom``, the user does not own it
(``implementation`` is not ``user``) and it has no realized code whose key is today's
(never realized, or its interface or context changed since). Operations whose code is
current are **kept**: no request, 0 tokens. Each pending operation goes through the loop
(:mod:`.loop`) in the spec's order, judged in one staged tree (later tries rewrite only
what changed, so mypy's cache stays warm) with only that operation's candidate in it: an
operation realized earlier in the run is not part of a later one's tree, so one
operation's code never depends on another's. What passed becomes one change: a
``modifyOperation`` per realized operation with ``realized`` set
(:meth:`RealizeReport.changeset`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autobe_core.generate import MigrationSlice
from autobe_core.generate.kinds.realized import realize_keys
from autobe_core.realize.chat import Chat
from autobe_core.realize.loop import Outcome, TryCallback, realize_operation
from autobe_core.realize.stage import Stage
from autobe_core.spec.changeset import ChangeSet, ModifyOperation
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import operation_id


def owned_by_user(op: Operation) -> bool:
    return getattr(op, "implementation", None) == "user"


def pending_operations(spec: ProjectSpec) -> tuple[list[Operation], list[Operation]]:
    """(pending, kept): the custom operations the LLM must realize, and those whose
    realized code is current."""
    keys = realize_keys(spec)
    pending: list[Operation] = []
    kept: list[Operation] = []
    for op in spec.operations:
        if op.kind != "custom" or owned_by_user(op):
            continue
        current = op.realized is not None and op.realized.key == keys[operation_id(op)]
        (kept if current else pending).append(op)
    return pending, kept


@dataclass
class RealizeReport:
    """What a realize run did."""

    model: str
    outcomes: list[Outcome] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Operation ids whose realized code was current (0 tokens)."""

    @property
    def tokens(self) -> int:
        return sum(o.tokens for o in self.outcomes)

    @property
    def tries(self) -> int:
        return sum(o.tries for o in self.outcomes)

    @property
    def realized(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def changeset(self, spec: ProjectSpec) -> ChangeSet | None:
        """The edits recording every realized operation on ``spec``; None: nothing."""
        by_id = {o.operation_id: o for o in self.realized}
        edits = [
            ModifyOperation(method=op.method, path=op.path, operation=op.model_copy(
                update={"realized": by_id[operation_id(op)].realized}))
            for op in spec.operations if operation_id(op) in by_id
        ]
        if not edits:
            return None
        return ChangeSet(edits=list(edits), summary=self.summary())

    def summary(self) -> str:
        done = ", ".join(o.endpoint for o in self.realized)
        return (f"realize {len(self.realized)} custom operation(s) with {self.model}: {done}"
                if done else f"realize: nothing realized with {self.model}")

    def lines(self) -> list[str]:
        """The report for people: one line per operation, diagnostics of failures."""
        out: list[str] = []
        for o in self.outcomes:
            if o.ok:
                out.append(f"realized  {o.endpoint}  ({o.tries} "
                           f"{'try' if o.tries == 1 else 'tries'}, {o.tokens} tokens)")
            else:
                out.append(f"501       {o.endpoint}  (not realized in {o.tries} "
                           f"{'try' if o.tries == 1 else 'tries'}, {o.tokens} tokens; "
                           f"last: {o.stage} failed)")
                out += [f"    {line}" for line in o.diagnostics.splitlines()[:40]]
        out += [f"kept      {op_id}  (current, 0 tokens)" for op_id in self.kept]
        out.append(f"{len(self.realized)} realized, {len(self.failed)} left at 501, "
                   f"{len(self.kept)} kept; {self.tokens} tokens")
        return out


def realize_project(
    spec: ProjectSpec,
    chat: Chat,
    *,
    workspace: Path | None = None,
    migrations: Sequence[MigrationSlice] = (),
    max_tries: int | None = None,
    only: Sequence[str] = (),
    on_try: TryCallback | None = None,
    mypy_cache: Path | None = None,
    warm: Path | None = None,
) -> RealizeReport:
    """Realize the pending custom operations of ``spec`` (``only``: these operation ids
    or endpoints). ``workspace``: where the user's own files are read from;
    ``mypy_cache``: a cache directory that outlives the run (default: one in the run's
    scratch directory); ``warm``: the project's warm verifier directory (each try is
    judged warm, see :mod:`autobe_core.verify.warm`). Nothing is recorded: the caller
    records :meth:`RealizeReport.changeset`."""
    tries = max_tries if max_tries is not None else chat.config.max_tries
    pending, kept = pending_operations(spec)
    if only:
        wanted = set(only)
        pending = [op for op in pending if operation_id(op) in wanted or op.endpoint in wanted]
    report = RealizeReport(model=chat.config.model, kept=[operation_id(op) for op in kept])
    if not pending:
        return report
    with tempfile.TemporaryDirectory(prefix="autobe-realize-") as scratch:
        stage = Stage(Path(scratch), workspace, migrations, mypy_cache, warm)
        for op in pending:
            report.outcomes.append(realize_operation(spec, op, chat, stage, tries, on_try))
    return report
