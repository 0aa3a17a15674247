"""What the no-traceback tests share: how a command's outcome is judged, the table of
every command with valid arguments, and the broken states a project can be in."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from autobe_core.build import MANIFEST_NAME
from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.conftest import AUTOBE

ROOT = Path(__file__).resolve().parents[3]
TODO = ROOT / "fixtures" / "todo.yaml"
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
HAND_EDITED = "app/operations/patch_todo_user_labels.py"
VOLATILE = {"lock", "autobe.db-wal", "autobe.db-shm", "autobe.db-journal"}
"""State files a command may touch without changing anything (the lock's holder line,
SQLite's side files)."""


# --------------------------------------------------------------------------- checks


def run(*args: str | Path) -> Result:
    """``autobe ARGS`` in this process, as the entry point runs it (standalone mode: the
    command group's error boundary and click's own handling decide the exit)."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def real(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``autobe ARGS`` as a real process; one that has not returned after a minute (a
    server that started) is killed with everything it started, and fails the test."""
    env = {k: v for k, v in os.environ.items() if k not in (STORE_URL_ENV, PAUSE_ENV)}
    env.update(NO_COLOR="1", AUTOBE_AUTHOR="careless", AUTOBE_LLM_MODEL="")
    command = [*AUTOBE, *(str(a) for a in args)]
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"{command} did not return within a minute") from None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def attempt(command: str, args: list[str], expected: str | None) -> tuple[int, str | None]:
    """Run one command of the table: its exit status, and what is wrong with its
    failure (None: a clear one holding ``expected``)."""
    if command in SERVES:
        done = real(*args)
        return done.returncode, problem(done.returncode, done.stdout, done.stderr, expected)
    result = run(*args)
    wrong = result_problem(result, expected)
    return result.exit_code, (f"{wrong}" if wrong else None)


USAGE = "usage"
"""Expected instead of a message: click's usage error (exit 2, ``Usage:`` and
``Error:``)."""


def problem(code: int, stdout: str, stderr: str, expected: str | None) -> str | None:
    """What is wrong with a failed command's output (None: a clear failure). With
    ``expected``: its message must hold that text (or be a usage error for USAGE)."""
    text = stdout + stderr
    if "Traceback" in text or "internal error" in text:
        return f"a traceback or an internal error:\n{text}"
    if code == 0:
        return f"exit 0, expected a failure:\n{text}"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines:
        return f"exit {code} and nothing on stderr:\n{text}"
    if expected == USAGE or lines[0].startswith("Usage:"):
        if code != 2 or "Usage:" not in lines[0] or not any(
            line.startswith("Error:") for line in lines
        ):
            return f"not a usage error (exit {code}):\n{stderr}"
        return None if expected in (USAGE, None) else f"a usage error, not {expected!r}:\n{text}"
    if code != 1 or not lines[0].startswith("error:"):
        return f"exit {code}, stderr does not start with 'error:':\n{stderr}"
    if expected is not None and expected.lower() not in stderr.lower():
        return f"{expected!r} is not in the message:\n{stderr}"
    return None


def result_problem(result: Result, expected: str | None) -> str | None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__} escaped the CLI: {result.exception!r}"
    return problem(result.exit_code, result.stdout, result.stderr, expected)


def snapshot(project: Path) -> dict[str, bytes]:
    """Every byte of the project: ``backend/`` and ``.autobe/`` (volatile files aside)."""
    if not project.is_dir():
        return {}
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and p.name not in VOLATILE and "mypy_cache" not in p.parts
    }


# --------------------------------------------------------------------------- the commands

