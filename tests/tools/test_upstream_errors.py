"""Whatever the API says, a tool answers with a clear error and the server goes on."""

from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from tests.conftest import call, call_error, make_settings
from tests.loopback import serving

pytestmark = pytest.mark.anyio

TOOLS = [
    pytest.param("describe_team", {}, id="describe_team"),
    pytest.param("lookup_user_by_email", {"email": "x@y.example"}, id="lookup_user"),
    pytest.param("find_device", {"name": "render"}, id="find_device"),
    pytest.param("get_connect_url", {"device": "Reception PC"}, id="get_connect_url"),
]


@pytest.mark.parametrize(("tool", "arguments"), TOOLS)
async def test_rejected_token_names_the_remedy(
    sandbox: Any, tool: str, arguments: dict[str, Any]
) -> None:
    settings = make_settings(api_token="not-a-real-token-4f1c9e")
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server) as client:
        text = await call_error(client, tool, **arguments)

    assert "Generate new token" in text
    assert "not-a-real-token-4f1c9e" not in text


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        pytest.param({"rate_limit": 50, "retry_after": 1}, "wait 1 s", id="429"),
        pytest.param(
            {"rate_limit": 50, "retry_after": None}, "limiting", id="429-bare"
        ),
        pytest.param({"server_error": 50}, "unavailable", id="503"),
        pytest.param({"server_error": 50, "server_error_status": 500}, "500", id="500"),
        pytest.param({"malformed": 50}, "not JSON", id="malformed"),
    ],
)
async def test_upstream_fault_is_a_tool_error_and_serving_goes_on(
    sandbox: Any, mcp: Client, fault: dict[str, Any], expected: str
) -> None:
    for name, value in fault.items():
        setattr(sandbox.state.faults, name, value)

    text = await call_error(mcp, "find_device", name="render")
    for name in ("rate_limit", "server_error", "malformed"):
        setattr(sandbox.state.faults, name, 0)

    assert expected.casefold() in text.casefold()
    assert "Traceback" not in text and "<html" not in text.casefold()
    assert (await call(mcp, "find_device", name="render"))["total"] > 0


async def test_a_timeout_over_loopback_is_a_tool_error(sandbox: Any) -> None:
    sandbox.state.faults.latency = 1.0
    with serving(sandbox) as url:
        settings = make_settings(base_url=f"{url}/v1", request_timeout=0.1)
        async with Client(build_server(settings)) as client:
            text = await call_error(client, "describe_team")

    assert "time" in text.casefold()


async def test_a_team_the_token_cannot_see_is_refused(mcp: Client) -> None:
    text = await call_error(mcp, "describe_team", team="T-01NOTTHISTEAM0000000000X")

    assert "not one this server may use" in text
    assert "T-01" in text


def bare_team_api(request: httpx.Request) -> httpx.Response:
    """An API whose team object leaves out users and devices, and whose
    users and devices endpoints refuse this token, as a member's might."""
    if request.url.path.endswith(("/users", "/devices")):
        body = {
            "errors": [{"code": "forbidden", "detail": "admins only", "status": 403}]
        }
        return httpx.Response(403, json=body)
    return httpx.Response(200, json={"id": "T-1", "name": "Bare", "groups": []})


@pytest.mark.parametrize(
    ("tool", "arguments", "section"),
    [
        pytest.param(
            "lookup_user_by_email", {"email": "a@b.example"}, "users", id="user"
        ),
        pytest.param("find_device", {"name": "x"}, "devices", id="find"),
        pytest.param("list_devices", {}, "devices", id="list-devices"),
        pytest.param("list_users", {}, "users", id="list-users"),
    ],
)
async def test_sections_the_token_may_not_see_are_said_not_emptied(
    tool: str, arguments: dict[str, Any], section: str
) -> None:
    transport = httpx.MockTransport(bare_team_api)
    async with Client(build_server(make_settings(), transport=transport)) as client:
        text = await call_error(client, tool, **arguments)

    assert f"may not see the team's {section}" in text
    assert "admin" in text


async def test_describe_team_still_answers_with_sections_missing() -> None:
    transport = httpx.MockTransport(bare_team_api)
    async with Client(build_server(make_settings(), transport=transport)) as client:
        team = await call(client, "describe_team")

    assert team["limited_view"] is True
    assert {"users", "devices"} <= set(team["not_visible"])


def idless_device_api(request: httpx.Request) -> httpx.Response:
    """An API that lists one computer without an id, and another one."""
    devices = [{"name": "Lab Mac"}, {"id": "D-2", "name": "Lab PC"}]
    if request.url.path.endswith("/urls"):
        return httpx.Response(200, json={"connect": "https://jump.example/c/D-2"})
    return httpx.Response(200, json={"id": "T-1", "devices": devices, "users": []})


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        pytest.param("get_connect_url", {"device": "Lab Mac"}, id="connect-url"),
        pytest.param("get_device", {"device": "Lab Mac"}, id="get-device"),
    ],
)
async def test_a_computer_listed_without_an_id_is_not_picked(
    tool: str, arguments: dict[str, Any]
) -> None:
    transport = httpx.MockTransport(idless_device_api)
    async with Client(build_server(make_settings(), transport=transport)) as client:
        text = await call_error(client, tool, **arguments)
        found = await call(client, "find_device", name="Lab")

    assert "no computer" in text and "Lab Mac" in text
    assert [match["id"] for match in found["matches"]] == ["D-2"]
