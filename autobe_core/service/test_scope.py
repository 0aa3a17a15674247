"""Which generated test files a change must re-run.

mypy always checks the whole backend (incrementally), so type breakage anywhere is
caught. The generated tests that can change outcome are those whose own file changed,
those that read a changed spec element (their operation or model changed), and those
that import a module the change touched; the rest test code and schema that did not
change.

One change is narrower than the spec element it changes: a **quiet addition** to a model,
optional columns and nothing else (each added field plain, nullable, without default,
role or index; every other part of the model as it was). Of the modules it changes, two
are run by nearly every test that makes the model's rows: the ORM class (one more nullable
column) and the test factory (the same column set to None, which is what the database
stores for a column nobody sets). A test whose own code and whose operation's code are
unchanged cannot see the new column (nothing it runs names it), so it is left out, unless
the code it runs (its imports, and its operation's module with everything that imports)
holds some other changed module: the model's DTO, collector, an operation whose slice
changed. A generated test requests its own operation only (``METHOD`` and ``url()`` of
its module, and a login's logout route, which the login's module serves; checked on
generated suites by tests/unit/test_test_scope.py); a test of no operation of its own
counts as calling every operation its slice names.

What the ORM class and the factory could still get wrong for everybody (a column the
database refuses NULL in, a value the column refuses) is caught by the migrate rung (the
migrated schema equals the models) and by the tests kept, which make the model's rows with
the same factory: the model counts as quiet only while at least one kept test runs its
factory. Operations whose code autobe did not derive (``custom``: realized by a model or
implemented by the user) are opaque, and a test that reaches one is kept; so is every test
of a change that also changes a generator (a version upgrade). The rule is checked by
mutation (tests/service/test_test_scope_mutations.py): broken in the ways a quiet addition
can break, the quieted modules fail tests left out and tests kept alike.

Both rules know the code autobe generates: a module the user edited by hand may read what
its slice does not name, and ``autobe change --all-tests`` runs every test.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from autobe_core.graph import Affected, ModuleGraph
from autobe_core.spec.model import Model, PlainField, ProjectSpec

if TYPE_CHECKING:
    from autobe_core.generate import PlannedModule

NOT_EXPANDED = frozenset({"test:conftest", "app:main"})
"""Modules every test imports that import the whole app (every operation): a change to
one of them reaches every test through its direct import; walking through them would make
every test run every operation."""


def tests_reached(
    graph: ModuleGraph, result: Affected, before: ProjectSpec | None = None
) -> list[str]:
    """Workspace-relative paths of the test files to run, sorted; empty = none reached
    (the caller then runs nothing extra beyond the static rungs, or everything if it
    prefers). ``before``: the spec the change starts from; without it no addition is
    treated as quiet."""
    quiet = quiet_models(before, graph.spec, result) if before is not None else set()
    while True:
        reached, uncovered = _reached(graph, result, quiet)
        if not uncovered:
            return reached
        quiet -= uncovered


def _reached(
    graph: ModuleGraph, result: Affected, quiet: set[str]
) -> tuple[list[str], set[str]]:
    """The tests reached with ``quiet`` models' additions treated as quiet, and the quiet
    models no kept test makes rows of (their addition must not be quiet)."""
    touched = {c.id for c in result.added + result.changed}
    changed_elements = set(result.elements)
    quiet_elements = {f"model:{name}" for name in quiet}
    factories = {_factory(name) for name in quiet}
    quieted = quiet_elements | factories  # an ORM class's module id is its model's element id
    live_elements = changed_elements - quiet_elements
    live_modules = touched - quieted
    opaque = _opaque_modules(graph)
    paths: set[str] = set()
    covered: set[str] = set()
    for module in graph.modules.values():
        if module.kind != "test" or not module.path.split("/")[-1].startswith("test_"):
            continue
        if module.id in touched or module.reads & live_elements \
                or module.imports & live_modules:
            keep = True
        elif module.reads & quiet_elements or module.imports & quieted:
            runs = _runs(graph, [*module.imports, *_calls(graph, module)])
            keep = bool(runs & live_modules or runs & opaque)
        else:
            keep = False
        if keep:
            paths.add(module.path)
            if quiet:
                covered |= _runs(graph, module.imports) & quieted
    uncovered = {name for name in quiet if _factory(name) not in covered}
    return sorted(paths), uncovered


def _factory(model: str) -> str:
    """The module id of ``model``'s test factory."""
    return f"test:factory:{model}"


def _calls(graph: ModuleGraph, module: PlannedModule) -> list[str]:
    """The operation modules a test module requests: its own operation's (``test:<id>``
    tests ``operation:<id>``), or, for a test of no operation of its own, those of every
    operation its slice names."""
    own = f"operation:{module.id.removeprefix('test:')}"
    if own in graph.modules:
        return [own]
    return [f"operation:{e.split(':', 1)[1]}" for e in module.reads
            if e.startswith("operation:")]


def _runs(graph: ModuleGraph, roots: Iterable[str]) -> set[str]:
    """``roots`` and every module they import, directly or not, not walking through the
    modules that import the whole app."""
    todo = list(roots)
    seen: set[str] = set()
    while todo:
        module_id = todo.pop()
        if module_id in seen or module_id not in graph.modules:
            continue
        seen.add(module_id)
        if module_id not in NOT_EXPANDED:
            todo.extend(graph.modules[module_id].imports)
    return seen


def _opaque_modules(graph: ModuleGraph) -> set[str]:
    """Operations whose code autobe did not derive from the spec, and the modules holding
    that code."""
    from autobe_core.spec.naming import operation_id

    opaque = {m.id for m in graph.modules.values() if m.kind == "realized"}
    opaque |= {f"operation:{operation_id(op)}" for op in graph.spec.operations
               if op.kind == "custom"}
    return opaque


def quiet_models(before: ProjectSpec, after: ProjectSpec, result: Affected) -> set[str]:
    """The models ``before`` -> ``after`` changes by a quiet addition only (none while a
    generator changed too: its modules' changes are not the addition's)."""
    if any(r.change == "generator" for c in result.changed for r in c.reasons):
        return set()
    quiet: set[str] = set()
    for element, change in result.elements.items():
        kind, _, name = element.partition(":")
        if kind != "model" or change != "changed":
            continue
        old, new = before.model(name), after.model(name)
        if old is not None and new is not None and quiet_addition(old, new):
            quiet.add(name)
    return quiet & _alone(result, quiet)


def _alone(result: Affected, quiet: set[str]) -> set[str]:
    """The quiet models whose ORM class and factory changed for their own addition alone
    (they read no other changed element)."""
    elements = set(result.elements)
    alone = set(quiet)
    for change in result.changed:
        for name in quiet:
            if change.id in (f"model:{name}", _factory(name)) \
                    and {r.element for r in change.reasons} - {f"model:{name}"} & elements:
                alone.discard(name)
    return alone


def quiet_addition(old: Model, new: Model) -> bool:
    """``new`` is ``old`` with optional columns added and nothing else changed."""
    before = {f.name for f in old.plain_fields}
    added = [f for f in new.plain_fields if f.name not in before]
    if not added:
        return False
    indexed = {n for i in new.unique_indexes for n in i.field_names}
    indexed |= {n for i in new.plain_indexes for n in i.field_names}
    indexed |= {i.field_name for i in new.gin_indexes}
    if not all(_optional_column(f) and f.name not in indexed for f in added):
        return False
    kept = [f for f in new.plain_fields if f.name in before]
    return new.model_copy(update={"plain_fields": kept}) == old


def _optional_column(field: PlainField) -> bool:
    return field.nullable and field.default is None and field.role is None
