"""References to models and fields that live in other models and operations than their
own: declared behaviours (``Model.behaviours``: a child model, its foreign field, a summed
field) and grandparent bindings (``Parameter.binds`` chains: ``option_id.product_id``).

Renames keep them pointing at the same thing; :func:`field_references` lists them, so a
removal that would leave one dangling is refused with what still refers to the field.
"""

from __future__ import annotations

from autobe_core.spec.model import Behaviour, Model, Operation, ProjectSpec
from autobe_core.spec.semantics import CHAIN_SEPARATOR, binding_chain, is_chain


def _renamed_behaviour(b: Behaviour, owner: str, model: str, old: str, new: str) -> Behaviour:
    """``b`` (declared on ``owner``) after ``model.old`` is renamed ``model.new``."""
    updates: dict[str, str] = {}
    if owner == model and b.field == old:
        updates["field"] = new
    if b.child == model:
        if b.via == old:
            updates["via"] = new
        if b.sum == old:
            updates["sum"] = new
    return b.model_copy(update=updates) if updates else b


def _chain_models(spec: ProjectSpec, op: Operation, binds: str) -> list[str] | None:
    """The model each part of a chain binding is read on (None: it does not resolve)."""
    model = spec.model(op.model) if op.model else None
    hops = binding_chain(spec, model, binds) if model is not None else None
    if model is None or hops is None:
        return None
    return [model.name, *(h.relation.target_model for h in hops[:-1])]


def _renamed_chain(spec: ProjectSpec, op: Operation, binds: str, model: str, old: str,
                   new: str) -> str:
    on = _chain_models(spec, op, binds)
    if on is None:
        return binds
    parts = binds.split(CHAIN_SEPARATOR)
    return CHAIN_SEPARATOR.join(new if part == old and where == model else part
                                for part, where in zip(parts, on, strict=True))


def rename_field_references(spec: ProjectSpec, model: str, old: str,
                            new: str) -> tuple[list[Model], list[Operation]]:
    """The models and operations of ``spec`` (before the rename) with every behaviour and
    chain binding that names ``model.old`` naming ``model.new``."""
    models = [
        m.model_copy(update={"behaviours": [_renamed_behaviour(b, m.name, model, old, new)
                                            for b in m.behaviours]}) if m.behaviours else m
        for m in spec.models
    ]
    operations = []
    for op in spec.operations:
        params = [
            p.model_copy(update={"binds": _renamed_chain(spec, op, p.binds, model, old, new)})
            if p.binds is not None and is_chain(p.binds) else p
            for p in op.parameters
        ]
        operations.append(op.model_copy(update={"parameters": params})
                          if params != op.parameters else op)
    return models, operations


def rename_model_references(models: list[Model], old: str, new: str) -> list[Model]:
    """``models`` with every behaviour naming the model ``old`` as its child naming ``new``."""
    return [
        m.model_copy(update={"behaviours": [
            b.model_copy(update={"child": new}) if b.child == old else b for b in m.behaviours
        ]}) if any(b.child == old for b in m.behaviours) else m
        for m in models
    ]


def field_references(spec: ProjectSpec, model: str, name: str) -> list[str]:
    """The behaviours and chain bindings that name ``model.name``."""
    uses: list[str] = []
    for m in spec.models:
        for b in m.behaviours:
            if (m.name == model and b.field == name) or (
                    b.child == model and name in (b.via, b.sum)):
                uses.append(f"the {b.kind} behaviour of {m.name}")
    for op in spec.operations:
        for p in op.parameters:
            if p.binds is None or not is_chain(p.binds):
                continue
            on = _chain_models(spec, op, p.binds)
            parts = p.binds.split(CHAIN_SEPARATOR)
            if on is not None and any(part == name and where == model
                                      for part, where in zip(parts, on, strict=True)):
                uses.append(f"parameter {p.name!r} of {op.endpoint}")
    return uses
