"""Connection history and the activity log: their shapes, paging and filters."""

import time
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from server.sandbox import ADMIN_TOKEN, create_app, generated_world, seeded_world

from .helpers import TEAM, assert_error, sandbox_client

KINDS = {
    "incomingConnectionRequest",
    "incomingConnectionEvent",
    "authSucceededEvent",
    "authFailedEvent",
    "connectionClosedEvent",
}
BODY_FIELDS = {"connectionID", "peerInfo", "peerID", "sourceType", "tunnelID"}
ANCHOR = 1_750_000_000  # a fixed world anchor, Unix seconds
WEEK = 7 * 24 * 3600


async def all_device_events(
    client: httpx.AsyncClient, **params: Any
) -> list[dict[str, Any]]:
    """Follow ``nextOffset`` until ``hasMoreEvents`` is false (bounded)."""
    events: list[dict[str, Any]] = []
    offset = 0

    for _ in range(100):
        query = {"limit": 100, "offset": offset, **params}
        page = (await client.get(f"{TEAM}/history/devices", params=query)).json()
        events += page["deviceEvents"]
        if not page["hasMoreEvents"]:
            return events
        offset = page["nextOffset"]

    raise AssertionError("history paging did not end within 100 pages")


def kind_of(event: dict[str, Any]) -> str:
    (kind,) = set(event) & KINDS
    return kind


@pytest.fixture
async def anchored_admin() -> AsyncIterator[httpx.AsyncClient]:
    """An admin client over a seeded world anchored at ``ANCHOR``."""
    app = create_app(seeded_world(now=ANCHOR))

    async with sandbox_client(app, ADMIN_TOKEN) as client:
        yield client


@pytest.mark.anyio
async def test_device_history_events_are_spelled_as_the_api(
    admin: httpx.AsyncClient,
) -> None:
    events = await all_device_events(admin)

    for event in events:
        kind = kind_of(event)
        assert set(event) == {"timestamp", "deviceID", "computerHostName", kind}
        body = event[kind]
        assert set(body) - {"associatedIncomingConnectionEvent"} == BODY_FIELDS
        assert set(body["peerInfo"]) == {"email", "ipAddress"}


@pytest.mark.anyio
async def test_device_history_later_steps_refer_to_the_incoming_connection(
    admin: httpx.AsyncClient,
) -> None:
    events = await all_device_events(admin)

    for event in events:
        kind = kind_of(event)
        body = event[kind]
        if kind in ("incomingConnectionRequest", "incomingConnectionEvent"):
            assert "associatedIncomingConnectionEvent" not in body
        else:
            incoming = body["associatedIncomingConnectionEvent"]
            assert incoming["connectionID"] == body["connectionID"]
            assert incoming["peerInfo"] == body["peerInfo"]


@pytest.mark.anyio
async def test_device_history_connections_follow_the_four_steps(
    admin: httpx.AsyncClient,
) -> None:
    events = await all_device_events(admin, desc="false")
    steps: dict[str, list[str]] = defaultdict(list)

    for event in events:
        kind = kind_of(event)
        steps[event[kind]["connectionID"]].append(kind)

    assert len(steps) >= 50
    for kinds in steps.values():
        assert kinds[:2] == ["incomingConnectionRequest", "incomingConnectionEvent"]
        assert kinds[2] in ("authSucceededEvent", "authFailedEvent")
        assert kinds[3:] == ["connectionClosedEvent"]


@pytest.mark.anyio
async def test_device_history_default_page_is_newest_50(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(f"{TEAM}/history/devices")

    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"deviceEvents", "hasMoreEvents", "nextOffset"}
    assert len(page["deviceEvents"]) == 50
    assert page["hasMoreEvents"] is True
    assert page["nextOffset"] == 50
    stamps = [event["timestamp"] for event in page["deviceEvents"]]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.anyio
async def test_device_history_ascending_is_oldest_first(
    admin: httpx.AsyncClient,
) -> None:
    newest = await all_device_events(admin)
    oldest = await all_device_events(admin, desc="false")

    stamps = [event["timestamp"] for event in oldest]
    assert stamps == sorted(stamps)
    assert [e["timestamp"] for e in reversed(newest)] == stamps


@pytest.mark.anyio
async def test_device_history_pages_cover_everything_once(
    admin: httpx.AsyncClient,
) -> None:
    whole = (await admin.get(f"{TEAM}/history/devices", params={"limit": 500})).json()

    paged = await all_device_events(admin)

    assert whole["hasMoreEvents"] is False
    assert whole["nextOffset"] == len(whole["deviceEvents"])
    assert paged == whole["deviceEvents"]


