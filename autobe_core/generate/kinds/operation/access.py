"""How an operation handler keeps to the caller's rows: the access model, enforced.

:func:`autobe_core.spec.access.operation_access` decides (callers, owner chain, which
path parameters select parents the caller must own); this module turns it into the
slice pieces an operation module is rendered from (:class:`Scope`) and into the text of
the checks. The owner chain becomes nested ``IN`` subqueries over the models' primary
keys, so a chain of any length is one SQL condition:

``Payment.order_id.in_(select(Order.id).where(Order.customer_id == principal.id))``.

Status codes (docs/security.md): a parent selected by the path that is not the caller's
answers 404, as if it did not exist (no existence leak); ``at`` of a row that is not the
caller's answers 404 too; ``update`` / ``erase`` of a row the caller reached but does not
own answer 403; a create naming in its body a parent the caller does not own answers 404,
as does a create or update whose body names another row the caller must own (a refund
naming another customer's payment).
"""

from __future__ import annotations

from autobe_core.generate.common import ModelRef, Slice, actor_el, model_el, operation_el
from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation.chains import Link, reaches
from autobe_core.spec.access import OwnerChain, operation_access, owner_chain_walk
from autobe_core.spec.memo import memoized
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import snake
from autobe_core.spec.roles import role_reads
from autobe_core.spec.semantics import model_dto_fields, param_bindings, soft_delete

__all__ = ["Guard", "Link", "Reference", "Scope", "access_reads", "cut_scope", "guard_lines",
           "owned", "reference_checks", "scope_imports"]


class Guard(Slice):
    """A path parameter selecting a parent row the caller must own (404 otherwise)."""

    arg: str
    table: str
    class_name: str
    primary: str
    soft_delete: bool = False
    chain: tuple[Link, ...] = ()
    """The parent's own owner chain (empty: the parent is the caller's account)."""


class Reference(Slice):
    """A foreign field the body sets, naming a row the caller must own (404 otherwise)."""

    field: str
    nullable: bool
    table: str
    class_name: str
    primary: str
    soft_delete: bool = False
    chain: tuple[Link, ...] = ()


class Scope(Slice):
    """An owner-scoped operation: the row's owner chain and the guarded parents."""

    actor: str
    chain: tuple[Link, ...]
    """The row's owner chain (empty: the row is the caller's account)."""
    guards: tuple[Guard, ...] = ()
    references: tuple[Reference, ...] = ()
    """create / update: body references that must be the caller's rows."""
    through_path: bool = False
    """The chain's first field is bound by a guarded path parameter: every row the path
    selects is the caller's already."""

    @property
    def direct(self) -> bool:
        return len(self.chain) <= 1


def _links(spec: ProjectSpec, chain: OwnerChain) -> tuple[Link, ...]:
    links: list[Link] = []
    for hop in chain.hops:
        target = spec.model(hop.target)
        assert target is not None
        links.append(Link(field=hop.field, table=target.name,
                          class_name=ModelRef.of(target).class_name,
                          primary=target.primary_field.name))
    return tuple(links)


@memoized
def access_reads(spec: ProjectSpec, op: Operation) -> set[str]:
    """The spec elements :func:`operation_access` of ``op`` depends on: every actor (who
    is privileged), the models the owner chains of its rows and of its path-bound
    parents were looked for in, and the read operations of those parents (whether the
    caller may read them)."""
    model = spec.model(op.model) if op.model else None
    actor = spec.actor(op.actor) if op.actor else None
    if model is None or actor is None:
        return set()
    reads = {actor_el(a.name) for a in spec.actors} | {model_el(model.name)}
    bound = {field for _, field in param_bindings(spec, op)}
    parents = [spec.model(f.relation.target_model) for f in model.foreign_fields
               if f.name in bound]
    if op.kind in ("create", "update"):  # the rows its body names may have to be checked
        body = {f.source for f in model_dto_fields(spec, model, op.kind)}
        parents += [spec.model(f.relation.target_model) for f in model.foreign_fields
                    if f.name in body]
        reads |= role_reads(spec, model)
    for root in [model, *parents]:
        if root is not None:
            reads |= {model_el(name) for name in owner_chain_walk(spec, root, actor)[1]}
    names = {p.name for p in parents if p is not None}
    reads |= {operation_el(o) for o in spec.operations
              if o.model in names and o.kind in ("at", "index")}
    return reads


def cut_scope(spec: ProjectSpec, op: Operation) -> tuple[Scope | None, set[str]]:
    """The operation's scope (None: not owner-scoped) and the elements it reads."""
    reads = access_reads(spec, op)
    access = operation_access(spec, op)
    if access.chain is None:
        return None, reads
    reads |= {model_el(h.target) for h in access.chain.hops}
    guards: list[Guard] = []
    through = False
    for parent in access.parents:
        if parent.chain is None:
            continue
        target = spec.model(parent.target)
        assert target is not None
        reads.add(model_el(target.name))
        reads |= {model_el(h.target) for h in parent.chain.hops}
        guards.append(Guard(arg=f"path_{snake(parent.param)}", table=target.name,
                            class_name=ModelRef.of(target).class_name,
                            primary=target.primary_field.name,
                            soft_delete=soft_delete(target), chain=_links(spec, parent.chain)))
        if access.chain.hops and parent.field == access.chain.hops[0].field:
            through = True
    references: list[Reference] = []
    model = spec.model(op.model or "")
    for ref in access.references:
        target = spec.model(ref.target)
        foreign = model.foreign(ref.field) if model is not None else None
        assert target is not None and foreign is not None
        reads |= {model_el(h.target) for h in ref.chain.hops}
        references.append(Reference(
            field=ref.field, nullable=foreign.nullable, table=target.name,
            class_name=ModelRef.of(target).class_name, primary=target.primary_field.name,
            soft_delete=soft_delete(target), chain=_links(spec, ref.chain)))
    return Scope(actor=access.chain.actor, chain=_links(spec, access.chain),
                 guards=tuple(guards), references=tuple(references),
                 through_path=through), reads


