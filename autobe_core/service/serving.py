"""Serving the generated backend: ``python -m uvicorn app.main:app`` in ``backend/``.

The same as running ``uvicorn app.main:app`` in ``backend/`` by hand, after checking the
database is at the head's migration and that ``AUTOBE_JWT_SECRET`` is set (the backend
refuses to start without it; :func:`serve_command` refuses first, saying what to do).
The server runs as a child process in its own session; SIGINT (Ctrl-C), SIGTERM and
SIGHUP sent to autobe are passed on to it, so it shuts down cleanly (a second Ctrl-C makes
uvicorn stop at once), and autobe exits with its status.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from autobe_core.errors import AutobeError, NotBuilt
from autobe_core.service.database import (
    DATABASE_URL_ENV,
    UPGRADE_HINT,
    DatabaseBehind,
    DatabaseStatus,
    DatabaseUrl,
    behind_message,
)

JWT_SECRET_ENV = "AUTOBE_JWT_SECRET"
MIN_SECRET_LENGTH = 32
"""As the generated ``app/settings.py`` requires: the backend does not start otherwise."""
SECRET_HINT = (f"set {JWT_SECRET_ENV} to a random string of at least {MIN_SECRET_LENGTH} "
               "characters, e.g. export AUTOBE_JWT_SECRET=\"$(python -c 'import secrets; "
               "print(secrets.token_urlsafe(48))')\" (keep it: changing it signs everyone out)")


class SecretMissing(AutobeError):
    """The backend's token signing secret is not set, or too short: it would not start."""


def check_secret(environ: Mapping[str, str]) -> None:
    """:class:`SecretMissing` unless ``AUTOBE_JWT_SECRET`` is usable (the backend's own
    start-up check, made before the server starts so the message is autobe's)."""
    secret = environ.get(JWT_SECRET_ENV, "")
    if not secret.strip():
        raise SecretMissing(f"{JWT_SECRET_ENV} is not set: the backend signs bearer tokens "
                            "with it and does not start without one", SECRET_HINT)
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretMissing(f"{JWT_SECRET_ENV} has {len(secret)} characters: the backend "
                            f"needs at least {MIN_SECRET_LENGTH}", SECRET_HINT)


FORWARDED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@dataclass(frozen=True)
class ServeCommand:
    argv: tuple[str, ...]
    cwd: Path
    env: dict[str, str]
    url: DatabaseUrl
    revision: str | None
    """The database's migration (the head's)."""
    host: str
    port: int

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def serve_command(workspace: Path, found: DatabaseStatus, host: str, port: int) -> ServeCommand:
    """The server to run on the database ``found`` describes (:class:`DatabaseBehind`
    when it is not at the head)."""
    if not (workspace / "app" / "main.py").is_file():
        raise NotBuilt(f"{workspace} holds no app/main.py", "run `autobe build` first")
    behind = behind_message(found)
    if behind is not None:
        raise DatabaseBehind(f"{behind}: refusing to serve", UPGRADE_HINT)
    check_secret(os.environ)
    argv = (sys.executable, "-m", "uvicorn", "app.main:app", "--host", host,
            "--port", str(port))
    env = {**os.environ, DATABASE_URL_ENV: found.url.url}
    return ServeCommand(argv, workspace, env, found.url, found.current, host, port)


def run_server(command: ServeCommand) -> int:
    """Run the server until it stops; its exit status (128 + N when killed by signal N)."""
    process = subprocess.Popen(command.argv, cwd=command.cwd, env=command.env,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        with _forwarding(process):
            code = process.wait()
    finally:
        _stop(process)
    return 128 - code if code < 0 else code


@contextlib.contextmanager
def _forwarding(process: subprocess.Popen[bytes]) -> Iterator[None]:
    """Pass the stopping signals autobe receives on to ``process``."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """A server still running when autobe leaves (an error) is stopped, not orphaned."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
