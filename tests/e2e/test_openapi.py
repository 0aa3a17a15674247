"""The generated backends' OpenAPI documents: valid, and declaring their error responses.

todo and bbs (fixtures/) are built, AutoBe's gpt-4.1 shopping example imported (slow). Each
backend's ``create_app().openapi()`` is made in a subprocess inside its workspace and
validated by openapi-spec-validator (a maintained validator of OpenAPI 3.0 / 3.1
documents). What it must declare is read from the project's spec, not from the generated
code: every operation a principal must call (the access model's ``callers``: a privileged
actor's join too) declares 401 and 403, login and refresh 401, every operation with path
parameters 404, every create / update of a model with a unique index 409, every
operation 422 and every unrealized one 501, all with the one error schema ``ErrorBody``;
FastAPI's ``HTTPValidationError`` is gone. Over real HTTP (uvicorn on loopback), an
unknown route, a wrong method, a malformed body and a malformed path parameter answer
that shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from autobe_core.service import ProjectService
from autobe_core.spec.access import callers
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import path_parameters
from tests.e2e.backends import EXAMPLES, build, openapi_document, served

ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
SHOPPING = "example:openai__gpt-4.1/shopping"

SOURCES = [
    pytest.param("fixture:todo", marks=pytest.mark.xdist_group("openapi_todo"), id="todo"),
    pytest.param("fixture:bbs", marks=pytest.mark.xdist_group("openapi_bbs"), id="bbs"),
    pytest.param(SHOPPING, id="shopping", marks=[
        pytest.mark.slow, pytest.mark.xdist_group("openapi_shopping"),
        pytest.mark.skipif(not EXAMPLES.is_dir(),
                           reason=f"the AutoBe examples are not at {EXAMPLES}")]),
]


@pytest.fixture(scope="module", params=SOURCES)
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = str(request.param)
    name = source.replace(":", "/").rpartition("/")[2]
    return build(source, tmp_path_factory.mktemp("openapi") / name)


@pytest.fixture(scope="module")
def document(project: Path) -> dict[str, Any]:
    return openapi_document(project)


def expected_errors(spec: ProjectSpec, op: Operation) -> set[str]:
    """The error statuses ``op`` must declare, from the spec's meaning."""
    expected = {"422"}
    if not callers(spec, op).public:  # a principal must call it (a privileged join too)
        expected |= {"401", "403"}
    elif op.kind in ("login", "refresh"):  # credentials checked
        expected.add("401")
    if path_parameters(op.path):
        expected.add("404")
    model = spec.model(op.model) if op.model else None
    if model is None or op.kind == "custom":
        expected.add("501")
    elif op.kind in ("create", "update") and model.unique_indexes:
        expected.add("409")
    return expected


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises OpenAPIValidationError, naming the place, when invalid
    assert document["openapi"].startswith("3.")


def test_every_operation_declares_its_errors_with_the_one_error_schema(
    project: Path, document: dict[str, Any],
) -> None:
    spec = ProjectService.open(project).spec()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    error_body = schemas["ErrorBody"]
    assert set(error_body["required"]) == {"code", "message"}
    assert set(error_body["properties"]) == {"code", "message", "details"}
    expected = {(op.method, op.path): expected_errors(spec, op) for op in spec.operations}
    missing: list[str] = []
    for path, item in document["paths"].items():
        if path == "/health":  # its 503 is a health report (IHealth), not an error
            continue
        for method, operation in item.items():
            responses = operation["responses"]
            if (method, path) in expected:
                wanted = expected.pop((method, path))
            else:  # a route of no spec operation (a logout): declares its caller's errors
                wanted = {"422"} | ({"401", "403"} if operation.get("security") else set())
            if not wanted <= set(responses):
                missing.append(f"{method.upper()} {path}: {sorted(wanted - set(responses))}")
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == ERROR_REF, (method, path, status, schema)
    assert not expected, f"operations missing from the document: {sorted(expected)[:10]}"
    assert not missing, "\n".join(missing[:30])


def assert_error_shape(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) <= {"code", "message", "details"}, body
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    return body


def test_errors_answer_the_error_shape_over_http(
    project: Path, document: dict[str, Any], tmp_path: Path,
) -> None:
    with_body = [(method, path) for path, item in document["paths"].items()
                 for method, operation in item.items() if "requestBody" in operation]
    with_uuid = [(method, path, "401" in operation["responses"])
                 for path, item in document["paths"].items()
                 for method, operation in item.items()
                 if any(p["in"] == "path" and p["schema"].get("format") == "uuid"
                        for p in operation.get("parameters", []))]
    assert with_body and with_uuid
    with_uuid.sort(key=lambda case: case[2])  # public operations first
    with served(project, tmp_path) as base, httpx.Client(base_url=base, timeout=30) as http:
        assert_error_shape(http.get("/no/such/route"), 404, "not_found")
        wrong = assert_error_shape(http.delete("/health"), 405, "method_not_allowed")
        assert wrong["message"]
        for method, path in with_body[:5]:
            url = path.replace("{", "").replace("}", "")
            answer = http.request(method.upper(), url, content=b'{"unterminated',
                                  headers={"content-type": "application/json"})
            body = assert_error_shape(answer, 422, "invalid_request")
            assert body["details"] and body["details"][0]["type"] == "json_invalid", body
        for method, path, needs_principal in (with_uuid[0], with_uuid[-1]):
            bad = "/".join("not-a-uuid" if s.startswith("{") else s for s in path.split("/"))
            answer = http.request(method.upper(), bad, json={})
            if needs_principal:  # the caller is checked first: no token, 401
                assert_error_shape(answer, 401, "unauthorized")
                assert answer.headers["www-authenticate"] == "Bearer"
            else:
                body = assert_error_shape(answer, 422, "invalid_request")
                assert any(d["loc"][0] == "path" for d in body["details"]), body
