"""Small helpers shared by the sandbox tests."""

from typing import Any

import httpx
from starlette.applications import Starlette

from server.sandbox import TEAM_ID

BASE_URL = "http://sandbox/v1"
TEAM = f"/team/{TEAM_ID}"


def sandbox_client(app: Starlette, token: str | None) -> httpx.AsyncClient:
    """Return a client for ``app`` sending ``token`` as its bearer token, if any."""
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=app)

    return httpx.AsyncClient(transport=transport, base_url=BASE_URL, headers=headers)


def assert_error(
    response: httpx.Response, status: int, code: str | None = None
) -> None:
    """Check the response is the API's error body for ``status``."""
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")

    (error,) = response.json()["errors"]
    assert set(error) == {"code", "detail", "status"}
    assert error["status"] == status
    assert error["detail"]
    if code is not None:
        assert error["code"] == code


async def devices_named(client: httpx.AsyncClient, name: str) -> list[dict[str, Any]]:
    response = await client.get(f"{TEAM}/devices", params={"name": name})
    assert response.status_code == 200

    return response.json()["devices"]


async def device_named(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    """Return the one computer with exactly this name."""
    (device,) = await devices_named(client, name)
    return device


async def user_with_email(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    response = await client.get(f"{TEAM}/users", params={"email": email})
    assert response.status_code == 200

    (user,) = response.json()["users"]
    return user


async def group_named(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await client.get(TEAM)
    assert response.status_code == 200

    (group,) = [g for g in response.json()["groups"] if g["name"] == name]
    return group
