"""Declarative domain behaviour in the operation handlers (``Model.behaviours``,
:mod:`autobe_core.spec.behaviours`), in the operation's own transaction:

- ``view_count``: an ``at`` raises the field by one with one ``UPDATE ... SET f = f + 1``
  (atomic: concurrent reads each count) before answering the row;
- ``child_count``: a child's create adds one to its parent's field, its erase (or soft
  delete) takes one away, an update that moves it to another parent does both;
- ``child_total``: after a child's create / update / erase is flushed, the parent's field
  is set to ``SUM(child.sum)`` over its live children (0 when none), one ``UPDATE`` with a
  scalar subquery, for the old parent too when an update moves the child;
- ``snapshot``: an update adds a row of the snapshot model copying the same-named fields
  of the row as the update leaves it (every successful update writes one);
- ``stock``: a child's create locks the row it points at (``SELECT ... FOR UPDATE``, which
  SQLite ignores: it serializes writers anyway) and reads it afresh (an earlier read of the
  row in the session may be stale), refuses with 409 when its stock is below
  the child's quantity, else takes the quantity from it.

The slice carries a :class:`Kept` per behaviour (names only); the operation module reads the
models they name, so a change to a behaviour re-renders exactly the handlers that do it.
"""

from __future__ import annotations

from autobe_core.generate.common import ModelRef, Slice, model_el
from autobe_core.generate.emit import py_str
from autobe_core.spec.behaviours import movable, snapshot_fields, touching
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.semantics import soft_delete


class Kept(Slice):
    """One behaviour an operation carries out."""

    kind: str
    table: str
    """The model declaring it (the parent, or the updated model of a snapshot)."""
    class_name: str
    primary: str = "id"
    field: str | None = None
    child_table: str | None = None
    """The child counted / summed, or the snapshot model."""
    child_class: str | None = None
    child_primary: str = "id"
    via: str | None = None
    """The child's (snapshot's) foreign field pointing at ``table``."""
    via_nullable: bool = False
    movable: bool = False
    """An update of the child may change ``via`` (move it to another parent)."""
    sum: str | None = None
    sum_type: str | None = None
    child_soft_delete: bool = False
    copied: tuple[str, ...] = ()
    """snapshot: the fields copied from the row."""
    stamps: tuple[str, ...] = ()
    """snapshot: its ``created_at`` / ``updated_at``, set to now."""


def cut_kept(spec: ProjectSpec, op: Operation) -> tuple[tuple[Kept, ...], set[str]]:
    """The behaviours ``op`` carries out and the model elements they read."""
    kept: list[Kept] = []
    reads: set[str] = set()
    for model, b in touching(spec, op):
        child = spec.model(b.child) if b.child else None
        reads.add(model_el(model.name))
        if child is None and b.kind != "view_count":
            continue
        base = Kept(kind=b.kind, table=ModelRef.of(model).name,
                    class_name=ModelRef.of(model).class_name,
                    primary=model.primary_field.name, field=b.field)
        if child is None:
            kept.append(base)
            continue
        reads.add(model_el(child.name))
        via = child.foreign(b.via) if b.via else None
        summed = child.plain(b.sum) if b.sum else None
        stamps = tuple(n for n in ("created_at", "updated_at")
                       if (f := child.plain(n)) is not None and f.type == "datetime")
        kept.append(base.model_copy(update={
            "child_table": ModelRef.of(child).name,
            "child_class": ModelRef.of(child).class_name,
            "child_primary": child.primary_field.name,
            "via": b.via,
            "via_nullable": via is not None and via.nullable,
            "movable": b.via is not None and b.kind != "snapshot"
            and movable(spec, child.name, b.via),
            "sum": b.sum,
            "sum_type": summed.type if summed is not None else None,
            "child_soft_delete": soft_delete(child),
            "copied": tuple(snapshot_fields(model, child, b.via))
            if b.kind == "snapshot" and b.via else (),
            "stamps": stamps if b.kind == "snapshot" else (),
        }))
    return tuple(kept), reads


def needs(kind: str,
          kept: tuple[Kept, ...]) -> tuple[list[str], set[str], set[str], set[str]]:
    """Import lines, and the ``app.db``, ``sqlalchemy`` and ``app.errors`` names the
    behaviours use."""
    lines: list[str] = []
    db: set[str] = set()
    sa: set[str] = set()
    errors: set[str] = set()
    for k in kept:
        lines.append(f"from app.models.{k.table} import {k.class_name}")
        if k.kind == "stock":
            sa.add("select")
            errors.add("ConflictError")
            continue
        if k.kind == "snapshot":
            lines.append(f"from app.models.{k.child_table} import {k.child_class}")
            if k.stamps:
                db.add("utcnow")
            continue
        sa.add("update")
        if k.kind == "view_count":
            db.add("commit")
        if k.kind == "child_total":
            lines.append(f"from app.models.{k.child_table} import {k.child_class}")
            sa |= {"select", "func"}
    return lines, db, sa, errors


def _var(k: Kept) -> str:
    return f"before_{k.via}"


