"""The recompile ladder: compile -> mypy -> migrate -> import -> tests, stopping at the
first failure.

Each rung is cheaper than the one above it and catches what would make the one above
it meaningless: a syntax error makes every type error a guess, a type error is cheaper
to read than the traceback it would become, migrations that do not build the models'
schema make the database the tests run on a different one, an import that fails fails
every test.
Rungs above a failing one are reported ``skipped``; so are rungs the caller did not
select.

Given a per-project ``warm`` directory (and unless ``AUTOBE_VERIFIER=cold``), the ladder
runs warm (:mod:`.warm`): on a stable mirror of the tree, mypy through its daemon, the
import and tests rungs in one process, started as soon as the compile rung has passed so
that it runs beside mypy and migrate (on a second core) instead of after them. What it
finds is reported only when every rung below it passed: above a failure its result is
thrown away and the rungs are reported ``skipped``, as cold. Warm and cold give the same
statuses and the same diagnostics (a test holds them to it); only summaries and seconds
differ.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from autobe_core.errors import AutobeError
from autobe_core.verify.ahead import take
from autobe_core.verify.compiled import warm_compile_rung
from autobe_core.verify.daemon import warm_mypy_rung
from autobe_core.verify.migrate import migrate_rung
from autobe_core.verify.mirror import sync
from autobe_core.verify.result import (
    RUNGS,
    LadderResult,
    RungDiagnostic,
    RungName,
    RungResult,
    skipped,
)
from autobe_core.verify.rungs import (
    RungContext,
    clean_env,
    compile_rung,
    import_rung,
    mypy_rung,
    tests_rung,
)
from autobe_core.verify.together import Abandon, can_run_together, import_and_tests
from autobe_core.verify.warm import WarmState, mode

DEFAULT_TIMEOUT = 600.0
"""Seconds each rung may take before it is stopped and reported failed."""

LadderProgress = Callable[[RungName, RungResult | None], None]
"""``progress(rung, None)`` when a rung starts, ``progress(rung, result)`` when it ends
(skipped rungs are reported once, with their result)."""

RUNNERS: dict[RungName, Callable[[RungContext], RungResult]] = {
    "compile": compile_rung,
    "mypy": mypy_rung,
    "migrate": migrate_rung,
    "import": import_rung,
    "tests": tests_rung,
}


class LadderError(AutobeError):
    """The ladder was asked for a rung it does not have, or to run tests that are not in
    the workspace. Nothing ran."""


def run_ladder(
    workspace: Path,
    *,
    rungs: Iterable[RungName] | None = None,
    progress: LadderProgress | None = None,
    cache_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | Mapping[RungName, float] = DEFAULT_TIMEOUT,
    test_targets: Sequence[str] = (),
    mypy_exclude: Sequence[str] = (),
    warm: Path | None = None,
) -> LadderResult:
    """Verify the backend in ``workspace``.

    ``rungs`` selects which rungs run (always in ladder order; default: all).
    ``cache_dir`` is mypy's incremental cache (default ``<workspace>/.mypy_cache``).
    ``env`` adds variables to the clean environment the subprocesses get.
    ``timeout`` is seconds per rung, one number for all or a mapping per rung.
    ``test_targets`` restricts the tests rung to these workspace-relative test files
    or node ids (the tests an incremental change reaches); default: the whole suite.
    ``mypy_exclude`` names workspace-relative files mypy leaves out (a user's files a
    change applied with ``--keep-mine`` broke).
    ``warm`` is the project's warm verifier directory (see the module); None: cold.
    """
    workspace = Path(workspace).resolve()
    selected = set(RUNGS if rungs is None else rungs)
    unknown = selected - set(RUNGS)
    if unknown:
        raise LadderError(
            f"unknown rungs {sorted(unknown)}", f"the rungs are {', '.join(RUNGS)}"
        )
    for target in test_targets:
        if not target or target.startswith(("-", "/")) or ".." in target.split("/"):
            raise LadderError(
                f"test target {target!r} is not a workspace-relative path",
                "name test files or node ids below the workspace (tests/test_x.py::test_y)",
            )
    started = time.perf_counter()
    cache = Path(cache_dir) if cache_dir is not None else workspace / ".mypy_cache"
    limits = {name: float(timeout.get(name, DEFAULT_TIMEOUT) if isinstance(timeout, Mapping)
                          else timeout) for name in RUNGS}
    with _warm(workspace, warm) as state:
        root = state.mirror if state is not None else workspace
        base = RungContext(root, cache, clean_env(root, env), 0.0, tuple(test_targets),
                           tuple(mypy_exclude))
        results = _climb(base, selected, limits, progress, state)
    return LadderResult(tuple(results), time.perf_counter() - started)


@contextlib.contextmanager
def _warm(workspace: Path, warm: Path | None) -> Iterator[WarmState | None]:
    """The warm state with its lock held and the mirror synced from ``workspace``; None
    when the ladder runs cold (asked to, no workspace, another ladder holds the lock)."""
    if warm is None or mode() == "cold" or not workspace.is_dir():
        yield None
        return
    state = WarmState(Path(warm).resolve())
    with state.hold() as held:
        if held:
            try:
                sync(workspace, state.mirror, state.stamps)
            except OSError:
                held = False
        yield state if held else None


def _climb(base: RungContext, selected: set[RungName], limits: Mapping[RungName, float],
           progress: LadderProgress | None, state: WarmState | None) -> list[RungResult]:
    together = state is not None and {"import", "tests"} <= selected \
        and can_run_together(base.env) and base.workspace.is_dir()
    with ThreadPoolExecutor(max_workers=1) as early:
        return _steps(base, selected, limits, progress, state, early if together else None)


def _steps(base: RungContext, selected: set[RungName], limits: Mapping[RungName, float],
           progress: LadderProgress | None, state: WarmState | None,
           early: ThreadPoolExecutor | None) -> list[RungResult]:
    """The rungs in ladder order. With ``early`` (warm, import and tests together), the
    import-and-tests process starts once compile has passed and its results are taken
    at the import rung, or it is stopped and its results thrown away when a rung below
    fails."""
    results: list[RungResult] = []
    stopped_by: RungName | None = None
    ahead: RungResult | None = None  # the tests' result, run together with the import
    started: Future[tuple[RungResult, RungResult]] | None = None
    abandon = Abandon()
    for name in RUNGS:
        if stopped_by is not None or name not in selected:
            why = f"{stopped_by} failed" if stopped_by else "not selected"
            result = skipped(name, why)
        elif not base.workspace.is_dir():
            result = RungResult(name, "failed", summary="no workspace", diagnostics=(
                RungDiagnostic(None, None, f"{base.workspace} is not a directory",
                               "workspace"),))
        else:
            if progress is not None:
                progress(name, None)
            context = replace(base, timeout=limits[name])
            if ahead is not None and name == "tests":
                result, ahead = ahead, None
            elif started is not None and name == "import":
                result, ahead = started.result()
            elif early is not None and name == "import":
                assert state is not None
                result, ahead = import_and_tests(context, limits["import"], limits["tests"],
                                                 state.preload, take(state.mirror))
            elif state is not None and name == "mypy":
                result = warm_mypy_rung(context, state)
            elif state is not None and name == "compile":
                result = warm_compile_rung(context, state)
            else:
                result = RUNNERS[name](context)
        if result.status == "failed":
            stopped_by = name
            abandon()  # the early import and tests, if any, are not needed now
        elif name == "compile" and early is not None and result.status == "passed":
            assert state is not None
            started = early.submit(import_and_tests, replace(base, timeout=limits["import"]),
                                   limits["import"], limits["tests"], state.preload,
                                   take(state.mirror), abandon)
        results.append(result)
        if progress is not None:
            progress(name, result)
    return results
