"""The fault knobs, and the log of requests served."""

import json
import time

import httpx
import pytest
from starlette.applications import Starlette

from server.sandbox import Faults, create_app

from .helpers import TEAM, assert_error


@pytest.mark.anyio
async def test_rate_limit_answers_429_then_recovers(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.rate_limit = 2
    app.state.faults.retry_after = 3

    statuses = [(await admin.get(f"{TEAM}/devices")) for _ in range(3)]

    assert [r.status_code for r in statuses] == [429, 429, 200]
    assert_error(statuses[0], 429, "rate_limited")
    assert statuses[0].headers["retry-after"] == "3"
    assert app.state.faults.rate_limit == 0


@pytest.mark.anyio
async def test_rate_limit_without_retry_after_sends_no_header(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.rate_limit = 1
    app.state.faults.retry_after = None

    response = await admin.get(TEAM)

    assert_error(response, 429)
    assert "retry-after" not in response.headers


@pytest.mark.anyio
@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_error_answers_the_chosen_status_once(
    app: Starlette, admin: httpx.AsyncClient, status: int
) -> None:
    app.state.faults.server_error = 1
    app.state.faults.server_error_status = status

    failed = await admin.get(TEAM)
    recovered = await admin.get(TEAM)

    assert_error(failed, status)
    assert recovered.status_code == 200


def test_server_error_defaults_to_503() -> None:
    assert Faults().server_error_status == 503


@pytest.mark.anyio
async def test_malformed_answers_200_with_a_non_json_body(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.malformed = 1

    response = await admin.get(f"{TEAM}/devices")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert (await admin.get(f"{TEAM}/devices")).json()["devices"]


@pytest.mark.anyio
async def test_faults_come_one_kind_after_another(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.rate_limit = 1
    app.state.faults.server_error = 1
    app.state.faults.malformed = 1

    responses = [await admin.get(TEAM) for _ in range(4)]

    assert [r.status_code for r in responses] == [429, 503, 200, 200]
    assert responses[2].headers["content-type"].startswith("text/html")
    assert responses[3].json()["id"]


@pytest.mark.anyio
async def test_path_contains_limits_faults_to_matching_paths(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.server_error = 1
    app.state.faults.path_contains = "/history"

    elsewhere = await admin.get(f"{TEAM}/devices")
    matching = await admin.get(f"{TEAM}/history/devices")

    assert elsewhere.status_code == 200
    assert_error(matching, 503)


@pytest.mark.anyio
async def test_faults_passed_to_create_app_are_used() -> None:
    faults = Faults(rate_limit=1)
    app = create_app(faults=faults)
    transport = httpx.ASGITransport(app=app)

    async with httpx.AsyncClient(transport=transport, base_url="http://s") as client:
        response = await client.get("/v1/user/teams")

    assert response.status_code == 429
    assert app.state.faults is faults
    assert faults.rate_limit == 0


@pytest.mark.anyio
async def test_latency_slows_each_response(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.faults.latency = 0.2

    started = time.monotonic()
    response = await admin.get("/user/teams")
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed >= 0.15  # a loose lower bound only; never an upper one


@pytest.mark.anyio
async def test_requests_log_records_every_request_in_order(
    app: Starlette, admin: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    await admin.get(f"{TEAM}/devices", params={"name": "x"})
    await anonymous.post(f"{TEAM}/invite/user")
    await admin.get("/nowhere")

    assert app.state.requests == [
        ("GET", f"/v1{TEAM}/devices"),
        ("POST", f"/v1{TEAM}/invite/user"),
        ("GET", "/v1/nowhere"),
    ]


@pytest.mark.anyio
async def test_requests_log_keeps_only_the_latest_ten_thousand(
    app: Starlette, admin: httpx.AsyncClient
) -> None:
    app.state.requests.extend([("GET", "/old")] * 10_000)

    await admin.get("/user/teams")

    assert len(app.state.requests) == 10_000
    assert app.state.requests[-1] == ("GET", "/v1/user/teams")
    assert app.state.requests[-2] == ("GET", "/old")
