"""The workspace use cases: build it (bring it to the head), check it (the recompile
ladder, recorded on the head when the workspace holds the head's files), and report
its status against the history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autobe_core.build import Manifest, modified_files, read_manifest, untracked_files
from autobe_core.errors import NotBuilt
from autobe_core.service.hooks import BuildProgress, Hooks
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.session import ProjectSession
from autobe_core.service.staging import sync_workspace
from autobe_core.verify import RUNGS, LadderProgress, LadderResult, RungName, run_ladder


@dataclass(frozen=True)
class Status:
    name: str
    head: int
    built: bool
    in_sync: bool
    """The workspace holds the head revision's files (hand edits aside)."""
    edited: list[str]
    untracked: list[str]
    verification: str
    store: str
    unrealized: int = 0
    """Operations of kind ``custom`` at the head: generated as 501 handlers, not yet
    implemented (e.g. an imported AutoBe operation with no standard equivalent)."""


def build(session: ProjectSession, progress: BuildProgress | None) -> int:
    """Make the workspace hold the head revision's files (a no-op when it does; the
    session holds the write lock); returns the number of modules in the workspace."""
    project = session.project()
    sync_workspace(session, project, Hooks(build=progress))
    manifest = read_manifest(session.layout.workspace)
    return len(manifest) if manifest else 0


def built_manifest(layout: ProjectLayout) -> Manifest:
    """The workspace's manifest; NotBuilt when nothing was generated there yet."""
    current = read_manifest(layout.workspace)
    if current is None:
        raise NotBuilt(
            f"nothing generated yet in {layout.workspace}",
            "run `autobe build` first",
        )
    return current


def ladder(
    layout: ProjectLayout,
    rungs: Sequence[RungName] | None,
    progress: LadderProgress | None,
) -> LadderResult:
    """Run the recompile ladder (``rungs``, default all) on the workspace."""
    return run_ladder(
        layout.workspace,
        rungs=list(rungs) if rungs else None,
        progress=progress,
        cache_dir=layout.mypy_cache,
    )


def is_full(rungs: Sequence[RungName] | None) -> bool:
    """Every rung runs: only such a result is recorded on a revision."""
    return rungs is None or len(rungs) == len(RUNGS)


def record_check(session: ProjectSession, checked: Manifest, result: LadderResult) -> None:
    """Record ``result`` on the head when the checked files are the head's, unedited
    (the session holds the write lock)."""
    project = session.project()
    workspace = session.layout.workspace
    if checked == session.manifest_at(project, project.head) and not modified_files(
        workspace, checked
    ):
        project.record_verification(project.head, ok=result.ok, rungs=result.to_dict()["rungs"])
        session.save(project)


def status(session: ProjectSession) -> Status:
    project = session.project()
    workspace = session.layout.workspace
    head = project.head_revision
    current = read_manifest(workspace)
    expected = session.manifest_at(project, project.head)
    verified = head.verification if head else None
    return Status(
        name=project.name,
        head=project.head,
        built=current is not None,
        in_sync=current == expected,
        edited=modified_files(workspace, current) if current else [],
        untracked=untracked_files(workspace, current) if current else [],
        verification=(
            "not verified" if verified is None else "passed" if verified.ok else "failed"
        ),
        store=session.storage.describe(),
        unrealized=sum(
            1 for op in session.spec_at(project, project.head).operations if op.kind == "custom"
        ) if project.head else 0,
    )
