"""``kill -9`` at any point of a change, end to end (real ``autobe`` processes): the
project stays loadable, its head is the old or the new revision, the history has no gaps,
and (after ``autobe build``) the workspace equals a clean checkout of the head, hand edits
kept. Kills land at known steps through the ``AUTOBE_TEST_PAUSE_AT`` seam
(:data:`autobe_core.service.PAUSE_ENV`) and at spread-out delays.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.service.robustness_support import (
    UNTOUCHED,
    Popen,
    add_field,
    assert_matches_head,
    assert_status_ok,
    autobe,
    clear_ambient,
    cli_run,
    edit,
    head,
    init_project,
    kill9,
    leftovers,
    spawn,
    tree,
    wait_paused,
)


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_ambient(monkeypatch)


# --------------------------------------------------------------------------- 3. kill -9


class Crashes:
    """A todo project with the user's own work in it; changes to kill, and the checks
    that follow a kill."""

    def __init__(self, tmp_path: Path, store: str | None = None) -> None:
        self.tmp = tmp_path
        self.project = init_project(tmp_path, store=store)
        self.user = {
            UNTOUCHED: edit(self.project, UNTOUCHED, "# my own comment\n"),
            "NOTES.md": b"my notes\n",
        }
        (self.project / "backend" / "NOTES.md").write_bytes(self.user["NOTES.md"])
        self.count = 0
        self.before = 1
        self.before_tree: dict[str, bytes] = {}

    def start(self, *, verify: bool = False, pause: str | None = None) -> Popen:
        """``autobe change`` adding one more field to todo_items, left running."""
        self.count += 1
        self.before = head(self.project)
        self.before_tree = tree(self.project / "backend")
        edits = add_field(self.tmp, "todo_items", f"estimate_{self.count}")
        flags = [] if verify else ["--no-verify"]
        return spawn("-C", self.project, "change", *flags, "--edits", edits, pause=pause)

    def state(self) -> str:
        """Where the kill landed, read off what it left (before anything repairs it).
        Before the commit point the workspace must be untouched."""
        names = leftovers(self.project)
        landed = head(self.project) > self.before
        if not landed:
            assert tree(self.project / "backend") == self.before_tree
        if not (self.project / "backend").is_dir():
            return "mid-swap"
        if any(".staging-" in n for n in names):
            return "committed, not swapped" if landed else "staged"
        if any(".aside-" in n for n in names):
            return "swapped, old tree not removed"
        return "landed" if landed else "before staging"

    def after_kill(self, expected: int | None = None) -> int:
        """The project after a kill: loadable, head old or new, no gap; ``autobe build``
        makes the workspace a clean checkout of the head with the user's files kept."""
        status = cli_run("-C", self.project, "status")
        assert status.exit_code == 0, status.output
        now = head(self.project)
        assert now in (self.before, self.before + 1)
        if expected is not None:
            assert now == expected
        result = cli_run("-C", self.project, "build")
        assert result.exit_code == 0, result.output
        assert_matches_head(self.project, self.tmp / f"checkout-{self.count}", self.user)
        assert_status_ok(self.project, [UNTOUCHED])
        return now


PAUSES = [
    # step, verify, what a kill there leaves, revisions it lands
    ("planned", False, "before staging", 0),
    ("verifying", True, "staged", 0),
    ("storing", False, "staged", 0),
    ("committing", False, "committed, not swapped", 1),
]


def test_kill_while_paused_at_each_step(tmp_path: Path, storage_url: str) -> None:
    crashes = Crashes(tmp_path, store=storage_url)
    for step, verify, left, landed in PAUSES:
        proc = crashes.start(verify=verify, pause=step)
        try:
            wait_paused(proc, step)
        finally:
            kill9(proc, crashes.project)
        assert proc.returncode == -signal.SIGKILL
        status = autobe("-C", crashes.project, "status")  # a fresh process loads it
        assert status.returncode == 0, status.stdout + status.stderr
        assert crashes.state() == left
        crashes.after_kill(crashes.before + landed)
    # The project is not wedged: the next change lands.
    proc = crashes.start()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, out + err
    crashes.after_kill(crashes.before + 1)


KillPoint = tuple[str | None, float, bool]
"""A step the change announces (None for its start), seconds after it, verify or not."""
KILL_POINTS: list[KillPoint] = [
    (None, 0.05, False),  # start-up
    (None, 0.5, False),  # loading the project, planning
    ("planned", 0.0, False),  # staging the new tree
    ("planned", 0.02, False),
    ("planned", 0.05, False),
    ("planned", 0.1, False),
    ("verifying", 0.1, True),  # the rungs: compile, mypy, import, tests
    ("verifying", 0.8, True),
    ("verifying", 2.0, True),
    ("verifying", 3.5, True),
    ("storing", 0.0, False),  # blobs, then the events (the commit point)
    ("storing", 0.01, False),
    ("storing", 0.02, False),
    ("storing", 0.04, False),
    ("storing", 0.07, False),
    ("committing", 0.0, False),  # the swap
    ("committing", 0.005, False),
    ("committing", 0.02, False),
]
QUICK_KILL_POINTS: list[KillPoint] = [
    (None, 0.05, False),
    ("planned", 0.02, False),
    ("verifying", 0.8, True),
    ("storing", 0.02, False),
    ("committing", 0.005, False),
]
"""One moment of each phase, killed in the default suite; the other moments are killed
in :func:`test_kill_at_more_moments_of_a_change` (slow), so every moment runs once."""
BEFORE_COMMIT = ("before staging", "staged")


def kill_at(tmp_path: Path, points: list[KillPoint]) -> None:
    """Kill one ``autobe change`` after another at ``points``, each followed by the
    checks of :meth:`Crashes.after_kill`; at least one kill lands before the commit."""
    crashes = Crashes(tmp_path)
    outcomes: list[str] = []
    for step, delay, verify in points:
        proc = crashes.start(verify=verify, pause=f"{step}:0" if step else None)
        if step:
            wait_paused(proc, step)  # it goes on at once; the delay counts from here
        time.sleep(delay)
        finished = proc.poll() is not None
        output = kill9(proc, crashes.project)
        if finished:
            assert proc.returncode == 0, output
        state = "finished" if finished else crashes.state()
        outcomes.append(f"{step or 'start'}+{delay}s: {state}")
        if step == "committing":
            assert state not in BEFORE_COMMIT, outcomes
        crashes.after_kill()
    assert any(o.endswith(BEFORE_COMMIT) for o in outcomes), outcomes


def test_kill_at_spread_out_moments_of_a_change(tmp_path: Path) -> None:
    kill_at(tmp_path, QUICK_KILL_POINTS)


@pytest.mark.slow
def test_kill_at_more_moments_of_a_change(tmp_path: Path) -> None:
    kill_at(tmp_path, [p for p in KILL_POINTS if p not in QUICK_KILL_POINTS])
