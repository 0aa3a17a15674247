"""API errors, rendered as JSON ``{"code": ..., "message": ...}``.

Invalid requests answer 422 with FastAPI's usual ``{"detail": [...]}``, rendered so that
whatever the client sent and the errors echo (a lone surrogate, NaN) is valid JSON: ASCII
with escapes, non-finite numbers as strings.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError


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


async def _invalid_request(request: Request, exc: Exception) -> JSONResponse:
    if not isinstance(exc, RequestValidationError):
        raise exc
    detail = _finite(jsonable_encoder(exc.errors()))
    return EscapedJSONResponse(status_code=422, content={"detail": detail})


def install_error_handlers(app: FastAPI) -> None:
    """Answer ``ApiError``s with their status, integrity violations with 409 and invalid
    requests with 422 (whatever they hold)."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
