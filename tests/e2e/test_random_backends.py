"""Property: every valid spec yields a backend that passes mypy --strict and its own tests.

Random small specs (tests/strategies.py) are validated, built cleanly with the migration a
new project records (every table created) and sent up the whole recompile ladder. Each
example costs a real mypy and pytest run, so the default suite draws a few; the slow
marker runs more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from autobe_core.build.builder import clean_build
from autobe_core.generate import initial_chain
from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.validation.engine import validate
from autobe_core.verify import run_ladder
from tests.strategies import specs

MYPY_CACHE = Path(tempfile.gettempdir()) / "autobe-test-mypy-cache"


def assert_backend_green(spec: ProjectSpec) -> None:
    problems = [d.render() for d in validate(spec) if d.severity == "error"]
    assert not problems, "the strategy drew an invalid spec:\n" + "\n".join(problems)
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "backend"
        clean_build(spec, workspace, migrations=initial_chain(spec, "create"))
        result = run_ladder(workspace, cache_dir=MYPY_CACHE)
        failures = [
            f"{r.name}: {r.summary}\n" + "\n".join(f"  {d.file}:{d.line}: {d.message}"
                                                  for d in r.diagnostics[:20])
            for r in result.rungs if r.status == "failed"
        ]
        assert result.ok, "\n".join(failures) + "\n" + spec.model_dump_json(by_alias=True)


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs())
def test_random_specs_yield_green_backends(spec: ProjectSpec) -> None:
    assert_backend_green(spec)


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(spec=specs())
def test_more_random_specs_yield_green_backends(spec: ProjectSpec) -> None:
    assert_backend_green(spec)
