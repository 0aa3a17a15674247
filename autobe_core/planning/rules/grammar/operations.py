"""The operation forms: let an actor do something (or use a catalog feature), stop an
actor doing something, add CRUD operations, remove operations (by words or by path)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog import CATALOG
from autobe_core.planning.rules.catalog.engine import Planned
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.explain import describe_operation
from autobe_core.planning.rules.grammar.context import Context
from autobe_core.planning.rules.grammar.features import add_feature, feature_target
from autobe_core.planning.rules.grammar.registry import Form, reads
from autobe_core.planning.rules.removal import Removal, plan_removal
from autobe_core.spec.changeset import AddOperation, Edit
from autobe_core.spec.model import Actor, HttpMethod, Model, Operation, OperationKind, Parameter
from autobe_core.spec.semantics import ROW_KINDS

VERBS: dict[str, tuple[OperationKind, ...]] = {
    "create": ("create",),
    "add": ("create",),
    "post": ("create",),
    "write": ("create",),
    "submit": ("create",),
    "read": ("index", "at"),
    "view": ("index", "at"),
    "see": ("index", "at"),
    "browse": ("index", "at"),
    "access": ("index", "at"),
    "get": ("at",),
    "fetch": ("at",),
    "open": ("at",),
    "list": ("index",),
    "search": ("index",),
    "index": ("index",),
    "update": ("update",),
    "edit": ("update",),
    "modify": ("update",),
    "change": ("update",),
    "delete": ("erase",),
    "remove": ("erase",),
    "erase": ("erase",),
    "destroy": ("erase",),
    "manage": ("index", "at", "create", "update", "erase"),
}
"""Verbs of "let ACTOR VERB MODEL" -> operation kinds."""

KIND_VERBS: dict[str, OperationKind] = {
    "create": "create",
    "post": "create",
    "add": "create",
    "read": "at",
    "get": "at",
    "at": "at",
    "show": "at",
    "view": "at",
    "list": "index",
    "index": "index",
    "search": "index",
    "update": "update",
    "edit": "update",
    "put": "update",
    "delete": "erase",
    "erase": "erase",
    "remove": "erase",
}
"""Verbs naming an operation in "remove the VERB MODEL endpoint"."""

ACTION: dict[str, str] = {
    "create": "create",
    "at": "read",
    "index": "list",
    "update": "update",
    "erase": "delete",
}
"""Operation kind -> the verb an understood request says."""

CRUD: tuple[OperationKind, ...] = ("index", "at", "create", "update", "erase")
"""The kinds "add crud for MODEL" (and "add resource") grants."""

_METHODS: dict[OperationKind, HttpMethod] = {
    "create": "post",
    "at": "get",
    "index": "patch",
    "update": "put",
    "erase": "delete",
}

_VERB_RE = "|".join(sorted(VERBS, key=len, reverse=True))
_VERBS = rf"(?:{_VERB_RE})(?:ing)?(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*/\s*)(?:{_VERB_RE})(?:ing)?)*"
_KIND_RE = "|".join(sorted(KIND_VERBS, key=len, reverse=True))
_OP_NOUN = r"(?:end\s*points?|operations?|routes?|apis?|handlers?)"

# --------------------------------------------------------------------------- let / forbid


@reads(
    Form(
        "let an actor do something",
        "let ACTOR create | read | list | update | delete MODEL",
        ("let admins delete comments", "let anyone read wishlists"),
        "operations",
    ),
    Form(
        "let an actor use a feature",
        "let ACTOR comment on | like | bookmark | follow | rate | review | report | tag MODEL",
        ("let members comment on articles", "let users like items"),
        "operations",
    ),
)
def let(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(r"(?:let|allow|permit)\s+(?P<body>.+)", text)
    if not m:
        return None
    problem: NotUnderstood | None = None
    for actor, rest, error in _actor_splits(g, m.group("body")):
        for feature in CATALOG:
            for verb in sorted(feature.verbs, key=len, reverse=True):
                fm = re.fullmatch(
                    rf"{re.escape(verb)}(?:\s+(?:on|to|for))?(?:\s+(?P<what>.+))?", rest
                )
                if fm is None:
                    continue
                if error is not None:
                    problem = problem or error
                    continue
                target = feature_target(g, feature, fm.group("what"))
                return add_feature(g, feature, target, None, actor)
        vm = re.fullmatch(rf"(?P<verbs>{_VERBS})\s+(?P<what>.+)", rest)
        if vm is None:
            continue
        if error is not None:
            problem = problem or error
            continue
        kinds = _kinds(vm.group("verbs"))
        return grant(g, g.resolver.model(vm.group("what")), actor, kinds)
    if problem is not None:
        raise problem
    return None


@reads(
    Form(
        "stop an actor doing something",
        "don't let ACTOR VERB MODEL",
        ("don't let moderators delete comments",),
        "operations",
    )
)
def forbid(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"(?:(?:don't|do\s+not|dont|no\s+longer|stop|never)\s+(?:let|letting|allow|allowing)|"
        r"forbid|disallow|prevent)\s+(?P<body>.+)",
        text,
    )
    if not m:
        return None
    problem: NotUnderstood | None = None
    for actor, rest, error in _actor_splits(g, m.group("body")):
        vm = re.fullmatch(rf"(?P<verbs>{_VERBS})\s+(?P<what>.+)", rest)
        if vm is None:
            continue
        if error is not None:
            problem = problem or error
            continue
        kinds = _kinds(vm.group("verbs"))
        model = _model_with_ops(g, vm.group("what"), kinds, (True, actor))
        return revoke(g, model, kinds, [actor])
    if problem is not None:
        raise problem
    return None


def revoke(
    g: Context, model: Model, kinds: tuple[OperationKind, ...], actors: list[Actor | None]
) -> Planned:
    """Remove the operations of ``kinds`` on ``model`` that ``actors`` call (None in the
    list: the public's)."""
    names = {a.name if a else None for a in actors}
    found = [
        op
        for op in g.spec.operations
        if op.model == model.name and op.kind in kinds and op.actor in names
    ]
    who = " and ".join(sorted(a.name if a else "the public" for a in actors))
    if not found:
        raise NothingToDo(f"{who} has no such operation on {model.name}")
    doing = " or ".join(ACTION[k] for k in kinds)
    return _remove_ops(g, found, f"stop {who} being able to {doing} {model.name}")


def _actor_splits(
    g: Context, body: str
) -> Iterator[tuple[Actor | None, str, NotUnderstood | None]]:
    """Every way to read ``body`` as ACTOR + the rest: (actor, rest, why the words
    are no actor)."""
    words = body.split()
    for k in range(1, len(words)):
        who = " ".join(words[:k])
        rest = re.sub(r"^(?:to|from)\s+", "", " ".join(words[k:]))
        try:
            yield g.resolver.actor(who), rest, None
        except NotUnderstood as exc:
            yield None, rest, exc


def _kinds(verbs: str) -> tuple[OperationKind, ...]:
    kinds: list[OperationKind] = []
    for verb in re.split(r"\s*,\s*|\s+and\s+|\s+or\s+|/", verbs):
        verb = verb.strip()
        if verb.endswith("ing") and verb[:-3] in VERBS:
            verb = verb[:-3]
        elif verb.endswith("ing") and verb[:-3] + "e" in VERBS:
            verb = verb[:-3] + "e"
        for k in VERBS.get(verb, ()):
            if k not in kinds:
                kinds.append(k)
    return tuple(kinds)


# --------------------------------------------------------------------------- crud / grant


@reads(
    Form(
        "add CRUD operations",
        "add crud for MODEL [for ACTOR]",
        ("add crud for labels",),
        "operations",
    )
)
def crud(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        r"(?:add|generate|create|make)\s+(?:the\s+)?(?:crud|rest|rest\s+api|api)"
        r"(?:\s+(?:end\s*points|operations|routes|api))?\s+(?:for|to|on|of)\s+(?P<what>.+?)"
        r"(?:\s+(?:for|by)\s+(?P<who>.+))?",
        text,
    )
    if not m:
        return None
    model = g.resolver.model(m.group("what"))
    actor = g.resolver.actor(m.group("who")) if m.group("who") else g.conv.owner
    return grant(g, model, actor, CRUD)


def grant(
    g: Context, model: Model, actor: Actor | None, kinds: tuple[OperationKind, ...]
) -> Planned:
    """The operations of ``kinds`` on ``model`` that ``actor`` lacks."""
    name = actor.name if actor else None
    edits: list[Edit] = []
    have: list[str] = []
    new_ops: list[Operation] = []
    for kind in kinds:
        existing = [op for op in g.spec.operations if op.model == model.name and op.kind == kind]
        same = [op for op in existing if op.actor == name]
        if same:
            have.append(describe_operation(same[0]))
            continue
        op = _new_operation(g, model, kind, actor, existing)
        taken = [
            o for o in [*g.spec.operations, *new_ops] if (o.method, o.path) == (op.method, op.path)
        ]
        if taken:
            raise NotUnderstood(
                f"the path {op.method.upper()} {op.path} for {name or 'the public'} is "
                f"taken by another operation; the project's paths do not say the actor",
                [],
            )
        new_ops.append(op)
        edits.append(AddOperation(operation=op))
    who = name or "anyone"
    understood = f"let {who} {' and '.join(ACTION[k] for k in kinds)} {model.name}"
    if not edits:
        raise NothingToDo(f"{who} can already do that: " + "; ".join(have))
    notes = ["already there: " + "; ".join(have)] if have else []
    return Planned(edits, understood, notes)


def _new_operation(
    g: Context, model: Model, kind: OperationKind, actor: Actor | None, existing: list[Operation]
) -> Operation:
    """An operation of ``kind`` on ``model`` for ``actor``: the path of an existing
    operation of the kind (or, failing that, of the same shape: row or collection)
    with the actor segment swapped, else a path in the project's style."""
    row = kind in ROW_KINDS
    similar = existing or [
        op
        for op in g.spec.operations
        if op.model == model.name and op.kind in (ROW_KINDS if row else ("create", "index"))
    ]
    if similar:
        template = similar[0]
        return Operation(
            path=_swap_actor(g, template, actor),
            method=_METHODS[kind],
            name=kind,
            kind=kind,
            model=model.name,
            actor=actor.name if actor else None,
            parameters=list(template.parameters),
        )
    anchor = g.conv.anchor(model)
    path = f"{g.conv.base(actor)}/{anchor.segment}"
    params: list[Parameter] = []
    if row:
        path += f"/{{{anchor.param}}}"
        params.append(Parameter(name=anchor.param, binds=model.primary_field.name))
    return Operation(
        path=path,
        method=_METHODS[kind],
        name=kind,
        kind=kind,
        model=model.name,
        actor=actor.name if actor else None,
        parameters=params,
    )


def _swap_actor(g: Context, op: Operation, actor: Actor | None) -> str:
    segs = op.path.strip("/").split("/")
    at = 1 if g.conv.api and segs and segs[0] == g.conv.api else 0
    has = op.actor is not None and len(segs) > at and segs[at] == op.actor
    if has:
        del segs[at]
    if actor is not None and g.conv.actor_segment:
        segs.insert(at, actor.name)
    return "/" + "/".join(segs)


# --------------------------------------------------------------------------- remove


@reads(
    Form(
        "remove an operation",
        "remove the VERB MODEL endpoint / remove METHOD PATH",
        (
            "remove the delete item endpoint",
            "remove the delete comment endpoints",
            "remove DELETE /todo/user/items/{itemId}",
        ),
        "operations",
    )
)
def remove_endpoint_by_path(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        rf"(?:remove|delete|drop)\s+(?:the\s+)?(?:{_OP_NOUN}\s+)?"
        rf"(?P<method>get|post|put|patch|delete)\s+(?P<path>/\S*)(?:\s+{_OP_NOUN})?",
        text,
    )
    if not m:
        return None
    method, path = m.group("method"), m.group("path").lower().rstrip("/") or "/"
    found = [op for op in g.spec.operations if op.method == method and op.path.lower() == path]
    if not found:
        endpoints = [f"{op.method.upper()} {op.path}" for op in g.spec.operations]
        raise NotUnderstood(
            f"no operation {method.upper()} {path}",
            difflib.get_close_matches(f"{method.upper()} {path}", endpoints, n=5, cutoff=0.4),
        )
    return _remove_ops(g, found, f"remove operation {found[0].endpoint}")


@reads("remove an operation")
def remove_endpoint_by_words(g: Context, text: str) -> Planned | None:
    m = re.fullmatch(
        rf"(?:remove|delete|drop)\s+(?:the\s+)?(?:(?P<who>[\w-]+)(?:'s)?\s+)??"
        rf"(?P<verb>{_KIND_RE})\s+(?P<what>.+?)\s+(?P<noun>{_OP_NOUN})"
        rf"(?:\s+(?:of|for)\s+(?P<who2>.+))?",
        text,
    )
    if m:
        who = m.group("who") or m.group("who2")
        what, verb, noun = m.group("what"), m.group("verb"), m.group("noun")
    else:
        m = re.fullmatch(
            rf"(?:remove|delete|drop)\s+(?:the\s+)?(?P<verb>{_KIND_RE})\s+"
            rf"(?P<noun>{_OP_NOUN})\s+(?:of|for|on)\s+(?P<what>.+?)"
            rf"(?:\s+(?:by|for)\s+(?P<who>.+))?",
            text,
        )
        if not m:
            return None
        who, what, verb, noun = m.group("who"), m.group("what"), m.group("verb"), m.group("noun")
    kind = KIND_VERBS[verb]
    actor_filter: tuple[bool, Actor | None] = (False, None)
    if who:
        actor_filter = (True, g.resolver.actor(who))
    model = _model_with_ops(g, what, (kind,), actor_filter)
    found = [
        op
        for op in g.spec.operations
        if op.model == model.name
        and op.kind == kind
        and (not actor_filter[0] or op.actor == (actor_filter[1].name if actor_filter[1] else None))
    ]
    if not found:
        raise NothingToDo(f"{model.name} has no {verb} operation" + (f" for {who}" if who else ""))
    if len(found) > 1 and not noun.endswith("s"):
        raise NotUnderstood(
            f"{model.name} has {len(found)} {verb} operations; say which (or ask for "
            f"all of them: 'remove the {verb} {what} {noun}s')",
            [f"remove {op.method.upper()} {op.path}" for op in found],
        )
    return _remove_ops(
        g, found, f"remove the {verb} operation{'s' if len(found) > 1 else ''} of {model.name}"
    )


def _model_with_ops(
    g: Context, phrase: str, kinds: tuple[OperationKind, ...], actor: tuple[bool, Actor | None]
) -> Model:
    """The model ``phrase`` names; an ambiguity is settled when only one of the
    candidates has an operation of those kinds (for that actor)."""
    _, candidates = g.resolver.model_levels(phrase)
    if len(candidates) > 1:
        having = [
            m
            for m in candidates
            if any(
                op.model == m.name
                and op.kind in kinds
                and (not actor[0] or op.actor == (actor[1].name if actor[1] else None))
                for op in g.spec.operations
            )
        ]
        if len(having) == 1:
            return having[0]
        if having:
            ops = [
                f"{op.method.upper()} {op.path}"
                for op in g.spec.operations
                if op.model in {m.name for m in having} and op.kind in kinds
            ]
            raise NotUnderstood(
                f"{phrase!r} is ambiguous: it could be " + ", ".join(m.name for m in having),
                [f"remove {e}" for e in ops] or [m.name for m in having],
            )
    return g.resolver.model(phrase)


def _remove_ops(g: Context, ops: list[Operation], understood: str) -> Planned:
    plan = plan_removal(g.spec, Removal(operations=[(op.method, op.path) for op in ops]))
    return Planned(plan.edits, understood)
