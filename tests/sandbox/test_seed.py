"""The seeded Northwind Studio world holds every case the demo promises."""

import re
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from server.sandbox import (
    ADMIN_EMAIL,
    MEMBER_EMAIL,
    SECOND_TEAM_ID,
    TEAM_ID,
    seeded_world,
)

from .helpers import TEAM, devices_named

DAY_MS = 24 * 3600 * 1000


async def whole_team(admin: httpx.AsyncClient) -> dict[str, Any]:
    response = await admin.get(TEAM)
    assert response.status_code == 200

    return response.json()


def test_team_ids_look_like_jump_desktop_team_ids() -> None:
    for team_id in (TEAM_ID, SECOND_TEAM_ID):
        assert re.fullmatch(r"T-[0-9A-Za-z]{20,30}", team_id)


@pytest.mark.anyio
async def test_seed_users_cover_roles_and_remote_access(
    admin: httpx.AsyncClient,
) -> None:
    users = (await whole_team(admin))["users"]
    by_email = {user["email"]: user for user in users}

    assert len(users) >= 22
    assert sum(user["role"] == "admin" for user in users) == 4
    assert by_email[ADMIN_EMAIL]["role"] == "admin"
    assert by_email[MEMBER_EMAIL]["role"] == "user"
    disabled = [user for user in users if user["remoteAccess"] == "disabled"]
    assert len(disabled) >= 3
    assert any(user["role"] == "admin" for user in disabled)


@pytest.mark.anyio
async def test_seed_users_keep_mixed_case_and_non_ascii(
    admin: httpx.AsyncClient,
) -> None:
    users = (await whole_team(admin))["users"]

    assert "Li.Wei@Northwind.example" in {user["email"] for user in users}
    assert "Tomás" in {user["firstName"] for user in users}
    assert all(user["id"].startswith("U-") for user in users)


@pytest.mark.anyio
async def test_seed_devices_cover_platforms_and_states(
    admin: httpx.AsyncClient,
) -> None:
    devices = (await whole_team(admin))["devices"]
    platforms = Counter(
        d["clientInfo"]["osInfo"]["platform"] for d in devices if "clientInfo" in d
    )
    never_seen = [d for d in devices if "lastOnlineAt" not in d]

    assert len(devices) == 40
    assert set(platforms) == {"Windows", "macOS", "Linux"}
    assert never_seen
    assert all("clientInfo" not in device for device in never_seen)
    assert all(device["id"].startswith("D-") for device in devices)


@pytest.mark.anyio
async def test_seed_devices_are_online_and_offline_at_many_ages(
    admin: httpx.AsyncClient,
) -> None:
    devices = (await whole_team(admin))["devices"]
    newest = max(d["lastOnlineAt"] for d in devices if "lastOnlineAt" in d)

    ages_in_days = {
        round((newest - d["lastOnlineAt"]) / DAY_MS, 1)
        for d in devices
        if "lastOnlineAt" in d
    }

    assert {0.0, 0.1, 2.0, 3.0, 9.0, 40.0} <= ages_in_days


@pytest.mark.anyio
async def test_seed_lab_macs_are_twins_one_online_one_offline(
    admin: httpx.AsyncClient,
) -> None:
    twins = await devices_named(admin, "Lab Mac")
    online, offline = sorted(twins, key=lambda d: d["lastOnlineAt"], reverse=True)

    assert online["id"] != offline["id"]
    assert time.time() * 1000 - online["lastOnlineAt"] <= 120_000
    gap_days = (online["lastOnlineAt"] - offline["lastOnlineAt"]) / DAY_MS
    assert round(gap_days) == 3


@pytest.mark.anyio
async def test_seed_names_differing_only_in_case_are_distinct(
    admin: httpx.AsyncClient,
) -> None:
    lower = await devices_named(admin, "render-01")
    upper = await devices_named(admin, "Render-01")

    assert len(lower) == len(upper) == 1
    assert lower[0]["id"] != upper[0]["id"]


@pytest.mark.anyio
async def test_seed_render_nodes_are_linux(admin: httpx.AsyncClient) -> None:
    nodes = await devices_named(admin, "render-0*")

    assert sorted(n["name"] for n in nodes) == [f"render-0{n}" for n in range(1, 7)]
    assert {n["clientInfo"]["osInfo"]["platform"] for n in nodes} == {"Linux"}


@pytest.mark.anyio
async def test_seed_has_a_hostile_and_an_overlong_name(
    admin: httpx.AsyncClient,
) -> None:
    names = [d["name"] for d in (await whole_team(admin))["devices"]]

    (hostile,) = [name for name in names if "\u202e" in name]
    assert "\u200b" in hostile
    assert "ignore previous instructions" in hostile
    assert max(len(name) for name in names) == 300
    assert "Reception PC" in names


@pytest.mark.anyio
async def test_seed_groups_and_reach(admin: httpx.AsyncClient) -> None:
    team = await whole_team(admin)
    disabled = {u["id"] for u in team["users"] if u["remoteAccess"] == "disabled"}
    nobody = [d for d in team["devices"] if not d["users"] and not d["groups"]]

    assert {g["name"] for g in team["groups"]} == {
        "London Office",
        "Render Farm",
        "Design",
        "Front Desk",
    }
    assert all(g["users"] and g["devices"] for g in team["groups"])
    assert any(disabled & set(g["users"]) for g in team["groups"])
    assert len(nobody) >= 3


@pytest.mark.anyio
async def test_seed_history_has_failures_people_and_busy_render_nights(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(f"{TEAM}/history/devices", params={"limit": 500})
    events = response.json()["deviceEvents"]
    requests = [e for e in events if "incomingConnectionRequest" in e]
    people = {e["incomingConnectionRequest"]["peerInfo"]["email"] for e in requests}
    on_render = [e for e in requests if e["computerHostName"].startswith("render-")]

    assert 200 <= len(events) < 500
    assert len(people) >= 5
    assert sum("authFailedEvent" in e for e in events) >= 3
    assert len(on_render) > len(requests) / 2


def test_seed_ids_and_history_are_stable_across_runs() -> None:
    first = seeded_world(now=1_750_000_000)
    second = seeded_world(now=1_750_000_000)

    for team_id in (TEAM_ID, SECOND_TEAM_ID):
        one, other = first.teams[team_id], second.teams[team_id]
        assert list(one.users) == list(other.users)
        assert list(one.devices) == list(other.devices)
        assert list(one.groups) == list(other.groups)
        assert one.device_events == other.device_events


def test_seed_ids_do_not_depend_on_the_anchor() -> None:
    early = seeded_world(now=1_700_000_000).teams[TEAM_ID]
    late = seeded_world(now=1_750_000_000).teams[TEAM_ID]

    assert list(early.devices) == list(late.devices)
    assert list(early.users) == list(late.users)
