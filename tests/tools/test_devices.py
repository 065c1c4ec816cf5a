import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.sandbox import MEMBER_TOKEN, TEAM_ID, create_app, generated_world
from server.sandbox.world import OsInfo
from tests.conftest import call, call_error, every_page, make_settings
from tools.devices import platform_family

pytestmark = pytest.mark.anyio

SEEDED_COMPUTERS = 40
NEVER_SEEN = ["build-agent-02", "Hot Desk 1", "Hot Desk 2", "Test VM"]


@pytest.fixture
async def member(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    """A client whose token is a regular member's, with its limited view."""
    settings = make_settings(api_token=MEMBER_TOKEN)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server, mode=mode) as client:
        yield client


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


def seen_ago(computer: dict[str, Any]) -> timedelta | None:
    if computer["last_seen"] is None:
        return None
    seen = datetime.fromisoformat(computer["last_seen"].replace("Z", "+00:00"))
    return datetime.now(UTC) - seen


@pytest.mark.parametrize(
    ("reported", "family"),
    [
        pytest.param("Windows", "windows", id="windows"),
        pytest.param("Windows 11 Pro", "windows", id="windows-edition"),
        pytest.param("macOS", "macos", id="macos"),
        pytest.param("Mac OS X", "macos", id="mac-os-x"),
        pytest.param("OS X", "macos", id="os-x"),
        pytest.param("LINUX", "linux", id="linux-upper"),
        pytest.param("Ubuntu", "linux", id="distribution"),
        pytest.param("ChromeOS", None, id="unknown"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="never-reported"),
    ],
)
def test_platform_family_reads_what_connect_reports(
    reported: str | None, family: str | None
) -> None:
    assert platform_family(reported) == family


async def test_list_devices_sorts_every_computer_by_name(mcp: Client) -> None:
    listed = await call(mcp, "list_devices", limit=100)

    names = [computer["name"] for computer in listed["computers"]]
    assert listed["total"] == listed["returned"] == SEEDED_COMPUTERS
    assert names == sorted(names, key=str.casefold)
    assert listed["limited_view"] is False
    first = listed["computers"][0]
    assert first["id"].startswith("D-")
    assert set(first) >= {"platform", "version", "hostname", "online", "last_seen"}
    assert first["last_seen_ago"]


async def test_list_devices_counts_who_can_reach_each(mcp: Client) -> None:
    listed = await call(mcp, "list_devices", limit=100)

    by_name = {c["name"]: c["reachable_by_count"] for c in listed["computers"]}
    assert by_name["Server Room Console"] == 2
    assert by_name["London-WS-01"] == 8
    assert by_name["Hot Desk 2"] == 0


@pytest.mark.parametrize(
    ("platform", "reported", "count"),
    [
        pytest.param("windows", {"Windows"}, 14, id="windows"),
        pytest.param("macos", {"macOS"}, 12, id="macos"),
        pytest.param("linux", {"Linux"}, 10, id="linux"),
    ],
)
async def test_list_devices_filters_by_platform(
    mcp: Client, platform: str, reported: set[str], count: int
) -> None:
    listed = await call(mcp, "list_devices", platform=platform, limit=100)

    assert {computer["platform"] for computer in listed["computers"]} == reported
    assert listed["total"] == count
    assert "4 of the team's computers report no known platform" in listed["summary"]


async def test_list_devices_platform_matches_other_spellings(
    sandbox: Any, mcp: Client
) -> None:
    team = sandbox.state.world.teams[TEAM_ID]
    mac = next(d for d in team.devices.values() if d.name == "Sound Booth")
    mac.os_info = OsInfo("Sound-Booth.local", "Mac OS X", "10.15.7", "203.0.113.27")
    odd = next(d for d in team.devices.values() if d.name == "NAS-Backup")
    odd.os_info = OsInfo("nas-backup", "FreeBSD", "14.1", "198.51.100.41")

    macs = await call(mcp, "list_devices", platform="macos", limit=100)
    linux = await call(mcp, "list_devices", platform="linux", limit=100)

    assert "Sound Booth" in {computer["name"] for computer in macs["computers"]}
    assert "NAS-Backup" not in {computer["name"] for computer in linux["computers"]}
    assert linux["total"] == 9


async def test_list_devices_seen_within_an_hour_is_online_now(mcp: Client) -> None:
    listed = await call(mcp, "list_devices", seen_within="1h", limit=100)

    assert listed["total"] > 0
    assert all(computer["online"] for computer in listed["computers"])
    assert "seen within 1h" in listed["summary"]


async def test_list_devices_not_seen_for_a_week_includes_never_seen(
    mcp: Client,
) -> None:
    listed = await call(mcp, "list_devices", not_seen_for="7d", limit=100)

    names = {computer["name"] for computer in listed["computers"]}
    assert set(NEVER_SEEN) <= names
    assert listed["total"] == 13
    for computer in listed["computers"]:
        ago = seen_ago(computer)
        assert ago is None or ago > timedelta(days=7)
    assert "not seen for over 7d" in listed["summary"]


