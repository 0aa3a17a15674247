"""Fixtures of the no-traceback tests: no ambient configuration, and one prepared todo
project per worker, copied for each case."""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.e2e.no_traceback.harness import (
    HAND_EDITED,
    TODO,
    Paths,
    run,
)


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_URL_ENV, raising=False)
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "careless")
    monkeypatch.setenv("AUTOBE_LLM_MODEL", "")  # the rule planner only


@pytest.fixture(scope="package")
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
