"""The form that makes an operation the user's: ``implement METHOD PATH myself`` (or the
operation id). The operation becomes ``custom`` with ``implementation: user``
(docs/generated-backend.md, "Custom operations"): autobe generates its typed interface
and creates ``app/custom/<operation_id>.py`` once, for the user to fill in. A CRUD
operation keeps its model, actor and parameters, and its derived bodies are written out
(``requestBody`` / ``responseBody``) so the interface stays typed over the same DTOs.
``autobe implement OPERATION`` reads the same form."""

from __future__ import annotations

import difflib
import re

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.spec.changeset import ModifyOperation
from autobe_core.spec.model import Body, Operation
from autobe_core.spec.naming import dto_type_names, operation_id
from autobe_core.spec.semantics import BODIES

OWNABLE = frozenset({"custom", "create", "at", "index", "update", "erase"})
"""Kinds a user may take over (the token operations stay autobe's)."""


def _find(g: Context, text: str) -> Operation | None:
    m = re.fullmatch(
        r"(?:i(?:'ll| will)\s+|let\s+me\s+)?implement\s+(?:the\s+)?(?:operation\s+|endpoint\s+)?"
        r"(?:(?P<method>get|post|put|patch|delete)\s+(?P<path>/\S*)|(?P<id>[a-z][a-z0-9_]*))"
        r"(?:\s+(?:operation|endpoint))?\s+(?:myself|by\s+hand|in\s+my\s+own\s+code)",
        text,
    )
    if not m:
        return None
    ops = g.spec.operations
    if m.group("id"):
        found = [op for op in ops if operation_id(op) == m.group("id")]
        wanted, known = m.group("id"), [operation_id(op) for op in ops]
    else:
        method, path = m.group("method"), m.group("path").rstrip("/") or "/"
        found = [op for op in ops if op.method == method and op.path.lower() == path]
        wanted, known = f"{method.upper()} {path}", [op.endpoint for op in ops]
    if not found:
        raise NotUnderstood(f"no operation {wanted}",
                            difflib.get_close_matches(wanted, known, n=5, cutoff=0.4))
    return found[0]


def _bodies(g: Context, op: Operation) -> dict[str, Body | None]:
    model = g.spec.model(op.model) if op.model else None
    if model is None or op.kind not in BODIES:
        return {}
    names = dto_type_names(model)
    request, response = BODIES[op.kind]
    update: dict[str, Body | None] = {}
    if op.request_body is None and request:
        update["request_body"] = Body(type_name=names[request[0]])
    if op.response_body is None and response:
        update["response_body"] = Body(type_name=names[response[0]])
    return update


@reads(
    Form(
        "implement an operation yourself",
        "implement METHOD PATH myself / implement OPERATION_ID myself",
        (
            "implement PUT /todo/user/lists/{listId} myself",
            "implement get_bbs_categories_by_category_id myself",
        ),
        "operations",
    )
)
def implement_myself(g: Context, text: str) -> Planned | None:
    op = _find(g, text)
    if op is None:
        return None
    if op.kind == "custom" and op.implementation == "user":
        raise NothingToDo(f"{op.endpoint} is already yours (app/custom/{operation_id(op)}.py)")
    if op.kind not in OWNABLE:
        raise NotUnderstood(
            f"{op.endpoint} is a {op.kind} operation: it issues or checks tokens, which "
            "autobe keeps generating", sorted(f"implement {o.endpoint} myself"
                                              for o in g.spec.operations if o.kind in OWNABLE)[:5])
    new = op.model_copy(update={"kind": "custom", "implementation": "user", **_bodies(g, op)})
    edit = ModifyOperation(method=op.method, path=op.path, operation=new)
    return Planned([edit], f"implement {op.endpoint} yourself in "
                           f"app/custom/{operation_id(op)}.py")
