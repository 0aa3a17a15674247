"""The LLM planner through the real openai client, over HTTP, against a scripted
OpenAI-compatible server on loopback (tests/fake_openai.py).

Covered: a valid plan on the first try (and what the request carried: the tool schema
from the pydantic ChangeSet, the forced tool choice, only the relevant part of the
spec); an invalid plan corrected on the second try after its diagnostics went back;
garbage (no tool call, broken JSON, wrong shape) until the bound, a clear error and
nothing changed; HTTP 500s retried by the client then success, or a clear error when
they persist; timeouts likewise; the configuration from the environment; and a plan
applied through the service with its tokens and tries recorded on the revision.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from autobe_core.planning.base import NotUnderstood, PlannerChain
from autobe_core.planning.llm import (
    LlmConfig,
    LlmConfigError,
    LlmEndpointError,
    LlmPlanner,
    LlmPlanningFailed,
    llm_config_from_env,
    select_context,
)
from autobe_core.service import ChangeOptions, MemoryStorage, ProjectService
from autobe_core.spec.changeset import changeset_json_schema
from autobe_core.spec.diagnostics import Diagnostic
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import ProjectSpec
from tests.fake_openai import (
    FakeOpenAI,
    Reply,
    completion,
    error_reply,
    loopback_server,  # noqa: F401  (the server fixture)
    slow_reply,
    text_reply,
    tool_call_reply,
)

ROOT = Path(__file__).resolve().parents[2]
TODO_PATH = ROOT / "fixtures" / "todo.yaml"
TODO = load_spec(TODO_PATH)
BBS = load_spec(ROOT / "fixtures" / "bbs.yaml")

PINNED = {
    "summary": "Comments can be pinned by their author.",
    "edits": [
        {
            "op": "addField",
            "model": "bbs_article_comments",
            "field": {"name": "pinned", "type": "boolean", "description": "Shown first."},
        }
    ],
}


def estimate(model: str) -> dict[str, Any]:
    return {
        "summary": "Items get an estimate in minutes.",
        "edits": [
            {
                "op": "addField",
                "model": model,
                "field": {"name": "estimate_minutes", "type": "int", "nullable": True},
            }
        ],
    }


def planner_for(server: FakeOpenAI, **overrides: Any) -> LlmPlanner:
    settings: dict[str, Any] = {
        "model": "fake-model",
        "base_url": server.base_url,
        "api_key": "test-key",
        "timeout": 5.0,
        "http_retries": 2,
    }
    settings.update(overrides)
    return LlmPlanner(LlmConfig(**settings))


def tool_results(request_messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [json.loads(m["content"]) for m in request_messages if m["role"] == "tool"]


# --------------------------------------------------------------------------- success


def test_valid_plan_first_try(server: FakeOpenAI) -> None:
    server.script(tool_call_reply(PINNED, prompt_tokens=1200, completion_tokens=80))
    plan = planner_for(server).plan(BBS, "add a pinned flag to comments")

    assert plan.planner == "llm"
    assert plan.tries == 1
    assert plan.tokens == 1280
    assert plan.explanation == "Comments can be pinned by their author."
    assert [e.op for e in plan.changeset.edits] == ["addField"]
    assert server.hits == 1

    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.body
    assert body["model"] == "fake-model"
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "propose_change",
                "description": body["tools"][0]["function"]["description"],
                "parameters": changeset_json_schema(),
            },
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "propose_change"}}
    assert [m["role"] for m in body["messages"]] == ["system", "user"]

    prompt = request.text()
    assert "add a pinned flag to comments" in prompt
    assert "parent_id" in prompt  # the named model, in full
    assert "view_count" in prompt  # its parent bbs_articles, in full
    assert "/bbs/member/articles/{articleId}/comments" in prompt  # its operations
    assert "bbs_article_reports" in prompt  # every model by name...
    for unrelated in ("off_topic", "resolved_at", "extension"):
        assert unrelated not in prompt  # ...but not their fields
    assert "moderator" in prompt  # the actors are always shown


def test_the_model_sees_only_the_relevant_models() -> None:
    context = select_context(BBS, "add a pinned flag to comments")
    assert context.named == ("bbs_article_comments",)
    # bbs_categories: the comments' index tests create an article, which requires one;
    # bbs_moderators: reached by the comments' generated tests since issue 11 (access tests).
    assert set(context.neighbours) == {
        "bbs_members",
        "bbs_moderators",
        "bbs_articles",
        "bbs_notifications",
        "bbs_categories",
    }
    assert {op.model for op in context.operations} == {"bbs_article_comments"}

    exact = select_context(BBS, "rename bbs_article_tags to labels")
    assert exact.named == ("bbs_article_tags",)
    # The tags' own parents, and what their generated tests must create first (an article
    # needs a category and an author); nothing else of the 13 models.
    assert set(exact.neighbours) == {"bbs_tags", "bbs_articles", "bbs_categories", "bbs_members"}

    by_path = select_context(TODO, "make PATCH /todo/user/lists/{id}/items public")
    assert by_path.named == ("todo_items",)

    by_field = select_context(TODO, "make the color optional")
    assert by_field.named == ("todo_labels",)

    nothing = select_context(TODO, "add notifications")
    assert nothing.named == ()
    assert nothing.example and nothing.operations
    assert nothing.neighbours == ("todo_users",)


# --------------------------------------------------------------------------- feedback


def test_invalid_plan_corrected_on_second_try(server: FakeOpenAI) -> None:
    server.script(tool_call_reply(estimate("todo_item")), tool_call_reply(estimate("todo_items")))
    seen: list[tuple[int, list[Diagnostic]]] = []
    planner = planner_for(server)
    planner.on_try = lambda attempt, problems: seen.append((attempt, problems))

    plan = planner.plan(TODO, "add an estimate in minutes to todo items")

    assert plan.tries == 2
    assert plan.tokens == 2000
    assert server.hits == 2
    assert [(n, [d.code for d in ds]) for n, ds in seen] == [(1, ["ref.unknown-model"]), (2, [])]

    first, second = server.requests
    call_id = None
    assistant = [m for m in second.messages if m["role"] == "assistant"]
    assert len(assistant) == 1
    call_id = assistant[0]["tool_calls"][0]["id"]
    assert json.loads(assistant[0]["tool_calls"][0]["function"]["arguments"]) == estimate(
        "todo_item"
    )
    tool = next(m for m in second.messages if m["role"] == "tool")
    assert tool["tool_call_id"] == call_id
    [diagnostics] = tool_results(second.messages)
    assert diagnostics == [
        {
            "path": "$.edits[0].model",
            "code": "ref.unknown-model",
            "message": "unknown model 'todo_item'",
            "allowed": ["todo_users", "todo_lists", "todo_items", "todo_labels"],
        }
    ]
    assert second.messages[-1]["role"] == "user"
    assert "propose_change again" in second.messages[-1]["content"]
    assert second.messages[:2] == first.messages  # the conversation continues
    assert second.body["tools"] == first.body["tools"]


def test_garbage_until_the_bound_is_a_clear_error_and_changes_nothing(
    server: FakeOpenAI,
) -> None:
    server.script(
        text_reply("Sure! I would add an estimate field to the items."),
        tool_call_reply('{"edits": [{"op": "addField", "model": '),
        tool_call_reply({"edits": [{"op": "addFeild", "model": "todo_items"}]}),
        tool_call_reply(estimate("todo_items")),  # never asked for: the bound is 3
    )
    before = TODO.canonical_json()

    with pytest.raises(LlmPlanningFailed) as caught:
        planner_for(server).plan(TODO, "add an estimate to items")

    error = caught.value
    assert isinstance(error, NotUnderstood)
    assert error.tries == 3
    assert error.tokens == 950 + 1000 + 1000
    assert server.hits == 3
    assert server.pending == 1
    message = str(error)
    assert "in 3 tries" in message and "nothing changed" in message
    assert "shape.union_tag_invalid" in message  # the last proposal's problem
    assert "autobe change --edits" in message  # what to do instead
    assert [d.code for d in error.diagnostics] == ["shape.union_tag_invalid"]
    assert TODO.canonical_json() == before

    second, third = server.requests[1], server.requests[2]
    assert "llm.no-tool-call" in second.messages[-1]["content"]
    assert second.messages[-2] == {
        "role": "assistant",
        "content": "Sure! I would add an estimate field to the items.",
    }
    [broken] = tool_results(third.messages)
    assert broken[0]["code"] == "llm.invalid-json"


def test_a_call_to_another_function_gets_feedback(server: FakeOpenAI) -> None:
    server.script(tool_call_reply(PINNED, name="propose_changes"), tool_call_reply(PINNED))
    plan = planner_for(server).plan(BBS, "add a pinned flag to comments")
    assert plan.tries == 2
    [problems] = tool_results(server.requests[1].messages)
    assert problems[0]["code"] == "llm.unknown-function"
    assert problems[0]["allowed"] == ["propose_change"]


def test_a_reply_without_choices_is_a_failed_try(server: FakeOpenAI) -> None:
    empty = completion({"role": "assistant", "content": None})
    empty["choices"] = []
    server.script(Reply(body=empty), tool_call_reply(PINNED))
    plan = planner_for(server).plan(BBS, "add a pinned flag to comments")
    assert plan.tries == 2
    assert "llm.no-choice" in server.requests[1].messages[-1]["content"]


def test_max_tries_bounds_the_model_calls(server: FakeOpenAI) -> None:
    server.script(tool_call_reply(estimate("nope")), tool_call_reply(estimate("todo_items")))
    with pytest.raises(LlmPlanningFailed, match="in 1 try;"):
        planner_for(server, max_tries=1).plan(TODO, "add an estimate to items")
    assert server.hits == 1


def test_an_empty_change_is_the_model_declining(server: FakeOpenAI) -> None:
    server.script(tool_call_reply({"edits": [], "summary": "There is no payment model."}))
    with pytest.raises(LlmPlanningFailed, match="There is no payment model"):
        planner_for(server).plan(TODO, "refund the last payment")
    assert server.hits == 1


def test_the_chain_reports_a_bounded_failure_as_not_understood(server: FakeOpenAI) -> None:
    server.script(*[text_reply("no idea")] * 2)
    chain = PlannerChain([planner_for(server, max_tries=2)])
    with pytest.raises(NotUnderstood, match="planners tried: llm"):
        chain.plan(TODO, "make it better")
    assert server.hits == 2


def test_the_llm_gets_what_the_rules_understood(server: FakeOpenAI) -> None:
    """Rules first, then the model: the rules read the intent, the actor and the model
    but not the verb ("hide" a post is no operation they know here), and the model's
    prompt carries that reading (issue 12)."""
    from autobe_core.planning.rules import RulePlanner

    server.script(tool_call_reply(PINNED))
    chain = PlannerChain([RulePlanner(), planner_for(server)])
    plan = chain.plan(BBS, "members should be able to archive their comments forever")
    assert plan.planner == "llm"
    prompt = server.requests[0].text()
    rules = prompt.split("What the offline rules understood", 1)[1].split("Project context", 1)[0]
    assert "intent: allow" in rules
    assert "member" in rules
    assert "bbs_article_comments" in rules
    assert "forever" in rules  # the word they could not place, reported back


def test_the_rules_alone_report_what_they_understood() -> None:
    from autobe_core.planning.rules import RulePlanner

    with pytest.raises(NotUnderstood) as info:
        RulePlanner().plan(BBS, "members should be able to archive their comments forever")
    assert info.value.understood["intent"] == "allow"
    assert info.value.understood["actors"] == ["member"]
    assert "forever" in str(info.value.understood["unplaced"])


# --------------------------------------------------------------------------- HTTP


def test_http_500s_are_retried_by_the_client_then_succeed(server: FakeOpenAI) -> None:
    server.script(error_reply(500), error_reply(502, "Bad gateway"), tool_call_reply(PINNED))
    plan = planner_for(server, http_retries=2).plan(BBS, "add a pinned flag to comments")
    assert plan.tries == 1  # HTTP retries are not planner tries
    assert plan.tokens == 1000
    assert server.hits == 3
    assert [r.headers.get("x-stainless-retry-count") for r in server.requests] == ["0", "1", "2"]
    assert server.requests[0].body == server.requests[2].body


def test_persistent_http_500s_are_a_clear_error(server: FakeOpenAI) -> None:
    server.script(*[error_reply(500, "The engine is overloaded")] * 3)
    with pytest.raises(LlmEndpointError) as caught:
        planner_for(server, http_retries=2).plan(BBS, "add a pinned flag to comments")
    message = str(caught.value)
    assert "the model endpoint failed: HTTP 500: The engine is overloaded" in message
    assert "after 2 retries" in message
    assert caught.value.status == 500
    assert server.hits == 3


def test_a_rejected_key_is_not_retried(server: FakeOpenAI) -> None:
    server.script(error_reply(401, "Incorrect API key provided"))
    with pytest.raises(LlmEndpointError) as caught:
        planner_for(server).plan(BBS, "add a pinned flag to comments")
    assert "HTTP 401: Incorrect API key provided" in caught.value.message
    assert "retries" not in caught.value.message
    assert caught.value.hint is not None and "AUTOBE_LLM_API_KEY" in caught.value.hint
    assert server.hits == 1


def test_a_timeout_is_retried_then_succeeds(server: FakeOpenAI) -> None:
    server.script(slow_reply(3.0), tool_call_reply(PINNED))
    plan = planner_for(server, timeout=0.3, http_retries=1).plan(
        BBS, "add a pinned flag to comments"
    )
    assert plan.tries == 1
    assert server.hits == 2


def test_persistent_timeouts_are_a_clear_error(server: FakeOpenAI) -> None:
    server.script(slow_reply(3.0), slow_reply(3.0), tool_call_reply(PINNED))
    started = time.monotonic()
    with pytest.raises(LlmEndpointError) as caught:
        planner_for(server, timeout=0.3, http_retries=1).plan(BBS, "add a pinned flag to comments")
    assert time.monotonic() - started < 5.0  # not the 2 x 3 s the server sleeps
    message = str(caught.value)
    assert "the model endpoint failed: no answer within 0.3 s" in message
    assert "after 1 retry" in message
    assert "AUTOBE_LLM_TIMEOUT" in message
    assert server.hits == 2


def test_an_unreachable_endpoint_is_a_clear_error(server: FakeOpenAI) -> None:
    with FakeOpenAI() as gone:
        url = gone.base_url
    planner = LlmPlanner(LlmConfig(model="m", base_url=url, timeout=1.0, http_retries=0))
    with pytest.raises(LlmEndpointError, match="cannot connect"):
        planner.plan(TODO, "add an estimate to items")


# --------------------------------------------------------------------------- config


def test_config_from_the_environment() -> None:
    assert llm_config_from_env({}) is None
    assert llm_config_from_env({"OPENAI_API_KEY": "sk-x"}) is None

    openai_default = llm_config_from_env({"AUTOBE_LLM_MODEL": "gpt-4o-mini", "OPENAI_API_KEY": "k"})
    assert openai_default == LlmConfig(model="gpt-4o-mini", api_key="k")
    assert (openai_default.max_tries, openai_default.timeout, openai_default.http_retries) == (
        3,
        60.0,
        2,
    )

    local = llm_config_from_env(
        {
            "AUTOBE_LLM_MODEL": "qwen2.5-coder:7b",
            "AUTOBE_LLM_BASE_URL": "http://localhost:11434/v1",
            "AUTOBE_LLM_MAX_TRIES": "5",
            "AUTOBE_LLM_TIMEOUT": "120",
            "AUTOBE_LLM_HTTP_RETRIES": "0",
        }
    )
    assert local is not None
    assert local.effective_api_key() == "not-needed"
    assert (local.max_tries, local.timeout, local.http_retries) == (5, 120.0, 0)

    preferred = llm_config_from_env(
        {"AUTOBE_LLM_MODEL": "m", "AUTOBE_LLM_API_KEY": "a", "OPENAI_API_KEY": "b"}
    )
    assert preferred is not None and preferred.api_key == "a"

    with pytest.raises(LlmConfigError, match="AUTOBE_LLM_MAX_TRIES"):
        llm_config_from_env({"AUTOBE_LLM_MODEL": "m", "AUTOBE_LLM_MAX_TRIES": "three"})
    with pytest.raises(LlmConfigError, match="at least 1"):
        LlmConfig(model="m", max_tries=0)


def test_no_key_for_the_openai_api_fails_before_any_request() -> None:
    planner = LlmPlanner(LlmConfig(model="gpt-4o-mini"))
    with pytest.raises(LlmConfigError, match="no API key"):
        planner.plan(TODO, "add an estimate to items")


# --------------------------------------------------------------------------- service


def test_a_plan_applied_through_the_service_records_tokens_and_tries(
    server: FakeOpenAI, tmp_path: Path
) -> None:
    storages = MemoryStorage()
    result = ProjectService.init(tmp_path / "project", TODO_PATH, storages=storages)
    service = ProjectService(result.layout, storages)
    spec: ProjectSpec = service.spec()
    text = "add an estimate in minutes to todo items"

    server.script(tool_call_reply({"edits": "oops"}))
    failing = planner_for(server, max_tries=1)
    with pytest.raises(LlmPlanningFailed):
        failing.plan(spec, text)
    assert len(service.log()) == 1  # nothing changed
    assert service.spec() == spec

    server.script(tool_call_reply(estimate("todo_item")), tool_call_reply(estimate("todo_items")))
    plan = planner_for(server).plan(spec, text)
    outcome = service.change(plan, ChangeOptions(verify=False), text=text)

    assert outcome.revision is not None
    head = service.log()[-1].revision
    assert (head.planner, head.tokens, head.tries) == ("llm", 2000, 2)
    assert head.text == text
    items = service.spec().model("todo_items")
    assert items is not None and items.plain("estimate_minutes") is not None
