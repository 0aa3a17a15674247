"""The write use cases: record a change, roll back, make the workspace match the head.

Every one follows the same order, which is what makes them atomic:

1. take the project's write lock, load the head, repair the workspace if a crash left it
   behind the head;
2. compute the new spec (apply a ChangeSet, or take revision k's) and stage the complete
   new workspace beside the old one (incremental: only modules whose key changed are
   generated);
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

import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autobe_core.build.edits import save_copies
from autobe_core.build.incremental import Staged, commit, discard, prepare
from autobe_core.build.workspace import read_manifest, recover
from autobe_core.errors import AutobeError
from autobe_core.graph import Affected, ModuleGraph, affected
from autobe_core.history import HistoryConflict, Project, Revision
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.session import ProjectSession
from autobe_core.service.test_scope import tests_reached
from autobe_core.spec import apply, expand
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.diagnostics import DiagnosticError
from autobe_core.spec.model import ProjectSpec
from autobe_core.verify import LadderProgress, LadderResult, run_ladder

BuildProgress = Callable[[int, int, str], None]

PAUSE_ENV = "AUTOBE_TEST_PAUSE_AT"
"""Test seam for crash and concurrency tests: ``<step>[:seconds]`` makes the process say
``autobe: paused at <step>`` on stderr and sleep there (default 60 s), so a test can kill
it at a known step (planned, verifying, storing, committing)."""


class UserEditsConflict(AutobeError):
    """Hand-edited files would be overwritten; nothing was changed."""

    def __init__(self, paths: list[str]) -> None:
        listing = "\n".join(f"    {p}" for p in paths)
        super().__init__(
            f"the change would overwrite {len(paths)} file(s) you edited by hand:\n{listing}\n"
            "  nothing was changed",
            "--keep-mine keeps your versions (the change applies around them); "
            "--force takes the generated versions and saves yours under .autobe/saved/",
        )
        self.paths = paths


@dataclass(frozen=True)
class ChangeOptions:
    author: str = ""
    text: str = ""
    planner: str = "edits"
    tokens: int = 0
    tries: int = 1
    keep_mine: bool = False
    force: bool = False
    verify: bool = True
    all_tests: bool = False


@dataclass
class ChangePlan:
    """What a change would do, computed without writing anything (``--dry-run``)."""

    base: int
    changeset: ChangeSet
    concrete: ChangeSet
    spec: ProjectSpec
    affected: Affected


@dataclass
class ChangeOutcome:
    plan: ChangePlan | None
    revision: Revision | None = None
    """The new head; None for a dry run or a rejection."""
    staged_counts: dict[str, int] = field(default_factory=dict)
    regenerated: list[str] = field(default_factory=list)
    verification: LadderResult | None = None
    rejected: bool = False
    kept: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)


@dataclass
class Hooks:
    """Progress callbacks (and a test seam to stop at a given step)."""

    build: BuildProgress | None = None
    ladder: LadderProgress | None = None
    step: Callable[[str], None] | None = None

    def at(self, name: str) -> None:
        if self.step:
            self.step(name)
        _pause_for_tests(name)


def _pause_for_tests(step: str) -> None:
    wanted, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
    if wanted == step:
        sys.stderr.write(f"autobe: paused at {step}\n")
        sys.stderr.flush()
        time.sleep(float(seconds or 60))


def plan_change(session: ProjectSession, project: Project, changeset: ChangeSet) -> ChangePlan:
    old = session.spec_at(project, project.head)
    new = apply(old, changeset)
    concrete = ChangeSet(edits=expand(old, changeset), summary=changeset.summary)
    return ChangePlan(project.head, changeset, concrete, new, affected(old, new))


def change(
    layout: ProjectLayout,
    changeset: ChangeSet,
    options: ChangeOptions,
    *,
    dry_run: bool = False,
    hooks: Hooks | None = None,
) -> ChangeOutcome:
    hooks = hooks or Hooks()
    with ProjectSession(layout, write=not dry_run) as session:
        project = session.project()
        if dry_run:
            return ChangeOutcome(plan_change(session, project, changeset))
        request_id = uuid.uuid4().hex
        try:
            plan = plan_change(session, project, changeset)
        except DiagnosticError as exc:
            _reject(
                session,
                project,
                request_id,
                changeset,
                options,
                "apply",
                [d.to_dict() for d in exc.diagnostics],
            )
            raise
        sync_workspace(session, project, hooks)
        hooks.at("planned")
        staged, kept, saved = _stage(session, plan.spec, options, hooks, f"r{project.head + 1}")
        try:
            verification = None
            if options.verify:
                targets = (
                    []
                    if options.all_tests
                    else tests_reached(ModuleGraph(plan.spec), plan.affected)
                )
                hooks.at("verifying")
                verification = run_ladder(
                    staged.path,
                    cache_dir=layout.mypy_cache,
                    progress=hooks.ladder,
                    test_targets=targets,
                )
                if not verification.ok:
                    _reject(
                        session,
                        project,
                        request_id,
                        changeset,
                        options,
                        "verify",
                        [d.to_dict() for d in verification.diagnostics()],
                    )
                    return ChangeOutcome(
                        plan, verification=verification, rejected=True, staged_counts=staged.counts
                    )
            hooks.at("storing")
            session.store_spec(plan.spec)
            manifest_hash = session.store_build(staged)
            project.request_change(
                request_id,
                author=options.author,
                text=options.text,
                changeset=recorded(changeset),
                planner=options.planner,
                tokens=options.tokens,
                tries=options.tries,
            )
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
            commit(staged, layout.workspace)
        finally:
            if staged.state == "staged":
                discard(staged)
        return _landed(plan, project, revision, staged, verification, kept, saved)


def rollback(
    layout: ProjectLayout, target: str | int, options: ChangeOptions, hooks: Hooks | None = None
) -> ChangeOutcome:
    """A new revision whose spec and files equal revision ``target``'s."""
    hooks = hooks or Hooks()
    with ProjectSession(layout, write=True) as session:
        project = session.project()
        number = project.resolve(target)
        if number == project.head:
            raise AutobeError(f"revision {number} is already the head; nothing to roll back")
        spec = session.spec_at(project, number)
        expected = session.manifest_at(project, number)
        sync_workspace(session, project, hooks)
        before = session.spec_at(project, project.head)
        staged, kept, saved = _stage(session, spec, options, hooks, f"rollback-r{number}")
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
                    staged.path, cache_dir=layout.mypy_cache, progress=hooks.ladder
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
            commit(staged, layout.workspace)
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