@pytest.mark.anyio
async def test_device_history_last_page_says_no_more(admin: httpx.AsyncClient) -> None:
    total = len(await all_device_events(admin))

    response = await admin.get(
        f"{TEAM}/history/devices", params={"offset": total - 3, "limit": 10}
    )

    page = response.json()
    assert len(page["deviceEvents"]) == 3
    assert page["hasMoreEvents"] is False
    assert page["nextOffset"] == total


@pytest.mark.anyio
async def test_device_history_offset_past_the_end_is_empty(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(f"{TEAM}/history/devices", params={"offset": 100_000})

    assert response.json()["deviceEvents"] == []
    assert response.json()["hasMoreEvents"] is False


@pytest.mark.anyio
async def test_device_history_start_time_keeps_events_at_or_after_it(
    anchored_admin: httpx.AsyncClient,
) -> None:
    everything = await all_device_events(anchored_admin)
    start = everything[len(everything) // 2]["timestamp"]

    recent = await all_device_events(anchored_admin, startTime=start)

    assert recent == [e for e in everything if e["timestamp"] >= start]
    assert 0 < len(recent) < len(everything)


@pytest.mark.anyio
async def test_device_history_end_time_keeps_events_before_it(
    anchored_admin: httpx.AsyncClient,
) -> None:
    everything = await all_device_events(anchored_admin)
    end = everything[len(everything) // 2]["timestamp"]

    older = await all_device_events(anchored_admin, endTime=end)

    assert older == [e for e in everything if e["timestamp"] < end]


@pytest.mark.anyio
async def test_device_history_start_time_in_milliseconds_finds_nothing(
    admin: httpx.AsyncClient,
) -> None:
    week_ago_ms = int((time.time() - WEEK) * 1000)

    events = await all_device_events(admin, startTime=week_ago_ms)

    assert events == []


@pytest.mark.anyio
async def test_device_history_spans_the_last_week_in_seconds(
    anchored_admin: httpx.AsyncClient,
) -> None:
    events = await all_device_events(anchored_admin)

    stamps = [event["timestamp"] for event in events]
    assert min(stamps) >= ANCHOR - WEEK
    assert max(stamps) < ANCHOR
    assert max(stamps) - min(stamps) > 5 * 24 * 3600


@pytest.mark.anyio
async def test_device_history_limit_above_500_is_capped() -> None:
    world = generated_world(users=50, devices=400, seed=1)

    async with sandbox_client(create_app(world), ADMIN_TOKEN) as admin:
        response = await admin.get(f"{TEAM}/history/devices", params={"limit": 5000})

    page = response.json()
    assert len(page["deviceEvents"]) == 500
    assert page["hasMoreEvents"] is True
    assert page["nextOffset"] == 500


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("limit", "ten", id="limit-not-a-number"),
        pytest.param("limit", "0", id="limit-zero"),
        pytest.param("offset", "-1", id="offset-negative"),
        pytest.param("desc", "yes", id="desc-not-boolean"),
        pytest.param("startTime", "yesterday", id="start-time-not-a-number"),
        pytest.param("endTime", "", id="end-time-empty"),
    ],
)
@pytest.mark.parametrize("path", ["/history/devices", "/history"])
async def test_history_bad_query_is_400(
    admin: httpx.AsyncClient, path: str, name: str, value: str
) -> None:
    response = await admin.get(f"{TEAM}{path}", params={name: value})

    assert_error(response, 400, "invalid_query")


@pytest.mark.anyio
async def test_team_history_events_are_spelled_as_guessed(
    admin: httpx.AsyncClient,
) -> None:
    response = await admin.get(f"{TEAM}/history", params={"limit": 500})

    assert response.status_code == 200
    page = response.json()
    assert set(page) == {"events", "hasMoreEvents", "nextOffset"}
    assert len(page["events"]) >= 10
    for event in page["events"]:
        assert set(event) == {"timestamp", "type", "actor", "detail"}
        assert set(event["actor"]) == {"email"}


@pytest.mark.anyio
async def test_team_history_pages_like_device_history(
    admin: httpx.AsyncClient,
) -> None:
    first = (await admin.get(f"{TEAM}/history", params={"limit": 4})).json()
    second = (
        await admin.get(f"{TEAM}/history", params={"limit": 4, "offset": 4})
    ).json()

    assert first["hasMoreEvents"] is True
    assert first["nextOffset"] == 4
    assert first["events"][-1]["timestamp"] >= second["events"][0]["timestamp"]
