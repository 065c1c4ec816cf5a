"""Bearer tokens, team membership and what a non-admin member may do."""

import httpx
import pytest

from server.sandbox import MEMBER_TOKEN, SECOND_TEAM_ID, TEAM_ID

from .helpers import TEAM, assert_error, device_named

ANY_ROUTES = [
    pytest.param("GET", "/user/teams", id="user-teams"),
    pytest.param("GET", TEAM, id="team"),
    pytest.param("GET", f"{TEAM}/devices", id="devices"),
    pytest.param("GET", f"{TEAM}/history/devices", id="history"),
    pytest.param("POST", f"{TEAM}/invite/user", id="invite"),
    pytest.param("GET", "/no/such/route", id="unknown-route"),
]

ADMIN_ONLY_ROUTES = [
    pytest.param("GET", f"{TEAM}/users", id="users"),
    pytest.param("GET", f"{TEAM}/history/devices", id="device-history"),
    pytest.param("GET", f"{TEAM}/history", id="team-history"),
    pytest.param("POST", f"{TEAM}/invite/user", id="invite"),
    pytest.param("PATCH", f"{TEAM}/device/members", id="bulk-grant"),
]

DEVICE_WRITES = [
    pytest.param("POST", "/members", id="grant"),
    pytest.param("POST", "/members/delete", id="revoke"),
    pytest.param("PUT", "/members", id="replace"),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "path"), ANY_ROUTES)
async def test_request_without_token_is_401(
    anonymous: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await anonymous.request(method, path)

    assert_error(response, 401, "unauthorized")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Bearer not-a-real-token", id="unknown-token"),
        pytest.param(f"Basic {MEMBER_TOKEN}", id="wrong-scheme"),
        pytest.param("Bearer ", id="empty-token"),
    ],
)
async def test_request_with_bad_authorization_is_401(
    anonymous: httpx.AsyncClient, authorization: str
) -> None:
    response = await anonymous.get(TEAM, headers={"Authorization": authorization})

    assert_error(response, 401, "unauthorized")


@pytest.mark.anyio
async def test_request_with_lowercase_bearer_scheme_is_accepted(
    anonymous: httpx.AsyncClient,
) -> None:
    response = await anonymous.get(
        "/user/teams", headers={"Authorization": f"bearer {MEMBER_TOKEN}"}
    )

    assert response.status_code == 200


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        pytest.param(f"/team/{SECOND_TEAM_ID}", id="team"),
        pytest.param(f"/team/{SECOND_TEAM_ID}/devices", id="devices"),
        pytest.param(f"/team/{SECOND_TEAM_ID}/users", id="users"),
    ],
)
async def test_team_of_another_team_is_403(
    member: httpx.AsyncClient, path: str
) -> None:
    response = await member.get(path)

    assert_error(response, 403, "forbidden")


@pytest.mark.anyio
async def test_team_unknown_is_404(admin: httpx.AsyncClient) -> None:
    response = await admin.get("/team/T-01NOSUCHTEAM0000000000000/devices")

    assert_error(response, 404, "team_not_found")


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "path"), ADMIN_ONLY_ROUTES)
async def test_member_on_admin_only_route_is_403(
    member: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await member.request(method, path, json={"email": "x@example.com"})

    assert_error(response, 403, "admin_required")


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "suffix"), DEVICE_WRITES)
async def test_member_changing_access_is_403_and_changes_nothing(
    admin: httpx.AsyncClient, member: httpx.AsyncClient, method: str, suffix: str
) -> None:
    device = await device_named(admin, "Reception PC")
    path = f"{TEAM}/device/{device['id']}{suffix}"

    response = await member.request(method, path, json={"users": [], "groups": []})

    assert_error(response, 403, "admin_required")
    after = await device_named(admin, "Reception PC")
    assert (after["users"], after["groups"]) == (device["users"], device["groups"])


@pytest.mark.anyio
async def test_user_teams_for_admin_lists_both_teams(admin: httpx.AsyncClient) -> None:
    response = await admin.get("/user/teams")

    assert response.status_code == 200
    assert response.json() == {
        "teams": [
            {"id": TEAM_ID, "name": "Northwind Studio"},
            {"id": SECOND_TEAM_ID, "name": "Harbor Labs"},
        ]
    }


@pytest.mark.anyio
async def test_user_teams_for_member_lists_the_main_team_only(
    member: httpx.AsyncClient,
) -> None:
    response = await member.get("/user/teams")

    assert response.json() == {"teams": [{"id": TEAM_ID, "name": "Northwind Studio"}]}
