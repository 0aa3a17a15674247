"""API errors, every one answered with the one error shape :class:`ErrorBody`:
``{"code": ..., "message": ..., "details": [...]}`` (``details`` only when there are some).

Raised errors (:class:`ApiError` and its kinds), integrity violations (409), invalid
requests (422: one detail per problem), unknown routes (404) and wrong methods (405) all
answer it. Invalid requests are rendered so that whatever the client sent and the errors
echo (a lone surrogate, NaN) is valid JSON: ASCII with escapes, non-finite numbers as
strings. :func:`error_responses` declares the shape in the OpenAPI document, replacing
FastAPI's default ``HTTPValidationError``.
"""

from __future__ import annotations

import json
import math
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException


class ErrorDetail(BaseModel):
    """One problem of an invalid request: where (``loc``), what (``msg``), which kind."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    code: str = Field(description="A stable machine-readable name, e.g. not_found.")
    message: str = Field(description="What went wrong, for a human.")
    details: list[ErrorDetail] = Field(
        default_factory=list, description="Invalid requests (422): one entry per problem.")


ERROR_DESCRIPTIONS: dict[int, str] = {
    401: "Unauthorized: a valid bearer token (or valid credentials) is required.",
    403: "Forbidden: the caller's actor or account may not do this.",
    404: "Not found: a row the path names does not exist or is not visible to the caller.",
    409: "Conflict: the request breaks a unique value or refers to a missing row.",
    422: "Invalid request: the body, path or query does not match the declared schema.",
    501: "Not implemented: this operation is declared but not realized yet.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each of ``statuses`` answered with :class:`ErrorBody`."""
    return {status: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]}
            for status in statuses}


class ApiError(Exception):
    """An error the API answers with ``status`` and a JSON body."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class NotFoundError(ApiError):
    def __init__(self, message: str = "not found") -> None:
        super().__init__(404, "not_found", message)


class ConflictError(ApiError):
    def __init__(self, message: str = "the request conflicts with existing data") -> None:
        super().__init__(409, "conflict", message)


class ForbiddenError(ApiError):
    def __init__(self, message: str = "forbidden") -> None:
        super().__init__(403, "forbidden", message)


class UnauthorizedError(ApiError):
    def __init__(self, message: str = "unauthorized") -> None:
        super().__init__(401, "unauthorized", message)


class NotImplementedOperation(ApiError):
    def __init__(self, message: str = "not implemented") -> None:
        super().__init__(501, "not_implemented", message)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, ApiError):
        raise exc
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse(
        status_code=exc.status,
        content={"code": exc.code, "message": exc.message},
        headers=headers,
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=409,
        content={"code": "conflict", "message": "the request conflicts with existing data"},
    )


HTTP_MESSAGES: dict[int, tuple[str, str]] = {
    404: ("not_found", "no operation matches this path"),
    405: ("method_not_allowed", "this path does not accept this method"),
}
"""Status -> (code, message) of the errors Starlette raises itself (routing)."""


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, HTTPException):
        raise exc
    phrase = HTTPStatus(exc.status_code).phrase
    code, message = HTTP_MESSAGES.get(
        exc.status_code, (phrase.lower().replace(" ", "_").replace("-", "_"), phrase.lower()))
    if isinstance(exc.detail, str) and exc.detail != phrase:
        message = exc.detail
    return JSONResponse(status_code=exc.status_code,
                        content={"code": code, "message": message}, headers=exc.headers)


class EscapedJSONResponse(JSONResponse):
    """JSON as ASCII: every character outside it escaped, lone surrogates included."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False,
                          separators=(",", ":")).encode("ascii")


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats as strings (JSON has no NaN or Infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def _where(detail: Any) -> str:
    loc = detail.get("loc") if isinstance(detail, dict) else None
    return ".".join(str(part) for part in loc) if isinstance(loc, list) and loc else "request"


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise exc
    details = _finite(jsonable_encoder(exc.errors()))
    message = "the request is invalid"
    if details:
        first = details[0]
        message += f": {_where(first)}: {first.get('msg', 'invalid')}"
        if len(details) > 1:
            message += f" (and {len(details) - 1} more)"
    return EscapedJSONResponse(
        status_code=422,
        content={"code": "invalid_request", "message": message, "details": details},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer ``ApiError``s with their status, integrity violations with 409, invalid
    requests with 422 (whatever they hold), unknown routes and methods with 404 / 405:
    all with :class:`ErrorBody`'s shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
