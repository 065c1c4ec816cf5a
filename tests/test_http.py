"""The HTTP app: stateless JSON answers, the access key, and Host checks."""

from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.http import http_app
from tests.conftest import make_settings
from tests.loopback import serving

pytestmark = pytest.mark.anyio

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "0"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


def guarded_app(sandbox: Any, **settings: Any) -> Any:
    config = make_settings(**settings)
    server = build_server(config, transport=httpx.ASGITransport(app=sandbox))
    return http_app(server, config)


async def test_http_without_the_access_key_is_refused(sandbox: Any) -> None:
    app = guarded_app(sandbox, access_key="k-123")

    with serving(app) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            refused = await http.post("/mcp", json=INITIALIZE, headers=MCP_HEADERS)
            wrong = await http.post(
                "/mcp",
                json=INITIALIZE,
                headers={**MCP_HEADERS, "Authorization": "Bearer nope"},
            )
            health = await http.get("/healthz")

    assert refused.status_code == wrong.status_code == 401
    assert "k-123" not in refused.text
    assert health.status_code == 200


async def test_http_with_the_access_key_serves_tools(sandbox: Any) -> None:
    app = guarded_app(sandbox, access_key="k-123")

    with serving(app) as url:
        http = httpx.AsyncClient(headers={"Authorization": "Bearer k-123"})
        async with http:
            answer = await http.post(f"{url}/mcp", json=INITIALIZE, headers=MCP_HEADERS)

    assert answer.status_code == 200
    assert answer.json()["result"]["serverInfo"]["name"] == "jumpdesktop-mcp"


async def test_http_off_loopback_checks_the_host_header(sandbox: Any) -> None:
    app = guarded_app(
        sandbox, host="0.0.0.0", access_key="k", allowed_hosts=["mcp.example:8787"]
    )
    headers = {**MCP_HEADERS, "Authorization": "Bearer k"}

    with serving(app) as url:
        async with httpx.AsyncClient(base_url=url, headers=headers) as http:
            evil = await http.post("/mcp", json=INITIALIZE, headers={"Host": "evil"})
            good = await http.post(
                "/mcp", json=INITIALIZE, headers={"Host": "mcp.example:8787"}
            )

    assert evil.status_code == 421
    assert good.status_code == 200


async def test_http_serves_every_call_statelessly(sandbox: Any) -> None:
    app = guarded_app(sandbox)

    with serving(app) as url:
        async with Client(f"{url}/mcp") as client:
            found = await client.call_tool("find_device", {"name": "Reception PC"})

    assert found.structured_content["matches"][0]["name"] == "Reception PC"


@pytest.mark.parametrize(
    ("host", "own_name"),
    [
        pytest.param("127.0.0.1", "127.0.0.1:8787", id="127.0.0.1"),
        pytest.param("localhost", "localhost:8787", id="localhost"),
        pytest.param("::1", "[::1]:8787", id="ipv6"),
        pytest.param("[::1]", "[::1]:8787", id="ipv6-bracketed"),
        pytest.param("127.0.0.2", "127.0.0.2:8787", id="other-loopback"),
    ],
)
async def test_http_on_loopback_refuses_a_rebound_host(
    sandbox: Any, host: str, own_name: str
) -> None:
    app = guarded_app(sandbox, host=host)

    with serving(app) as url:
        async with httpx.AsyncClient(base_url=url, headers=MCP_HEADERS) as http:
            rebound = await http.post(
                "/mcp", json=INITIALIZE, headers={"Host": "evil.example:8787"}
            )
            foreign = await http.post(
                "/mcp",
                json=INITIALIZE,
                headers={"Host": own_name, "Origin": "http://evil.example:8787"},
            )
            own = await http.post("/mcp", json=INITIALIZE, headers={"Host": own_name})

    assert rebound.status_code == 421
    assert foreign.status_code == 403
    assert own.status_code == 200
