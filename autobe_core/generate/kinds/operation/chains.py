"""Path parameters that reach the row through a grandparent, as SQL conditions.

``/products/{productId}/options/{optionId}/values/{valueId}``: ``productId`` selects no
field of the value row; it names the product its option belongs to. The spec binds it
to the chain of foreign fields followed from the row (``option_id.product_id``,
:func:`autobe_core.spec.semantics.binding_chain`); a chain of any length is one nested
``IN`` condition over the models' primary keys:

``Value.option_id.in_(select(Option.id).where(Option.product_id == path_product_id))``.

A row whose chain does not reach the path's grandparent is not found (404), as if the
path named nothing: at / update / erase / index filter by the condition, a create checks
the parent its new row points at before adding it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from autobe_core.generate.common import ModelRef, Slice
from autobe_core.generate.emit import py_str
from autobe_core.spec.model import Model, ProjectSpec
from autobe_core.spec.semantics import binding_chain

if TYPE_CHECKING:
    from autobe_core.generate.kinds.operation.generator import Param

__all__ = ["Link", "chain_checks", "chain_classes", "chain_conditions", "chain_links",
           "reaches"]


class Link(Slice):
    """One foreign field of a chain and the model it leads to."""

    field: str
    table: str
    class_name: str
    primary: str


def chain_links(spec: ProjectSpec, model: Model, binds: str) -> tuple[Link, ...]:
    """The links of a (validated) chain binding, from ``model``."""
    links: list[Link] = []
    for hop in binding_chain(spec, model, binds) or ():
        target = spec.model(hop.relation.target_model)
        assert target is not None
        links.append(Link(field=hop.name, table=target.name,
                          class_name=ModelRef.of(target).class_name,
                          primary=target.primary_field.name))
    return tuple(links)


def reaches(class_name: str, chain: tuple[Link, ...], value: str, indent: str = "") -> str:
    """The SQL condition: following ``chain`` from a row of ``class_name`` leads to the
    row whose key is ``value`` (``chain`` has at least one link)."""
    first = chain[0]
    if len(chain) == 1:
        return f"{class_name}.{first.field} == {value}"
    inner = reaches(first.class_name, chain[1:], value, indent + "    ")
    return (f"{class_name}.{first.field}.in_(\n{indent}    select({first.class_name}."
            f"{first.primary}).where({inner})\n{indent})")


def chain_conditions(params: Iterable[Param], class_name: str, indent: str) -> list[str]:
    """at / update / erase / index: the row reaches every grandparent the path names."""
    return [reaches(class_name, p.chain, p.arg, indent) for p in params if p.chain]


def chain_checks(params: Iterable[Param]) -> str:
    """create: the parent the new row points at reaches the path's grandparent (404
    otherwise, as if the path named nothing), checked before the row is added."""
    out = ""
    for p in params:
        if not p.chain:
            continue
        first = p.chain[0]
        condition = reaches(first.class_name, p.chain[1:], p.arg, "            ")
        out += (f"    if session.scalars(\n        select({first.class_name}.{first.primary})"
                f".where(\n            {first.class_name}.{first.primary} == row.{first.field},\n"
                f"            {condition},\n        )\n    ).first() is None:\n"
                f"        raise NotFoundError({py_str(f'{first.table} not found')})\n")
    return out


def chain_classes(params: Iterable[Param]) -> dict[str, str]:
    """table -> class of the models the chain conditions name (all links but the
    last: the last link's key is the path's value)."""
    return {link.table: link.class_name for p in params for link in p.chain[:-1]}
