"""Bearer-token authentication: which user a request acts as.

Every request, even one for an unknown route, needs a known token; the
user id it acts as is left in the request state as ``user_id``.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import error_response
from .world import World


def bearer_token(scope: Scope) -> str | None:
    """Return the token of an ``Authorization: Bearer <token>`` header, if any."""
    for name, value in scope["headers"]:
        if name != b"authorization":
            continue

        scheme, _, token = value.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()

    return None


class Authentication:
    """ASGI middleware answering 401 unless the request carries a known token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        world: World = scope["app"].state.world
        token = bearer_token(scope)
        user_id = world.tokens.get(token) if token else None

        if user_id is None:
            response = error_response(401, _why_unauthorised(token), "unauthorized")
            await response(scope, receive, send)
            return

        scope.setdefault("state", {})["user_id"] = user_id
        await self.app(scope, receive, send)


def _why_unauthorised(token: str | None) -> str:
    if token is None:
        return (
            "No bearer token: send 'Authorization: Bearer <token>' with a token "
            "made in the dashboard under Security."
        )

    return "The bearer token is not valid; it may have been revoked."
