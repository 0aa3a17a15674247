"""No traceback, whatever the state or the input: every ``autobe`` command, over every
broken state a project can be in and over bad arguments, ends with a clear message on
standard error (``error: ...`` first, or click's usage error), a non-zero exit, and the
project as it was (head revision, every byte of ``backend/`` and of ``.autobe/``).

- :data:`COMMANDS` holds valid arguments for every command; a command added to the CLI
  without a row here fails :func:`test_the_table_names_every_command`;
- :data:`STATES` are the broken states: no project, a garbage / truncated / 0-byte /
  missing database, a garbage / missing config, a missing or garbage manifest, damaged
  blobs, ``backend`` that is a file, a lock that cannot be taken, another process holding
  the project, a workspace behind the head. Each names the commands that still work in
  it; every other command must fail with the state's message;
- :data:`BAD` are bad arguments per command (files that are directories, missing or
  empty; targets that are files or not empty; references to no revision; names that
  cannot be tags; unknown options). Bad file *contents* (binary, deep, endless, lone
  surrogates), revision references like ``²`` and planner names are in
  ``tests/e2e/test_cli_inputs.py``.

Most cases run in this process through the CLI's own error boundary (``cli`` in
standalone mode, exceptions not re-raised by the runner: what escapes is a bug); a
representative few run the real ``autobe`` executable in a working directory.
"""

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
import pytest
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from autobe_core.build import MANIFEST_NAME
from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.conftest import AUTOBE

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
HAND_EDITED = "app/operations/patch_todo_user_labels.py"
VOLATILE = {"lock", "autobe.db-wal", "autobe.db-shm", "autobe.db-journal"}
"""State files a command may touch without changing anything (the lock's holder line,
SQLite's side files)."""


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_URL_ENV, raising=False)
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "careless")
    monkeypatch.setenv("AUTOBE_LLM_MODEL", "")  # the rule planner only


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
WRITERS = frozenset({"build", "change", "rollback", "tag"})


def leaf_commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names.extend(leaf_commands(command, f"{prefix}{name} "))
        else:
            names.append(f"{prefix}{name}")
    return names


def test_the_table_names_every_command() -> None:
    """A new command needs a row in COMMANDS (and so runs over every broken state)."""
    assert sorted(leaf_commands(cli)) == sorted(COMMANDS)


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


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A todo project at revision 2 (tag v1 on revision 1), with a hand edit and a file
    of the user's in ``backend/``."""
    project = tmp_path_factory.mktemp("base") / "todo"
    assert run("init", project, "--from", TODO).exit_code == 0
    edits = project.parent / "estimate.yaml"
    edits.write_text(
        "edits:\n  - op: addField\n    model: todo_items\n"
        "    field: {name: estimate, type: int, nullable: true}\n",
        encoding="utf-8",
    )
    done = run("-C", project, "change", "--edits", edits, "--no-verify")
    assert done.exit_code == 0, done.output
    assert run("-C", project, "tag", "v1", "1").exit_code == 0
    edited = project / "backend" / HAND_EDITED
    edited.write_bytes(edited.read_bytes() + b"# mine\n")
    (project / "backend" / "NOTES.md").write_bytes(b"my notes\n")
    return project


@pytest.fixture
def paths(base: Path, tmp_path: Path) -> Paths:
    edits = tmp_path / "effort.yaml"
    edits.write_text(
        "edits:\n  - op: addField\n    model: todo_items\n"
        "    field: {name: effort, type: int, nullable: true}\n",
        encoding="utf-8",
    )
    return Paths(tmp_path, tmp_path / "todo", edits)


def fresh(base: Path, paths: Paths) -> None:
    shutil.rmtree(paths.project, ignore_errors=True)
    shutil.rmtree(paths.tmp / "out", ignore_errors=True)
    shutil.copytree(base, paths.project, symlinks=True)


# --------------------------------------------------------------------------- broken states


def _db(project: Path) -> Path:
    return project / ".autobe" / "autobe.db"


