"""The import use case: an AutoBe project -> an autobe project at revision 1, built.

:func:`import_project` maps the AutoBe ASTs onto a spec (:mod:`autobe_core.importer`),
then records it through :meth:`ProjectService.create` like ``init`` does: revision 1 is the
change from the empty spec, its text naming the source and its planner ``import``. The
import report is saved in the project's state directory (``.autobe/import-report.json``
and ``.txt``) and returned. Malformed input raises :class:`DiagnosticError` before anything
is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.importer import ImportReport, import_autobe
from autobe_core.service.changes import BuildProgress
from autobe_core.service.project_service import InitResult, ProjectService

REPORT_STEM = "import-report"


@dataclass(frozen=True)
class ImportOutcome:
    result: InitResult
    report: ImportReport
    report_json: Path
    report_text: Path


def import_project(
    paths: Sequence[Path],
    to: Path | None = None,
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
    result = ProjectService.create(
        root,
        imported.spec,
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
