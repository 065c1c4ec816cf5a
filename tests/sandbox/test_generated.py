"""``generated_world``: teams of any size behind the same demo tokens."""

import pytest

from server.sandbox import (
    ADMIN_EMAIL,
    ADMIN_TOKEN,
    MEMBER_EMAIL,
    MEMBER_TOKEN,
    TEAM_ID,
    create_app,
    generated_world,
)

from .helpers import TEAM, sandbox_client


@pytest.mark.anyio
async def test_generated_world_has_the_asked_sizes() -> None:
    app = create_app(generated_world(users=120, devices=900, groups=7, seed=3))

    async with sandbox_client(app, ADMIN_TOKEN) as admin:
        team = (await admin.get(TEAM)).json()

    assert team["id"] == TEAM_ID
    assert len(team["users"]) == 120
    assert len(team["devices"]) == 900
    assert len(team["groups"]) == 7
    emails = {user["email"] for user in team["users"]}
    assert {ADMIN_EMAIL, MEMBER_EMAIL} <= emails


@pytest.mark.anyio
async def test_generated_world_member_reaches_some_computers() -> None:
    app = create_app(generated_world(users=50, devices=500))

    async with sandbox_client(app, MEMBER_TOKEN) as member:
        response = await member.get(f"{TEAM}/devices")

    assert response.status_code == 200
    assert 0 < len(response.json()["devices"]) < 500


@pytest.mark.anyio
async def test_generated_world_groups_agree_with_devices() -> None:
    app = create_app(generated_world(users=30, devices=300, groups=4, seed=9))

    async with sandbox_client(app, ADMIN_TOKEN) as admin:
        team = (await admin.get(TEAM)).json()

    from_groups = {(g["id"], d) for g in team["groups"] for d in g["devices"]}
    from_devices = {(g, d["id"]) for d in team["devices"] for g in d["groups"]}
    assert from_groups == from_devices


def test_generated_world_same_seed_same_team() -> None:
    one = generated_world(users=40, devices=200, seed=5, now=1_750_000_000)
    other = generated_world(users=40, devices=200, seed=5, now=1_750_000_000)

    first, second = one.teams[TEAM_ID], other.teams[TEAM_ID]
    assert first.devices == second.devices
    assert first.users == second.users
    assert first.device_events == second.device_events


def test_generated_world_other_seed_other_team() -> None:
    one = generated_world(users=40, devices=200, seed=5).teams[TEAM_ID]
    other = generated_world(users=40, devices=200, seed=6).teams[TEAM_ID]

    assert [d.groups for d in one.devices.values()] != [
        d.groups for d in other.devices.values()
    ]


@pytest.mark.anyio
async def test_generated_world_fifty_thousand_devices_are_served() -> None:
    world = generated_world(users=2_000, devices=50_000)

    async with sandbox_client(create_app(world), ADMIN_TOKEN) as admin:
        response = await admin.get(f"{TEAM}/devices", params={"name": "WS-0000*"})
        everything = await admin.get(f"{TEAM}/devices")

    assert len(world.teams[TEAM_ID].devices) == 50_000
    assert [d["name"] for d in response.json()["devices"]] == [
        "WS-00000",
        "WS-00003",
        "WS-00006",
        "WS-00009",
    ]
    assert len(everything.json()["devices"]) == 50_000


@pytest.mark.parametrize(
    ("users", "devices", "groups"),
    [
        pytest.param(1, 10, 1, id="too-few-users"),
        pytest.param(5, -1, 1, id="negative-devices"),
        pytest.param(5, 10, -1, id="negative-groups"),
    ],
)
def test_generated_world_impossible_sizes_raise(
    users: int, devices: int, groups: int
) -> None:
    with pytest.raises(ValueError, match="generated_world"):
        generated_world(users=users, devices=devices, groups=groups)


def test_generated_world_without_groups_still_builds() -> None:
    world = generated_world(users=2, devices=10, groups=0)

    assert world.teams[TEAM_ID].groups == {}
    assert len(world.teams[TEAM_ID].devices) == 10
