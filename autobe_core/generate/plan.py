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

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from autobe_core.spec.memo import held
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


PLAN_CACHE_SIZE = 4
"""How many plans :func:`plan_modules` keeps: a change plans its base and its new spec,
then builds and verifies the new one again (one plan each, not four)."""

_plans: OrderedDict[str, tuple[PlannedModule, ...]] = OrderedDict()
"""plan key (the spec's and the chain's content) -> the plan, most recent last."""


def plan_key(spec: ProjectSpec, migrations: Sequence[MigrationSlice] = ()) -> str:
    """What a plan is a function of: the spec's canonical content and the chain's (any
    text, even one validation would refuse, such as a lone surrogate: generation is the
    last line of defence and plans it too)."""
    content = "\n".join(
        [spec.canonical_json(), *(canonical_json(m.model_dump(mode="json")) for m in migrations)]
    )
    return hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()


def plan_modules(
    spec: ProjectSpec, migrations: Sequence[MigrationSlice] = ()
) -> list[PlannedModule]:
    """Every module of a revision, sorted by path: the modules of its (validated) spec,
    and one per migration of its chain (recorded in the history, oldest first).

    A plan is a pure function of the spec's and the chain's content (the modules are
    frozen), so the last few plans are kept by :func:`plan_key` and a spec planned again
    in one process (a change's proposal, build and verification) is planned once."""
    key = plan_key(spec, migrations)
    cached = _plans.get(key)
    if cached is None:
        with held():  # the spec is only read while it is planned
            cached = tuple(_plan(spec, migrations))
        _plans[key] = cached
        while len(_plans) > PLAN_CACHE_SIZE:
            _plans.popitem(last=False)
    else:
        _plans.move_to_end(key)
    return list(cached)


def _plan(spec: ProjectSpec, migrations: Sequence[MigrationSlice]) -> list[PlannedModule]:
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
