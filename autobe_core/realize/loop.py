"""The realize loop of one operation: ask, stage, judge, feed back, within a bound.

Try 1 sends the operation's context (:mod:`.prompts`); the answer's module is staged with
the operation realized by it (:mod:`.stage`) and judged by compile, ``mypy --strict`` and
the operation's generated tests. A failure goes back as the next user message (mypy's
diagnostics, or the failing tests and pytest's output); the conversation keeps every
earlier try. After ``max_tries`` failed tries the operation stays unrealized (501) and the
last diagnostics are the outcome's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from autobe_core.generate.kinds.realized import context_modules, realize_key
from autobe_core.realize.chat import Chat, Message
from autobe_core.realize.prompts import SYSTEM_PROMPT, extract_code, feedback, user_prompt
from autobe_core.realize.stage import Stage, Verdict
from autobe_core.spec.model import Operation, ProjectSpec, Realized
from autobe_core.spec.naming import operation_id

TryCallback = Callable[[str, int, Verdict], None]
"""Called after each try: operation id, try number, the verdict."""


@dataclass
class Outcome:
    """What realizing one operation came to."""

    operation_id: str
    endpoint: str
    realized: Realized | None
    """The code that passed; None when the bound was reached."""
    tokens: int = 0
    tries: int = 0
    stage: str = ""
    """The last failed check (``mypy``, ``tests``, ...); empty on success."""
    diagnostics: str = ""
    """The last failed try's diagnostics (empty on success)."""
    history: list[str] = field(default_factory=list)
    """One line per try: what it came to."""

    @property
    def ok(self) -> bool:
        return self.realized is not None


def with_realized(spec: ProjectSpec, op: Operation, realized: Realized | None) -> ProjectSpec:
    """``spec`` with ``op`` (by endpoint) realized by ``realized``."""
    return spec.model_copy(update={"operations": [
        o.model_copy(update={"realized": realized})
        if (o.method, o.path) == (op.method, op.path) else o
        for o in spec.operations]})


def realize_operation(spec: ProjectSpec, op: Operation, chat: Chat, stage: Stage,
                      max_tries: int, on_try: TryCallback | None = None) -> Outcome:
    """Realize custom operation ``op`` of ``spec``: an :class:`Outcome` (never raises for
    a bad answer; endpoint failures raise LlmEndpointError)."""
    op_id = operation_id(op)
    context = context_modules(spec, op)
    key = realize_key(spec, op)
    texts = {m.path: m.generate() for m in context.all()}
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user_prompt(op, context, texts)},
    ]
    outcome = Outcome(op_id, op.endpoint, None)
    for attempt in range(1, max_tries + 1):
        answer = chat.ask(messages)
        outcome.tokens += answer.tokens
        outcome.tries = attempt
        messages.append({"role": "assistant", "content": answer.content})
        code = extract_code(answer.content)
        if code is None:
            verdict = Verdict(False, "answer", "the reply held no ```python block defining "
                              "class Implementation(Interface)")
        else:
            candidate = Realized(code=code, key=key, model=chat.config.model,
                                 tokens=outcome.tokens, tries=attempt)
            verdict = stage.judge(with_realized(spec, op, candidate), op_id)
            if verdict.passed:
                outcome.realized = candidate
                outcome.stage = outcome.diagnostics = ""
                outcome.history.append(f"try {attempt}: passed")
                if on_try is not None:
                    on_try(op_id, attempt, verdict)
                return outcome
        outcome.stage, outcome.diagnostics = verdict.stage, verdict.report
        outcome.history.append(f"try {attempt}: {verdict.stage} failed")
        if on_try is not None:
            on_try(op_id, attempt, verdict)
        messages.append({"role": "user", "content": feedback(verdict.stage, verdict.report)})
    return outcome
