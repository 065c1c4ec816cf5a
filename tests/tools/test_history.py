import json
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.jumpdesktop import HistoryPage
from server.sandbox import (
    ADMIN_EMAIL,
    MEMBER_TOKEN,
    SECOND_TEAM_ID,
    TEAM_ID,
    create_app,
    generated_world,
)
from server.sandbox.history import connection_events
from server.sandbox.seed_history import peer
from server.sandbox.world import DAY, HOUR, Team
from tests.conftest import call, call_error, make_settings
from tools.history import SEEN_CAP, TOOL, EventFilter, Position, Reader, Window, digest
from tools.signing import Signer, issue_cursor
from tools.text import iso

pytestmark = pytest.mark.anyio

SIGNING_KEY = "history-tests-signing-key"

Row = tuple[str | None, str | None, str | None]


def team_of(sandbox: Any) -> Team:
    return sandbox.state.world.teams[TEAM_ID]


def created_at(sandbox: Any) -> int:
    return int(sandbox.state.world.created_at)


def moment(seconds: float) -> str:
    return iso(datetime.fromtimestamp(seconds, UTC)) or ""


def history_calls(sandbox: Any) -> int:
    return sum(path.endswith("/history/devices") for _, path in sandbox.state.requests)


def device_named(team: Team, name: str) -> Any:
    return next(device for device in team.devices.values() if device.name == name)


def add_connection(
    team: Team, device_name: str, email: str, started_at: int, succeeded: bool = True
) -> None:
    """Give the sandbox one more connection, keeping its history in order."""
    device = device_named(team, device_name)
    steps = connection_events(
        device, peer(email, "192.0.2.200"), started_at, 40 * 60, succeeded
    )
    team.device_events = sorted(
        [*team.device_events, *steps], key=lambda event: event.timestamp
    )


def expected(
    team: Team,
    since: int,
    until: int | None = None,
    device_id: str | None = None,
    email: str | None = None,
) -> set[Row]:
    """The connections the sandbox holds for a question, as (when, computer, who).

    A connection counts when one of its events lies in the period; it is
    dated by its oldest event from `since` on, as the API answers no older.
    """
    events = defaultdict(list)
    for event in team.device_events:
        if event.timestamp < since:
            continue
        if device_id and event.device_id != device_id:
            continue
        if email and event.peer.email.casefold() != email.casefold():
            continue
        events[event.connection_id].append(event)

    return {
        (moment(steps[0].timestamp), steps[0].device_id, steps[0].peer.email)
        for steps in events.values()
        if until is None or steps[0].timestamp < until
    }


def rows(page: dict[str, Any]) -> list[Row]:
    return [
        (row["when"], row["computer_id"], row["who"]) for row in page["connections"]
    ]


async def read_all(
    client: Client, sandbox: Any, pages: int = 40, **arguments: Any
) -> list[dict[str, Any]]:
    """Every page of one query, checking each call stays within three requests."""
    answers, cursor = [], None
    for _ in range(pages):
        before = len(sandbox.state.requests)
        page = await call(client, TOOL, cursor=cursor, **arguments)
        assert len(sandbox.state.requests) - before <= 3
        answers.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            return answers
    raise AssertionError(f"still more after {pages} pages")


@pytest.fixture
async def member(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    settings = make_settings(api_token=MEMBER_TOKEN)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server, mode=mode) as client:
        yield client


@pytest.fixture
async def signed(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    """A client of a server whose cursor signing key the test knows."""
    settings = make_settings(signing_key=SIGNING_KEY)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server, mode=mode) as client:
        yield client


@pytest.fixture
def big_world() -> Any:
    return create_app(generated_world(users=2000, devices=20000, groups=40))


@pytest.fixture
async def big(big_world: Any, mode: str) -> AsyncIterator[Client]:
    transport = httpx.ASGITransport(app=big_world)
    server = build_server(make_settings(), transport=transport)
    async with Client(server, mode=mode) as client:
        yield client


