"""The warm ladder's process started ahead, and its bytecode (issue 14): a change starts
the import-and-tests process before its tree exists (:mod:`autobe_core.verify.ahead`)
and the compile rung writes hash-checked bytecode into the mirror. Neither may change a
verdict: the ladder through a process started ahead agrees with cold on green and red
workspaces; a workspace module shadowing one imported ahead sends the ladder to a fresh
process; an unused process is killed; an edit that keeps a file's size and time is
seen. Real pytest, FastAPI and subprocesses.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from autobe_core.verify import LadderResult, WarmState, run_ladder, started_ahead, stop_verifier
from autobe_core.verify.mirror import sync
from tests.ladder_workspace import DB, MAIN, PASSING_TEST, make_workspace

BASE = {
    "app/__init__.py": "",
    "app/db.py": DB,
    "app/main.py": MAIN,
    "tests/__init__.py": "",
    "tests/test_ping.py": PASSING_TEST,
}

CASES: dict[str, dict[str, str]] = {
    "green": {},
    "failing test": {"app/main.py": MAIN.replace('"ok"', '"no"')},
    "import error": {"app/main.py": MAIN + '\nSECRET = __import__("os").environ["NO_SUCH"]\n'},
}

RUNGS = ["compile", "import", "tests"]
"""mypy and migrate add nothing here (their warm forms have their own tests)."""


def verdict(result: LadderResult) -> list[tuple[str, str, list[tuple[str | None, int | None,
                                                                       str]]]]:
    return [(r.name, r.status, [(d.file, d.line, d.message) for d in r.diagnostics])
            for r in result.rungs]


@pytest.fixture()
def warm_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project's warm directory whose mirror exists (one warm run on the green tree),
    the verifier warm for the test."""
    monkeypatch.setenv("AUTOBE_VERIFIER", "warm")
    directory = tmp_path / "verifier"
    assert run_ladder(make_workspace(tmp_path / "first", dict(BASE)), rungs=RUNGS,
                      warm=directory, timeout=300).ok
    try:
        yield directory
    finally:
        stop_verifier(directory)


