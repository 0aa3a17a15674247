"""Live generated backends for end-to-end tests.

A backend is built from a fixture spec (``autobe init --from fixtures/<name>.yaml``) or
imported from one of AutoBe's examples (``../shared/autobe-examples``). Its code only ever
runs in a subprocess inside its workspace (``backend/``): a generated ``app`` package is
never imported into the test process (it would clash with another backend's ``app`` and
with autobe's own modules). :func:`served` migrates a SQLite file with ``autobe db
upgrade`` and serves the app with uvicorn on loopback, for real HTTP with httpx.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from autobe_cli.main import cli
from autobe_core.service import ProjectService

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
SECRET = secrets.token_urlsafe(30)
"""The token signing secret the backends get (40 characters): the generated app refuses to
start without one."""
START_TIMEOUT = 120.0


def build_fixture(name: str, target: Path) -> Path:
    """The project ``target`` made by ``autobe init --from fixtures/<name>.yaml``."""
    result = CliRunner().invoke(cli, ["init", str(target), "--from",
                                      str(FIXTURES / f"{name}.yaml")],
                                env={"AUTOBE_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    return target


def import_example(example: str, target: Path) -> Path:
    """The project ``target`` imported (and built) from AutoBe's example ``example``."""
    ProjectService.import_project([EXAMPLES / example], target, author="test")
    return target


def build(source: str, target: Path) -> Path:
    """``fixture:<name>`` or ``example:<vendor>/<name>`` built at ``target``."""
    kind, _, name = source.partition(":")
    return build_fixture(name, target) if kind == "fixture" else import_example(name, target)


def backend_env(database_url: str = "sqlite://") -> dict[str, str]:
    """The environment of a backend's process: this one's without autobe's settings, plus
    the database and the secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTOBE_")}
    env["AUTOBE_DATABASE_URL"] = database_url
    env["AUTOBE_JWT_SECRET"] = SECRET
    return env


def run_in_workspace(project: Path, code: str, database_url: str = "sqlite://",
                     timeout: float = 600) -> str:
    """Run Python ``code`` in the project's workspace (its ``app`` importable); its stdout."""
    done = subprocess.run([sys.executable, "-c", code], cwd=project / "backend",
                          env=backend_env(database_url), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


OPENAPI_SCRIPT = """
import json
from app.main import create_app
with open({path!r}, "w", encoding="utf-8") as out:
    json.dump(create_app().openapi(), out)
"""


def openapi_document(project: Path) -> dict[str, Any]:
    """The backend's OpenAPI document, as its ``create_app().openapi()`` makes it."""
    path = project / "openapi.json"
    run_in_workspace(project, OPENAPI_SCRIPT.format(path=str(path)))
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def live_url(project: Path, directory: Path) -> str:
    """The database :func:`served` serves ``project`` from."""
    return f"sqlite:///{(directory / f'{project.name}-live.db').as_posix()}"


@contextmanager
def served(project: Path, directory: Path) -> Iterator[str]:
    """The backend served by uvicorn on loopback (its base URL), on a SQLite file under
    ``directory`` (:func:`live_url`) migrated by ``autobe db upgrade``; stopped afterwards."""
    url = live_url(project, directory)
    upgraded = CliRunner().invoke(cli, ["-C", str(project), "db", "upgrade", "--url", url],
                                  env={"AUTOBE_DATABASE_URL": None})
    assert upgraded.exit_code == 0, upgraded.output
    port = free_port()
    log_path = directory / f"{project.name}-uvicorn.log"
    with log_path.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
             "--port", str(port)],
            cwd=project / "backend", env=backend_env(url), stdout=log,
            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert server.poll() is None, log_path.read_text(encoding="utf-8")[-4000:]
            assert time.monotonic() < deadline, "the backend did not start in time"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def example_value(document: dict[str, Any], schema: dict[str, Any], name: str = "") -> Any:
    """A valid value of JSON ``schema`` (of ``document``'s components): required properties
    only, each the smallest value its type, format, enum and bounds allow; strings unique
    (e-mails, names: an attacker joins many times)."""
    if "$ref" in schema:
        return example_value(document, resolve(document, schema), name)
    if "anyOf" in schema or "oneOf" in schema:
        options = [s for s in schema.get("anyOf", schema.get("oneOf", []))
                   if s.get("type") != "null"]
        return example_value(document, options[0], name) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {key: example_value(document, value, key)
                for key, value in schema.get("properties", {}).items()
                if key in schema.get("required", [])}
    if kind == "array":
        return [example_value(document, schema["items"], name)
                for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return int(max(schema.get("minimum", 1), 1))
    if kind == "number":
        return float(max(schema.get("minimum", 1), 1))
    if kind == "boolean":
        return False
    return example_string(schema, name)


def example_string(schema: dict[str, Any], name: str) -> str:
    token = secrets.token_hex(6)
    text = {
        "email": f"attacker.{token}@example.com",
        "uuid": "00000000-0000-4000-8000-" + token,
        "date-time": "2026-01-01T00:00:00Z",
        "date": "2026-01-01",
        "uri": f"https://example.com/{token}",
    }.get(schema.get("format", ""))
    if text is None and re.search(schema.get("pattern", "^$"), f"https://example.com/{token}"):
        text = f"https://example.com/{token}"  # a URL field without a format (http(s) only)
    if text is None:
        text = "Passw0rd!" + token if "password" in name else f"{name or 'text'}-{token}"
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    text = text.ljust(low, "x")
    return text[:high] if high is not None and schema.get("format") is None else text


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$ref`` to ``#/components/schemas/...`` followed."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    return schema


def request_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    """The JSON schema of the operation's request body (None: it takes none)."""
    body = document["paths"][path][method].get("requestBody")
    if body is None:
        return None
    schema: dict[str, Any] = body["content"]["application/json"]["schema"]
    return schema
