import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from pydantic import SecretStr

from server import __version__
from server.jumpdesktop import (
    Device,
    JumpDesktopClient,
    JumpDesktopError,
    NotAllowed,
    NotFound,
    RateLimited,
    RequestRejected,
    TokenRejected,
    UpstreamUnavailable,
    retry_delay,
)
from server.jumpdesktop.client import RETRY_AFTER_CAP, RETRY_ATTEMPTS

from .fakes import BASE_URL, TOKEN, api_error

TEAM = "T-01DC001CDDA14H5634420248"


@pytest.mark.anyio
async def test_client_headers_carry_bearer_accept_and_user_agent(fake_api):
    api = fake_api()

    async with api.client() as client:
        await client.get_team(TEAM)

    headers = api.requests[0].headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == f"jumpdesktop-mcp/{__version__}"


@pytest.mark.anyio
async def test_client_user_agent_option_replaces_default(fake_api):
    api = fake_api()

    async with api.client(user_agent="acme-helpdesk/2") as client:
        await client.get_team(TEAM)

    assert api.requests[0].headers["User-Agent"] == "acme-helpdesk/2"


@pytest.mark.anyio
async def test_client_secret_str_token_is_sent_as_bearer(fake_api):
    api = fake_api()

    async with api.client(token=SecretStr(f" {TOKEN}\n")) as client:
        await client.get_team(TEAM)

    assert api.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param(SecretStr(""), id="empty-secret"),
        pytest.param(f"{TOKEN} extra", id="inner-space"),
        pytest.param(f"{TOKEN}\r\nX-Evil: 1", id="header-injection"),
    ],
)
def test_client_bad_token_raises_value_error_without_token(token):
    with pytest.raises(ValueError, match="token") as raised:
        JumpDesktopClient(token)

    assert TOKEN not in str(raised.value)


@pytest.mark.parametrize(
    "base_url",
    [
        pytest.param("https://api.test/v1", id="no-slash"),
        pytest.param("https://api.test/v1/", id="slash"),
    ],
)
@pytest.mark.anyio
async def test_client_base_url_slash_does_not_change_path(fake_api, base_url):
    api = fake_api()

    async with api.client(base_url=base_url) as client:
        await client.get_team("T-1")

    assert str(api.requests[0].url) == "https://api.test/v1/team/T-1"


def test_client_repr_names_base_url_not_token():
    client = JumpDesktopClient(TOKEN, BASE_URL)

    assert TOKEN not in repr(client)
    assert "api.test" in repr(client)


SINCE = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


EAST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("call", "path", "query"),
    [
        pytest.param(lambda c: c.get_team(TEAM), f"/v1/team/{TEAM}", {}, id="team"),
        pytest.param(
            lambda c: c.list_users("T-1"), "/v1/team/T-1/users", {}, id="users"
        ),
        pytest.param(
            lambda c: c.list_users("T-1", email="ann@example.com"),
            "/v1/team/T-1/users",
            {"email": "ann@example.com"},
            id="users-by-email",
        ),
        pytest.param(
            lambda c: c.list_devices("T-1"), "/v1/team/T-1/devices", {}, id="devices"
        ),
        pytest.param(
            lambda c: c.list_devices("T-1", name="*lab*"),
            "/v1/team/T-1/devices",
            {"name": "*lab*"},
            id="devices-by-name",
        ),
        pytest.param(
            lambda c: c.get_device("T-1", "D-1"),
            "/v1/team/T-1/device/D-1",
            {},
            id="device",
        ),
        pytest.param(
            lambda c: c.get_device_urls("T-1", "D-1"),
            "/v1/team/T-1/device/D-1/urls",
            {},
            id="device-urls",
        ),
        pytest.param(
            lambda c: c.get_device_history("T-1"),
            "/v1/team/T-1/history/devices",
            {"desc": "true"},
            id="history",
        ),
        pytest.param(
            lambda c: c.get_device_history(
                "T-1", desc=False, limit=50, offset=100, start_time=SINCE
            ),
            "/v1/team/T-1/history/devices",
            {
                "desc": "false",
                "limit": "50",
                "offset": "100",
                "startTime": "1700000000",
            },
            id="history-all-options",
        ),
        pytest.param(
            lambda c: c.get_device_history("T-1", start_time=SINCE.astimezone(EAST)),
            "/v1/team/T-1/history/devices",
            {"desc": "true", "startTime": "1700000000"},
            id="history-other-timezone",
        ),
        pytest.param(
            lambda c: c.get_device_history(
                "T-1", start_time=SINCE.replace(tzinfo=None)
            ),
            "/v1/team/T-1/history/devices",
            {"desc": "true", "startTime": "1700000000"},
            id="history-naive-is-utc",
        ),
        pytest.param(lambda c: c.list_teams(), "/v1/user/teams", {}, id="teams"),
    ],
)
@pytest.mark.anyio
async def test_client_read_sends_get_with_path_and_query(fake_api, call, path, query):
    api = fake_api(httpx.Response(200, json={}))

    async with api.client() as client:
        await call(client)

    (request,) = api.requests
    assert request.method == "GET"
    assert request.url.raw_path.split(b"?")[0] == path.encode()
    assert dict(request.url.params) == query
    assert request.content == b""


