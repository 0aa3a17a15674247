"""What a generated test file knows of its operation's access model.

Cut from :func:`autobe_core.spec.access.operation_access`, never from the generated
handler: the owner chain of the rows (the foreign fields and the models they lead to,
up to the caller's account), the path parameters that select parents the caller must
own, and the body fields naming rows the caller must own. The tests make rows along
these chains for one account and call with another.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from autobe_core.spec.access import OwnerChain, operation_access
from autobe_core.spec.model import Operation, ProjectSpec


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChainHop(_Frozen):
    """One foreign field of an owner chain: ``field`` leads to a row of ``target_model``."""

    field: str
    target_model: str


class GuardShape(_Frozen):
    """A path parameter selecting a parent the caller must own."""

    param: str
    field: str
    chain: tuple[ChainHop, ...]
    """The parent's owner chain (empty: the parent is the caller's account)."""


class ReferenceShape(_Frozen):
    """A foreign field the body sets, naming a row the caller must own."""

    field: str
    target_model: str
    chain: tuple[ChainHop, ...]
    """The referenced row's owner chain."""


class AccessShape(_Frozen):
    """An owner-scoped operation as its tests see it."""

    chain: tuple[ChainHop, ...]
    """The rows' owner chain (empty: the row is the caller's account)."""
    guards: tuple[GuardShape, ...] = ()
    through_path: bool = False
    """The chain's first field is bound by a guarded path parameter."""
    references: tuple[ReferenceShape, ...] = ()

    @property
    def direct(self) -> bool:
        return len(self.chain) <= 1


def _hops(chain: OwnerChain) -> tuple[ChainHop, ...]:
    return tuple(ChainHop(field=h.field, target_model=h.target) for h in chain.hops)


def access_shape(spec: ProjectSpec, op: Operation) -> AccessShape | None:
    """The operation's access as its tests see it; None: not owner-scoped."""
    access = operation_access(spec, op)
    if access.chain is None:
        return None
    guards = tuple(GuardShape(param=p.param, field=p.field, chain=_hops(p.chain))
                   for p in access.parents if p.chain is not None)
    first = access.chain.hops[0].field if access.chain.hops else None
    references = tuple(ReferenceShape(field=r.field, target_model=r.target,
                                      chain=_hops(r.chain)) for r in access.references)
    return AccessShape(chain=_hops(access.chain), guards=guards,
                       through_path=any(g.field == first for g in guards),
                       references=references)
