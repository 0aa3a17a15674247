"""One chat completion, plain text out: the realize loop's only call to the model.

The same endpoint configuration as the LLM planner (:class:`LlmConfig`, the
``AUTOBE_LLM_*`` variables); HTTP retries are the openai client's. A failure that
persists is an :class:`LlmEndpointError` saying what failed, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from autobe_core.planning.llm import LlmConfig, LlmEndpointError

if TYPE_CHECKING:  # openai is imported where a model is called: most commands never do
    import openai

Message = dict[str, Any]


@dataclass(frozen=True)
class Answer:
    content: str
    tokens: int


class Chat:
    """A client of one model; created lazily so a missing key fails when first needed."""

    def __init__(self, config: LlmConfig, client: openai.OpenAI | None = None) -> None:
        self.config = config
        self._client = client

    @property
    def client(self) -> openai.OpenAI:
        import openai

        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.config.base_url, api_key=self.config.effective_api_key(),
                timeout=self.config.timeout, max_retries=self.config.http_retries)
        return self._client

    def ask(self, messages: list[Message]) -> Answer:
        import openai

        where = self.config.describe()
        try:
            completion = self.client.chat.completions.create(
                model=self.config.model, messages=cast(Any, messages))
        except openai.APITimeoutError:
            raise LlmEndpointError(
                f"the model endpoint failed: no answer within {self.config.timeout:g} s "
                f"({where})", "raise AUTOBE_LLM_TIMEOUT or check that the server is up",
            ) from None
        except openai.APIConnectionError as exc:
            raise LlmEndpointError(
                f"the model endpoint failed: cannot connect ({where}): {exc}",
                "check AUTOBE_LLM_BASE_URL and that the server runs") from None
        except openai.APIStatusError as exc:
            raise LlmEndpointError(
                f"the model endpoint failed: HTTP {exc.status_code}: {_error_text(exc)} "
                f"({where})",
                "check AUTOBE_LLM_MODEL, AUTOBE_LLM_BASE_URL and AUTOBE_LLM_API_KEY",
                exc.status_code) from None
        except openai.OpenAIError as exc:
            raise LlmEndpointError(f"the model endpoint failed ({where}): {exc}") from None
        usage = getattr(completion, "usage", None)
        tokens = int(getattr(usage, "total_tokens", 0) or 0)
        choices = getattr(completion, "choices", None) or []
        message = getattr(choices[0], "message", None) if choices else None
        return Answer(str(getattr(message, "content", None) or ""), tokens)


def _error_text(exc: openai.APIStatusError) -> str:
    """The endpoint's own error message (OpenAI's ``{"error": {"message": ...}}``)."""
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(inner, dict) and inner.get("message"):
        text = str(inner["message"])
    elif isinstance(inner, str) and inner.strip():
        text = inner
    else:
        text = exc.message
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."