@pytest.mark.parametrize(
    ("call", "path", "body"),
    [
        pytest.param(
            lambda c: c.add_device_members("T-1", "D-1", users=["U-1"]),
            "/v1/team/T-1/device/D-1/members",
            {"users": ["U-1"], "groups": []},
            id="add-members",
        ),
        pytest.param(
            lambda c: c.remove_device_members(
                "T-1", "D-1", users=("U-1", "U-2"), groups=["G-1"]
            ),
            "/v1/team/T-1/device/D-1/members/delete",
            {"users": ["U-1", "U-2"], "groups": ["G-1"]},
            id="remove-members",
        ),
        pytest.param(
            lambda c: c.invite_user("T-1", "ann@example.com"),
            "/v1/team/T-1/invite/user",
            {"email": "ann@example.com"},
            id="invite",
        ),
        pytest.param(
            lambda c: c.invite_user("T-1", " ann@example.com ", groups=["G-1"]),
            "/v1/team/T-1/invite/user",
            {"email": "ann@example.com", "groups": ["G-1"]},
            id="invite-to-groups",
        ),
    ],
)
@pytest.mark.anyio
async def test_client_write_sends_post_with_json_body(fake_api, call, path, body):
    api = fake_api(httpx.Response(204))

    async with api.client() as client:
        await call(client)

    (request,) = api.requests
    assert request.method == "POST"
    assert request.url.raw_path == path.encode()
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == body


@pytest.mark.parametrize(
    ("team_id", "encoded"),
    [
        pytest.param("../x", "..%2Fx", id="parent-dir"),
        pytest.param("a/b", "a%2Fb", id="slash"),
        pytest.param("a?b#c", "a%3Fb%23c", id="query-and-fragment"),
        pytest.param("x y", "x%20y", id="space"),
        pytest.param("%2F", "%252F", id="already-encoded"),
        pytest.param("T\n1", "T%0A1", id="newline"),
        pytest.param("é", "%C3%A9", id="non-ascii"),
    ],
)
@pytest.mark.anyio
async def test_client_hostile_ids_stay_one_path_segment(fake_api, team_id, encoded):
    api = fake_api()

    async with api.client() as client:
        await client.get_device_urls(team_id, team_id)

    raw_path = api.requests[0].url.raw_path.decode()
    assert raw_path == f"/v1/team/{encoded}/device/{encoded}/urls"


@pytest.mark.parametrize(
    ("team_id", "error"),
    [
        pytest.param("", ValueError, id="empty"),
        pytest.param("  ", ValueError, id="blank"),
        pytest.param("..", ValueError, id="dot-dot"),
        pytest.param(".", ValueError, id="dot"),
        pytest.param(None, TypeError, id="none"),
        pytest.param(7, TypeError, id="number"),
    ],
)
@pytest.mark.anyio
async def test_client_unusable_id_is_refused_before_sending(fake_api, team_id, error):
    api = fake_api()

    async with api.client() as client:
        with pytest.raises(error):
            await client.get_device(team_id, "D-1")
        with pytest.raises(error):
            await client.get_device("T-1", team_id)

    assert api.requests == []


