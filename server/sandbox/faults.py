"""Faults the tests switch on at runtime: slowness, rate limits, outages, junk.

Tests change the fields of the app's ``Faults`` while it runs; each
counter says how many of the next matching responses go wrong and counts
down as they are served.
"""

from dataclasses import dataclass

import anyio
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response

_MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Jump Desktop</title></head>"
    "<body><h1>We'll be right back</h1>"
    "<p>Jump Desktop is undergoing scheduled maintenance.</p></body></html>"
)


@dataclass
class Faults:
    """What goes wrong with the next responses.

    ``latency`` seconds are added to every matching response. The next
    ``rate_limit`` responses are 429 (with ``Retry-After: retry_after``
    unless that is None), then the next ``server_error`` responses carry
    ``server_error_status``, then the next ``malformed`` responses are a
    200 with an HTML page instead of JSON. ``path_contains`` limits all of
    it to request paths containing that text.
    """

    latency: float = 0.0
    rate_limit: int = 0
    retry_after: int | None = 1
    server_error: int = 0
    server_error_status: int = 503
    malformed: int = 0
    path_contains: str | None = None

    def applies_to(self, path: str) -> bool:
        return self.path_contains is None or self.path_contains in path

    def take_response(self) -> Response | None:
        """Use up one fault and return its response, or None if none is due."""
        if self.rate_limit > 0:
            self.rate_limit -= 1
            return _rate_limited(self.retry_after)

        if self.server_error > 0:
            self.server_error -= 1
            detail = "The service is temporarily unavailable; try again shortly."
            return error_response(self.server_error_status, detail)

        if self.malformed > 0:
            self.malformed -= 1
            return HTMLResponse(_MAINTENANCE_PAGE, status_code=200)

        return None


def _rate_limited(retry_after: int | None) -> Response:
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    detail = "Too many requests; slow down and try again."

    return error_response(429, detail, headers=headers)


class FaultInjection:
    """ASGI middleware that applies the app's current ``Faults`` to each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        faults: Faults = scope["app"].state.faults
        if not faults.applies_to(scope["path"]):
            await self.app(scope, receive, send)
            return

        if faults.latency > 0:
            await anyio.sleep(faults.latency)

        response = faults.take_response()
        if response is None:
            await self.app(scope, receive, send)
        else:
            await response(scope, receive, send)
