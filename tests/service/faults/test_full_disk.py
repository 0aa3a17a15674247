"""A real full disk (a small tmpfs, root only) at any moment of a change."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import AUTOBE
from tests.service.faults.harness import (
    Lab,
    assert_user_files,
    assert_works_or_one_message,
    child_env,
    head_of,
    run,
)
from tests.service.robustness_support import leftovers, tree
from tests.service.test_state_robustness import fill

FREE_QUICK = (0, 96 * 1024, 1024 * 1024)
FREE_SLOW = tuple(range(0, 800 * 1024, 48 * 1024))


def leave_free(disk: Path, free: int) -> Path:
    """Fill ``disk`` to its last byte, then give back ``free`` bytes; the filler."""
    filler = fill(disk)
    size = filler.stat().st_size
    with filler.open("r+b") as handle:
        handle.truncate(max(0, size - free))
    return filler


def _full_disk(small_disk: Path, lab: Lab, frees: Sequence[int]) -> list[str]:
    """A change on a disk with ``free`` bytes left, for each value: it lands, or fails with
    one message and loses nothing; with the disk freed the next commands finish it."""
    work = lab.copy("r2", small_disk / "w")
    project = work / "todo"
    outcomes = []
    for i, free in enumerate(frees):
        edits = small_disk.parent / f"full-{i}.yaml"
        edits.write_text(
            f"edits:\n  - op: addField\n    model: todo_labels\n"
            f"    field: {{name: full_{i}, type: int, nullable: true}}\n", encoding="utf-8",
        )
        before_head, before = head_of(project), tree(project / "backend")
        filler = leave_free(small_disk, free)
        try:
            done = subprocess.run(
                [*AUTOBE, "-C", str(project), "change", "--no-verify", "--edits", str(edits)],
                capture_output=True, text=True, timeout=300, check=False, env=child_env(work),
            )
        finally:
            filler.unlink()
        what = f"full disk, {free} bytes free"
        assert_works_or_one_message(done.returncode, done.stdout, done.stderr, what)
        head = head_of(project)
        assert head in (before_head, before_head + 1), what
        workspace = tree(project / "backend")
        if head == before_head:
            assert done.returncode == 1, (what, done.stdout)
            assert workspace == before, what
            again = run("-C", project, "change", "--no-verify", "--edits", edits)
            assert again.exit_code == 0, f"{what}: again:\n{again.output}"
        elif done.returncode != 0:  # recorded, the workspace could not follow: build does
            assert workspace == before, what
            assert "is recorded" in done.stderr, done.stderr
            assert run("-C", project, "build").exit_code == 0
        message = (done.stderr.strip().splitlines() or [""])[0]
        outcomes.append(f"{what}: exit {done.returncode}, head {before_head} -> {head} {message}")
        assert head_of(project) == before_head + 1
        workspace = tree(project / "backend")
        assert leftovers(project) == [], what
        assert f"full_{i}".encode() in workspace["app/models/todo_labels.py"], what
        assert_user_files(workspace, what)
    return outcomes


def test_a_full_disk_at_any_moment_of_a_change_loses_nothing(
    small_disk: Path, lab: Lab
) -> None:
    outcomes = _full_disk(small_disk, lab, FREE_QUICK)
    assert any("exit 1" in o for o in outcomes), outcomes  # a write did fail
    assert any("exit 0" in o for o in outcomes), outcomes


@pytest.mark.slow
def test_a_full_disk_swept_over_free_space(small_disk: Path, lab: Lab) -> None:
    outcomes = _full_disk(small_disk, lab, FREE_SLOW)
    assert len(outcomes) == len(FREE_SLOW)