@pytest.mark.parametrize(
    ("users", "groups", "error"),
    [
        pytest.param((), (), ValueError, id="nothing"),
        pytest.param("U-1", (), TypeError, id="bare-string"),
        pytest.param(["U-1", ""], (), ValueError, id="empty-id"),
        pytest.param((), [None], ValueError, id="none-id"),
    ],
)
@pytest.mark.anyio
async def test_client_add_members_bad_ids_raise_before_sending(
    fake_api, users, groups, error
):
    api = fake_api()

    async with api.client() as client:
        with pytest.raises(error):
            await client.add_device_members("T-1", "D-1", users=users, groups=groups)

    assert api.requests == []


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"limit": 0}, id="zero-limit"),
        pytest.param({"limit": True}, id="bool-limit"),
        pytest.param({"offset": -1}, id="negative-offset"),
    ],
)
@pytest.mark.anyio
async def test_client_history_bad_paging_raises_value_error(fake_api, options):
    async with fake_api().client() as client:
        with pytest.raises(ValueError):
            await client.get_device_history("T-1", **options)


@pytest.mark.anyio
async def test_client_invite_empty_email_raises_value_error(fake_api):
    async with fake_api().client() as client:
        with pytest.raises(ValueError, match="email"):
            await client.invite_user("T-1", " ")


USERS = [{"id": "U-1", "email": "ann@example.com"}, {"id": "U-2"}]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(USERS, id="bare-list"),
        pytest.param({"users": USERS}, id="wrapper"),
        pytest.param({"U-1": {"email": "ann@example.com"}, "U-2": {}}, id="id-map"),
    ],
)
@pytest.mark.anyio
async def test_client_list_users_reads_every_shape(fake_api, answer):
    api = fake_api(httpx.Response(200, json=answer))

    async with api.client() as client:
        users = await client.list_users("T-1")

    assert [(user.id, user.email) for user in users] == [
        ("U-1", "ann@example.com"),
        ("U-2", None),
    ]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param([{"id": "D-1", "groups": "G-1"}], id="bare-list"),
        pytest.param({"devices": [{"id": "D-1", "groups": "G-1"}]}, id="wrapper"),
        pytest.param({"D-1": {"groups": ["G-1"]}}, id="id-map"),
    ],
)
@pytest.mark.anyio
async def test_client_list_devices_reads_every_shape(fake_api, answer):
    api = fake_api(httpx.Response(200, json=answer))

    async with api.client() as client:
        devices = await client.list_devices("T-1")

    assert devices == [Device(id="D-1", groups=["G-1"])]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param([], id="empty-list"),
        pytest.param({}, id="empty-map"),
        pytest.param({"devices": None}, id="null-wrapper"),
    ],
)
@pytest.mark.anyio
async def test_client_list_devices_empty_answers_give_empty_list(fake_api, answer):
    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        assert await client.list_devices("T-1") == []


@pytest.mark.anyio
async def test_client_list_devices_odd_record_is_dropped(fake_api):
    answer = [{"id": "D-1"}, ["odd"], {"id": "D-3"}]

    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        devices = await client.list_devices("T-1")

    assert [device.id for device in devices] == ["D-1", "D-3"]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"teams": [{"id": "T-1", "name": "Acme"}]}, id="wrapper"),
        pytest.param([{"id": "T-1", "name": "Acme"}], id="bare-list"),
    ],
)
@pytest.mark.anyio
async def test_client_list_teams_reads_team_refs(fake_api, answer):
    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        teams = await client.list_teams()

    assert [(team.id, team.name) for team in teams] == [("T-1", "Acme")]


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"id": "D-1", "name": "lab"}, id="bare"),
        pytest.param({"device": {"id": "D-1", "name": "lab"}}, id="wrapped"),
    ],
)
@pytest.mark.anyio
async def test_client_get_device_reads_bare_or_wrapped(fake_api, answer):
    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        device = await client.get_device("T-1", "D-1")

    assert (device.id, device.name) == ("D-1", "lab")


@pytest.mark.anyio
async def test_client_get_device_urls_reads_links(fake_api):
    answer = {"connect": "c", "dashboard": "d", "askScreenShare": "s"}

    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        urls = await client.get_device_urls("T-1", "D-1")

    assert (urls.connect, urls.dashboard, urls.ask_screen_share) == ("c", "d", "s")


@pytest.mark.anyio
async def test_client_get_team_limited_view_reports_missing_sections(fake_api):
    answer = {"id": "T-1", "name": "Acme", "users": [], "devices": [], "groups": []}

    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        team = await client.get_team("T-1")

    assert "billing" in team.missing_sections()
    assert "users" not in team.missing_sections()


