"""LLM realize through the real openai client, over HTTP, against the scripted
OpenAI-compatible server on loopback (tests/fake_openai.py), with real mypy --strict and
real pytest of the generated backend in the staged tree.

Covered: success on the first try, recorded as a revision (planner ``realize``, tokens,
tries) whose workspace serves the module; a mypy error fixed on the second try (its
diagnostic in the second request); a failing generated test fixed on the second try (its
output in the second request); the bound reached: the operation stays 501 and the report
holds the diagnostics, nothing recorded; a one-field change elsewhere re-realizes
nothing (0 tokens, no request) and a change to the operation's DTO re-realizes it.
The loop tests run mypy and pytest (over 20 s on two cores: ``slow``; they share one
mypy cache per worker); the default suite keeps the keys, the context, the reading of a
reply and a bound reached by replies without a module, which need neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.generate.kinds.realized import (
    context_modules,
    current_realized,
    realize_key,
    realize_keys,
)
from autobe_core.planning.llm import LlmConfig
from autobe_core.realize import (
    Chat,
    extract_code,
    pending_operations,
    realize_project,
    user_prompt,
)
from autobe_core.service import ChangeOptions, MemoryStorage, ProjectService
from autobe_core.spec import apply, realization_counts
from autobe_core.spec.changeset import AddField, ChangeSet, ModifyOperation
from autobe_core.spec.io import dump_spec
from autobe_core.spec.model import PlainField, ProjectSpec, Realized
from autobe_core.spec.naming import operation_id
from autobe_core.verify import stop_verifier
from tests.e2e.test_cli_inputs import run
from tests.fake_openai import (
    FakeOpenAI,
    code_reply,
    error_reply,
    loopback_server,  # noqa: F401  (the server fixture)
    text_reply,
)
from tests.realize_fixture import (
    ARCHIVE,
    ARCHIVE_OK,
    ARCHIVE_TYPE_ERROR,
    ARCHIVE_WRONG,
    COMPLETE_ALL,
    COMPLETE_ALL_OK,
    RECOLOR,
    custom_todo,
)

ARCHIVE_ID = operation_id(ARCHIVE)
COMPLETE_ID = operation_id(COMPLETE_ALL)
NO_VERIFY = ChangeOptions(verify=False)
"""The loop already ran mypy and the operation's tests on the staged tree."""


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("realize-mypy-cache")


def config(server: FakeOpenAI, **overrides: object) -> LlmConfig:
    settings: dict[str, object] = {"model": "fake-model", "base_url": server.base_url,
                                   "api_key": "test-key", "timeout": 10.0, "http_retries": 0}
    settings.update(overrides)
    return LlmConfig(**settings)  # type: ignore[arg-type]


def project(tmp_path: Path, spec: ProjectSpec) -> ProjectService:
    storages = MemoryStorage()
    result = ProjectService.create(tmp_path / "project", spec, text="custom todo",
                                   planner="init", storages=storages)
    return ProjectService(result.layout, storages)


def add_field(model: str, name: str) -> ChangeSet:
    return ChangeSet(edits=[AddField(model=model, field=PlainField(
        name=name, type="string", nullable=True))], summary=f"{model}.{name}")


# --------------------------------------------------------------------------- (a)


