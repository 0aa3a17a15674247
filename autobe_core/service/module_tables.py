"""The module tables of recorded revisions (:mod:`autobe_core.graph.table`), in the
project's state directory: written when a revision is recorded, read by the next change
for its base, so the base is not planned again. A cache: a table missing, unreadable
or made by other generators only means the base is planned; the newest few are kept."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from autobe_core.files import write_whole
from autobe_core.generate.plan import plan_key
from autobe_core.graph.table import ModuleTable
from autobe_core.service.layout import ProjectLayout
from autobe_core.spec.model import ProjectSpec

if TYPE_CHECKING:
    from autobe_core.generate.kinds.migration import MigrationSlice
    from autobe_core.graph.module_graph import ModuleGraph

KEEP = 8
"""Tables kept (the newest by modification time)."""


def load(layout: ProjectLayout, spec: ProjectSpec,
         chain: Sequence[MigrationSlice]) -> ModuleTable | None:
    """The table of the revision whose spec and chain these are, if one was written."""
    path = layout.module_tables / f"{plan_key(spec, chain)}.json"
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
        return ModuleTable.from_json(path.read_text("utf-8"))
    return None


def remember(layout: ProjectLayout, graph: ModuleGraph) -> None:
    """Write ``graph``'s table (best effort: a cache never fails a command)."""
    directory = layout.module_tables
    path = directory / f"{plan_key(graph.spec, graph.migrations)}.json"
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True)
        if write_whole(path, ModuleTable.of(graph).to_json().encode("utf-8")):
            tables = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            for old in tables[:-KEEP]:
                old.unlink(missing_ok=True)
