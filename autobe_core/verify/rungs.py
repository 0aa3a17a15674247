"""The rungs compile, mypy, import and tests (migrate: :mod:`.migrate`). Each takes a
:class:`RungContext` and returns a :class:`RungResult`.

Subprocesses run ``sys.executable`` with a clean environment, in their own process
group, output to a file (never a pipe a grandchild could hold open); a rung past its
timeout has its whole group killed and is reported failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import marshal
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from xml.etree import ElementTree

from autobe_core.files import write_whole
from autobe_core.verify.parsing import (
    exception_line,
    parse_junit,
    parse_mypy,
    relative_file,
    traceback_diagnostic,
)
from autobe_core.verify.result import RungDiagnostic, RungName, RungResult, tail

PASSED_ENV = (
    "PATH", "HOME", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "LANG", "LC_ALL",
    "AUTOBE_TEST_DATABASE_URL",
)
"""The only variables a rung's subprocess inherits (plus the caller's ``env``):
``AUTOBE_TEST_DATABASE_URL`` puts the migrate rung and the generated suite on that
PostgreSQL database (a fresh schema each)."""

SKIP_DIRS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".venv", "node_modules"})


@dataclass(frozen=True)
class RungContext:
    workspace: Path
    cache_dir: Path
    env: Mapping[str, str]
    timeout: float
    test_targets: tuple[str, ...] = ()
    """Test files or node ids (workspace-relative) the tests rung runs; empty: all."""
    mypy_exclude: tuple[str, ...] = ()
    """Workspace-relative files the mypy rung leaves out (a user's files kept with
    ``--keep-mine``); orphaned implementations are always left out (:func:`orphans`)."""


@dataclass(frozen=True)
class Completed:
    returncode: int | None
    """None when the process was killed at the timeout."""
    output: str
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def clean_env(workspace: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update(
        PYTHONPATH=str(workspace),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        PYTHONUTF8="1",
        NO_COLOR="1",
    )
    env.update(extra or {})
    return env


def run_process(args: list[str], ctx: RungContext) -> Completed:
    """Run ``args`` in the workspace; output (stdout + stderr) captured via a file."""
    return Started(args, ctx.workspace, ctx.env).finish(ctx.timeout)


class Started:
    """A rung's process, started (in its own process group, output to a file, stdin a
    pipe when ``stdin`` is set, else nothing); :meth:`finish` waits for it."""

    def __init__(self, args: list[str], cwd: Path, env: Mapping[str, str], *,
                 stdin: bool = False) -> None:
        self.started = time.perf_counter()
        self.sink = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish or discard)
        try:
            self.proc = subprocess.Popen(
                args, cwd=cwd, env=dict(env),
                stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                stdout=self.sink, stderr=subprocess.STDOUT, start_new_session=True,
            )
        except BaseException:
            self.sink.close()
            raise

    def finish(self, timeout: float, *, since: float | None = None) -> Completed:
        """Wait up to ``timeout`` seconds, kill the process group, collect the output;
        seconds are counted from ``since`` (default: the start)."""
        try:
            returncode: int | None = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            self.kill()
        self.sink.seek(0)
        output = self.sink.read().decode("utf-8", errors="replace")
        self.sink.close()
        return Completed(returncode, output,
                         time.perf_counter() - (self.started if since is None else since))

    def kill(self) -> None:
        """Kill whatever is left of the process group."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        _kill_group(self.proc)

    def discard(self) -> None:
        """Kill it and drop its output (a process started for nothing)."""
        self.kill()
        self.sink.close()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill whatever is left of the process group (a timed-out rung, stray children)."""
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def timed_out(name: RungName, completed: Completed, ctx: RungContext) -> RungResult:
    message = f"{name} did not finish within {ctx.timeout:g} s and was stopped"
    return RungResult(name, "failed", completed.seconds, f"timed out after {ctx.timeout:g} s",
                      (RungDiagnostic(None, None, message, "timeout"),),
                      output=tail(completed.output))


# --------------------------------------------------------------------------- compile


def python_files(workspace: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory) / name


def compile_rung(ctx: RungContext, known: set[str] | None = None, *,
                 bytecode: bool = False) -> RungResult:
    """Byte-compile every ``.py`` in memory: syntax errors, file:line.
    ``known``: sha256 digests of contents that compiled before (not compiled again);
    the digests of the files that compile now are added to it. ``bytecode`` (the warm
    verifier's mirror only, never a user's tree): also write what compiled as
    hash-checked ``__pycache__`` files (:func:`write_bytecode`), so the import rung loads
    instead of compiling."""
    started = time.perf_counter()
    problems: list[RungDiagnostic] = []
    count = 0
    for path in python_files(ctx.workspace):
        count += 1
        try:
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest() if known is not None else ""
            cached = importlib.util.cache_from_source(str(path)) if bytecode else ""
            if known is not None and digest in known and (
                    not bytecode or os.path.exists(cached)):
                continue
            with warnings.catch_warnings():  # the name (two realpaths) only when compiled
                warnings.simplefilter("ignore")
                code = compile(data, relative_file(str(path), ctx.workspace), "exec",
                               dont_inherit=True)
            if bytecode:
                write_bytecode(Path(cached), data, code)
            if known is not None:
                known.add(digest)
        except SyntaxError as exc:
            problems.append(RungDiagnostic(relative_file(str(path), ctx.workspace),
                                           exc.lineno, exc.msg, type(exc).__name__))
        except (ValueError, OSError) as exc:
            problems.append(RungDiagnostic(relative_file(str(path), ctx.workspace), None,
                                           str(exc), type(exc).__name__))
    seconds = time.perf_counter() - started
    counts = {"files": count, "errors": len(problems)}
    if problems:
        return RungResult("compile", "failed", seconds,
                          f"{len(problems)} of {count} files do not compile", tuple(problems),
                          counts)
    return RungResult("compile", "passed", seconds, f"{count} files compiled", counts=counts)


def write_bytecode(cached: Path, source: bytes, code: CodeType) -> None:
    """Write ``code`` (compiled from ``source``) as a checked hash-based ``.pyc`` (PEP
    552): the import system hashes the source each time and uses the file only when the
    hashes agree, so a stale one is never run, whatever the files' times. Best effort."""
    header = importlib.util.MAGIC_NUMBER + (0b11).to_bytes(4, "little")
    with contextlib.suppress(OSError, ValueError):
        cached.parent.mkdir(exist_ok=True)
        write_whole(cached, header + importlib.util.source_hash(source) + marshal.dumps(code))


