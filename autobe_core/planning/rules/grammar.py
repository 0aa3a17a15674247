"""The direct requests the rule planner understands (docs/planning.md lists them).

A request is normalized (:func:`words.normalize`), then each form is tried in order;
the first that matches decides. A form that matches but names something the project
does not have (or names it ambiguously) raises NotUnderstood with the candidates, so
the request is never guessed at. Catalog features ("add comments to articles") are
tried after the forms with a keyword (``model``, ``field``, ``index``, ...), and a bare
"add X to MODEL" / "remove X from MODEL" is read as a field last.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.adapt import Conventions, singular_name
from autobe_core.planning.rules.catalog import CATALOG, Feature, find_feature
from autobe_core.planning.rules.catalog.base import timestamps
from autobe_core.planning.rules.catalog.engine import Planned, plan_add, plan_remove
from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.explain import describe_operation
from autobe_core.planning.rules.fields import FieldRequest, parse_field
from autobe_core.planning.rules.removal import Removal, index_entries, plan_removal
from autobe_core.planning.rules.resolve import Resolver
from autobe_core.planning.rules.words import plural_snake, snake_of, tokens
from autobe_core.spec.changeset import (
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    Edit,
    IndexKind,
    ModifyField,
    RemoveIndex,
    RenameField,
    RenameModel,
)
from autobe_core.spec.model import (
    Actor,
    ForeignField,
    HttpMethod,
    Model,
    Operation,
    OperationKind,
    Parameter,
    PlainField,
    ProjectSpec,
    Relation,
    UniqueIndex,
)
from autobe_core.spec.naming import field_problem, model_name_problem, pascal
from autobe_core.spec.semantics import ROW_KINDS


@dataclass(frozen=True)
class Form:
    """One request form, for the docs and for "did you mean" suggestions."""

    name: str
    template: str
    examples: tuple[str, ...]


FORMS: tuple[Form, ...] = (
    Form(
        "add a model",
        "add model NAME [with FIELD, ...] [belonging to MODEL] [owned by ACTOR] [in NAMESPACE]",
        ("add model tags", "add model projects with name:string, budget:double"),
    ),
    Form(
        "add a resource",
        "add resource NAME [with FIELD, ...]: a model and its CRUD operations",
        ("add resource polls with question:string belonging to articles",),
    ),
    Form("remove a model", "remove model MODEL", ("remove model labels", "drop the table lists")),
    Form("rename a model", "rename [model] MODEL to NAME", ("rename labels to tags",)),
    Form(
        "add a field",
        "add [field] FIELD to MODEL (FIELD: NAME:TYPE, or words)",
        (
            "add field estimate:int to items",
            "add a nullable due date to lists",
            "add status enum open/closed to lists",
            "add an email field contact_email to users",
            "add a unique field code:string to labels",
        ),
    ),
    Form(
        "add a field everywhere",
        "add field FIELD to every model [in NAMESPACE]",
        ("add field note:text to every model",),
    ),
    Form(
        "remove a field",
        "remove [field] FIELD from MODEL",
        ("remove field notes from items", "drop the color column of labels", "remove items.notes"),
    ),
    Form(
        "rename a field",
        "rename field FIELD of MODEL to NAME",
        ("rename field title of lists to name", "rename items.notes to details"),
    ),
    Form(
        "make a field unique / optional / required",
        "make FIELD of MODEL unique | not unique | optional | required | indexed | searchable",
        ("make color of labels unique", "make notes of items required"),
    ),
    Form(
        "add an index",
        "index MODEL by FIELD[, FIELD] / add [unique | search] index on MODEL (FIELDS)",
        (
            "index items by due_at",
            "add an index on items (status, due_at)",
            "add a search index on articles (title)",
        ),
    ),
    Form(
        "cross-cutting fields",
        "add created_by | timestamps | soft delete | audit fields to "
        "every model / NAMESPACE / MODEL",
        (
            "add soft delete to every model",
            "add timestamps to every model in Todos",
            "add created_by to every model",
            "add soft delete to the Boards namespace",
        ),
    ),
    Form(
        "let an actor do something",
        "let ACTOR create | read | list | update | delete MODEL",
        ("let admins delete comments", "let anyone read wishlists"),
    ),
    Form(
        "let an actor use a feature",
        "let ACTOR comment on | like | bookmark | follow | rate | review | report | tag MODEL",
        ("let members comment on articles", "let users like items"),
    ),
    Form(
        "stop an actor doing something",
        "don't let ACTOR VERB MODEL",
        ("don't let moderators delete comments",),
    ),
    Form("add CRUD operations", "add crud for MODEL [for ACTOR]", ("add crud for labels",)),
    Form(
        "remove an operation",
        "remove the VERB MODEL endpoint / remove METHOD PATH",
        (
            "remove the delete item endpoint",
            "remove the delete comment endpoints",
            "remove DELETE /todo/user/items/{itemId}",
        ),
    ),
    Form(
        "add a catalog feature",
        "add FEATURE [to MODEL]",
        ("add comments to articles", "add notifications"),
    ),
    Form(
        "remove a catalog feature",
        "remove FEATURE [from MODEL]",
        ("remove comments", "remove likes from lists"),
    ),
)

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

_VERB_RE = "|".join(sorted(VERBS, key=len, reverse=True))
_VERBS = rf"(?:{_VERB_RE})(?:ing)?(?:(?:\s*,\s*|\s+and\s+|\s+or\s+|\s*/\s*)(?:{_VERB_RE})(?:ing)?)*"
_KIND_RE = "|".join(sorted(KIND_VERBS, key=len, reverse=True))
_OP_NOUN = r"(?:end\s*points?|operations?|routes?|apis?|handlers?)"
_EVERY = r"(?:every|each|all(?:\s+the)?|all\s+of\s+the)\s+(?:models?|tables?|entities|resources)"
_ADJ = (
    r"(?P<adj>not\s+unique|non-unique|unique|optional|nullable|required|mandatory|not\s+null|"
    r"non-nullable|indexed|searchable)"
)


class Grammar:
    """The forms, against one spec."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = spec
        self.conv = Conventions.of(spec)
        self.resolver: Resolver = self.conv.resolver

    # ------------------------------------------------------------------ entry

    def plan(self, text: str) -> Planned:
        forms: list[Callable[[str], Planned | None]] = [
            self.remove_endpoint_by_path,
            self.remove_endpoint_by_words,
            self.forbid,
            self.let,
            self.rename_field,
            self.rename_model,
            self.make,
            self.index,
            self.add_model,
            self.remove_model,
            self.crud,
            self.add_field_explicit,
            self.remove_field_explicit,
            self.feature,
            self.add_field_implicit,
            self.remove_field_implicit,
        ]
        for form in forms:
            planned = form(text)
            if planned is not None:
                return planned
        raise NotUnderstood(f"the rules do not understand {text!r}", closest(text), None)

    # ------------------------------------------------------------------ operations

    def remove_endpoint_by_path(self, text: str) -> Planned | None:
        m = re.fullmatch(
            rf"(?:remove|delete|drop)\s+(?:the\s+)?(?:{_OP_NOUN}\s+)?"
            rf"(?P<method>get|post|put|patch|delete)\s+(?P<path>/\S*)(?:\s+{_OP_NOUN})?",
            text,
        )
        if not m:
            return None
        method, path = m.group("method"), m.group("path").lower().rstrip("/") or "/"
        found = [
            op for op in self.spec.operations if op.method == method and op.path.lower() == path
        ]
        if not found:
            endpoints = [f"{op.method.upper()} {op.path}" for op in self.spec.operations]
            raise NotUnderstood(
                f"no operation {method.upper()} {path}",
                difflib.get_close_matches(f"{method.upper()} {path}", endpoints, n=5, cutoff=0.4),
            )
        return self._remove_ops(found, f"remove operation {found[0].endpoint}")

    def remove_endpoint_by_words(self, text: str) -> Planned | None:
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
            who, what, verb, noun = (
                m.group("who"),
                m.group("what"),
                m.group("verb"),
                m.group("noun"),
            )
        kind = KIND_VERBS[verb]
        actor_filter: tuple[bool, Actor | None] = (False, None)
        if who:
            actor_filter = (True, self.resolver.actor(who))
        model = self._model_with_ops(what, (kind,), actor_filter)
        found = [
            op
            for op in self.spec.operations
            if op.model == model.name
            and op.kind == kind
            and (
                not actor_filter[0]
                or op.actor == (actor_filter[1].name if actor_filter[1] else None)
            )
        ]
        if not found:
            raise NothingToDo(
                f"{model.name} has no {verb} operation" + (f" for {who}" if who else "")
            )
        if len(found) > 1 and not noun.endswith("s"):
            raise NotUnderstood(
                f"{model.name} has {len(found)} {verb} operations; say which (or ask for "
                f"all of them: 'remove the {verb} {what} {noun}s')",
                [f"remove {op.method.upper()} {op.path}" for op in found],
            )
        return self._remove_ops(
            found, f"remove the {verb} operation{'s' if len(found) > 1 else ''} of {model.name}"
        )

    def _model_with_ops(
        self, phrase: str, kinds: tuple[OperationKind, ...], actor: tuple[bool, Actor | None]
    ) -> Model:
        """The model ``phrase`` names; an ambiguity is settled when only one of the
        candidates has an operation of those kinds (for that actor)."""
        _, candidates = self.resolver.model_levels(phrase)
        if len(candidates) > 1:
            having = [
                m
                for m in candidates
                if any(
                    op.model == m.name
                    and op.kind in kinds
                    and (not actor[0] or op.actor == (actor[1].name if actor[1] else None))
                    for op in self.spec.operations
                )
            ]
            if len(having) == 1:
                return having[0]
            if having:
                ops = [
                    f"{op.method.upper()} {op.path}"
                    for op in self.spec.operations
                    if op.model in {m.name for m in having} and op.kind in kinds
                ]
                raise NotUnderstood(
                    f"{phrase!r} is ambiguous: it could be " + ", ".join(m.name for m in having),
                    [f"remove {e}" for e in ops] or [m.name for m in having],
                )
        return self.resolver.model(phrase)

    def _remove_ops(self, ops: list[Operation], understood: str) -> Planned:
        plan = plan_removal(self.spec, Removal(operations=[(op.method, op.path) for op in ops]))
        return Planned(plan.edits, understood)

    def _actor_splits(self, body: str) -> Iterator[tuple[Actor | None, str, NotUnderstood | None]]:
        """Every way to read ``body`` as ACTOR + the rest: (actor, rest, why the words
        are no actor)."""
        words = body.split()
        for k in range(1, len(words)):
            who = " ".join(words[:k])
            rest = re.sub(r"^(?:to|from)\s+", "", " ".join(words[k:]))
            try:
                yield self.resolver.actor(who), rest, None
            except NotUnderstood as exc:
                yield None, rest, exc

    def forbid(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:(?:don't|do\s+not|dont|no\s+longer|stop|never)\s+(?:let|letting|allow|allowing)|"
            r"forbid|disallow|prevent)\s+(?P<body>.+)",
            text,
        )
        if not m:
            return None
        problem: NotUnderstood | None = None
        for actor, rest, error in self._actor_splits(m.group("body")):
            vm = re.fullmatch(rf"(?P<verbs>{_VERBS})\s+(?P<what>.+)", rest)
            if vm is None:
                continue
            if error is not None:
                problem = problem or error
                continue
            kinds = self._kinds(vm.group("verbs"))
            model = self._model_with_ops(vm.group("what"), kinds, (True, actor))
            name = actor.name if actor else None
            found = [
                op
                for op in self.spec.operations
                if op.model == model.name and op.kind in kinds and op.actor == name
            ]
            who = actor.name if actor else "the public"
            if not found:
                raise NothingToDo(f"{who} has no such operation on {model.name}")
            doing = " or ".join(ACTION[k] for k in kinds)
            return self._remove_ops(found, f"stop {who} being able to {doing} {model.name}")
        if problem is not None:
            raise problem
        return None

    def _kinds(self, verbs: str) -> tuple[OperationKind, ...]:
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

    def let(self, text: str) -> Planned | None:
        m = re.fullmatch(r"(?:let|allow|permit)\s+(?P<body>.+)", text)
        if not m:
            return None
        problem: NotUnderstood | None = None
        for actor, rest, error in self._actor_splits(m.group("body")):
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
                    target = self._feature_target(feature, fm.group("what"))
                    return self._add_feature(feature, target, None, actor)
            vm = re.fullmatch(rf"(?P<verbs>{_VERBS})\s+(?P<what>.+)", rest)
            if vm is None:
                continue
            if error is not None:
                problem = problem or error
                continue
            kinds = self._kinds(vm.group("verbs"))
            return self.grant(self.resolver.model(vm.group("what")), actor, kinds)
        if problem is not None:
            raise problem
        return None

    def grant(self, model: Model, actor: Actor | None, kinds: tuple[OperationKind, ...]) -> Planned:
        name = actor.name if actor else None
        edits: list[Edit] = []
        have: list[str] = []
        new_ops: list[Operation] = []
        for kind in kinds:
            existing = [
                op for op in self.spec.operations if op.model == model.name and op.kind == kind
            ]
            same = [op for op in existing if op.actor == name]
            if same:
                have.append(describe_operation(same[0]))
                continue
            op = self._new_operation(model, kind, actor, existing)
            taken = [
                o
                for o in [*self.spec.operations, *new_ops]
                if (o.method, o.path) == (op.method, op.path)
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
        self, model: Model, kind: OperationKind, actor: Actor | None, existing: list[Operation]
    ) -> Operation:
        """An operation of ``kind`` on ``model`` for ``actor``: the path of an existing
        operation of the kind (or, failing that, of the same shape: row or collection)
        with the actor segment swapped, else a path in the project's style."""
        row = kind in ROW_KINDS
        similar = existing or [
            op
            for op in self.spec.operations
            if op.model == model.name and op.kind in (ROW_KINDS if row else ("create", "index"))
        ]
        if similar:
            template = similar[0]
            return Operation(
                path=self._swap_actor(template, actor),
                method=_METHODS[kind],
                name=kind,
                kind=kind,
                model=model.name,
                actor=actor.name if actor else None,
                parameters=list(template.parameters),
            )
        anchor = self.conv.anchor(model)
        path = f"{self.conv.base(actor)}/{anchor.segment}"
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

    def _swap_actor(self, op: Operation, actor: Actor | None) -> str:
        segs = op.path.strip("/").split("/")
        at = 1 if self.conv.api and segs and segs[0] == self.conv.api else 0
        has = op.actor is not None and len(segs) > at and segs[at] == op.actor
        if has:
            del segs[at]
        if actor is not None and self.conv.actor_segment:
            segs.insert(at, actor.name)
        return "/" + "/".join(segs)

    def crud(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:add|generate|create|make)\s+(?:the\s+)?(?:crud|rest|rest\s+api|api)"
            r"(?:\s+(?:end\s*points|operations|routes|api))?\s+(?:for|to|on|of)\s+(?P<what>.+?)"
            r"(?:\s+(?:for|by)\s+(?P<who>.+))?",
            text,
        )
        if not m:
            return None
        model = self.resolver.model(m.group("what"))
        actor = self.resolver.actor(m.group("who")) if m.group("who") else self.conv.owner
        return self.grant(model, actor, ("index", "at", "create", "update", "erase"))

    # ------------------------------------------------------------------ models

    def add_model(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:add|create|new)\s+(?:a\s+|an\s+)?(?:new\s+)?(?P<what>model|table|entity|resource)"
            r"\s+(?:called\s+|named\s+)?(?P<name>[\w-]+)(?P<rest>.*)",
            text,
        )
        if not m:
            return None
        rest = m.group("rest").strip()
        name = self._new_model_name(m.group("name"))
        parent: Model | None = None
        owner: Actor | None = None
        namespace: str | None = None
        fields_text = ""
        for part in re.split(
            r"\s*(?=\b(?:with|belonging\s+to|belongs\s+to|owned\s+by|under|in)\b)", rest
        ):
            part = part.strip()
            if not part:
                continue
            pm = re.fullmatch(r"(?:belonging\s+to|belongs\s+to|under)\s+(?P<m>.+)", part)
            om = re.fullmatch(r"owned\s+by\s+(?P<a>.+)", part)
            wm = re.fullmatch(r"with\s+(?P<f>.+)", part)
            nm = re.fullmatch(
                r"in\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[\w ]+?)(?:\s+namespace)?", part
            )
            if nm:
                raw = nm.group("ns")
                namespace = self.resolver.namespace(raw) or pascal(snake_of(raw))
            elif pm:
                parent = self.resolver.model(pm.group("m"))
            elif om:
                owner = self.resolver.actor(om.group("a"))
            elif wm:
                fields_text = wm.group("f")
            else:
                raise NotUnderstood(
                    f"cannot read {part!r} in {text!r}",
                    [
                        "add model NAME with NAME:TYPE, NAME:TYPE",
                        "add model NAME belonging to MODEL",
                    ],
                )
        fks: list[ForeignField] = []
        if parent is not None:
            fks.append(
                ForeignField(
                    name=self.conv.fk_name(parent.name),
                    relation=Relation(
                        name=self.conv.relation_name(parent.name), target_model=parent.name
                    ),
                )
            )
        if owner is not None:
            fk = self.conv.fk_name(owner.model)
            if all(f.name != fk for f in fks):
                fks.append(
                    ForeignField(name=fk, relation=Relation(name="owner", target_model=owner.model))
                )
        plain: list[PlainField] = []
        uniques: list[str] = []
        if fields_text and not re.fullmatch(
            r"crud|crud\s+operations|endpoints|operations", fields_text
        ):
            for chunk in re.split(r"\s*,\s*|\s+and\s+(?=[\w ]+:)|;\s*", fields_text):
                if not chunk.strip() or re.fullmatch(r"crud(?:\s+operations)?", chunk.strip()):
                    continue
                req = parse_field(chunk)
                plain.append(req.field)
                if req.index == "unique":
                    uniques.append(req.field.name)
        if self._uses_timestamps():
            plain += [f for f in timestamps() if f.name not in {p.name for p in plain}]
        model = Model(
            name=name,
            namespace=namespace or (parent.namespace if parent else self.conv.namespace_for(None)),
            foreign_fields=fks,
            plain_fields=plain,
            unique_indexes=[UniqueIndex(field_names=[u]) for u in uniques],
        )
        edits: list[Edit] = [AddModel(model=model)]
        notes: list[str] = []
        if not [p for p in plain if p.name not in ("created_at", "updated_at")]:
            notes.append(f"no fields yet: add some with 'add field NAME:TYPE to {name}'")
        crud = m.group("what") == "resource" or "crud" in fields_text
        if crud:
            grant = Grammar(_with_model(self.spec, model)).grant(
                model, owner or self.conv.owner, ("index", "at", "create", "update", "erase")
            )
            edits += grant.edits
        return Planned(
            edits, f"add model {name}" + (" with CRUD operations" if crud else ""), notes
        )

    def _uses_timestamps(self) -> bool:
        with_created = sum(1 for m in self.spec.models if m.plain("created_at") is not None)
        return with_created * 2 >= len(self.spec.models) if self.spec.models else True

    def _new_model_name(self, phrase: str) -> str:
        name = snake_of(phrase)
        name = plural_snake(singular_name(name))
        prefix = self.conv.prefix
        if prefix and not name.startswith(prefix):
            name = prefix + name
        problem = model_name_problem(name)
        if problem:
            raise NotUnderstood(f"{name!r} cannot be a model name: {problem}", [])
        if self.spec.model(name) is not None:
            raise NothingToDo(f"model {name} exists already")
        return name

    def remove_model(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:remove|delete|drop)\s+(?:the\s+)?(?:model|table|entity|resource)\s+(?P<name>.+)",
            text,
        )
        if not m:
            return None
        model = self.resolver.model(m.group("name"))
        plan = plan_removal(self.spec, Removal(models=[model.name]))
        notes = ["also removed, as it depended on it: " + d for d in plan.dependents]
        return Planned(plan.edits, f"remove model {model.name} and its operations", notes)

    def rename_model(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"rename\s+(?:the\s+)?(?:model\s+|table\s+|entity\s+|resource\s+)?(?P<old>.+?)\s+"
            r"(?:to|as|into)\s+(?P<new>[\w -]+)",
            text,
        )
        if not m:
            return None
        model = self.resolver.model(m.group("old"))
        new = snake_of(m.group("new"))
        prefix = self.conv.prefix
        if prefix and model.name.startswith(prefix) and not new.startswith(prefix):
            new = prefix + new
        problem = model_name_problem(new)
        if problem:
            raise NotUnderstood(f"{new!r} cannot be a model name: {problem}", [])
        if new == model.name:
            raise NothingToDo(f"model {model.name} already has that name")
        if self.spec.model(new) is not None:
            raise NotUnderstood(f"model {new} exists already", [new])
        return Planned(
            [RenameModel(model=model.name, new_name=new)], f"rename model {model.name} to {new}"
        )

    # ------------------------------------------------------------------ fields

    def model_field(self, phrase: str) -> tuple[Model, str]:
        """``F of M`` / ``M.F`` / ``M's F`` / ``M F`` -> the model and field name."""
        phrase = phrase.strip()
        m = re.fullmatch(
            r"(?:the\s+)?(?:field\s+|column\s+)?(?P<f>.+?)\s+(?:of|in|on|from)\s+(?P<m>.+)", phrase
        )
        if m:
            model = self.resolver.model(m.group("m"))
            return model, self.resolver.field(model, m.group("f"))
        m = re.fullmatch(r"(?:the\s+)?(?:field\s+)?(?P<m>[\w-]+)\.(?P<f>[\w-]+)", phrase)
        if m:
            model = self.resolver.model(m.group("m"))
            return model, self.resolver.field(model, m.group("f"))
        words = tokens(phrase.replace("'s ", " ").replace("' ", " "))
        errors: list[NotUnderstood] = []
        for k in range(1, len(words)):
            found = self.resolver.find_model(" ".join(words[:k]))
            if found is None:
                continue
            try:
                return found, self.resolver.field(found, " ".join(words[k:]))
            except NotUnderstood as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
        raise NotUnderstood(
            f"cannot tell which field {phrase!r} means; write FIELD of MODEL or MODEL.FIELD",
            ["make email of users unique", "make users.email unique"],
        )

    def rename_field(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"rename\s+(?:the\s+)?(?:field|column|attribute|property)\s+(?P<f>.+?)\s+to\s+"
            r"(?P<new>[\w-]+)(?:\s+(?:of|in|on)\s+(?P<m>.+))?",
            text,
        )
        target = None
        if m and m.group("m"):
            model = self.resolver.model(m.group("m"))
            target = (model, self.resolver.field(model, m.group("f")))
        elif m:
            target = self.model_field(m.group("f"))
        else:
            m = re.fullmatch(r"rename\s+(?:the\s+)?(?P<f>.+?)\s+to\s+(?P<new>[\w-]+)", text)
            if not m:
                return None
            f = m.group("f")
            if not (re.search(r"\s(?:of|in|on)\s", f) or re.fullmatch(r"[\w-]+\.[\w-]+", f)):
                return None
            try:
                target = self.model_field(f)
            except NotUnderstood:
                if re.fullmatch(r"[\w-]+\.[\w-]+", f):
                    raise
                return None
        model, field = target
        new = snake_of(m.group("new"))
        problem = field_problem(new)
        if problem:
            raise NotUnderstood(f"{new!r} cannot be a field name: {problem}", [])
        if new in model.field_names():
            raise NotUnderstood(f"{model.name} has a field {new} already", [f"{model.name}.{new}"])
        return Planned(
            [RenameField(model=model.name, field=field, new_name=new)],
            f"rename field {model.name}.{field} to {new}",
        )

    def make(self, text: str) -> Planned | None:
        m = re.fullmatch(rf"make\s+(?P<what>.+?)\s+{_ADJ}", text)
        if not m:
            return None
        model, name = self.model_field(m.group("what"))
        adj = re.sub(r"\s+", " ", m.group("adj"))
        understood = f"make {model.name}.{name} {adj}"
        if adj in ("unique", "indexed", "searchable"):
            kind = ADJ_INDEX[adj]
            return Planned(self._add_index(model, kind, [name]), understood)
        if adj in ("not unique", "non-unique"):
            if ("unique", (name,)) not in set(index_entries(model)):
                raise NothingToDo(f"{model.name}.{name} has no unique index of its own")
            return Planned(
                [RemoveIndex(model=model.name, kind="unique", field_names=[name])], understood
            )
        nullable = adj in ("optional", "nullable")
        current: PlainField | ForeignField | None = model.plain(name) or model.foreign(name)
        if current is None:
            raise NotUnderstood(f"{model.name}.{name} cannot be made {adj}", [])
        if current.nullable == nullable:
            raise NothingToDo(f"{model.name}.{name} is {adj} already")
        if name in ("deleted_at",) and not nullable:
            raise NotUnderstood(
                f"{model.name}.deleted_at marks soft deletion and must stay nullable", []
            )
        definition = current.model_copy(update={"nullable": nullable})
        return Planned(
            [ModifyField(model=model.name, field=name, definition=definition)], understood
        )

    def _add_index(self, model: Model, kind: IndexKind, names: list[str]) -> list[Edit]:
        if (kind, tuple(names)) in set(index_entries(model)):
            raise NothingToDo(f"{model.name} has that {kind} index already")
        if kind == "gin":
            return [AddIndex(model=model.name, kind="gin", field_names=[n]) for n in names]
        return [AddIndex(model=model.name, kind=kind, field_names=names)]

    def index(self, text: str) -> Planned | None:
        m = re.fullmatch(r"index\s+(?P<m>.+?)\s+(?:by|on)\s+(?P<fs>.+)", text)
        kind: IndexKind = "plain"
        if m:
            model = self.resolver.model(m.group("m"))
            fields_text = m.group("fs")
        else:
            m = re.fullmatch(
                r"(?:add|create)\s+(?:a\s+|an\s+)?(?P<k>unique\s+|search\s+|text\s+|gin\s+|"
                r"full[- ]text\s+|plain\s+)?index\s+(?:on|to|for|of)\s+(?P<rest>.+)",
                text,
            )
            if not m:
                return None
            k = (m.group("k") or "").strip()
            kind = (
                "unique"
                if k == "unique"
                else "gin"
                if k in ("search", "text", "gin", "full-text", "full text")
                else "plain"
            )
            rest = m.group("rest")
            pm = (
                re.fullmatch(r"(?P<m>[\w -]+?)\s*\((?P<fs>[^)]*)\)", rest)
                or re.fullmatch(r"(?P<m>.+?)\s+(?:by|on|over)\s+(?P<fs>.+)", rest)
                or re.fullmatch(r"(?P<fs>.+?)\s+(?:of|in)\s+(?P<m>.+)", rest)
            )
            if pm:
                model = self.resolver.model(pm.group("m"))
                fields_text = pm.group("fs")
            else:
                dm = re.fullmatch(r"(?P<m>[\w-]+)\.(?P<f>[\w-]+)", rest)
                if dm:
                    model = self.resolver.model(dm.group("m"))
                    fields_text = dm.group("f")
                else:
                    model, name = self.model_field(rest)
                    fields_text = name
        names = [
            self.resolver.field(model, f)
            for f in re.split(r"\s*,\s*|\s+and\s+|\s*\+\s*|\s+then\s+", fields_text.strip())
            if f.strip()
        ]
        label = {"unique": "a unique index", "gin": "a search (gin) index", "plain": "an index"}
        return Planned(
            self._add_index(model, kind, names),
            f"add {label[kind]} on {model.name} ({', '.join(names)})",
        )

    def add_field_explicit(self, text: str) -> Planned | None:
        m = re.fullmatch(r"add\s+(?P<spec>.+?)\s+(?:to|on|in|for)\s+(?P<m>.+)", text)
        if not m:
            return None
        spec = m.group("spec")
        if not (re.search(r"\b(?:field|column|attribute|property)\b", spec) or ":" in spec):
            return None
        return self._add_field(spec, m.group("m"))

    def add_field_implicit(self, text: str) -> Planned | None:
        m = re.fullmatch(r"add\s+(?P<spec>.+?)\s+(?:to|on|in|for)\s+(?P<m>.+)", text)
        if not m:
            return None
        try:
            model, _, _ = self._scope(m.group("m"))
            req = parse_field(m.group("spec"))
        except NotUnderstood:
            return None
        if not req.explicit:
            where = model.name if model else "MODEL"
            example = f"add field {req.field.name}:string to {where}"
            raise NotUnderstood(
                f"the rules do not understand {text!r}; if you meant a text field, say {example!r}",
                [f"{example} (add a field)", *closest(text)],
            )
        return self._add_field(m.group("spec"), m.group("m"))

    def _add_field(self, spec_text: str, where: str) -> Planned:
        req: FieldRequest = parse_field(spec_text)
        f = req.field
        model, namespace, _ = self._scope(where)
        if model is None:
            scope_text = f"every model in {namespace}" if namespace else "every model"
            if req.index is not None:
                raise NotUnderstood("an index on a field of every model is not supported", [])
            return Planned(
                [AddFieldEverywhere(field=f, namespace=namespace)],
                f"add field {f.name} to {scope_text}",
            )
        if f.name in model.field_names():
            raise NothingToDo(f"{model.name} has a field {f.name} already")
        edits: list[Edit]
        if f.type == "uuid" and f.name.endswith("_id"):
            target = self.resolver.find_model(f.name[:-3])
            if target is not None:
                fk = ForeignField(
                    name=f.name,
                    nullable=f.nullable,
                    relation=Relation(
                        name=self.conv.relation_name(target.name), target_model=target.name
                    ),
                )
                edits = [AddRelation(model=model.name, field=fk)]
            else:
                edits = [AddField(model=model.name, field=f)]
        else:
            edits = [AddField(model=model.name, field=f)]
        if req.index is not None:
            edits += [AddIndex(model=model.name, kind=req.index, field_names=[f.name])]
        return Planned(edits, f"add field {f.name} to {model.name}")

    def _scope(self, phrase: str) -> tuple[Model | None, str | None, bool]:
        """``every model`` -> (None, None); ``every model in NS`` / ``namespace NS`` /
        ``the NS namespace`` -> (None, NS); a model -> (model, None)."""
        p = phrase.strip()
        if re.fullmatch(rf"{_EVERY}|everything|everywhere|all|the\s+(?:whole\s+)?project", p):
            return None, None, True
        m = re.fullmatch(
            rf"(?:{_EVERY}\s+)?(?:in|of)\s+(?:the\s+)?(?:namespace\s+)?"
            r"(?P<ns>[\w -]+?)(?:\s+namespace)?",
            p,
        ) or re.fullmatch(
            r"(?:the\s+)?namespace\s+(?P<ns>.+)|(?:the\s+)?(?P<ns2>[\w -]+?)\s+namespace", p
        )
        if m:
            raw = m.groupdict().get("ns") or m.groupdict().get("ns2") or ""
            ns = self.resolver.namespace(raw)
            if ns is None:
                raise NotUnderstood(
                    f"no namespace {raw!r}; the namespaces are "
                    + ", ".join(self.spec.namespaces()),
                    self.spec.namespaces(),
                )
            return None, ns, True
        return self.resolver.model(p), None, False

    def remove_field_explicit(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:remove|delete|drop)\s+(?:the\s+)?(?:field|column|attribute|property)\s+(?P<f>.+?)"
            r"\s+(?:from|of|in|on)\s+(?P<m>.+)",
            text,
        )
        if m:
            model = self.resolver.model(m.group("m"))
            return self._remove_field(model, self.resolver.field(model, m.group("f")))
        m = re.fullmatch(
            r"(?:remove|delete|drop)\s+(?:the\s+)?(?:field\s+|column\s+)?(?P<m>[\w-]+)\.(?P<f>[\w-]+)",
            text,
        )
        if m:
            model = self.resolver.model(m.group("m"))
            return self._remove_field(model, self.resolver.field(model, m.group("f")))
        return None

    def remove_field_implicit(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?:remove|delete|drop)\s+(?:the\s+)?(?P<f>.+?)\s+(?:from|of|in|on)\s+(?P<m>.+)", text
        )
        if not m:
            return None
        try:
            model = self.resolver.model(m.group("m"))
            name = self.resolver.field(model, m.group("f"))
        except NotUnderstood:
            return None
        return self._remove_field(model, name)

    def _remove_field(self, model: Model, name: str) -> Planned:
        if name == model.primary_field.name:
            raise NotUnderstood(f"{model.name}.{name} is the primary key", [])
        plan = plan_removal(self.spec, Removal(fields=[(model.name, name)]))
        notes = ["also removed, as it depended on it: " + d for d in plan.dependents]
        return Planned(plan.edits, f"remove field {model.name}.{name}", notes)

    # ------------------------------------------------------------------ features

    def feature(self, text: str) -> Planned | None:
        m = re.fullmatch(
            r"(?P<verb>add|enable|allow|support|introduce|implement|create|build|set\s+up|setup|"
            r"give\s+me|i\s+want|we\s+want|want|turn\s+on|remove|delete|drop|disable|"
            r"turn\s+off|get\s+rid\s+of|undo|take\s+out)\s+(?P<rest>.+)",
            text,
        )
        if not m:
            return None
        verb = m.group("verb")
        removing = verb in (
            "remove",
            "delete",
            "drop",
            "disable",
            "turn off",
            "get rid of",
            "undo",
            "take out",
        )
        rest = re.sub(
            r"\s+(?:everywhere|to\s+everything|across\s+the\s+project)$", "", m.group("rest")
        )
        rest = re.sub(r"\s+(?:feature|support|functionality|capability|system)$", "", rest)
        candidates: list[tuple[str, str | None]] = [(rest, None)]
        for sep in re.finditer(r"\s+(?:to|for|on|in|from|of|onto|across)\s+", rest):
            candidates.append((rest[: sep.start()], rest[sep.end() :]))
        for phrase, where in candidates:
            phrase = re.sub(r"\s+(?:feature|support|functionality|capability|system)$", "", phrase)
            feature = find_feature(phrase)
            if feature is None:
                continue
            if feature.target == "scope":
                model, namespace = None, None
                if where is not None:
                    model, namespace, _ = self._scope(where)
                if removing:
                    return plan_remove(self.spec, feature, model, namespace)
                return plan_add(self.spec, feature, model, namespace)
            target = self._feature_target(feature, where)
            if removing:
                return plan_remove(self.spec, feature, target, None)
            return self._add_feature(feature, target, None, None)
        return None

    def _feature_target(self, feature: Feature, where: str | None) -> Model | None:
        if where is None or not where.strip():
            return None
        if feature.target == "none":
            raise NotUnderstood(
                f"{feature.title} attach to no model; ask for 'add {feature.key}'",
                [f"add {feature.key}"],
            )
        return self.resolver.model(where)

    def _add_feature(
        self, feature: Feature, target: Model | None, namespace: str | None, owner: Actor | None
    ) -> Planned:
        conv = None
        if owner is not None and owner != self.conv.owner:
            conv = replace(self.conv, owner=owner)
        return plan_add(self.spec, feature, target, namespace, conv)


