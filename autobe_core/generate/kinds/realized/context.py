"""What a realized operation is written against, and the key of that slice.

The context of a ``custom`` operation is a few generated modules, chosen
deterministically from the spec with every ``realized`` cleared (the code an LLM wrote
never feeds its own key):

- its **interface**: the typed interface module (``app/interfaces/<operation_id>.py``)
  when one is generated, else the operation's handler module;
- the **DTO and transformer modules** of the models it touches (its target model and the
  models whose DTO type names its request and response bodies use): the shapes it takes
  and answers, and how rows become them;
- the **ORM model modules** of those models and of their neighbours in the module graph:
  the model modules they import (their foreign keys' targets), the model modules
  importing them (their children; not for actors' account models, which everything
  hangs off) and the calling actor's accounts model; at most :data:`MAX_NEIGHBOURS`.

The key is the hash of the operation's own definition and of those modules' keys (each
a hash of its generator version and slice): a change to any of them makes the realized
code stale; a change anywhere else leaves it current. :func:`current_realized` is what
the generators ask: the recorded code when its key is today's, else None (the handler
then answers 501 until it is realized again).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.model import (
    Operation,
    ProjectSpec,
    Realized,
    canonical_json,
    sha256_text,
)
from autobe_core.spec.naming import dto_type_names, operation_id

KEY_VERSION = "1"
"""Bumped when what the key covers changes (every realized operation is then stale)."""
MAX_NEIGHBOURS = 8
_CACHE_SIZE = 8


@dataclass(frozen=True)
class ContextModules:
    """The modules one custom operation is realized against, in a stable order."""

    operation_id: str
    interface: PlannedModule
    dtos: tuple[PlannedModule, ...]
    """The touched models' DTO modules, then their transformer modules."""
    models: tuple[PlannedModule, ...]
    touched: tuple[str, ...]
    """The models the operation touches (target, bodies, caller), sorted."""
    neighbours: tuple[str, ...]
    """Their graph neighbours in the context (parents and children), sorted."""

    def all(self) -> tuple[PlannedModule, ...]:
        return (self.interface, *self.dtos, *self.models)


def cleared(spec: ProjectSpec) -> ProjectSpec:
    """``spec`` with no operation realized: what every context is cut from."""
    if not any(op.realized is not None for op in spec.operations):
        return spec
    return spec.model_copy(update={"operations": [
        op.model_copy(update={"realized": None}) if op.realized is not None else op
        for op in spec.operations
    ]})


def _planners() -> list[Callable[[ProjectSpec], Iterable[PlannedModule]]]:
    from autobe_core.generate.kinds import dto, model, operation, transformer

    # operation.plan: the handlers and the custom operations' typed interfaces
    return [model.plan, dto.plan, transformer.plan, operation.plan]


def touched_models(spec: ProjectSpec, op: Operation) -> list[str]:
    """The models an operation touches: its target, its bodies' DTOs, its caller."""
    by_type: dict[str, str] = {}
    for m in spec.models:
        for type_name in dto_type_names(m).values():
            by_type.setdefault(type_name, m.name)
    names: set[str] = set()
    if op.model and spec.model(op.model) is not None:
        names.add(op.model)
    for body in (op.request_body, op.response_body):
        if body is not None and body.type_name in by_type:
            names.add(by_type[body.type_name])
    return sorted(names)


def caller_model(spec: ProjectSpec, op: Operation) -> str | None:
    """The accounts model of the actor that must call ``op`` (the principal's rows)."""
    actor = spec.actor(op.actor) if op.actor else None
    return actor.model if actor is not None and spec.model(actor.model) is not None else None


