"""Starting a command imports what it needs (issue 14): ``--help`` and the commands that
read the history (``log``, ``status``, ``show``, ``diff``, ``blame``) never import FastAPI,
openai, mypy, the generators, the planners, networkx or SQLAlchemy.

Each command runs in its own Python process on a real project (``autobe init`` from
fixtures/todo.yaml, then one typed change), through a probe that runs the CLI and then
prints which modules the process imported. Behaviour, not time: the timings are in the
issue's benchmark.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from autobe_cli.commands import COMMANDS
from autobe_cli.main import cli
from tests.conftest import AUTOBE

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"

MARK = "autobe-startup-modules:"
PROBE = f"""
import json, sys
from autobe_cli.main import cli
try:
    cli(sys.argv[1:], prog_name="autobe")
finally:
    sys.stderr.write("\\n{MARK}" + json.dumps(sorted(sys.modules)) + "\\n")
"""
"""Runs the CLI as ``autobe`` does, then reports ``sys.modules`` on its last stderr line."""

NEVER = (
    "fastapi",
    "starlette",
    "uvicorn",
    "openai",
    "mypy",
    "alembic",
    "networkx",
    "autobe_core.generate",
    "autobe_core.planning",
    "autobe_core.realize",
    "autobe_core.importer",
    "autobe_core.graph.module_graph",
    "autobe_core.spec.edits",
    "autobe_core.spec.validation",
)
"""What no reading command imports (nor ``--help``)."""

NOT_FOR_READING = (*NEVER, "sqlalchemy")
"""Nor SQLAlchemy (0.3 s): the store reads its tables through sqlite3 / psycopg, and
SQLAlchemy is the generated backend's ORM and the verifier's, not the store's."""

NOT_FOR_HELP = (*NEVER, "autobe_core", "sqlalchemy", "eventsourcing", "pydantic", "rich", "yaml")
"""``--help`` imports none of autobe_core, nor the libraries the commands use."""

EDITS = """\
edits:
  - {op: addField, model: todo_items, field: {name: note, type: string, nullable: true}}
"""


def probe(*args: str | Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``autobe ARGS`` in a new process: the result and the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *map(str, args)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},  # tables on one line each
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith(MARK)]
    assert lines, f"the probe did not report its modules:\n{done.stderr}"
    return done, set(json.loads(lines[-1][len(MARK):]))


def imported(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (packages with their submodules) ``modules`` holds."""
    return sorted(n for n in names if any(m == n or m.startswith(f"{n}.") for m in modules))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A todo project with two revisions: the init, and a change that adds a column (so
    revision 2 records a migration)."""
    tmp = tmp_path_factory.mktemp("startup")
    root = tmp / "todo"
    subprocess.run([*AUTOBE, "init", str(root), "--from", str(TODO)], check=True,
                   capture_output=True, text=True, timeout=300)
    edits = tmp / "edits.yaml"
    edits.write_text(EDITS, encoding="utf-8")
    subprocess.run([*AUTOBE, "-C", str(root), "change", "--edits", str(edits), "-y",
                    "--no-verify"], check=True, capture_output=True, text=True, timeout=300)
    return root


def test_help_imports_no_command_and_nothing_of_autobe_core() -> None:
    done, modules = probe("--help")
    assert done.returncode == 0, done.stderr
    for name in COMMANDS:
        assert f"  {name} " in done.stdout
    assert imported(modules, NOT_FOR_HELP) == []
    assert not [m for m in modules if m.startswith("autobe_cli.commands.")]


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (["log"], "edits from edits.yaml"),
        (["status"], "revision 2"),
        (["show", "1"], "init from todo.yaml"),
        (["show", "2"], "migration: r0002"),
        (["diff", "1", "2"], "note"),
        (["blame", "app/models/"], "app/models/todo_items.py"),
        (["log", "--json"], '"revision": 2'),
    ],
)
def test_reading_commands_import_no_generator_llm_or_web_framework(
    project: Path, args: list[str], shows: str
) -> None:
    done, modules = probe("-C", project, *args)
    assert done.returncode == 0, done.stderr
    assert shows in done.stdout
    assert imported(modules, NOT_FOR_READING) == []


def test_an_error_is_still_one_message_without_the_heavy_modules(tmp_path: Path) -> None:
    done, modules = probe("-C", tmp_path, "log")
    assert done.returncode == 1
    assert "project" in done.stderr
    assert "Traceback" not in done.stderr
    assert imported(modules, NOT_FOR_READING) == []


def test_each_listed_help_is_the_commands_own() -> None:
    """The help ``autobe --help`` lists without importing a command equals the command's
    own short help, and every entry names a command of that name."""
    ctx = click.Context(cli)
    for name, entry in COMMANDS.items():
        command = entry.load()
        assert command.name == name
        assert cli.get_command(ctx, name) is command
        for limit in (45, 80, 1000):
            listed = click.Command(name, help=entry.help).get_short_help_str(limit)
            assert listed == command.get_short_help_str(limit), name
