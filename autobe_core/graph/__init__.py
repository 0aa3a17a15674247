"""The module dependency graph: elements, modules, reads/imports edges, affected()."""

from autobe_core.graph.affected import Affected, ModuleChange, Reason, affected, diff_elements
from autobe_core.graph.elements import element_hashes, spec_elements
from autobe_core.graph.export import to_dot, to_json, to_json_text
from autobe_core.graph.module_graph import ModuleGraph

__all__ = [
    "Affected",
    "ModuleChange",
    "ModuleGraph",
    "Reason",
    "affected",
    "diff_elements",
    "element_hashes",
    "spec_elements",
    "to_dot",
    "to_json",
    "to_json_text",
]
