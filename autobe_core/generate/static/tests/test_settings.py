"""The token signing secret: the app does not start without a usable ``AUTOBE_JWT_SECRET``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import JWT_SECRET_ENV, MIN_SECRET_LENGTH, SettingsError


def test_app_without_secret_does_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(JWT_SECRET_ENV)
    with pytest.raises(SettingsError, match=f"{JWT_SECRET_ENV} is not set"), \
            TestClient(create_app()):
        pass


def test_app_with_short_secret_does_not_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(JWT_SECRET_ENV, "x" * (MIN_SECRET_LENGTH - 1))
    with pytest.raises(SettingsError, match="too short"), TestClient(create_app()):
        pass