async def test_get_connection_history_of_a_computer_in_the_last_day(
    sandbox: Any, mcp: Client
) -> None:
    team, now = team_of(sandbox), created_at(sandbox)
    add_connection(
        team, "NAS-Backup", "hannah.schmidt@northwind.example", now - 3 * HOUR
    )
    add_connection(
        team, "NAS-Backup", "visitor@example.com", now - 2 * HOUR, succeeded=False
    )
    add_connection(
        team, "NAS-Backup", "jordan.blake@northwind.example", now - 30 * HOUR
    )
    before = len(sandbox.state.requests)

    page = await call(mcp, TOOL, device="nas-backup", since="24h")

    first, second = page["connections"]
    assert page["device"]["name"] == "NAS-Backup"
    assert (first["who"], first["outcome"]) == (
        "visitor@example.com",
        "authentication failed",
    )
    assert (second["who"], second["outcome"]) == (
        "hannah.schmidt@northwind.example",
        "connected",
    )
    assert second["when"] == moment(now - 3 * HOUR)
    assert second["when_ago"] == "3 hours ago"
    assert second["duration"] == "40 min" and second["ended_at"]
    assert second["computer_name"] == "NAS-Backup"
    assert second["from_ip"] == "192.0.2.200"
    assert page["total"] == 2 and page["more"] is False
    assert len(sandbox.state.requests) - before == 2


async def test_get_connection_history_user_filter_ignores_case(
    sandbox: Any, mcp: Client
) -> None:
    since = created_at(sandbox) - 6 * DAY

    page = await call(
        mcp, TOOL, user_email="LI.WEI@northwind.EXAMPLE", since=moment(since)
    )

    assert page["connections"]
    assert {row["who"] for row in page["connections"]} == {"Li.Wei@Northwind.example"}
    wanted = expected(team_of(sandbox), since, email="li.wei@northwind.example")
    assert set(rows(page)) == wanted
    assert page["user_email"] == "li.wei@northwind.example"


async def test_get_connection_history_shows_failed_sign_ins_as_failures(
    sandbox: Any, mcp: Client
) -> None:
    since = created_at(sandbox) - 3 * DAY

    page = await call(mcp, TOOL, user_email="visitor@example.com", since=moment(since))

    assert page["returned"] == 3
    for row in page["connections"]:
        assert row["outcome"] == "authentication failed"
        assert row["computer_name"] == "Reception PC"
        assert row["duration"] == "6 s"
    assert "3 authentication failed" in page["summary"]


async def test_get_connection_history_is_newest_first_with_names(
    sandbox: Any, mcp: Client
) -> None:
    page = await call(mcp, TOOL, limit=25)

    whens = [row["when"] for row in page["connections"]]
    assert whens == sorted(whens, reverse=True)
    names = {device.name for device in team_of(sandbox).devices.values()}
    assert all(row["computer_name"] in names for row in page["connections"])
    assert page["returned"] == 25 and page["more"] is True


async def test_get_connection_history_pages_through_to_the_end_once_each(
    sandbox: Any, mcp: Client
) -> None:
    since = created_at(sandbox) - 8 * DAY

    answers = await read_all(mcp, sandbox, since=moment(since), limit=7)

    seen = [row for page in answers for row in rows(page)]
    assert len(seen) == len(set(seen))
    assert set(seen) == expected(team_of(sandbox), since)
    assert all(page["returned"] <= 7 for page in answers)
    assert answers[-1]["total"] == len(seen)
    assert all(page["total"] is None for page in answers[:-1])


async def test_get_connection_history_until_is_applied(
    sandbox: Any, mcp: Client
) -> None:
    now = created_at(sandbox)
    since, until = now - 4 * DAY, now - 2 * DAY

    answers = await read_all(
        mcp, sandbox, since=moment(since), until=moment(until), limit=50
    )

    seen = {row for page in answers for row in rows(page)}
    assert seen == expected(team_of(sandbox), since, until)
    assert all((when or "") < moment(until) for when, _, _ in seen)


async def test_get_connection_history_new_events_between_pages_repeat_nothing(
    sandbox: Any, mcp: Client
) -> None:
    team, now = team_of(sandbox), created_at(sandbox)
    first = await call(mcp, TOOL, limit=5)

    add_connection(team, "NAS-Backup", "hannah.schmidt@northwind.example", now - HOUR)
    second = await call(mcp, TOOL, limit=5, cursor=first["next_cursor"])

    assert not set(rows(first)) & set(rows(second))
    assert all(row["computer_name"] != "NAS-Backup" for row in second["connections"])


