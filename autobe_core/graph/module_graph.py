"""The module dependency graph of one spec (networkx).

Nodes are spec elements (``kind="element"``) and modules (``kind="module"``). Edges point
the way a change travels: ``element -> module`` for "reads" (the module's slice is cut
from the element) and ``imported module -> importing module`` for "imports".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from autobe_core.generate.plan import PlannedModule, plan_modules
from autobe_core.graph.elements import element_hashes
from autobe_core.spec.model import ProjectSpec

READS = "reads"
IMPORTS = "imports"


class ModuleGraph:
    """Spec elements, modules and the edges between them, for one spec."""

    def __init__(self, spec: ProjectSpec, modules: Iterable[PlannedModule] | None = None) -> None:
        self.spec = spec
        self.modules: dict[str, PlannedModule] = {
            m.id: m for m in (plan_modules(spec) if modules is None else modules)
        }
        self.element_hashes = element_hashes(spec)
        self.graph: Any = nx.DiGraph()
        for eid, digest in self.element_hashes.items():
            self.graph.add_node(eid, kind="element", hash=digest)
        for module in self.modules.values():
            self.graph.add_node(
                module.id, kind="module", module_kind=module.kind, path=module.path,
                key=module.key,
            )
        for module in self.modules.values():
            for eid in sorted(module.reads):
                if eid not in self.element_hashes:
                    raise ValueError(f"module {module.id} reads unknown element {eid}")
                self.graph.add_edge(eid, module.id, relation=READS)
            for imported in sorted(module.imports):
                if imported not in self.modules:
                    raise ValueError(f"module {module.id} imports unknown module {imported}")
                self.graph.add_edge(imported, module.id, relation=IMPORTS)

    def readers(self, element_id: str) -> list[str]:
        """Modules whose slice is cut from ``element_id``."""
        if element_id not in self.graph:
            return []
        return sorted(
            m for m in self.graph.successors(element_id)
            if self.graph.edges[element_id, m]["relation"] == READS
        )

    def importers(self, module_id: str) -> list[str]:
        return sorted(
            m for m in self.graph.successors(module_id)
            if self.graph.edges[module_id, m]["relation"] == IMPORTS
        )

    def dependents(self, module_id: str) -> list[str]:
        """Every module that imports ``module_id``, directly or not."""
        return sorted(n for n in nx.descendants(self.graph, module_id) if n in self.modules)

    def build_order(self) -> list[str]:
        """Modules in dependency order (imported before importer), ties by id."""
        sub = self.graph.subgraph(self.modules)
        return list(nx.lexicographical_topological_sort(sub))

    def edges(self) -> list[tuple[str, str, str]]:
        return sorted((a, b, data["relation"]) for a, b, data in self.graph.edges(data=True))
