"""The access model: who may call each operation, and which rows are the caller's.

Authorization is part of the spec's meaning, computed here once and consumed by the
operation generator (the handlers enforce it), by the generated tests (derived from this
model, not from the generated code), by the validator and by ``autobe access``.

- :func:`callers`: who may call an operation. Login and refresh are public; the join of
  a non-privileged actor is public; the join of a privileged actor needs a principal of
  a privileged actor; any other operation needs a principal of its actor (none: public).
  ``Operation.access.public`` overrides.
- :func:`owner_key`: the field of a model that records which account of an actor owns a
  row. The actor's own model: its primary key. Otherwise the REQUIRED foreign fields
  targeting the actor's model: exactly one is it; several: the one whose field or
  relation name means ownership (``author``, ``owner``, ``creator``, the actor's name,
  ...), else none (ambiguous: :func:`owner_key_candidates` lets the validator warn).
  A NULLABLE foreign field to the actor's model is an assignment (a reviewer, an
  assignee), not ownership, unless its relation is named for the party itself (the
  actor's name, the stem of its model, or an ownership word: an order's ``seller``) and
  no required field is the key: then it is, and a row without one belongs to no account
  of the actor (every seller reading every order was the alternative).
- :func:`owner_chain`: the shortest path of required foreign fields from a model to a
  model with an owner key (breadth first, ties by field order), ending with that key:
  ``shopping_mall_order_payments.shopping_mall_order_id`` ->
  ``shopping_mall_orders.shopping_mall_customer_id``.
- :func:`operation_access`: both for one operation. Privileged actors (staff,
  :func:`semantics.is_privileged`) are not owner-scoped; ``Operation.access.owner``
  overrides the derived chain (``[]``: not owner-scoped). A path parameter bound to the
  chain's first foreign field selects a parent the caller must own (checked up the
  chain); a parent off the chain (the row records its own owner) must be the caller's
  too unless the caller may read every such parent (:func:`visible`: a comment under
  someone else's public article is fine, an item in someone else's list is not).
  A foreign field a create or update body carries (its DTO), off the chain and not
  bound by the path, that names a row the caller may not read (:func:`visible`) but
  could own (it has an owner chain for the actor) is a reference that must be the
  caller's too: a refund naming another customer's payment is refused.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from autobe_core.spec.memo import memoized
from autobe_core.spec.model import Actor, Model, Operation, ProjectSpec
from autobe_core.spec.semantics import (
    actor_for_model,
    is_privileged,
    model_dto_fields,
    param_bindings,
)

__all__ = [
    "OWNERSHIP_WORDS",
    "AccessChange",
    "Callers",
    "Hop",
    "OperationAccess",
    "OwnerChain",
    "ParentCheck",
    "ReferenceCheck",
    "access_changes",
    "callers",
    "describe_access",
    "explicit_chain",
    "operation_access",
    "owner_chain",
    "owner_chain_walk",
    "owner_key",
    "owner_key_candidates",
    "visible",
]

OWNERSHIP_WORDS = ("author", "owner", "creator", "member", "customer", "user")
"""Words that, in a foreign field's or relation's name, mean "the row's owner"."""

SCOPED_KINDS = ("create", "at", "index", "update", "erase")
AUTH_KINDS = ("join", "login", "refresh")


@dataclass(frozen=True)
class Callers:
    """Who may call an operation: anyone (``public``), or principals of ``actors``."""

    public: bool
    actors: tuple[str, ...] = ()

    def describe(self) -> str:
        return "anyone" if self.public else " or ".join(self.actors)


@dataclass(frozen=True)
class Hop:
    """One foreign field followed: ``model.field`` -> ``target``."""

    model: str
    field: str
    target: str


@dataclass(frozen=True)
class OwnerChain:
    """How a row of ``model`` belongs to an account of ``actor``.

    ``hops`` lead from ``model`` to the actor's model; the last hop's field is the owner
    key of the model it belongs to. No hops: ``model`` is the actor's model, the row is
    the account itself (its primary key is the owner key).
    """

    actor: str
    model: str
    hops: tuple[Hop, ...]

    @property
    def direct(self) -> bool:
        """The row records its owner itself (or is the account)."""
        return len(self.hops) <= 1

    def rest(self) -> OwnerChain:
        """The chain of the first hop's target (the parent the row belongs through)."""
        assert self.hops, "an account has no parent"
        return OwnerChain(self.actor, self.hops[0].target, self.hops[1:])

    def describe(self) -> str:
        if not self.hops:
            return f"{self.model}: the {self.actor}'s own account"
        return " -> ".join(f"{h.model}.{h.field}" for h in self.hops) + f" -> {self.actor}"


