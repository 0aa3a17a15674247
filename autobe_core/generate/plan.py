"""The module plan: which files a spec yields, what each may read, and its key.

A :class:`PlannedModule` is one generated file. Its ``slice`` is the only input its
generator sees (a pydantic model), its ``reads`` name the spec elements the slice was
cut from (the module graph's "reads" edges), and its ``imports`` name the modules the
file imports (the "imports" edges). The key is the hash of the generator version and
the canonical slice: same key, same file, which is what makes an incremental build
equal a clean one by construction.

Spec element ids: ``project``, ``model:<name>``, ``operation:<operation_id>``,
``actor:<name>``, ``schema:<name>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from autobe_core.spec.model import ProjectSpec, canonical_json, sha256_text

if TYPE_CHECKING:
    from autobe_core.generate.kinds.migration import MigrationSlice

ModuleKind = Literal[
    "model", "dto", "collector", "transformer", "operation", "test", "auth", "app", "migration",
    "realized",
]
MODULE_KINDS: tuple[ModuleKind, ...] = (
    "model",
    "dto",
    "collector",
    "transformer",
    "operation",
    "test",
    "auth",
    "app",
    "migration",
    "realized",
)

BACKEND_PACKAGE = "app"
"""The generated backend's import package, inside the workspace."""


@dataclass(frozen=True)
class PlannedModule:
    id: str
    """Unique, stable: ``<kind>:<name>``, e.g. ``dto:todo_items``, ``test:factory:todo_items``."""
    kind: ModuleKind
    path: str
    """Workspace-relative POSIX path, e.g. ``app/dtos/todo_items.py``."""
    slice: BaseModel
    render: Callable[[BaseModel], str] = field(compare=False, repr=False)
    generator_version: str
    reads: frozenset[str] = frozenset()
    imports: frozenset[str] = frozenset()

    @cached_property
    def key(self) -> str:
        """Hash of what determines the file: which module (its id selects the render
        function and the path), the generator version, and the canonical slice."""
        return sha256_text(
            f"{self.id}\n{self.path}\n{self.generator_version}\n"
            + canonical_json(self.slice.model_dump(mode="json"))
        )

    def generate(self) -> str:
        return self.render(self.slice)


class KindPlanner(Protocol):
    def __call__(self, spec: ProjectSpec) -> Iterable[PlannedModule]: ...


def plan_modules(
    spec: ProjectSpec, migrations: Sequence[MigrationSlice] = ()
) -> list[PlannedModule]:
    """Every module of a revision, sorted by path: the modules of its (validated) spec,
    and one per migration of its chain (recorded in the history, oldest first)."""
    from autobe_core.generate.kinds import PLANNERS, migration

    modules = [m for planner in PLANNERS for m in planner(spec)]
    modules += migration.plan(migrations)
    by_path: dict[str, PlannedModule] = {}
    for module in modules:
        if module.path in by_path:
            raise ValueError(
                f"two modules write {module.path}: {by_path[module.path].id}, {module.id}"
            )
        by_path[module.path] = module
    return sorted(modules, key=lambda m: m.path)


def generate_files(
    spec: ProjectSpec, migrations: Sequence[MigrationSlice] = ()
) -> dict[str, str]:
    """Clean generation: path -> file text for every module."""
    return {m.path: m.generate() for m in plan_modules(spec, migrations)}
