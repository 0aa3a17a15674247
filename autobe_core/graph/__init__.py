"""The module dependency graph: elements, modules, reads/imports edges, affected().

Each name is imported from its module when first used (:mod:`autobe_core.lazy`): comparing
two specs' elements does not import the generators or networkx.
"""

from typing import TYPE_CHECKING

from autobe_core.lazy import lazy_exports

if TYPE_CHECKING:
    from autobe_core.graph.affected import Affected, ModuleChange, Reason, affected
    from autobe_core.graph.elements import diff_elements, element_hashes, spec_elements
    from autobe_core.graph.export import to_dot, to_json, to_json_text
    from autobe_core.graph.module_graph import ModuleGraph
    from autobe_core.graph.table import ModuleRecord, ModuleTable

LAZY: dict[str, tuple[str, ...]] = {
    "affected": ("Affected", "ModuleChange", "Reason", "affected"),
    "elements": ("diff_elements", "element_hashes", "spec_elements"),
    "export": ("to_dot", "to_json", "to_json_text"),
    "module_graph": ("ModuleGraph",),
    "table": ("ModuleRecord", "ModuleTable"),
}
"""Module (in this package) -> the names it re-exports, imported on first use."""

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, LAZY)

__all__ = [
    "Affected",
    "ModuleChange",
    "ModuleGraph",
    "ModuleRecord",
    "ModuleTable",
    "Reason",
    "affected",
    "diff_elements",
    "element_hashes",
    "spec_elements",
    "to_dot",
    "to_json",
    "to_json_text",
]
