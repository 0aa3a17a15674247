"""Exports of the module graph: Graphviz DOT (for a picture) and JSON (for tools).

Both list every node and every edge. DOT groups modules by kind in clusters and colours
"reads" and "imports" edges differently; every label is quoted and escaped. In JSON, an
operation's element node carries its access (callers, owner chain, guarded parameters).
"""

from __future__ import annotations

import json
from typing import Any

from autobe_core.graph.module_graph import IMPORTS, ModuleGraph
from autobe_core.spec import ProjectSpec, operation_access
from autobe_core.spec.naming import operation_id

KIND_COLOURS = {
    "element": "#fff2cc",
    "model": "#dae8fc",
    "dto": "#d5e8d4",
    "collector": "#e1d5e7",
    "transformer": "#f8cecc",
    "operation": "#ffe6cc",
    "test": "#f5f5f5",
    "auth": "#fad9d5",
    "app": "#e6e6e6",
    "migration": "#d0e0e3",
}


def access_attributes(spec: ProjectSpec) -> dict[str, dict[str, Any]]:
    """Element id (``operation:<id>``) -> who may call the operation and the owner chain
    its rows are checked through (:mod:`autobe_core.spec.access`), for the JSON export."""
    out: dict[str, dict[str, Any]] = {}
    for op in spec.operations:
        access = operation_access(spec, op)
        out[f"operation:{operation_id(op)}"] = {
            "callers": "anyone" if access.callers.public else list(access.callers.actors),
            "ownerChain": [f"{h.model}.{h.field}" for h in access.chain.hops]
            if access.chain is not None else None,
            "guardedParameters": [p.param for p in access.parents if p.chain is not None],
        }
    return out


def to_json(graph: ModuleGraph) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    access = access_attributes(graph.spec)
    for node_id, data in sorted(graph.graph.nodes(data=True)):
        entry: dict[str, Any] = {"id": node_id, "kind": data["kind"]}
        if data["kind"] == "module":
            entry.update(moduleKind=data["module_kind"], path=data["path"], key=data["key"])
        else:
            entry["hash"] = data["hash"]
            if data.get("element") in access:
                entry["access"] = access[data["element"]]
        nodes.append(entry)
    edges = [{"from": a, "to": b, "relation": rel} for a, b, rel in graph.edges()]
    return {
        "spec": graph.spec.name,
        "specHash": graph.spec.spec_hash(),
        "nodes": nodes,
        "edges": edges,
        "counts": {
            "elements": len(graph.element_hashes),
            "modules": len(graph.modules),
            "edges": len(edges),
        },
    }


def to_json_text(graph: ModuleGraph) -> str:
    return json.dumps(to_json(graph), indent=2, sort_keys=False) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: ModuleGraph) -> str:
    lines = [
        f"digraph {_q(graph.spec.name)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    by_kind: dict[str, list[str]] = {}
    for node_id, data in graph.graph.nodes(data=True):
        kind = data["module_kind"] if data["kind"] == "module" else "element"
        by_kind.setdefault(kind, []).append(node_id)
    for kind in sorted(by_kind):
        lines.append(f"  subgraph {_q('cluster_' + kind)} {{")
        lines.append(f"    label={_q(kind)};")
        for node_id in sorted(by_kind[kind]):
            data = graph.graph.nodes[node_id]
            label = data["path"] if data["kind"] == "module" else node_id
            lines.append(
                f"    {_q(node_id)} [label={_q(label)}, fillcolor={_q(KIND_COLOURS[kind])}];"
            )
        lines.append("  }")
    for a, b, rel in graph.edges():
        style = "dashed" if rel == IMPORTS else "solid"
        lines.append(f"  {_q(a)} -> {_q(b)} [label={_q(rel)}, style={style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
