"""Every error answers the one error shape ``{code, message, details}`` (``app.errors.
ErrorBody``): unknown routes, wrong methods and malformed requests too; the OpenAPI
document declares that shape instead of FastAPI's ``HTTPValidationError``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from app.errors import ErrorBody, install_error_handlers
from app.main import create_app

MALFORMED = b'{"not json'


def assert_error_shape(body: Any, code: str) -> ErrorBody:
    assert isinstance(body, dict) and set(body) <= {"code", "message", "details"}, body
    error = ErrorBody.model_validate(body)
    assert error.code == code and error.message, body
    return error


def test_an_unknown_route_answers_the_error_shape(client: TestClient) -> None:
    response = client.get("/no/such/route/anywhere")
    assert response.status_code == 404, response.text
    assert_error_shape(response.json(), "not_found")


def test_a_wrong_method_answers_the_error_shape(client: TestClient) -> None:
    response = client.delete("/health")
    assert response.status_code == 405, response.text
    assert "GET" in response.headers["allow"]
    assert_error_shape(response.json(), "method_not_allowed")


class Sample(BaseModel):
    count: int


def test_an_invalid_body_answers_the_error_shape_with_one_detail_per_problem() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/sample")
    def sample(body: Sample) -> int:
        return body.count

    with TestClient(app) as sample_client:
        response = sample_client.post("/sample", json={"count": "many"})
        assert response.status_code == 422, response.text
        error = assert_error_shape(response.json(), "invalid_request")
        assert [d.loc for d in error.details] == [["body", "count"]], response.text
        assert "body.count" in error.message
        malformed = sample_client.post("/sample", content=MALFORMED,
                                       headers={"content-type": "application/json"})
        assert malformed.status_code == 422, malformed.text
        assert_error_shape(malformed.json(), "invalid_request")


def _operations_with_a_body() -> list[tuple[str, str]]:
    document = create_app().openapi()
    return [(method, path) for path, item in document["paths"].items()
            for method, operation in item.items() if "requestBody" in operation]


def test_a_malformed_body_answers_the_error_shape_on_every_operation(
    client: TestClient,
) -> None:
    operations = _operations_with_a_body()
    if not operations:
        pytest.skip("no operation of this backend takes a body")
    for method, path in operations:
        url = path.replace("{", "").replace("}", "")
        response = client.request(method.upper(), url, content=MALFORMED,
                                  headers={"content-type": "application/json"})
        assert response.status_code == 422, (method, path, response.text)
        error = assert_error_shape(response.json(), "invalid_request")
        assert error.details, (method, path, response.text)


def test_the_document_declares_the_error_shape() -> None:
    document = create_app().openapi()
    schemas = document.get("components", {}).get("schemas", {})
    assert "HTTPValidationError" not in schemas
    for path, item in document["paths"].items():
        if path == "/health":
            continue
        for method, operation in item.items():
            invalid = operation["responses"]["422"]["content"]["application/json"]
            assert invalid["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, (
                method, path)
