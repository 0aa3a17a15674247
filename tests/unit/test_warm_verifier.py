"""Warm and cold verification agree (issue 14): the same statuses and the same diagnostics
(file, line, message) on a green workspace and on red ones (a mypy error, a failing test,
an import that fails), the warm ladder run twice (the second time through a running mypy
daemon) and cold. The daemon stops when asked and when idle; a killed daemon, or one that
does not answer, gives way to a plain mypy run with the same verdict. Real mypy, dmypy,
pytest and subprocesses; every daemon is stopped before the module ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autobe_core.verify import (
    LadderResult,
    WarmState,
    run_ladder,
    stop_verifier,
    verifier_status,
)
from autobe_core.verify.daemon import status as daemon_status
from tests.ladder_workspace import DB, MAIN, PASSING_TEST, make_workspace

BASE = {
    "app/__init__.py": "",
    "app/db.py": DB,
    "app/main.py": MAIN,
    "tests/__init__.py": "",
    "tests/test_ping.py": PASSING_TEST,
}

RED: dict[str, dict[str, str]] = {
    "green": {},
    "syntax error": {"app/broken.py": "def f(:\n    pass\n"},
    "mypy error": {"app/extra.py": 'COUNT: int = "three"\n'},
    "failing test": {"tests/test_more.py": """
        from fastapi.testclient import TestClient

        from app.main import app


        def test_pong_is_wrong() -> None:
            assert TestClient(app).get("/ping").json() == {"pong": "no"}
        """},
    "import error": {"app/main.py": MAIN + """

SECRET = __import__("os").environ["AUTOBE_NO_SUCH_SETTING"]
"""},
}


def verdict(result: LadderResult) -> list[tuple[str, str, list[tuple[str | None, int | None,
                                                                       str]]]]:
    """What must agree: each rung's status and its diagnostics (file, line, message)."""
    return [(r.name, r.status, [(d.file, d.line, d.message) for d in r.diagnostics])
            for r in result.rungs]


@pytest.fixture(scope="module")
def warm_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One project's warm verifier for the module; its daemon stopped at the end."""
    directory = tmp_path_factory.mktemp("warm") / "verifier"
    try:
        yield directory
    finally:
        stop_verifier(directory)
        assert not verifier_status(directory).running


@pytest.fixture(scope="module")
def cold_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cold-mypy-cache")


def ladder(workspace: Path, how: str, warm_dir: Path, cold_cache: Path,
           monkeypatch: pytest.MonkeyPatch) -> LadderResult:
    monkeypatch.setenv("AUTOBE_VERIFIER", how)
    return run_ladder(workspace, cache_dir=cold_cache, warm=warm_dir, timeout=300)