@pytest.mark.anyio
async def test_client_get_device_history_reads_page(fake_api):
    answer = {
        "deviceEvents": [
            {"timestamp": 1_700_000_000_000, "authFailedEvent": {"peerID": "P"}}
        ],
        "hasMoreEvents": True,
        "nextOffset": 1,
    }

    async with fake_api(httpx.Response(200, json=answer)).client() as client:
        page = await client.get_device_history("T-1", limit=1)

    assert page.device_events[0].kind == "auth_failed"
    assert page.device_events[0].timestamp == SINCE
    assert (page.has_more_events, page.next_offset) == (True, 1)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(httpx.Response(204), id="204"),
        pytest.param(httpx.Response(200), id="empty-200"),
        pytest.param(httpx.Response(200, json={"ok": True}), id="json-200"),
        pytest.param(httpx.Response(201, text="done"), id="text-201"),
    ],
)
@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda c: c.add_device_members("T-1", "D-1", groups=["G-1"]), id="add"
        ),
        pytest.param(
            lambda c: c.remove_device_members("T-1", "D-1", users=["U-1"]),
            id="remove",
        ),
        pytest.param(lambda c: c.invite_user("T-1", "ann@example.com"), id="invite"),
    ],
)
@pytest.mark.anyio
async def test_client_write_success_answers_all_return_none(fake_api, answer, write):
    async with fake_api(answer).client() as client:
        assert await write(client) is None


GET_FAILURES = [
    pytest.param(api_error(503, "busy"), id="503"),
    pytest.param(api_error(502, "bad gateway"), id="502"),
    pytest.param(api_error(504, "gateway timeout"), id="504"),
    pytest.param(httpx.ReadTimeout("slow"), id="timeout"),
    pytest.param(httpx.ConnectError("refused"), id="connect-error"),
    pytest.param(httpx.RemoteProtocolError("hung up"), id="lost-connection"),
]


@pytest.mark.parametrize("failure", GET_FAILURES)
@pytest.mark.anyio
async def test_client_get_passing_failure_is_retried_until_success(fake_api, failure):
    api = fake_api(failure, failure, httpx.Response(200, json={"id": "T-1"}))

    async with api.client() as client:
        team = await client.get_team("T-1")

    assert team.id == "T-1"
    assert client.requests_made == 3


@pytest.mark.parametrize("failure", GET_FAILURES)
@pytest.mark.anyio
async def test_client_get_lasting_failure_gives_up_after_attempts(fake_api, failure):
    api = fake_api(failure)

    async with api.client() as client:
        with pytest.raises(UpstreamUnavailable):
            await client.list_devices("T-1")

    assert client.requests_made == RETRY_ATTEMPTS == 4


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(api_error(500, "oops"), id="500"),
        pytest.param(api_error(401, "bad token"), id="401"),
        pytest.param(api_error(403, "admins only"), id="403"),
        pytest.param(api_error(404, "no such team"), id="404"),
        pytest.param(api_error(400, "bad"), id="400"),
        pytest.param(httpx.Response(200, text="<html>"), id="not-json"),
        pytest.param(httpx.UnsupportedProtocol("ftp"), id="bad-scheme"),
    ],
)
@pytest.mark.anyio
async def test_client_get_lasting_problem_is_not_retried(fake_api, failure):
    api = fake_api(failure)

    async with api.client() as client:
        with pytest.raises(JumpDesktopError):
            await client.get_team("T-1")

    assert client.requests_made == 1


@pytest.mark.parametrize(
    "failure",
    [*GET_FAILURES, pytest.param(api_error(429, "slow down"), id="429")],
)
@pytest.mark.anyio
async def test_client_write_is_never_retried(fake_api, failure):
    api = fake_api(failure, httpx.Response(204))

    async with api.client() as client:
        with pytest.raises((UpstreamUnavailable, RateLimited)):
            await client.add_device_members("T-1", "D-1", users=["U-1"])

    assert client.requests_made == 1


@pytest.mark.anyio
async def test_client_get_rate_limited_retries_then_carries_retry_after(fake_api):
    api = fake_api(api_error(429, "slow down", headers={"Retry-After": "30"}))

    async with api.client() as client:
        with pytest.raises(RateLimited) as raised:
            await client.list_users("T-1")

    assert client.requests_made == RETRY_ATTEMPTS
    assert raised.value.retry_after == 30.0


