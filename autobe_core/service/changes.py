"""The write use cases: record a proposed change, roll back.

Every one follows the same order, which is what makes them atomic:

1. take the project's write lock, load the head, repair the workspace if a crash left it
   behind the head;
2. take the new spec (a proposal's, or revision k's) and stage the complete new workspace
   beside the old one (incremental: only modules whose key changed are generated);
3. stop on hand-edited files the change would overwrite, unless told to keep or force;
4. verify the staged tree (mypy --strict on everything, the tests the change reaches);
   a failure is recorded as a rejected change and the staged tree is thrown away (with
   ``--keep-mine``, a failure only in the user's implementations is applied anyway:
   :mod:`~autobe_core.service.implementations`);
5. store the new blobs, then save the events: **the commit point**;
6. swap the staged tree into place (with ``--force``, the user's versions of what it
   writes over are saved under ``.autobe/saved/`` just before step 5).

A process killed before step 5 leaves the previous head and an untouched workspace
(leftover staging is removed on the next run); killed between 5 and 6, the next command
finds the workspace one revision behind and rolls it forward from the blobs. After
step 5 nothing reports a failure for the recorded revision: a workspace that changed
meanwhile (an editor's swap file) is rolled forward around what appeared
(:func:`~autobe_core.service.staging.swap_in`); only a workspace that cannot be written
at all says so, naming the recorded revision.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from autobe_core.build import Staged, discard, user_content
from autobe_core.errors import AutobeError
from autobe_core.generate import next_chain
from autobe_core.graph import ModuleGraph, affected
from autobe_core.history import HistoryConflict, Project, Revision
from autobe_core.service import module_tables
from autobe_core.service.hooks import Hooks
from autobe_core.service.implementations import (
    kept_note,
    refused_notes,
    users_files_failing,
)
from autobe_core.service.migrations import (
    EDITS,
    chain_at,
    delta_entries,
    plan_rollback,
    without_migrations,
)
from autobe_core.service.proposals import ChangePlan, Proposal, Request
from autobe_core.service.session import ProjectSession
from autobe_core.service.staging import (
    Synced,
    delta_of,
    recorded,
    save_forced,
    stage,
    swap_in,
    sync_workspace,
)
from autobe_core.service.test_scope import tests_reached
from autobe_core.service.workspace import remember_check
from autobe_core.verify import WARM_DIR, LadderResult, RungDiagnostic, run_ladder


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
    notes: list[str] = field(default_factory=list)
    """What happened to the workspace besides the change (a roll-forward first, files
    that appeared while it ran, leftovers of an interrupted command removed)."""


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
    synced = sync_workspace(
        session, project, hooks, keep_mine=options.keep_mine, force=options.force
    )
    hooks.at("planned")
    staging = stage(
        session, plan.spec, hooks, migrations=plan.migrations, keep_mine=options.keep_mine,
        force=options.force,
    )
    staged, checked = staging.staged, None
    broken: list[RungDiagnostic] = []
    try:
        verification = None
        if options.verify:
            targets = [] if options.all_tests else \
                tests_reached(plan.graph, plan.affected, plan.before)
            hooks.at("verifying")
            verification = run_ladder(
                staged.path, cache_dir=layout.mypy_cache, progress=hooks.ladder,
                test_targets=targets, warm=layout.state / WARM_DIR,
            )
            broken = users_files_failing(verification) if options.keep_mine else []
            if broken:  # --keep-mine: the user's files left out of mypy, the rest checked
                verification = run_ladder(
                    staged.path, cache_dir=layout.mypy_cache, progress=hooks.ladder,
                    test_targets=targets, mypy_exclude=sorted({d.file or "" for d in broken}),
                    warm=layout.state / WARM_DIR,
                )
            if not verification.ok:
                diagnostics = [d.to_dict() for d in verification.diagnostics()]
                _reject(
                    session, project, request_id, proposal.request, options, "verify", diagnostics
                )
                return ChangeOutcome(
                    plan, verification=verification, rejected=True,
                    staged_counts=staged.counts,
                    notes=_notes(synced, before=True) + refused_notes(verification),
                )
            checked = user_content(staged.path, staged.manifest)
        saved = save_forced(session, staging.to_save, f"r{project.head + 1}")
        hooks.at("storing")
        session.store_spec(plan.spec)
        manifest_hash = session.store_build(staged)
        _request(project, request_id, proposal.request, options)
        revision = project.apply_change(
            request_id,
            spec_hash=plan.spec.spec_hash(),
            manifest_hash=manifest_hash,
            changeset=recorded(plan.concrete),
            delta=delta_of(plan.affected, staged)
            | delta_entries(plan.migrations, project.head + 1),
        )
        if verification is not None:
            project.record_verification(
                revision.number, ok=verification.ok, rungs=verification.to_dict()["rungs"]
            )
        _save(session, project)  # the commit point
        hooks.at("committing")
        with session.after_commit(revision.number):
            after = swap_in(session, project, staging, hooks, force=options.force)
    finally:
        discard(staged)
    module_tables.remember(layout, plan.graph)  # the next change's base
    if verification is not None and checked is not None:
        remember_check(layout, revision.number, verification.ok and not broken, checked)
    outcome = _landed(plan, project, revision, staged, verification, synced, staging.kept,
                      saved, after)
    if broken:
        outcome.notes.append(kept_note(broken))
    return outcome


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
    synced = sync_workspace(
        session, project, hooks, keep_mine=options.keep_mine, force=options.force
    )
    hooks.at("planned")
    before = session.spec_at(project, project.head)
    edits, database = plan_rollback(session, project, number)
    head_chain = chain_at(project, project.head)
    new_chain = next_chain(head_chain, project.head + 1, database,
                           f"roll back to revision {number}")
    staging = stage(session, spec, hooks, migrations=new_chain, keep_mine=options.keep_mine,
                    force=options.force)
    staged, checked = staging.staged, None
    try:
        differ = without_migrations(staged.manifest).diff(without_migrations(expected))
        if differ.changed or differ.added or differ.removed:
            raise AutobeError(
                f"rebuilding revision {number} did not reproduce its files "
                f"({len(differ.changed) + len(differ.added) + len(differ.removed)} differ)",
                "the generators changed since that revision; use `autobe change` instead",
            )
        verification = None
        if options.verify:
            hooks.at("verifying")
            verification = run_ladder(
                staged.path, cache_dir=session.layout.mypy_cache, progress=hooks.ladder,
                warm=session.layout.state / WARM_DIR,
            )
            if not verification.ok:
                raise AutobeError(
                    f"revision {number} no longer passes check; rollback "
                    "abandoned, nothing changed"
                )
            checked = user_content(staged.path, staged.manifest)
        saved = save_forced(session, staging.to_save, f"rollback-r{number}")
        hooks.at("storing")
        manifest_hash = session.store_build(staged)
        revision = project.roll_back(
            number,
            manifest_hash=manifest_hash,
            spec_hash=spec.spec_hash(),
            delta=delta_of(
                affected(ModuleGraph(before, migrations=head_chain),
                         ModuleGraph(spec, migrations=new_chain)),
                staged,
            )
            | {EDITS: recorded(edits)}
            | delta_entries(new_chain, project.head + 1),
            author=options.author,
        )
        if verification is not None:
            project.record_verification(
                revision.number, ok=True, rungs=verification.to_dict()["rungs"]
            )
        _save(session, project)  # the commit point
        hooks.at("committing")
        with session.after_commit(revision.number):
            after = swap_in(session, project, staging, hooks, force=options.force)
    finally:
        discard(staged)
    if verification is not None and checked is not None:
        remember_check(session.layout, revision.number, verification.ok, checked)
    return _landed(None, project, revision, staged, verification, synced, staging.kept, saved,
                   after)


def _landed(
    plan: ChangePlan | None,
    project: Project,
    revision: Revision,
    staged: Staged,
    verification: LadderResult | None,
    synced: Synced,
    kept: list[str],
    saved: list[str],
    after: Synced | None,
) -> ChangeOutcome:
    """The outcome of a recorded revision: what the change kept and saved, and what
    bringing the workspace to the head before and after it did."""
    notes = _notes(synced, before=True)
    if after is not None:
        notes.append(
            f"the workspace changed while the change ran; revision {revision.number}'s "
            "files were written around what appeared there (your files are kept)"
        )
        notes.extend(_notes(after, before=False))
    extra = after or Synced()
    return ChangeOutcome(
        plan,
        project.revision(revision.number),
        staged.counts,
        [e.module_id for e in staged.regenerated],
        verification,
        kept=sorted({*synced.kept, *kept, *extra.kept}),
        saved=sorted({*synced.saved, *saved, *extra.saved}),
        notes=notes,
    )


def _notes(synced: Synced, *, before: bool) -> list[str]:
    """What bringing the workspace to the head did, in words (kept and saved files are
    listed on their own)."""
    notes = []
    if synced.cleaned:
        notes.append(
            "removed what an interrupted command had left: " + ", ".join(synced.cleaned)
        )
    if before and synced.wrote:
        notes.append(f"the workspace was first brought to revision {synced.revision}")
    if synced.restored:
        notes.append("deleted generated files written again: " + ", ".join(synced.restored))
    return notes


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
