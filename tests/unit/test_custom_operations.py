"""Custom operations and the users' implementations of them (issue 13 item 2), one layer
at a time: the generated interface and handler, the module keys, the stub the build
creates once and never touches again (a hypothesis property over 20 random changes), the
orphaned file, the rule form ``implement ... myself``, what counts as a failure only in
the user's files, and the realization counts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.build.incremental import commit, discard, prepare
from autobe_core.build.workspace import read_manifest
from autobe_core.generate import orphaned_user_files, plan_modules, user_files
from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules import NothingToDo, RulePlanner
from autobe_core.service.implementations import users_files_failing
from autobe_core.spec import realization_counts
from autobe_core.spec.changeset import ChangeSet, ModifyOperation, RemoveOperation
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import Operation, ProjectSpec, Realized
from autobe_core.verify import LadderResult, RungDiagnostic, RungResult
from autobe_core.verify.rungs import orphans
from tests.changeset_strategies import changesets

ROOT = Path(__file__).resolve().parents[2]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
KITCHEN = load_spec(ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml")
PLANNER = RulePlanner()

OP_ID = "put_todo_user_lists_by_list_id"
USER_FILE = f"app/custom/{OP_ID}.py"
IMPLEMENTATION = '''"""PUT /todo/user/lists/{listId}, mine: titles trimmed, upper-cased."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.auth.actors import UserPrincipal
from app.db import commit, utcnow
from app.dtos.todo_lists import ITodoList, ITodoListIUpdate
from app.errors import NotFoundError
from app.interfaces.put_todo_user_lists_by_list_id import Interface
from app.models.todo_lists import TodoList
from app.transformers.todo_lists import to_read


class Implementation(Interface):
    def handle(
        self,
        session: Session,
        principal: UserPrincipal,
        body: ITodoListIUpdate,
        path_list_id: uuid.UUID,
    ) -> ITodoList:
        row = session.get(TodoList, path_list_id)
        if row is None or row.todo_user_id != principal.id:
            raise NotFoundError("todo_lists not found")
        if body.title is not None:
            row.title = body.title.strip().upper()
        if body.archived is not None:
            row.archived = body.archived
        row.updated_at = utcnow()
        commit(session)
        session.refresh(row)
        return to_read(row)
