"""Spec elements: the units of the spec that modules read, each with a content hash.

A module's slice is cut from a few elements (``model:todo_items``, ``actor:user``, ...);
when an element's hash changes, the modules reading it are the candidates for
regeneration. The ids here are the ones :class:`~autobe_core.generate.plan.PlannedModule`
declares in ``reads``. :func:`diff_elements` compares two specs' element hashes (``autobe
diff`` needs no module graph for it).
"""

from __future__ import annotations

from typing import Any, Literal

from autobe_core.spec.model import ProjectSpec, canonical_json, sha256_text
from autobe_core.spec.naming import operation_id

ChangeKind = Literal["added", "changed", "removed"]


def spec_elements(spec: ProjectSpec) -> dict[str, dict[str, Any]]:
    """Element id -> the element's canonical data."""
    elements: dict[str, dict[str, Any]] = {
        "project": {"name": spec.name, "title": spec.title, "description": spec.description}
    }
    for actor in spec.actors:
        elements[f"actor:{actor.name}"] = actor.model_dump(mode="json", by_alias=True)
    for model in spec.models:
        elements[f"model:{model.name}"] = model.model_dump(mode="json", by_alias=True)
    for op in spec.operations:
        elements[f"operation:{operation_id(op)}"] = op.model_dump(mode="json", by_alias=True)
    for name, schema in spec.schemas.items():
        elements[f"schema:{name}"] = schema.model_dump(mode="json", by_alias=True)
    return elements


def element_hashes(spec: ProjectSpec) -> dict[str, str]:
    return {eid: sha256_text(canonical_json(data)) for eid, data in spec_elements(spec).items()}


def element_label(element_id: str) -> str:
    kind, _, name = element_id.partition(":")
    return f"{kind} {name}" if name else kind


def diff_elements(old: dict[str, str], new: dict[str, str]) -> dict[str, ChangeKind]:
    """Element id -> how it changed from ``old`` to ``new`` (element hashes)."""
    out: dict[str, ChangeKind] = {}
    for eid in sorted(old.keys() | new.keys()):
        if eid not in new:
            out[eid] = "removed"
        elif eid not in old:
            out[eid] = "added"
        elif old[eid] != new[eid]:
            out[eid] = "changed"
    return out
