"""What the model sees: the part of the spec a request is about, not the whole spec.

1. *Named*: the models the request names: a model's full name, its name without the
   project prefix or any shorter tail of it (``bbs_article_comments`` -> ``article
   comments``, ``comments``), singular or plural, its DTO name, the resource segment of
   one of its operations' paths (``/todo/user/lists/{listId}/items`` -> ``items``), or a
   path written in the request. When nothing is named that way, a field name the
   request uses picks the (few) models that have it.
2. *Neighbours*: the named models' parents and children through foreign keys, the
   models the named models' own modules read in the module graph (small modules only:
   the registries that read every model link nothing), and the models of the actors
   the request names.
3. Everything else appears by name only (grouped by namespace), so the model can refer
   to it without seeing its fields. Actors are always shown (they are few and decide
   who owns new rows).

Named models come with their full operations; neighbours with one line per endpoint.
When the request names nothing that exists (``add notifications`` on a todo project),
the actors' models stand in as neighbours and one model's operations are shown as an
example of the project's path and naming conventions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from autobe_core.graph.module_graph import ModuleGraph
from autobe_core.spec.model import Model, Operation, ProjectSpec
from autobe_core.spec.naming import dto_base, operation_id, singular

MAX_NAMED = 8
MAX_NEIGHBOURS = 10
MAX_GRAPH_READS = 5
"""A module reading more model elements than this (registries, the app) links nothing."""
MAX_FIELD_MODELS = 3
"""A field name found in more models than this picks none of them."""

STOPWORDS = frozenset(
    """
    a an the to of in on for from with and or by at as be is are it its this that these
    those add adds remove delete drop rename make let can should must every all each new
    field fields model models table tables column columns index unique optional required
    into please also so them they their any some one two per when where which who what how
    like would want need have has not no
    """.split()
)

COMMON_FIELDS = frozenset({"id", "created_at", "updated_at", "deleted_at", "name", "title"})
"""Field names too common to pick a model by."""

_WORD = re.compile(r"[a-z][a-z0-9_]*")
_PATH = re.compile(r"/[A-Za-z0-9_{}\-/]+")


@dataclass(frozen=True)
class SpecContext:
    """The slice of a spec shown to the model for one request."""

    named: tuple[str, ...]
    """Models the request names, in spec order."""
    neighbours: tuple[str, ...]
    """Their neighbours (relations, module graph, named actors), in spec order."""
    operations: tuple[Operation, ...]
    """Operations shown in full: those on named models (or the convention example)."""
    matches: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Named model -> the words of the request that named it."""
    example: bool = False
    """Nothing was named: ``operations`` are an example of the project's conventions."""

    @property
    def shown(self) -> tuple[str, ...]:
        """Every model whose definition is shown."""
        return self.named + self.neighbours


def select_context(spec: ProjectSpec, text: str) -> SpecContext:
    """The models and operations ``text`` is about, and their neighbours."""
    names = {m.name for m in spec.models}
    mentions = [m for m in _PATH.findall(text) if len(_path_shape(m)) > 1]
    path_hits = [
        (mention, op.model)
        for mention in mentions
        for op in spec.operations
        if op.model and _path_shape(op.path).startswith(_path_shape(mention))
    ]
    if path_hits:  # a path the request writes names its operations, not its words
        for mention in mentions:
            text = text.replace(mention, " ")
    terms = _terms(text, names)
    scores: dict[str, int] = {}
    matched: dict[str, list[str]] = {}

    def hit(model: str, term: str, score: int) -> None:
        if spec.model(model) is None:
            return
        scores[model] = scores.get(model, 0) + score
        matched.setdefault(model, [])
        if term not in matched[model]:
            matched[model].append(term)

    keys = {m.name: _model_keys(m) for m in spec.models}
    for model in spec.models:
        for term in terms:
            if term in keys[model.name]:
                hit(model.name, term, 3 if "_" in term else 2)
    for op in spec.operations:
        if op.model is None or op.authorization_type is not None:
            continue
        resource = _resource(op.path)
        if resource and resource in terms and resource not in STOPWORDS:
            hit(op.model, resource, 1)
    for mention, target in path_hits:
        hit(target, mention, 4)
    if not scores:
        for term in terms:
            if term in COMMON_FIELDS or ("_" not in term and len(term) < 3):
                continue
            owners = [m.name for m in spec.models if term in m.field_names()]
            if 0 < len(owners) <= MAX_FIELD_MODELS:
                for owner in owners:
                    hit(owner, term, 1)

    order = {m.name: i for i, m in enumerate(spec.models)}
    ranked = sorted(scores, key=lambda n: (-scores[n], order[n]))[:MAX_NAMED]
    named = sorted(ranked, key=order.__getitem__)

    actor_models = [a.model for a in spec.actors if a.name in terms or singular(a.name) in terms]
    example = not named
    candidates = (
        _neighbours(spec, named) + actor_models if named else [a.model for a in spec.actors]
    )
    seen = set(named)
    neighbours: list[str] = []
    for name in candidates:
        if name not in seen and spec.model(name) is not None:
            seen.add(name)
            neighbours.append(name)
    neighbours = sorted(neighbours[:MAX_NEIGHBOURS], key=order.__getitem__)

    if named:
        operations = tuple(op for op in spec.operations if op.model in set(named))
    else:
        operations = _example_operations(spec)
    return SpecContext(
        named=tuple(named),
        neighbours=tuple(neighbours),
        operations=operations,
        matches={n: tuple(matched[n]) for n in named},
        example=example,
    )


