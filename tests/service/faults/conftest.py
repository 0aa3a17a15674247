"""Fixtures of the fault-injection tests: no ambient configuration, and one lab of
prepared projects per worker (copied for each scenario, never changed)."""

from __future__ import annotations

import pytest

from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.service.faults.harness import Lab
from tests.service.test_state_robustness import small_disk

__all__ = ["small_disk"]  # a fixture the full-disk tests use


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_URL_ENV, raising=False)
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "faults")


@pytest.fixture(scope="package")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Lab:
    return Lab(tmp_path_factory)
