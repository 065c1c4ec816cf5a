"""Fixtures shared by every test: a clean environment, no retry sleeps, the sandbox."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import stamina
from mcp import Client
from mcp.types import CallToolResult, Implementation

from server.app import build_server
from server.sandbox import ADMIN_TOKEN, TEAM_ID, create_app
from server.settings import Settings
from tools.runtime import Runtime

SANDBOX_URL = "http://sandbox.test/v1"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment: a developer's own must not leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("JUMPDESKTOP_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _retries_without_sleeping() -> Any:
    stamina.set_testing(True, attempts=3)
    yield
    stamina.set_testing(False)


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_token": ADMIN_TOKEN,
        "team_id": TEAM_ID,
        "base_url": SANDBOX_URL,
    }
    return Settings(**(values | overrides))


def writable(
    sandbox: Any,
    transport: httpx.AsyncBaseTransport | None = None,
    **settings: Any,
) -> Any:
    """A server that allows writes, against `sandbox` unless given a transport."""
    return build_server(
        make_settings(read_only=False, **settings),
        transport=transport or httpx.ASGITransport(app=sandbox),
    )


@pytest.fixture
def sandbox() -> Any:
    return create_app()


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    """Both protocol eras: 2026-07-28 (auto) and the 2025-11-25 handshake."""
    return request.param


@pytest.fixture
async def mcp(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    server = build_server(make_settings(), transport=httpx.ASGITransport(app=sandbox))
    async with Client(server, mode=mode) as client:
        yield client


@pytest.fixture
async def admin(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    """A named client of a server that allows writes, in both protocol modes."""
    info = Implementation(name="test-client", version="9.9")
    async with Client(writable(sandbox), mode=mode, client_info=info) as client:
        yield client


@pytest.fixture
def runtimes(monkeypatch: pytest.MonkeyPatch) -> list[Runtime]:
    """The runtimes the write tools ran with, to read their audit logs."""
    import tools.access
    import tools.invites

    seen: list[Runtime] = []
    real = tools.access.runtime

    def spy(ctx: Any) -> Runtime:
        seen.append(real(ctx))
        return seen[-1]

    monkeypatch.setattr(tools.access, "runtime", spy)
    monkeypatch.setattr(tools.invites, "runtime", spy)
    return seen


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed, and return its structured result."""
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, error_text(result)
    assert result.structured_content is not None
    return result.structured_content


async def call_error(client: Client, tool: str, **arguments: Any) -> str:
    """Call a tool that must fail, and return its error text."""
    result = await client.call_tool(tool, arguments)
    assert result.is_error, result.structured_content
    return error_text(result)


async def every_page(
    client: Client, tool: str, items: str, **arguments: Any
) -> list[dict[str, Any]]:
    """Follow `next_cursor` to the last page; the `items` of every page."""
    found, cursor = [], None
    for _ in range(100):  # bounded: a cursor that never ends fails the test
        page = await call(client, tool, **arguments, cursor=cursor)
        found += page[items]
        assert page["returned"] == len(page[items])
        assert page["more"] is (page["next_cursor"] is not None)
        cursor = page["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError(f"{tool} did not end within 100 pages")


def error_text(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)
