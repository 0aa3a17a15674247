"""kill -9 at each step of a command (planned, verifying, storing, committing), through
the ``AUTOBE_TEST_PAUSE_AT`` seam."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.service.faults.harness import (
    Lab,
    Scenario,
)
from tests.service.robustness_support import kill9, wait_paused

STEPS: dict[str, tuple[str, ...]] = {
    "init": ("planned", "storing", "committing"),
    "import": ("planned", "storing", "committing"),
    "change": ("planned", "storing", "committing"),
    "change (verified)": ("verifying",),
    "change --force": ("storing", "committing"),
    "rollback": ("planned", "storing", "committing"),
}
QUICK_STEPS = [
    ("import", "planned"),
    ("change (verified)", "verifying"),
    ("change --force", "committing"),
    ("rollback", "storing"),
    ("rollback", "committing"),
]
ALL_STEPS = [(name, step) for name, steps in STEPS.items() for step in steps]


def _steps() -> list[object]:
    return [
        pytest.param(name, step, id=f"{name} {step}",
                     marks=() if (name, step) in QUICK_STEPS else pytest.mark.slow)
        for name, step in ALL_STEPS
    ]


@pytest.mark.parametrize(("name", "step"), _steps())
def test_kill_9_at_a_step_loses_nothing(lab: Lab, tmp_path: Path, name: str, step: str) -> None:
    scenario = Scenario(lab, name, tmp_path / "w")
    proc = scenario.spawn(pause=f"{step}:60")
    try:
        wait_paused(proc, step)
    finally:
        kill9(proc, scenario.work)
    assert proc.returncode == -signal.SIGKILL
    what = f"{name}: kill -9 at {step}"
    head = scenario.assert_whole(what)
    landed = step == "committing"
    assert head == scenario.case.head + landed, (what, head)
    scenario.recover(what)
