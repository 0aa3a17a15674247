"""The refusal corpus through the real command line: ``autobe change TEXT`` on a real
project refuses junk, ambiguous, unsupported, unknown, unsafe and already-satisfied
requests with one ``error:`` message, a non-zero exit and nothing changed: the head
revision, every byte of the generated backend and of the project's files stay as they were.

Up to two refusals of each kind per fixture (tests/data/requests/refusals.yaml), on one
project per fixture, no LLM configured.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from tests.e2e.test_cli_inputs import head, run, tree_digest
from tests.request_corpus import FIXTURES, REFUSAL_KINDS, Refusal, load_refusals

PER_KIND = 2


def chosen(fixture: str) -> list[Refusal]:
    out: list[Refusal] = []
    for kind in REFUSAL_KINDS:
        out += [r for r in load_refusals() if r.project == fixture and r.kind == kind][:PER_KIND]
    return out


@pytest.mark.parametrize(
    "fixture",
    [pytest.param(f, marks=pytest.mark.xdist_group(f"refusals_cli_{f}")) for f in FIXTURES],
)
def test_refusals_change_nothing_through_the_cli(
    fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AUTOBE_LLM_MODEL", "AUTOBE_LLM_BASE_URL", "AUTOBE_LLM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    project = tmp_path / "project"
    created = run("init", project, "--from", FIXTURES[fixture])
    assert created.exit_code == 0, created.output
    refusals = chosen(fixture)
    assert len(refusals) >= 10, [r.text for r in refusals]
    revision = head(project)
    files = tree_digest(project)
    assert any(path.startswith("backend") for path in files)
    failures: list[str] = []
    for refusal in refusals:
        result = run("-C", project, "change", refusal.text, "--yes", "--no-verify")
        problem = _problem(result)
        if not problem and head(project) != revision:
            problem = "a revision was recorded"
        if not problem and tree_digest(project) != files:
            problem = "the project's files changed"
        if problem:
            failures.append(f"{refusal.kind} {refusal.text!r}: {problem}\n{result.output}")
            revision, files = head(project), tree_digest(project)  # judge the rest afresh
    assert not failures, "\n".join(failures)


def _problem(result: Result) -> str | None:
    if result.exit_code == 0:
        return "exit code 0: the request was applied"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"crashed: {result.exception!r}"
    if "Traceback" in result.output or "internal error" in result.output:
        return "a traceback or internal error was printed"
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if not lines or not lines[0].startswith("error:"):
        return "standard error does not start with one 'error:' message"
    if sum(line.startswith("error:") for line in lines) != 1:
        return "more than one 'error:' message"
    return None
