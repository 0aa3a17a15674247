"""Where the LLM planner's model lives and how hard to try: explicit or from the environment.

Any OpenAI-compatible endpoint works (OpenAI, OpenRouter, vLLM, Ollama, LM Studio, ...):
the planner needs a base URL, a model name and a key. The environment variables:

- ``AUTOBE_LLM_MODEL``: the model; the LLM planner is enabled only when it is set.
- ``AUTOBE_LLM_BASE_URL``: the endpoint (``.../v1``); absent: the openai client's
  default (``OPENAI_BASE_URL`` when set, else ``https://api.openai.com/v1``).
- ``AUTOBE_LLM_API_KEY``, falling back to ``OPENAI_API_KEY``. Local servers (Ollama,
  vLLM) accept any string: with a base URL and no key, ``not-needed`` is sent.
- ``AUTOBE_LLM_MAX_TRIES`` (default 3): model calls per request, counting the retries
  that feed validation diagnostics back.
- ``AUTOBE_LLM_TIMEOUT`` (default 60 seconds): per HTTP request.
- ``AUTOBE_LLM_HTTP_RETRIES`` (default 2): retries of one HTTP request on a timeout,
  a connection error, 408/409/429 or a 5xx, done by the openai client with backoff.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from autobe_core.errors import AutobeError

ENV_MODEL = "AUTOBE_LLM_MODEL"
ENV_BASE_URL = "AUTOBE_LLM_BASE_URL"
ENV_API_KEY = "AUTOBE_LLM_API_KEY"
ENV_OPENAI_API_KEY = "OPENAI_API_KEY"
ENV_MAX_TRIES = "AUTOBE_LLM_MAX_TRIES"
ENV_TIMEOUT = "AUTOBE_LLM_TIMEOUT"
ENV_HTTP_RETRIES = "AUTOBE_LLM_HTTP_RETRIES"

LOCAL_API_KEY = "not-needed"
"""Sent to a self-hosted endpoint that has no key (Ollama and vLLM accept any string)."""

DEFAULT_MAX_TRIES = 3
DEFAULT_TIMEOUT = 60.0
DEFAULT_HTTP_RETRIES = 2


class LlmConfigError(AutobeError):
    """The LLM planner's configuration is unusable (a bad number, no API key)."""


@dataclass(frozen=True)
class LlmConfig:
    model: str
    base_url: str | None = None
    """``None``: the openai client's default endpoint."""
    api_key: str | None = None
    """``None``: ``not-needed`` when ``base_url`` is set; otherwise the planner refuses
    to run (OpenAI itself needs a key)."""
    max_tries: int = DEFAULT_MAX_TRIES
    """Model calls per request: the first proposal plus corrections after diagnostics."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds per HTTP request."""
    http_retries: int = DEFAULT_HTTP_RETRIES
    """Retries of one HTTP request (timeouts, connection errors, 408/409/429/5xx)."""

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise LlmConfigError("the LLM model name is empty", f"set {ENV_MODEL}")
        if self.max_tries < 1:
            raise LlmConfigError(f"max tries must be at least 1, not {self.max_tries}")
        if not self.timeout > 0:
            raise LlmConfigError(f"the timeout must be positive, not {self.timeout}")
        if self.http_retries < 0:
            raise LlmConfigError(f"HTTP retries cannot be negative ({self.http_retries})")

    def effective_api_key(self) -> str:
        """The key to send; LlmConfigError when there is none and none can be assumed."""
        if self.api_key:
            return self.api_key
        if self.base_url:
            return LOCAL_API_KEY
        raise LlmConfigError(
            f"the LLM planner (model {self.model}) has no API key",
            f"set {ENV_API_KEY} (or {ENV_OPENAI_API_KEY}), or point {ENV_BASE_URL} at a "
            "server that needs none (Ollama, vLLM)",
        )

    def describe(self) -> str:
        """``model gpt-4o-mini at https://...``: for messages; never shows the key."""
        return f"model {self.model} at {self.base_url or 'the OpenAI API'}"


def llm_config_from_env(env: Mapping[str, str] | None = None) -> LlmConfig | None:
    """The configuration the environment describes; None when ``AUTOBE_LLM_MODEL`` is
    unset (the LLM planner is then off). LlmConfigError for malformed numbers."""
    env = os.environ if env is None else env
    model = env.get(ENV_MODEL, "").strip()
    if not model:
        return None
    base_url = env.get(ENV_BASE_URL, "").strip() or None
    api_key = env.get(ENV_API_KEY, "").strip() or env.get(ENV_OPENAI_API_KEY, "").strip()
    return LlmConfig(
        model=model,
        base_url=base_url,
        api_key=api_key or None,
        max_tries=_int(env, ENV_MAX_TRIES, DEFAULT_MAX_TRIES),
        timeout=_float(env, ENV_TIMEOUT, DEFAULT_TIMEOUT),
        http_retries=_int(env, ENV_HTTP_RETRIES, DEFAULT_HTTP_RETRIES),
    )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise LlmConfigError(f"{name}={text!r} is not a whole number") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise LlmConfigError(f"{name}={text!r} is not a number of seconds") from None
