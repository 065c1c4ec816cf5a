"""The sandbox application: a simulated Jump Desktop Cloud API under ``/v1``."""

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import Authentication
from .errors import ApiError, handle_api_error, handle_http_exception
from .faults import FaultInjection, Faults
from .routes import api_routes
from .seed import seeded_world
from .world import World

# Enough for any test that counts calls, small enough for a long demo run.
MAX_LOGGED_REQUESTS = 10_000


class RequestLog:
    """ASGI middleware appending ``(method, path)`` of every request to
    ``app.state.requests``, keeping only the latest ``MAX_LOGGED_REQUESTS``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            requests: list[tuple[str, str]] = scope["app"].state.requests
            requests.append((scope["method"], scope["path"]))
            if len(requests) > MAX_LOGGED_REQUESTS:
                del requests[: len(requests) - MAX_LOGGED_REQUESTS]

        await self.app(scope, receive, send)


def create_app(world: World | None = None, faults: Faults | None = None) -> Starlette:
    """Build the sandbox API app over ``world`` (default: a fresh seeded world).

    The app's state holds ``world`` (changed by the writes it serves),
    ``faults`` (change its fields to make the next responses fail) and
    ``requests`` (every ``(method, path)`` served, oldest first).
    """
    app = Starlette(
        routes=[Mount("/v1", routes=api_routes())],
        middleware=[
            Middleware(RequestLog),
            Middleware(FaultInjection),
            Middleware(Authentication),
        ],
        exception_handlers={
            ApiError: handle_api_error,
            HTTPException: handle_http_exception,
        },
    )

    app.state.world = seeded_world() if world is None else world
    app.state.faults = Faults() if faults is None else faults
    app.state.requests = []

    return app
