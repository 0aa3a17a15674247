"""Accounts made outside the API: ``autobe admin create``.

A privileged actor (the admin kind, or one the spec marks privileged) never joins
publicly: its join needs a principal of a privileged actor. Its first account is made here:
the generated ``app/admin.py`` runs in a subprocess in ``backend/`` (``python -m app.admin
create --actor ACTOR --email E --password-stdin --json``) against the database, chosen as
``autobe db`` chooses it (``--url``, ``AUTOBE_DATABASE_URL``, the backend's default), which
must be at the head's migration. The password goes through the subprocess's standard
input, never its arguments. The account is built as the actor's join builds one (the join
body's validation, the password hashed, the e-mail lowercased); later accounts are made
through the join route by a privileged principal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from autobe_core.errors import AutobeError, NotBuilt
from autobe_core.service.database import (
    DATABASE_URL_ENV,
    UPGRADE_HINT,
    DatabaseBehind,
    DatabaseStatus,
    DatabaseUrl,
    behind_message,
    last_error,
    marked_result,
)
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.semantics import is_privileged

MARK = "AUTOBE-ADMIN "
TIMEOUT = 300.0


class AccountRefused(AutobeError):
    """The account could not be made; the message says why."""


@dataclass(frozen=True)
class AccountCreated:
    actor: str
    id: str
    identity: str
    url: DatabaseUrl


def check_actor(spec: ProjectSpec, actor: str) -> None:
    """:class:`AccountRefused` unless ``actor`` is a privileged actor with a join."""
    privileged = sorted(a.name for a in spec.actors if is_privileged(a))
    allowed = ", ".join(privileged) or "none"
    found = spec.actor(actor)
    if found is None:
        raise AccountRefused(f"the project has no actor {actor!r}; privileged actors: {allowed}",
                             "give --actor one of them")
    if not is_privileged(found):
        join = next((o for o in spec.operations
                     if o.kind == "join" and o.model == found.model), None)
        where = f" through POST {join.path}" if join is not None else " through the API"
        raise AccountRefused(
            f"{actor} is not a privileged actor: its accounts join{where}; `autobe admin "
            f"create` makes accounts of privileged actors ({allowed})",
            "mark the actor privileged in the spec (privileged: true) if its principals "
            "are staff")
    if not any(o.kind == "join" and o.model == found.model for o in spec.operations):
        raise AccountRefused(
            f"{actor} has no join operation: autobe builds its accounts as its join does",
            f"add a join operation for {actor} (POST /auth/{actor}/join)")


def create(workspace: Path, spec: ProjectSpec, found: DatabaseStatus, actor: str, email: str,
           password: Callable[[], str], fields: Mapping[str, str]) -> AccountCreated:
    """Make the account with the backend's ``app/admin.py`` on the database ``found``
    describes: :class:`DatabaseBehind` unless it is at the head, :class:`AccountRefused`
    for an actor that is not privileged; ``password()`` is asked once those checks pass."""
    if not (workspace / "app" / "admin.py").is_file():
        raise NotBuilt(f"{workspace} holds no app/admin.py", "run `autobe build` first")
    behind = behind_message(found)
    if behind is not None:
        raise DatabaseBehind(f"{behind}: make the account once it is at the head", UPGRADE_HINT)
    check_actor(spec, actor)
    argv = [sys.executable, "-m", "app.admin", "create", "--actor", actor, "--email", email,
            "--password-stdin", "--json"]
    for name, value in fields.items():
        argv += ["--set", f"{name}={value}"]
    env = {**os.environ, DATABASE_URL_ENV: found.url.url, "PYTHONIOENCODING": "utf-8"}
    try:
        done = subprocess.run(argv, cwd=workspace, env=env, input=password() + "\n",
                              capture_output=True, text=True, encoding="utf-8",
                              errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise AccountRefused(f"the backend did not answer within {TIMEOUT:g} s",
                             "check that the database is reachable") from None
    outcome = marked_result(done.stdout, MARK)
    if outcome is None:
        raise AccountRefused(f"the backend stopped before it could answer: "
                             f"{last_error(done.stderr)}",
                             "run `autobe check` to see what is wrong with the backend")
    error = outcome.get("error")
    if isinstance(error, dict):
        raise AccountRefused(f"no {actor} account made: {error.get('message')}")
    return AccountCreated(actor, str(outcome.get("id")), str(outcome.get("identity")),
                          found.url)
