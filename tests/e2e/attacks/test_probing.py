"""Probing: unknown routes, wrong methods and bodies that are not JSON answer the one
error shape and leak nothing of the framework.
"""

from __future__ import annotations

import uuid

from tests.e2e.attacks.target import Target, refused
from tests.e2e.backends import request_schema


def test_unknown_routes_and_methods_answer_the_error_shape(target: Target) -> None:
    refused(target.http.get("/no/such/route"), 404, "not_found")
    refused(target.http.get("/../../etc/passwd"), 404, "not_found")
    refused(target.http.get("/docs/../admin"), 404, "not_found")
    refused(target.http.request("PURGE", "/health"), 405, "method_not_allowed")
    refused(target.http.delete("/health"), 405, "method_not_allowed")


def test_a_body_that_is_not_json_is_422_on_every_operation(target: Target) -> None:
    for op in target.spec.operations:
        if request_schema(target.document, op.method, op.path) is None:
            continue
        path = "/".join(str(uuid.uuid4()) if s.startswith("{") else s
                        for s in op.path.split("/"))
        answer = target.http.request(op.method.upper(), path, content=b'{"a": [1, 2',
                                     headers={"content-type": "application/json"})
        refused(answer, 422, "invalid_request")
