"""``GET /team/{teamID}``: the whole team for admins, a limited view for members."""

import re

import httpx
import pytest

from server.sandbox import ADMIN_EMAIL, MEMBER_EMAIL, SECOND_TEAM_ID, TEAM_ID

from .helpers import TEAM

TEAM_FIELDS = {
    "id",
    "name",
    "avatarURL",
    "users",
    "devices",
    "groups",
    "deviceConfigs",
    "deviceInvites",
    "userInvites",
    "billing",
    "planFeatures",
    "saml",
    "security",
    "userDeviceMigrate",
}
LIMITED_TEAM_FIELDS = {"id", "name", "avatarURL", "users", "devices", "groups"}
USER_FIELDS = {"id", "email", "firstName", "lastName", "role", "remoteAccess"}
CONNECT_DOWNLOAD = re.compile(
    r"https://app\.jumpdesktop\.com/connect/dl/[0-9a-z]+/JumpDesktopConnect\.(pkg|exe|msi)"
)


@pytest.mark.anyio
async def test_team_for_admin_has_every_field(admin: httpx.AsyncClient) -> None:
    response = await admin.get(TEAM)

    assert response.status_code == 200
    team = response.json()
    assert set(team) == TEAM_FIELDS
    assert team["id"] == TEAM_ID
    assert team["name"] == "Northwind Studio"
    assert team["avatarURL"].startswith("https://")
    assert {user["email"] for user in team["users"]} >= {ADMIN_EMAIL, MEMBER_EMAIL}
    assert all(set(user) == USER_FIELDS for user in team["users"])


@pytest.mark.anyio
async def test_team_groups_hold_user_and_device_ids(admin: httpx.AsyncClient) -> None:
    team = (await admin.get(TEAM)).json()
    user_ids = {user["id"] for user in team["users"]}
    device_ids = {device["id"] for device in team["devices"]}

    for group in team["groups"]:
        assert set(group) == {"id", "name", "users", "devices"}
        assert group["id"].startswith("G-")
        assert set(group["users"]) <= user_ids
        assert set(group["devices"]) <= device_ids


@pytest.mark.anyio
async def test_team_groups_agree_with_device_groups(admin: httpx.AsyncClient) -> None:
    team = (await admin.get(TEAM)).json()

    from_groups = {(g["id"], d) for g in team["groups"] for d in g["devices"]}
    from_devices = {(g, d["id"]) for d in team["devices"] for g in d["groups"]}

    assert from_groups == from_devices


@pytest.mark.anyio
async def test_team_device_configs_carry_connect_downloads(
    admin: httpx.AsyncClient,
) -> None:
    configs = (await admin.get(TEAM)).json()["deviceConfigs"]

    assert len(configs) == 2
    for config in configs:
        assert set(config) == {"id", "name", "connectDownloads"}
        downloads = config["connectDownloads"]
        assert set(downloads) == {"macpkg", "winexe", "winmsi"}
        assert all(CONNECT_DOWNLOAD.fullmatch(url) for url in downloads.values())
        assert downloads["macpkg"].endswith(".pkg")
        assert downloads["winmsi"].endswith(".msi")


@pytest.mark.anyio
async def test_team_invites_are_pending_lists(admin: httpx.AsyncClient) -> None:
    team = (await admin.get(TEAM)).json()

    assert len(team["userInvites"]) == 3
    assert all({"id", "email", "createdAt"} <= set(i) for i in team["userInvites"])
    assert 1 <= len(team["deviceInvites"]) <= 2
    assert all({"id", "name"} <= set(invite) for invite in team["deviceInvites"])


@pytest.mark.anyio
async def test_team_settings_are_small_objects(admin: httpx.AsyncClient) -> None:
    team = (await admin.get(TEAM)).json()

    assert team["billing"]["plan"] == "Business"
    assert team["billing"]["seats"] >= len(team["users"])
    assert team["saml"] == {"enabled": False}
    for field in ("planFeatures", "security", "userDeviceMigrate"):
        assert isinstance(team[field], dict)


@pytest.mark.anyio
async def test_team_for_member_is_limited_view(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    full = (await admin.get(TEAM)).json()

    response = await member.get(TEAM)

    assert response.status_code == 200
    limited = response.json()
    assert set(limited) == LIMITED_TEAM_FIELDS
    assert len(limited["users"]) == len(full["users"])
    assert all(
        set(user) == {"id", "email", "firstName", "lastName"}
        for user in limited["users"]
    )


@pytest.mark.anyio
async def test_team_for_member_shows_only_their_groups_and_computers(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    full = (await admin.get(TEAM)).json()
    (me,) = [user for user in full["users"] if user["email"] == MEMBER_EMAIL]
    my_groups = {g["id"] for g in full["groups"] if me["id"] in g["users"]}
    reachable = {
        device["id"]
        for device in full["devices"]
        if me["id"] in device["users"] or my_groups & set(device["groups"])
    }

    limited = (await member.get(TEAM)).json()

    assert {group["id"] for group in limited["groups"]} == my_groups
    assert {device["id"] for device in limited["devices"]} == reachable
    assert 0 < len(reachable) < len(full["devices"])


@pytest.mark.anyio
async def test_team_second_team_for_admin_is_harbor_labs(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(f"/team/{SECOND_TEAM_ID}")

    assert response.status_code == 200
    team = response.json()
    assert team["name"] == "Harbor Labs"
    assert ADMIN_EMAIL in {user["email"] for user in team["users"]}
    assert MEMBER_EMAIL not in {user["email"] for user in team["users"]}
    assert 3 <= len(team["devices"]) <= 8
