import pytest
from mcp import Client

from server.sandbox import ADMIN_EMAIL
from tests.conftest import call, call_error

pytestmark = pytest.mark.anyio


async def test_lookup_user_ignores_case_and_spaces(mcp: Client) -> None:
    user = await call(mcp, "lookup_user_by_email", email=f"  {ADMIN_EMAIL.upper()} ")

    assert user["email"] == ADMIN_EMAIL
    assert user["role"] == "admin"
    assert user["remote_access"] in {"enabled", "disabled"}
    assert user["id"].startswith("U-")


async def test_lookup_user_matches_a_mixed_case_address_typed_lower(
    mcp: Client,
) -> None:
    user = await call(mcp, "lookup_user_by_email", email="li.wei@northwind.example")

    assert user["email"] == "Li.Wei@Northwind.example"
    assert user["computer_count"] == len(user["computers"]) > 0


async def test_lookup_user_says_how_each_computer_is_reached(mcp: Client) -> None:
    user = await call(mcp, "lookup_user_by_email", email="li.wei@northwind.example")

    ways = {computer["via"] for computer in user["computers"]}
    assert any(way.startswith("group ") or ", group " in way for way in ways)


async def test_lookup_user_unknown_address_names_it_and_close_ones(
    mcp: Client,
) -> None:
    text = await call_error(
        mcp, "lookup_user_by_email", email="li.wie@northwind.example"
    )

    assert "li.wie@northwind.example" in text
    assert "li.wei@northwind.example" in text


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("not-an-email", id="no-at"),
        pytest.param("a@b", id="no-dot"),
        pytest.param("two words@x.example", id="space"),
    ],
)
async def test_lookup_user_refuses_what_is_not_an_address(
    mcp: Client, email: str
) -> None:
    text = await call_error(mcp, "lookup_user_by_email", email=email)

    assert "not an email address" in text
