"""Project conventions the rule planner follows, read from the spec itself.

- **table prefix**: the prefix most model names share (``bbs_``, ``todo_``); new models get
  it, and references may leave it out;
- **API prefix**: the first path segment most operations share (``/bbs/...``);
- **actor segment**: whether operations that require an actor carry its name next
  (``/bbs/member/articles``), as AutoBe writes them;
- **nested rows**: whether the row operations of a child resource keep the parent in
  the path (``/bbs/articles/{articleId}/comments/{commentId}``) or address the row alone
  (``/todo/user/items/{itemId}``);
- **owner**: the actor that owns new rows: the member-kind actor with the most
  operations (then an admin, then a guest); **admin**: the admin-kind actor with the most
  operations, who moderates;
- **main model**: the non-actor model with the most operations (ties: more fields, then
  spec order): what a feature attaches to when the request names no model;
- **anchors**: how a model is addressed in paths (``articles`` + ``{articleId}``), taken
  from its existing row operations, so new nested paths continue the project's own.

Foreign keys to a model are named ``<model name in the singular>_id`` (``bbs_member_id``),
as AutoBe does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from autobe_core.planning.rules.resolve import Resolver, strip_prefix, table_prefix
from autobe_core.planning.rules.words import camel, kebab, plural_snake
from autobe_core.spec.model import Actor, ActorKind, Model, Operation, ProjectSpec
from autobe_core.spec.naming import path_parameters, relation_problem, singular
from autobe_core.spec.semantics import ROW_KINDS, param_bindings

AUTH_KINDS = ("join", "login", "refresh")


@dataclass(frozen=True)
class Anchor:
    """How a model is addressed in paths: its collection segment and row parameter."""

    segment: str
    param: str


def singular_name(name: str) -> str:
    """``bbs_article_comments`` -> ``bbs_article_comment`` (the last word only)."""
    head, _, last = name.rpartition("_")
    return f"{head}_{singular(last)}" if head else singular(last)


@dataclass(frozen=True)
class Conventions:
    spec: ProjectSpec
    prefix: str
    api: str
    actor_segment: bool
    nest_rows: bool
    owner: Actor | None
    admin: Actor | None

    @classmethod
    def of(cls, spec: ProjectSpec) -> Conventions:
        return cls(
            spec,
            table_prefix(spec),
            _api_prefix(spec),
            _actor_segment(spec),
            _nest_rows(spec),
            _pick_actor(spec, ("member", "admin", "guest")),
            _pick_actor(spec, ("admin",)),
        )

    @property
    def resolver(self) -> Resolver:
        return Resolver(self.spec, self.prefix)

    # -- models

    def main_model(self) -> Model | None:
        actor_models = {a.model for a in self.spec.actors}
        counts = Counter(op.model for op in self.spec.operations if op.model)
        candidates = [m for m in self.spec.models if m.name not in actor_models]
        if not candidates:
            return None
        order = {m.name: k for k, m in enumerate(self.spec.models)}
        return max(
            candidates,
            key=lambda m: (counts[m.name], len(m.field_names()), -order[m.name]),
        )

    def stem(self, model_name: str) -> str:
        """The singular prefix-stripped name: ``bbs_article_comments`` ->
        ``article_comment``."""
        return singular_name(strip_prefix(model_name, self.prefix))

    def short_stem(self, model_name: str) -> str:
        """The last word of :meth:`stem`: ``article_comment`` -> ``comment``."""
        return self.stem(model_name).rpartition("_")[2]

    def table(self, *words: str) -> str:
        """A new model name: the prefix and the words (the last one plural)."""
        return self.prefix + plural_snake("_".join(w for w in words if w))

    def fk_name(self, target: str) -> str:
        return singular_name(target) + "_id"

    def relation_name(self, target: str, fallback: str = "parent") -> str:
        for candidate in (camel(self.short_stem(target)), camel(self.stem(target)), fallback):
            if relation_problem(candidate) is None:
                return candidate
        return fallback

    def namespace_for(self, target: Model | None) -> str:
        if target is not None:
            return target.namespace
        main = self.main_model()
        return main.namespace if main is not None else "Default"

    # -- paths

    def base(self, actor: Actor | None) -> str:
        parts = [self.api] if self.api else []
        if actor is not None and self.actor_segment:
            parts.append(actor.name)
        return "/" + "/".join(parts) if parts else ""

    def anchor(self, model: Model) -> Anchor:
        """The segment and row parameter of ``model``: from its row operations (the
        last literal segment and the parameter that selects the primary key), else from
        its collection operations, else from its name."""
        rows: Counter[tuple[str, str]] = Counter()
        collections: Counter[str] = Counter()
        for op in self.spec.operations:
            if op.model != model.name or op.kind in AUTH_KINDS:
                continue
            segs = op.path.strip("/").split("/")
            if op.kind in ROW_KINDS and len(segs) >= 2:
                bound = dict(param_bindings(self.spec, op))
                last = segs[-1]
                if last.startswith("{") and not segs[-2].startswith("{"):
                    name = last[1:-1]
                    if bound.get(name) == model.primary_field.name:
                        rows[(segs[-2], name)] += 1
            elif (
                op.kind in ("create", "index")
                and segs
                and not segs[-1].startswith("{")
                and segs[-1] != "search"  # the search feature's own operation
            ):
                collections[segs[-1]] += 2 if op.kind == "create" else 1
        if rows:
            (segment, param), _ = rows.most_common(1)[0]
            return Anchor(segment, param)
        short = self.short_stem(model.name)
        if collections:
            return Anchor(collections.most_common(1)[0][0], camel(short) + "Id")
        return Anchor(kebab(strip_prefix(model.name, self.prefix)), camel(short) + "Id")

    def reader(self, model: Model) -> Actor | None:
        """Who reads the children of ``model``: the public when ``model`` has a public
        read, else the owner."""
        for op in self.spec.operations:
            if op.model == model.name and op.kind in ("at", "index") and op.actor is None:
                return None
        return self.owner

    def segment_taken(self, model: str, parent_anchor: Anchor, segment: str) -> bool:
        """Whether an operation on another model already nests ``segment`` under the
        parent (``/articles/{articleId}/<segment>``): a new model then uses its full
        name as the segment instead."""
        wanted = [parent_anchor.segment, "{}", kebab(segment)]
        for op in self.spec.operations:
            if op.model == model:
                continue
            shape = ["{}" if s.startswith("{") else s for s in op.path.strip("/").split("/")]
            if any(shape[k : k + 3] == wanted for k in range(len(shape) - 2)):
                return True
        return False


def _non_auth(spec: ProjectSpec) -> list[Operation]:
    return [op for op in spec.operations if op.kind not in AUTH_KINDS]


def _api_prefix(spec: ProjectSpec) -> str:
    ops = _non_auth(spec)
    firsts = Counter(op.path.strip("/").split("/")[0] for op in ops if op.path.strip("/"))
    if not firsts:
        return spec.name if relation_problem(spec.name) is None else ""
    head, count = firsts.most_common(1)[0]
    models = {op.model for op in ops if op.path.strip("/").split("/")[0] == head}
    if head.startswith("{") or count * 5 < 3 * len(ops) or len(models) < 2:
        return ""
    prefix = table_prefix(spec)
    resources = {strip_prefix(m.name, prefix) for m in spec.models}
    return "" if head.replace("-", "_") in resources else head


def _actor_segment(spec: ProjectSpec) -> bool:
    api = _api_prefix(spec)
    with_actor = [op for op in _non_auth(spec) if op.actor]
    if not with_actor:
        return True
    at = 1 if api else 0
    hits = sum(
        1
        for op in with_actor
        if len(op.path.strip("/").split("/")) > at and op.path.strip("/").split("/")[at] == op.actor
    )
    return hits * 2 >= len(with_actor)


def _nest_rows(spec: ProjectSpec) -> bool:
    children: set[str] = set()
    for op in spec.operations:
        if op.kind in ("create", "index") and op.model:
            model = spec.model(op.model)
            if model and any(model.foreign(f) for _, f in param_bindings(spec, op)):
                children.add(op.model)
    nested = flat = 0
    for op in spec.operations:
        if op.kind in ROW_KINDS and op.model in children:
            if len(path_parameters(op.path)) >= 2:
                nested += 1
            else:
                flat += 1
    return nested >= flat


def _pick_actor(spec: ProjectSpec, kinds: tuple[ActorKind, ...]) -> Actor | None:
    counts = Counter(op.actor for op in spec.operations if op.actor)
    for kind in kinds:
        found = [a for a in spec.actors if a.kind == kind and spec.model(a.model)]
        if found:
            order = {a.name: k for k, a in enumerate(spec.actors)}
            return max(found, key=lambda a: (counts[a.name], -order[a.name]))
    return None