@pytest.mark.slow
def test_realized_on_the_first_try_is_recorded_and_served(
    server: FakeOpenAI, tmp_path: Path, mypy_cache: Path
) -> None:
    service = project(tmp_path, custom_todo(ARCHIVE))
    workspace = service.layout.workspace
    handler = workspace / "app" / "operations" / f"{ARCHIVE_ID}.py"
    assert "NotImplementedOperation" in handler.read_text()
    server.script(code_reply(ARCHIVE_OK))

    outcome = service.realize(config(server), options=NO_VERIFY, mypy_cache=mypy_cache)

    [done] = outcome.report.outcomes
    assert done.ok and done.tries == 1 and done.tokens > 0
    assert server.hits == 1
    # recorded: the spec holds the code, keyed by today's slice; the revision the tokens
    spec = service.spec()
    [op] = [o for o in spec.operations if operation_id(o) == ARCHIVE_ID]
    assert op.realized is not None and op.realized.code == ARCHIVE_OK
    assert op.realized.key == realize_key(spec, op)
    assert (op.realized.model, op.realized.tries) == ("fake-model", 1)
    head = service.log()[-1].revision
    assert (head.planner, head.tokens, head.tries) == ("realize", done.tokens, 1)
    # served: the module is generated and the handler calls it
    assert (workspace / "app" / "realized" / f"{ARCHIVE_ID}.py").read_text() == ARCHIVE_OK
    text = handler.read_text()
    assert f"from app.realized.{ARCHIVE_ID} import Implementation" in text
    assert "NotImplementedOperation" not in text
    # what the model read: the operation, its interface, its DTOs, the models around it
    prompt = server.requests[0].text()
    context = context_modules(spec, op)
    assert [m.path for m in context.all()][:3] == [
        f"app/interfaces/{ARCHIVE_ID}.py", "app/dtos/todo_lists.py",
        "app/transformers/todo_lists.py"]
    for needle in ("POST /todo/user/lists/{listId}/archive", "archived becomes true",
                   "class Interface(ABC)", "class ITodoList(", "class TodoList(",
                   "class TodoItem(", f"app/realized/{ARCHIVE_ID}.py"):
        assert needle in prompt, needle
    assert "todo_labels" not in prompt  # not touched, not a neighbour


# --------------------------------------------------------------------------- (b), (c)


