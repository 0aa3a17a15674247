"""The recompile ladder: compile -> mypy -> migrate -> import -> tests on a generated
workspace, cold or warm (a per-project mirror, mypy's daemon, one process for the import
and the tests)."""

from autobe_core.verify.ahead import started_ahead
from autobe_core.verify.control import VerifierStatus, stop_verifier, verifier_status
from autobe_core.verify.ladder import DEFAULT_TIMEOUT, LadderError, LadderProgress, run_ladder
from autobe_core.verify.result import (
    RUNGS,
    LadderResult,
    RungDiagnostic,
    RungName,
    RungResult,
    RungStatus,
)
from autobe_core.verify.warm import VERIFIER_ENV, WARM_DIR, VerifierSettingError, WarmState

__all__ = [
    "DEFAULT_TIMEOUT",
    "RUNGS",
    "VERIFIER_ENV",
    "WARM_DIR",
    "LadderError",
    "LadderProgress",
    "LadderResult",
    "RungDiagnostic",
    "RungName",
    "RungResult",
    "RungStatus",
    "VerifierSettingError",
    "VerifierStatus",
    "WarmState",
    "run_ladder",
    "started_ahead",
    "stop_verifier",
    "verifier_status",
]
