"""Which generated test files a change must re-run.

mypy always checks the whole backend (incrementally), so type breakage anywhere is
caught. The generated tests that can change outcome are those whose own file changed,
those that read a changed spec element (their operation or model changed), and those
that import a module the change touched; the rest test code and schema that did not
change.
"""

from __future__ import annotations

from autobe_core.graph import Affected, ModuleGraph


def tests_reached(graph: ModuleGraph, result: Affected) -> list[str]:
    """Workspace-relative paths of the test files to run, sorted; empty = none reached
    (the caller then runs nothing extra beyond the static rungs, or everything if it
    prefers)."""
    touched = {c.id for c in result.added + result.changed}
    changed_elements = set(result.elements)
    paths: set[str] = set()
    for module in graph.modules.values():
        if module.kind != "test" or not module.path.split("/")[-1].startswith("test_"):
            continue
        if module.id in touched or module.reads & changed_elements or module.imports & touched:
            paths.add(module.path)
    return sorted(paths)