@pytest.mark.slow
@pytest.mark.parametrize("verifier", ["cold", "warm"])
def test_a_mypy_error_goes_back_and_is_fixed(server: FakeOpenAI, mypy_cache: Path,
                                             verifier: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOBE_VERIFIER", verifier)
    warm = tmp_path / "verifier" if verifier == "warm" else None
    server.script(code_reply(ARCHIVE_TYPE_ERROR), code_reply(ARCHIVE_OK))
    try:
        report = realize_project(custom_todo(ARCHIVE), Chat(config(server)),
                                 mypy_cache=mypy_cache, warm=warm)
    finally:
        if warm is not None:
            stop_verifier(warm)
    if warm is not None:
        assert (warm / "tree" / "app" / "realized" / f"{ARCHIVE_ID}.py").is_file(), \
            "the tries were judged in the warm mirror"

    [done] = report.outcomes
    assert done.ok and done.tries == 2 and server.hits == 2
    assert done.history == ["try 1: mypy failed", "try 2: passed"]
    second = server.requests[1].messages
    assert second[-2] == {"role": "assistant",
                          "content": server.requests[1].messages[-2]["content"]}
    feedback = second[-1]["content"]
    assert "mypy --strict reported" in feedback
    assert f"app/realized/{ARCHIVE_ID}.py:" in feedback
    assert 'Incompatible return value type (got "TodoList", expected "ITodoList")' in feedback
    assert report.tokens == done.tokens > 0


@pytest.mark.slow
def test_a_failing_generated_test_goes_back_and_is_fixed(
    server: FakeOpenAI, mypy_cache: Path
) -> None:
    server.script(code_reply(ARCHIVE_WRONG), code_reply(ARCHIVE_OK))
    report = realize_project(custom_todo(ARCHIVE), Chat(config(server)), mypy_cache=mypy_cache)

    [done] = report.outcomes
    assert done.ok and done.tries == 2
    assert done.history == ["try 1: tests failed", "try 2: passed"]
    feedback = server.requests[1].messages[-1]["content"]
    assert "the operation's tests failed" in feedback
    assert "test_realized_missing_row_is_404" in feedback
    assert "assert 403 == 404" in feedback


# --------------------------------------------------------------------------- (d)


@pytest.mark.slow
def test_the_bound_reached_leaves_the_operation_501_with_the_diagnostics(
    server: FakeOpenAI, tmp_path: Path, mypy_cache: Path
) -> None:
    service = project(tmp_path, custom_todo(ARCHIVE))
    before = service.spec()
    server.script(code_reply(ARCHIVE_TYPE_ERROR), text_reply("I cannot do that."),
                  code_reply(ARCHIVE_WRONG))

    outcome = service.realize(config(server, max_tries=3), options=NO_VERIFY,
                              mypy_cache=mypy_cache)

    [failed] = outcome.report.outcomes
    assert not failed.ok and failed.tries == 3 and server.hits == 3
    assert failed.history == ["try 1: mypy failed", "try 2: answer failed",
                              "try 3: tests failed"]
    assert failed.stage == "tests" and "assert 403 == 404" in failed.diagnostics
    lines = "\n".join(outcome.report.lines())
    assert "501       POST /todo/user/lists/{listId}/archive" in lines
    assert "test_realized_missing_row_is_404" in lines
    assert "0 realized, 1 left at 501" in lines
    # nothing recorded, the handler still answers 501, no realized module
    assert outcome.change is None
    assert len(service.log()) == 1 and service.spec() == before
    workspace = service.layout.workspace
    assert "NotImplementedOperation" in (
        workspace / "app" / "operations" / f"{ARCHIVE_ID}.py").read_text()
    assert not (workspace / "app" / "realized").exists()
    second = server.requests[1].messages[-1]["content"]
    assert "Incompatible return value type" in second


# --------------------------------------------------------------------------- (e)


@pytest.mark.slow
def test_only_operations_whose_slice_changed_are_realized_again(
    server: FakeOpenAI, tmp_path: Path, mypy_cache: Path
) -> None:
    service = project(tmp_path, custom_todo(ARCHIVE, COMPLETE_ALL))
    server.script(code_reply(ARCHIVE_OK), code_reply(COMPLETE_ALL_OK))
    first = service.realize(config(server), options=NO_VERIFY, mypy_cache=mypy_cache)
    assert [o.ok for o in first.report.outcomes] == [True, True]
    workspace = service.layout.workspace
    realized = workspace / "app" / "realized" / f"{ARCHIVE_ID}.py"

    # a field on labels: neither operation's interface nor context
    service.change(add_field("todo_labels", "emoji"), NO_VERIFY)
    assert pending_operations(service.spec())[0] == []
    hits = server.hits
    again = service.realize(config(server), options=NO_VERIFY, mypy_cache=mypy_cache)
    assert again.report.outcomes == [] and again.report.tokens == 0
    assert sorted(again.report.kept) == sorted([ARCHIVE_ID, COMPLETE_ID])
    assert server.hits == hits and again.change is None
    assert realized.read_text() == ARCHIVE_OK  # still served

    # a field on lists: the archive's DTO (and complete-all's neighbour) changed
    service.change(add_field("todo_lists", "color"), NO_VERIFY)
    pending = [operation_id(op) for op in pending_operations(service.spec())[0]]
    assert pending == [ARCHIVE_ID, COMPLETE_ID]
    assert not realized.exists()  # stale code is not served: 501 until realized again
    server.script(code_reply(ARCHIVE_OK), code_reply(COMPLETE_ALL_OK))
    third = service.realize(config(server), options=NO_VERIFY, mypy_cache=mypy_cache,
                            only=[ARCHIVE_ID])
    assert [o.operation_id for o in third.report.outcomes] == [ARCHIVE_ID]
    assert third.report.tokens > 0 and realized.read_text() == ARCHIVE_OK
    assert "color" in server.requests[-1].text()  # the new DTO field is in the context


# --------------------------------------------------------------------------- fast


def test_keys_follow_the_interface_and_context_only() -> None:
    spec = custom_todo(ARCHIVE, COMPLETE_ALL, RECOLOR)
    keys = realize_keys(spec)
    assert set(keys) == {ARCHIVE_ID, COMPLETE_ID, operation_id(RECOLOR)}
    archive = context_modules(spec, ARCHIVE)
    assert [m.id for m in archive.all()] == [
        f"operation:interface:{ARCHIVE_ID}", "dto:todo_lists", "transformer:todo_lists",
        "model:todo_lists", "model:todo_items", "model:todo_users"]
    assert (archive.touched, archive.neighbours) == (("todo_lists",), ("todo_items", "todo_users"))
    # deterministic, and blind to the realized code itself
    realized = Realized(code=ARCHIVE_OK, key=keys[ARCHIVE_ID], model="m")
    done = spec.model_copy(update={"operations": [
        op.model_copy(update={"realized": realized}) if operation_id(op) == ARCHIVE_ID else op
        for op in spec.operations]})
    assert realize_keys(done) == keys
    [op] = [o for o in done.operations if operation_id(o) == ARCHIVE_ID]
    assert current_realized(done, op) == realized
    # code importing a module no longer generated (a model outside its context) is stale
    gone = realized.model_copy(update={
        "code": ARCHIVE_OK.replace("import uuid\n", "import uuid\n\nfrom app.models.todo_tips "
                                   "import TodoTip\n")})
    assert current_realized(done, op.model_copy(update={"realized": gone})) is None
    assert [operation_id(o) for o in pending_operations(done)[1]] == [ARCHIVE_ID]
    # a field elsewhere (labels) changes only the label operation's key
    labels = apply(done, add_field("todo_labels", "emoji"))
    changed = {k for k, v in realize_keys(labels).items() if v != keys[k]}
    assert changed == {operation_id(RECOLOR)}
    # a field on the archive's DTO model makes its code stale: not served any more
    lists = apply(done, add_field("todo_lists", "color"))
    assert realize_keys(lists)[ARCHIVE_ID] != keys[ARCHIVE_ID]
    [stale] = [o for o in lists.operations if operation_id(o) == ARCHIVE_ID]
    assert current_realized(lists, stale) is None
    # status counts what serves: current code as the LLM's, stale code as unrealized
    def counts(s: ProjectSpec) -> dict[str, int]:
        return realization_counts(s, lambda o: current_realized(s, o) is not None)
    assert (counts(done)["llm"], counts(done)["unrealized"]) == (1, 2)
    assert (counts(lists)["llm"], counts(lists)["unrealized"]) == (0, 3)
    # so is a change to the operation itself
    described = apply(done, ChangeSet(edits=[ModifyOperation(
        method=op.method, path=op.path,
        operation=op.model_copy(update={"description": "Archive it, keep its items."}))]))
    assert realize_keys(described)[ARCHIVE_ID] != keys[ARCHIVE_ID]


def test_a_dto_module_is_shown_with_the_classes_the_slice_names() -> None:
    spec = custom_todo(ARCHIVE)
    context = context_modules(spec, ARCHIVE)
    texts = {m.path: m.generate() for m in context.all()}
    prompt = user_prompt(ARCHIVE, context, texts)
    dto = texts["app/dtos/todo_lists.py"]
    assert "class ITodoListICreate(" in dto and "class ITodoListICreate(" not in prompt
    assert "class ITodoList(BaseModel)" in prompt  # the interface answers it
    assert "class ITodoListISummary(" in prompt  # the transformer builds it
    assert "more DTO classes of this module left out" in prompt
    assert "from pydantic import" in prompt


def test_the_module_is_read_out_of_the_reply() -> None:
    assert extract_code(f"Here it is:\n```python\n{ARCHIVE_OK}```\nDone.") == ARCHIVE_OK
    assert extract_code(f"```\n{ARCHIVE_OK}```") == ARCHIVE_OK
    assert extract_code(ARCHIVE_OK) == ARCHIVE_OK
    two = f"```python\nimport os\n```\n```python\n{ARCHIVE_OK}```"
    assert extract_code(two) == ARCHIVE_OK
    assert extract_code("I cannot implement this.") is None


def test_replies_without_a_module_reach_the_bound_and_nothing_changes(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    service = project(tmp_path, custom_todo(ARCHIVE))
    before = service.spec()
    server.script(text_reply("I cannot do that."), text_reply("Still no."))
    outcome = service.realize(config(server, max_tries=2), options=NO_VERIFY)
    [failed] = outcome.report.outcomes
    assert (failed.ok, failed.tries, failed.stage) == (False, 2, "answer")
    assert failed.tokens == 2 * 950 and outcome.report.tokens == 1900
    assert "held no ```python block" in failed.diagnostics
    assert "held no ```python block" in server.requests[1].messages[-1]["content"]
    assert outcome.change is None and len(service.log()) == 1 and service.spec() == before
    assert "0 realized, 1 left at 501, 0 kept; 1900 tokens" in outcome.report.lines()[-1]


# --------------------------------------------------------------------------- CLI


@pytest.mark.slow
def test_the_cli_realizes_after_a_change_and_on_demand(server: FakeOpenAI, tmp_path: Path) -> None:
    spec_file = tmp_path / "todo.yaml"
    spec_file.write_text(dump_spec(custom_todo(ARCHIVE), "yaml"), encoding="utf-8")
    edits = tmp_path / "edits.yaml"
    edits.write_text("edits:\n  - {op: addField, model: todo_labels, field: "
                     "{name: emoji, type: string, nullable: true}}\n", encoding="utf-8")
    target = tmp_path / "p"
    env = {"AUTOBE_LLM_MODEL": "fake-model", "AUTOBE_LLM_BASE_URL": server.base_url,
           "AUTOBE_LLM_API_KEY": "test-key", "AUTOBE_LLM_HTTP_RETRIES": "0"}
    assert run("init", target, "--from", spec_file).exit_code == 0
    server.script(code_reply(ARCHIVE_OK))

    changed = run("-C", target, "change", "--edits", edits, "--no-verify", env=env)

    assert changed.exit_code == 0, changed.output
    assert f"realize {ARCHIVE_ID}: try 1: passed" in changed.output
    assert "realized  POST /todo/user/lists/{listId}/archive  (1 try," in changed.output
    assert "1 realized, 0 left at 501, 0 kept" in changed.output
    service = ProjectService.open(target)
    head = service.log()[-1].revision
    assert (head.number, head.planner, head.tries) == (3, "realize", 1) and head.tokens > 0
    realized = service.layout.workspace / "app" / "realized" / f"{ARCHIVE_ID}.py"
    assert realized.read_text() == ARCHIVE_OK
    # on demand: nothing pending, nothing asked
    again = run("-C", target, "realize", "--no-verify", env=env)
    assert again.exit_code == 0, again.output
    assert f"kept      {ARCHIVE_ID}  (current, 0 tokens)" in again.output
    assert server.hits == 1
    # without a model: one clear message
    refused = run("-C", target, "realize", env={"AUTOBE_LLM_MODEL": ""})
    assert refused.exit_code == 1
    assert "no model is configured to realize custom operations" in refused.output


def test_an_endpoint_failure_after_a_change_is_a_warning_not_a_failure(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    spec_file = tmp_path / "todo.yaml"
    spec_file.write_text(dump_spec(custom_todo(ARCHIVE), "yaml"), encoding="utf-8")
    edits = tmp_path / "edits.yaml"
    edits.write_text("edits:\n  - {op: addField, model: todo_labels, field: "
                     "{name: emoji, type: string, nullable: true}}\n", encoding="utf-8")
    target = tmp_path / "p"
    assert run("init", target, "--from", spec_file).exit_code == 0
    server.script(error_reply(500, "The engine is overloaded"))
    env = {"AUTOBE_LLM_MODEL": "fake-model", "AUTOBE_LLM_BASE_URL": server.base_url,
           "AUTOBE_LLM_API_KEY": "test-key", "AUTOBE_LLM_HTTP_RETRIES": "0"}

    changed = run("-C", target, "change", "--edits", edits, "--no-verify", env=env)

    assert changed.exit_code == 0, changed.output
    assert "warning: custom operations not realized" in changed.output
    assert "HTTP 500: The engine is overloaded" in changed.output
    assert [e.revision.number for e in ProjectService.open(target).log()] == [1, 2]
    # asked for explicitly, the same failure fails the command with one message
    server.script(error_reply(500, "The engine is overloaded"))
    asked = run("-C", target, "realize", env=env)
    assert asked.exit_code == 1
    assert "error: the model endpoint failed: HTTP 500" in asked.output
    assert "Traceback" not in asked.output


def test_recorded_code_is_emitted_while_current_and_rollback_reproduces_it(
    tmp_path: Path
) -> None:
    service = project(tmp_path, custom_todo(ARCHIVE))
    spec = service.spec()
    [op] = [o for o in spec.operations if operation_id(o) == ARCHIVE_ID]
    realized = Realized(code=ARCHIVE_OK, key=realize_key(spec, op), model="m", tokens=7)
    service.change(ChangeSet(edits=[ModifyOperation(
        method=op.method, path=op.path, operation=op.model_copy(update={"realized": realized}))
    ]), NO_VERIFY)
    workspace = service.layout.workspace
    module = workspace / "app" / "realized" / f"{ARCHIVE_ID}.py"
    handler = workspace / "app" / "operations" / f"{ARCHIVE_ID}.py"
    assert module.read_text() == ARCHIVE_OK
    assert (workspace / "app" / "realized" / "__init__.py").is_file()
    assert f"from app.realized.{ARCHIVE_ID} import Implementation" in handler.read_text()
    assert f"operation:{ARCHIVE_ID}" in service.graph().importers(f"realized:{ARCHIVE_ID}")

    service.rollback(1, NO_VERIFY)
    assert not (workspace / "app" / "realized").exists()
    assert "NotImplementedOperation" in handler.read_text()
    service.rollback(2, NO_VERIFY)
    assert module.read_text() == ARCHIVE_OK
    [back] = [o for o in service.spec().operations if operation_id(o) == ARCHIVE_ID]
    assert back.realized == realized


def test_an_import_with_a_model_configured_realizes_its_custom_operations(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    example = Path(__file__).resolve().parents[3] / "shared" / "autobe-examples" / \
        "anthropic__claude-sonnet-4.5" / "todo"
    if not example.is_dir():
        pytest.skip("the shared AutoBe examples are not here")
    env = {"AUTOBE_LLM_MODEL": "fake-model", "AUTOBE_LLM_BASE_URL": server.base_url,
           "AUTOBE_LLM_API_KEY": "test-key", "AUTOBE_LLM_HTTP_RETRIES": "0",
           "AUTOBE_LLM_MAX_TRIES": "1"}
    server.script(*(text_reply("I cannot write this one.") for _ in range(20)))

    imported = run("import", example, "--to", tmp_path / "todo", "--quiet", env=env)

    assert imported.exit_code == 0, imported.output
    service = ProjectService.open(tmp_path / "todo")
    pending, _ = pending_operations(service.spec())
    assert pending and server.hits == len(pending)  # one try each, every one asked
    assert f"realizing {len(pending)} custom operation(s) with model fake-model" in \
        imported.output
    assert f"0 realized, {len(pending)} left at 501, 0 kept" in imported.output
    assert len(service.log()) == 1  # nothing passed, nothing recorded
    first = server.requests[0].text()
    assert "class Interface(ABC)" in first and pending[0].path in first
