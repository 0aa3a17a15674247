"""The application service: the one entry point the CLI (or any other client) calls.

It orchestrates the layers below (spec, graph, build, verify, history, store) and owns
the project's on-disk state. It holds no presentation logic: results are returned as
data and progress is reported through callbacks. The write use cases live in
:mod:`autobe_core.service.changes`, the read side in :mod:`autobe_core.service.queries`.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build.incremental import commit, discard, prepare
from autobe_core.build.manifest import modified_files, untracked_files
from autobe_core.build.workspace import read_manifest
from autobe_core.errors import NotBuilt, ProjectExists
from autobe_core.graph import ModuleGraph, affected, to_dot, to_json_text
from autobe_core.history import Revision
from autobe_core.planning.base import Plan, PlannerChain
from autobe_core.planning.chain import default_chain
from autobe_core.service import changes, queries
from autobe_core.service.changes import BuildProgress, ChangeOptions, ChangeOutcome, Hooks
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.session import ProjectSession
from autobe_core.spec import creation, ensure_valid, validate
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.io import dump_spec, load_spec
from autobe_core.spec.model import ProjectSpec
from autobe_core.verify import LadderProgress, LadderResult, RungName, run_ladder


@dataclass(frozen=True)
class InitResult:
    layout: ProjectLayout
    spec: ProjectSpec
    warnings: list[Diagnostic]
    revision: Revision
    modules: int


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


class ProjectService:
    """Operations on one project directory."""

    def __init__(self, layout: ProjectLayout) -> None:
        self.layout = layout

    # -- lifecycle

    @classmethod
    def init(
        cls,
        root: Path,
        spec_path: Path,
        *,
        author: str = "",
        store: str | None = None,
        progress: BuildProgress | None = None,
    ) -> InitResult:
        """Create a project whose revision 1 is the spec file, and build its workspace."""
        spec = load_spec(spec_path)
        return cls.create(root, spec, text=f"init from {spec_path.name}", planner="init",
                          author=author, store=store, progress=progress)

    @classmethod
    def create(
        cls,
        root: Path,
        spec: ProjectSpec,
        *,
        text: str,
        planner: str,
        author: str = "",
        store: str | None = None,
        progress: BuildProgress | None = None,
    ) -> InitResult:
        """Create a project whose revision 1 is ``spec`` (recorded as the change from the
        empty spec, with ``text`` and ``planner`` saying where it came from) and build
        its workspace. Nothing is written unless the spec is valid; a failure later
        removes what was created."""
        layout = ProjectLayout(root.resolve())
        if layout.exists():
            raise ProjectExists(
                f"{layout.root} already holds an autobe project",
                "choose another directory, or work in this one with `autobe -C DIR ...`",
            )
        spec = ensure_valid(spec)
        warnings = validate(spec)
        created_state = not layout.state.exists()
        created_workspace = not layout.workspace.exists()
        layout.state.mkdir(parents=True, exist_ok=True)
        try:
            layout.config_file.write_text(
                json.dumps({"store": store} if store else {}, indent=2) + "\n", "utf-8"
            )
            revision, modules = cls._record_creation(
                layout, spec, text, planner, author, progress
            )
        except BaseException:
            if created_state:
                shutil.rmtree(layout.state, ignore_errors=True)
            if created_workspace:
                shutil.rmtree(layout.workspace, ignore_errors=True)
            raise
        return InitResult(layout, spec, warnings, revision, modules)

    @staticmethod
    def _record_creation(
        layout: ProjectLayout,
        spec: ProjectSpec,
        text: str,
        planner: str,
        author: str,
        progress: BuildProgress | None,
    ) -> tuple[Revision, int]:
        with ProjectSession(layout, write=True) as session:
            project = session.storage.history.create(spec.name)
            staged = prepare(
                spec,
                layout.workspace,
                read_manifest(layout.workspace),
                lookup=session.lookup,
                lookup_key=session.lookup_key,
                progress=progress,
            )
            try:
                session.store_spec(spec)
                manifest_hash = session.store_build(staged)
                request_id = uuid.uuid4().hex
                initial = creation(spec)
                empty = ProjectSpec(name=spec.name)
                project.request_change(
                    request_id,
                    author=author,
                    text=text,
                    changeset=changes.recorded(initial),
                    planner=planner,
                )
                revision = project.apply_change(
                    request_id,
                    spec_hash=spec.spec_hash(),
                    manifest_hash=manifest_hash,
                    changeset=changes.recorded(initial),
                    delta=changes.delta_of(affected(empty, spec), staged),
                )
                session.save(project)
                commit(staged, layout.workspace)
            finally:
                if staged.state == "staged":
                    discard(staged)
            return revision, len(staged.manifest)

    @classmethod
    def open(cls, start: Path) -> ProjectService:
        return cls(ProjectLayout.find(start))

    # -- queries

    def spec(self, revision: str | int = "head") -> ProjectSpec:
        with ProjectSession(self.layout) as session:
            project = session.project()
            return session.spec_at(project, project.resolve(revision))

    def spec_text(self, fmt: str = "yaml", revision: str | int = "head") -> str:
        return dump_spec(self.spec(revision), fmt)

    def graph(self, revision: str | int = "head") -> ModuleGraph:
        return ModuleGraph(self.spec(revision))

    def graph_text(self, fmt: str = "dot", revision: str | int = "head") -> str:
        graph = self.graph(revision)
        return to_dot(graph) if fmt == "dot" else to_json_text(graph)

    def status(self) -> Status:
        with ProjectSession(self.layout) as session:
            project = session.project()
            head = project.head_revision
            current = read_manifest(self.layout.workspace)
            expected = session.manifest_at(project, project.head)
            verified = head.verification if head else None
            return Status(
                name=project.name,
                head=project.head,
                built=current is not None,
                in_sync=current == expected,
                edited=modified_files(self.layout.workspace, current) if current else [],
                untracked=untracked_files(self.layout.workspace, current) if current else [],
                verification=(
                    "not verified" if verified is None else "passed" if verified.ok else "failed"
                ),
                store=session.storage.config.redacted(),
                unrealized=sum(
                    1
                    for op in session.spec_at(project, project.head).operations
                    if op.kind == "custom"
                ) if project.head else 0,
            )

    def log(self) -> list[queries.LogEntry]:
        return queries.log(self.layout)

    # -- commands

    def build(self, progress: BuildProgress | None = None) -> int:
        """Make the workspace hold the head revision's files (a no-op when it does);
        returns the number of modules in the workspace."""
        with ProjectSession(self.layout, write=True) as session:
            project = session.project()
            changes.sync_workspace(session, project, Hooks(build=progress))
            manifest = read_manifest(self.layout.workspace)
            return len(manifest) if manifest else 0

    def check(
        self,
        rungs: Sequence[RungName] | None = None,
        progress: LadderProgress | None = None,
    ) -> LadderResult:
        """Run the recompile ladder on the workspace; when the workspace holds the head's
        files, the result is recorded on the head revision."""
        current = read_manifest(self.layout.workspace)
        if current is None:
            raise NotBuilt(
                f"nothing generated yet in {self.layout.workspace}",
                "run `autobe build` first",
            )
        result = run_ladder(
            self.layout.workspace,
            rungs=list(rungs) if rungs else None,
            progress=progress,
            cache_dir=self.layout.mypy_cache,
        )
        if rungs is None or len(rungs) == 4:
            with ProjectSession(self.layout, write=True) as session:
                project = session.project()
                if current == session.manifest_at(project, project.head) and not modified_files(
                    self.layout.workspace, current
                ):
                    project.record_verification(
                        project.head, ok=result.ok, rungs=result.to_dict()["rungs"]
                    )
                    session.save(project)
        return result

    def plan(self, text: str, chain: PlannerChain | None = None) -> Plan:
        """Turn a natural-language request into a plan against the head spec (nothing is
        written); NotUnderstood when no planner of the chain understands it."""
        return (chain or default_chain()).plan(self.spec(), text)

    def change(
        self,
        changeset: ChangeSet,
        options: ChangeOptions,
        *,
        dry_run: bool = False,
        hooks: Hooks | None = None,
    ) -> ChangeOutcome:
        return changes.change(self.layout, changeset, options, dry_run=dry_run, hooks=hooks)

    def rollback(
        self, target: str | int, options: ChangeOptions, hooks: Hooks | None = None
    ) -> ChangeOutcome:
        return changes.rollback(self.layout, target, options, hooks)

    def tag(self, name: str, revision: str | int = "head") -> int:
        with ProjectSession(self.layout, write=True) as session:
            project = session.project()
            number = project.resolve(revision)
            project.tag(name, number)
            session.save(project)
            return number
