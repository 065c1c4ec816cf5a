"""Granting, revoking and replacing access to computers; both sides stay in step."""

import httpx
import pytest

from server.sandbox import MEMBER_EMAIL

from .helpers import (
    TEAM,
    assert_error,
    device_named,
    devices_named,
    group_named,
    user_with_email,
)


def members_path(device: dict, suffix: str = "") -> str:
    return f"{TEAM}/device/{device['id']}/members{suffix}"


@pytest.mark.anyio
async def test_grant_user_answers_204_and_persists(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    device = await device_named(admin, "render-02")

    response = await admin.post(members_path(device), json={"users": [me["id"]]})

    assert response.status_code == 204
    assert me["id"] in (await device_named(admin, "render-02"))["users"]
    assert (await member.get(f"{TEAM}/device/{device['id']}")).status_code == 200


@pytest.mark.anyio
async def test_grant_repeated_is_idempotent(admin: httpx.AsyncClient) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    device = await device_named(admin, "render-02")
    body = {"users": [me["id"], me["id"]]}

    first = await admin.post(members_path(device), json=body)
    second = await admin.post(members_path(device), json=body)

    assert (first.status_code, second.status_code) == (204, 204)
    assert (await device_named(admin, "render-02"))["users"].count(me["id"]) == 1


@pytest.mark.anyio
async def test_grant_group_updates_device_and_group(admin: httpx.AsyncClient) -> None:
    group = await group_named(admin, "Front Desk")
    device = await device_named(admin, "NAS-Backup")

    response = await admin.post(members_path(device), json={"groups": [group["id"]]})

    assert response.status_code == 204
    assert (await device_named(admin, "NAS-Backup"))["groups"] == [group["id"]]
    assert device["id"] in (await group_named(admin, "Front Desk"))["devices"]


@pytest.mark.anyio
async def test_grant_group_gives_its_users_reach(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    group = await group_named(admin, "London Office")
    device = await device_named(admin, "Test VM")
    assert (await member.get(f"{TEAM}/device/{device['id']}")).status_code == 404

    await admin.post(members_path(device), json={"groups": [group["id"]]})

    names = [d["name"] for d in (await member.get(f"{TEAM}/devices")).json()["devices"]]
    assert "Test VM" in names


@pytest.mark.anyio
async def test_revoke_user_answers_empty_200_and_persists(
    admin: httpx.AsyncClient, member: httpx.AsyncClient
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    (device,) = [d for d in await devices_named(admin, "Lab Mac") if d["users"]]
    assert device["users"] == [me["id"]]

    response = await admin.post(
        members_path(device, "/delete"), json={"users": [me["id"]]}
    )

    assert response.status_code == 200
    assert response.content == b""
    after = (await admin.get(f"{TEAM}/device/{device['id']}")).json()
    assert after["users"] == []
    assert (await member.get(f"{TEAM}/device/{device['id']}")).status_code == 404


@pytest.mark.anyio
async def test_revoke_group_updates_device_and_group(admin: httpx.AsyncClient) -> None:
    group = await group_named(admin, "Render Farm")
    device = await device_named(admin, "render-03")

    response = await admin.post(
        members_path(device, "/delete"), json={"groups": [group["id"]]}
    )

    assert response.status_code == 200
    assert (await device_named(admin, "render-03"))["groups"] == []
    assert device["id"] not in (await group_named(admin, "Render Farm"))["devices"]


@pytest.mark.anyio
async def test_revoke_someone_without_access_is_a_no_op(
    admin: httpx.AsyncClient,
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    device = await device_named(admin, "render-04")

    response = await admin.post(
        members_path(device, "/delete"), json={"users": [me["id"]]}
    )

    assert response.status_code == 200
    after = await device_named(admin, "render-04")
    assert (after["users"], after["groups"]) == (device["users"], device["groups"])


@pytest.mark.anyio
async def test_replace_sets_exact_members_on_both_sides(
    admin: httpx.AsyncClient,
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    design = await group_named(admin, "Design")
    front_desk = await group_named(admin, "Front Desk")
    device = await device_named(admin, "Edit Bay 1")
    assert device["groups"] == [design["id"]]

    response = await admin.put(
        members_path(device), json={"users": [me["id"]], "groups": [front_desk["id"]]}
    )

    assert response.status_code == 204
    after = await device_named(admin, "Edit Bay 1")
    assert (after["users"], after["groups"]) == ([me["id"]], [front_desk["id"]])
    assert device["id"] not in (await group_named(admin, "Design"))["devices"]
    assert device["id"] in (await group_named(admin, "Front Desk"))["devices"]


@pytest.mark.anyio
async def test_replace_with_nobody_clears_access(admin: httpx.AsyncClient) -> None:
    device = await device_named(admin, "Server Room Console")

    response = await admin.put(members_path(device), json={"users": [], "groups": []})

    assert response.status_code == 204
    after = await device_named(admin, "Server Room Console")
    assert (after["users"], after["groups"]) == ([], [])


@pytest.mark.anyio
async def test_bulk_grant_reaches_every_listed_computer(
    admin: httpx.AsyncClient,
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    group = await group_named(admin, "Front Desk")
    nodes = [await device_named(admin, f"render-0{n}") for n in (2, 3)]
    body = {
        "devices": [node["id"] for node in nodes],
        "users": [me["id"]],
        "groups": [group["id"]],
    }

    response = await admin.patch(f"{TEAM}/device/members", json=body)

    assert response.status_code == 204
    for name in ("render-02", "render-03"):
        device = await device_named(admin, name)
        assert me["id"] in device["users"]
        assert group["id"] in device["groups"]
    assert {n["id"] for n in nodes} <= set(
        (await group_named(admin, "Front Desk"))["devices"]
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"users": ["x"]}, "invalid_body", id="no-devices"),
        pytest.param(
            {"devices": [], "users": ["x"]}, "invalid_body", id="empty-devices"
        ),
        pytest.param({"devices": ["D-NOSUCH"]}, "unknown_device", id="unknown-device"),
    ],
)
async def test_bulk_grant_bad_devices_is_400(
    admin: httpx.AsyncClient, body: dict, code: str
) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    body = {**body, "users": [me["id"]]}

    response = await admin.patch(f"{TEAM}/device/members", json=body)

    assert_error(response, 400, code)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        pytest.param("POST", "", id="grant"),
        pytest.param("POST", "/delete", id="revoke"),
        pytest.param("PUT", "", id="replace"),
    ],
)
@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param({"users": ["U-NOSUCHUSER"]}, "unknown_user", id="unknown-user"),
        pytest.param(
            {"groups": ["G-NOSUCHGROUP"]}, "unknown_group", id="unknown-group"
        ),
        pytest.param({"users": "U-1"}, "invalid_body", id="users-not-a-list"),
        pytest.param({"groups": [7]}, "invalid_body", id="group-not-a-string"),
        pytest.param(["U-1"], "invalid_body", id="body-not-an-object"),
    ],
)
async def test_members_bad_body_is_400_and_changes_nothing(
    admin: httpx.AsyncClient, method: str, suffix: str, body: object, code: str
) -> None:
    device = await device_named(admin, "Reception PC")

    response = await admin.request(method, members_path(device, suffix), json=body)

    assert_error(response, 400, code)
    after = await device_named(admin, "Reception PC")
    assert (after["users"], after["groups"]) == (device["users"], device["groups"])


@pytest.mark.anyio
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="broken"),
        pytest.param(b"", id="empty"),
    ],
)
async def test_members_malformed_json_is_400(
    admin: httpx.AsyncClient, content: bytes
) -> None:
    device = await device_named(admin, "Reception PC")

    response = await admin.post(
        members_path(device),
        content=content,
        headers={"Content-Type": "application/json"},
    )

    assert_error(response, 400, "invalid_json")


@pytest.mark.anyio
async def test_members_unknown_device_is_404(admin: httpx.AsyncClient) -> None:
    response = await admin.post(f"{TEAM}/device/D-NOSUCH/members", json={"users": []})

    assert_error(response, 404, "device_not_found")


@pytest.mark.anyio
async def test_grant_is_recorded_in_the_activity_log(admin: httpx.AsyncClient) -> None:
    me = await user_with_email(admin, MEMBER_EMAIL)
    device = await device_named(admin, "render-06")

    await admin.post(members_path(device), json={"users": [me["id"]]})

    (latest,) = (await admin.get(f"{TEAM}/history", params={"limit": 1})).json()[
        "events"
    ]
    assert latest["type"] == "device.access.granted"
    assert latest["actor"] == {"email": "avery.admin@northwind.example"}
    assert "render-06" in latest["detail"]