def context_data(spec: ProjectSpec, context: SpecContext) -> dict[str, Any]:
    """The context as plain data (camelCase keys, defaults dropped), for the prompt."""
    shown = set(context.shown)
    namespaces: dict[str, list[str]] = {}
    for model in spec.models:
        namespaces.setdefault(model.namespace, []).append(model.name)
    data: dict[str, Any] = {
        "project": {"name": spec.name, "title": spec.title, "description": spec.description},
        "actors": [a.model_dump(mode="json", by_alias=True) for a in spec.actors],
        "allModels": namespaces,
        "models": [_dump(m) for m in spec.models if m.name in shown],
    }
    key = "exampleOperations" if context.example else "operations"
    data[key] = [_dump(op) for op in context.operations]
    endpoints = [
        _endpoint(op)
        for op in spec.operations
        if op.model in set(context.neighbours) and op not in context.operations
    ]
    if endpoints:
        data["neighbourEndpoints"] = endpoints
    return data


# --------------------------------------------------------------------------- matching


def _terms(text: str, names: set[str]) -> set[str]:
    """The request's words, their ``_`` parts (unless the word is a model's name), and
    runs of two or three words joined by ``_``, each also in singular form."""
    words = [w.strip("_") for w in _WORD.findall(text.lower())]
    words = [w for w in words if w]
    terms: set[str] = set()
    for i, word in enumerate(words):
        if word not in STOPWORDS:
            terms.add(word)
            if word not in names:
                terms.update(p for p in word.split("_") if p and p not in STOPWORDS)
        for n in (2, 3):
            run = words[i : i + n]
            if len(run) == n and not any(w in STOPWORDS for w in run):
                terms.add("_".join(run))
    return terms | {_singular_snake(t) for t in terms}


def _singular_snake(term: str) -> str:
    head, _, last = term.rpartition("_")
    return f"{head}_{singular(last)}" if head else singular(last)


def _model_keys(model: Model) -> set[str]:
    """The names a request may use for a model: its name and every tail of it, singular
    and plural, and its DTO name in snake_case."""
    parts = model.name.split("_")
    keys: set[str] = set()
    for i in range(len(parts)):
        tail = "_".join(parts[i:])
        if tail and tail not in STOPWORDS and len(tail) > 2:
            keys.add(tail)
            keys.add(_singular_snake(tail))
    dto = re.sub(r"(?<!^)(?=[A-Z])", "_", dto_base(model)).lower()
    keys.add(dto)
    keys.add(dto.replace("_", ""))
    return keys


def _resource(path: str) -> str:
    """The last static segment of a path, singular (``/a/{id}/items`` -> ``item``)."""
    static = [s for s in path.split("/") if s and not s.startswith("{")]
    return singular(static[-1].lower().replace("-", "_")) if static else ""


def _path_shape(path: str) -> str:
    """A path with parameter names blanked, so ``{id}`` matches ``{listId}``."""
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/")).lower()


# --------------------------------------------------------------------------- neighbours


def _neighbours(spec: ProjectSpec, named: Iterable[str]) -> list[str]:
    """Parents, children, then module-graph neighbours of the named models, in that
    order of closeness."""
    named = list(named)
    accounts = {a.model for a in spec.actors}
    wanted = {n for n in named if n not in accounts}  # everything hangs off an account
    parents: list[str] = []
    children: list[str] = []
    for name in named:
        model = spec.model(name)
        if model is not None:
            parents += [f.relation.target_model for f in model.foreign_fields]
    for model in spec.models:
        if any(f.relation.target_model in wanted for f in model.foreign_fields):
            children.append(model.name)
    return parents + children + _graph_neighbours(spec, named)


def _graph_neighbours(spec: ProjectSpec, named: list[str]) -> list[str]:
    """The models read by the named models' own modules (``model:X``, ``dto:X``, ...,
    and the modules of their operations)."""
    try:
        graph = ModuleGraph(spec)
    except ValueError:  # a spec the generator cannot plan: relations suffice
        return []
    own = set(named)
    own_ops = {operation_id(op) for op in spec.operations if op.model in own}
    found: list[str] = []
    for module_id, module in sorted(graph.modules.items()):
        if module_id.rpartition(":")[2] not in own | own_ops:
            continue
        models = sorted(r.partition(":")[2] for r in module.reads if r.startswith("model:"))
        if len(models) <= MAX_GRAPH_READS:
            found += models
    return found


def _example_operations(spec: ProjectSpec) -> tuple[Operation, ...]:
    """The operations of the non-actor model with the most of them: how this project
    names paths, parameters and actors."""
    actor_models = {a.model for a in spec.actors}
    counts: dict[str, int] = {}
    for op in spec.operations:
        if op.model and op.model not in actor_models:
            counts[op.model] = counts.get(op.model, 0) + 1
    if not counts:
        return tuple(spec.operations[:6])
    order = {m.name: i for i, m in enumerate(spec.models)}
    best = min(counts, key=lambda n: (-counts[n], order.get(n, 0)))
    return tuple(op for op in spec.operations if op.model == best)


# --------------------------------------------------------------------------- dumping


def _dump(node: Any) -> dict[str, Any]:
    data: dict[str, Any] = node.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return data


def _endpoint(op: Operation) -> str:
    who = f", actor {op.actor}" if op.actor else ""
    return f"{op.method.upper()} {op.path} ({op.kind} {op.model}{who})"
