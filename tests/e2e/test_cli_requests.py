"""`autobe change "TEXT"` from the command line: plan, confirm, apply, record."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from autobe_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"


def run(*args: str | Path, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], input=stdin)
    return result.exit_code, result.output


def test_a_request_is_planned_shown_and_recorded(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--from", TODO)[0] == 0
    code, out = run("-C", project, "change", "add field estimate:int to todo_items", "--dry-run")
    assert code == 0, out
    assert "planner rules" in out and "app/dtos/todo_items.py" in out
    assert "dry run: nothing was written" in out

    code, out = run(
        "-C", project, "change", "add field estimate:int to todo_items", "--yes", "--no-verify"
    )
    assert code == 0, out
    assert "revision 2" in out
    entries = json.loads(run("-C", project, "log", "--json")[1])
    assert entries[-1]["planner"] == "rules"
    assert entries[-1]["request"] == "add field estimate:int to todo_items"


def test_a_request_needs_confirmation(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", TODO)
    code, out = run("-C", project, "change", "add timestamps to every model", stdin="n\n")
    assert code != 0
    assert "--yes" in out  # no terminal to ask on: the message says how to confirm
    assert len(json.loads(run("-C", project, "log", "--json")[1])) == 1


def test_a_request_nobody_understands_changes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", TODO)
    code, out = run("-C", project, "change", "make it web scale with blockchain", "--yes")
    assert code == 1
    assert "could not understand" in out
    assert "AUTOBE_LLM_MODEL" in out
    assert "nothing was changed" in out
    assert len(json.loads(run("-C", project, "log", "--json")[1])) == 1
