"""kill -9, ENOSPC and EACCES at write points of each command, picked from a trace of the
same command run without a fault (a few in the default run, every one under ``slow``)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from autobe_core.build import MANIFEST_NAME
from tests.service.faults.harness import (
    ACTIONS,
    CASES,
    Call,
    Lab,
    Scenario,
    assert_works_or_one_message,
)

Pick = Callable[[list[Call]], Call | None]


def first(pred: Callable[[Call], bool]) -> Pick:
    return lambda calls: next((c for c in calls if pred(c)), None)


def middle(pred: Callable[[Call], bool]) -> Pick:
    def pick(calls: list[Call]) -> Call | None:
        found = [c for c in calls if pred(c)]
        return found[len(found) // 2] if found else None

    return pick


POINTS: dict[str, Pick] = {
    "lock": first(lambda c: c.op == "open" and c.rel.endswith(".autobe/lock")),
    "config": first(lambda c: c.op == "write" and ".config.json." in c.rel),
    "config-replace": first(lambda c: c.op == "rename" and ".config.json." in c.rel),
    "staging-mkdir": first(lambda c: c.op == "mkdir" and c.region == "staging"),
    "staging-write": middle(lambda c: c.op == "write" and c.region == "staging"),
    "staging-manifest": first(
        lambda c: c.op == "write" and c.region == "staging" and c.rel.endswith(MANIFEST_NAME)
    ),
    "staging-fsync": middle(lambda c: c.op == "fsync" and c.region == "staging"),
    "saved-copy": first(lambda c: c.op == "open" and "/.autobe/saved/" in f"/{c.rel}"),
    "swap-aside": first(lambda c: c.op == "rename" and c.region == "target"),
    "swap-in": first(lambda c: c.op == "rename" and c.region == "staging"),
    "aside-remove": middle(lambda c: c.op == "remove" and c.region == "aside"),
    "report": first(lambda c: c.op == "open" and "import-report" in c.rel),
}

QUICK: list[tuple[str, str, str]] = [
    # (command, point, action): a few points per command, each kind of fault
    ("init", "config-replace", "kill"),
    ("init", "staging-write", "ENOSPC"),
    ("init", "swap-in", "kill"),
    ("import", "report", "ENOSPC"),
    ("change", "staging-write", "kill"),
    ("change", "swap-aside", "kill"),
    ("change", "swap-in", "EACCES"),
    ("change", "staging-manifest", "ENOSPC"),
    ("change --force", "saved-copy", "ENOSPC"),
    ("rollback", "swap-in", "kill"),
    ("rollback", "lock", "EACCES"),
    ("build", "aside-remove", "kill"),
    ("build", "staging-mkdir", "EACCES"),
    ("checkout", "staging-write", "kill"),
]


def inject(scenario: Scenario, call: Call, action: str) -> str:
    """Fault ``call`` with ``action``, then check everything; returns what happened."""
    what = f"{scenario.name}: {action} at {call}"
    done, calls = scenario.run_faulty(f"{call.op}:{call.n}:{action}")
    hit = [c for c in calls if c.faulted]
    assert [(c.op, c.n) for c in hit] == [(call.op, call.n)], (
        f"{what}: the fault did not land there: {hit}\n{done.stdout}{done.stderr}"
    )
    if action == "kill":
        assert done.returncode == -signal.SIGKILL, (what, done.returncode, done.stderr)
    else:
        assert_works_or_one_message(done.returncode, done.stdout, done.stderr, what)
        if done.returncode != 0:  # what is wrong, in the system's words, and what to do
            reason = os.strerror(errno.ENOSPC if action == "ENOSPC" else errno.EACCES)
            assert reason in done.stderr and "hint:" in done.stderr, (what, done.stderr)
    scenario.assert_whole(what)
    scenario.recover(what)
    return f"{what}: exit {done.returncode}"


@pytest.mark.parametrize(("name", "point", "action"), QUICK, ids=[" ".join(q) for q in QUICK])
def test_a_fault_at_a_write_point_loses_nothing(
    lab: Lab, tmp_path: Path, name: str, point: str, action: str
) -> None:
    scenario = Scenario(lab, name, tmp_path / "w")
    call = POINTS[point](scenario.trace.calls)
    assert call is not None, f"{name} makes no {point} call: {scenario.trace.calls[:40]}"
    inject(scenario, call, action)


def sweep(calls: list[Call], action: str) -> list[Call]:
    """Every distinct write point of a trace: each call outside the staging and aside
    trees (the few that decide an outcome), and for each operation in each of those trees
    its first and last call (a kill: a tree written so far) or its first (an error: the
    same failure anywhere in the tree)."""
    chosen: dict[tuple[str, int], Call] = {}
    groups: dict[tuple[str, str], list[Call]] = {}
    for call in calls:
        if call.region in ("state", "target"):
            chosen[(call.op, call.n)] = call
        else:
            groups.setdefault((call.op, call.region), []).append(call)
    for group in groups.values():
        for call in (group[0], group[-1]) if action == "kill" else (group[0],):
            chosen[(call.op, call.n)] = call
    return sorted(chosen.values(), key=calls.index)


SWEPT = [name for name in CASES if name != "change (verified)"]


@pytest.mark.slow
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("name", SWEPT)
def test_every_write_point(lab: Lab, tmp_path: Path, name: str, action: str) -> None:
    """The exhaustive sweep: every distinct write point of the command, one fault each."""
    points = sweep(lab.trace(name).calls, action)
    outcomes = []
    for i, call in enumerate(points):
        scenario = Scenario(lab, name, tmp_path / f"w{i}")
        outcomes.append(inject(scenario, call, action))
        shutil.rmtree(tmp_path / f"w{i}", ignore_errors=True)
    assert len(outcomes) == len(points) >= 5, outcomes
