"""Progress callbacks a client passes to the use cases, and the crash-test seam.

The service reports progress through :class:`Hooks` and never prints: the CLI turns the
callbacks into progress bars, tests into assertions.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autobe_core.verify import LadderProgress

BuildProgress = Callable[[int, int, str], None]
"""``(done, total, module id)`` while modules are generated."""

PAUSE_ENV = "AUTOBE_TEST_PAUSE_AT"
"""Test seam for crash and concurrency tests: ``<step>[:seconds]`` makes the process say
``autobe: paused at <step>`` on stderr and sleep there (default 60 s), so a test can kill
it at a known step (planned, verifying, storing, committing)."""


@dataclass
class Hooks:
    """Progress callbacks (and a test seam to stop at a given step)."""

    build: BuildProgress | None = None
    ladder: LadderProgress | None = None
    step: Callable[[str], None] | None = None

    def at(self, name: str) -> None:
        if self.step:
            self.step(name)
        _pause_for_tests(name)


def _pause_for_tests(step: str) -> None:
    wanted, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
    if wanted == step:
        sys.stderr.write(f"autobe: paused at {step}\n")
        sys.stderr.flush()
        time.sleep(float(seconds or 60))