# --------------------------------------------------------------------------- text


def owned(class_name: str, primary: str, chain: tuple[Link, ...], indent: str = "") -> str:
    """The SQL condition: a row of ``class_name`` belongs to ``principal``."""
    if not chain:
        return f"{class_name}.{primary} == principal.id"
    return reaches(class_name, chain, "principal.id", indent)


def _callers_or_404(target: Guard | Reference, value: str, test: str = "") -> str:
    """The row of ``target``'s model whose key is ``value`` must exist (live) and be the
    caller's (up ``target``'s chain): 404 otherwise, as if it did not exist."""
    conditions = [f"{target.class_name}.{target.primary} == {value}"]
    if target.soft_delete:
        conditions.append(f"{target.class_name}.deleted_at.is_(None)")
    conditions.append(owned(target.class_name, target.primary, target.chain, "            "))
    where = "".join(f"            {c},\n" for c in conditions)
    return (f"    if {test}session.scalars(\n        select({target.class_name}."
            f"{target.primary}).where(\n{where}        )\n    ).first() is None:\n"
            f"        raise NotFoundError({py_str(f'{target.table} not found')})\n")


def guard_lines(scope: Scope | None) -> str:
    """Each guarded parent must exist (live) and be the caller's: 404 otherwise."""
    if scope is None:
        return ""
    return "".join(_callers_or_404(g, g.arg) for g in scope.guards)


def row_condition(scope: Scope | None, class_name: str, primary: str) -> str | None:
    """at: the condition the fetched row must meet too (not the caller's: 404)."""
    if scope is None or scope.through_path:
        return None
    return owned(class_name, primary, scope.chain, "            ")


def row_check(scope: Scope | None, class_name: str, primary: str, table: str) -> str:
    """update / erase through a chain of several links: not the caller's row: 403.
    (One link is the slice's ``owner`` check.)"""
    if scope is None or scope.direct or scope.through_path:
        return ""
    condition = owned(class_name, primary, scope.chain, "            ")
    return (f"    if session.scalars(\n        select({class_name}.{primary}).where(\n"
            f"            {class_name}.{primary} == row.{primary},\n"
            f"            {condition},\n        )\n    ).first() is None:\n"
            f"        raise ForbiddenError("
            f"{py_str(f'this {table} row belongs to another account')})\n")


def index_filter(scope: Scope | None, class_name: str, primary: str) -> str:
    """index through a chain of several links (or of the caller's own accounts): only
    the caller's rows are listed."""
    if scope is None or (scope.direct and scope.chain) or scope.through_path:
        return ""
    return f"    stmt = stmt.where({owned(class_name, primary, scope.chain, '    ')})\n"


def body_parent_check(scope: Scope | None) -> str:
    """create through a chain whose first link the body names: that parent must be the
    caller's (404 otherwise), checked before the row is added."""
    if scope is None or scope.direct or scope.through_path:
        return ""
    first = scope.chain[0]
    condition = owned(first.class_name, first.primary, scope.chain[1:], "            ")
    return (f"    if session.scalars(\n        select({first.class_name}.{first.primary}).where(\n"
            f"            {first.class_name}.{first.primary} == row.{first.field},\n"
            f"            {condition},\n        )\n    ).first() is None:\n"
            f"        raise NotFoundError({py_str(f'{first.table} not found')})\n")


def reference_checks(scope: Scope | None, update: bool = False) -> str:
    """create / update: each row the body names that must be the caller's is (404
    otherwise, as if it did not exist), checked before the row is written; an update
    checks only what its body sends."""
    if scope is None:
        return ""
    out = ""
    for r in scope.references:
        test = f"{py_str(r.field)} in body.model_fields_set and " if update else ""
        test += f"row.{r.field} is not None and " if r.nullable else ""
        out += _callers_or_404(r, f"row.{r.field}", test)
    return out


def scope_imports(scope: Scope | None, kind: str, table: str,
                  class_name: str) -> tuple[list[str], set[str], set[str]]:
    """(model import lines, sqlalchemy names, app.errors names) the checks of an
    operation on ``table`` (class ``class_name``) use."""
    if scope is None:
        return [], set(), set()
    classes: dict[str, str] = {}
    if kind in ("at", "update", "erase", "index"):
        classes[table] = class_name
    errors: set[str] = set()
    for g in scope.guards:
        classes[g.table] = g.class_name
        classes.update({link.table: link.class_name for link in g.chain[:-1]})
        errors.add("NotFoundError")
    for r in scope.references if kind in ("create", "update") else ():
        classes[r.table] = r.class_name
        classes.update({link.table: link.class_name for link in r.chain[:-1]})
        errors.add("NotFoundError")
    multi = not scope.direct and not scope.through_path
    if multi or (kind in ("at", "index") and not scope.through_path):
        classes.update({link.table: link.class_name for link in scope.chain[:-1]})
    if multi and kind in ("update", "erase"):
        errors.add("ForbiddenError")
    if multi and kind == "create":
        errors.add("NotFoundError")
    sa = {"select"} if scope.guards or multi or scope.references else set()
    lines = [f"from app.models.{table} import {name}" for table, name in classes.items()]
    return lines, sa, errors
