"""The mypy rung through mypy's daemon (``dmypy``), falling back to a plain mypy run.

The daemon checks the warm verifier's mirror (:mod:`.mirror`) with the same flags and the
same output parsing as the plain rung, so a warm verdict reads like a cold one; only the
summary says which ran. It is started on demand from a cache the plain run writes with
fine-grained dependencies (``--cache-fine-grained``), lives until it has been idle for
``AUTOBE_VERIFIER_IDLE`` seconds, and is stopped by :func:`stop` (``autobe verifier
stop``). When it cannot start, does not answer, or crashes, it is killed and the plain
run gives the verdict.

When no daemon is running, a plain run first refreshes the cache (it is as fast as the
daemon's start, and a daemon started from a fresh cache has little to redo); the next
ladder starts the daemon from it, but only from a cache a passing run wrote: a daemon
started from a cache that recorded errors does not report them again (mypy 1.x).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from autobe_core.verify.result import RungResult
from autobe_core.verify.rungs import (
    RungContext,
    mypy_config,
    mypy_options,
    mypy_result,
    mypy_targets,
    no_targets,
    run_process,
)
from autobe_core.verify.warm import WarmState, idle_seconds

DMYPY = (sys.executable, "-m", "mypy.dmypy")
FRESH = "cache-fresh"
"""Marker: the last mypy run on the mirror was plain and wrote the cache."""


@dataclass(frozen=True)
class DaemonStatus:
    running: bool
    pid: int | None
    detail: str


def status(state: WarmState) -> DaemonStatus:
    """Whether the project's daemon is running (its status file names a live process)."""
    try:
        data = json.loads(state.status_file.read_text("utf-8"))
        pid = int(data["pid"])
    except FileNotFoundError:
        return DaemonStatus(False, None, "not running")
    except (OSError, ValueError, KeyError, TypeError):
        return DaemonStatus(False, None, "unreadable status file")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return DaemonStatus(False, pid, f"process {pid} is gone")
    except PermissionError:
        pass
    return DaemonStatus(True, pid, f"running (process {pid})")


def stop(state: WarmState) -> bool:
    """Stop the daemon (politely, then by force); True when one was running."""
    found = status(state)
    if found.running:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run([*DMYPY, "--status-file", str(state.status_file), "stop"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=15, check=False)
        if status(state).running and found.pid is not None and _is_daemon(found.pid):
            _kill(found.pid)
    state.status_file.unlink(missing_ok=True)
    return found.running


def _is_daemon(pid: int) -> bool:
    """Whether process ``pid`` is a mypy daemon (a stale status file may name a process
    that has nothing to do with it: that one is never killed)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"mypy" in cmdline


def _kill(pid: int) -> None:
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def warm_mypy_rung(ctx: RungContext, state: WarmState) -> RungResult:
    """The mypy rung on the mirror (``ctx.workspace``): the daemon when it can answer,
    else a plain run that refreshes the cache the daemon starts from."""
    targets = mypy_targets(ctx.workspace)
    if not targets:
        return no_targets()
    state.scratch.mkdir(parents=True, exist_ok=True)
    state.mypy_cache.mkdir(parents=True, exist_ok=True)
    ctx = replace(ctx, cache_dir=state.mypy_cache)
    options = mypy_options(ctx, mypy_config(ctx.workspace, state.scratch))
    fresh = state.root / FRESH
    why = "no daemon running"
    if status(state).running or fresh.is_file():
        fresh.unlink(missing_ok=True)
        completed = run_process([
            *DMYPY, "--status-file", str(state.status_file), "run", "--timeout",
            str(idle_seconds()), "--log-file", str(state.log_file), "--",
            *options, "--use-fine-grained-cache", *targets], ctx)
        result = mypy_result(completed, ctx, targets)
        if completed.timed_out:
            stop(state)
            return result
        if not _crashed(result):
            return replace(result, summary=f"{result.summary} (mypy daemon)")
        why = "the daemon did not answer: " + result.summary.partition(": ")[2][:200]
        stop(state)
    completed = run_process([sys.executable, "-m", "mypy", *options, "--cache-fine-grained",
                             *targets], ctx)
    result = mypy_result(completed, ctx, targets)
    if result.ok:  # a daemon started from a cache written with errors would not see them
        fresh.touch()
    return replace(result, summary=f"{result.summary} (plain mypy; {why})")


def _crashed(result: RungResult) -> bool:
    return any(d.code in ("mypy-crashed", "timeout") for d in result.diagnostics)


def log_tail(state: WarmState, limit: int = 2000) -> str:
    """The end of the daemon's log (for ``autobe verifier status``)."""
    path: Path = state.log_file
    with contextlib.suppress(OSError):
        return path.read_text("utf-8", errors="replace")[-limit:]
    return ""
