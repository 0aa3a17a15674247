"""The write use cases: record a proposed change, roll back.

Every one follows the same order, which is what makes them atomic:

1. take the project's write lock, load the head, repair the workspace if a crash left it
   behind the head;
2. take the new spec (a proposal's, or revision k's) and stage the complete new workspace
   beside the old one (incremental: only modules whose key changed are generated);
3. stop on hand-edited files the change would overwrite, unless told to keep or force;
4. verify the staged tree (mypy --strict on everything, the tests the change reaches);
   a failure is recorded as a rejected change and the staged tree is thrown away;
5. store the new blobs, then save the events: **the commit point**;
6. swap the staged tree into place.

A process killed before step 5 leaves the previous head and an untouched workspace
(leftover staging is removed on the next run); killed between 5 and 6, the next command
finds the workspace one revision behind and rolls it forward from the blobs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from autobe_core.build import Staged, commit, discard
from autobe_core.errors import AutobeError
from autobe_core.graph import ModuleGraph, affected
from autobe_core.history import HistoryConflict, Project, Revision
from autobe_core.service.hooks import Hooks
from autobe_core.service.proposals import ChangePlan, Proposal, Request
from autobe_core.service.session import ProjectSession
from autobe_core.service.staging import delta_of, recorded, stage, sync_workspace
from autobe_core.service.test_scope import tests_reached
from autobe_core.verify import LadderResult, run_ladder


class HeadMoved(AutobeError):
    """Another change landed after this one was proposed; nothing was changed."""


@dataclass(frozen=True)
class ChangeOptions:
    """How to apply a change (or a rollback): who asks, what to do with hand-edited
    files, how much to verify."""

    author: str = ""
    keep_mine: bool = False
    force: bool = False
    verify: bool = True
    all_tests: bool = False


@dataclass
class ChangeOutcome:
    plan: ChangePlan | None
    revision: Revision | None = None
    """The new head; None for a rejection."""
    staged_counts: dict[str, int] = field(default_factory=dict)
    regenerated: list[str] = field(default_factory=list)
    verification: LadderResult | None = None
    rejected: bool = False
    kept: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)


def apply_proposal(
    session: ProjectSession, proposal: Proposal, options: ChangeOptions, hooks: Hooks
) -> ChangeOutcome:
    """Record ``proposal`` as the next revision (the session holds the write lock): a
    proposal whose edits do not apply, or whose tree fails verification, is recorded as
    rejected. The head must still be the proposal's base (:class:`HeadMoved`)."""
    project = session.project()
    if project.head != proposal.base:
        raise HeadMoved(
            f"conflict: revision {project.head} landed after this change was proposed "
            f"against revision {proposal.base}; nothing was changed",
            "run the command again to propose it against the new head",
        )
    request_id = uuid.uuid4().hex
    if proposal.plan is None:
        assert proposal.problem is not None
        diagnostics = [d.to_dict() for d in proposal.problem.diagnostics]
        _reject(session, project, request_id, proposal.request, options, "apply", diagnostics)
        raise proposal.problem
    plan = proposal.plan
    layout = session.layout
    sync_workspace(session, project, hooks)
    hooks.at("planned")
    staged, kept, saved = stage(
        session, plan.spec, hooks, f"r{project.head + 1}",
        keep_mine=options.keep_mine, force=options.force,
    )
    try:
        verification = None
        if options.verify:
            targets = (
                [] if options.all_tests else tests_reached(ModuleGraph(plan.spec), plan.affected)
            )
            hooks.at("verifying")
            verification = run_ladder(
                staged.path, cache_dir=layout.mypy_cache, progress=hooks.ladder,
                test_targets=targets,
            )
            if not verification.ok:
                diagnostics = [d.to_dict() for d in verification.diagnostics()]
                _reject(
                    session, project, request_id, proposal.request, options, "verify", diagnostics
                )
                return ChangeOutcome(
                    plan, verification=verification, rejected=True, staged_counts=staged.counts
                )
        hooks.at("storing")
        session.store_spec(plan.spec)
        manifest_hash = session.store_build(staged)
        _request(project, request_id, proposal.request, options)
        revision = project.apply_change(
            request_id,
            spec_hash=plan.spec.spec_hash(),
            manifest_hash=manifest_hash,
            changeset=recorded(plan.concrete),
            delta=delta_of(plan.affected, staged),
        )
        if verification is not None:
            project.record_verification(
                revision.number, ok=verification.ok, rungs=verification.to_dict()["rungs"]
            )
        _save(session, project)
        hooks.at("committing")
        with session.after_commit(revision.number):
            commit(staged, layout.workspace)
    finally:
        if staged.state == "staged":
            discard(staged)
    return _landed(plan, project, revision, staged, verification, kept, saved)


