"""The team's computers: list, ``?name=`` filter, one computer, its links."""

import time

import httpx
import pytest

from server.sandbox import ADMIN_TOKEN, TEAM_ID, create_app, seeded_world

from .helpers import TEAM, assert_error, device_named, devices_named, sandbox_client

DEVICE_FIELDS = {"id", "name", "users", "groups", "lastOnlineAt", "clientInfo"}
OS_INFO_FIELDS = {"hostname", "platform", "version", "publicIP"}


@pytest.mark.anyio
async def test_devices_list_is_spelled_as_the_api(admin: httpx.AsyncClient) -> None:
    response = await admin.get(f"{TEAM}/devices")

    assert response.status_code == 200
    devices = response.json()["devices"]
    assert len(devices) == 40
    for device in devices:
        assert {"id", "name", "users", "groups"} <= set(device) <= DEVICE_FIELDS
        assert device["id"].startswith("D-")
        if "clientInfo" in device:
            assert set(device["clientInfo"]["osInfo"]) == OS_INFO_FIELDS


@pytest.mark.anyio
async def test_devices_never_seen_have_no_last_seen_or_client_info(
    admin: httpx.AsyncClient,
) -> None:
    device = await device_named(admin, "build-agent-02")

    assert set(device) == {"id", "name", "users", "groups"}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        pytest.param("Lab Mac", ["Lab Mac", "Lab Mac"], id="exact-twins"),
        pytest.param("lab mac", [], id="exact-other-case"),
        pytest.param("render-01", ["render-01"], id="lowercase-twin"),
        pytest.param("Render-01", ["Render-01"], id="capitalised-twin"),
        pytest.param("*Lab*", ["Lab Mac", "Lab Mac"], id="wildcard-both-ends"),
        pytest.param("*lab*", [], id="wildcard-other-case"),
        pytest.param("Hot*", ["Hot Desk 1", "Hot Desk 2"], id="wildcard-suffix"),
        pytest.param(
            "*Reception PC", ["Reception PC", "Old Reception PC"], id="prefix"
        ),
        pytest.param("*-PC", ["Design-Studio-PC", "Finance-PC"], id="wildcard-prefix"),
        pytest.param("E*Bay*2", ["Edit Bay 2"], id="wildcard-inside"),
        pytest.param("render-0?", [], id="question-mark-is-literal"),
        pytest.param("render-0.", [], id="dot-is-literal"),
        pytest.param("Reception", [], id="no-substring-match"),
    ],
)
async def test_devices_name_filter_matches_exactly_and_case_sensitively(
    admin: httpx.AsyncClient, pattern: str, names: list[str]
) -> None:
    devices = await devices_named(admin, pattern)

    assert sorted(device["name"] for device in devices) == sorted(names)


@pytest.mark.anyio
async def test_devices_name_filter_lone_wildcard_matches_every_name(
    admin: httpx.AsyncClient,
) -> None:
    assert len(await devices_named(admin, "*")) == 40


@pytest.mark.anyio
async def test_device_get_returns_a_bare_device(admin: httpx.AsyncClient) -> None:
    listed = await device_named(admin, "Reception PC")

    response = await admin.get(f"{TEAM}/device/{listed['id']}")

    assert response.status_code == 200
    fetched = response.json()
    # An online computer may report in between the two requests.
    assert fetched | {"lastOnlineAt": 0} == listed | {"lastOnlineAt": 0}


@pytest.mark.anyio
async def test_device_get_unknown_is_404(admin: httpx.AsyncClient) -> None:
    response = await admin.get(f"{TEAM}/device/D-NOSUCHDEVICE")

    assert_error(response, 404, "device_not_found")


@pytest.mark.anyio
async def test_device_urls_are_three_distinct_stable_links(
    admin: httpx.AsyncClient,
) -> None:
    device = await device_named(admin, "Reception PC")
    path = f"{TEAM}/device/{device['id']}/urls"

    first = (await admin.get(path)).json()
    second = (await admin.get(path)).json()

    assert set(first) == {"askScreenShare", "connect", "dashboard"}
    assert len(set(first.values())) == 3
    assert all(url.startswith("https://app.jumpdesktop.com/") for url in first.values())
    assert device["id"] in first["connect"]
    assert first == second


@pytest.mark.anyio
async def test_device_urls_differ_between_computers(admin: httpx.AsyncClient) -> None:
    twins = await devices_named(admin, "Lab Mac")

    links = [(await admin.get(f"{TEAM}/device/{d['id']}/urls")).json() for d in twins]

    assert links[0]["connect"] != links[1]["connect"]
    assert links[0]["askScreenShare"] != links[1]["askScreenShare"]


@pytest.mark.anyio
async def test_device_online_reads_as_seen_within_two_minutes(
    admin: httpx.AsyncClient,
) -> None:
    device = await device_named(admin, "Reception PC")

    age_ms = time.time() * 1000 - device["lastOnlineAt"]

    assert 0 <= age_ms <= 120_000


@pytest.mark.anyio
async def test_device_online_follows_the_clock_offline_does_not() -> None:
    world = seeded_world(now=1_750_000_000)
    world.clock = lambda: 1_750_000_000 + 5 * 3600
    app = create_app(world)

    async with sandbox_client(app, ADMIN_TOKEN) as admin:
        online, offline = sorted(
            await devices_named(admin, "Lab Mac"), key=lambda d: -d["lastOnlineAt"]
        )

    online_age = (1_750_000_000 + 5 * 3600) * 1000 - online["lastOnlineAt"]
    offline_age = 1_750_000_000 * 1000 - offline["lastOnlineAt"]
    assert 0 <= online_age <= 120_000
    assert offline_age == 3 * 24 * 3600 * 1000


@pytest.mark.anyio
async def test_devices_for_member_are_only_the_reachable_ones(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    team = (await member.get(TEAM)).json()

    response = await member.get(f"{TEAM}/devices")

    names = sorted(device["name"] for device in response.json()["devices"])
    assert names == sorted(device["name"] for device in team["devices"])
    assert "Lab Mac" in names
    assert "render-02" not in names


@pytest.mark.anyio
@pytest.mark.parametrize(
    "suffix", [pytest.param("", id="device"), pytest.param("/urls", id="urls")]
)
async def test_device_for_member_out_of_reach_is_404(
    admin: httpx.AsyncClient, member: httpx.AsyncClient, suffix: str
) -> None:
    device = await device_named(admin, "render-02")

    response = await member.get(f"{TEAM}/device/{device['id']}{suffix}")

    assert_error(response, 404, "device_not_found")


@pytest.mark.anyio
async def test_device_for_member_within_reach_answers(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    device = await device_named(admin, "London-WS-01")

    response = await member.get(f"{TEAM}/device/{device['id']}/urls")

    assert response.status_code == 200
    assert TEAM_ID in response.json()["dashboard"]
