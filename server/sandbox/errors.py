"""Failures, answered the way the API answers every failure.

The body is always ``{"errors": [{"code", "detail", "status"}]}`` with the
status repeated as the HTTP status code.
"""

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


class ApiError(Exception):
    """Raised by a route to answer with an error body instead of a result."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def code_for(status: int) -> str:
    """Return the generic error code of an HTTP status."""
    return _CODES.get(status, "error")


def error_response(
    status: int,
    detail: str,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build an error answer; ``code`` defaults to the status's generic code."""
    error = {"code": code or code_for(status), "detail": detail, "status": status}

    return JSONResponse({"errors": [error]}, status_code=status, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.detail, exc.code)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Answer routing failures (unknown path, wrong method) with the error body."""
    assert isinstance(exc, HTTPException)

    if exc.status_code == 404:
        detail = f"There is no API route {request.method} {request.url.path}."
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        detail = (
            f"{request.method} is not allowed on {request.url.path}; use {allowed}."
        )
    else:
        detail = exc.detail

    return error_response(exc.status_code, detail, headers=exc.headers)
