"""Serving the MCP server over streamable HTTP, guarded as the settings ask."""

import hmac

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.settings import Settings, url_host

# The names a client on this machine uses for a server bound to loopback.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def http_app(server: MCPServer, settings: Settings) -> ASGIApp:
    """The ASGI app serving `/mcp` (stateless, so replicas share nothing)."""

    @server.custom_route("/healthz", methods=["GET"])
    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    app = server.streamable_http_app(
        stateless_http=True,
        json_response=True,
        transport_security=transport_security(settings),
        host=settings.host,
    )
    if settings.access_key is None:
        return app
    return AccessKeyGuard(app, settings.access_key.get_secret_value())


def transport_security(settings: Settings) -> TransportSecuritySettings:
    """The Host and Origin values accepted, against DNS rebinding.

    Off loopback the SDK cannot guess the names clients use, so the settings
    list them. On loopback the SDK guards 127.0.0.1, localhost and ::1 on its
    own but leaves any other loopback address (127.0.0.2, [::1]) open, so the
    names are always given here.
    """
    if not settings.binds_loopback:
        return TransportSecuritySettings(
            allowed_hosts=settings.allowed_hosts,
            allowed_origins=[f"https://{host}" for host in settings.allowed_hosts],
        )

    names = dict.fromkeys([*LOOPBACK_NAMES, url_host(settings.host)])
    return TransportSecuritySettings(
        allowed_hosts=[f"{name}:*" for name in names],
        allowed_origins=[f"http://{name}:*" for name in names],
    )


class AccessKeyGuard:
    """Answer 401 to any request that does not carry the server's access key.

    The key is the server's own, never the Jump Desktop token: that one stays
    on the server and is not accepted from clients.
    """

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.expected = f"Bearer {key}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != "/healthz":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                response = JSONResponse(
                    {"error": "missing or wrong access key"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def serve_http(server: MCPServer, settings: Settings) -> None:
    """Serve until interrupted; uvicorn logs to stderr like everything else."""
    config = uvicorn.Config(
        http_app(server, settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,
        lifespan="on",
    )
    uvicorn.Server(config).run()