@dataclass(frozen=True)
class ParentCheck:
    """A path parameter bound to a foreign field of the operation's model."""

    param: str
    field: str
    target: str
    chain: OwnerChain | None
    """When the parent is on the row's owner chain: the parent's own chain (it must
    be the caller's: 404 otherwise). None: the parent must only exist."""


@dataclass(frozen=True)
class ReferenceCheck:
    """A foreign field a request body sets, naming a row that must be the caller's."""

    field: str
    target: str
    chain: OwnerChain
    """The referenced row's owner chain (404 when the row is not the caller's)."""


@dataclass(frozen=True)
class OperationAccess:
    """Who may call one operation and which rows it checks."""

    callers: Callers
    chain: OwnerChain | None
    """The target rows' owner chain for the caller; None: not owner-scoped."""
    reason: str
    """Why ``chain`` is what it is, in words (shown by ``autobe access``)."""
    parents: tuple[ParentCheck, ...] = ()
    references: tuple[ReferenceCheck, ...] = ()
    """create / update: body fields naming rows that must be the caller's."""

    @property
    def scoped(self) -> bool:
        return self.chain is not None


# --------------------------------------------------------------------------- callers


def callers(spec: ProjectSpec, op: Operation) -> Callers:
    """Who may call ``op`` (see the module docstring)."""
    override = op.access.public if op.access is not None else None
    if override:
        return Callers(public=True)
    if op.kind in ("login", "refresh"):
        return Callers(public=True)
    if op.kind == "join":
        model = spec.model(op.model) if op.model else None
        actor = actor_for_model(spec, model) if model is not None else None
        if actor is None or not is_privileged(actor):
            return Callers(public=True)
        return Callers(public=False,
                       actors=tuple(a.name for a in spec.actors if is_privileged(a)))
    if op.actor is None:
        return Callers(public=True)
    return Callers(public=False, actors=(op.actor,))


# --------------------------------------------------------------------------- owner keys


def _means_ownership(model: Model, field: str, actor: Actor, target: Model) -> bool:
    foreign = model.foreign(field)
    relation = foreign.relation.name.lower() if foreign is not None else ""
    words = (*OWNERSHIP_WORDS, actor.name.lower(), _stem(target.name))
    name = field.lower()
    return any(w and (w in name or w in relation) for w in words)


def _stem(table: str) -> str:
    """``shopping_mall_customers`` -> ``customer``."""
    last = table.rsplit("_", 1)[-1].lower()
    return last[:-1] if last.endswith("s") else last


def owner_key_candidates(model: Model, actor: Actor) -> list[str]:
    """The required foreign fields of ``model`` that target ``actor``'s model."""
    return [f.name for f in model.foreign_fields
            if f.relation.target_model == actor.model and not f.nullable]


@memoized
def owner_key(spec: ProjectSpec, model: Model, actor: Actor) -> str | None:
    """The field recording which account of ``actor`` owns a row of ``model``."""
    if model.name == actor.model:
        return model.primary_field.name
    candidates = owner_key_candidates(model, actor)
    if len(candidates) == 1:
        return candidates[0]
    target = spec.model(actor.model)
    if target is None:
        return None
    if not candidates:
        parties = party_keys(model, actor, target)
        return parties[0] if len(parties) == 1 else None
    named = [c for c in candidates if _means_ownership(model, c, actor, target)]
    return named[0] if len(named) == 1 else None


