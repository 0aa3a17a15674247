"""``autobe admin create`` end to end: the first account of a privileged actor.

A bbs project (its admin actor is privileged: ``POST /auth/admin/join`` needs an admin's
token) on a real SQLite file: the command refuses a database behind the head, an actor that
is not privileged, an unknown one, a password the join body refuses and an e-mail taken in
another case; it makes the account once the database is
upgraded (the password read from standard input, the e-mail lowercased). Then the real
app on that database: the admin logs in, the public join of another admin is refused
(401), and the admin's token makes one (201).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from autobe_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
BBS = ROOT / "fixtures" / "bbs.yaml"
PASSWORD = "correct-horse-battery"
ENV = {"AUTOBE_DATABASE_URL": None}
"""The commands must not pick up a database the environment names."""


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin, env=ENV)


def ok(*args: str | Path, stdin: str | None = None) -> Result:
    result = run(*args, stdin=stdin)
    assert result.exit_code == 0, result.output
    return result


def refused(*args: str | Path, stdin: str | None = None) -> str:
    result = run(*args, stdin=stdin)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("admin") / "bbs"
    ok("init", root, "--from", BBS)
    return root


APP_SCRIPT = r'''
import json
from fastapi.testclient import TestClient
from app.main import create_app

out = {}
with TestClient(create_app()) as c:
    r = c.post("/auth/admin/login", json={"email": "BOSS@example.com", "password": PASSWORD})
    out["login"] = r.status_code
    auth = {"Authorization": "Bearer " + r.json()["token"]["access"]}
    second = {"email": "second@example.com", "password": PASSWORD}
    out["public_join"] = c.post("/auth/admin/join", json=second).status_code
    out["admin_join"] = c.post("/auth/admin/join", json=second, headers=auth).status_code
print("RESULT " + json.dumps(out))
'''


def test_admin_create_makes_the_first_privileged_account(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "bbs.db"
    url = f"sqlite:///{db.as_posix()}"
    base = ("-C", project, "admin", "create", "--url", url, "--password-stdin")
    admin = (*base, "--actor", "admin", "--email", "Boss@Example.com")
    stdin = PASSWORD + "\n"

    assert "autobe db upgrade" in refused(*admin, stdin=stdin)
    ok("-C", project, "db", "upgrade", "--url", url)

    message = refused(*base, "--actor", "member", "--email", "m@example.com", stdin=stdin)
    assert "member is not a privileged actor" in message
    assert "POST /auth/member/join" in message
    assert "no actor 'nobody'" in refused(*base, "--actor", "nobody", "--email", "x@example.com",
                                         stdin=stdin)
    assert "at least 8 characters" in refused(*admin, stdin="short\n")

    made = ok(*admin, stdin=stdin).output
    assert "created admin account" in made and "(boss@example.com)" in made
    assert "already" in refused(*base, "--actor", "admin", "--email", "BOSS@example.COM",
                                stdin=stdin)

    done = subprocess.run(
        [sys.executable, "-c", f"PASSWORD = {PASSWORD!r}\n" + APP_SCRIPT],
        cwd=project / "backend", capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "AUTOBE_DATABASE_URL": url, "PYTHONPATH": str(project / "backend"),
             "AUTOBE_JWT_SECRET": "admin-test-" + "s" * 32},
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    assert json.loads(line.removeprefix("RESULT ")) == {
        "login": 200, "public_join": 401, "admin_join": 201,
    }


def test_admin_create_asks_for_the_password_twice(project: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'asked.db').as_posix()}"
    ok("-C", project, "db", "upgrade", "--url", url)
    args = ("-C", project, "admin", "create", "--url", url, "--actor", "admin",
            "--email", "asked@example.com")
    made = ok(*args, stdin=f"{PASSWORD}\n{PASSWORD}\n").output
    assert "created admin account" in made and PASSWORD not in made
