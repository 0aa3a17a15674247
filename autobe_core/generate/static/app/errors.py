"""API errors, rendered as JSON ``{"code": ..., "message": ...}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
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


def install_error_handlers(app: FastAPI) -> None:
    """Answer ``ApiError``s with their status and integrity violations with 409."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
