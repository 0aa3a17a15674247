"""The module dependency graph of one spec (networkx, imported when the graph is first
walked).

Nodes are spec elements (``kind="element"``, ids ``spec:<element id>``) and modules
(``kind="module"``, ids ``<kind>:<name>``). Edges point
the way a change travels: ``element -> module`` for "reads" (the module's slice is cut
from the element) and ``imported module -> importing module`` for "imports".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from autobe_core.generate import PlannedModule, plan_modules
from autobe_core.graph.elements import element_hashes
from autobe_core.spec.model import ProjectSpec, canonical_json, sha256_text

if TYPE_CHECKING:
    from autobe_core.generate.kinds.migration import MigrationSlice

READS = "reads"
IMPORTS = "imports"
ELEMENT_PREFIX = "spec:"


def element_node(element_id: str) -> str:
    """The graph node of a spec element. Prefixed because element ids and module ids
    share a form (``model:todo_items`` is both a spec element and the module generated
    from it)."""
    return ELEMENT_PREFIX + element_id


def revision_element(revision: int) -> str:
    """The element a migration module reads: the revision whose change it records."""
    return f"revision:{revision}"


class ModuleGraph:
    """Spec elements, modules and the edges between them, for one revision: its spec and
    its chain of migrations (each migration module reads the revision that recorded it)."""

    def __init__(
        self,
        spec: ProjectSpec,
        modules: Iterable[PlannedModule] | None = None,
        migrations: Sequence[MigrationSlice] = (),
    ) -> None:
        self.spec = spec
        self.migrations = tuple(migrations)
        self.modules: dict[str, PlannedModule] = {
            m.id: m for m in (plan_modules(spec, migrations) if modules is None else modules)
        }
        self.element_hashes = element_hashes(spec)
        for migration in self.migrations:
            self.element_hashes[revision_element(migration.revision)] = sha256_text(
                canonical_json(migration.model_dump(mode="json"))
            )
        for module in self.modules.values():
            unknown = sorted(module.reads - self.element_hashes.keys())
            if unknown:
                raise ValueError(f"module {module.id} reads unknown element {unknown[0]}")
            missing = sorted(module.imports - self.modules.keys())
            if missing:
                raise ValueError(f"module {module.id} imports unknown module {missing[0]}")

    @cached_property
    def graph(self) -> Any:
        """The networkx DiGraph, built on first use: comparing two revisions
        (:func:`~autobe_core.graph.affected.affected`) and choosing the tests a change
        reaches read the modules and hashes only."""
        import networkx as nx

        graph = nx.DiGraph()
        for eid, digest in self.element_hashes.items():
            graph.add_node(element_node(eid), kind="element", element=eid, hash=digest)
        for module in self.modules.values():
            graph.add_node(
                module.id,
                kind="module",
                module_kind=module.kind,
                path=module.path,
                key=module.key,
            )
        for module in self.modules.values():
            for eid in sorted(module.reads):
                graph.add_edge(element_node(eid), module.id, relation=READS)
            for imported in sorted(module.imports):
                graph.add_edge(imported, module.id, relation=IMPORTS)
        return graph

    def readers(self, element_id: str) -> list[str]:
        """Modules whose slice is cut from ``element_id``."""
        node = element_node(element_id)
        if node not in self.graph:
            return []
        return sorted(self.graph.successors(node))

    def importers(self, module_id: str) -> list[str]:
        return sorted(
            m
            for m in self.graph.successors(module_id)
            if self.graph.edges[module_id, m]["relation"] == IMPORTS
        )

    def dependents(self, module_id: str) -> list[str]:
        """Every module that imports ``module_id``, directly or not."""
        import networkx as nx

        return sorted(n for n in nx.descendants(self.graph, module_id) if n in self.modules)

    def build_order(self) -> list[str]:
        """Modules in dependency order: imported before importer, ties by id.

        Python modules may import each other in a cycle (ORM models referring to each
        other, ``db`` importing the model registry); a cycle is placed as one group, in
        id order, where its members' dependencies allow.
        """
        import networkx as nx

        sub = self.graph.subgraph(self.modules)
        groups = nx.condensation(sub)
        members = groups.graph["mapping"]
        by_group: dict[int, list[str]] = {}
        for module_id, group in members.items():
            by_group.setdefault(group, []).append(module_id)
        first = {group: min(ids) for group, ids in by_group.items()}
        order = nx.lexicographical_topological_sort(groups, key=lambda g: first[g])
        return [m for group in order for m in sorted(by_group[group])]

    def edges(self) -> list[tuple[str, str, str]]:
        return sorted((a, b, data["relation"]) for a, b, data in self.graph.edges(data=True))
