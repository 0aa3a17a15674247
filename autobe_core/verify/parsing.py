"""Reading tool output back into diagnostics: mypy lines, Python tracebacks, JUnit XML."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from autobe_core.verify.result import RungDiagnostic

MYPY_LINE = re.compile(
    r"^(?P<file>[^:\n]+?):(?:(?P<line>\d+):(?:(?P<col>\d+):)?)? "
    r"(?P<severity>error|note|warning): (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
"""``app/main.py:3: error: Missing return statement  [return]`` (column optional)."""

FRAME_LINE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')
"""A traceback frame: ``  File "/ws/app/main.py", line 3, in <module>``."""

PYTEST_LOCATION = re.compile(
    r"^[ \t]*(?P<file>[^\s:][^:\n]*\.py):(?P<line>\d+):(?P<rest>.*)$", re.M
)
"""The location line pytest ends a long traceback with: ``tests/test_a.py:7: AssertionError``."""


def relative_file(path: str, workspace: Path) -> str:
    """``path`` (absolute, or relative to the workspace) as a workspace-relative POSIX
    path when it lies inside the workspace; otherwise as given."""
    root = os.path.realpath(workspace)
    absolute = os.path.realpath(os.path.join(root, path))
    if absolute == root or absolute.startswith(root + os.sep):
        return Path(os.path.relpath(absolute, root)).as_posix()
    return path.replace("\\", "/")


def inside(path: str, workspace: Path) -> bool:
    """Whether ``path`` names an existing file inside the workspace (not a
    pseudo-file such as ``<string>``)."""
    if not path or path.startswith("<"):
        return False
    root = os.path.realpath(workspace)
    absolute = os.path.realpath(os.path.join(root, path))
    return absolute.startswith(root + os.sep) and os.path.isfile(absolute)


# --------------------------------------------------------------------------- mypy


def parse_mypy(output: str, workspace: Path) -> list[RungDiagnostic]:
    """Errors of mypy's plain output, each with the notes that follow it appended."""
    found: list[RungDiagnostic] = []
    for raw in output.splitlines():
        match = MYPY_LINE.match(raw.rstrip())
        if not match:
            continue
        file = relative_file(match["file"], workspace)
        line = int(match["line"]) if match["line"] else None
        if match["severity"] == "note":
            last = found[-1] if found else None
            if last is not None and last.file == file and last.line == line:
                found[-1] = RungDiagnostic(
                    last.file, last.line, f"{last.message}\nnote: {match['message']}", last.code
                )
            continue
        found.append(RungDiagnostic(file, line, match["message"], match["code"]))
    return found


# --------------------------------------------------------------------------- tracebacks


def traceback_diagnostic(output: str, workspace: Path) -> RungDiagnostic | None:
    """The exception of the last traceback in ``output``: its final line as the
    message, located at the innermost frame inside the workspace."""
    lines = [line.rstrip() for line in output.splitlines()]
    start = max((i for i, line in enumerate(lines) if line.startswith("Traceback ")), default=-1)
    if start < 0:
        return None
    body = lines[start:]
    message = next((line for line in reversed(body) if line and not line.startswith(" ")), "")
    if not message or message.startswith("Traceback "):
        return None
    file: str | None = None
    number: int | None = None
    for line in body:
        frame = FRAME_LINE.match(line)
        if frame and inside(frame["file"], workspace):
            file, number = relative_file(frame["file"], workspace), int(frame["line"])
    exc_name = message.split(":", 1)[0].strip()
    code = exc_name if re.fullmatch(r"[A-Za-z_][\w.]*", exc_name) else None
    return RungDiagnostic(file, number, message, code)


def exception_line(output: str) -> str | None:
    """The exception that ended the last traceback in ``output``: the first unindented
    line after its frames (``OSError: [Errno 28] No space left on device``), whatever
    the tool printed after it."""
    lines = [line.rstrip() for line in output.splitlines()]
    start = max((i for i, line in enumerate(lines) if line.startswith("Traceback ")), default=-1)
    if start < 0:
        return None
    return next((line for line in lines[start + 1:] if line and not line[0].isspace()), None)


# --------------------------------------------------------------------------- junit


CROSS_ACCOUNT_PREFIX = "test_cross_account_"
"""The name the generated cross-account tests start with
(:mod:`autobe_core.generate.kinds.test.access`)."""


@dataclass
class JUnitReport:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    failures: list[RungDiagnostic] = field(default_factory=list)
    """One per failed or erroring test case."""
    cross_account: int = 0
    """Passed cases named ``test_cross_account_*``: the generated tests of the access
    model (another account's ids through every nested route are refused)."""

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    def counts(self) -> dict[str, int]:
        counts = {"passed": self.passed, "failed": self.failed, "errors": self.errors,
                  "skipped": self.skipped, "total": self.total}
        if self.cross_account:
            counts["cross_account"] = self.cross_account
        return counts


def parse_junit(xml_text: str, workspace: Path) -> JUnitReport:
    """Counts and failures of a pytest ``--junitxml`` report.

    A test case counts once: failed if it has a ``<failure>``, else an error if it has
    an ``<error>`` (setup/teardown or collection), else skipped, else passed.
    """
    root = ET.fromstring(xml_text)
    report = JUnitReport()
    for case in root.iter("testcase"):
        failure = case.find("failure")
        error = case.find("error")
        problem = failure if failure is not None else error
        if problem is None:
            if case.find("skipped") is not None:
                report.skipped += 1
            else:
                report.passed += 1
                if case.get("name", "").startswith(CROSS_ACCOUNT_PREFIX):
                    report.cross_account += 1
            continue
        if failure is not None:
            report.failed += 1
        else:
            report.errors += 1
        report.failures.append(_case_diagnostic(case, problem, workspace))
    return report


def _case_diagnostic(case: ET.Element, problem: ET.Element, workspace: Path) -> RungDiagnostic:
    classname = case.get("classname", "")
    name = case.get("name", "")
    test_id = f"{classname}.{name}" if classname else name
    text = problem.text or ""
    raised = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    attribute = (problem.get("message") or "").strip().split("\n", 1)[0]
    if problem.tag == "error" and raised:  # "collection failure", "failed on setup with ..."
        message = raised[-1]
    else:
        message = attribute or (raised[-1] if raised else _last_line(text)) or problem.tag
    file: str | None = None
    line: int | None = None
    for match in PYTEST_LOCATION.finditer(text):
        if inside(match["file"], workspace):
            file, line = relative_file(match["file"], workspace), int(match["line"])
    if file is None and case.get("file"):
        file = relative_file(case.get("file", ""), workspace)
        line = int(case.get("line", "0")) + 1 if case.get("line") else None
    kind = "failed" if problem.tag == "failure" else "error"
    return RungDiagnostic(file, line, f"{test_id} {kind}: {message}", test_id)


def _last_line(text: str) -> str:
    return next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
