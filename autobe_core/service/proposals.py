"""Proposing a change: what a request would do to the head, computed without writing.

A request comes as words (planned by the planner chain), a :class:`Plan` a planner
already made, a :class:`ChangeSet` of typed edits, or the path of a change file.
Proposing it applies the edits to the head spec and explains which modules they affect
(a pure function of the two). The :class:`Proposal` is a value the client shows (and the
user confirms) and then hands to :func:`autobe_core.service.changes.apply_proposal`,
which records it without planning again. Edits that do not apply make a proposal that
carries their diagnostics: applying it records the rejection (stage ``apply``).

A request that asks for nothing (no edits) or whose words cannot be recorded (a NUL or a
lone surrogate in the text or summary) is refused before anything is planned or recorded:
a DiagnosticError, and no rejection in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autobe_core.generate import MigrationSlice, next_chain
from autobe_core.graph import Affected, ModuleGraph, ModuleTable, affected
from autobe_core.planning.base import Plan, PlannerChain
from autobe_core.planning.chain import default_chain
from autobe_core.schema import MigrationPlan, plan_migration
from autobe_core.service.migrations import with_catch_up
from autobe_core.spec import apply, expand
from autobe_core.spec.changeset import ChangeSet, load_changeset
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.text import storable_problem

ChangeRequest = str | Plan | ChangeSet | Path
"""Words, a planner's plan, typed edits, or a change file (YAML/JSON) of typed edits."""


@dataclass(frozen=True)
class Request:
    """What was asked for, as the history records it with the change."""

    changeset: ChangeSet
    text: str = ""
    """The request in words (or the change's summary): the log's "request" column."""
    planner: str = "edits"
    """``edits`` for typed edits, else the planner that turned words into them."""
    tokens: int = 0
    tries: int = 1
    explanation: str = ""
    """What the planner understood (empty for typed edits)."""

    @property
    def planned(self) -> bool:
        """The edits come from a planner (words), not from the user."""
        return self.planner != "edits"


@dataclass
class ChangePlan:
    """What a valid change does to the spec at ``base``."""

    base: int
    changeset: ChangeSet
    concrete: ChangeSet
    """The edits with every shorthand expanded: what the revision records."""
    spec: ProjectSpec
    affected: Affected
    database: MigrationPlan
    """The change's database steps (none: the database is untouched)."""
    migrations: tuple[MigrationSlice, ...]
    """The chain of migrations of the new revision (the head's, plus this change's)."""
    graph: ModuleGraph
    """The new spec's module graph (``affected`` was computed against it; verification
    reads which tests it reaches from it)."""
    before: ProjectSpec
    """The spec at ``base`` (which tests the change reaches depends on what it was)."""


@dataclass(frozen=True)
class Proposal:
    """A request against revision ``base``: its plan, or why its edits do not apply."""

    request: Request
    base: int
    plan: ChangePlan | None
    problem: DiagnosticError | None = None

    def checked(self) -> ChangePlan:
        """The plan; the diagnostics (DiagnosticError) when the edits do not apply."""
        if self.plan is None:
            assert self.problem is not None
            raise self.problem
        return self.plan


def to_request(
    request: ChangeRequest,
    spec: ProjectSpec,
    *,
    text: str | None = None,
    chain: PlannerChain | None = None,
) -> Request:
    """The typed edits of ``request`` and how they came about; words are planned against
    ``spec`` (NotUnderstood when no planner understands them). ``text`` overrides the
    recorded request text."""
    _check_text(text, "the request text")
    match request:
        case str():
            _check_text(request, "the request")
            plan = (chain or default_chain()).plan(spec, request)
            return _checked(_planned(plan, text or request))
        case Plan():
            return _checked(_planned(request, text or ""))
        case ChangeSet():
            return _checked(Request(request, text or request.summary or ""))
        case Path():
            changeset = load_changeset(request)
            return _checked(
                Request(changeset, text or changeset.summary or f"edits from {request.name}")
            )


def _check_text(text: str | None, what: str) -> None:
    problem = storable_problem(text) if text else None
    if problem:
        raise DiagnosticError(
            [Diagnostic("$", "request.text", f"{what} cannot be recorded: {problem}",
                        ("text without NUL characters or lone surrogates",))],
            "the request cannot be recorded; nothing was changed",
        )


def _checked(request: Request) -> Request:
    """``request`` when it asks for something and its text can be recorded."""
    if not request.changeset.edits:
        raise DiagnosticError(
            [Diagnostic("$.edits", "change.empty", "the change has no edits",
                        ("one or more edits (see docs/changes.md)",))],
            "nothing to change; nothing was recorded",
        )
    _check_text(request.text, "the request text")
    _check_text(request.changeset.summary, "the summary ($.summary)")
    return request


def _planned(plan: Plan, text: str) -> Request:
    return Request(
        plan.changeset,
        text,
        planner=plan.planner,
        tokens=plan.tokens,
        tries=plan.tries,
        explanation=plan.explanation,
    )


def propose(
    base: int, spec: ProjectSpec, request: Request, chain: tuple[MigrationSlice, ...] = (),
    known: ModuleTable | None = None,
) -> Proposal:
    """Apply ``request``'s edits to ``spec``, revision ``base``'s whose migrations are
    ``chain`` (nothing is written). Edits no migration can make safely (a required field
    without default on an existing table, a type change without a safe cast) make the
    proposal a problem, like edits that do not apply. ``known``: revision ``base``'s
    module table, when one was kept (its modules are then not planned again)."""
    try:
        new = apply(spec, request.changeset)
        edits = expand(spec, request.changeset)
    except DiagnosticError as exc:
        return Proposal(request, base, None, exc)
    concrete = ChangeSet(edits=edits, summary=request.changeset.summary)
    database = with_catch_up(chain, plan_migration(spec, concrete))
    if database.diagnostics:
        problem = DiagnosticError(
            list(database.diagnostics), "the database cannot follow this change safely"
        )
        return Proposal(request, base, None, problem)
    title = request.text or request.changeset.summary or "a change"
    new_chain = next_chain(chain, base + 1, database, title)
    graph = ModuleGraph(new, migrations=new_chain)
    before = known if known is not None and known.agrees_with(graph) \
        else ModuleGraph(spec, migrations=chain)
    result = affected(before, graph)
    plan = ChangePlan(base, request.changeset, concrete, new, result, database, new_chain, graph,
                      spec)
    return Proposal(request, base, plan)
