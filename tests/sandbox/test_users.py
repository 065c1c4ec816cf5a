"""``GET /team/{teamID}/users`` and its exact, case-sensitive ``?email=`` filter."""

import httpx
import pytest

from .helpers import TEAM

USER_FIELDS = {"id", "email", "firstName", "lastName", "role", "remoteAccess"}


@pytest.mark.anyio
async def test_users_list_is_spelled_as_the_api(admin: httpx.AsyncClient) -> None:
    response = await admin.get(f"{TEAM}/users")

    assert response.status_code == 200
    users = response.json()["users"]
    assert len(users) >= 22
    for user in users:
        assert set(user) == USER_FIELDS
        assert user["id"].startswith("U-")
        assert user["role"] in ("admin", "user")
        assert user["remoteAccess"] in ("enabled", "disabled")


@pytest.mark.anyio
async def test_users_email_filter_exact_match_returns_that_user(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(
        f"{TEAM}/users", params={"email": "Li.Wei@Northwind.example"}
    )

    (user,) = response.json()["users"]
    assert (user["firstName"], user["lastName"]) == ("Li", "Wei")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "email",
    [
        pytest.param("li.wei@northwind.example", id="lowercase"),
        pytest.param("LI.WEI@NORTHWIND.EXAMPLE", id="uppercase"),
        pytest.param("Li.Wei", id="prefix"),
        pytest.param("*Wei*", id="no-wildcards"),
        pytest.param("nobody@northwind.example", id="unknown"),
    ],
)
async def test_users_email_filter_inexact_returns_nobody(
    admin: httpx.AsyncClient, email: str
) -> None:
    response = await admin.get(f"{TEAM}/users", params={"email": email})

    assert response.status_code == 200
    assert response.json() == {"users": []}