def _no_project(project: Path) -> None:
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
    "no project": State(_no_project, "no autobe project", frozenset({"init", "import"})),
    ".autobe is a file": State(
        _state_dir_is_a_file, "no autobe project",
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


def check_state(base: Path, paths: Paths, name: str, state: State) -> list[str]:
    """Every command in the broken state; what went wrong (empty: nothing)."""
    found = []
    for command, args in COMMANDS.items():
        fresh(base, paths)
        state.setup(paths.project)
        before = snapshot(paths.project)
        expected = state.messages.get(command, state.message)
        if command in EMPTY_DATABASE and state.works >= DB:
            expected = SERVE_REFUSES  # the project is fine: the empty database is not
        code, wrong = attempt(command, paths.fill(args), expected)
        if command in state.works:
            if code != 0:
                found.append(f"[{name}] {command}: expected to work, exit {code}: {wrong}")
            continue
        after = snapshot(paths.project)
        if state.changes_store:
            before.pop(".autobe/autobe.db", None)
            after.pop(".autobe/autobe.db", None)
        if wrong is None and after != before:
            changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
            wrong = f"failed, but changed {changed[:5]}"
        if wrong is None and (paths.tmp / "out").exists():
            wrong = "failed, but wrote the checkout target"
        if wrong:
            found.append(f"[{name}] {command}: {wrong}")
    return found


@pytest.mark.parametrize("name", sorted(STATES))
def test_every_command_in_a_broken_state_is_one_message(
    base: Path, paths: Paths, name: str
) -> None:
    found = check_state(base, paths, name, STATES[name])
    assert not found, "\n\n".join(found)


def test_every_command_while_another_process_holds_the_project(
    base: Path, paths: Paths
) -> None:
    """Writers say the project is busy; readers work; nothing changes."""
    fresh(base, paths)
    found = []
    with held(paths.project):
        for command, args in COMMANDS.items():
            before = snapshot(paths.project)
            expected = EXISTS.get(command, "another autobe process")
            if command in EMPTY_DATABASE:
                expected = SERVE_REFUSES
            code, wrong = attempt(command, paths.fill(args), expected)
            if command in READ_ONLY | {"check"}:
                if code != 0:
                    found.append(f"{command}: expected to work, exit {code}: {wrong}")
                shutil.rmtree(paths.tmp / "out", ignore_errors=True)
                continue
            if wrong is None and snapshot(paths.project) != before:
                wrong = "failed, but changed the project"
            if wrong:
                found.append(f"{command}: {wrong}")
    assert not found, "\n\n".join(found)


# --------------------------------------------------------------------------- bad arguments


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("files")
    (directory / "empty.yaml").write_bytes(b"")
    (directory / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    (directory / "text.json").write_text("hello", encoding="utf-8")
    (directory / "a-file").write_text("x\n", encoding="utf-8")
    (directory / "empty-dir").mkdir()
    (directory / "not-empty").mkdir()
    (directory / "not-empty" / "mine.txt").write_text("mine\n", encoding="utf-8")
    return directory


BAD: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (arguments, what the message holds, or USAGE); {new} must not be created
    "init --from a directory": (("init", "{new}", "--from", "{files}/empty-dir"), USAGE),
    "init --from a missing file": (("init", "{new}", "--from", "{files}/nope.yaml"), USAGE),
    "init --from an empty file": (("init", "{new}", "--from", "{files}/empty.yaml"), "mapping"),
    "init --from a list": (("init", "{new}", "--from", "{files}/list.yaml"), "mapping"),
    "init without --from": (("init", "{new}"), USAGE),
    "init into a file": (("init", "{files}/a-file", "--from", "{todo}"), USAGE),
    "init --store unknown": (
        ("init", "{new}", "--from", "{todo}", "--store", "mysql://x@y/z"), "sqlite:///PATH"
    ),
    "init --store not a URL": (
        ("init", "{new}", "--from", "{todo}", "--store", "not a url"), "not a storage URL"
    ),
    "init --store no server": (
        ("init", "{new}", "--from", "{todo}", "--store", "postgresql://u:p@127.0.0.1:1/db"),
        "connection",
    ),
    "init --store not writable": (
        ("init", "{new}", "--from", "{todo}", "--store", "sqlite:////proc/autobe.db"),
        "writable",
    ),
    "import an empty directory": (("import", "{files}/empty-dir", "--to", "{new}"), "prisma.json"),
    "import a missing path": (("import", "{files}/nope", "--to", "{new}"), USAGE),
    "import a text file": (("import", "{files}/text.json", "--to", "{new}"), "not valid JSON"),
    "import a missing document": (
        ("import", "{files}/text.json", "{files}/nope.json", "--to", "{new}"), USAGE
    ),
    "import --to a file": (("import", "{notes}", "--to", "{files}/a-file"), USAGE),
    "import --name not a name": (
        ("import", "{notes}", "--to", "{new}", "--name", "bad name!"), "bad name!"
    ),
    "build --keep-mine --force": (("-C", "{project}", "build", "--keep-mine", "--force"), USAGE),
    "check --rung unknown": (("-C", "{project}", "check", "--rung", "lint"), USAGE),
    "graph --format unknown": (("-C", "{project}", "graph", "--format", "png"), USAGE),
    "graph -o a directory": (("-C", "{project}", "graph", "-o", "{files}/empty-dir"), USAGE),
    "graph -o in a missing directory": (
        ("-C", "{project}", "graph", "-o", "{tmp}/no/such/graph.dot"), "no such file"
    ),
    "spec --format unknown": (("-C", "{project}", "spec", "--format", "xml"), USAGE),
    "spec -r a revision to come": (("-C", "{project}", "spec", "-r", "99"), "1..2"),
    "access --format unknown": (("-C", "{project}", "access", "--format", "xml"), USAGE),
    "access -r a revision to come": (("-C", "{project}", "access", "-r", "99"), "1..2"),
    "status with an argument": (("-C", "{project}", "status", "extra"), USAGE),
    "change with nothing": (("-C", "{project}", "change"), USAGE),
    "change --edits a missing file": (
        ("-C", "{project}", "change", "--edits", "{files}/nope.yaml"), USAGE
    ),
    "change --edits a directory": (
        ("-C", "{project}", "change", "--edits", "{files}/empty-dir"), USAGE
    ),
    "change --edits an empty file": (
        ("-C", "{project}", "change", "--edits", "{files}/empty.yaml"), "mapping"
    ),
    "change --edits a list": (("-C", "{project}", "change", "--edits", "{files}/list.yaml"),
                              "mapping"),
    "change words and --edits": (
        ("-C", "{project}", "change", "add field x:int to items", "--edits", "{edits}"), USAGE
    ),
    "change --keep-mine --force": (
        ("-C", "{project}", "change", "--edits", "{edits}", "--keep-mine", "--force"), USAGE
    ),
    "change an empty request": (("-C", "{project}", "change", "", "--yes"), "empty"),
    "change gibberish": (("-C", "{project}", "change", "qwerty uiop", "--yes"), "qwerty uiop"),
    "log --unknown": (("-C", "{project}", "log", "--oneline"), USAGE),
    "show without a revision": (("-C", "{project}", "show"), USAGE),
    "show an unknown tag": (("-C", "{project}", "show", "nosuchtag"), "nosuchtag"),
    "diff to a revision to come": (("-C", "{project}", "diff", "1", "99"), "1..2"),
    "blame a path outside": (("-C", "{project}", "blame", "../etc/passwd"), "not a generated"),
    "blame an absolute path": (("-C", "{project}", "blame", "/etc/passwd"), "not a generated"),
    "rollback to the head": (("-C", "{project}", "rollback", "head"), "already the head"),
    "rollback to a revision to come": (("-C", "{project}", "rollback", "99"), "1..2"),
    "checkout --to a file": (("-C", "{project}", "checkout", "1", "--to", "{files}/a-file"),
                             USAGE),
    "checkout --to the workspace": (
        ("-C", "{project}", "checkout", "1", "--to", "{project}/backend"), "not empty"
    ),
    "checkout --to a full directory": (
        ("-C", "{project}", "checkout", "1", "--to", "{files}/not-empty"), "not empty"
    ),
    "checkout --to where nothing can be written": (
        ("-C", "{project}", "checkout", "1", "--to", "/proc/autobe-out"), "/proc/autobe-out"
    ),
    "tag a name taken": (("-C", "{project}", "tag", "v1"), "already names"),
    "tag an empty name": (("-C", "{project}", "tag", ""), "invalid tag name"),
    "tag a name with a space": (("-C", "{project}", "tag", "a b"), "invalid tag name"),
    "tag a number": (("-C", "{project}", "tag", "7"), "invalid tag name"),
    "tag a revision to come": (("-C", "{project}", "tag", "v9", "99"), "1..2"),
    "-C a file": (("-C", "{files}/a-file", "status"), USAGE),
    "-C a missing directory": (("-C", "{files}/nope", "status"), "no autobe project"),
    "an unknown command": (("frobnicate",), USAGE),
    "admin create --set without =": (
        ("-C", "{project}", "admin", "create", "--actor", "admin", "--email", "a@example.com",
         "--set", "nickname", "--password-stdin"), USAGE,
    ),
}


@pytest.fixture(scope="module")
def project(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bad-args") / "todo"
    shutil.copytree(base, target, symlinks=True)
    return target


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_argument_is_one_message_and_changes_nothing(
    project: Path, files: Path, tmp_path: Path, name: str
) -> None:
    args, expected = BAD[name]
    new = tmp_path / "new"
    edits = tmp_path / "effort.yaml"
    edits.write_text("edits:\n  - {op: addField, model: todo_items, field: "
                     "{name: effort, type: int, nullable: true}}\n", encoding="utf-8")
    values = {"new": new, "files": files, "todo": TODO, "notes": NOTES, "project": project,
              "tmp": tmp_path, "edits": edits}
    before = snapshot(project)
    result = run(*[a.format(**values) for a in args])
    wrong = result_problem(result, expected)
    assert wrong is None, wrong
    assert snapshot(project) == before
    assert not new.exists()
    assert sorted(p.name for p in (files / "not-empty").iterdir()) == ["mine.txt"]
    assert (files / "a-file").read_text(encoding="utf-8") == "x\n"


# --------------------------------------------------------------------------- real processes


@dataclass(frozen=True)
class Real:
    """A real ``autobe`` run in a working directory (no ``-C``)."""

    state: str | None
    """A broken state of the project, None: as it is; "empty": an empty directory."""
    cwd: str
    """Where it runs, relative to the project ("." or "backend/app")."""
    args: tuple[str, ...]
    expected: str


REAL: dict[str, Real] = {
    "status in an empty directory": Real("empty", ".", ("status",), "no autobe project"),
    "log below a project with a garbage database": Real(
        "database garbage", "backend/app", ("log",), "damaged"
    ),
    "change with a garbage config": Real(
        "config garbage", ".", ("change", "--no-verify", "--edits", "{edits}"), "config.json"
    ),
    "build without a manifest": Real("manifest missing", ".", ("build",), MANIFEST_NAME),
    "check behind the head": Real("workspace behind the head", ".", ("check",), "revision 1"),
    "checkout into a file": Real(None, ".", ("checkout", "1", "--to", "NOTES.txt"), USAGE),
    "an unknown command": Real(None, ".", ("frobnicate",), USAGE),
    "rollback to a revision to come": Real(None, "backend", ("rollback", "99"), "1..2"),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_the_real_executable_says_one_thing(base: Path, paths: Paths, name: str) -> None:
    case = REAL[name]
    fresh(base, paths)
    (paths.project / "NOTES.txt").write_text("mine\n", encoding="utf-8")
    if case.state == "empty":
        _no_project(paths.project)
    elif case.state is not None:
        STATES[case.state].setup(paths.project)
    before = snapshot(paths.project)
    done = real(*paths.fill(case.args), cwd=paths.project / case.cwd)
    wrong = problem(done.returncode, done.stdout, done.stderr, case.expected)
    assert wrong is None, wrong
    if case.expected == USAGE:
        assert done.stderr.startswith("Usage: autobe"), done.stderr
    assert snapshot(paths.project) == before
