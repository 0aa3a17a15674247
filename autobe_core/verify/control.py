"""Asking about and stopping a project's warm verifier (``autobe verifier status|stop``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autobe_core.verify import daemon
from autobe_core.verify.mirror import files_of
from autobe_core.verify.warm import WarmState, idle_seconds, mode


@dataclass(frozen=True)
class VerifierStatus:
    mode: str
    """``warm`` or ``cold`` (``AUTOBE_VERIFIER``)."""
    daemon: str
    """The mypy daemon: running (its process), not running, or what is wrong."""
    running: bool
    idle_seconds: int
    mirror_files: int
    directory: Path


def verifier_status(warm_dir: Path) -> VerifierStatus:
    """What the warm verifier in ``warm_dir`` holds now."""
    state = WarmState(warm_dir)
    found = daemon.status(state)
    files = len(files_of(state.mirror)) if state.mirror.is_dir() else 0
    return VerifierStatus(mode(), found.detail, found.running, idle_seconds(), files, warm_dir)


def stop_verifier(warm_dir: Path) -> bool:
    """Stop the warm verifier's daemon; True when one was running. The mirror and the
    caches stay (the next ladder starts from them)."""
    return daemon.stop(WarmState(warm_dir))