# --------------------------------------------------------------------------- mypy


MYPY_FLAGS = ("--strict", "--show-error-codes", "--no-color-output", "--no-error-summary",
              "--no-pretty", "--hide-error-context", "--show-traceback")
"""The flags of every mypy run (plain or daemon), so their output reads the same."""


def mypy_targets(workspace: Path) -> list[str]:
    return [t for t in ("app", "tests", "migrations") if (workspace / t).exists()]


def no_targets() -> RungResult:
    return RungResult("mypy", "failed", 0.0, "nothing to type-check", (RungDiagnostic(
        None, None, "the workspace has neither an 'app' nor a 'tests' directory", "layout"),))


def mypy_options(ctx: RungContext, config: Path) -> list[str]:
    """mypy's options (without the targets): the flags, the configuration, the cache and
    what is left out (the ``--keep-mine`` files and the orphans)."""
    left_out = sorted({*ctx.mypy_exclude, *orphans(ctx.workspace)})
    exclude = ["--exclude", "^(" + "|".join(re.escape(p) for p in left_out) + ")$"] \
        if left_out else []
    return [*MYPY_FLAGS, "--config-file", str(config), "--cache-dir", str(ctx.cache_dir),
            *exclude]


def mypy_rung(ctx: RungContext) -> RungResult:
    """``mypy --strict`` on ``app``, ``tests`` and ``migrations`` (those that exist)."""
    targets = mypy_targets(ctx.workspace)
    if not targets:
        return no_targets()
    with tempfile.TemporaryDirectory(prefix="autobe-mypy-") as scratch:
        config = mypy_config(ctx.workspace, Path(scratch))
        ctx.cache_dir.mkdir(parents=True, exist_ok=True)
        completed = run_process([sys.executable, "-m", "mypy", *mypy_options(ctx, config),
                                 *targets], ctx)
    return mypy_result(completed, ctx, targets)


