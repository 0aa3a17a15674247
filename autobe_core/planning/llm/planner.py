"""The LLM planner: a request -> a ChangeSet, by function calling against any
OpenAI-compatible endpoint, with validation feedback.

Each try is one chat completion whose only tool is ``propose_change`` (parameters: the
ChangeSet JSON schema) and whose tool choice forces it. The call's arguments are
parsed (:func:`parse_changeset`: shape problems become diagnostics) and checked against
the spec (:func:`autobe_core.spec.edits.engine.check`: the same diagnostics a structured change
would get). A clean proposal is the plan. Otherwise the diagnostics go back to the model
as the tool's result, JSON ``[{path, code, message, allowed}]``, with an instruction to
call again; a reply without the call, or with arguments that are not JSON, is a failed
try with a diagnostic saying so. After ``max_tries`` failed tries the planner raises
:class:`LlmPlanningFailed` (a :class:`NotUnderstood`) with the last diagnostics. The
planner never changes the project: nothing happens until the caller applies the plan.

HTTP failures (timeouts, connection errors, 5xx, 429) are retried by the openai client
(``http_retries``, with backoff); when they persist, :class:`LlmEndpointError` says what
failed and after how many retries. A successful status whose body is no chat completion
(not JSON, or JSON without a ``choices`` list: a proxy's page, a server that is not
OpenAI-compatible) is an :class:`LlmEndpointError` at once, quoting what the endpoint
sent and saying what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from autobe_core.errors import AutobeError
from autobe_core.planning.base import NotUnderstood, Plan
from autobe_core.planning.llm.config import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_MAX_TRIES,
    ENV_MODEL,
    ENV_TIMEOUT,
    LlmConfig,
)
from autobe_core.planning.llm.context import SpecContext, select_context
from autobe_core.planning.llm.prompts import (
    IGNORED_CALL,
    SYSTEM_PROMPT,
    TOOL_NAME,
    feedback,
    retry_instruction,
    tool_choice,
    tool_definition,
    user_prompt,
)
from autobe_core.spec import check
from autobe_core.spec.changeset import ChangeSet, parse_changeset
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
from autobe_core.spec.model import ProjectSpec

if TYPE_CHECKING:  # openai is imported where a model is called: most commands never do
    import openai

Message = dict[str, Any]
TryCallback = Callable[[int, list[Diagnostic]], None]
"""Called after each try with its number and its problems (empty: the plan is valid)."""

RETRIED_STATUSES = frozenset({408, 409, 429})
SHOWN_DIAGNOSTICS = 10


class LlmEndpointError(AutobeError):
    """The model endpoint failed (HTTP error, timeout, unreachable) after the retries."""

    def __init__(self, message: str, hint: str | None = None, status: int | None = None):
        super().__init__(message, hint)
        self.status = status


class LlmPlanningFailed(NotUnderstood):
    """The model did not produce a change that applies within the bounded tries (or
    declined with an empty change). Nothing changed."""

    def __init__(
        self,
        message: str,
        diagnostics: list[Diagnostic],
        tries: int,
        tokens: int,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, (), hint)
        self.diagnostics = diagnostics
        self.tries = tries
        self.tokens = tokens


class LlmPlanner:
    """The :class:`~autobe_core.planning.base.Planner` named ``llm``."""

    name = "llm"

    def __init__(
        self,
        config: LlmConfig,
        client: openai.OpenAI | None = None,
        on_try: TryCallback | None = None,
    ) -> None:
        self.config = config
        self._client = client
        self.on_try = on_try

    @property
    def client(self) -> openai.OpenAI:
        """Created on first use, so a configuration without a key fails only when the
        LLM is actually needed (rules may understand the request first)."""
        import openai

        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.config.base_url,
                api_key=self.config.effective_api_key(),
                timeout=self.config.timeout,
                max_retries=self.config.http_retries,
            )
        return self._client

    # -- the loop

    def plan(
        self, spec: ProjectSpec, text: str, understood: Mapping[str, object] | None = None
    ) -> Plan:
        context = select_context(spec, text)
        messages: list[Message] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(spec, text, context, understood)},
        ]
        tokens = 0
        problems: list[Diagnostic] = []
        for attempt in range(1, self.config.max_tries + 1):
            completion = self._complete(messages)
            usage = getattr(completion, "usage", None)
            tokens += int(getattr(usage, "total_tokens", 0) or 0)
            choices = getattr(completion, "choices", None) or []
            message = getattr(choices[0], "message", None) if choices else None
            if message is None:
                problems = [_problem("llm.no-choice", "the reply held no message")]
                messages.append({"role": "user", "content": _with_feedback(problems)})
                self._report(attempt, problems)
                continue
            changeset, problems, follow_up = _judge(spec, message)
            self._report(attempt, problems)
            if changeset is not None and not problems:
                if not changeset.edits:
                    raise LlmPlanningFailed(
                        f"the model declined {text!r}: "
                        f"{_explanation(changeset, message) or 'it proposed no edits'}",
                        [],
                        attempt,
                        tokens,
                        _HINT,
                    )
                return Plan(
                    changeset=changeset,
                    explanation=_explanation(changeset, message)
                    or f"{len(changeset.edits)} edit(s) proposed by {self.config.model}",
                    planner=self.name,
                    tokens=tokens,
                    tries=attempt,
                )
            messages += follow_up
        raise self._failed(text, problems, tokens)

    def context(self, spec: ProjectSpec, text: str) -> SpecContext:
        """What the model would see for ``text`` (for ``--dry-run`` displays and tests)."""
        return select_context(spec, text)

    def _report(self, attempt: int, problems: list[Diagnostic]) -> None:
        if self.on_try is not None:
            self.on_try(attempt, problems)

    def _failed(self, text: str, problems: list[Diagnostic], tokens: int) -> LlmPlanningFailed:
        n = self.config.max_tries
        shown = "\n".join(d.render() for d in problems[:SHOWN_DIAGNOSTICS])
        more = len(problems) - SHOWN_DIAGNOSTICS
        if more > 0:
            shown += f"\n(+{more} more)"
        return LlmPlanningFailed(
            f"the LLM planner ({self.config.describe()}) found no valid change for {text!r} "
            f"in {n} {'try' if n == 1 else 'tries'}; nothing changed. "
            f"The last proposal's problems:\n{shown}",
            problems,
            n,
            tokens,
            _HINT,
        )

    # -- HTTP

    def _complete(self, messages: list[Message]) -> Any:
        import openai

        config = self.config
        retries = (
            f"after {config.http_retries} {'retry' if config.http_retries == 1 else 'retries'}"
        )
        where = config.describe()
        try:
            raw = self.client.chat.completions.with_raw_response.create(
                model=config.model,
                messages=cast(Any, messages),
                tools=cast(Any, [tool_definition()]),
                tool_choice=cast(Any, tool_choice()),
            )
            return _completion(raw, where)
        except openai.APITimeoutError:
            raise LlmEndpointError(
                f"the model endpoint failed: no answer within {config.timeout:g} s "
                f"({where}), {retries}",
                f"raise {ENV_TIMEOUT} or check that the server is up",
            ) from None
        except openai.APIConnectionError as exc:
            raise LlmEndpointError(
                f"the model endpoint failed: cannot connect ({where}), {retries}: {exc}",
                f"check {ENV_BASE_URL} and that the server runs",
            ) from None
        except openai.APIStatusError as exc:
            status = exc.status_code
            retried = status in RETRIED_STATUSES or status >= 500
            raise LlmEndpointError(
                f"the model endpoint failed: HTTP {status}: {_error_text(exc)} ({where})"
                + (f", {retries}" if retried else ""),
                _status_hint(status),
                status,
            ) from None
        except openai.OpenAIError as exc:
            raise LlmEndpointError(
                f"the model endpoint failed ({where}): {exc}",
                f"check {ENV_BASE_URL} and {ENV_MODEL}",
            ) from None


def _completion(raw: Any, where: str) -> Any:
    """The chat completion in a successful reply; LlmEndpointError when the body is not
    one (a proxy's error page, a login form, a server that is not OpenAI-compatible)."""
    text = str(raw.text)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        what = "not JSON" if data is None else "JSON, but not a chat completion"
        sent = f"it sent {_clip(text, 200)!r}" if text.strip() else "it sent an empty body"
        content_type = raw.headers.get("content-type", "no content type")
        raise LlmEndpointError(
            f"the model endpoint answered HTTP {raw.status_code} ({content_type}) with a body "
            f"that is {what} ({where}): {sent}; expected a chat completion: a JSON object "
            'with a "choices" list',
            f"check {ENV_BASE_URL}: it must be an OpenAI-compatible API (usually ending in "
            "/v1), not a web page or a proxy's login",
            raw.status_code,
        )
    return raw.parse()


_HINT = (
    f"rephrase the request (name the models and fields), raise {ENV_MAX_TRIES}, use a "
    f"stronger {ENV_MODEL}, or write the change as typed edits: autobe change --edits FILE.yaml"
)


# --------------------------------------------------------------------------- judging


def _judge(
    spec: ProjectSpec, message: Any
) -> tuple[ChangeSet | None, list[Diagnostic], list[Message]]:
    """The proposal in ``message``, its problems, and the messages that carry them back."""
    content = getattr(message, "content", None) or ""
    calls = [c for c in (getattr(message, "tool_calls", None) or []) if _function(c)[0]]
    if not calls:
        said = f" (it said: {_clip(content, 200)!r})" if content.strip() else ""
        problems = [
            _problem(
                "llm.no-tool-call",
                f"the reply called no function{said}; call {TOOL_NAME} with the change",
                (TOOL_NAME,),
            )
        ]
        return (
            None,
            problems,
            [
                {"role": "assistant", "content": content},
                {"role": "user", "content": _with_feedback(problems)},
            ],
        )
    chosen = next((c for c in calls if _function(c)[0] == TOOL_NAME), calls[0])
    ids = [getattr(c, "id", None) or f"call_{i}" for i, c in enumerate(calls)]
    echo: Message = {
        "role": "assistant",
        "content": content or None,
        "tool_calls": [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": _function(c)[0], "arguments": _function(c)[1]},
            }
            for call_id, c in zip(ids, calls, strict=True)
        ],
    }
    changeset, problems = _proposal(spec, *_function(chosen))
    if not problems:
        return changeset, [], []
    replies: list[Message] = [
        {
            "role": "tool",
            "tool_call_id": call_id,
            "content": feedback(problems) if c is chosen else IGNORED_CALL,
        }
        for call_id, c in zip(ids, calls, strict=True)
    ]
    return (
        None,
        problems,
        [echo, *replies, {"role": "user", "content": retry_instruction(problems)}],
    )


