"""The recompile ladder: compile -> mypy -> migrate -> import -> tests on a generated
workspace."""

from autobe_core.verify.ladder import DEFAULT_TIMEOUT, LadderError, LadderProgress, run_ladder
from autobe_core.verify.result import (
    RUNGS,
    LadderResult,
    RungDiagnostic,
    RungName,
    RungResult,
    RungStatus,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "RUNGS",
    "LadderError",
    "LadderProgress",
    "LadderResult",
    "RungDiagnostic",
    "RungName",
    "RungResult",
    "RungStatus",
    "run_ladder",
]