@pytest.mark.parametrize("case", list(RED))
def test_warm_and_cold_agree(case: str, tmp_path: Path, warm_dir: Path, cold_cache: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A new path each time, as a change's staged tree has: the mirror keeps it stable.
    _daemon_up(tmp_path / "base", warm_dir, monkeypatch)
    workspace = make_workspace(tmp_path / "staged", {**BASE, **RED[case]})
    first = ladder(workspace, "warm", warm_dir, cold_cache, monkeypatch)
    second = ladder(workspace, "warm", warm_dir, cold_cache, monkeypatch)
    cold = ladder(workspace, "cold", warm_dir, cold_cache, monkeypatch)
    assert verdict(first) == verdict(cold), (first.to_dict(), cold.to_dict())
    assert verdict(second) == verdict(cold), (second.to_dict(), cold.to_dict())
    expected = {"green": None, "syntax error": "compile", "mypy error": "mypy",
                "failing test": "tests", "import error": "import"}[case]
    assert (cold.failed.name if cold.failed else None) == expected
    assert cold.ok == (case == "green")
    if case != "green":
        assert cold.diagnostics(), "a red workspace says what is wrong"
    if case != "syntax error":  # the second warm mypy was the daemon's (a green run
        # before has written the cache it starts from)
        assert second.rung("mypy").summary.endswith("(mypy daemon)")
        assert verifier_status(warm_dir).running
    assert (warm_dir / "tree" / "app" / "main.py").read_text("utf-8") == \
        (workspace / "app" / "main.py").read_text("utf-8")


def test_the_diagnostics_name_workspace_files(tmp_path: Path, warm_dir: Path,
                                              cold_cache: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path / "ws", {**BASE, **RED["mypy error"]})
    result = ladder(workspace, "warm", warm_dir, cold_cache, monkeypatch)
    problem = result.rung("mypy").diagnostics[0]
    assert (problem.file, problem.line) == ("app/extra.py", 1)
    assert "incompatible types in assignment" in problem.message.lower()


def test_a_killed_daemon_gives_way_to_plain_mypy(tmp_path: Path, warm_dir: Path,
                                                 cold_cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    green = make_workspace(tmp_path / "green", dict(BASE))
    for _ in range(2):  # the second starts the daemon (from the cache a green run wrote)
        ladder(green, "warm", warm_dir, cold_cache, monkeypatch)
    found = daemon_status(WarmState(warm_dir))
    assert found.running and found.pid is not None
    os.kill(found.pid, signal.SIGKILL)
    _wait_gone(found.pid)
    red = make_workspace(tmp_path / "red", {**BASE, **RED["mypy error"]})
    after = ladder(red, "warm", warm_dir, cold_cache, monkeypatch)
    cold = ladder(red, "cold", warm_dir, cold_cache, monkeypatch)
    assert verdict(after) == verdict(cold)
    assert not cold.ok
    assert "(plain mypy; " in after.rung("mypy").summary
    # green again: the daemon comes back, with the same verdict as cold
    for _ in range(2):
        again = ladder(green, "warm", warm_dir, cold_cache, monkeypatch)
    assert verdict(again) == verdict(ladder(green, "cold", warm_dir, cold_cache, monkeypatch))
    assert again.rung("mypy").summary.endswith("(mypy daemon)")


def test_a_daemon_that_does_not_answer_gives_way_to_plain_mypy(
        tmp_path: Path, warm_dir: Path, cold_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path / "ws", dict(BASE))
    stop_verifier(warm_dir)
    state = WarmState(warm_dir)
    # a status file naming a live process that is no daemon, at a socket nobody serves
    stranger = subprocess.Popen(["sleep", "120"])
    try:
        state.status_file.write_text(
            f'{{"pid": {stranger.pid}, "connection_name": "{tmp_path}/nobody.sock"}}',
            encoding="utf-8")
        result = ladder(workspace, "warm", warm_dir, cold_cache, monkeypatch)
        cold = ladder(workspace, "cold", warm_dir, cold_cache, monkeypatch)
        assert verdict(result) == verdict(cold)
        assert result.ok
        assert "(plain mypy; the daemon did not answer" in result.rung("mypy").summary
        assert stranger.poll() is None, "a process that is not the daemon is never killed"
    finally:
        stranger.kill()
        stranger.wait()
    stop_verifier(warm_dir)


def test_stop_and_idle(tmp_path: Path, warm_dir: Path, cold_cache: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path / "ws", dict(BASE))
    for _ in range(2):  # the second starts the daemon
        ladder(workspace, "warm", warm_dir, cold_cache, monkeypatch)
    found = verifier_status(warm_dir)
    assert found.running and found.mode == "warm" and found.mirror_files == len(BASE)
    pid = daemon_status(WarmState(warm_dir)).pid
    assert stop_verifier(warm_dir)
    assert pid is not None
    _wait_gone(pid)
    assert not verifier_status(warm_dir).running
    assert not stop_verifier(warm_dir)  # nothing left to stop
    # a daemon idle for AUTOBE_VERIFIER_IDLE seconds stops itself
    monkeypatch.setenv("AUTOBE_VERIFIER_IDLE", "3")
    monkeypatch.setenv("AUTOBE_VERIFIER", "warm")
    for _ in range(2):
        run_ladder(workspace, cache_dir=cold_cache, warm=warm_dir, rungs=["mypy"])
    idle = daemon_status(WarmState(warm_dir))
    assert idle.running and idle.pid is not None
    _wait_gone(idle.pid, within=60)
    assert not verifier_status(warm_dir).running


def test_cold_starts_no_daemon(tmp_path: Path, cold_cache: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    warm_dir = tmp_path / "verifier"
    workspace = make_workspace(tmp_path / "ws", dict(BASE))
    for _ in range(2):
        result = ladder(workspace, "cold", warm_dir, cold_cache, monkeypatch)
    assert result.ok
    assert not warm_dir.exists()


def _daemon_up(root: Path, warm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A daemon running on the green workspace (whichever test of the module runs first:
    pytest-xdist spreads them over workers)."""
    monkeypatch.setenv("AUTOBE_VERIFIER", "warm")
    green = make_workspace(root, dict(BASE))
    for _ in range(3):  # a plain run writes the cache, the next one starts the daemon
        if verifier_status(warm_dir).running:
            return
        assert run_ladder(green, warm=warm_dir, rungs=["compile", "mypy"]).ok
    raise AssertionError("the mypy daemon did not start")


def _wait_gone(pid: int, within: float = 20) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    raise AssertionError(f"process {pid} still runs after {within} s")