async def test_list_devices_combines_both_spans(mcp: Client) -> None:
    listed = await call(
        mcp, "list_devices", seen_within="30d", not_seen_for="1w", limit=100
    )

    assert [computer["last_seen_ago"] for computer in listed["computers"]] == [
        "9 days ago"
    ] * 4


async def test_list_devices_combines_platform_and_span(mcp: Client) -> None:
    listed = await call(
        mcp, "list_devices", platform="windows", not_seen_for="2w", limit=100
    )

    assert [computer["name"] for computer in listed["computers"]] == [
        "Loaner Laptop",
        "London-Meeting-Room",
        "Old Reception PC",
        "Render-01",
    ]


@pytest.mark.parametrize(
    ("argument", "text", "said"),
    [
        pytest.param("seen_within", "7", "not a duration", id="no-unit"),
        pytest.param("seen_within", "7s", "not a duration", id="seconds"),
        pytest.param("not_seen_for", "a week", "not a duration", id="words"),
        pytest.param("not_seen_for", "0d", "out of range", id="zero"),
        pytest.param("seen_within", "9999w", "out of range", id="huge"),
    ],
)
async def test_list_devices_refuses_a_bad_duration_without_asking_the_api(
    sandbox: Any, mcp: Client, argument: str, text: str, said: str
) -> None:
    before = len(api_calls(sandbox))

    error = await call_error(mcp, "list_devices", **{argument: text})

    assert error.startswith(f"{argument} ") or f" {argument} " in error
    assert said in error and "'7d'" in error
    assert len(api_calls(sandbox)) == before


async def test_list_devices_refuses_an_unknown_platform(mcp: Client) -> None:
    text = await call_error(mcp, "list_devices", platform="amiga")

    assert "platform" in text


async def test_list_devices_pages_through_every_computer_once(mcp: Client) -> None:
    everything = (await call(mcp, "list_devices", limit=100))["computers"]

    paged = await every_page(mcp, "list_devices", "computers", limit=7)

    assert [c["id"] for c in paged] == [c["id"] for c in everything]


async def test_list_devices_pages_a_filtered_list(mcp: Client) -> None:
    paged = await every_page(
        mcp, "list_devices", "computers", platform="windows", not_seen_for="1d", limit=2
    )

    assert len(paged) == 7
    assert {computer["platform"] for computer in paged} == {"Windows"}


async def test_list_devices_refuses_a_forged_cursor(mcp: Client) -> None:
    page = await call(mcp, "list_devices", limit=5)

    text = await call_error(mcp, "list_devices", cursor="x" + page["next_cursor"])

    assert "without `cursor`" in text and "first page" in text


async def test_list_devices_refuses_a_cursor_of_other_filters(mcp: Client) -> None:
    page = await call(mcp, "list_devices", platform="windows", limit=5)

    text = await call_error(
        mcp, "list_devices", platform="macos", limit=5, cursor=page["next_cursor"]
    )
    same_span = await call_error(
        mcp, "list_devices", seen_within="1h", cursor=page["next_cursor"]
    )

    assert "another query" in text and "first page" in text
    assert "first page" in same_span


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("remove", id="one-removed"),
        pytest.param("add", id="one-added"),
    ],
)
async def test_list_devices_change_before_the_cursor_skips_or_repeats_nothing(
    sandbox: Any, mcp: Client, change: str
) -> None:
    everyone = [row["id"] for row in (await call(mcp, "list_devices"))["computers"]]
    first = await call(mcp, "list_devices", limit=10)
    devices = sandbox.state.world.teams[TEAM_ID].devices
    shown_first = first["computers"][0]["id"]
    if change == "remove":
        del devices[shown_first]
    else:
        devices["D-NEW"] = replace(devices[shown_first], id="D-NEW", name="0 New PC")

    second = await call(mcp, "list_devices", limit=10, cursor=first["next_cursor"])

    shown = [row["id"] for row in first["computers"] + second["computers"]]
    assert shown == everyone[:20]


async def test_list_devices_refuses_a_cursor_whose_last_computer_is_gone(
    sandbox: Any, mcp: Client
) -> None:
    first = await call(mcp, "list_devices", limit=10)
    del sandbox.state.world.teams[TEAM_ID].devices[first["computers"][-1]["id"]]

    text = await call_error(mcp, "list_devices", limit=10, cursor=first["next_cursor"])

    assert "list changed" in text and "first page" in text


async def test_list_devices_asks_the_api_once(sandbox: Any, mcp: Client) -> None:
    before = len(api_calls(sandbox))

    await call(mcp, "list_devices", platform="linux", seen_within="2h")

    assert api_calls(sandbox)[before:] == [("GET", f"/v1/team/{TEAM_ID}")]


async def test_list_devices_for_a_member_lists_what_it_can_reach(
    member: Client,
) -> None:
    listed = await call(member, "list_devices", limit=100)

    assert listed["limited_view"] is True
    assert 0 < listed["total"] < SEEDED_COMPUTERS
    assert "Lab Mac" in {computer["name"] for computer in listed["computers"]}
    assert "render-01" not in {computer["name"] for computer in listed["computers"]}
    assert "limited" in listed["summary"]


