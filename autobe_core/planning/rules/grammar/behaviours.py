"""Forms that declare domain behaviour on a model (``Model.behaviours``,
:mod:`autobe_core.spec.behaviours`), each one ``modifyModel`` edit with the model's
behaviours plus the new one (and the counter field when it is missing):

- ``count views of topics``: ``view_count`` (the model's ``view_count`` field, added as an
  int with default 0 when absent);
- ``keep topics.reply_count as the count of replies``: ``child_count`` over the one
  foreign field of the child pointing at the model (the field added when absent);
- ``keep orders.order_total as the sum of order_items.item_total``: ``child_total``;
- ``snapshot categories into category_snapshots`` / ``record each update of categories
  in category_snapshots``: ``snapshot``.

The validator then judges the result (types, the snapshot's required fields).
"""

from __future__ import annotations

import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.spec.changeset import AddField, Edit, ModifyModel
from autobe_core.spec.model import Behaviour, Model, PlainField


def _declare(model: Model, behaviour: Behaviour, understood: str,
             counter: str | None = None) -> Planned:
    if behaviour in model.behaviours:
        raise NothingToDo(f"{model.name} already has this {behaviour.kind} behaviour")
    edits: list[Edit] = []
    if counter is not None and counter not in model.field_names():
        edits.append(AddField(model=model.name,
                              field=PlainField(name=counter, type="int", default=0)))
    edits.append(ModifyModel(model=model.name, behaviours=[*model.behaviours, behaviour]))
    return Planned(edits, understood)


def _via(child: Model, parent: Model) -> str:
    keys = [f.name for f in child.foreign_fields if f.relation.target_model == parent.name]
    if len(keys) != 1:
        raise NotUnderstood(
            f"{child.name} needs exactly one foreign field pointing at {parent.name} "
            f"(it has {len(keys)}: {', '.join(keys) or 'none'})", keys)
    return keys[0]


def _dotted(g: Context, text: str) -> tuple[Model, str]:
    table, _, field = text.partition(".")
    model = g.resolver.model(table)
    return model, g.resolver.field(model, field)


@reads(
    Form(
        "declare domain behaviour",
        "count views of MODEL / keep MODEL.FIELD as the count of CHILD / keep MODEL.FIELD "
        "as the sum of CHILD.FIELD / snapshot MODEL into SNAPSHOT_MODEL",
        (
            "count views of articles",
            "keep articles.comment_count as the count of comments",
            "keep customers.loyalty_points as the sum of reviews.rating",
            "snapshot articles into article_snapshots",
        ),
        "models",
    )
)
def behaviour(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(r"count\s+(?:the\s+)?views\s+(?:of|on)\s+(?:the\s+)?(?P<m>[\w ]+?)", text)
    if m:
        model = g.resolver.model(m.group("m"))
        return _declare(model, Behaviour(kind="view_count", field="view_count"),
                        f"count views of {model.name} in view_count", "view_count")
    m = re.fullmatch(r"keep\s+(?P<f>[\w]+\.[\w]+)\s+as\s+the\s+(?P<k>count|sum)\s+of\s+"
                     r"(?:the\s+)?(?P<c>[\w]+(?:\.[\w]+)?)", text)
    if m:
        table, _, field = m.group("f").partition(".")
        model = g.resolver.model(table)
        if m.group("k") == "count":
            child = g.resolver.model(m.group("c").partition(".")[0])
            b = Behaviour(kind="child_count", field=field, child=child.name,
                          via=_via(child, model))
            return _declare(model, b, f"keep {model.name}.{field} as the count of its "
                            f"{child.name}", field)
        if "." not in m.group("c"):
            raise NotUnderstood("a sum names the child's field: keep MODEL.FIELD as the sum "
                                "of CHILD.FIELD", [])
        child, summed = _dotted(g, m.group("c"))
        field = g.resolver.field(model, field)
        b = Behaviour(kind="child_total", field=field, child=child.name,
                      via=_via(child, model), sum=summed)
        return _declare(model, b, f"keep {model.name}.{field} as the sum of "
                        f"{child.name}.{summed}")
    m = re.fullmatch(r"(?:snapshot\s+(?P<a>[\w ]+?)\s+(?:in|into|to)|record\s+(?:each|every)\s+"
                     r"update\s+of\s+(?P<b>[\w ]+?)\s+(?:in|into))\s+(?P<s>[\w ]+)", text)
    if m:
        model = g.resolver.model(m.group("a") or m.group("b"))
        snap = g.resolver.model(m.group("s"))
        b = Behaviour(kind="snapshot", child=snap.name, via=_via(snap, model))
        return _declare(model, b, f"each update of {model.name} writes a {snap.name} row")
    return None