ACTION: dict[str, str] = {
    "create": "create",
    "at": "read",
    "index": "list",
    "update": "update",
    "erase": "delete",
}

ADJ_INDEX: dict[str, IndexKind] = {"unique": "unique", "indexed": "plain", "searchable": "gin"}

_METHODS: dict[OperationKind, HttpMethod] = {
    "create": "post",
    "at": "get",
    "index": "patch",
    "update": "put",
    "erase": "delete",
}


def _with_model(spec: ProjectSpec, model: Model) -> ProjectSpec:
    return spec.model_copy(update={"models": [*spec.models, model]})


# --------------------------------------------------------------------------- suggestions


def closest(text: str, n: int = 5) -> list[str]:
    """The catalog entries and grammar forms nearest to ``text`` (difflib)."""
    entries: list[tuple[str, list[str]]] = []
    for feature in CATALOG:
        keys = [f"add {a}" for a in (feature.key, *feature.aliases)]
        keys += [f"remove {a}" for a in (feature.key, *feature.aliases)]
        entries.append((f"{feature.example} (catalog: {feature.key})", [*keys, feature.example]))
    for form in FORMS:
        entries.append((f"{form.examples[0]} ({form.name})", [form.template, *form.examples]))
    words = text.split()
    scored: list[tuple[float, str]] = []
    for label, keys in entries:
        best = 0.0
        for key in keys:
            ratio = difflib.SequenceMatcher(None, text, key.lower()).ratio()
            for word in words:
                if len(word) > 3:
                    for kw in key.lower().split():
                        if len(kw) > 3:
                            ratio = max(
                                ratio, 0.6 * difflib.SequenceMatcher(None, word, kw).ratio() + 0.3
                            )
            best = max(best, ratio)
        scored.append((best, label))
    scored.sort(key=lambda s: -s[0])
    return [label for _, label in scored[:n]]
