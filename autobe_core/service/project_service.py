"""The application service: the one entry point the CLI (or any other client) calls.

It orchestrates the layers below (spec, graph, build, verify) and owns the project's
on-disk state. It holds no presentation logic: results are returned as data and
progress is reported through a callback.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build.builder import BuildResult, clean_build
from autobe_core.build.workspace import read_manifest
from autobe_core.errors import NotBuilt, ProjectExists
from autobe_core.graph import ModuleGraph, to_dot, to_json_text
from autobe_core.service.layout import ProjectLayout
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.io import dump_spec, load_spec, parse_spec
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validate import ensure_valid, validate
from autobe_core.verify import LadderProgress, LadderResult, RungName, run_ladder

BuildProgress = Callable[[int, int, str], None]
"""(modules done, modules total, module id)."""


@dataclass(frozen=True)
class InitResult:
    layout: ProjectLayout
    spec: ProjectSpec
    warnings: list[Diagnostic]


class ProjectService:
    """Operations on one project directory."""

    def __init__(self, layout: ProjectLayout) -> None:
        self.layout = layout

    # -- lifecycle

    @classmethod
    def init(cls, root: Path, spec_path: Path) -> InitResult:
        """Create a project from a spec file. Nothing is written unless the spec is valid."""
        layout = ProjectLayout(root.resolve())
        if layout.exists():
            raise ProjectExists(
                f"{layout.root} already holds an autobe project",
                "choose another directory, or work in this one with `autobe -C DIR ...`",
            )
        spec = ensure_valid(load_spec(spec_path))
        warnings = validate(spec)
        layout.state.mkdir(parents=True, exist_ok=True)
        _write_atomic(layout.spec_file, spec.canonical_json() + "\n")
        return InitResult(layout, spec, warnings)

    @classmethod
    def open(cls, start: Path) -> ProjectService:
        return cls(ProjectLayout.find(start))

    # -- queries

    def spec(self) -> ProjectSpec:
        return ensure_valid(parse_spec(json.loads(self.layout.spec_file.read_text("utf-8"))))

    def spec_text(self, fmt: str = "yaml") -> str:
        return dump_spec(self.spec(), fmt)

    def graph(self) -> ModuleGraph:
        return ModuleGraph(self.spec())

    def graph_text(self, fmt: str = "dot") -> str:
        graph = self.graph()
        return to_dot(graph) if fmt == "dot" else to_json_text(graph)

    # -- commands

    def build(self, progress: BuildProgress | None = None) -> BuildResult:
        """Generate every module and replace the workspace atomically."""
        return clean_build(self.spec(), self.layout.workspace, progress=progress)

    def check(
        self,
        rungs: Sequence[RungName] | None = None,
        progress: LadderProgress | None = None,
    ) -> LadderResult:
        """Run the recompile ladder on the workspace and remember the result."""
        if read_manifest(self.layout.workspace) is None:
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
        _write_atomic(self.layout.last_check, json.dumps(result.to_dict(), indent=2) + "\n")
        return result


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temp file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
