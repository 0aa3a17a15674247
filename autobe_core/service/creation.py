"""Creating a project: revision 1 from a spec (``init``) or from an AutoBe project
(``import``), built.

Revision 1 is recorded as the change from the empty spec (its edits turn the empty spec
into the given one), with a text and a planner saying where it came from: ``init`` and
the spec file, or ``import`` and the AutoBe source.

What makes it safe:

- nothing is written unless the spec is valid, and nothing at all when ``backend/``
  already holds files of the user's at paths the build generates
  (:class:`WorkspaceOccupied` lists them);
- the project's first event and revision 1 are stored in one save, **the commit point**:
  a store holds a project only once revision 1 is recorded. An ``init`` killed before it
  leaves a directory whose store holds no revision; ``status`` says so
  (:class:`~autobe_core.service.session.ProjectIncomplete`) and ``init`` again takes
  the directory over (``InitResult.replaced_incomplete``). A failure before it removes
  what was created;
- the workspace is swapped in after the commit point; a failure there says that
  revision 1 is recorded and that ``autobe build`` writes it.

An import maps the AutoBe ASTs onto a spec (:mod:`autobe_core.importer`), then records it
like ``init``; the import report is saved in the project's state directory
(``.autobe/import-report.json`` and ``.txt``). Malformed input raises
:class:`DiagnosticError` before anything is written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build import Staged, commit, discard, prepare, read_manifest
from autobe_core.errors import AutobeError, ProjectExists
from autobe_core.generate import MigrationSlice, initial_chain
from autobe_core.graph import ModuleGraph, affected
from autobe_core.history import ProjectAlreadyCreated, Revision
from autobe_core.importer import ImportReport, import_autobe
from autobe_core.service import module_tables
from autobe_core.service.hooks import BuildProgress, Hooks
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.migrations import delta_entries
from autobe_core.service.session import ProjectIncomplete, ProjectSession
from autobe_core.service.staging import delta_of, recorded
from autobe_core.service.storage import StorageFactory
from autobe_core.spec import creation, ensure_valid, validate
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.model import ProjectSpec
from autobe_core.store import DiskFull, is_disk_full

REPORT_STEM = "import-report"
LISTED = 20
"""Conflicting files named in a refusal (the rest are counted)."""


class WorkspaceOccupied(AutobeError):
    """``backend/`` already holds files of the user's where the new project generates
    its own; nothing was written."""


@dataclass(frozen=True)
class InitResult:
    layout: ProjectLayout
    spec: ProjectSpec
    warnings: list[Diagnostic]
    revision: Revision
    modules: int
    replaced_incomplete: bool = False
    """An earlier ``init`` in this directory had stopped before recording revision 1;
    this one took the directory over."""


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
    spec = ensure_valid(spec)
    warnings = validate(spec)
    replaced = _incomplete_attempt(layout, storages)
    created_root = not layout.root.exists()
    created_state = not layout.state.exists()
    created_config = not layout.config_file.exists()
    hooks = Hooks(build=progress)
    project_recorded = False
    try:
        layout.state.mkdir(parents=True, exist_ok=True)
        _write_config(layout, store)
        with ProjectSession(layout, storages, write=True, create=True) as session:
            hooks.at("planned")
            chain = initial_chain(spec, text)
            staged = _stage(session, spec, chain, progress)
            with staged:
                revision = _record(session, spec, chain, staged, text, planner, author, hooks)
                project_recorded = True
                hooks.at("committing")
                with session.after_commit(revision.number):
                    commit(staged, layout.workspace)
    except BaseException as exc:
        if not project_recorded:
            storages.discard(layout)
            if created_state:
                shutil.rmtree(layout.state, ignore_errors=True)
            elif created_config:
                layout.config_file.unlink(missing_ok=True)
            if created_root:  # the directory it made, unless something else is in it now
                with contextlib.suppress(OSError):
                    layout.root.rmdir()
            if isinstance(exc, OSError) and is_disk_full(exc):
                raise DiskFull(
                    f"the disk is full ({exc.strerror}: {exc.filename!r}); nothing was created",
                    "free some disk space, then run the command again",
                ) from exc
        raise
    return InitResult(layout, spec, warnings, revision, len(staged.manifest), replaced)


def _incomplete_attempt(layout: ProjectLayout, storages: StorageFactory) -> bool:
    """Whether ``layout`` holds an ``init`` that stopped before recording revision 1
    (True: this one may take it over); :class:`ProjectExists` when it holds a project.
    A store that cannot be read (damaged, unreachable) is refused as it is."""
    if not layout.exists():
        return False
    try:
        with ProjectSession(layout, storages) as session:
            session.project()
    except ProjectIncomplete:
        return True
    raise _exists(layout)


def _exists(layout: ProjectLayout) -> ProjectExists:
    return ProjectExists(
        f"{layout.root} already holds an autobe project",
        "choose another directory, or work in this one with `autobe -C DIR ...`",
    )


def _write_config(layout: ProjectLayout, store: str | None) -> None:
    """Write ``.autobe/config.json`` whole or not at all (a kill never leaves half)."""
    partial = layout.config_file.with_name(f".config.json.{os.getpid()}.tmp")
    try:
        partial.write_text(json.dumps({"store": store} if store else {}, indent=2) + "\n", "utf-8")
        os.replace(partial, layout.config_file)
    finally:
        partial.unlink(missing_ok=True)


def _stage(
    session: ProjectSession,
    spec: ProjectSpec,
    chain: tuple[MigrationSlice, ...],
    progress: BuildProgress | None,
) -> Staged:
    """The new workspace tree, staged beside ``backend/``; :class:`WorkspaceOccupied`
    (the staged tree removed) when ``backend/`` holds the user's files in its way."""
    workspace = session.layout.workspace
    staged = prepare(
        spec,
        workspace,
        read_manifest(workspace),
        lookup=session.lookup,
        lookup_key=session.lookup_key,
        progress=progress,
        migrations=chain,
    )
    if staged.conflicts:
        discard(staged)
        shown = ", ".join(staged.conflicts[:LISTED])
        more = len(staged.conflicts) - LISTED
        raise WorkspaceOccupied(
            f"{workspace} already holds {len(staged.conflicts)} file(s) of yours where the "
            f"project generates its own: {shown}" + (f" and {more} more" if more > 0 else "")
            + "; nothing was written",
            "create the project in another directory, or move these files out of "
            f"{workspace} first (other files there are kept as they are)",
        )
    return staged


