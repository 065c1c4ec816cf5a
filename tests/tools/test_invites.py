import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mcp import Client

from server.sandbox import ADMIN_EMAIL, MEMBER_TOKEN, TEAM_ID
from tests.conftest import call, call_error, writable
from tools.runtime import Runtime

pytestmark = pytest.mark.anyio

NEWCOMER = "new.designer@northwind.example"


def pending(sandbox: Any) -> list[str]:
    return [i.email for i in sandbox.state.world.teams[TEAM_ID].user_invites]


def requests_since(sandbox: Any, before: int) -> list[tuple[str, str]]:
    return list(sandbox.state.requests[before:])


def forwarding(
    sandbox: Any, answer: Callable[[httpx.Request], httpx.Response | None]
) -> httpx.MockTransport:
    """The sandbox, except for the requests `answer` answers itself."""
    inner = httpx.ASGITransport(app=sandbox)

    async def handle(request: httpx.Request) -> httpx.Response:
        response = answer(request)
        return response or await inner.handle_async_request(request)

    return httpx.MockTransport(handle)


async def test_invite_user_is_absent_by_default(mcp: Client) -> None:
    names = {tool.name for tool in (await mcp.list_tools()).tools}

    assert "invite_user" not in names


async def test_invite_user_says_the_api_may_not_offer_it(admin: Client) -> None:
    (tool,) = [t for t in (await admin.list_tools()).tools if t.name == "invite_user"]

    assert "may not offer" in (tool.description or "")


async def test_invite_preview_sends_nothing(sandbox: Any, admin: Client) -> None:
    before = len(sandbox.state.requests)

    preview = await call(
        admin, "invite_user", email=NEWCOMER, groups=["design", "London Office"]
    )

    assert preview["status"] == "preview"
    assert preview["confirm_token"] and preview["expires_at"].endswith("Z")
    assert "confirm=" in preview["next_step"]
    assert [g["name"] for g in preview["groups"]] == ["Design", "London Office"]
    assert "nothing has been sent" in preview["summary"]
    assert requests_since(sandbox, before) == [("GET", f"/v1/team/{TEAM_ID}")]
    assert NEWCOMER not in pending(sandbox)


async def test_invite_confirmed_is_sent_and_listed_as_pending(
    sandbox: Any, admin: Client
) -> None:
    arguments = {"email": f"  {NEWCOMER} ", "groups": ["Design"]}
    preview = await call(admin, "invite_user", **arguments)
    before = len(sandbox.state.requests)

    applied = await call(
        admin, "invite_user", **arguments, confirm=preview["confirm_token"]
    )

    assert requests_since(sandbox, before) == [
        ("GET", f"/v1/team/{TEAM_ID}"),
        ("POST", f"/v1/team/{TEAM_ID}/invite/user"),
        ("GET", f"/v1/team/{TEAM_ID}"),
    ]
    assert applied["status"] == "applied"
    assert applied["listed_as_pending"] is True
    assert applied["email"] == NEWCOMER
    invite = sandbox.state.world.teams[TEAM_ID].user_invites[-1]
    assert invite.email == NEWCOMER and len(invite.groups) == 1
    team = await call(admin, "describe_team")
    assert NEWCOMER in {i["email"] for i in team["pending_invites"]}


@pytest.mark.parametrize(
    "email",
    [
        pytest.param(ADMIN_EMAIL.upper(), id="member-any-case"),
        pytest.param("li.wei@northwind.example", id="member-stored-mixed-case"),
    ],
)
async def test_invite_of_a_member_is_refused_without_a_token(
    sandbox: Any, admin: Client, email: str
) -> None:
    text = await call_error(admin, "invite_user", email=email)

    assert "already a member" in text
    assert "grant_device_access" in text
    assert "confirm=" not in text


async def test_invite_of_an_address_already_invited_is_refused(
    sandbox: Any, admin: Client
) -> None:
    before = list(pending(sandbox))

    text = await call_error(
        admin, "invite_user", email="pat.contractor@FREELANCE.example"
    )

    assert "already has a pending invite" in text
    assert pending(sandbox) == before


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("not-an-email", id="no-at"),
        pytest.param("a@b", id="no-dot"),
        pytest.param("two words@x.example", id="space"),
    ],
)
async def test_invite_refuses_what_is_not_an_address(
    sandbox: Any, admin: Client, email: str
) -> None:
    before = len(sandbox.state.requests)

    text = await call_error(admin, "invite_user", email=email)

    assert "not an email address" in text
    assert requests_since(sandbox, before) == []


