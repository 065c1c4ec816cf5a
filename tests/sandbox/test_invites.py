"""``POST /team/{teamID}/invite/user``: pending invites by email."""

import httpx
import pytest

from server.sandbox import ADMIN_EMAIL

from .helpers import TEAM, assert_error, group_named

INVITE = f"{TEAM}/invite/user"


@pytest.mark.anyio
async def test_invite_answers_the_invite_and_lists_it(admin: httpx.AsyncClient) -> None:
    group = await group_named(admin, "Design")

    response = await admin.post(
        INVITE, json={"email": "Jo.New@Northwind.example", "groups": [group["id"]]}
    )

    assert response.status_code == 200
    invite = response.json()
    assert invite["email"] == "Jo.New@Northwind.example"
    assert invite["groups"] == [group["id"]]
    assert invite["invitedBy"] == ADMIN_EMAIL
    assert isinstance(invite["createdAt"], int)
    pending = (await admin.get(TEAM)).json()["userInvites"]
    assert invite in pending
    assert len(pending) == 4


@pytest.mark.anyio
async def test_invite_without_groups_is_accepted(admin: httpx.AsyncClient) -> None:
    response = await admin.post(INVITE, json={"email": "solo@example.com"})

    assert response.status_code == 200
    assert response.json()["groups"] == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    "email",
    [
        pytest.param("not-an-email", id="no-at"),
        pytest.param("two@@example.com", id="two-ats"),
        pytest.param("someone@localhost", id="no-dot-in-domain"),
        pytest.param("with space@example.com", id="space"),
        pytest.param("", id="empty"),
        pytest.param(None, id="missing"),
        pytest.param(42, id="not-a-string"),
    ],
)
async def test_invite_bad_email_is_400(admin: httpx.AsyncClient, email: object) -> None:
    body = {} if email is None else {"email": email}

    response = await admin.post(INVITE, json=body)

    assert_error(response, 400, "invalid_email")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("email", "code"),
    [
        pytest.param(ADMIN_EMAIL, "already_member", id="member"),
        pytest.param("li.wei@northwind.example", "already_member", id="member-case"),
        pytest.param("new.starter@northwind.example", "already_invited", id="invited"),
        pytest.param(
            "PAT.CONTRACTOR@freelance.example", "already_invited", id="invited-case"
        ),
    ],
)
async def test_invite_existing_person_is_409(
    admin: httpx.AsyncClient, email: str, code: str
) -> None:
    response = await admin.post(INVITE, json={"email": email})

    assert_error(response, 409, code)


@pytest.mark.anyio
async def test_invite_twice_is_409_the_second_time(admin: httpx.AsyncClient) -> None:
    first = await admin.post(INVITE, json={"email": "twice@example.com"})
    second = await admin.post(INVITE, json={"email": "twice@example.com"})

    assert first.status_code == 200
    assert_error(second, 409, "already_invited")


@pytest.mark.anyio
async def test_invite_unknown_group_is_400(admin: httpx.AsyncClient) -> None:
    response = await admin.post(
        INVITE, json={"email": "x@example.com", "groups": ["G-NOSUCH"]}
    )

    assert_error(response, 400, "unknown_group")


@pytest.mark.anyio
async def test_invite_is_recorded_in_the_activity_log(admin: httpx.AsyncClient) -> None:
    await admin.post(INVITE, json={"email": "logged@example.com"})

    page = (await admin.get(f"{TEAM}/history", params={"limit": 1})).json()

    assert page["events"][0]["type"] == "user.invited"
    assert "logged@example.com" in page["events"][0]["detail"]