@pytest.mark.anyio
async def test_client_get_rate_limited_once_then_succeeds(fake_api):
    api = fake_api(
        api_error(429, "slow down", headers={"Retry-After": "1"}),
        httpx.Response(200, json=[]),
    )

    async with api.client() as client:
        assert await client.list_users("T-1") == []

    assert client.requests_made == 2


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        pytest.param(RateLimited("x", retry_after=2.0), 2.0, id="retry-after"),
        pytest.param(RateLimited("x", retry_after=30.0), RETRY_AFTER_CAP, id="capped"),
        pytest.param(RateLimited("x", retry_after=0.0), 0.0, id="zero"),
        pytest.param(RateLimited("x"), True, id="no-retry-after"),
        pytest.param(UpstreamUnavailable("x", status=503), True, id="unavailable"),
        pytest.param(
            UpstreamUnavailable("x", status=500, retryable=False), False, id="500"
        ),
        pytest.param(TokenRejected("x"), False, id="token-rejected"),
        pytest.param(NotAllowed("x"), False, id="not-allowed"),
        pytest.param(NotFound("x"), False, id="not-found"),
        pytest.param(RequestRejected("x", status=409), False, id="rejected"),
        pytest.param(ValueError("x"), False, id="other-exception"),
    ],
)
def test_retry_delay_hook_returns_capped_wait_or_decision(error, expected):
    delay = retry_delay(error)

    assert delay == expected
    assert type(delay) is type(expected)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param("12", 12.0, id="seconds"),
        pytest.param("1.5", 1.5, id="fraction"),
        pytest.param("-3", 0.0, id="negative"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("inf", None, id="infinite"),
    ],
)
@pytest.mark.anyio
async def test_client_retry_after_header_is_read_as_seconds(fake_api, header, expected):
    api = fake_api(api_error(429, "slow down", headers={"Retry-After": header}))

    async with api.client() as client:
        with pytest.raises(RateLimited) as raised:
            await client.get_team("T-1")

    assert raised.value.retry_after == expected


@pytest.mark.anyio
async def test_client_retry_after_http_date_is_read_as_seconds(fake_api):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    api = fake_api(api_error(429, "slow down", headers={"Retry-After": later}))

    async with api.client() as client:
        with pytest.raises(RateLimited) as raised:
            await client.get_team("T-1")

    assert 100 < raised.value.retry_after <= 120
    assert retry_delay(raised.value) == RETRY_AFTER_CAP


@pytest.mark.anyio
async def test_client_logs_one_info_line_per_attempt_with_path_template(
    fake_api, caplog
):
    api = fake_api(
        api_error(503, "busy"), httpx.ReadTimeout("slow"), httpx.Response(200, json={})
    )
    caplog.set_level(logging.INFO, logger="server.jumpdesktop.client")

    async with api.client() as client:
        await client.get_device_urls("T-1", "D-secret-7")

    lines = [
        record
        for record in caplog.records
        if record.name == "server.jumpdesktop.client"
    ]
    assert [line.levelno for line in lines] == [logging.INFO] * 3
    messages = [line.getMessage() for line in lines]
    template = "GET /team/{teamID}/device/{deviceID}/urls -> "
    assert [message.split(" in ")[0] for message in messages] == [
        f"{template}503",
        f"{template}ReadTimeout",
        f"{template}200",
    ]
    assert all(message.endswith(" ms") for message in messages)
    assert "D-secret-7" not in caplog.text
    assert lines[0].args[1] == "/team/{teamID}/device/{deviceID}/urls"


@pytest.mark.anyio
async def test_client_requests_made_counts_every_attempt(fake_api):
    api = fake_api(api_error(502, "x"), httpx.Response(200, json={}))

    async with api.client() as client:
        assert client.requests_made == 0
        await client.get_team("T-1")
        await client.remove_device_members("T-1", "D-1", groups=["G-1"])

    assert client.requests_made == 3


def test_client_requests_made_is_read_only():
    client = JumpDesktopClient(TOKEN, BASE_URL)

    with pytest.raises(AttributeError):
        client.requests_made = 5


@pytest.mark.anyio
async def test_client_aclose_closes_http_client(fake_api):
    client = fake_api().client()

    await client.aclose()

    with pytest.raises(RuntimeError):
        await client.get_team("T-1")