def mypy_result(completed: Completed, ctx: RungContext, targets: list[str]) -> RungResult:
    """The rung's result from mypy's output and exit status (plain or daemon)."""
    if completed.timed_out:
        return timed_out("mypy", completed, ctx)
    problems = parse_mypy(completed.output, ctx.workspace)
    files = len({p.file for p in problems})
    counts = {"errors": len(problems), "files": files}
    if completed.returncode == 0:
        return RungResult("mypy", "passed", completed.seconds,
                          f"no issues in {', '.join(targets)}", counts=counts)
    if completed.returncode != 1 or not problems:
        return _tool_crashed("mypy", completed, problems)
    return RungResult("mypy", "failed", completed.seconds,
                      f"{counts['errors']} errors in {files} files", tuple(problems), counts,
                      tail(completed.output))


def orphans(workspace: Path) -> list[str]:
    """The user's implementations whose operation is gone: ``app/custom/<id>.py`` with no
    generated ``app/interfaces/<id>.py``. autobe keeps them (they are the user's) but
    leaves them out of the type check, since what they implement no longer exists."""
    custom = workspace / "app" / "custom"
    if not custom.is_dir():
        return []
    return sorted(f"app/custom/{p.name}" for p in custom.glob("*.py")
                  if p.name != "__init__.py"
                  and not (workspace / "app" / "interfaces" / p.name).is_file())


def _tool_crashed(
    name: RungName, completed: Completed, problems: list[RungDiagnostic]
) -> RungResult:
    """A tool that crashed or could not run (mypy's exit status 2: an internal error, a
    cache it cannot write, a bad configuration) is no verdict on the code: reported as
    such, in the tool's own words (the exception of its traceback, else its first
    error line), never as "0 errors"."""
    output = completed.output.strip()
    reason = exception_line(output) or next(
        (line.strip() for line in output.splitlines() if "error" in line.lower()),
        output.splitlines()[-1].strip() if output else "no output",
    )
    summary = f"{name} could not run (exit status {completed.returncode}): {reason}"
    diagnostic = RungDiagnostic(None, None, f"{summary}\n{tail(output, 1000)}".rstrip(),
                                f"{name}-crashed")
    return RungResult(name, "failed", completed.seconds, summary, (*problems, diagnostic),
                      {"errors": len(problems), "files": len({p.file for p in problems})},
                      tail(completed.output))


def mypy_config(workspace: Path, scratch: Path) -> Path:
    """The workspace's own mypy configuration, or an empty one: never a config file
    mypy would otherwise find in a directory above the workspace."""
    for name in ("mypy.ini", ".mypy.ini"):
        if (workspace / name).is_file():
            return workspace / name
    pyproject = workspace / "pyproject.toml"
    if pyproject.is_file():
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
            if "mypy" in tomllib.loads(pyproject.read_text("utf-8")).get("tool", {}):
                return pyproject
    empty = scratch / "mypy.ini"
    empty.write_text("[mypy]\n", encoding="utf-8")
    return empty


# --------------------------------------------------------------------------- import

IMPORT_SCRIPT = """
import importlib, importlib.util, json, sys
from sqlalchemy import create_engine
main = importlib.import_module("app.main")
if importlib.util.find_spec("app.models") is not None:
    importlib.import_module("app.models")
base = importlib.import_module("app.db").Base
engine = create_engine("sqlite:///" + sys.argv[1])
try:
    base.metadata.create_all(engine)
finally:
    engine.dispose()
app = getattr(main, "app", None)
print("AUTOBE-IMPORT " + json.dumps({
    "tables": len(base.metadata.tables),
    "routes": len(getattr(app, "routes", ())),
}))
"""


def import_rung(ctx: RungContext) -> RungResult:
    """Import ``app.main`` and create the schema on a temporary SQLite database."""
    with tempfile.TemporaryDirectory(prefix="autobe-import-") as scratch:
        database = Path(scratch) / "schema.db"
        env = {**ctx.env, "AUTOBE_DATABASE_URL": f"sqlite:///{database}"}
        completed = run_process([sys.executable, "-c", IMPORT_SCRIPT, str(database)],
                                RungContext(ctx.workspace, ctx.cache_dir, env, ctx.timeout))
    return import_result(completed, ctx)