'''
"""A real implementation of the todo fixture's list update, made the user's."""


def user_owned(spec: ProjectSpec, text: str = f"implement {OP_ID} myself") -> ProjectSpec:
    return apply(spec, PLANNER.plan(spec, text).changeset)


TODO_USER = user_owned(TODO)


def files(spec: ProjectSpec) -> dict[str, str]:
    return {m.path: m.generate() for m in plan_modules(spec)}


def build(spec: ProjectSpec, workspace: Path) -> list[str]:
    """prepare + commit against the workspace's manifest; the user files created."""
    staged = prepare(spec, workspace, read_manifest(workspace))
    commit(staged, workspace)
    return staged.created


# --------------------------------------------------------------------------- generation


def test_every_custom_operation_has_a_typed_interface() -> None:
    generated = files(KITCHEN)
    custom = [op for op in KITCHEN.operations if op.kind == "custom"]
    assert custom
    assert "app/interfaces/__init__.py" in generated
    for op in custom:
        from autobe_core.spec.naming import operation_id

        text = generated[f"app/interfaces/{operation_id(op)}.py"]
        assert "class Interface(ABC):" in text and "@abstractmethod" in text
        assert "def handle(\n        self,\n        session: Session," in text
        handler = generated[f"app/operations/{operation_id(op)}.py"]
        assert "raise NotImplementedOperation(" in handler  # nobody implements it: 501
    restock = generated["app/interfaces/post_kitchen_staff_products_by_product_id_restock.py"]
    assert "principal: StaffPrincipal," in restock and "path_product_id: uuid.UUID," in restock
    assert not any(p.startswith("app/custom/") for p in generated)  # never generated


def test_a_user_owned_operation_calls_the_users_implementation() -> None:
    generated = files(TODO_USER)
    interface = generated[f"app/interfaces/{OP_ID}.py"]
    assert ("        principal: UserPrincipal,\n        body: ITodoListIUpdate,\n"
            "        path_list_id: uuid.UUID,\n    ) -> ITodoList:") in interface
    handler = generated[f"app/operations/{OP_ID}.py"]
    assert f"from app.custom.{OP_ID} import Implementation" in handler
    assert "return Implementation().handle(\n        session=session," in handler
    assert "NotImplementedOperation" not in handler
    tests = generated[f"tests/test_{OP_ID}.py"]
    assert "501" not in tests and "not_implemented" not in tests
    for name in ("test_custom_without_token_is_401", "test_custom_body_not_an_object_is_422",
                 "test_custom_malformed_id_is_422"):
        assert f"def {name}(" in tests
    stub = user_files(plan_modules(TODO_USER))[USER_FILE]
    assert "This file is yours" in stub and "class Implementation(Interface):" in stub
    assert "raise NotImplementedOperation(" in stub


def test_making_an_operation_the_users_changes_only_its_handler_and_tests() -> None:
    before = {m.id: m.key for m in plan_modules(TODO)}
    after = {m.id: m.key for m in plan_modules(TODO_USER)}
    changed = {i for i in before.keys() & after.keys() if before[i] != after[i]}
    assert changed == {f"operation:{OP_ID}", f"test:{OP_ID}"}
    assert after.keys() - before.keys() == {f"operation:interface:{OP_ID}",
                                            "operation:interfaces"}
    modules = {m.id: m for m in plan_modules(TODO_USER)}
    assert f"operation:interface:{OP_ID}" in modules[f"operation:{OP_ID}"].imports
    assert "model:todo_lists" in modules[f"operation:interface:{OP_ID}"].reads


def test_the_interface_follows_the_dto_it_names() -> None:
    """A renamed model renames the DTO classes: the interface's key and text follow."""
    renamed = apply(TODO_USER, PLANNER.plan(TODO_USER, "rename lists to boards").changeset)
    before = {m.id: m for m in plan_modules(TODO_USER)}
    after = {m.id: m for m in plan_modules(renamed)}
    key = f"operation:interface:{OP_ID}"
    assert before[key].key != after[key].key
    assert "ITodoBoardIUpdate" in after[key].generate()


# --------------------------------------------------------------------------- the user's file


def test_the_stub_is_created_once_and_never_touched_again(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    assert not (ws / "app" / "custom").exists()
    staged = prepare(TODO_USER, ws, read_manifest(ws))
    assert USER_FILE in staged.created
    discard(staged)  # a rejected change: nothing written
    assert not (ws / "app" / "custom").exists()
    assert set(build(TODO_USER, ws)) == {USER_FILE, "app/custom/__init__.py",
                                         "tests/custom/__init__.py"}
    manifest = read_manifest(ws)
    assert manifest is not None and USER_FILE not in manifest.entries  # the user's
    (ws / USER_FILE).write_text(IMPLEMENTATION, encoding="utf-8")
    assert build(TODO_USER, ws) == []
    assert (ws / USER_FILE).read_text(encoding="utf-8") == IMPLEMENTATION
    gone = apply(TODO_USER, ChangeSet(edits=[RemoveOperation(
        method="put", path="/todo/user/lists/{listId}")]))
    assert build(gone, ws) == []
    assert (ws / USER_FILE).read_text(encoding="utf-8") == IMPLEMENTATION  # kept
    assert not (ws / f"app/interfaces/{OP_ID}.py").exists()
    assert orphans(ws) == [USER_FILE]  # left out of mypy
    assert orphaned_user_files([USER_FILE, "app/custom/__init__.py"], gone) == [USER_FILE]
    assert orphaned_user_files([USER_FILE], TODO_USER) == []


def survives_20_random_changes(data: st.DataObject) -> None:
    """Byte-identical after each of 20 random changes (which may rename its model or
    remove its operation: then it is orphaned, still kept)."""
    with tempfile.TemporaryDirectory() as scratch:
        ws = Path(scratch) / "backend"
        build(TODO_USER, ws)
        mine = IMPLEMENTATION.encode("utf-8")
        (ws / USER_FILE).write_bytes(mine)
        current = TODO_USER
        for _ in range(20):
            current = apply(current, data.draw(changesets(current)))
            created = build(current, ws)
            assert USER_FILE not in created
            assert (ws / USER_FILE).read_bytes() == mine


HYPOTHESIS = settings(deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(HYPOTHESIS, max_examples=1)  # about 20 s: 20 incremental builds
@given(data=st.data())
def test_a_users_implementation_survives_20_random_changes(data: st.DataObject) -> None:
    survives_20_random_changes(data)


@pytest.mark.slow
@settings(HYPOTHESIS, max_examples=6)  # 120 incremental builds
@given(data=st.data())
def test_a_users_implementation_survives_20_random_changes_many_times(
        data: st.DataObject) -> None:
    survives_20_random_changes(data)


# --------------------------------------------------------------------------- the rule form


def test_implement_myself_by_endpoint_or_id() -> None:
    by_path = PLANNER.plan(TODO, "implement PUT /todo/user/lists/{listId} myself").changeset
    by_id = PLANNER.plan(TODO, f"I will implement {OP_ID} myself").changeset
    assert by_path.edits == by_id.edits
    (edit,) = by_path.edits
    assert isinstance(edit, ModifyOperation)
    op = edit.operation
    assert (op.kind, op.implementation, op.model, op.actor) == (
        "custom", "user", "todo_lists", "user")
    assert op.request_body is not None and op.request_body.type_name == "ITodoList.IUpdate"
    assert op.response_body is not None and op.response_body.type_name == "ITodoList"
    with pytest.raises(NothingToDo):
        PLANNER.plan(TODO_USER, f"implement {OP_ID} myself")
    with pytest.raises(NotUnderstood, match="join operation"):
        PLANNER.plan(TODO, "implement post_auth_user_join myself")
    with pytest.raises(NotUnderstood):
        PLANNER.plan(TODO, "implement get_nothing_here myself")


# --------------------------------------------------------------------------- verification


def _mypy_failure(*diagnostics: RungDiagnostic) -> LadderResult:
    return LadderResult((RungResult("compile", "passed"),
                         RungResult("mypy", "failed", diagnostics=diagnostics)))


def test_a_failure_only_in_the_users_files_is_told_apart() -> None:
    mine = RungDiagnostic(USER_FILE, 29, '"ITodoListIUpdate" has no attribute "title"',
                          "attr-defined")
    theirs = RungDiagnostic(f"tests/custom/test_{OP_ID}.py", 3, "bad", "misc")
    generated = RungDiagnostic("app/dtos/todo_lists.py", 1, "bad", "misc")
    assert users_files_failing(_mypy_failure(mine, theirs)) == [mine, theirs]
    assert users_files_failing(_mypy_failure(mine, generated)) == []
    assert users_files_failing(LadderResult((RungResult("compile", "failed",
                                                        diagnostics=(mine,)),))) == []


def test_realization_counts() -> None:
    custom = Operation(path="/x", method="get", name="x", kind="custom")
    llm = custom.model_copy(update={"path": "/y", "realized": Realized(
        code="", key="k", model="m")})
    spec = TODO_USER.model_copy(update={"operations": [*TODO_USER.operations, custom, llm]})
    assert realization_counts(spec) == {"deterministic": len(TODO.operations) - 1,
                                        "user": 1, "llm": 1, "unrealized": 1}


@pytest.mark.slow
def test_every_kind_of_custom_operation_made_the_users_type_checks(tmp_path: Path) -> None:
    """The kitchen sink's custom operations (with and without a model, an actor, path
    parameters or a response body) all the user's: the stubs and handlers pass mypy
    --strict and the generated tests around them pass."""
    from autobe_core.verify import run_ladder

    spec = KITCHEN.model_copy(update={"operations": [
        op.model_copy(update={"implementation": "user"}) if op.kind == "custom" else op
        for op in KITCHEN.operations]})
    ws = tmp_path / "backend"
    created = build(spec, ws)
    assert len([p for p in created if not p.endswith("__init__.py")]) == 3
    result = run_ladder(ws, rungs=["compile", "mypy", "import", "tests"])
    assert result.ok, [str(d) for d in result.diagnostics()]