async def test_invite_refuses_an_unknown_group(admin: Client) -> None:
    text = await call_error(admin, "invite_user", email=NEWCOMER, groups=["Desgn"])

    assert "no access group is named 'Desgn'" in text
    assert "Design" in text


async def test_invite_token_for_another_address_is_refused(
    sandbox: Any, admin: Client
) -> None:
    preview = await call(admin, "invite_user", email=NEWCOMER)

    text = await call_error(
        admin,
        "invite_user",
        email="someone.else@northwind.example",
        confirm=preview["confirm_token"],
    )

    assert "different change" in text
    assert "someone.else@northwind.example" not in pending(sandbox)


async def test_invite_token_for_other_groups_is_refused(admin: Client) -> None:
    preview = await call(admin, "invite_user", email=NEWCOMER, groups=["Design"])

    text = await call_error(
        admin,
        "invite_user",
        email=NEWCOMER,
        groups=["Render Farm"],
        confirm=preview["confirm_token"],
    )

    assert "different change" in text


async def test_invite_forged_token_is_refused(sandbox: Any, admin: Client) -> None:
    preview = await call(admin, "invite_user", email=NEWCOMER)

    text = await call_error(
        admin, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"] + "x"
    )

    assert "not issued by this server" in text
    assert NEWCOMER not in pending(sandbox)


async def test_invite_token_used_twice_is_refused(sandbox: Any, admin: Client) -> None:
    preview = await call(admin, "invite_user", email=NEWCOMER)
    await call(admin, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"])

    text = await call_error(
        admin, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"]
    )

    assert "already used" in text
    assert pending(sandbox).count(NEWCOMER) == 1


async def test_invite_where_the_api_has_no_endpoint_points_at_the_dashboard(
    sandbox: Any, mode: str
) -> None:
    def no_invites(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/invite/user"):
            body = {"errors": [{"code": "not_found", "detail": "Not Found"}]}
            return httpx.Response(404, json=body)
        return None

    server = writable(sandbox, forwarding(sandbox, no_invites))
    async with Client(server, mode=mode) as client:
        preview = await call(client, "invite_user", email=NEWCOMER)
        text = await call_error(
            client, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"]
        )

    assert "does not offer inviting" in text
    assert "Users → Invite" in text
    assert NEWCOMER not in pending(sandbox)


async def test_invite_with_a_members_token_is_refused_clearly(
    sandbox: Any, mode: str
) -> None:
    server = writable(sandbox, api_token=MEMBER_TOKEN)
    async with Client(server, mode=mode) as member:
        preview = await call(member, "invite_user", email=NEWCOMER)
        text = await call_error(
            member, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"]
        )

    assert any("pending invites" in note for note in preview["notes"])
    assert "403" in text and "admin" in text
    assert NEWCOMER not in pending(sandbox)


async def test_applied_invite_is_audited_on_stderr_and_in_memory(
    sandbox: Any,
    admin: Client,
    runtimes: list[Runtime],
    capfd: pytest.CaptureFixture[str],
) -> None:
    preview = await call(admin, "invite_user", email=NEWCOMER, groups=["Design"])
    assert runtimes[-1].audit.entries() == []

    await call(
        admin,
        "invite_user",
        email=NEWCOMER,
        groups=["Design"],
        confirm=preview["confirm_token"],
    )

    (entry,) = runtimes[-1].audit.entries()
    assert entry["action"] == "invite_user"
    assert entry["who"] == "test-client/9.9 via the configured API token"
    assert entry["target"] == f"email {NEWCOMER}"
    assert entry["result"]["groups"][0]["name"] == "Design"
    audit_lines = [
        json.loads(line)["audit"]
        for line in capfd.readouterr().err.splitlines()
        if line.startswith('{"audit"')
    ]
    assert audit_lines == [entry]


async def test_invite_the_api_accepts_but_does_not_list_says_so(
    sandbox: Any,
) -> None:
    def swallow(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(204) if request.method == "POST" else None

    server = writable(sandbox, forwarding(sandbox, swallow))
    async with Client(server) as client:
        preview = await call(client, "invite_user", email=NEWCOMER)
        applied = await call(
            client, "invite_user", email=NEWCOMER, confirm=preview["confirm_token"]
        )

    assert applied["listed_as_pending"] is False
    assert "may have ignored it" in applied["summary"]
