"""Clean builds: every module of a spec generated, then written atomically by the one
tree writer (:func:`autobe_core.build.trees.replace_tree`: staged, then swapped in).

The spec is assumed valid (the caller runs :func:`autobe_core.spec.validation.engine.validate`
first); a generator failing on it is a bug and propagates as is, with the workspace
untouched, since nothing is written before every module has been generated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autobe_core.build.manifest import Manifest, file_bytes
from autobe_core.build.trees import replace_tree
from autobe_core.generate import MigrationSlice, PlannedModule, plan_modules
from autobe_core.spec.model import ProjectSpec

BuildProgress = Callable[[int, int, str], None]
"""``progress(done, total, module_id)``, called after each module is generated."""


@dataclass(frozen=True)
class BuildResult:
    workspace: Path
    manifest: Manifest
    modules: int
    """Modules generated."""
    files: int
    """Files written (the manifest itself not counted)."""
    bytes: int
    """Bytes written (the manifest itself not counted)."""
    seconds: float
    """Wall time of the whole build."""
    generate_seconds: float
    write_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": str(self.workspace),
            "modules": self.modules,
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "generateSeconds": round(self.generate_seconds, 3),
            "writeSeconds": round(self.write_seconds, 3),
        }


def generate_modules(
    modules: list[PlannedModule], progress: BuildProgress | None = None
) -> dict[str, str]:
    """path -> text for each module, in order, reporting progress."""
    files: dict[str, str] = {}
    total = len(modules)
    for done, module in enumerate(modules, start=1):
        files[module.path] = module.generate()
        if progress is not None:
            progress(done, total, module.id)
    return files


def clean_build(
    spec: ProjectSpec,
    workspace: Path,
    progress: BuildProgress | None = None,
    migrations: Sequence[MigrationSlice] = (),
) -> BuildResult:
    """Generate every module of ``spec`` (and of its chain of ``migrations``) and replace
    ``workspace`` with the result."""
    started = time.perf_counter()
    modules = plan_modules(spec, migrations)
    files = generate_modules(modules, progress)
    manifest = Manifest.from_modules(modules, files)
    generated = time.perf_counter()
    replace_tree(workspace, files, manifest)
    finished = time.perf_counter()
    return BuildResult(
        workspace=Path(workspace),
        manifest=manifest,
        modules=len(modules),
        files=len(files),
        bytes=sum(len(file_bytes(text)) for text in files.values()),
        seconds=finished - started,
        generate_seconds=generated - started,
        write_seconds=finished - generated,
    )
