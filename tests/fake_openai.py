"""An OpenAI-compatible chat completions server on loopback, scripted per test.

The tests of the LLM planner talk to it with the real openai client over real HTTP:
``POST /v1/chat/completions`` answers with the next scripted :class:`Reply` (a
chat.completion object with tool calls and usage, an error status, or a slow answer
that outlives the client's timeout) and records every request it received, so a test
can assert on what the client sent and how often it came.

    with FakeOpenAI() as server:
        server.script(tool_call_reply({"edits": [...]}))
        planner = LlmPlanner(LlmConfig(model="fake", base_url=server.base_url))
        ...
        assert server.hits == 1

Everything is bounded: an empty script answers 500 (so a runaway loop fails fast), a
slow reply sleeps on an event that closing the server sets, and handler threads are
daemons with a socket timeout.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import pytest

COMPLETIONS_PATH = "/v1/chat/completions"


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout: a timeout)."""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    """The reply's content-type header (a proxy's error page is ``text/html``)."""
    count_tokens: bool = False
    """Fill ``usage`` from the request and the reply (about 4 characters a token, as
    tokenizers average on English and code) instead of the scripted numbers."""


@dataclass
class Received:
    """One request the server got."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.body.get("messages", [])
        return messages

    def text(self) -> str:
        """Every message's content, joined: what the model read."""
        return "\n".join(str(m.get("content") or "") for m in self.messages)


def completion(
    message: dict[str, Any],
    *,
    model: str = "fake-model",
    prompt_tokens: int = 900,
    completion_tokens: int = 100,
    finish_reason: str = "tool_calls",
) -> dict[str, Any]:
    """A chat.completion object as OpenAI (and vLLM, Ollama, OpenRouter) send it."""
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def tool_call_reply(
    arguments: dict[str, Any] | str,
    *,
    name: str = "propose_change",
    content: str | None = None,
    prompt_tokens: int = 900,
    completion_tokens: int = 100,
) -> Reply:
    """The model calls ``name`` with ``arguments`` (a dict is sent as JSON text, a str
    as is: pass broken JSON to test the parser)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    message = {
        "role": "assistant",
        "content": content,
        "refusal": None,
        "tool_calls": [
            {
                "id": f"call_{uuid.uuid4().hex[:24]}",
                "type": "function",
                "function": {"name": name, "arguments": text},
            }
        ],
    }
    return Reply(
        body=completion(message, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    )


def estimate_tokens(text: str) -> int:
    """About 4 characters a token (what tokenizers average on English and code)."""
    return (len(text) + 3) // 4


def counted(body: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its usage counted from ``request``'s messages and its own reply."""
    prompt = sum(estimate_tokens(str(m.get("content") or "")) + 4
                 for m in request.get("messages", []))
    choices = body.get("choices") or [{}]
    answer = estimate_tokens(str((choices[0].get("message") or {}).get("content") or ""))
    usage = {"prompt_tokens": prompt, "completion_tokens": answer,
             "total_tokens": prompt + answer}
    return {**body, "usage": usage}


def code_reply(code: str, *, note: str = "") -> Reply:
    """The model answers with a Python module in a fenced block (the realize loop's
    answer); its usage is counted from the request and the answer."""
    content = (f"{note}\n\n" if note else "") + f"```python\n{code.rstrip()}\n```"
    reply = text_reply(content)
    reply.count_tokens = True
    return reply


def text_reply(content: str, *, prompt_tokens: int = 900, completion_tokens: int = 50) -> Reply:
    """The model answers in prose and calls nothing."""
    message = {"role": "assistant", "content": content, "refusal": None}
    return Reply(
        body=completion(
            message,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            finish_reason="stop",
        )
    )


def error_reply(status: int = 500, message: str = "The server had an error") -> Reply:
    """An error as OpenAI sends it; ``retry-after-ms`` keeps the client's backoff short."""
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "server_error", "param": None, "code": None}},
        headers={"retry-after-ms": "20"},
    )


def raw_reply(text: str, *, status: int = 200, content_type: str = "text/html") -> Reply:
    """``text`` as the body, sent as is: what a proxy, a login page or a server that is
    not an OpenAI-compatible endpoint answers (``status`` 200: it looks like success)."""
    return Reply(status=status, body=text, content_type=content_type)


def slow_reply(delay: float, then: Reply | None = None) -> Reply:
    """``then`` (a valid empty completion by default) after ``delay`` seconds."""
    base = then or text_reply("too late")
    return Reply(
        status=base.status,
        body=base.body,
        delay=delay,
        headers=base.headers,
        content_type=base.content_type,
    )


class FakeOpenAI:
    """The server: start with ``with``, script replies, read ``requests``."""

    def __init__(self) -> None:
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.requests: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def hits(self) -> int:
        with self._lock:
            return len(self.requests)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not yet sent."""
        with self._lock:
            return len(self._replies)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- serving

    def _next(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            if self._replies:
                return self._replies.popleft()
        return Reply(
            status=500,
            body={"error": {"message": "fake server: no scripted reply left", "type": "test"}},
            headers={"x-should-retry": "false"},
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 5  # an idle keep-alive connection ends

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path.split("?")[0] != COMPLETIONS_PATH:
                    self._send(Reply(404, {"error": {"message": f"no route {self.path}"}}))
                    return
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    self._send(Reply(400, {"error": {"message": "request body is not JSON"}}))
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = fake._next(Received(self.path, headers, body))
                if reply.delay and fake._closing.wait(reply.delay):
                    return
                if reply.count_tokens and isinstance(reply.body, dict):
                    reply = Reply(reply.status, counted(reply.body, body), reply.delay,
                                  reply.headers, reply.content_type)
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                data = (
                    reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
                ).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", reply.content_type)
                    self.send_header("content-length", str(len(data)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (its timeout)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


@pytest.fixture(name="server")
def loopback_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """The ``server`` fixture: a fresh FakeOpenAI on loopback, never reached through a
    proxy the environment names (import this into a test module to use it)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with FakeOpenAI() as fake:
        yield fake
