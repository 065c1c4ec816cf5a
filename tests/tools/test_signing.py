import pytest
from mcp.server.mcpserver.exceptions import ToolError

from tools.signing import Confirmations, Signer, issue_cursor, read_cursor

QUERY = {"tool": "list_devices", "platform": "macOS"}


def test_cursor_round_trips_its_position() -> None:
    signer = Signer()

    cursor = issue_cursor(signer, QUERY, {"offset": 25})

    assert read_cursor(signer, QUERY, cursor) == {"offset": 25}
    assert read_cursor(signer, QUERY, None) == {}


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda c: c[:-2] + ("AA" if c[-2:] != "AA" else "BB"), id="mac"),
        pytest.param(lambda c: "x" + c, id="body"),
        pytest.param(lambda c: "garbage", id="garbage"),
        pytest.param(lambda c: c + "é", id="not-ascii-mac"),
    ],
)
def test_cursor_forged_is_refused(tamper: object) -> None:
    signer = Signer()
    cursor = issue_cursor(signer, QUERY, {"offset": 25})

    with pytest.raises(ToolError, match="start from the first page"):
        read_cursor(signer, QUERY, tamper(cursor))  # type: ignore[operator]


def test_cursor_of_another_query_or_server_is_refused() -> None:
    signer = Signer()
    cursor = issue_cursor(signer, QUERY, {"offset": 25})

    with pytest.raises(ToolError, match="another query"):
        read_cursor(signer, {**QUERY, "platform": "Linux"}, cursor)
    with pytest.raises(ToolError, match="not issued by this server"):
        read_cursor(Signer(), QUERY, cursor)


def test_cursor_is_portable_between_replicas_sharing_a_key() -> None:
    cursor = issue_cursor(Signer(b"shared"), QUERY, {"offset": 5})

    assert read_cursor(Signer(b"shared"), QUERY, cursor) == {"offset": 5}


def confirmations(ttl: float = 300) -> Confirmations:
    return Confirmations(Signer(b"k"), ttl=ttl)


def test_confirmation_is_spent_once() -> None:
    flow = confirmations()
    token = flow.issue("grant", "T-1", {"users": ["U-1"]}, state=["before"])

    flow.spend(token, "grant", "T-1", {"users": ["U-1"]}, state=["before"])

    with pytest.raises(ToolError, match="already used"):
        flow.spend(token, "grant", "T-1", {"users": ["U-1"]}, state=["before"])


def test_confirmation_refuses_other_arguments_tool_or_team() -> None:
    flow = confirmations()
    token = flow.issue("grant", "T-1", {"users": ["U-1"]}, state=[])

    for tool, team, arguments in [
        ("grant", "T-1", {"users": ["U-2"]}),
        ("revoke", "T-1", {"users": ["U-1"]}),
        ("grant", "T-2", {"users": ["U-1"]}),
    ]:
        with pytest.raises(ToolError, match="different change"):
            flow.spend(token, tool, team, arguments, state=[])


def test_confirmation_refuses_a_changed_team() -> None:
    flow = confirmations()
    token = flow.issue("grant", "T-1", {}, state=["before"])

    with pytest.raises(ToolError, match="team changed"):
        flow.spend(token, "grant", "T-1", {}, state=["after"])


def test_confirmation_expires() -> None:
    flow = confirmations(ttl=-1)
    token = flow.issue("grant", "T-1", {}, state=[])

    with pytest.raises(ToolError, match="expired"):
        flow.spend(token, "grant", "T-1", {}, state=[])


def test_confirmation_from_another_key_is_refused() -> None:
    token = Confirmations(Signer(b"other")).issue("grant", "T-1", {}, state=[])

    with pytest.raises(ToolError, match="not issued by this server"):
        confirmations().spend(token, "grant", "T-1", {}, state=[])
