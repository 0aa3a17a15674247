"""A staged copy of the workspace where a candidate module is judged.

The staged tree is what the project would generate with the candidate recorded
(``generate_files`` of the spec with ``Operation.realized`` set), plus the user's own
files of the workspace (``app/custom/``, ``tests/custom/``), in a scratch directory that
lives for one realize run: later tries rewrite only the files that changed, so mypy's
incremental cache (kept beside it) makes them cheap. A try passes when the module
compiles, ``mypy --strict`` is clean and the operation's generated tests pass (pytest
restricted to ``tests/test_<operation_id>.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autobe_core.generate import MigrationSlice, generate_files
from autobe_core.spec.model import ProjectSpec
from autobe_core.verify import LadderResult, RungDiagnostic, run_ladder

USER_DIRS = ("app/custom", "tests/custom")
"""The user's own files, copied from the workspace into the staged tree."""
SHOWN = 20
"""Diagnostics sent back per failed try, at most."""
OUTPUT_TAIL = 3000


@dataclass(frozen=True)
class Verdict:
    """What the staged tree said of one candidate."""

    passed: bool
    stage: str
    """The failed rung (``compile``, ``mypy``, ``import``, ``tests``); ``passed``."""
    report: str
    """The diagnostics as the model reads them (empty when passed)."""
    seconds: float = 0.0


class Stage:
    """One scratch tree for a realize run (``root`` must be a fresh directory)."""

    def __init__(self, root: Path, workspace: Path | None = None,
                 migrations: Sequence[MigrationSlice] = (), cache: Path | None = None,
                 warm: Path | None = None) -> None:
        self.root = root
        self.tree = root / "workspace"
        self.cache = cache or root / "mypy-cache"
        """mypy's incremental cache (``cache``: one that outlives the run)."""
        self.warm = warm
        """The project's warm verifier directory (None: every try judged cold)."""
        self.workspace = workspace
        self.migrations = tuple(migrations)
        self._written: dict[str, str] = {}

    def write(self, spec: ProjectSpec) -> None:
        """Make the staged tree the generation of ``spec`` (only changed files written)."""
        files = generate_files(spec, self.migrations)
        for path in set(self._written) - set(files):
            (self.tree / path).unlink(missing_ok=True)
        for path, text in files.items():
            if self._written.get(path) != text:
                target = self.tree / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        if not self._written and self.workspace is not None:
            for folder in USER_DIRS:
                source = self.workspace / folder
                if source.is_dir():
                    shutil.copytree(source, self.tree / folder, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("__pycache__"))
        self._written = files

    def judge(self, spec: ProjectSpec, op_id: str) -> Verdict:
        """Write ``spec``'s tree and run compile, mypy --strict and the operation's tests."""
        self.write(spec)
        test = f"tests/test_{op_id}.py"
        targets = [test] if (self.tree / test).is_file() else []
        result = run_ladder(self.tree, rungs=("compile", "mypy", "tests") if targets
                            else ("compile", "mypy"), cache_dir=self.cache,
                            test_targets=targets, warm=self.warm)
        return verdict(result, f"app/realized/{op_id}.py")


def verdict(result: LadderResult, module: str) -> Verdict:
    failed = next((r for r in result.rungs if r.status == "failed"), None)
    if failed is None:
        return Verdict(True, "passed", "", result.seconds)
    own = [d for d in failed.diagnostics if d.file == module]
    shown: list[RungDiagnostic] = (own or list(failed.diagnostics))[:SHOWN]
    lines = [str(d) if failed.name != "tests" else f"{d.code or d.location()}: {d.message}"
             for d in shown]
    more = len(failed.diagnostics) - len(shown)
    if more > 0:
        lines.append(f"(+{more} more)")
    report = "\n".join(lines)
    if failed.name == "tests" and failed.output:
        report += "\n\npytest output (tail):\n" + failed.output[-OUTPUT_TAIL:]
    return Verdict(False, failed.name, report or failed.summary, result.seconds)
