"""Which tests a change reaches (autobe_core/service/test_scope.py): a quiet addition
(optional columns added to a model, nothing else of it changed) leaves out the tests
that only make the model's rows; anything else keeps the element rule. Whether the
tests kept still catch what a quiet addition can break is checked by mutation, with
real pytest runs (tests/service/test_test_scope_mutations.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.generate import generate_files
from autobe_core.graph import ModuleGraph, affected
from autobe_core.importer.pipeline import import_autobe
from autobe_core.service.test_scope import NOT_EXPANDED, quiet_addition, quiet_models
from autobe_core.service.test_scope import tests_reached as reached_tests
from autobe_core.spec.changeset import (
    AddField,
    ChangeSet,
    Edit,
    ModifyModel,
    ModifyOperation,
)
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import Model, PlainField, ProjectSpec, UniqueIndex
from autobe_core.spec.naming import operation_id

ROOT = Path(__file__).resolve().parents[2]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
BBS = load_spec(ROOT / "fixtures" / "bbs.yaml")
KITCHEN = load_spec(ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml")
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
NOTE = PlainField(name="zz_note", type="string", nullable=True)


def add(model: str, field: PlainField = NOTE) -> AddField:
    return AddField(model=model, field=field)


def reach(spec: ProjectSpec, *edits: Edit) -> tuple[set[str], set[str], ProjectSpec]:
    """(tests reached by the element rule, tests reached knowing the spec before, the
    new spec)."""
    new = apply(spec, ChangeSet(edits=list(edits)))
    graph = ModuleGraph(new)
    result = affected(ModuleGraph(spec), graph)
    return (set(reached_tests(graph, result)), set(reached_tests(graph, result, spec)), new)


def file_of(op_id: str) -> str:
    return f"tests/test_{op_id}.py"


def model_of(spec: ProjectSpec, name: str) -> Model:
    model = spec.model(name)
    assert model is not None
    return model


# --------------------------------------------------------------------------- quiet additions


def with_fields(model: Model, *fields: PlainField, **update: object) -> Model:
    return model.model_copy(update={"plain_fields": [*model.plain_fields, *fields], **update})


def test_optional_columns_added_are_a_quiet_addition() -> None:
    articles = model_of(BBS, "bbs_articles")
    other = PlainField(name="zz_score", type="int", nullable=True)
    assert quiet_addition(articles, with_fields(articles, NOTE))
    assert quiet_addition(articles, with_fields(articles, NOTE, other))


@pytest.mark.parametrize("field, why", [
    (PlainField(name="zz_note", type="string"), "required"),
    (PlainField(name="zz_note", type="string", nullable=True, default="x"), "a default"),
    (PlainField(name="zz_note", type="datetime", nullable=True, role="server"), "a role"),
])
def test_a_column_the_code_must_fill_is_not_quiet(field: PlainField, why: str) -> None:
    articles = model_of(BBS, "bbs_articles")
    assert not quiet_addition(articles, with_fields(articles, field)), why


def test_an_indexed_column_is_not_quiet() -> None:
    articles = model_of(BBS, "bbs_articles")
    indexed = with_fields(articles, NOTE, unique_indexes=[
        *articles.unique_indexes, UniqueIndex(field_names=["zz_note"])])
    assert not quiet_addition(articles, indexed)


def test_anything_else_changed_on_the_model_is_not_quiet() -> None:
    articles = model_of(BBS, "bbs_articles")
    assert not quiet_addition(articles, with_fields(articles, NOTE, description="changed"))
    assert not quiet_addition(articles, articles.model_copy(update={"description": "changed"}))
    dropped = articles.model_copy(update={"plain_fields": [*articles.plain_fields[1:], NOTE]})
    assert not quiet_addition(articles, dropped)


# --------------------------------------------------------------------------- the reach


def test_a_quiet_addition_to_a_central_model_leaves_out_the_tests_that_only_make_its_rows(
) -> None:
    every, narrowed, new = reach(BBS, add("bbs_articles"))
    assert narrowed < every
    # the operations that read or write the model's DTO (which holds the new field) are
    # tested, and so is every test whose file changed
    for op in new.operations:
        if op.model == "bbs_articles" and op.kind in ("create", "update", "at", "index"):
            assert file_of(operation_id(op)) in narrowed, op.endpoint
    left_out = every - narrowed
    assert left_out
    # a test left out is of another model, whose operations make articles only as parents
    for path in left_out:
        op = next(o for o in new.operations if file_of(operation_id(o)) == path)
        assert op.model != "bbs_articles" or op.kind not in ("create", "update", "at", "index")


def test_without_the_spec_before_every_reader_of_the_model_is_reached() -> None:
    new = apply(BBS, ChangeSet(edits=[add("bbs_articles")]))
    graph = ModuleGraph(new)
    result = affected(ModuleGraph(BBS), graph)
    readers = {m.path for m in graph.modules.values() if m.kind == "test"
               and m.path.split("/")[-1].startswith("test_") and "model:bbs_articles" in m.reads}
    assert readers <= set(reached_tests(graph, result))


def test_a_change_that_is_not_quiet_keeps_every_reader() -> None:
    required = PlainField(name="zz_note", type="string", nullable=True, default="x")
    every, narrowed, _ = reach(BBS, add("bbs_articles", required))
    assert narrowed == every


def test_another_change_in_the_same_request_keeps_its_own_readers() -> None:
    at = next(op for op in BBS.operations if op.model == "bbs_tags" and op.kind == "at")
    described = ModifyOperation(method=at.method, path=at.path,
                                operation=at.model_copy(update={"summary": "One tag."}))
    _, tags_only, _ = reach(BBS, described)
    every, narrowed, _ = reach(BBS, add("bbs_articles"), described)
    assert tags_only and tags_only <= narrowed < every


def test_a_change_to_a_model_the_class_reads_makes_the_addition_not_quiet() -> None:
    # the articles' class names its categories (a relation): the class changed for both
    described = ModifyModel(model="bbs_categories", description="Kinds of article.")
    every, narrowed, new = reach(BBS, add("bbs_articles"), described)
    result = affected(ModuleGraph(BBS), ModuleGraph(new))
    assert quiet_models(BBS, new, result) == set()
    assert narrowed == every


def test_an_actor_models_quiet_addition_keeps_its_account_operations() -> None:
    every, narrowed, new = reach(BBS, add("bbs_members"))
    assert len(narrowed) * 3 < len(every)
    actor = next(a for a in new.actors if a.model == "bbs_members")
    accounts = [op for op in new.operations if op.model == actor.model
                and op.kind in ("join", "login")]
    assert accounts
    assert {file_of(operation_id(op)) for op in accounts} <= narrowed


def test_a_model_no_kept_test_makes_rows_of_is_not_quiet() -> None:
    # bbs_article_snapshots: its rows are made by its own two operations' tests only; with
    # those gone (a spec without them), no test would be left to run its factory
    spec = BBS.model_copy(update={"operations": [
        op for op in BBS.operations if op.model != "bbs_article_snapshots"]})
    new = apply(spec, ChangeSet(edits=[add("bbs_article_snapshots")]))
    graph = ModuleGraph(new)
    result = affected(ModuleGraph(spec), graph)
    assert quiet_models(spec, new, result) == {"bbs_article_snapshots"}
    assert reached_tests(graph, result, spec) == reached_tests(graph, result)


@st.composite
def additions(draw: st.DrawFn) -> tuple[ProjectSpec, list[str], PlainField]:
    """A fixture, one to three of its models and one field added to each (optional or
    not)."""
    spec = draw(st.sampled_from([TODO, BBS]))
    models = draw(st.lists(st.sampled_from([m.name for m in spec.models]), min_size=1,
                           max_size=3, unique=True))
    nullable = draw(st.booleans())
    field = PlainField(name="zz_note", type="string", nullable=nullable,
                       default=None if nullable else "x")
    return spec, models, field


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(addition=additions())
def test_the_narrowed_reach_keeps_what_the_change_names(
    addition: tuple[ProjectSpec, list[str], PlainField],
) -> None:
    """On random additions to todo's and bbs's models: the narrowed reach is within the
    element rule's, keeps every test whose file changed or that imports a changed module
    other than a quiet model's class and factory, and, for each model treated as quiet,
    some test kept makes its rows."""
    spec, models, field = addition
    new = apply(spec, ChangeSet(edits=[add(m, field) for m in models]))
    graph = ModuleGraph(new)
    result = affected(ModuleGraph(spec), graph)
    every = set(reached_tests(graph, result))
    narrowed = set(reached_tests(graph, result, spec))
    assert narrowed <= every
    quiet = quiet_models(spec, new, result)
    assert quiet <= set(models)
    if not field.nullable:
        assert not quiet and narrowed == every
    quieted = {f"model:{m}" for m in quiet} | {f"test:factory:{m}" for m in quiet}
    touched = {c.id for c in result.added + result.changed}
    for module in graph.modules.values():
        if module.path not in every:
            continue
        if module.id in touched or module.imports & (touched - quieted):
            assert module.path in narrowed, module.path
    for name in quiet:
        makers = {m.path for m in graph.modules.values()
                  if f"test:factory:{name}" in _imported(graph, m.imports)}
        assert not makers & every or makers & narrowed, name


def _imported(graph: ModuleGraph, imports: frozenset[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(imports)
    while todo:
        module_id = todo.pop()
        if module_id in seen or module_id not in graph.modules or module_id in NOT_EXPANDED:
            continue
        seen.add(module_id)
        todo.extend(graph.modules[module_id].imports)
    return seen


# --------------------------------------------------------------------------- what a test calls

CALL = re.compile(r"\bclient\.(request|get|post|put|patch|delete)\(\s*([^,)]*)")
NOT_OF_AN_OPERATION = {"tests/test_errors.py", "tests/test_health.py", "tests/test_settings.py"}


def imported(vendor_project: str) -> ProjectSpec:
    source = EXAMPLES / vendor_project
    if not source.is_dir():
        pytest.skip(f"no AutoBe example at {source}")
    return import_autobe([source]).spec


@pytest.mark.parametrize("which", ["todo", "bbs", "kitchen", "openai__gpt-4.1/bbs",
                                   "anthropic__claude-sonnet-4.5/todo"])
def test_a_generated_test_requests_its_own_operation_only(which: str) -> None:
    """What the narrowed reach rests on (a test runs its own operation's code, none other):
    every request a generated test of an operation makes is ``client.request(METHOD,
    ...)``, its module's own method and path, or a login's logout, which no other
    operation serves (the login's module does)."""
    spec = {"todo": TODO, "bbs": BBS, "kitchen": KITCHEN}.get(which) or imported(which)
    operations = {f"tests/test_{operation_id(op)}.py": op for op in spec.operations}
    endpoints = {(op.method, op.path) for op in spec.operations}
    calls = 0
    for path, text in generate_files(spec).items():
        if not path.startswith("tests/test_") or path in NOT_OF_AN_OPERATION:
            continue
        op = operations[path]
        assert f"METHOD = {op.method.upper()!r}" in text, path
        assert f"PATH = {op.path!r}" in text, path
        for verb, first in CALL.findall(text):
            calls += 1
            if verb == "request":
                assert first == "METHOD", (path, first)
                continue
            logout = op.path.rstrip("/").rpartition("/")[0] + "/logout"
            assert (op.kind, verb, first) == ("login", "post", repr(logout)), (path, first)
            assert ("post", logout) not in endpoints, path
    assert calls > len(operations)
