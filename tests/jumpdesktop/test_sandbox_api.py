"""The client against the sandbox, in-process and over real loopback HTTP.

The sandbox spells its JSON from its own data, so a field name the client's
models get wrong shows up here as a missing value.
"""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from server.jumpdesktop import (
    JumpDesktopClient,
    NotAllowed,
    NotFound,
    RateLimited,
    TokenRejected,
)
from server.sandbox import (
    ADMIN_EMAIL,
    ADMIN_TOKEN,
    MEMBER_TOKEN,
    SECOND_TEAM_ID,
    TEAM_ID,
    create_app,
)
from tests.loopback import serving

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandbox() -> Any:
    return create_app()


@pytest.fixture(params=["in-process", "loopback"])
def base_url(request: pytest.FixtureRequest, sandbox: Any) -> Iterator[str | None]:
    """None means in-process; otherwise the URL of a real uvicorn server."""
    if request.param == "in-process":
        yield None
        return
    with serving(sandbox) as url:
        yield f"{url}/v1"


def connect(sandbox: Any, base_url: str | None, token: str) -> JumpDesktopClient:
    if base_url is None:
        transport = httpx.ASGITransport(app=sandbox)
        return JumpDesktopClient(token, "http://sandbox.test/v1", transport=transport)
    return JumpDesktopClient(token, base_url)


@pytest.fixture
async def api(sandbox: Any, base_url: str | None) -> AsyncIterator[JumpDesktopClient]:
    async with connect(sandbox, base_url, ADMIN_TOKEN) as client:
        yield client


async def test_get_team_reads_every_section(api: JumpDesktopClient) -> None:
    team = await api.get_team(TEAM_ID)

    assert team.id == TEAM_ID and team.name
    assert len(team.users) >= 20 and len(team.devices) >= 40
    assert len(team.groups) == 4
    assert team.missing_sections() == []
    assert all(user.email and user.role for user in team.users)
    seen = [device for device in team.devices if device.last_online_at]
    assert seen and all(device.platform and device.hostname for device in seen)
    assert any(device.last_online_at is None for device in team.devices)
    assert team.device_configs[0].connect_downloads.macpkg.startswith("https://")
    assert team.user_invites and all(invite.email for invite in team.user_invites)


async def test_online_times_read_as_recent(api: JumpDesktopClient) -> None:
    devices = await api.list_devices(TEAM_ID)

    now = datetime.now(UTC)
    recent = [
        d
        for d in devices
        if d.last_online_at and now - d.last_online_at < timedelta(minutes=5)
    ]
    assert 0 < len(recent) < len(devices)
    assert all(d.last_online_at <= now + timedelta(seconds=5) for d in recent)


async def test_filters_pass_through(api: JumpDesktopClient) -> None:
    exact = await api.list_users(TEAM_ID, email=ADMIN_EMAIL)
    wild = await api.list_devices(TEAM_ID, name="render-0*")

    assert [user.email for user in exact] == [ADMIN_EMAIL]
    assert wild and all(device.name.startswith("render-0") for device in wild)


async def test_one_device_and_its_urls(api: JumpDesktopClient) -> None:
    first = (await api.list_devices(TEAM_ID))[0]

    device = await api.get_device(TEAM_ID, first.id)
    urls = await api.get_device_urls(TEAM_ID, first.id)

    assert device.id == first.id and device.name == first.name
    assert urls.connect and urls.dashboard and urls.ask_screen_share


async def test_members_round_trip(api: JumpDesktopClient) -> None:
    team = await api.get_team(TEAM_ID)
    device = next(d for d in team.devices if d.name == "Reception PC")
    user = next(u for u in team.users if u.id not in device.users)

    await api.add_device_members(TEAM_ID, device.id, users=[user.id])
    granted = await api.get_device(TEAM_ID, device.id)
    await api.remove_device_members(TEAM_ID, device.id, users=[user.id])
    revoked = await api.get_device(TEAM_ID, device.id)

    assert user.id in granted.users
    assert user.id not in revoked.users


async def test_history_pages_follow_offsets(api: JumpDesktopClient) -> None:
    since = datetime.now(UTC) - timedelta(days=2)

    first = await api.get_device_history(TEAM_ID, limit=20, start_time=since)
    second = await api.get_device_history(
        TEAM_ID, limit=20, offset=first.next_offset, start_time=since
    )

    assert first.has_more_events and len(first.device_events) == 20
    assert first.device_events[0].timestamp >= first.device_events[-1].timestamp
    assert all(event.timestamp >= since for event in second.device_events)
    assert {event.kind for event in first.device_events} - {"unknown"}
    assert first.device_events[-1].timestamp >= second.device_events[0].timestamp


async def test_invite_then_seen_as_pending(api: JumpDesktopClient) -> None:
    await api.invite_user(TEAM_ID, "new.person@example.org")

    team = await api.get_team(TEAM_ID)

    assert "new.person@example.org" in {invite.email for invite in team.user_invites}


async def test_list_teams_names_both_teams(api: JumpDesktopClient) -> None:
    teams = {team.id: team.name for team in await api.list_teams()}

    assert {TEAM_ID, SECOND_TEAM_ID} <= set(teams)


async def test_errors_map_to_the_tree(sandbox: Any, base_url: str | None) -> None:
    async with connect(sandbox, base_url, "not-a-token") as stranger:
        with pytest.raises(TokenRejected):
            await stranger.get_team(TEAM_ID)
    async with connect(sandbox, base_url, MEMBER_TOKEN) as member:
        limited = await member.get_team(TEAM_ID)
        with pytest.raises(NotAllowed):
            await member.get_device_history(TEAM_ID)
    async with connect(sandbox, base_url, ADMIN_TOKEN) as admin:
        with pytest.raises(NotFound):
            await admin.get_device(TEAM_ID, "D-NOPE")
        sandbox.state.faults.rate_limit, sandbox.state.faults.retry_after = 20, 2
        with pytest.raises(RateLimited) as caught:
            await admin.get_team(TEAM_ID)

    assert "deviceConfigs" in limited.missing_sections()
    assert caught.value.retry_after == 2