async def test_get_connection_history_relative_since_does_not_drift(
    sandbox: Any, signed: Client
) -> None:
    # A cursor handed out an hour ago, for since="24h" as it read then.
    anchor = created_at(sandbox) - HOUR
    query = [TOOL, TEAM_ID, None, None, moment(anchor - DAY), None]
    position = Position(anchor, offset=0, upto=anchor)
    cursor = issue_cursor(Signer(SIGNING_KEY.encode()), query, position.payload())

    page = await call(signed, TOOL, since="24h", cursor=cursor)

    assert page["since"] == moment(anchor - DAY)
    assert all((row["when"] or "") <= moment(anchor) for row in page["connections"])


async def test_get_connection_history_big_team_filter_stops_early_and_resumes(
    big_world: Any, big: Client
) -> None:
    team = big_world.state.world.teams[TEAM_ID]
    oldest = team.device_events[0]
    since = int(big_world.state.world.created_at) - 8 * DAY

    answers = await read_all(
        big, big_world, user_email=oldest.peer.email, since=moment(since)
    )

    assert answers[0]["stopped_early"] is True
    assert "further back" in answers[0]["summary"]
    found = {row for page in answers for row in rows(page)}
    assert found == expected(team, since, email=oldest.peer.email)


async def test_get_connection_history_answer_stays_small_on_a_huge_team(
    big: Client,
) -> None:
    page = await call(big, TOOL, limit=100)

    assert page["returned"] == 100
    # About 4 characters a token: far below the 25,000-token cap of clients.
    assert len(json.dumps(page)) < 60_000


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("not-a-cursor", id="garbage"),
        pytest.param("eyJwIjp7fX0.AAAAAAAAAAAAAAAAAAAAAA", id="forged"),
    ],
)
async def test_get_connection_history_refuses_a_forged_cursor(
    sandbox: Any, mcp: Client, cursor: str
) -> None:
    text = await call_error(mcp, TOOL, cursor=cursor)

    assert "cursor" in text and "without `cursor`" in text
    assert history_calls(sandbox) == 0


async def test_get_connection_history_refuses_a_cursor_of_another_query(
    mcp: Client,
) -> None:
    first = await call(mcp, TOOL, limit=2)

    text = await call_error(
        mcp,
        TOOL,
        limit=2,
        user_email="li.wei@northwind.example",
        cursor=first["next_cursor"],
    )

    assert "stale" in text


@pytest.mark.parametrize(
    ("arguments", "expected_text"),
    [
        pytest.param({"since": "2026-13-45"}, "since", id="impossible-date"),
        pytest.param({"since": "yesterday"}, "ISO", id="words"),
        pytest.param({"until": "soon"}, "until", id="until-words"),
        pytest.param({"since": "0h"}, "out of range", id="zero-span"),
        pytest.param({"since": "2d", "until": "3d"}, "after", id="until-before"),
        pytest.param(
            {"since": "2024-03-02", "until": "2024-03-01T00:00:00Z"},
            "after",
            id="until-before-iso",
        ),
        pytest.param({"since": "2999-01-01"}, "future", id="future"),
        pytest.param(
            {"since": "0001-01-01T00:00:00+14:00"}, "since", id="before-year-one"
        ),
        pytest.param(
            {"until": "9999-12-31T23:59:59-14:00"}, "until", id="after-year-9999"
        ),
        pytest.param({"user_email": "li.wei"}, "email", id="not-an-email"),
        pytest.param({"device": "   "}, "blank", id="blank-device"),
    ],
)
async def test_get_connection_history_refuses_bad_input(
    sandbox: Any, mcp: Client, arguments: dict[str, Any], expected_text: str
) -> None:
    text = await call_error(mcp, TOOL, **arguments)

    assert expected_text in text
    assert history_calls(sandbox) == 0


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({}, id="every-computer"),
        pytest.param({"device": "Reception PC"}, id="one-computer"),
    ],
)
async def test_get_connection_history_finding_the_default_team_stays_in_budget(
    sandbox: Any, mode: str, arguments: dict[str, Any]
) -> None:
    # With one team left to the token, the server looks it up as its default.
    world = sandbox.state.world
    admin = next(u for u in team_of(sandbox).users.values() if u.email == ADMIN_EMAIL)
    del world.teams[SECOND_TEAM_ID].users[admin.id]
    server = build_server(
        make_settings(team_id=None), transport=httpx.ASGITransport(app=sandbox)
    )

    async with Client(server, mode=mode) as client:
        page = await call(client, TOOL, since="8d", limit=100, **arguments)

    assert len(sandbox.state.requests) <= 3
    assert any(path.endswith("/user/teams") for _, path in sandbox.state.requests)
    assert page["returned"] > 0


