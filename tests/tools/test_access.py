import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.types import Implementation

from server.app import build_server
from server.sandbox import MEMBER_TOKEN, TEAM_ID, create_app, generated_world
from server.sandbox.world import Group, User
from tests.conftest import call, call_error, make_settings, writable
from tools import signing
from tools.runtime import Runtime

pytestmark = pytest.mark.anyio

WRITE_TOOLS = {"grant_device_access", "revoke_device_access", "invite_user"}
LI_WEI = "li.wei@northwind.example"
HANNAH = "hannah.schmidt@northwind.example"
MORGAN = "morgan.member@northwind.example"


def team(sandbox: Any) -> Any:
    return sandbox.state.world.teams[TEAM_ID]


def device_named(sandbox: Any, name: str) -> Any:
    (device,) = [d for d in team(sandbox).devices.values() if d.name == name]
    return device


def user_with(sandbox: Any, email: str) -> Any:
    (user,) = [u for u in team(sandbox).users.values() if u.email.casefold() == email]
    return user


def requests_since(sandbox: Any, before: int) -> list[tuple[str, str]]:
    return list(sandbox.state.requests[before:])


async def confirmed(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    preview = await call(client, tool, **arguments)
    assert preview["status"] == "preview"
    return await call(client, tool, **arguments, confirm=preview["confirm_token"])


def forwarding(
    sandbox: Any, answer: Callable[[httpx.Request], httpx.Response | None]
) -> httpx.MockTransport:
    """The sandbox, except for the requests `answer` answers itself."""
    inner = httpx.ASGITransport(app=sandbox)

    async def handle(request: httpx.Request) -> httpx.Response:
        response = answer(request)
        return response or await inner.handle_async_request(request)

    return httpx.MockTransport(handle)


# Registration -----------------------------------------------------------------


async def test_write_tools_are_absent_by_default(mcp: Client) -> None:
    names = {tool.name for tool in (await mcp.list_tools()).tools}

    assert not names & WRITE_TOOLS
    assert "find_device" in names


async def test_write_tools_come_after_the_read_tools_with_true_hints(
    admin: Client,
) -> None:
    listed = (await admin.list_tools()).tools
    names = [tool.name for tool in listed]
    tools_by_name = {tool.name: tool for tool in listed}

    assert names[-3:] == ["grant_device_access", "revoke_device_access", "invite_user"]
    hints = {
        name: (
            tools_by_name[name].annotations.read_only_hint,
            tools_by_name[name].annotations.destructive_hint,
            tools_by_name[name].annotations.idempotent_hint,
            tools_by_name[name].annotations.open_world_hint,
        )
        for name in WRITE_TOOLS
    }
    assert hints == {
        "grant_device_access": (False, False, True, True),
        "revoke_device_access": (False, True, True, True),
        "invite_user": (False, False, False, True),
    }
    for name in WRITE_TOOLS:
        assert len(tools_by_name[name].description or "") <= 100
        assert tools_by_name[name].output_schema is not None
        assert tools_by_name[name].title


# grant_device_access ----------------------------------------------------------


async def test_grant_preview_changes_nothing_and_hands_out_a_token(
    sandbox: Any, admin: Client
) -> None:
    before = len(sandbox.state.requests)

    preview = await call(
        admin, "grant_device_access", device="Reception PC", users=[LI_WEI]
    )

    assert preview["status"] == "preview"
    assert preview["confirm_token"] and preview["expires_at"].endswith("Z")
    assert "confirm=" in preview["next_step"] and "agree" in preview["next_step"]
    assert preview["users"][0]["change"] == "gains_direct_access"
    assert "nothing has changed" in preview["summary"]
    assert requests_since(sandbox, before) == [("GET", f"/v1/team/{TEAM_ID}")]
    assert device_named(sandbox, "Reception PC").users == []
    user = await call(admin, "lookup_user_by_email", email=LI_WEI)
    assert "Reception PC" not in {c["name"] for c in user["computers"]}


async def test_grant_confirmed_applies_reads_back_and_shows_in_lookup(
    sandbox: Any, admin: Client
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    preview = await call(admin, "grant_device_access", **arguments)
    before = len(sandbox.state.requests)

    applied = await call(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )

    device_path = f"/v1/team/{TEAM_ID}/device/{applied['device_id']}"
    assert requests_since(sandbox, before) == [
        ("GET", f"/v1/team/{TEAM_ID}"),
        ("POST", f"{device_path}/members"),
        ("GET", device_path),
    ]
    assert applied["status"] == "applied"
    assert applied["confirm_token"] is None
    assert applied["members_now"]["direct_users"] == ["Li.Wei@Northwind.example"]
    assert applied["not_reflected"] == []
    user = await call(admin, "lookup_user_by_email", email=LI_WEI)
    via = {c["name"]: c["via"] for c in user["computers"]}
    assert via["Reception PC"] == "direct"


async def test_grant_of_a_group_lists_who_newly_gains_access(
    sandbox: Any, admin: Client
) -> None:
    applied = await confirmed(
        admin, "grant_device_access", device="Reception PC", groups=["render farm"]
    )

    (group,) = applied["groups"]
    assert group["change"] == "computer_joins_group"
    assert group["newly_reaching_count"] == 5
    assert "jordan.blake@northwind.example" in group["newly_reaching"]
    assert "Render Farm" in applied["members_now"]["groups"]
    found = await call(admin, "find_device", name="Reception PC")
    assert "jordan.blake@northwind.example" in found["matches"][0]["reachable_by"]


async def test_grant_of_access_someone_has_is_no_change_and_sends_nothing(
    sandbox: Any, admin: Client
) -> None:
    morgan = user_with(sandbox, MORGAN)
    (lab_mac,) = [d for d in team(sandbox).devices.values() if morgan.id in d.users]
    before = len(sandbox.state.requests)

    result = await call(admin, "grant_device_access", device=lab_mac.id, users=[MORGAN])

    assert result["status"] == "no_change"
    assert result["confirm_token"] is None
    assert result["users"][0]["change"] == "already_has_direct_access"
    assert "Nothing was sent" in result["summary"]
    assert [method for method, _ in requests_since(sandbox, before)] == ["GET"]


async def test_grant_of_a_group_already_holding_the_computer_is_no_change(
    admin: Client,
) -> None:
    result = await call(
        admin, "grant_device_access", device="Reception PC", groups=["Front Desk"]
    )

    assert result["status"] == "no_change"
    assert result["groups"][0]["change"] == "computer_already_in_group"


async def test_grant_mixing_new_and_existing_access_sends_only_the_new(
    sandbox: Any, mode: str
) -> None:
    bodies: list[Any] = []

    def record(request: httpx.Request) -> None:
        if request.method == "POST":
            bodies.append(json.loads(request.content))

    server = writable(sandbox, forwarding(sandbox, record))
    morgan, hannah = user_with(sandbox, MORGAN), user_with(sandbox, HANNAH)
    (lab_mac,) = [d for d in team(sandbox).devices.values() if morgan.id in d.users]
    async with Client(server, mode=mode) as client:
        applied = await confirmed(
            client, "grant_device_access", device=lab_mac.id, users=[MORGAN, HANNAH]
        )

    changes = {row["email"]: row for row in applied["users"]}
    assert changes[MORGAN]["change"] == "already_has_direct_access"
    assert changes[HANNAH]["change"] == "gains_direct_access"
    assert changes[HANNAH]["reaches_via_groups"] == ["Design"]
    assert "Already so" in applied["summary"]
    assert bodies == [{"users": [hannah.id], "groups": []}]
    assert lab_mac.users == [morgan.id, hannah.id]


async def test_grant_names_one_person_twice_counts_once(
    sandbox: Any, admin: Client
) -> None:
    li_wei = user_with(sandbox, LI_WEI)

    preview = await call(
        admin, "grant_device_access", device="Reception PC", users=[LI_WEI, li_wei.id]
    )

    assert [row["id"] for row in preview["users"]] == [li_wei.id]


# Tokens -----------------------------------------------------------------------


async def test_grant_with_a_blank_confirm_only_previews(
    sandbox: Any, admin: Client
) -> None:
    result = await call(
        admin,
        "grant_device_access",
        device="Reception PC",
        users=[LI_WEI],
        confirm="  ",
    )

    assert result["status"] == "preview"
    assert device_named(sandbox, "Reception PC").users == []


async def test_grant_token_of_other_arguments_is_refused(
    sandbox: Any, admin: Client
) -> None:
    preview = await call(
        admin, "grant_device_access", device="Reception PC", users=[LI_WEI]
    )

    text = await call_error(
        admin,
        "grant_device_access",
        device="Reception PC",
        users=[HANNAH],
        confirm=preview["confirm_token"],
    )

    assert "different change" in text
    assert device_named(sandbox, "Reception PC").users == []


async def test_revoke_refuses_a_token_of_a_grant(sandbox: Any, admin: Client) -> None:
    arguments = {"device": "Reception PC", "groups": ["Render Farm"]}
    preview = await call(admin, "grant_device_access", **arguments)

    text = await call_error(
        admin, "revoke_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "different change" in text


async def test_grant_expired_token_is_refused(
    sandbox: Any, admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    preview = await call(admin, "grant_device_access", **arguments)
    later = signing.time.time() + signing.CONFIRM_TTL_SECONDS + 60
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: later))

    text = await call_error(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "expired" in text and "without `confirm`" in text
    assert device_named(sandbox, "Reception PC").users == []


async def test_grant_token_issued_already_expired_is_refused(
    sandbox: Any, admin: Client, runtimes: list[Runtime]
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    await call(admin, "grant_device_access", **arguments)
    rt = runtimes[-1]
    rt.confirmations = signing.Confirmations(rt.signer, ttl=-1)
    preview = await call(admin, "grant_device_access", **arguments)

    text = await call_error(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "expired" in text


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: "not-a-token", id="made-up"),
        pytest.param(lambda token: token[:-2] + "xx", id="tampered-signature"),
        pytest.param(lambda token: "e30" + token[3:], id="tampered-body"),
        pytest.param(lambda token: token[:-1] + "ü", id="not-ascii"),
    ],
)
async def test_grant_forged_token_is_refused(
    sandbox: Any, admin: Client, forge: Callable[[str], str]
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    preview = await call(admin, "grant_device_access", **arguments)

    text = await call_error(
        admin,
        "grant_device_access",
        **arguments,
        confirm=forge(preview["confirm_token"]),
    )

    assert "not issued by this server" in text
    assert device_named(sandbox, "Reception PC").users == []


async def test_grant_token_of_another_server_is_refused(sandbox: Any) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    async with Client(writable(sandbox, signing_key="one-key")) as first:
        preview = await call(first, "grant_device_access", **arguments)
    async with Client(writable(sandbox, signing_key="another-key")) as second:
        text = await call_error(
            second,
            "grant_device_access",
            **arguments,
            confirm=preview["confirm_token"],
        )

    assert "not issued by this server" in text


async def test_grant_token_used_twice_is_refused_the_second_time(
    sandbox: Any, admin: Client
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    preview = await call(admin, "grant_device_access", **arguments)
    await call(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )
    before = len(sandbox.state.requests)

    text = await call_error(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "already used" in text
    assert [m for m, _ in requests_since(sandbox, before)] == ["GET"]


async def test_grant_token_is_refused_when_the_computer_changed_meanwhile(
    sandbox: Any, admin: Client
) -> None:
    arguments = {"device": "Reception PC", "users": [LI_WEI]}
    preview = await call(admin, "grant_device_access", **arguments)
    device_named(sandbox, "Reception PC").users.append(user_with(sandbox, HANNAH).id)

    text = await call_error(
        admin, "grant_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "team changed since the preview" in text


# Names that do not pick one thing -------------------------------------------


async def test_grant_refuses_a_shared_computer_name_and_lists_both(
    sandbox: Any, admin: Client
) -> None:
    text = await call_error(
        admin, "grant_device_access", device="Lab Mac", users=[HANNAH]
    )

    assert "2 computers are named 'Lab Mac'" in text
    assert text.count("D-") >= 2
    assert "confirm" not in text


async def test_grant_refuses_an_unknown_user_and_suggests_close_ones(
    admin: Client,
) -> None:
    text = await call_error(
        admin,
        "grant_device_access",
        device="Reception PC",
        users=["li.wie@northwind.example"],
    )

    assert "li.wie@northwind.example" in text
    assert LI_WEI in text


async def test_grant_refuses_an_unknown_group_and_suggests_close_ones(
    admin: Client,
) -> None:
    text = await call_error(
        admin, "grant_device_access", device="Reception PC", groups=["Render Frm"]
    )

    assert "no access group is named 'Render Frm'" in text
    assert "Render Farm" in text


async def test_grant_refuses_a_shared_group_name_and_lists_both(
    sandbox: Any, admin: Client
) -> None:
    team(sandbox).add_group(Group("G-SECONDDESIGN0000000000000", "Design"))

    text = await call_error(
        admin, "grant_device_access", device="Reception PC", groups=["Design"]
    )

    assert "2 access groups are named 'Design'" in text
    assert "G-SECONDDESIGN0000000000000" in text


async def test_grant_refuses_an_email_two_members_share_in_different_cases(
    sandbox: Any, admin: Client
) -> None:
    twin = User("U-TWINLIWEI000000000000000", LI_WEI, "Li", "W")
    team(sandbox).add_user(twin)

    text = await call_error(
        admin,
        "grant_device_access",
        device="Reception PC",
        users=["Li.wei@northwind.example"],
    )

    assert "2 members" in text and "U-TWINLIWEI000000000000000" in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param({"device": "Reception PC"}, "nothing to change", id="no-one"),
        pytest.param(
            {"device": "Reception PC", "users": [], "groups": []},
            "nothing to change",
            id="empty-lists",
        ),
        pytest.param({"device": "  ", "users": [LI_WEI]}, "blank", id="blank-device"),
        pytest.param(
            {"device": "Reception PC", "users": [f"u{n}@x.example" for n in range(51)]},
            "50",
            id="51-users",
        ),
    ],
)
async def test_grant_refuses_bad_arguments(
    sandbox: Any, admin: Client, arguments: dict[str, Any], expected: str
) -> None:
    before = len(sandbox.state.requests)

    text = await call_error(admin, "grant_device_access", **arguments)

    assert expected in text
    assert requests_since(sandbox, before) == []


# Who may --------------------------------------------------------------------


async def test_grant_with_a_members_token_is_refused_clearly(
    sandbox: Any, mode: str
) -> None:
    server = writable(sandbox, api_token=MEMBER_TOKEN)
    arguments = {"device": "Lab Mac", "users": [HANNAH]}
    async with Client(server, mode=mode) as member:
        preview = await call(member, "grant_device_access", **arguments)
        text = await call_error(
            member, "grant_device_access", **arguments, confirm=preview["confirm_token"]
        )

    assert any("only team admins" in note for note in preview["notes"])
    assert "403" in text and "admin" in text
    assert "demo-member-token" not in text
    lab_mac = team(sandbox).devices[preview["device_id"]]
    assert lab_mac.users == [user_with(sandbox, MORGAN).id]


# Audit --------------------------------------------------------------------------


async def test_applied_grant_is_audited_on_stderr_and_in_memory(
    sandbox: Any,
    admin: Client,
    runtimes: list[Runtime],
    capfd: pytest.CaptureFixture[str],
) -> None:
    await call(admin, "grant_device_access", device="Reception PC", users=[LI_WEI])
    assert runtimes[-1].audit.entries() == []

    await confirmed(admin, "grant_device_access", device="Reception PC", users=[LI_WEI])

    (entry,) = runtimes[-1].audit.entries()
    assert entry["action"] == "grant_device_access"
    assert entry["team"] == TEAM_ID
    assert entry["who"] == "test-client/9.9 via the configured API token"
    assert "Reception PC" in entry["target"]
    assert entry["result"]["users"][0]["email"] == "Li.Wei@Northwind.example"
    lines = [
        json.loads(line)
        for line in capfd.readouterr().err.splitlines()
        if line.startswith('{"audit"')
    ]
    assert [line["audit"] for line in lines] == [entry]


async def test_audit_names_an_unknown_client_when_it_gives_no_name(
    sandbox: Any, runtimes: list[Runtime]
) -> None:
    info = Implementation(name="", version="")
    async with Client(writable(sandbox), client_info=info) as client:
        await confirmed(
            client, "grant_device_access", device="Reception PC", users=[LI_WEI]
        )

    (entry,) = runtimes[-1].audit.entries()
    assert entry["who"] == "unknown client via the configured API token"


# A write the API ignores ----------------------------------------------------


async def test_grant_the_api_silently_ignores_shows_as_not_reflected(
    sandbox: Any, mode: str
) -> None:
    def swallow(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(204) if request.method == "POST" else None

    server = writable(sandbox, forwarding(sandbox, swallow))
    async with Client(server, mode=mode) as client:
        applied = await confirmed(
            client,
            "grant_device_access",
            device="Reception PC",
            users=[LI_WEI],
            groups=["Render Farm"],
        )

    assert applied["status"] == "applied"
    assert applied["not_reflected"] == [
        "Li.Wei@Northwind.example has no direct access",
        "the computer is not in access group Render Farm",
    ]
    assert "ignored" in applied["summary"]


async def test_grant_whose_read_back_fails_is_still_reported_applied(
    sandbox: Any,
) -> None:
    def fail_read_back(request: httpx.Request) -> httpx.Response | None:
        if request.method == "GET" and "/device/" in request.url.path:
            return httpx.Response(404, json={"errors": [{"detail": "gone"}]})
        return None

    server = writable(sandbox, forwarding(sandbox, fail_read_back))
    async with Client(server) as client:
        applied = await confirmed(
            client, "grant_device_access", device="Reception PC", users=[LI_WEI]
        )

    assert applied["status"] == "applied"
    assert applied["members_now"] is None
    assert any("reading it back failed" in note for note in applied["notes"])
    assert device_named(sandbox, "Reception PC").users == [
        user_with(sandbox, LI_WEI).id
    ]


async def test_grant_is_sent_once_when_the_api_fails(sandbox: Any) -> None:
    async with Client(writable(sandbox)) as client:
        arguments = {"device": "Reception PC", "users": [LI_WEI]}
        preview = await call(client, "grant_device_access", **arguments)
        sandbox.state.faults.server_error = 5
        sandbox.state.faults.path_contains = "/members"
        before = len(sandbox.state.requests)
        text = await call_error(
            client, "grant_device_access", **arguments, confirm=preview["confirm_token"]
        )

    assert "503" in text
    posts = [r for r in requests_since(sandbox, before) if r[0] == "POST"]
    assert len(posts) == 1


# revoke_device_access ---------------------------------------------------------


async def test_revoke_preview_says_who_still_reaches_it_through_a_group(
    sandbox: Any, admin: Client
) -> None:
    before = len(sandbox.state.requests)

    preview = await call(
        admin, "revoke_device_access", device="Studio Mac Pro", users=[HANNAH]
    )

    (row,) = preview["users"]
    assert row["change"] == "loses_direct_access"
    assert row["still_reaches_via_groups"] == ["Design"]
    assert row["keeps_access"] is True
    assert "still reaches it through Design" in preview["summary"]
    assert any(
        "still connect through access group Design" in n for n in preview["notes"]
    )
    assert len(requests_since(sandbox, before)) == 1
    assert (
        user_with(sandbox, HANNAH).id in device_named(sandbox, "Studio Mac Pro").users
    )


async def test_revoke_of_a_user_and_their_group_together_cuts_them_off(
    sandbox: Any, admin: Client
) -> None:
    before = len(sandbox.state.requests)

    applied = await confirmed(
        admin,
        "revoke_device_access",
        device="Studio Mac Pro",
        users=[HANNAH],
        groups=["Design"],
    )

    (user,) = applied["users"]
    (group,) = applied["groups"]
    assert user["keeps_access"] is False and user["still_reaches_via_groups"] == []
    assert group["change"] == "computer_leaves_group"
    assert HANNAH in group["losing_all_access"]
    assert group["losing_all_access_count"] == 7
    assert applied["members_now"] == {
        "direct_user_count": 0,
        "direct_users": [],
        "groups": [],
    }
    assert len(requests_since(sandbox, before)) == 1 + 3
    found = await call(admin, "find_device", name="Studio Mac Pro")
    assert found["matches"][0]["reachable_by_count"] == 0


async def test_revoke_of_a_group_names_who_loses_access_entirely(
    sandbox: Any, admin: Client
) -> None:
    applied = await confirmed(
        admin, "revoke_device_access", device="Reception PC", groups=["Front Desk"]
    )

    (group,) = applied["groups"]
    assert sorted(group["losing_all_access"]) == [
        "emma.clarke@northwind.example",
        "grace.oneill@northwind.example",
        "ravi.shah@northwind.example",
    ]
    grace = await call(
        admin, "lookup_user_by_email", email="grace.oneill@northwind.example"
    )
    assert "Reception PC" not in {c["name"] for c in grace["computers"]}


async def test_revoke_of_access_someone_lacks_is_no_change_with_the_group_named(
    sandbox: Any, admin: Client
) -> None:
    before = len(sandbox.state.requests)

    result = await call(
        admin, "revoke_device_access", device="London-WS-01", users=[LI_WEI]
    )

    assert result["status"] == "no_change"
    assert result["confirm_token"] is None
    (row,) = result["users"]
    assert row["change"] == "had_no_direct_access"
    assert row["still_reaches_via_groups"] == ["London Office"]
    assert "they still reach it through London Office" in result["summary"]
    assert [m for m, _ in requests_since(sandbox, before)] == ["GET"]


async def test_revoke_token_used_twice_is_refused(sandbox: Any, admin: Client) -> None:
    arguments = {"device": "Reception PC", "groups": ["Front Desk"]}
    preview = await call(admin, "revoke_device_access", **arguments)
    await call(
        admin, "revoke_device_access", **arguments, confirm=preview["confirm_token"]
    )

    text = await call_error(
        admin, "revoke_device_access", **arguments, confirm=preview["confirm_token"]
    )

    assert "already used" in text


async def test_revoke_the_api_ignores_shows_as_not_reflected(sandbox: Any) -> None:
    def swallow(request: httpx.Request) -> httpx.Response | None:
        return httpx.Response(200) if request.method == "POST" else None

    server = writable(sandbox, forwarding(sandbox, swallow))
    async with Client(server) as client:
        applied = await confirmed(
            client,
            "revoke_device_access",
            device="Studio Mac Pro",
            users=[HANNAH],
            groups=["Design"],
        )

    assert applied["not_reflected"] == [
        f"{HANNAH} still has direct access",
        "the computer is still in access group Design",
    ]


async def test_revoke_is_audited(
    sandbox: Any, admin: Client, runtimes: list[Runtime]
) -> None:
    await confirmed(
        admin, "revoke_device_access", device="Reception PC", groups=["Front Desk"]
    )

    (entry,) = runtimes[-1].audit.entries()
    assert entry["action"] == "revoke_device_access"
    assert entry["result"]["groups"][0]["name"] == "Front Desk"


# Size -------------------------------------------------------------------------


async def test_access_answers_stay_small_on_a_huge_team() -> None:
    world = generated_world(users=3000, devices=2000, groups=50)
    generated = world.teams[TEAM_ID]
    device = next(iter(generated.devices.values()))
    for record in generated.devices.values():
        record.groups.clear()
    for group in generated.groups.values():
        group.devices.clear()
    emails = [user.email for user in list(generated.users.values())[2:52]]
    groups = [group.name for group in generated.groups.values()]
    transport = httpx.ASGITransport(app=create_app(world))
    server = build_server(make_settings(read_only=False), transport=transport)

    async with Client(server) as client:
        grant = await call(
            client, "grant_device_access", device=device.id, users=emails, groups=groups
        )
        applied = await call(
            client,
            "grant_device_access",
            device=device.id,
            users=emails,
            groups=groups,
            confirm=grant["confirm_token"],
        )
        revoke = await call(
            client,
            "revoke_device_access",
            device=device.id,
            users=emails,
            groups=groups,
        )

    for answer in (grant, applied, revoke):
        # About 4 characters a token: far below the 25,000-token cap of clients.
        assert len(json.dumps(answer)) < 60_000
    assert sum(g["newly_reaching_count"] for g in grant["groups"]) > 2000
    assert applied["members_now"]["direct_user_count"] >= 50
    assert len(applied["members_now"]["direct_users"]) <= 25