def rollback(
    session: ProjectSession, target: str | int, options: ChangeOptions, hooks: Hooks
) -> ChangeOutcome:
    """A new revision whose spec and files equal revision ``target``'s (the session holds
    the write lock)."""
    project = session.project()
    number = project.resolve(target)
    if number == project.head:
        raise AutobeError(f"revision {number} is already the head; nothing to roll back")
    spec = session.spec_at(project, number)
    expected = session.manifest_at(project, number)
    sync_workspace(session, project, hooks)
    before = session.spec_at(project, project.head)
    staged, kept, saved = stage(
        session, spec, hooks, f"rollback-r{number}",
        keep_mine=options.keep_mine, force=options.force,
    )
    try:
        if staged.manifest != expected:
            raise AutobeError(
                f"rebuilding revision {number} did not reproduce its files "
                f"({len(staged.manifest.diff(expected).changed)} differ)",
                "the generators changed since that revision; use `autobe change` instead",
            )
        verification = None
        if options.verify:
            verification = run_ladder(
                staged.path, cache_dir=session.layout.mypy_cache, progress=hooks.ladder
            )
            if not verification.ok:
                raise AutobeError(
                    f"revision {number} no longer passes check; rollback "
                    "abandoned, nothing changed"
                )
        manifest_hash = session.store_build(staged)
        revision = project.roll_back(
            number,
            manifest_hash=manifest_hash,
            spec_hash=spec.spec_hash(),
            delta=delta_of(affected(before, spec), staged),
            author=options.author,
        )
        if verification is not None:
            project.record_verification(
                revision.number, ok=True, rungs=verification.to_dict()["rungs"]
            )
        _save(session, project)
        with session.after_commit(revision.number):
            commit(staged, session.layout.workspace)
    finally:
        if staged.state == "staged":
            discard(staged)
    return _landed(None, project, revision, staged, verification, kept, saved)


def _landed(
    plan: ChangePlan | None,
    project: Project,
    revision: Revision,
    staged: Staged,
    verification: LadderResult | None,
    kept: list[str],
    saved: list[str],
) -> ChangeOutcome:
    return ChangeOutcome(
        plan,
        project.revision(revision.number),
        staged.counts,
        [e.module_id for e in staged.regenerated],
        verification,
        kept=kept,
        saved=saved,
    )


def _request(project: Project, request_id: str, request: Request, options: ChangeOptions) -> None:
    project.request_change(
        request_id,
        author=options.author,
        text=request.text,
        changeset=recorded(request.changeset),
        planner=request.planner,
        tokens=request.tokens,
        tries=request.tries,
    )


def _reject(
    session: ProjectSession,
    project: Project,
    request_id: str,
    request: Request,
    options: ChangeOptions,
    stage_name: str,
    diagnostics: list[dict[str, Any]],
) -> None:
    _request(project, request_id, request, options)
    project.reject_change(request_id, stage=stage_name, diagnostics=diagnostics)
    _save(session, project)


def _save(session: ProjectSession, project: Project) -> None:
    try:
        session.save(project)
    except HistoryConflict as exc:
        raise AutobeError(
            f"conflict: {exc.message}",
            "another process recorded a change first; nothing of yours was recorded, "
            "run the command again",
        ) from None