def _proposal(
    spec: ProjectSpec, name: str, arguments: str
) -> tuple[ChangeSet | None, list[Diagnostic]]:
    if name != TOOL_NAME:
        return None, [
            _problem("llm.unknown-function", f"there is no function {name!r}", (TOOL_NAME,))
        ]
    try:
        data = json.loads(arguments) if arguments.strip() else {}
    except json.JSONDecodeError as exc:
        return None, [
            _problem(
                "llm.invalid-json",
                f"the arguments are not valid JSON: {exc.msg} at line {exc.lineno} column "
                f"{exc.colno}; send one JSON object",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            _problem(
                "llm.not-an-object",
                f"the arguments must be a JSON object, not {type(data).__name__}",
                ("edits", "summary"),
            )
        ]
    try:
        changeset = parse_changeset(data)
    except DiagnosticError as exc:
        return None, list(exc.diagnostics)
    try:
        problems = check(spec, changeset)
    except DiagnosticError as exc:
        problems = list(exc.diagnostics)
    return changeset, problems


def _function(call: Any) -> tuple[str, str]:
    """A tool call's function name and arguments; ("", "") for non-function calls."""
    function = getattr(call, "function", None)
    if function is None:
        return ("", "")
    return (str(getattr(function, "name", "") or ""), str(getattr(function, "arguments", "") or ""))


def _explanation(changeset: ChangeSet, message: Any) -> str:
    return changeset.summary.strip() or str(getattr(message, "content", None) or "").strip()


def _problem(code: str, message: str, allowed: tuple[str, ...] = ()) -> Diagnostic:
    return Diagnostic("$", code, message, allowed)


def _with_feedback(problems: list[Diagnostic]) -> str:
    return f"{retry_instruction(problems)}\nDiagnostics: {feedback(problems)}"


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return _clip(str(inner["message"]), 300)
        if isinstance(inner, str):
            return _clip(inner, 300)
    if isinstance(body, str) and body.strip():
        return _clip(body, 300)
    return _clip(exc.message, 300)


def _status_hint(status: int) -> str:
    if status in (401, 403):
        return f"check {ENV_API_KEY} (or OPENAI_API_KEY)"
    if status == 404:
        return f"check {ENV_MODEL} and {ENV_BASE_URL} (the URL usually ends in /v1)"
    if status == 400:
        return f"the endpoint rejected the request: does {ENV_MODEL} support tool calling?"
    if status == 429:
        return "the endpoint is rate limiting: wait, or raise AUTOBE_LLM_HTTP_RETRIES"
    return "the server failed; try again later or check its logs"
