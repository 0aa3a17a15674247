"""The warm verifier's per-project state and the switch that turns it on.

The warm verifier keeps what a cold ladder throws away between commands: a mirror of the
tree to verify at a path that never changes (:mod:`.mirror`), mypy's daemon on it
(:mod:`.daemon`), and the import and tests rungs in one process (:mod:`.together`).
Everything lives in one directory per project (``.autobe/verifier``); a lock there makes
a second ladder running at the same time on the same project run cold instead of
sharing the mirror.

``AUTOBE_VERIFIER=cold`` turns it off (``warm``, the default, on);
``AUTOBE_VERIFIER_IDLE`` is the seconds the daemon lives without a request (default 900).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from autobe_core.errors import AutobeError

VERIFIER_ENV = "AUTOBE_VERIFIER"
IDLE_ENV = "AUTOBE_VERIFIER_IDLE"
DEFAULT_IDLE = 900
MODES = ("warm", "cold")

Mode = Literal["warm", "cold"]


class VerifierSettingError(AutobeError):
    """``AUTOBE_VERIFIER`` or ``AUTOBE_VERIFIER_IDLE`` holds what autobe cannot use."""


def mode() -> Mode:
    """``warm`` unless ``AUTOBE_VERIFIER`` says ``cold``."""
    value = os.environ.get(VERIFIER_ENV, "").strip().lower() or "warm"
    if value == "warm":
        return "warm"
    if value == "cold":
        return "cold"
    raise VerifierSettingError(f"{VERIFIER_ENV}={value!r} is not a verifier mode",
                               f"set it to {' or '.join(MODES)} (default warm)")


def idle_seconds() -> int:
    """How long the daemon waits for the next request before it stops itself."""
    value = os.environ.get(IDLE_ENV, "").strip()
    if not value:
        return DEFAULT_IDLE
    if not value.isdigit() or int(value) < 1:
        raise VerifierSettingError(f"{IDLE_ENV}={value!r} is not a number of seconds",
                                   f"set it to a whole number of seconds >= 1 "
                                   f"(default {DEFAULT_IDLE})")
    return int(value)


@dataclass(frozen=True)
class WarmState:
    """Where one project's warm verifier keeps its things."""

    root: Path

    @property
    def mirror(self) -> Path:
        """The stable copy of the tree the rungs run on."""
        return self.root / "tree"

    @property
    def stamps(self) -> Path:
        return self.root / "mirror.json"

    @property
    def mypy_cache(self) -> Path:
        """mypy's cache with fine-grained dependencies (the daemon starts from it)."""
        return self.root / "mypy-cache"

    @property
    def status_file(self) -> Path:
        return self.root / "dmypy.json"

    @property
    def log_file(self) -> Path:
        return self.root / "dmypy.log"

    @property
    def preload(self) -> Path:
        """The modules the last tests imported from outside the workspace (:mod:`.ahead`)."""
        return self.root / "preload.json"

    @property
    def scratch(self) -> Path:
        """Stable files the tools read (an empty mypy configuration)."""
        return self.root / "etc"

    @contextlib.contextmanager
    def hold(self) -> Iterator[bool]:
        """Take the state's lock without waiting: True when this ladder has it (False:
        another ladder is running on this project; run cold)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


WARM_DIR = "verifier"
"""The warm verifier's directory in a project's state directory (``.autobe/verifier``)."""