async def test_get_connection_history_date_alone_until_includes_that_day(
    mcp: Client,
) -> None:
    page = await call(mcp, TOOL, since="2024-03-01", until="2024-03-01")

    assert page["since"] == "2024-03-01T00:00:00Z"
    assert page["until"] == "2024-03-02T00:00:00Z"


async def test_get_connection_history_for_a_member_needs_an_admin(
    sandbox: Any, member: Client
) -> None:
    text = await call_error(member, TOOL)
    with_device = await call_error(member, TOOL, device="Lab Mac")

    for message in (text, with_device):
        assert "admin's" in message and "403" in message
    assert history_calls(sandbox) == 2


async def test_get_connection_history_rate_limited_says_when_to_retry(
    sandbox: Any, mcp: Client
) -> None:
    sandbox.state.faults.path_contains = "/history/"
    sandbox.state.faults.rate_limit = 50

    text = await call_error(mcp, TOOL)

    assert "wait 1 s" in text
    assert "Traceback" not in text


async def test_get_connection_history_unknown_computer_suggests_names(
    sandbox: Any, mcp: Client
) -> None:
    text = await call_error(mcp, TOOL, device="Receptoin PC")

    assert "Reception PC" in text
    assert history_calls(sandbox) == 0


def test_position_with_every_seen_digest_fits_in_a_cursor() -> None:
    seen = tuple(digest(f"C-{n:026d}") for n in range(SEEN_CAP))
    position = Position(2_000_000_000, 9_999_999, 2_000_000_000, seen, 99_999)
    query = [TOOL, TEAM_ID, "D-" + "X" * 24, "x" * 254, "2026-12-01T00:00:00Z", None]

    cursor = issue_cursor(Signer(), query, position.payload())

    assert len(cursor) <= 2000


def api_event(connection: str | None, kind: str, at: int) -> dict[str, Any]:
    body: dict[str, Any] = {"peerInfo": {"email": f"{connection}@example.com"}}
    if connection is not None:
        body["connectionID"] = connection
    return {"timestamp": at, "deviceID": "D-1", kind: body}


def read_page(position: Position, *events: dict[str, Any]) -> Reader:
    window = Window(datetime.fromtimestamp(0, UTC), None)
    reader = Reader(window, EventFilter(), limit=1, position=position)
    reader.read(HistoryPage.model_validate({"deviceEvents": list(events)}))
    return reader


def test_reader_shows_a_connection_spanning_pages_once() -> None:
    # Newest first: A closes last but began first, so its start lies past B.
    events = [
        api_event("A", "connectionClosedEvent", 900),
        api_event("B", "connectionClosedEvent", 800),
        api_event("B", "incomingConnectionRequest", 700),
        api_event("A", "incomingConnectionRequest", 100),
    ]

    first = read_page(Position(1000), *events)
    following = first.next_position()
    second = read_page(following, *events[following.offset :])

    assert list(first.taken) == ["A"] and list(second.taken) == ["B"]
    assert following.offset == 1 and following.upto == 800
    assert second.seen == [] and second.next_position() is None


def test_reader_counts_an_event_without_a_connection_id_on_its_own() -> None:
    reader = read_page(
        Position(1000, seen=()),
        api_event(None, "authFailedEvent", 500),
        api_event(None, "authFailedEvent", 400),
    )

    assert len(reader.taken) == 1
    assert reader.next_position().offset == 1
