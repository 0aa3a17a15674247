"""Tokens of LLM realize: a one-field change vs realizing the whole project.

The fixture is fixtures/todo.yaml with four custom operations (tests/realize_fixture.py:
archive a list, complete a list, clear a list's done items, reset a label's colour). The
model is the scripted OpenAI-compatible server of the tests (tests/fake_openai.py) on
loopback, over real HTTP with the real openai client; it answers each operation with a
right module, and its usage is **counted from the request and the answer** (about 4
characters a token), so the figures are the size of what the realize loop sends: the
system prompt, the operation's context (interface, DTO and model modules) and the answer.
Every answer is checked as in production (mypy --strict and the operation's generated
tests in a staged tree).

Steps, each through ProjectService on one project (unverified changes; the realize loop
verifies each operation):

1. realize the whole project (every custom operation);
2. a one-field change inside one operation's context (a nullable field on todo_labels,
   the label operation's model): only that operation is realized again;
3. a change outside every operation's context (a new model with one field): nothing is
   realized again, 0 tokens.

Usage:

    .venv/bin/python bench/realize.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autobe_core.planning.llm import LlmConfig  # noqa: E402
from autobe_core.realize import pending_operations  # noqa: E402
from autobe_core.service import ChangeOptions, MemoryStorage, ProjectService  # noqa: E402
from autobe_core.spec.changeset import AddField, AddModel, ChangeSet  # noqa: E402
from autobe_core.spec.model import Model, PlainField  # noqa: E402
from autobe_core.spec.naming import operation_id  # noqa: E402
from tests.fake_openai import FakeOpenAI, code_reply  # noqa: E402
from tests.realize_fixture import ANSWERS, custom_todo  # noqa: E402

NO_VERIFY = ChangeOptions(verify=False)


def realize(service: ProjectService, server: FakeOpenAI, cache: Path) -> tuple[int, int, float]:
    """(tokens, operations realized, seconds) of one realize run answering right."""
    pending, _ = pending_operations(service.spec())
    server.script(*(code_reply(ANSWERS[operation_id(op)]) for op in pending))
    config = LlmConfig(model="fake-model", base_url=server.base_url, api_key="x",
                       timeout=30.0, http_retries=0)
    started = time.perf_counter()
    outcome = service.realize(config, options=NO_VERIFY, mypy_cache=cache)
    seconds = time.perf_counter() - started
    assert not outcome.report.failed, outcome.report.lines()
    return outcome.report.tokens, len(outcome.report.realized), seconds


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="autobe-bench-realize-") as scratch, \
            FakeOpenAI() as server:
        root = Path(scratch)
        storages = MemoryStorage()
        created = ProjectService.create(root / "project", custom_todo(), text="custom todo",
                                        planner="init", storages=storages)
        service = ProjectService(created.layout, storages)
        cache = root / "mypy-cache"
        rows: list[tuple[str, int, int, float]] = []
        tokens, count, seconds = realize(service, server, cache)
        rows.append(("realize the whole project", count, tokens, seconds))
        whole = tokens

        service.change(ChangeSet(edits=[AddField(model="todo_labels", field=PlainField(
            name="emoji", type="string", nullable=True))]), NO_VERIFY)
        tokens, count, seconds = realize(service, server, cache)
        rows.append(("one field on todo_labels (a label operation's model)", count, tokens,
                     seconds))

        service.change(ChangeSet(edits=[AddModel(model=Model(
            name="todo_tips", namespace="Todos", description="Tips shown to users.",
            plain_fields=[PlainField(name="text", type="string")]))]), NO_VERIFY)
        tokens, count, seconds = realize(service, server, cache)
        rows.append(("a new model with one field (in no operation's context)", count, tokens,
                     seconds))

    print("LLM realize tokens (fake server, usage counted from the requests), "
          f"{len(ANSWERS)} custom operations on todo")
    print(f"{'step':58} {'realized':>8} {'tokens':>8} {'share':>7} {'seconds':>8}")
    for name, count, tokens, seconds in rows:
        share = f"{100 * tokens / whole:.0f}%" if whole else "-"
        print(f"{name:58} {count:>8} {tokens:>8} {share:>7} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