def _record(
    session: ProjectSession,
    spec: ProjectSpec,
    chain: tuple[MigrationSlice, ...],
    staged: Staged,
    text: str,
    planner: str,
    author: str,
    hooks: Hooks,
) -> Revision:
    """Store revision 1's content, then the project's first events and revision 1 in
    one save: the commit point."""
    session.store_spec(spec)
    manifest_hash = session.store_build(staged)
    try:
        project = session.storage.history.new(spec.name)
    except ProjectAlreadyCreated:
        raise _exists(session.layout) from None
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
    graph = ModuleGraph(spec, migrations=chain)
    revision = project.apply_change(
        request_id,
        spec_hash=spec.spec_hash(),
        manifest_hash=manifest_hash,
        changeset=recorded(initial),
        delta=delta_of(affected(empty, graph), staged) | delta_entries(chain, 1),
    )
    hooks.at("storing")
    session.save(project)
    module_tables.remember(session.layout, graph)  # the first change's base
    return revision


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
    try:
        report_json.write_text(imported.report.to_json(), encoding="utf-8")
        report_text.write_text(imported.report.to_text(), encoding="utf-8")
    except OSError as exc:
        raise AutobeError(
            f"the project is created in {result.layout.root} (revision 1 is recorded), but "
            f"its import report could not be saved: {exc.strerror or exc}",
            "free disk space (or make .autobe/ writable); to see the report, import the "
            "same source again into another directory",
        ) from exc
    return ImportOutcome(result, imported.report, report_json, report_text)
