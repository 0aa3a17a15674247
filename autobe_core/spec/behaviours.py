"""Declarative domain behaviour (:class:`autobe_core.spec.model.Behaviour`): what each kind
needs, and which behaviours an operation takes part in.

A behaviour is declared on the model whose field it keeps (or, for ``snapshot``, whose
updates are recorded); the operations that carry it out belong to that model (``at``,
``update``) or to its child (``create``, ``update``, ``erase``). The validator
(:mod:`autobe_core.spec.validation.behaviours`) refuses what cannot be generated with the
messages of :func:`behaviour_problem`; the operation generator asks :func:`touching`.
"""

from __future__ import annotations

from autobe_core.spec.model import Behaviour, Model, Operation, ProjectSpec

COUNT_TYPES = ("int",)
TOTAL_TYPES = ("int", "double", "decimal")
SNAPSHOT_SKIPPED = ("created_at", "updated_at", "deleted_at")
"""Fields of a snapshot model that are not copied (its own timestamps)."""


def behaviour_problem(spec: ProjectSpec, model: Model,
                      b: Behaviour) -> tuple[str, str, tuple[str, ...]] | None:
    """What makes ``b`` (declared on ``model``) impossible: (key, message, allowed), or
    None when it can be generated."""
    where = f"{model.name}'s {b.kind} behaviour"
    if b.kind != "snapshot":
        allowed = COUNT_TYPES if b.kind != "child_total" else TOTAL_TYPES
        names = tuple(f.name for f in model.plain_fields if f.type in allowed
                      and not f.nullable)
        field = model.plain(b.field) if b.field else None
        if field is None or field.type not in allowed or field.nullable:
            return ("field", f"{where} needs a non-null {' / '.join(allowed)} field of "
                    f"{model.name}, not {b.field!r}", names)
    if b.kind == "view_count":
        return None
    others = tuple(m.name for m in spec.models if m.name != model.name)
    child = spec.model(b.child) if b.child else None
    if child is None:
        what = "snapshot model" if b.kind == "snapshot" else "child model"
        return ("child", f"{where} needs a {what}, not {b.child!r}", others)
    via = child.foreign(b.via) if b.via else None
    keys = tuple(f.name for f in child.foreign_fields
                 if f.relation.target_model == model.name)
    if via is None or via.relation.target_model != model.name:
        return ("via", f"{where}: {b.via!r} is not a foreign field of {child.name} "
                f"pointing at {model.name}", keys)
    if b.kind == "stock" and b.sum is not None:
        ints = tuple(f.name for f in child.plain_fields if f.type == "int" and not f.nullable)
        quantity = child.plain(b.sum)
        if quantity is None or quantity.type != "int" or quantity.nullable:
            return ("sum", f"{where} takes a non-null int field of {child.name} (the "
                    f"quantity), not {b.sum!r}", ints)
    if b.kind == "child_total":
        numeric = tuple(f.name for f in child.plain_fields if f.type in TOTAL_TYPES)
        summed = child.plain(b.sum) if b.sum else None
        if summed is None or summed.type not in TOTAL_TYPES:
            return ("sum", f"{where} sums a numeric field of {child.name}, not {b.sum!r}",
                    numeric)
    if b.kind == "snapshot":
        copied = snapshot_fields(model, child, via.name)
        for f in child.plain_fields:
            if f.name in copied or f.name in SNAPSHOT_SKIPPED or f.nullable \
                    or f.default is not None:
                continue
            return ("child", f"{where}: {child.name}.{f.name} is required but {model.name} "
                    "has no field of that name and type to copy", tuple(copied))
        for fk in child.foreign_fields:
            if fk.name != via.name and not fk.nullable and fk.name not in copied:
                return ("child", f"{where}: {child.name}.{fk.name} is required but "
                        f"{model.name} has no such foreign field to copy", tuple(copied))
    return None


def snapshot_fields(model: Model, snapshot: Model, via: str) -> list[str]:
    """The snapshot model's fields a snapshot copies: those ``model`` has too, with the
    same type (and the same target, for foreign fields), except the keys and timestamps."""
    out: list[str] = []
    for fk in snapshot.foreign_fields:
        own = model.foreign(fk.name)
        if fk.name != via and own is not None and \
                own.relation.target_model == fk.relation.target_model:
            out.append(fk.name)
    for f in snapshot.plain_fields:
        own_plain = model.plain(f.name)
        if f.name not in SNAPSHOT_SKIPPED and own_plain is not None and \
                own_plain.type == f.type:
            out.append(f.name)
    return out


def behaviour_fields(model: Model) -> dict[str, Behaviour]:
    """This model's fields kept by a behaviour (never set by a request body; a stock is
    the client's to set, a create only takes from it)."""
    return {b.field: b for b in model.behaviours
            if b.field and b.kind not in ("snapshot", "stock")}


def touching(spec: ProjectSpec, op: Operation) -> list[tuple[Model, Behaviour]]:
    """The behaviours ``op`` carries out, with the model declaring each: the target's own
    ``view_count`` (``at``) and ``snapshot`` (``update``); a parent's ``stock`` whose
    child is the target (``create``); a parent's ``child_count`` / ``child_total`` whose
    child is the target (``create``, ``update``, ``erase``)."""
    if op.model is None:
        return []
    found: list[tuple[Model, Behaviour]] = []
    for model in spec.models:
        for b in model.behaviours:
            own = model.name == op.model and (
                (b.kind == "view_count" and op.kind == "at")
                or (b.kind == "snapshot" and op.kind == "update"))
            if own or (b.kind == "stock" and b.child == op.model and op.kind == "create"):
                found.append((model, b))
            elif b.kind in ("child_count", "child_total") and b.child == op.model \
                    and op.kind in ("create", "update", "erase"):
                if b.kind == "child_count" and op.kind == "update" and \
                        b.via is not None and not movable(spec, op.model, b.via):
                    continue
                found.append((model, b))
    return found


def movable(spec: ProjectSpec, child: str, via: str) -> bool:
    """Whether an update of ``child`` may move it to another parent (``via`` in its
    update body)."""
    from autobe_core.spec.semantics import model_dto_fields

    model = spec.model(child)
    if model is None:
        return False
    return any(f.source == via for f in model_dto_fields(spec, model, "update"))