def cold(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> LadderResult:
    with monkeypatch.context() as patch:
        patch.setenv("AUTOBE_VERIFIER", "cold")
        return run_ladder(workspace, rungs=RUNGS, timeout=300)


@pytest.mark.parametrize("case", list(CASES))
def test_the_process_started_ahead_agrees_with_cold(case: str, tmp_path: Path, warm_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = make_workspace(tmp_path / "staged", {**BASE, **CASES[case]})
    assert WarmState(warm_dir).preload.is_file(), "the first run recorded what to import"
    with started_ahead(warm_dir) as ahead:
        assert ahead is not None
        time.sleep(1)  # let it import ahead, as it does while a change plans
        warm = run_ladder(workspace, rungs=RUNGS, warm=warm_dir, timeout=300)
    assert ahead.ran, "the ladder took the process started ahead"
    expected = cold(workspace, monkeypatch)
    assert verdict(warm) == verdict(expected), (warm.to_dict(), expected.to_dict())
    assert expected.ok == (case == "green")


def test_a_workspace_module_shadowing_one_imported_ahead_gets_a_fresh_process(
        tmp_path: Path, warm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `colorsys` is imported ahead (from the standard library); the workspace has its own
    # at the top level, which the tests must see, as they do in a fresh process.
    WarmState(warm_dir).preload.write_text(json.dumps(["colorsys"]), encoding="utf-8")
    workspace = make_workspace(tmp_path / "staged", {
        **BASE,
        "colorsys.py": "MARK = 'the workspace'\n",
        "tests/test_shadow.py": "import colorsys\n\n\ndef test_mine() -> None:\n"
                                "    assert colorsys.MARK == 'the workspace'\n",
    })
    with started_ahead(warm_dir) as ahead:
        assert ahead is not None
        time.sleep(1)
        warm = run_ladder(workspace, rungs=RUNGS, warm=warm_dir, timeout=300)
    assert not ahead.ran, "the shadowed process gave way to a fresh one"
    assert warm.ok, warm.to_dict()
    assert verdict(warm) == verdict(cold(workspace, monkeypatch))


def test_a_process_no_ladder_took_is_killed(warm_dir: Path) -> None:
    with started_ahead(warm_dir) as ahead:
        assert ahead is not None
        process = ahead.process.proc
        assert process.poll() is None
    assert process.poll() is not None
    assert not ahead.ran


def test_nothing_is_started_cold_or_before_the_first_warm_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTOBE_VERIFIER", "warm")
    with started_ahead(tmp_path / "never-ran") as ahead:
        assert ahead is None
    monkeypatch.setenv("AUTOBE_VERIFIER", "cold")
    with started_ahead(tmp_path / "never-ran") as ahead:
        assert ahead is None


def test_an_edit_keeping_size_and_time_is_seen(tmp_path: Path, warm_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = WarmState(warm_dir).mirror
    cached = Path(importlib.util.cache_from_source(str(mirror / "app" / "main.py")))
    data = cached.read_bytes()
    assert int.from_bytes(data[4:8], "little") == 0b11, "hash-based, checked bytecode"
    before = (mirror / "app" / "main.py").stat()
    red = make_workspace(tmp_path / "red", {**BASE, **CASES["failing test"]})
    assert (red / "app" / "main.py").stat().st_size == before.st_size
    os.utime(red / "app" / "main.py", ns=(before.st_atime_ns, before.st_mtime_ns))
    sync(red, mirror, WarmState(warm_dir).stamps)
    assert not cached.exists(), "the mirror forgets a file's bytecode when it changes it"
    os.utime(mirror / "app" / "main.py", ns=(before.st_atime_ns, before.st_mtime_ns))
    cached.write_bytes(data)  # stale bytecode left anyway (by anything): never run
    # the mirror now holds the red file with the green file's size and time, and the
    # green file's bytecode: only the source's hash tells them apart
    warm = run_ladder(red, rungs=["import", "tests"], warm=warm_dir, timeout=300)
    assert not warm.ok and warm.failed is not None and warm.failed.name == "tests"
    expected = cold(red, monkeypatch)
    assert [v for v in verdict(warm) if v[0] in ("import", "tests")] == \
        [v for v in verdict(expected) if v[0] in ("import", "tests")]


def test_a_directory_left_with_bytecode_only_goes(tmp_path: Path) -> None:
    source = make_workspace(tmp_path / "source", {"pkg/__init__.py": "", "pkg/a.py": "A = 1\n",
                                                  "main.py": ""})
    mirror, stamps = tmp_path / "mirror", tmp_path / "stamps.json"
    sync(source, mirror, stamps)
    (mirror / "pkg" / "__pycache__").mkdir()
    (mirror / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"old")
    for name in ("a.py", "__init__.py"):
        (source / "pkg" / name).unlink()
    (source / "pkg").rmdir()
    sync(source, mirror, stamps)
    assert not (mirror / "pkg").exists(), "no namespace package the source does not have"
    assert (mirror / "main.py").is_file()


def test_a_failing_rung_stops_the_early_tests(tmp_path: Path, warm_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The import-and-tests process starts beside mypy; when mypy fails, its results
    would be thrown away, so it is stopped: the answer does not wait for a slow test."""
    workspace = make_workspace(tmp_path / "staged", {
        **BASE,
        "app/extra.py": 'COUNT: int = "three"\n',
        "tests/test_slow.py": "import time\n\n\ndef test_slow() -> None:\n"
                              "    time.sleep(120)\n",
    })
    started = time.monotonic()
    warm = run_ladder(workspace, rungs=["compile", "mypy", "import", "tests"], warm=warm_dir,
                      timeout=300)
    assert time.monotonic() - started < 100, "the ladder waited for the slow test"
    assert warm.failed is not None and warm.failed.name == "mypy"
    assert [r.status for r in warm.rungs] == ["passed", "failed", "skipped", "skipped",
                                              "skipped"]


def test_a_test_module_edited_within_its_second_is_rewritten_again(
        tmp_path: Path, warm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest keeps its rewritten test modules in the mirror, checked by whole seconds and
    size; the mirror removes them when it changes the test, so an edit of the same size
    in the same second is run, not the cached module."""
    mirror = WarmState(warm_dir).mirror
    test_file = mirror / "tests" / "test_ping.py"
    assert list(test_file.parent.glob("__pycache__/test_ping.*pytest*.pyc")), \
        "the first warm run kept pytest's rewritten test module"
    before = test_file.stat()
    red = make_workspace(tmp_path / "red", {
        **BASE, "tests/test_ping.py": PASSING_TEST.replace('"ok"', '"no"')})
    sync(red, mirror, WarmState(warm_dir).stamps)
    assert not list(test_file.parent.glob("__pycache__/test_ping.*.pyc"))
    # the red test now has the green one's size and time, which is all pytest's cache
    # compares: only its absence makes pytest read the file again
    assert test_file.stat().st_size == before.st_size
    os.utime(test_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    warm = run_ladder(red, rungs=["import", "tests"], warm=warm_dir, timeout=300)
    assert not warm.ok and warm.failed is not None and warm.failed.name == "tests"
    expected = cold(red, monkeypatch)
    assert [v for v in verdict(warm) if v[0] in ("import", "tests")] == \
        [v for v in verdict(expected) if v[0] in ("import", "tests")]
