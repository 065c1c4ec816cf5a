import json

import httpx
import pytest
from mcp import Client, MCPError

from server.app import build_server
from server.sandbox import TEAM_ID
from tests.conftest import call, make_settings

pytestmark = pytest.mark.anyio


async def read_json(client: Client, uri: str) -> dict:
    result = await client.read_resource(uri)
    (content,) = result.contents
    assert content.mime_type == "application/json"
    return json.loads(content.text)


async def test_resources_are_described_with_a_mime_type(mcp: Client) -> None:
    static = (await mcp.list_resources()).resources
    templates = (await mcp.list_resource_templates()).resource_templates

    assert [str(r.uri) for r in static] == ["jumpdesktop://audit"]
    assert {t.uri_template for t in templates} == {
        "jumpdesktop://team/{team_id}",
        "jumpdesktop://team/{team_id}/device/{device}",
        "jumpdesktop://team/{team_id}/user/{email}",
    }
    for item in [*static, *templates]:
        assert item.name and item.description
        assert item.mime_type == "application/json"


async def test_team_resource_is_the_team_summary(mcp: Client) -> None:
    by_alias = await read_json(mcp, "jumpdesktop://team/default")
    by_id = await read_json(mcp, f"jumpdesktop://team/{TEAM_ID}")

    assert by_alias["id"] == by_id["id"] == TEAM_ID
    assert by_alias["counts"]["computers"] >= 40


async def test_device_resource_by_name(mcp: Client) -> None:
    device = await read_json(mcp, "jumpdesktop://team/default/device/Reception%20PC")

    assert device["name"] == "Reception PC"
    assert "reachable_by" in device


async def test_user_resource_by_email(mcp: Client) -> None:
    user = await read_json(
        mcp, "jumpdesktop://team/default/user/li.wei@northwind.example"
    )

    assert user["email"] == "Li.Wei@Northwind.example"


async def test_unknown_device_resource_is_not_found(mcp: Client) -> None:
    with pytest.raises(MCPError) as caught:
        await mcp.read_resource("jumpdesktop://team/default/device/Nowhere")

    assert caught.value.error.code == -32602
    assert "Nowhere" in caught.value.error.message


async def test_audit_resource_lists_applied_writes(sandbox: object) -> None:
    settings = make_settings(read_only=False)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server) as client:
        empty = await read_json(client, "jumpdesktop://audit")
        grant = {"device": "Reception PC", "users": ["li.wei@northwind.example"]}
        preview = await call(client, "grant_device_access", **grant)
        await call(
            client, "grant_device_access", **grant, confirm=preview["confirm_token"]
        )
        after = await read_json(client, "jumpdesktop://audit")

    assert empty == {"entries": []}
    (entry,) = after["entries"]
    assert entry["action"] == "grant_device_access"
    assert entry["team"] == TEAM_ID
