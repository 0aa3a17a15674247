"""``GET /health``: the test database answers and is at this backend's head migration."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import head_revision


def test_health_reports_the_database_ready(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok", body
    assert body["head"] == head_revision()
