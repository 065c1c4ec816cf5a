import json
from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.sandbox import MEMBER_TOKEN, create_app, generated_world
from tests.conftest import call, call_error, make_settings

pytestmark = pytest.mark.anyio


def api_calls(sandbox: Any) -> list[tuple[str, str]]:
    return list(sandbox.state.requests)


async def test_find_device_exact_name_comes_first(mcp: Client) -> None:
    found = await call(mcp, "find_device", name="Reception PC")

    best = found["matches"][0]
    assert best["name"] == "Reception PC"
    assert best["match"] == "exact"
    assert best["id"].startswith("D-")
    assert best["platform"]
    assert (
        best["reachable_by_count"] == len(best["reachable_by"]) or best["reachable_by"]
    )


async def test_find_device_ranks_exact_then_any_case(mcp: Client) -> None:
    found = await call(mcp, "find_device", name="render-01")

    ranked = [(m["name"], m["match"]) for m in found["matches"][:2]]
    assert ranked == [("render-01", "exact"), ("Render-01", "any_case")]


async def test_find_device_part_of_a_name_is_capped_with_more(mcp: Client) -> None:
    found = await call(mcp, "find_device", name="RENDER", limit=2)

    assert found["returned"] == 2
    assert found["total"] > 2
    assert found["more"] is True
    assert all("render" in m["name"].casefold() for m in found["matches"])


async def test_find_device_shows_last_seen_in_iso_and_words(mcp: Client) -> None:
    found = await call(mcp, "find_device", name="Lab Mac")

    assert found["total"] >= 2
    for match in found["matches"][:2]:
        assert match["last_seen"].endswith("Z")
        assert match["last_seen_ago"].endswith("ago") or match["last_seen_ago"] == (
            "just now"
        )


async def test_find_device_neutralises_hidden_characters_in_names(mcp: Client) -> None:
    found = await call(mcp, "find_device", name="kiosk")

    name = found["matches"][0]["name"]
    assert "\u200b" not in name and "\u202e" not in name
    assert name.startswith("Kiosk")


async def test_find_device_without_a_match_suggests_names(mcp: Client) -> None:
    text = await call_error(mcp, "find_device", name="Recepton PC")

    assert "Reception PC" in text


async def test_find_device_refuses_a_limit_over_100(mcp: Client) -> None:
    text = await call_error(mcp, "find_device", name="render", limit=101)

    assert "limit" in text


async def test_find_device_asks_the_api_at_most_twice(
    sandbox: Any, mcp: Client
) -> None:
    before = len(api_calls(sandbox))

    await call(mcp, "find_device", name="render")

    assert len(api_calls(sandbox)) - before <= 2


async def test_get_connect_url_by_name_gives_three_links(mcp: Client) -> None:
    links = await call(mcp, "get_connect_url", device="reception pc")

    assert links["device_name"] == "Reception PC"
    for kind in ("connect", "dashboard", "ask_screen_share"):
        assert links[kind]["url"].startswith("https://")
        assert links[kind]["use"]
    assert (
        len({links[k]["url"] for k in ("connect", "dashboard", "ask_screen_share")})
        == 3
    )


async def test_get_connect_url_by_id_matches_by_name(mcp: Client) -> None:
    by_name = await call(mcp, "get_connect_url", device="Reception PC")

    by_id = await call(mcp, "get_connect_url", device=by_name["device_id"])

    assert by_id == by_name


async def test_get_connect_url_refuses_a_shared_name_and_lists_both(
    mcp: Client,
) -> None:
    text = await call_error(mcp, "get_connect_url", device="Lab Mac")

    assert text.count("D-") >= 2
    assert "id" in text
    assert "https://" not in text


async def test_get_connect_url_refuses_names_that_differ_only_in_case(
    mcp: Client,
) -> None:
    text = await call_error(mcp, "get_connect_url", device="RENDER-01")

    assert "render-01" in text and "Render-01" in text


async def test_get_connect_url_for_an_unknown_name_suggests_close_ones(
    mcp: Client,
) -> None:
    text = await call_error(mcp, "get_connect_url", device="Receptoin PC")

    assert "Reception PC" in text
    assert "https://" not in text


async def test_get_connect_url_asks_the_api_twice(sandbox: Any, mcp: Client) -> None:
    before = len(api_calls(sandbox))

    await call(mcp, "get_connect_url", device="Reception PC")

    assert len(api_calls(sandbox)) - before == 2


async def test_find_device_for_a_member_sees_only_reachable_computers(
    sandbox: Any,
) -> None:
    settings = make_settings(api_token=MEMBER_TOKEN)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server) as member:
        found = await call(member, "find_device", name="Lab Mac")
        text = await call_error(member, "find_device", name="render-01")
    async with Client(
        build_server(make_settings(), transport=httpx.ASGITransport(app=sandbox))
    ) as admin:
        everything = await call(admin, "find_device", name="Lab Mac")

    assert found["total"] == 1 < everything["total"]
    assert "render-01" in text


async def test_find_device_answer_stays_small_on_a_huge_team() -> None:
    world = generated_world(users=2000, devices=20000, groups=40)
    transport = httpx.ASGITransport(app=create_app(world))
    async with Client(build_server(make_settings(), transport=transport)) as client:
        result = await client.call_tool("find_device", {"name": "a", "limit": 100})

    text = json.dumps(result.structured_content)
    assert result.structured_content["returned"] == 100
    # About 4 characters a token: far below the 25,000-token cap of clients.
    assert len(text) < 60_000
