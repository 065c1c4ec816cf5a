import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.sandbox import TEAM_ID
from tests.conftest import call, make_settings
from tools.status import WRITE_TOOLS

pytestmark = pytest.mark.anyio


async def test_server_status_says_read_only_and_which_tools_are_off(
    mcp: Client,
) -> None:
    status = await call(mcp, "server_status")

    assert status["read_only"] is True
    assert status["default_team"] == TEAM_ID
    assert [tool["name"] for tool in status["tools_off"]] == list(WRITE_TOOLS)
    assert "--allow-writes" in status["tools_off"][0]["why"]
    assert status["api"]["answered"] is True
    assert status["api"]["token_accepted"] is True
    assert status["api"]["milliseconds"] >= 0


async def test_server_status_with_writes_allowed_turns_nothing_off(
    sandbox: object,
) -> None:
    settings = make_settings(read_only=False)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server) as client:
        status = await call(client, "server_status")
        offered = {tool.name for tool in (await client.list_tools()).tools}

    assert status["tools_off"] == []
    assert set(WRITE_TOOLS) <= offered


async def test_server_status_reports_a_rejected_token(sandbox: object) -> None:
    settings = make_settings(api_token="wrong-token-for-status")
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server) as client:
        status = await call(client, "server_status")

    assert status["api"]["answered"] is True
    assert status["api"]["token_accepted"] is False
    assert "Generate new token" in status["api"]["problem"]
    assert "wrong-token-for-status" not in str(status)


async def test_server_status_reports_an_unreachable_api() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    transport = httpx.MockTransport(refuse)
    async with Client(build_server(make_settings(), transport=transport)) as client:
        status = await call(client, "server_status")

    assert status["api"]["answered"] is False
    assert status["api"]["token_accepted"] is None
    assert "failed" in status["summary"]