def party_keys(model: Model, actor: Actor, target: Model) -> list[str]:
    """The nullable foreign fields of ``model`` to ``actor``'s model whose relation is
    named for the party (``seller``), not for a part it plays (``reviewer``)."""
    names = {*OWNERSHIP_WORDS, actor.name.lower(), _stem(target.name)}
    return [f.name for f in model.foreign_fields
            if f.relation.target_model == actor.model and f.nullable
            and f.relation.name.lower() in names]


def owner_chain(spec: ProjectSpec, model: Model, actor: Actor) -> OwnerChain | None:
    """The shortest chain of required foreign fields from ``model`` to an owner key."""
    return owner_chain_walk(spec, model, actor)[0]


@memoized
def owner_chain_walk(
    spec: ProjectSpec, model: Model, actor: Actor
) -> tuple[OwnerChain | None, frozenset[str]]:
    """:func:`owner_chain`, and the models it looked at (what the answer depends on)."""
    if model.name == actor.model:
        return OwnerChain(actor.name, model.name, ()), frozenset({model.name})
    queue: deque[tuple[Model, tuple[Hop, ...]]] = deque([(model, ())])
    seen = {model.name, actor.model}
    while queue:
        current, hops = queue.popleft()
        key = owner_key(spec, current, actor)
        if key is not None:
            return OwnerChain(actor.name, model.name,
                              (*hops, Hop(current.name, key, actor.model))), frozenset(seen)
        for field in current.foreign_fields:
            target = spec.model(field.relation.target_model)
            if field.nullable or target is None or target.name in seen:
                continue
            seen.add(target.name)
            queue.append((target, (*hops, Hop(current.name, field.name, target.name))))
    return None, frozenset(seen)


def explicit_chain(
    spec: ProjectSpec, model: Model, actor: Actor, fields: list[str]
) -> OwnerChain | str:
    """The chain an ``access.owner`` override names, or why it is not one."""
    hops: list[Hop] = []
    current = model
    for index, name in enumerate(fields):
        foreign = current.foreign(name)
        if foreign is None:
            return f"{current.name} has no foreign field {name!r}"
        target = spec.model(foreign.relation.target_model)
        if target is None:
            return f"{current.name}.{name} targets unknown model {foreign.relation.target_model!r}"
        hops.append(Hop(current.name, name, target.name))
        if target.name == actor.model:
            if index != len(fields) - 1:
                return f"{current.name}.{name} already reaches {actor.name}'s model"
            return OwnerChain(actor.name, model.name, tuple(hops))
        current = target
    return (f"the chain ends at {current.name}, not at {actor.model} "
            f"(the accounts of {actor.name})")


# --------------------------------------------------------------------------- operations


@memoized
def operation_access(spec: ProjectSpec, op: Operation) -> OperationAccess:
    """Who may call ``op`` and the owner chain its rows are checked through."""
    who = callers(spec, op)
    model = spec.model(op.model) if op.model else None
    actor = spec.actor(op.actor) if op.actor and op.kind not in AUTH_KINDS else None
    if model is None or op.kind not in SCOPED_KINDS:
        reason = "not implemented (501)" if op.kind == "custom" else "an account operation"
        return OperationAccess(who, None, reason)
    if actor is None or spec.model(actor.model) is None:
        return OperationAccess(who, None, "public")
    if is_privileged(actor):
        return OperationAccess(who, None, f"{actor.name} is privileged (staff): every row")
    chain: OwnerChain | None
    if op.access is not None and op.access.owner is not None:
        if not op.access.owner:
            return OperationAccess(who, None, "access.owner is []: the role only")
        found = explicit_chain(spec, model, actor, op.access.owner)
        if isinstance(found, str):
            return OperationAccess(who, None, f"invalid access.owner: {found}")
        chain, reason = found, "access.owner (explicit)"
    else:
        chain = owner_chain(spec, model, actor)
        reason = "derived" if chain is not None else \
            f"no required foreign key leads from {model.name} to {actor.model}"
    parents: list[ParentCheck] = []
    if chain is not None:
        for param, field in param_bindings(spec, op):
            foreign = model.foreign(field)
            parent = spec.model(foreign.relation.target_model) if foreign else None
            if parent is None:
                continue
            parent_chain: OwnerChain | None = None
            if chain.hops and chain.hops[0].field == field:
                parent_chain = chain.rest()
            elif not visible(spec, parent, actor):
                parent_chain = owner_chain(spec, parent, actor)
            parents.append(ParentCheck(param, field, parent.name, parent_chain))
    references = (_references(spec, op, model, actor, chain, parents)
                  if chain is not None and op.kind in ("create", "update") else ())
    return OperationAccess(who, chain, reason, tuple(parents), references)


