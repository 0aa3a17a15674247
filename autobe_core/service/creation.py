"""Creating a project: revision 1 from a spec (``init``) or from an AutoBe project
(``import``), built.

Revision 1 is recorded as the change from the empty spec (its edits turn the empty spec
into the given one), with a text and a planner saying where it came from: ``init`` and
the spec file, or ``import`` and the AutoBe source. Nothing is written unless the spec is
valid; a failure later removes what was created.

An import maps the AutoBe ASTs onto a spec (:mod:`autobe_core.importer`), then records it
like ``init``; the import report is saved in the project's state directory
(``.autobe/import-report.json`` and ``.txt``). Malformed input raises
:class:`DiagnosticError` before anything is written.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build import commit, discard, prepare, read_manifest
from autobe_core.errors import ProjectExists
from autobe_core.graph import affected
from autobe_core.history import Revision
from autobe_core.importer import ImportReport, import_autobe
from autobe_core.service.hooks import BuildProgress
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.session import ProjectSession
from autobe_core.service.staging import delta_of, recorded
from autobe_core.service.storage import StorageFactory
from autobe_core.spec import creation, ensure_valid, validate
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.model import ProjectSpec

REPORT_STEM = "import-report"


@dataclass(frozen=True)
class InitResult:
    layout: ProjectLayout
    spec: ProjectSpec
    warnings: list[Diagnostic]
    revision: Revision
    modules: int


@dataclass(frozen=True)
class ImportOutcome:
    result: InitResult
    report: ImportReport
    report_json: Path
    report_text: Path


def create(
    layout: ProjectLayout,
    spec: ProjectSpec,
    storages: StorageFactory,
    *,
    text: str,
    planner: str,
    author: str = "",
    store: str | None = None,
    progress: BuildProgress | None = None,
) -> InitResult:
    """Create the project at ``layout`` whose revision 1 is ``spec`` and build its
    workspace; ``store`` is the storage URL written to the project's config."""
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
        with ProjectSession(layout, storages, write=True) as session:
            revision, modules = _record(session, spec, text, planner, author, progress)
    except BaseException:
        storages.discard(layout)
        if created_state:
            shutil.rmtree(layout.state, ignore_errors=True)
        if created_workspace:
            shutil.rmtree(layout.workspace, ignore_errors=True)
        raise
    return InitResult(layout, spec, warnings, revision, modules)


def _record(
    session: ProjectSession,
    spec: ProjectSpec,
    text: str,
    planner: str,
    author: str,
    progress: BuildProgress | None,
) -> tuple[Revision, int]:
    workspace = session.layout.workspace
    project = session.storage.history.create(spec.name)
    staged = prepare(
        spec,
        workspace,
        read_manifest(workspace),
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
            changeset=recorded(initial),
            planner=planner,
        )
        revision = project.apply_change(
            request_id,
            spec_hash=spec.spec_hash(),
            manifest_hash=manifest_hash,
            changeset=recorded(initial),
            delta=delta_of(affected(empty, spec), staged),
        )
        session.save(project)
        commit(staged, workspace)
    finally:
        if staged.state == "staged":
            discard(staged)
    return revision, len(staged.manifest)


def import_project(
    paths: Sequence[Path],
    to: Path | None,
    storages: StorageFactory,
    *,
    name: str | None = None,
    author: str = "",
    store: str | None = None,
    progress: BuildProgress | None = None,
) -> ImportOutcome:
    """Import the AutoBe project at ``paths`` (a folder, or its prisma.json and
    document.json) into ``to`` (default: ``./<project name>``)."""
    imported = import_autobe(paths, name)
    root = to if to is not None else Path.cwd() / imported.spec.name
    result = create(
        ProjectLayout(root.resolve()),
        imported.spec,
        storages,
        text=f"import {imported.report.source}",
        planner="import",
        author=author,
        store=store,
        progress=progress,
    )
    report_json = result.layout.state / f"{REPORT_STEM}.json"
    report_text = result.layout.state / f"{REPORT_STEM}.txt"
    report_json.write_text(imported.report.to_json(), encoding="utf-8")
    report_text.write_text(imported.report.to_text(), encoding="utf-8")
    return ImportOutcome(result, imported.report, report_json, report_text)