class _Context:
    """Every module the contexts of one spec draw from, planned once."""

    def __init__(self, spec: ProjectSpec) -> None:
        self.spec = cleared(spec)
        self.by_id = {m.id: m for p in _planners() for m in p(self.spec)}
        self.by_path = {m.path: m for m in self.by_id.values()}

    def modules(self, op: Operation) -> ContextModules:
        op_id = operation_id(op)
        interface = self.by_path.get(f"app/interfaces/{op_id}.py") or \
            self.by_id[f"operation:{op_id}"]
        touched = touched_models(self.spec, op)
        accounts = {a.model for a in self.spec.actors}
        neighbours: set[str] = set()
        caller = caller_model(self.spec, op)
        if caller is not None:
            neighbours.add(caller)
        for name in touched:
            module = self.by_id.get(f"model:{name}")
            if module is None:
                continue
            neighbours |= {i.partition(":")[2] for i in module.imports
                           if i.startswith("model:")}
            if name not in accounts:  # everything hangs off the accounts: not their children
                neighbours |= {m.id.partition(":")[2] for m in self.by_id.values()
                               if m.kind == "model" and f"model:{name}" in m.imports}
        picked = sorted(neighbours - set(touched))[:MAX_NEIGHBOURS]
        return ContextModules(
            operation_id=op_id,
            interface=interface,
            dtos=tuple(self.by_id[f"{kind}:{n}"] for kind in ("dto", "transformer")
                       for n in touched if f"{kind}:{n}" in self.by_id),
            models=tuple(self.by_id[f"model:{n}"] for n in (*touched, *picked)
                         if f"model:{n}" in self.by_id),
            touched=tuple(touched),
            neighbours=tuple(picked),
        )

    def key(self, op: Operation) -> str:
        context = self.modules(op)
        definition = op.model_dump(mode="json", by_alias=True, exclude={"realized"})
        return sha256_text(canonical_json({
            "version": KEY_VERSION,
            "operation": definition,
            "modules": [[m.id, m.key] for m in context.all()],
        }))


_contexts: OrderedDict[str, _Context] = OrderedDict()


def _context(spec: ProjectSpec) -> _Context:
    digest = cleared(spec).spec_hash()
    found = _contexts.get(digest)
    if found is None:
        found = _contexts[digest] = _Context(spec)
        while len(_contexts) > _CACHE_SIZE:
            _contexts.popitem(last=False)
    else:
        _contexts.move_to_end(digest)
    return found


def context_modules(spec: ProjectSpec, op: Operation) -> ContextModules:
    """The modules ``op`` (a custom operation of ``spec``) is realized against."""
    return _context(spec).modules(op)


def realize_key(spec: ProjectSpec, op: Operation) -> str:
    """The key of ``op``'s slice: its definition and its context modules' keys."""
    return _context(spec).key(op)


def realize_keys(spec: ProjectSpec) -> dict[str, str]:
    """operation id -> key, for every custom operation of ``spec``."""
    context = _context(spec)
    return {operation_id(op): context.key(op) for op in spec.operations if op.kind == "custom"}


def current_realized(spec: ProjectSpec, op: Operation) -> Realized | None:
    """``op``'s realized code when it is a custom operation realized against today's
    slice (its key is current); None otherwise (not realized, or stale)."""
    realized = op.realized
    if realized is None or op.kind != "custom":
        return None
    if getattr(op, "implementation", None) == "user":
        return None  # the user's file wins
    if realized.key != realize_key(spec, op) or not imports_exist(spec, realized.code):
        return None
    return realized


MODEL_MODULE_KINDS = frozenset({"model", "dto", "collector", "transformer"})


def imports_exist(spec: ProjectSpec, code: str) -> bool:
    """Whether every per-model or per-operation backend module ``code`` imports is still
    generated (code may import a model outside its context, which a later change can
    remove without touching the key: that code is stale too)."""
    from autobe_core.generate.kinds.operation.render import imported_module_ids

    customs = {operation_id(op) for op in spec.operations if op.kind == "custom"}
    for module in imported_module_ids(code.splitlines()):
        kind, _, name = module.partition(":")
        if kind in MODEL_MODULE_KINDS and spec.model(name) is None:
            return False
        if kind == "operation" and name not in {operation_id(op) for op in spec.operations}:
            return False
        if kind == "realized" and name not in customs:
            return False
    return True