def _bump(k: Kept, key: str, step: str) -> str:
    P = k.class_name
    return (f"    session.execute(\n        update({P})\n"
            f"        .where({P}.{k.primary} == {key})\n"
            f"        .values({k.field}={P}.{k.field} {step} 1)\n    )\n")


def _guarded(k: Kept, key: str, text: str) -> str:
    """``text`` (at one indent) under ``if key is not None`` when the key is nullable."""
    if not k.via_nullable:
        return text
    return f"    if {key} is not None:\n" + "".join(
        f"    {line}\n" for line in text.splitlines())


def _recompute(k: Kept, key: str) -> str:
    P, C = k.class_name, k.child_class
    live = f", {C}.deleted_at.is_(None)" if k.child_soft_delete else ""
    text = (f"    session.execute(update({P}).where({P}.{k.primary} == {key}).values(\n"
            f"        {k.field}=select(func.coalesce(func.sum({C}.{k.sum}), 0))\n"
            f"        .where({C}.{k.via} == {key}{live})\n"
            f"        .scalar_subquery()\n"
            f"    ))\n")
    return _guarded(k, key, text)


def after_read(kept: tuple[Kept, ...]) -> str:
    """at: count the view, then answer the row as stored."""
    out = "".join(_bump(k, f"row.{k.primary}", "+") for k in kept if k.kind == "view_count")
    return out + ("    commit(session)\n    session.refresh(row)\n" if out else "")


def _take_stock(k: Kept) -> str:
    P, var = k.class_name, f"locked_{k.table}"
    quantity = f"row.{k.sum}" if k.sum else "1"
    message = py_str(f"not enough {k.table}.{k.field} for this {k.child_table}")
    text = (f"    {var} = session.scalars(\n"
            f"        select({P}).where({P}.{k.primary} == row.{k.via})\n"
            f"        .with_for_update().execution_options(populate_existing=True)\n"
            f"    ).first()\n"
            f"    if {var} is not None:\n"
            f"        if {var}.{k.field} < {quantity}:\n"
            f"            raise ConflictError({message})\n"
            f"        {var}.{k.field} -= {quantity}\n")
    return _guarded(k, f"row.{k.via}", text)


def before_add(kept: tuple[Kept, ...]) -> str:
    """create (of a child): take stock before the row is added, so the row lock comes
    first (inserting the child first would hold a key-share lock on the stocked row, and
    two such creates would deadlock on PostgreSQL)."""
    return "".join(_take_stock(k) for k in kept if k.kind == "stock")


def after_create(kept: tuple[Kept, ...]) -> str:
    """create (of a child): raise counts, recompute totals; before the commit."""
    out = ""
    for k in kept:
        if k.kind == "child_count":
            out += _guarded(k, f"row.{k.via}", _bump(k, f"row.{k.via}", "+"))
    totals = [k for k in kept if k.kind == "child_total"]
    if totals:
        out += "    session.flush()\n" + "".join(_recompute(k, f"row.{k.via}") for k in totals)
    return out


def before_change(kind: str, kept: tuple[Kept, ...]) -> str:
    """update / erase (of a child): remember the parent key before the change (an
    update: only when it may move the child)."""
    vias = sorted({k.via for k in kept if k.via and k.kind in ("child_count", "child_total")
                   and (kind == "erase" or k.movable)})
    return "".join(f"    before_{via} = row.{via}\n" for via in vias)


def after_update(kept: tuple[Kept, ...]) -> str:
    """update: move counts with the child, recompute totals, write the snapshot."""
    out = ""
    for k in kept:
        if k.kind == "child_count":
            old, new = _var(k), f"row.{k.via}"
            out += (f"    if {old} != {new}:\n"
                    + "".join(f"    {line}\n" for line in _guarded(
                        k, old, _bump(k, old, "-")).splitlines())
                    + "".join(f"    {line}\n" for line in _guarded(
                        k, new, _bump(k, new, "+")).splitlines()))
    totals = [k for k in kept if k.kind == "child_total"]
    if totals:
        out += "    session.flush()\n"
        for k in totals:
            out += _recompute(k, f"row.{k.via}")
            if not k.movable:
                continue
            out += f"    if {_var(k)} != row.{k.via}:\n" + "".join(
                f"    {line}\n" for line in _recompute(k, _var(k)).splitlines())
    for k in kept:
        if k.kind == "snapshot":
            values = [f"{k.via}=row.{k.primary}"] + [f"{f}=row.{f}" for f in k.copied]
            values += [f"{stamp}=utcnow()" for stamp in k.stamps]
            out += (f"    session.add({k.child_class}(\n"
                    + "".join(f"        {v},\n" for v in values) + "    ))\n")
    return out


def before_remove(kept: tuple[Kept, ...]) -> str:
    """erase (of a child): take its count away from the parent."""
    return "".join(_guarded(k, _var(k), _bump(k, _var(k), "-")) for k in kept
                   if k.kind == "child_count")


def after_remove(kept: tuple[Kept, ...]) -> str:
    """erase (of a child): recompute totals without it (flushed first)."""
    totals = [k for k in kept if k.kind == "child_total"]
    if not totals:
        return ""
    return "    session.flush()\n" + "".join(_recompute(k, _var(k)) for k in totals)