COMMANDS: dict[str, tuple[str, ...]] = {
    # valid arguments for each command ({project}, {tmp}, {edits}, {todo}, {notes})
    "init": ("init", "{project}", "--from", "{todo}"),
    "import": ("import", "{notes}", "--to", "{project}", "--quiet"),
    "build": ("-C", "{project}", "build"),
    "check": ("-C", "{project}", "check", "--rung", "compile"),
    "graph": ("-C", "{project}", "graph", "-o", "{tmp}/graph.dot"),
    "spec": ("-C", "{project}", "spec"),
    "access": ("-C", "{project}", "access"),
    "status": ("-C", "{project}", "status"),
    "change": ("-C", "{project}", "change", "--no-verify", "--edits", "{edits}"),
    "log": ("-C", "{project}", "log"),
    "show": ("-C", "{project}", "show", "1"),
    "diff": ("-C", "{project}", "diff", "1"),
    "blame": ("-C", "{project}", "blame"),
    "rollback": ("-C", "{project}", "rollback", "1"),
    "checkout": ("-C", "{project}", "checkout", "1", "--to", "{tmp}/out"),
    "tag": ("-C", "{project}", "tag", "v9"),
    "db sql": ("-C", "{project}", "db", "sql", "--from", "1"),
    "db status": ("-C", "{project}", "db", "status", "--url", "sqlite:///{tmp}/app.db"),
    "db upgrade": ("-C", "{project}", "db", "upgrade", "--url", "sqlite:///{tmp}/app.db"),
    "serve": (
        "-C", "{project}", "serve", "--url", "sqlite:///{tmp}/never-upgraded.db", "--port", "0"
    ),
    "implement": ("-C", "{project}", "implement", "put_todo_user_lists_by_list_id", "-y"),
    "realize": ("-C", "{project}", "realize"),
    "verifier status": ("-C", "{project}", "verifier", "status"),
    "verifier stop": ("-C", "{project}", "verifier", "stop"),
    "admin create": (
        "-C", "{project}", "admin", "create", "--actor", "admin", "--email", "a@example.com",
        "--password-stdin", "--url", "sqlite:///{tmp}/never-upgraded.db",
    ),
}
SERVES = frozenset({"serve"})
"""Run as a real process with a timeout (a server that started would never return); over
a database without tables it must refuse."""
SERVE_REFUSES = "autobe db upgrade"
EMPTY_DATABASE = SERVES | {"admin create"}
"""They refuse a database without tables (never upgraded) even when the project is fine."""
DB = frozenset({"db sql", "db status", "db upgrade"})
"""They read the workspace's manifest (which migrations it holds); ``db upgrade`` writes
the backend's database, not the project."""
READ_ONLY = frozenset(
    {"graph", "spec", "access", "status", "log", "show", "diff", "blame", "checkout"} | DB
)
WRITERS = frozenset({"build", "change", "rollback", "tag", "implement"})
NEEDS_MODEL = frozenset({"realize"})
"""Without a configured model (the tests set none) they refuse with one message, checked
once the project is found and before it is opened, whatever state it is in."""
NO_MODEL = "no model is configured"
VERIFIER = frozenset({"verifier status", "verifier stop"})
"""They read only the warm verifier's directory (.autobe/verifier), never the store or the
workspace: wherever the project is found, they work."""
NO_PROJECT = "no autobe project"


def leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # lazy commands too (autobe_cli.lazy)
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            names.extend(leaf_commands(command, f"{prefix}{name} "))
        else:
            names.append(f"{prefix}{name}")
    return names


@dataclass
class Paths:
    tmp: Path
    project: Path
    edits: Path

    def fill(self, args: tuple[str, ...]) -> list[str]:
        values = {
            "project": self.project, "tmp": self.tmp, "edits": self.edits, "todo": TODO,
            "notes": NOTES,
        }
        return [a.format(**values) for a in args]


def fresh(base: Path, paths: Paths) -> None:
    shutil.rmtree(paths.project, ignore_errors=True)
    shutil.rmtree(paths.tmp / "out", ignore_errors=True)
    shutil.copytree(base, paths.project, symlinks=True)


# --------------------------------------------------------------------------- broken states


def _db(project: Path) -> Path:
    return project / ".autobe" / "autobe.db"


def no_project(project: Path) -> None:
    shutil.rmtree(project)
    project.mkdir()


def _state_dir_is_a_file(project: Path) -> None:
    shutil.rmtree(project / ".autobe")
    (project / ".autobe").write_bytes(b"not a directory\n")


def _write(rel: str, data: bytes) -> Callable[[Path], None]:
    return lambda project: (project / rel).write_bytes(data)


def _truncate_db(project: Path) -> None:
    with _db(project).open("r+b") as handle:
        handle.truncate(4096)


def _remove(rel: str) -> Callable[[Path], None]:
    return lambda project: (project / rel).unlink()


def _blobs_garbage(project: Path) -> None:
    with closing(sqlite3.connect(_db(project))) as conn, conn:
        conn.execute("UPDATE autobe_blobs SET data = x'00112233' WHERE encoding = 'zlib'")


