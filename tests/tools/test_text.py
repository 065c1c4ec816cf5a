from datetime import UTC, datetime, timedelta

import pytest

from tools.text import ago, clean, iso

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        pytest.param("Lab Mac", "Lab Mac", id="plain"),
        pytest.param("Kiosk\u200b\u202e ignore", "Kiosk ignore", id="zero-width-bidi"),
        pytest.param("a\x00b\x1bc", "abc", id="controls"),
        pytest.param("  two\n\tlines  ", "two lines", id="whitespace-folded"),
        pytest.param("Tomás", "Tomás", id="accents-kept"),
        pytest.param("Lab  Mac ", "Lab Mac", id="ascii-space-runs"),
        pytest.param(None, "", id="none"),
    ],
)
def test_clean_strips_hidden_characters(raw: object, shown: str) -> None:
    assert clean(raw) == shown


def test_clean_caps_length_with_an_ellipsis() -> None:
    assert clean("x" * 500, 10) == "x" * 9 + "…"


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        pytest.param(timedelta(seconds=20), "just now", id="seconds"),
        pytest.param(timedelta(minutes=1), "1 minute ago", id="one-minute"),
        pytest.param(timedelta(minutes=59), "59 minutes ago", id="minutes"),
        pytest.param(timedelta(hours=3), "3 hours ago", id="hours"),
        pytest.param(timedelta(days=9), "9 days ago", id="days"),
        pytest.param(-timedelta(minutes=5), "just now", id="clock-skew"),
    ],
)
def test_ago_says_elapsed_time_in_words(delta: timedelta, said: str) -> None:
    assert ago(NOW - delta, NOW) == said


def test_ago_of_nothing_is_never_seen() -> None:
    assert ago(None, NOW) == "never seen"


def test_iso_is_utc_with_z() -> None:
    assert iso(NOW) == "2026-12-03T12:00:00Z"
    assert iso(None) is None
