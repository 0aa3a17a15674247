"""The import and tests rungs in one process, so the app is imported once.

A cold ladder imports the generated app twice: once to check that it imports and builds
its schema, once more under pytest. When both rungs run, the warm verifier runs one
script instead: the same import check (``app.main``, ``create_all`` on a throwaway SQLite
file, table and route counts), reported as the import rung's result, then ``pytest.main``
in the same process with the same arguments, reported as the tests rung's result. The
process gets both rungs' timeouts; at the end its whole process group is killed, as a
rung's is. The garbage collector is off while the app is imported, and what the import
made is then frozen (``gc.freeze``): the tests' collections do not walk the app's
hundreds of thousands of long-lived objects again and again. pytest keeps the test
modules it rewrote in the mirror's ``__pycache__`` (the mirror removes a file's cached
bytecode before it changes the file).

The app's database is the in-memory SQLite one the generated conftest gives the tests, set
before the app is imported (the app makes its engine at import); with
``AUTOBE_TEST_DATABASE_URL`` (PostgreSQL) the rungs run apart, as cold.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from autobe_core.verify.migrate import TEST_DATABASE_ENV
from autobe_core.verify.result import RungResult, skipped
from autobe_core.verify.rungs import (
    IMPORT_SCRIPT,
    Completed,
    RungContext,
    Started,
    import_result,
    pytest_args,
    tests_result,
)

if TYPE_CHECKING:
    from autobe_core.verify.ahead import Ahead

RECORD_ENV = "AUTOBE_PRELOAD_RECORD"
"""Where the process writes the names of the modules it imported from outside the
workspace (what :mod:`.ahead` imports before the tree is ready, next time)."""

RECORD_SCRIPT = (
    "import json as _json, os as _os\n"
    "_record = _os.environ.get(" + repr(RECORD_ENV) + ")\n"
    "if _record:\n"
    "    _root = _os.path.realpath(_os.getcwd()) + _os.sep\n"
    "    _names = [_n for _n, _m in list(sys.modules.items()) if _n != '__main__'\n"
    "              and isinstance(getattr(_m, '__file__', None), str)\n"
    "              and not _os.path.realpath(_m.__file__).startswith(_root)]\n"
    "    try:\n"
    "        with open(_record + '.tmp', 'w', encoding='utf-8') as _out:\n"
    "            _json.dump(_names, _out)\n"
    "        _os.replace(_record + '.tmp', _record)\n"
    "    except OSError:\n"
    "        pass\n"
)

IMPORTED = "AUTOBE-IMPORTED "
"""Printed between the import check's output and pytest's, with the import's seconds."""

SCRIPT = (
    "import gc, sys, time\n"
    "gc.disable()\n"
    "_started = time.perf_counter()\n"
    "_argv, sys.argv = sys.argv, sys.argv[:2]\n"
    + IMPORT_SCRIPT
    + "sys.stdout.flush()\n"
    "print(" + repr(IMPORTED) + " + str(time.perf_counter() - _started), flush=True)\n"
    "gc.freeze()\n"
    "gc.enable()\n"
    "sys.dont_write_bytecode = False\n"
    "import pytest\n"
    "sys.argv = [_argv[0]]\n"
    "_code = int(pytest.main(_argv[2:]))\n"
    + RECORD_SCRIPT
    + "sys.exit(_code)\n"
)


def can_run_together(env: Mapping[str, str]) -> bool:
    """Whether the rungs share a process in a rung environment ``env``: on SQLite only
    (see the module)."""
    return not env.get(TEST_DATABASE_ENV, "").strip()


def together_env(env: Mapping[str, str], record: Path | None) -> dict[str, str]:
    """The process's environment: the app's database in memory; ``record``: where it
    writes the modules it imported from outside the workspace."""
    extra = {RECORD_ENV: str(record)} if record is not None else {}
    return {**env, "AUTOBE_DATABASE_URL": "sqlite://", **extra}


class Abandon:
    """Lets the ladder stop the import-and-tests process it started early once a rung
    below has failed (its results would be thrown away): calling it kills the process
    running, or the one about to run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: Started | None = None
        self.abandoned = False

    def attach(self, process: Started) -> None:
        """``process`` is the one running now (killed at once if already abandoned)."""
        with self._lock:
            self._process = process
            if self.abandoned:
                process.kill()

    def __call__(self) -> None:
        with self._lock:
            self.abandoned = True
            if self._process is not None:
                self._process.kill()


def import_and_tests(ctx: RungContext, import_timeout: float, tests_timeout: float,
                     record: Path | None = None, ahead: Ahead | None = None,
                     abandon: Abandon | None = None) -> tuple[RungResult, RungResult]:
    """Both rungs' results from one process (tests skipped when the import failed):
    ``ahead`` when it was started for this tree and environment (see :mod:`.ahead`), a
    new process otherwise. ``record``: see :func:`together_env`; ``abandon``: see
    :class:`Abandon`."""
    attach = abandon.attach if abandon is not None else None
    with tempfile.TemporaryDirectory(prefix="autobe-together-") as scratch_name:
        scratch = Path(scratch_name)
        database = scratch / "schema.db"
        report_path = scratch / "junit.xml"
        env = together_env(ctx.env, record)
        argv = [str(database), *pytest_args(ctx, scratch, report_path)]
        timeout = import_timeout + tests_timeout
        completed = None
        if ahead is not None:
            completed = ahead.go(argv, timeout, attach) \
                if ahead.fits(ctx.workspace, env) else None
            ahead.discard()
        if completed is None:
            process = Started([sys.executable, "-c", SCRIPT, *argv], ctx.workspace, env)
            if attach is not None:
                attach(process)
            completed = process.finish(timeout)
        xml_text = report_path.read_text("utf-8") if report_path.is_file() else None
    before, marked, after = completed.output.partition(IMPORTED)
    if not marked:  # the import failed, or ran out of time
        imported = Completed(completed.returncode if completed.returncode != 0 else 1,
                             before, completed.seconds)
        if completed.timed_out:
            imported = completed
        result = import_result(imported, replace(ctx, timeout=import_timeout + tests_timeout))
        return result, skipped("tests", "import failed")
    seconds_line, _, tests_output = after.partition("\n")
    import_seconds = completed.seconds
    with contextlib.suppress(ValueError):
        import_seconds = min(float(seconds_line), completed.seconds)
    imported = Completed(0, before, import_seconds)
    tested = Completed(completed.returncode, tests_output, completed.seconds - import_seconds)
    return (import_result(imported, ctx),
            tests_result(tested, xml_text, replace(ctx, timeout=tests_timeout)))
