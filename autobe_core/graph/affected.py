"""``affected(old, new)``: which modules a spec change adds, changes, removes or reuses,
and why.

A module is changed when its key differs (its slice or generator version changed),
added / removed when it exists on one side only, reused otherwise. Each non-reused module
carries its reasons: the spec elements it reads that were added, changed or removed, as
paths ``element -reads-> module``, or the generator version when no element explains it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from autobe_core.graph.elements import ChangeKind, diff_elements
from autobe_core.graph.module_graph import READS, ModuleGraph
from autobe_core.graph.table import ModuleRecord, ModuleTable
from autobe_core.spec.model import ProjectSpec

if TYPE_CHECKING:
    from autobe_core.generate import PlannedModule


@dataclass(frozen=True)
class Reason:
    element: str
    change: ChangeKind | Literal["generator"]
    path: tuple[str, ...]
    """Node ids from the changed element to the module, e.g.
    ``("model:todo_items", "reads", "dto:todo_items")``."""

    def render(self) -> str:
        if self.change == "generator":
            return f"generator of {self.path[-1]} changed"
        return f"{self.element} {self.change} -> " + " -> ".join(self.path[2::2])


@dataclass(frozen=True)
class ModuleChange:
    id: str
    kind: str
    path: str
    change: ChangeKind | Literal["reused"]
    old_key: str | None
    new_key: str | None
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": self.path,
            "change": self.change,
            "oldKey": self.old_key,
            "newKey": self.new_key,
            "reasons": [
                {"element": r.element, "change": r.change, "path": list(r.path)}
                for r in self.reasons
            ],
        }


@dataclass
class Affected:
    added: list[ModuleChange] = field(default_factory=list)
    changed: list[ModuleChange] = field(default_factory=list)
    removed: list[ModuleChange] = field(default_factory=list)
    reused: list[ModuleChange] = field(default_factory=list)
    elements: dict[str, ChangeKind] = field(default_factory=dict)
    """Spec elements that differ between the two specs."""

    @property
    def touched(self) -> list[ModuleChange]:
        return self.added + self.changed + self.removed

    def ids(self, *changes: str) -> set[str]:
        wanted = changes or ("added", "changed", "removed")
        return {m.id for m in self.touched + self.reused if m.change in wanted}

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {len(self.reused)} reused"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "elements": dict(sorted(self.elements.items())),
            "added": [m.to_dict() for m in self.added],
            "changed": [m.to_dict() for m in self.changed],
            "removed": [m.to_dict() for m in self.removed],
            "reused": [m.id for m in self.reused],
        }


def affected(old: ProjectSpec | ModuleGraph | ModuleTable,
             new: ProjectSpec | ModuleGraph) -> Affected:
    """Compare two specs (or their graphs) module by module; the old side may be the
    table a revision's graph left (:mod:`.table`)."""
    old_graph = old if isinstance(old, ModuleGraph | ModuleTable) else ModuleGraph(old)
    new_graph = new if isinstance(new, ModuleGraph) else ModuleGraph(new)
    elements = diff_elements(old_graph.element_hashes, new_graph.element_hashes)
    result = Affected(elements=elements)
    old_modules: Mapping[str, PlannedModule | ModuleRecord] = old_graph.modules
    for mid in sorted(old_modules.keys() | new_graph.modules.keys()):
        before = old_modules.get(mid)
        after = new_graph.modules.get(mid)
        module = after or before
        assert module is not None
        if before is None:
            change: ChangeKind | Literal["reused"] = "added"
        elif after is None:
            change = "removed"
        elif before.key != after.key:
            change = "changed"
        else:
            change = "reused"
        reasons: tuple[Reason, ...] = ()
        if change != "reused":
            reasons = _reasons(
                module.id, module.reads | (before.reads if before else frozenset()), elements
            )
            if not reasons and change == "changed":
                reasons = (Reason(module.id, "generator", (module.id,)),)
        entry = ModuleChange(
            mid,
            module.kind,
            module.path,
            change,
            before.key if before else None,
            after.key if after else None,
            reasons,
        )
        {
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
            "reused": result.reused,
        }[change].append(entry)
    return result


def _reasons(
    module_id: str, reads: frozenset[str], elements: dict[str, ChangeKind]
) -> tuple[Reason, ...]:
    return tuple(
        Reason(eid, elements[eid], (eid, READS, module_id))
        for eid in sorted(reads)
        if eid in elements
    )
