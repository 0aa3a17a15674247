"""Results of the recompile ladder: per rung a status, the time it took, diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RungName = Literal["compile", "mypy", "migrate", "import", "tests"]
RUNGS: tuple[RungName, ...] = ("compile", "mypy", "migrate", "import", "tests")
"""The ladder, bottom up: each rung runs only when every rung below it passed."""

RungStatus = Literal["passed", "failed", "skipped"]

OUTPUT_TAIL = 4000
"""Characters of a failed rung's raw output kept for the report."""


@dataclass(frozen=True)
class RungDiagnostic:
    """One problem a rung found: where (workspace-relative file, 1-based line) and what."""

    file: str | None
    line: int | None
    message: str
    code: str | None = None
    """The tool's own code: a mypy error code, ``SyntaxError``, a test's node id."""

    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "message": self.message, "code": self.code}


@dataclass(frozen=True)
class RungResult:
    name: RungName
    status: RungStatus
    seconds: float = 0.0
    summary: str = ""
    """One line for people: ``3 files``, ``2 errors in 1 file``, ``12 passed, 1 failed``."""
    diagnostics: tuple[RungDiagnostic, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    """Rung-specific numbers: files compiled, mypy errors, test outcomes."""
    output: str = ""
    """The tail of the tool's raw output (failed rungs only)."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per phase of a rung that has phases (migrate: upgrade, compare, ...)."""

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "summary": self.summary,
            "counts": dict(self.counts),
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }
        if self.phases:
            data["phases"] = {k: round(v, 3) for k, v in self.phases.items()}
        if self.output:
            data["output"] = self.output
        return data


def skipped(name: RungName, why: str) -> RungResult:
    return RungResult(name, "skipped", summary=why)


def tail(text: str, limit: int = OUTPUT_TAIL) -> str:
    return text if len(text) <= limit else "..." + text[-limit:]


@dataclass(frozen=True)
class LadderResult:
    rungs: tuple[RungResult, ...]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Every rung that ran passed and at least one ran."""
        ran = [r for r in self.rungs if r.status != "skipped"]
        return bool(ran) and all(r.ok for r in ran)

    @property
    def failed(self) -> RungResult | None:
        """The rung that stopped the ladder, if any."""
        return next((r for r in self.rungs if r.status == "failed"), None)

    def rung(self, name: RungName) -> RungResult:
        return next(r for r in self.rungs if r.name == name)

    def diagnostics(self) -> list[RungDiagnostic]:
        return [d for r in self.rungs for d in r.diagnostics]

    def to_dict(self) -> dict[str, Any]:
        failed = self.failed
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "failedRung": failed.name if failed else None,
            "rungs": [r.to_dict() for r in self.rungs],
        }