def sync_workspace(session: ProjectSession, project: Project, hooks: Hooks | None = None) -> None:
    """Make the workspace match the head: finish or undo a swap a crash interrupted, and
    roll a workspace that is one revision behind (killed after the commit point) forward,
    keeping any hand edits."""
    workspace = session.layout.workspace
    recover(workspace)
    current = read_manifest(workspace)
    if project.head == 0:
        return
    head_manifest = session.manifest_at(project, project.head)
    if current is not None and current == head_manifest:
        return
    spec = session.spec_at(project, project.head)
    staged = prepare(
        spec,
        workspace,
        current,
        lookup=session.lookup,
        lookup_key=session.lookup_key,
        keep=_edited(workspace, current),
        progress=hooks.build if hooks else None,
    )
    try:
        commit(staged, workspace)
    finally:
        if staged.state == "staged":
            discard(staged)


def _edited(workspace: Any, manifest: Any) -> list[str]:
    from autobe_core.build.manifest import modified_files

    if manifest is None:
        return []
    return [p for p in modified_files(workspace, manifest) if (workspace / p).exists()]


def _stage(
    session: ProjectSession, spec: ProjectSpec, options: ChangeOptions, hooks: Hooks, label: str
) -> tuple[Staged, list[str], list[str]]:
    """Stage ``spec``'s tree; handle hand-edited files per the options."""
    workspace = session.layout.workspace
    current = read_manifest(workspace)

    def stage(keep: list[str]) -> Staged:
        return prepare(
            spec,
            workspace,
            current,
            lookup=session.lookup,
            lookup_key=session.lookup_key,
            keep=keep,
            progress=hooks.build,
        )

    staged = stage([])
    conflicts = list(staged.conflicts)
    if not conflicts:
        return staged, [], []
    if options.keep_mine:
        discard(staged)
        return stage(conflicts), conflicts, []
    if options.force:
        dest = session.layout.saved_dir / label
        return staged, [], save_copies(workspace, conflicts, dest)
    discard(staged)
    raise UserEditsConflict(conflicts)


def recorded(changeset: ChangeSet) -> dict[str, Any]:
    """A changeset as events carry it: camelCase, unset optional attributes left out
    (parsing it back gives the same ChangeSet)."""
    return changeset.model_dump(mode="json", by_alias=True, exclude_none=True)


def delta_of(result: Affected, staged: Staged) -> dict[str, Any]:
    """The manifest delta an applied revision records: hashes, keys and reason paths for
    every module added, changed or removed; ``regenerated`` names the modules whose
    generator ran; modules whose text was reused are counted (their hashes are in the
    manifest the revision points to)."""
    new = {e.module_id: e for e in staged.manifest}
    old = {e.module_id: e for e in staged.head}

    def entry(change: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": change.id,
            "path": change.path,
            "key": change.new_key,
            "reasons": [list(r.path) for r in change.reasons],
        }
        if change.id in new:
            data["sha256"] = new[change.id].sha256
        if change.id in old:
            data["oldSha256"] = old[change.id].sha256
        return data

    return {
        "added": [entry(c) for c in result.added],
        "changed": [entry(c) for c in result.changed],
        "removed": [entry(c) for c in result.removed],
        "reused": len(staged.reused),
        "regenerated": [e.module_id for e in staged.regenerated],
        "elements": dict(result.elements),
    }


def _reject(
    session: ProjectSession,
    project: Project,
    request_id: str,
    changeset: ChangeSet,
    options: ChangeOptions,
    stage: str,
    diagnostics: list[dict[str, Any]],
) -> None:
    project.request_change(
        request_id,
        author=options.author,
        text=options.text,
        changeset=recorded(changeset),
        planner=options.planner,
        tokens=options.tokens,
        tries=options.tries,
    )
    project.reject_change(request_id, stage=stage, diagnostics=diagnostics)
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
