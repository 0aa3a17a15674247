"""A representative few cases through the real ``autobe`` executable in a working directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from autobe_core.build import MANIFEST_NAME
from tests.e2e.no_traceback.harness import (
    STATES,
    USAGE,
    Paths,
    fresh,
    no_project,
    problem,
    real,
    snapshot,
)


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
        no_project(paths.project)
    elif case.state is not None:
        STATES[case.state].setup(paths.project)
    before = snapshot(paths.project)
    done = real(*paths.fill(case.args), cwd=paths.project / case.cwd)
    wrong = problem(done.returncode, done.stdout, done.stderr, case.expected)
    assert wrong is None, wrong
    if case.expected == USAGE:
        assert done.stderr.startswith("Usage: autobe"), done.stderr
    assert snapshot(paths.project) == before
