from datetime import timedelta

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from tools.times import parse_duration


@pytest.mark.parametrize(
    ("text", "span"),
    [
        pytest.param("90m", timedelta(minutes=90), id="minutes"),
        pytest.param("24h", timedelta(hours=24), id="hours"),
        pytest.param("7d", timedelta(days=7), id="days"),
        pytest.param("2w", timedelta(weeks=2), id="weeks"),
        pytest.param("1.5h", timedelta(minutes=90), id="fraction"),
        pytest.param(" 7 D ", timedelta(days=7), id="spaces-and-case"),
        pytest.param("522w", timedelta(weeks=522), id="longest"),
    ],
)
def test_parse_duration_reads_a_number_and_a_unit(text: str, span: timedelta) -> None:
    assert parse_duration(text, "seen_within") == span


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("7", id="no-unit"),
        pytest.param("d", id="no-number"),
        pytest.param("7s", id="seconds"),
        pytest.param("7 days", id="word-unit"),
        pytest.param("-7d", id="negative"),
        pytest.param("1h30m", id="compound"),
        pytest.param("1e3d", id="exponent"),
    ],
)
def test_parse_duration_refuses_other_shapes_naming_the_field(text: str) -> None:
    with pytest.raises(ToolError) as raised:
        parse_duration(text, "not_seen_for")

    message = str(raised.value)
    assert message.startswith("not_seen_for ")
    assert "not a duration" in message
    assert "'7d'" in message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0m", id="zero"),
        pytest.param("0.0d", id="zero-fraction"),
        pytest.param("0.00000000001m", id="rounds-to-zero"),
        pytest.param("523w", id="past-ten-years"),
        pytest.param("99999999999999999999d", id="huge"),
    ],
)
def test_parse_duration_refuses_zero_and_huge_spans(text: str) -> None:
    with pytest.raises(ToolError, match=r"seen_within .* out of range"):
        parse_duration(text, "seen_within")


def test_parse_duration_error_shows_hidden_characters_removed() -> None:
    with pytest.raises(ToolError) as raised:
        parse_duration("7\u202ex", "seen_within")

    assert "\u202e" not in str(raised.value)
