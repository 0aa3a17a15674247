"""The recompile ladder on small hand-written workspaces (real mypy, real pytest)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from autobe_core.verify import LadderError, RungResult, run_ladder
from autobe_core.verify.parsing import parse_junit, parse_mypy, traceback_diagnostic
from autobe_core.verify.result import RungDiagnostic
from tests.ladder_workspace import DB, MAIN, PASSING_TEST, make_workspace


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for the module: sqlalchemy and fastapi are analysed once."""
    return tmp_path_factory.mktemp("mypy-cache")


def statuses(rungs: tuple[RungResult, ...]) -> list[str]:
    return [r.status for r in rungs]


# --------------------------------------------------------------------------- the ladder


def test_syntax_error_stops_at_compile(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/good.py": "X = 1\n",
        "app/broken.py": "def ok() -> None:\n    pass\n\ndef f(:\n    pass\n",
    })
    events: list[tuple[str, str]] = []
    result = run_ladder(ws, progress=lambda n, r: events.append((n, r.status if r else "start")))
    assert not result.ok
    assert statuses(result.rungs) == ["failed", "skipped", "skipped", "skipped", "skipped"]
    compiled = result.rung("compile")
    assert compiled.counts == {"files": 3, "errors": 1}
    [problem] = compiled.diagnostics
    assert (problem.file, problem.line, problem.code) == ("app/broken.py", 4, "SyntaxError")
    assert result.rung("mypy").summary == "compile failed"
    assert events[:2] == [("compile", "start"), ("compile", "failed")]
    assert events[2:] == [("mypy", "skipped"), ("migrate", "skipped"), ("import", "skipped"),
                          ("tests", "skipped")]
    assert not list(ws.rglob("__pycache__"))
    assert result.to_dict()["failedRung"] == "compile"


def test_mypy_strict_error_is_located(tmp_path: Path, mypy_cache: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": """
            def double(x):
                return x * 2


            def count() -> int:
                return "three"
        """,
    })
    result = run_ladder(ws, cache_dir=mypy_cache)
    assert statuses(result.rungs) == ["passed", "failed", "skipped", "skipped", "skipped"]
    mypy = result.rung("mypy")
    found = {(d.file, d.line, d.code) for d in mypy.diagnostics}
    assert found == {("app/main.py", 1, "no-untyped-def"), ("app/main.py", 6, "return-value")}
    message = next(d.message for d in mypy.diagnostics if d.line == 6)
    assert 'Incompatible return value type (got "str", expected "int")' in message
    assert mypy.counts == {"errors": 2, "files": 1}
    assert not (ws / ".mypy_cache").exists()  # the caller's cache dir was used


def test_mypy_that_cannot_run_is_reported_as_a_crash_in_its_own_words(tmp_path: Path) -> None:
    """A cache mypy cannot write (a file where its versioned directory goes, as a full
    disk or a read-only cache would) crashes mypy: no verdict on the code, so no "0
    errors in 0 files", and the exception mypy died of is in the summary."""
    ws = make_workspace(tmp_path / "ws", {"app/__init__.py": "", "app/main.py": "X: int = 1\n"})
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"{sys.version_info.major}.{sys.version_info.minor}").write_text("in the way")
    mypy = run_ladder(ws, rungs=["compile", "mypy"], cache_dir=cache).rung("mypy")
    assert mypy.status == "failed"
    assert mypy.summary.startswith("mypy could not run (exit status 2): FileExistsError")
    assert "0 errors" not in mypy.summary
    assert mypy.counts == {"errors": 0, "files": 0}
    assert [d.code for d in mypy.diagnostics] == ["mypy-crashed"]
    assert "INTERNAL ERROR" in mypy.diagnostics[0].message