def _references(
    spec: ProjectSpec, op: Operation, model: Model, actor: Actor, chain: OwnerChain,
    parents: list[ParentCheck],
) -> tuple[ReferenceCheck, ...]:
    """The body's references to rows that must be the caller's (see the docstring)."""
    skip = {p.field for p in parents} | ({chain.hops[0].field} if chain.hops else set())
    body = {f.source for f in model_dto_fields(spec, model, "create" if op.kind == "create"
                                              else "update")}
    out: list[ReferenceCheck] = []
    for foreign in model.foreign_fields:
        target = spec.model(foreign.relation.target_model)
        if foreign.name in skip or foreign.name not in body or target is None \
                or target.name == actor.model:
            continue
        if visible(spec, target, actor):
            continue
        found = owner_chain(spec, target, actor)
        if found is not None:
            out.append(ReferenceCheck(foreign.name, target.name, found))
    return tuple(out)


def visible(spec: ProjectSpec, model: Model, actor: Actor) -> bool:
    """Whether ``actor``'s principals may read any row of ``model``: a public ``at`` or
    ``index`` on it, or one of theirs with ``access.owner: []``. A row under a visible
    parent may record its own owner (a comment under someone else's article); under an
    invisible one, the parent must be the caller's (an item in someone else's list)."""
    for op in spec.operations:
        if op.model != model.name or op.kind not in ("at", "index"):
            continue
        if op.actor is None or (op.access is not None and op.access.public):
            return True
        if op.actor == actor.name and op.access is not None and op.access.owner == []:
            return True
    return False


# --------------------------------------------------------------------------- changes


def describe_access(spec: ProjectSpec, op: Operation) -> str:
    """One line: who may call ``op`` and what its rows are checked through."""
    found = operation_access(spec, op)
    rows = found.chain.describe() if found.chain is not None else f"not scoped ({found.reason})"
    checks = [f"{p.param}: {p.target}" for p in found.parents if p.chain is not None]
    checks += [f"body {r.field}: {r.target}" for r in found.references]
    guarded = f"; the caller's: {', '.join(checks)}" if checks else ""
    return f"{found.callers.describe()}; rows: {rows}{guarded}"


@dataclass(frozen=True)
class AccessChange:
    """How one operation's access differs between two specs (None: absent there)."""

    endpoint: str
    before: str | None
    after: str | None


def access_changes(before: ProjectSpec, after: ProjectSpec) -> tuple[AccessChange, ...]:
    """The operations whose access (:func:`describe_access`) differs, in ``after``'s order
    then the removed ones: what a revision did to who may reach which rows."""
    old = {op.endpoint: describe_access(before, op) for op in before.operations}
    new = {op.endpoint: describe_access(after, op) for op in after.operations}
    changes = [AccessChange(e, old.get(e), d) for e, d in new.items() if old.get(e) != d]
    changes += [AccessChange(e, d, None) for e, d in old.items() if e not in new]
    return tuple(changes)