async def test_list_devices_answer_stays_small_on_a_huge_team() -> None:
    world = generated_world(users=2000, devices=5000, groups=40)
    transport = httpx.ASGITransport(app=create_app(world))
    async with Client(build_server(make_settings(), transport=transport)) as client:
        listed = await call(client, "list_devices", limit=100)
        offline = await call(client, "list_devices", not_seen_for="1d", limit=100)

    assert listed["returned"] == offline["returned"] == 100
    assert listed["total"] == 5000 > offline["total"]
    # About 4 characters a token: far below the 25,000-token cap of clients.
    assert len(json.dumps(listed)) < 30_000


async def test_get_device_by_name_tells_everything_known(mcp: Client) -> None:
    found = await call(mcp, "get_device", device="london-ws-01")

    assert found["name"] == "London-WS-01"
    assert found["id"].startswith("D-")
    assert (found["platform"], found["version"]) == ("Windows", "10.0.19045")
    assert found["hostname"] == "LDN-WS-01"
    assert found["public_ip"] == "203.0.113.31"
    assert found["online"] is True
    assert found["last_seen"].endswith("Z")
    assert [group["name"] for group in found["access_groups"]] == ["London Office"]
    assert found["access_groups"][0]["id"].startswith("G-")
    assert found["reachable_by_count"] == len(found["reachable_by"]) == 8
    assert {r["via"] for r in found["reachable_by"]} == {"group London Office"}
    assert "online now" in found["summary"]


async def test_get_device_by_id_matches_by_name(mcp: Client) -> None:
    by_name = await call(mcp, "get_device", device="Reception PC")

    by_id = await call(mcp, "get_device", device=by_name["id"])

    assert by_id["id"] == by_name["id"]
    assert by_id["reachable_by"] == by_name["reachable_by"]


async def test_get_device_says_how_each_user_reaches_it(mcp: Client) -> None:
    found = await call(mcp, "get_device", device="Studio Mac Pro")

    via = {r["name"]: r["via"] for r in found["reachable_by"]}
    assert via["Hannah Schmidt"] == "direct, group Design"
    assert via["Zoe Turner"] == "group Design"
    names = [r["name"] for r in found["reachable_by"]]
    assert names == sorted(names, key=str.casefold)
    hannah = next(r for r in found["reachable_by"] if r["name"] == "Hannah Schmidt")
    assert hannah["email"] == "hannah.schmidt@northwind.example"
    assert (hannah["role"], hannah["remote_access"]) == ("user", "enabled")


async def test_get_device_notes_users_who_cannot_connect(mcp: Client) -> None:
    found = await call(mcp, "get_device", device="London-WS-02")

    noah = next(r for r in found["reachable_by"] if r["name"] == "Noah Fischer")
    assert noah["remote_access"] == "disabled"
    assert found["disabled_count"] == 1
    assert "cannot connect" in found["summary"]
    assert "Noah Fischer" in found["summary"]


async def test_get_device_never_seen_says_so(mcp: Client) -> None:
    found = await call(mcp, "get_device", device="Test VM")

    assert found["last_seen"] is None
    assert found["last_seen_ago"] == "never seen"
    assert found["platform"] is None and found["public_ip"] is None
    assert found["reachable_by"] == [] and found["access_groups"] == []
    assert "never been seen" in found["summary"]


async def test_get_device_refuses_a_shared_name_and_lists_both(mcp: Client) -> None:
    text = await call_error(mcp, "get_device", device="Lab Mac")

    assert text.count("D-") >= 2
    assert "id" in text


async def test_get_device_for_an_unknown_name_suggests_close_ones(
    mcp: Client,
) -> None:
    text = await call_error(mcp, "get_device", device="Receptoin PC")

    assert "Reception PC" in text


async def test_get_device_asks_the_api_once(sandbox: Any, mcp: Client) -> None:
    before = len(api_calls(sandbox))

    await call(mcp, "get_device", device="Reception PC")

    assert api_calls(sandbox)[before:] == [("GET", f"/v1/team/{TEAM_ID}")]


async def test_get_device_for_a_member_says_the_view_is_limited(
    member: Client,
) -> None:
    found = await call(member, "get_device", device="Lab Mac")
    text = await call_error(member, "get_device", device="render-01")

    assert found["limited_view"] is True
    assert "limited" in found["summary"]
    assert "render-01" in text


async def test_get_device_caps_who_can_reach_it_on_a_huge_team() -> None:
    world = generated_world(users=2000, devices=2000, groups=2)
    transport = httpx.ASGITransport(app=create_app(world))
    async with Client(build_server(make_settings(), transport=transport)) as client:
        found = await call(client, "get_device", device="WS-00000")

    assert found["reachable_by_count"] > 100
    assert len(found["reachable_by"]) == 100
    assert found["more_reachable_by"] is True
    assert len(json.dumps(found)) < 30_000
