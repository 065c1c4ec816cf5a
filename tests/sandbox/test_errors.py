"""Routing failures answer with the API's error body too."""

import httpx
import pytest

from .helpers import TEAM, assert_error


@pytest.mark.anyio
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/no/such/route", id="unknown"),
        pytest.param(f"{TEAM}/computers", id="wrong-noun"),
        pytest.param("/team", id="team-without-id"),
        pytest.param("/user/teams/extra", id="too-long"),
    ],
)
async def test_unknown_route_is_404(admin: httpx.AsyncClient, path: str) -> None:
    response = await admin.get(path)

    assert_error(response, 404, "not_found")


@pytest.mark.anyio
async def test_route_outside_v1_is_404(admin: httpx.AsyncClient) -> None:
    response = await admin.get("http://sandbox/user/teams")

    assert_error(response, 404, "not_found")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        pytest.param("DELETE", f"{TEAM}/devices", "GET", id="delete-devices"),
        pytest.param("POST", f"{TEAM}/users", "GET", id="post-users"),
        pytest.param("GET", f"{TEAM}/invite/user", "POST", id="get-invite"),
        pytest.param(
            "DELETE", f"{TEAM}/device/D-X/members", "PUT", id="delete-members"
        ),
    ],
)
async def test_wrong_method_is_405_naming_the_allowed_ones(
    admin: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await admin.request(method, path)

    assert_error(response, 405, "method_not_allowed")
    assert allowed in response.headers["allow"]