def test_failing_import_reports_the_exception(tmp_path: Path, mypy_cache: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/settings.py": """
            import os

            PORT = int(os.environ.get("AUTOBE_TEST_UNSET", "not-a-number"))
        """,
        "app/main.py": "from app.settings import PORT\n\nprint(PORT)\n",
    })
    result = run_ladder(ws, cache_dir=mypy_cache)
    # no alembic.ini: the migrate rung has nothing to do
    assert statuses(result.rungs) == ["passed", "passed", "skipped", "failed", "skipped"]
    [problem] = result.rung("import").diagnostics
    assert problem.file == "app/settings.py" and problem.line == 3
    assert problem.code == "ValueError"
    assert problem.message.startswith("ValueError: invalid literal for int()")


def test_schema_creation_failure_fails_the_import(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": "from app.db import Base\n",
        "app/db.py": DB + '\n\nclass Clash(Base):\n    __tablename__ = "items"\n'
                          "    id: Mapped[int] = mapped_column(primary_key=True)\n",
    })
    result = run_ladder(ws, rungs=["import"])
    problem = result.rung("import").diagnostics[0]
    assert result.rung("import").status == "failed"
    assert "items" in problem.message and problem.file == "app/db.py"


def test_test_counts_and_failures(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/main.py": MAIN,
        "tests/__init__.py": "",
        "tests/test_ping.py": PASSING_TEST,
        "tests/test_mixed.py": """
            import pytest


            @pytest.fixture
            def broken() -> int:
                raise RuntimeError("fixture broke")


            def test_passes() -> None:
                assert 1 + 1 == 2


            def test_fails() -> None:
                assert 1 + 1 == 3


            def test_errors(broken: int) -> None:
                assert broken


            @pytest.mark.skip(reason="not today")
            def test_skipped() -> None:
                pass
        """,
    })
    only_ping = run_ladder(ws, rungs=["tests"], test_targets=["tests/test_ping.py"])
    assert only_ping.ok and only_ping.rung("tests").counts["total"] == 1
    result = run_ladder(ws, rungs=["tests"])
    tests = result.rung("tests")
    assert statuses(result.rungs) == ["skipped", "skipped", "skipped", "skipped", "failed"]
    assert tests.counts == {"passed": 2, "failed": 1, "errors": 1, "skipped": 1, "total": 5}
    assert tests.summary == "2 passed, 1 failed, 1 errors, 1 skipped"
    by_test = {d.code: d for d in tests.diagnostics}
    assert set(by_test) == {"tests.test_mixed.test_fails", "tests.test_mixed.test_errors"}
    failed = by_test["tests.test_mixed.test_fails"]
    assert (failed.file, failed.line) == ("tests/test_mixed.py", 14)
    assert "assert (1 + 1) == 3" in failed.message
    errored = by_test["tests.test_mixed.test_errors"]
    assert errored.file == "tests/test_mixed.py" and errored.line == 6
    assert errored.message.endswith("error: RuntimeError: fixture broke")
    assert not list(ws.rglob("__pycache__")) and not (ws / ".pytest_cache").exists()


def test_collection_error_fails_the_tests_rung(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "tests/test_broken.py": "import does_not_exist_anywhere\n\n\ndef test_x() -> None:\n"
                                "    pass\n",
    })
    tests = run_ladder(ws, rungs=["tests"]).rung("tests")
    assert tests.status == "failed"
    assert tests.counts["errors"] == 1
    assert tests.summary == "pytest stopped (exit status 2): 1 errors"
    assert any(d.file == "tests/test_broken.py" and "does_not_exist_anywhere" in d.message
               for d in tests.diagnostics)


def test_green_ladder(tmp_path: Path, mypy_cache: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "app/db.py": DB,
        "app/main.py": MAIN,
        "tests/__init__.py": "",
        "tests/test_ping.py": PASSING_TEST,
    })
    events: list[str] = []
    result = run_ladder(ws, cache_dir=mypy_cache,
                        progress=lambda n, r: events.append(f"{n}:{r.status if r else 'start'}"))
    assert result.ok, result.to_dict()
    assert statuses(result.rungs) == ["passed", "passed", "skipped", "passed", "passed"]
    assert result.rung("migrate").summary == "no alembic.ini: nothing to migrate"
    assert result.rung("import").counts["tables"] == 1
    assert result.rung("tests").counts == {"passed": 1, "failed": 0, "errors": 0, "skipped": 0,
                                           "total": 1}
    assert events == [f"{n}:{s}" for n, end in (
        ("compile", "passed"), ("mypy", "passed"), ("migrate", "skipped"), ("import", "passed"),
        ("tests", "passed")) for s in ("start", end)]
    data = result.to_dict()
    assert data["ok"] is True and data["failedRung"] is None
    assert [r["name"] for r in data["rungs"]] == ["compile", "mypy", "migrate", "import", "tests"]


def test_a_rung_past_its_timeout_is_stopped(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, {
        "app/__init__.py": "",
        "tests/test_slow.py": """
            import subprocess
            import sys
            import time


            def test_slow() -> None:
                subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
                time.sleep(120)
        """,
    })
    started = time.monotonic()
    result = run_ladder(ws, rungs=["tests"], timeout={"tests": 3})
    assert time.monotonic() - started < 30
    tests = result.rung("tests")
    assert tests.status == "failed" and tests.summary == "timed out after 3 s"
    assert tests.diagnostics[0].code == "timeout"


def test_selection_and_bad_workspaces(tmp_path: Path) -> None:
    with pytest.raises(LadderError, match="unknown rungs"):
        run_ladder(tmp_path, rungs=["lint"])  # type: ignore[list-item]
    with pytest.raises(LadderError, match="not a workspace-relative path"):
        run_ladder(tmp_path, test_targets=["--co"])
    missing = run_ladder(tmp_path / "nope", rungs=["compile"])
    assert not missing.ok and missing.rung("compile").status == "failed"
    empty = run_ladder(tmp_path, rungs=["compile", "mypy"])
    assert statuses(empty.rungs) == ["passed", "failed", "skipped", "skipped", "skipped"]
    assert empty.rung("mypy").diagnostics[0].code == "layout"
    assert empty.rung("tests").summary == "mypy failed"


# --------------------------------------------------------------------------- parsers


def test_parse_mypy_lines(tmp_path: Path) -> None:
    output = (
        "app/a.py:3: error: Missing return statement  [return]\n"
        "app/a.py:3: note: Use \"-> None\" if function does not return a value\n"
        f"{tmp_path}/app/b.py:10:5: error: Name \"x\" is not defined  [name-defined]\n"
        "tests/conftest.py: error: Duplicate module named \"conftest\"\n"
        "Found 3 errors in 3 files (checked 4 source files)\n"
    )
    assert parse_mypy(output, tmp_path) == [
        RungDiagnostic("app/a.py", 3, "Missing return statement\nnote: Use \"-> None\" if "
                       "function does not return a value", "return"),
        RungDiagnostic("app/b.py", 10, 'Name "x" is not defined', "name-defined"),
        RungDiagnostic("tests/conftest.py", None, 'Duplicate module named "conftest"', None),
    ]


def test_traceback_diagnostic_picks_the_innermost_workspace_frame(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"app/main.py": "", "app/models/__init__.py": ""})
    output = (
        "Traceback (most recent call last):\n"
        '  File "<string>", line 4, in <module>\n'
        f'  File "{tmp_path}/app/main.py", line 2, in <module>\n'
        "    import app.models\n"
        f'  File "{tmp_path}/app/models/__init__.py", line 7, in <module>\n'
        '  File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module\n'
        "ModuleNotFoundError: No module named 'app.models.todo'\n"
    )
    assert traceback_diagnostic(output, tmp_path) == RungDiagnostic(
        "app/models/__init__.py", 7, "ModuleNotFoundError: No module named 'app.models.todo'",
        "ModuleNotFoundError")
    assert traceback_diagnostic("no traceback here", tmp_path) is None


def test_parse_junit(tmp_path: Path) -> None:
    xml = """<?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="3">
      <testcase classname="tests.test_a" name="test_ok" time="0.1"/>
      <testcase classname="tests.test_a" name="test_bad" time="0.1">
        <failure message="assert 2 == 3">def test_bad():
    &gt;       assert 2 == 3
    tests/helpers.py:4: in check
    tests/test_a.py:9: AssertionError</failure>
      </testcase>
      <testcase classname="tests.test_a" name="test_skip"><skipped message="x"/></testcase>
    </testsuite></testsuites>"""
    make_workspace(tmp_path, {"tests/test_a.py": "", "tests/helpers.py": ""})
    report = parse_junit(xml, tmp_path)
    assert report.counts() == {"passed": 1, "failed": 1, "errors": 0, "skipped": 1, "total": 3}
    [failure] = report.failures
    assert (failure.file, failure.line) == ("tests/test_a.py", 9)
    assert failure.message == "tests.test_a.test_bad failed: assert 2 == 3"


def test_parse_junit_counts_passed_cross_account_cases(tmp_path: Path) -> None:
    """The generated tests of the access model are counted by the name the test
    generator gives them (a failed one is a failure, not a cross-account case)."""
    from autobe_core.generate.kinds.test.access import PREFIX
    from autobe_core.verify.parsing import CROSS_ACCOUNT_PREFIX

    assert PREFIX == CROSS_ACCOUNT_PREFIX
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pytest" tests="3">
      <testcase classname="tests.test_a" name="{PREFIX}at_is_404" time="0.1"/>
      <testcase classname="tests.test_a" name="{PREFIX}erase_is_403" time="0.1">
        <failure message="assert 204 == 403">tests/test_a.py:9: AssertionError</failure>
      </testcase>
      <testcase classname="tests.test_a" name="test_ok" time="0.1"/>
    </testsuite></testsuites>"""
    make_workspace(tmp_path, {"tests/test_a.py": ""})
    report = parse_junit(xml, tmp_path)
    assert report.counts() == {"passed": 2, "failed": 1, "errors": 0, "skipped": 0, "total": 3,
                               "cross_account": 1}