def _backend_is_a_file(project: Path) -> None:
    shutil.rmtree(project / "backend")
    (project / "backend").write_bytes(b"not a directory\n")


def _lock_is_a_directory(project: Path) -> None:
    (project / ".autobe" / "lock").unlink(missing_ok=True)
    (project / ".autobe" / "lock").mkdir()


def _behind_the_head(project: Path) -> None:
    """What a kill after the commit point leaves: head 2, revision 1's files."""
    r1 = project.parent / "r1"
    assert run("-C", project, "checkout", "1", "--to", r1).exit_code == 0
    for name in (HAND_EDITED, "NOTES.md"):
        (r1 / name).write_bytes((project / "backend" / name).read_bytes())
    shutil.rmtree(project / "backend")
    r1.rename(project / "backend")


@dataclass(frozen=True)
class State:
    setup: Callable[[Path], None]
    message: str
    """What every failing command's message holds."""
    works: frozenset[str] = frozenset()
    """Commands that work in this state (exit 0 required)."""
    messages: dict[str, str] = field(default_factory=dict)
    """Per command: another message (init and import into an existing project, ...)."""
    changes_store: bool = False
    """Opening the store creates its tables (an empty or missing database)."""


EXISTS = {"init": "already holds an autobe project", "import": "already holds an autobe project"}
NOT_BUILT = READ_ONLY | {"tag"}
EVERY = frozenset(COMMANDS) - EMPTY_DATABASE

STATES: dict[str, State] = {
    "no project": State(no_project, NO_PROJECT, frozenset({"init", "import"})),
    ".autobe is a file": State(
        _state_dir_is_a_file, NO_PROJECT,
        messages={"init": ".autobe", "import": ".autobe"},
    ),
    "database garbage": State(_write(".autobe/autobe.db", bytes(range(256)) * 64), "damaged"),
    "database truncated": State(_truncate_db, "damaged"),
    "database 0 bytes": State(
        _write(".autobe/autobe.db", b""), "no recorded revision", frozenset({"init"}),
        messages={"import": "of yours"}, changes_store=True,
    ),
    "database missing": State(
        _remove(".autobe/autobe.db"), "no recorded revision", frozenset({"init"}),
        messages={"import": "of yours"}, changes_store=True,
    ),
    "config garbage": State(_write(".autobe/config.json", b'{"store": '), "config.json"),
    "config not an object": State(_write(".autobe/config.json", b"[1, 2]"), "config.json"),
    "config names an unknown store": State(
        _write(".autobe/config.json", b'{"store": "mysql://x@localhost/db"}'), "mysql"
    ),
    "config missing": State(
        _remove(".autobe/config.json"), "", EVERY - {"init", "import"}, EXISTS
    ),
    "manifest missing": State(
        _remove(f"backend/{MANIFEST_NAME}"), MANIFEST_NAME, NOT_BUILT, EXISTS
    ),
    "manifest garbage": State(
        _write(f"backend/{MANIFEST_NAME}", b"{not json"), MANIFEST_NAME,
        NOT_BUILT - {"status"} - DB, EXISTS,
    ),
    "blobs garbage": State(_blobs_garbage, "damaged", frozenset({"log", "show", "tag"}), EXISTS),
    "backend is a file": State(
        _backend_is_a_file, "backend", NOT_BUILT - {"status"} - DB, EXISTS
    ),
    "lock is a directory": State(
        _lock_is_a_directory, "lock", READ_ONLY | {"check"}, EXISTS
    ),
    "workspace behind the head": State(
        _behind_the_head, "revision 1", EVERY - {"init", "import", "check"} - DB,
        {**EXISTS, **dict.fromkeys(DB | EMPTY_DATABASE, "autobe build")},
    ),
}


@contextmanager
def held(project: Path) -> Iterator[None]:
    """Another ``autobe`` process holds the project (a change paused after taking the
    write lock)."""
    edits = project.parent / "held.yaml"
    edits.write_text(
        "edits:\n  - op: addField\n    model: todo_lists\n"
        "    field: {name: held, type: int, nullable: true}\n", encoding="utf-8",
    )
    env = {**os.environ, PAUSE_ENV: "planned:120", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [*AUTOBE, "-C", str(project), "change", "--no-verify", "--edits", str(edits)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "paused at planned" in line:
                break
        else:
            raise AssertionError(f"the holder ended: {proc.communicate()}")
        yield
    finally:
        proc.kill()
        proc.communicate()