def import_result(completed: Completed, ctx: RungContext) -> RungResult:
    """The import rung's result from the import script's output and exit status."""
    if completed.timed_out:
        return timed_out("import", completed, ctx)
    if completed.returncode == 0:
        counts = _import_counts(completed.output)
        return RungResult("import", "passed", completed.seconds,
                          f"{counts.get('tables', 0)} tables, {counts.get('routes', 0)} routes",
                          counts=counts)
    problem = traceback_diagnostic(completed.output, ctx.workspace) or RungDiagnostic(
        None, None, tail(completed.output.strip(), 1000) or
        f"the import exited with status {completed.returncode}", "import")
    return RungResult("import", "failed", completed.seconds, problem.message, (problem,),
                      output=tail(completed.output))


def _import_counts(output: str) -> dict[str, int]:
    for line in reversed(output.splitlines()):
        if line.startswith("AUTOBE-IMPORT "):
            with contextlib.suppress(ValueError):
                data = json.loads(line.removeprefix("AUTOBE-IMPORT "))
                return {k: int(v) for k, v in data.items()}
    return {}


# --------------------------------------------------------------------------- tests


def tests_rung(ctx: RungContext) -> RungResult:
    """The workspace's own pytest suite; counts and failures from its JUnit report."""
    with tempfile.TemporaryDirectory(prefix="autobe-pytest-") as scratch:
        report_path = Path(scratch) / "junit.xml"
        args = [sys.executable, "-m", "pytest", *pytest_args(ctx, Path(scratch), report_path)]
        completed = run_process(args, ctx)
        xml_text = report_path.read_text("utf-8") if report_path.is_file() else None
    return tests_result(completed, xml_text, ctx)


def pytest_args(ctx: RungContext, scratch: Path, report_path: Path) -> list[str]:
    """pytest's arguments: quiet, no cache, no hypothesis statistics plugin (the generated
    tests do not use it, and loading it costs a second; a user's hypothesis tests run as
    well without it), a JUnit report, the workspace's configuration (an empty one in
    ``scratch`` when it has none), the targets."""
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            f"--junitxml={report_path}",
            "--rootdir", str(ctx.workspace)]
    if not _has_pytest_config(ctx.workspace):
        (scratch / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        args += ["-c", str(scratch / "pytest.ini")]
    return args + (["--", *ctx.test_targets] if ctx.test_targets else [])


def tests_result(completed: Completed, xml_text: str | None, ctx: RungContext) -> RungResult:
    """The tests rung's result from pytest's exit status, output and JUnit report."""
    if completed.timed_out:
        return timed_out("tests", completed, ctx)
    report = None
    if xml_text is not None:
        with contextlib.suppress(ElementTree.ParseError, ValueError):
            report = parse_junit(xml_text, ctx.workspace)
    code = completed.returncode
    counts = report.counts() if report else {}
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()
                        if n and k not in ("total", "cross_account"))
    if counts.get("cross_account"):
        summary += f" ({counts['cross_account']} cross-account)"
    if report is not None and (code == 0 or (code == 5 and not report.failures)):
        return RungResult("tests", "passed", completed.seconds,
                          summary or "no tests collected", counts=counts)
    problems = list(report.failures) if report else []
    if not problems:  # nothing in the report to point at: the output has to do
        problems.append(traceback_diagnostic(completed.output, ctx.workspace) or RungDiagnostic(
            None, None, tail(completed.output.strip(), 1000) or f"pytest exited with {code}",
            "pytest"))
    if report is None or code != 1:  # interrupted, internal or usage error
        summary = f"pytest stopped (exit status {code})" + (f": {summary}" if summary else "")
    return RungResult("tests", "failed", completed.seconds, summary, tuple(problems), counts,
                      tail(completed.output))


def _has_pytest_config(workspace: Path) -> bool:
    names = ("pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml")
    if any((workspace / name).is_file() for name in names):
        return True
    pyproject = workspace / "pyproject.toml"
    if pyproject.is_file():
        with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
            tool = tomllib.loads(pyproject.read_text("utf-8")).get("tool", {})
            if "pytest" in tool:
                return True
    for name, section in (("tox.ini", "[pytest]"), ("setup.cfg", "[tool:pytest]")):
        path = workspace / name
        with contextlib.suppress(OSError):
            if path.is_file() and section in path.read_text("utf-8"):
                return True
    return False
