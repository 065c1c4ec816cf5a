import logging
import traceback

import httpx
import pytest

from server.jumpdesktop import (
    JumpDesktopError,
    NotAllowed,
    NotFound,
    RateLimited,
    RequestRejected,
    TokenRejected,
    UnreadableAnswer,
    UpstreamUnavailable,
)
from server.jumpdesktop.errors import clean_text, error_for_status, summarise_detail

from .fakes import TOKEN, api_error


@pytest.mark.parametrize(
    ("answer", "error_class", "status", "says"),
    [
        pytest.param(
            api_error(401, "invalid token"),
            TokenRejected,
            401,
            [
                "Tried to read team 'T-1'",
                "token was rejected",
                "invalid token",
                "Security → Generate new token",
            ],
            id="401",
        ),
        pytest.param(
            api_error(403, "admins only"),
            NotAllowed,
            403,
            ["may not do that", "admins only", "admin's token"],
            id="403",
        ),
        pytest.param(
            api_error(404, "team not found"),
            NotFound,
            404,
            ["found no team 'T-1'", "HTTP 404: team not found", "Check the ids"],
            id="404",
        ),
        pytest.param(
            api_error(400, "malformed request"),
            RequestRejected,
            400,
            ["refused the request", "HTTP 400: malformed request", "Check the values"],
            id="400",
        ),
        pytest.param(
            api_error(409, "already a member"),
            RequestRejected,
            409,
            ["HTTP 409: already a member"],
            id="409",
        ),
        pytest.param(
            api_error(429, "slow down", headers={"Retry-After": "7"}),
            RateLimited,
            429,
            ["limiting how often", "wait 7 s and try again"],
            id="429-retry-after",
        ),
        pytest.param(
            api_error(429, "slow down"),
            RateLimited,
            429,
            ["wait a little and try again"],
            id="429-no-retry-after",
        ),
        pytest.param(
            api_error(500, "internal error"),
            UpstreamUnavailable,
            500,
            ["failed to answer", "HTTP 500: internal error", "try again in a minute"],
            id="500",
        ),
        pytest.param(
            api_error(502, "bad gateway"),
            UpstreamUnavailable,
            502,
            ["HTTP 502"],
            id="502",
        ),
        pytest.param(
            api_error(503, "maintenance"),
            UpstreamUnavailable,
            503,
            ["HTTP 503"],
            id="503",
        ),
        pytest.param(
            api_error(504, "timeout"),
            UpstreamUnavailable,
            504,
            ["HTTP 504"],
            id="504",
        ),
        pytest.param(
            httpx.ReadTimeout("slow"),
            UpstreamUnavailable,
            None,
            ["did not answer in time (ReadTimeout)", "try again"],
            id="timeout",
        ),
        pytest.param(
            httpx.ConnectError("refused"),
            UpstreamUnavailable,
            None,
            ["could not be reached (ConnectError)", "Check the network connection"],
            id="connect-error",
        ),
        pytest.param(
            httpx.Response(200, text="<html>maintenance</html>"),
            UnreadableAnswer,
            200,
            ["it was not JSON", "base URL"],
            id="not-json",
        ),
        pytest.param(
            httpx.Response(200),
            UnreadableAnswer,
            200,
            ["it was empty"],
            id="empty",
        ),
        pytest.param(
            httpx.Response(
                200,
                headers={"Content-Encoding": "gzip"},
                stream=httpx.ByteStream(b"not gzip"),
            ),
            UnreadableAnswer,
            None,
            ["compressed body could not be decoded", "base URL"],
            id="broken-gzip",
        ),
        pytest.param(
            httpx.Response(200, json=["a", "list"]),
            UnreadableAnswer,
            200,
            ["expected an object, got a list"],
            id="wrong-shape",
        ),
        pytest.param(
            httpx.Response(200, json={"id": {"nested": "object"}}),
            UnreadableAnswer,
            200,
            ["unexpected values at id"],
            id="wrong-field-type",
        ),
        pytest.param(
            httpx.Response(302, headers={"Location": "https://elsewhere.test/"}),
            UnreadableAnswer,
            302,
            ["unexpected answer (HTTP 302)", "base URL"],
            id="redirect",
        ),
    ],
)
@pytest.mark.anyio
async def test_error_for_each_failure_has_class_status_and_message(
    fake_api, answer, error_class, status, says
):
    async with fake_api(answer).client() as client:
        with pytest.raises(error_class) as raised:
            await client.get_team("T-1")

    error = raised.value
    assert isinstance(error, JumpDesktopError)
    assert error.status == status
    assert str(error) == error.message
    for words in says:
        assert words in error.message


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        pytest.param(httpx.Response(200, json="text"), "got text", id="text"),
        pytest.param(httpx.Response(200, json=3), "got a single value", id="number"),
        pytest.param(httpx.Response(200, content=b"null"), "got null", id="null"),
        pytest.param(
            httpx.Response(200, json={"users": 5}),
            "expected a list of users",
            id="wrapper-of-number",
        ),
        pytest.param(
            httpx.Response(200, json={"count": 2, "next": None}),
            "expected a list of users",
            id="object-of-values",
        ),
    ],
)
@pytest.mark.anyio
async def test_error_list_of_wrong_shape_is_unreadable_answer(fake_api, answer, says):
    async with fake_api(answer).client() as client:
        with pytest.raises(UnreadableAnswer, match=says):
            await client.list_users("T-1")


@pytest.mark.anyio
async def test_error_not_found_carries_what_was_looked_up(fake_api):
    async with fake_api(api_error(404, "no such device")).client() as client:
        with pytest.raises(NotFound) as raised:
            await client.get_device("T-1", "D-404")

    assert raised.value.what == "computer 'D-404' in team 'T-1'"
    assert "found no computer 'D-404' in team 'T-1'" in raised.value.message


@pytest.mark.anyio
async def test_error_not_found_on_unconfirmed_endpoint_says_so(fake_api):
    async with fake_api(api_error(404, "not found")).client() as client:
        with pytest.raises(NotFound, match="no invite endpoint"):
            await client.invite_user("T-1", "ann@example.com")


@pytest.mark.anyio
async def test_error_message_shows_hostile_id_escaped_on_one_line(fake_api):
    async with fake_api(api_error(404, "gone")).client() as client:
        with pytest.raises(NotFound) as raised:
            await client.get_team("T-1\nINFO fake log line")

    assert "\n" not in raised.value.message
    assert r"'T-1\nINFO fake log line'" in raised.value.message


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(httpx.Response(400, text="raw secret body"), id="text"),
        pytest.param(httpx.Response(400, json={"secret": "raw body"}), id="json"),
        pytest.param(httpx.Response(400, json=["raw", "body"]), id="list"),
    ],
)
@pytest.mark.anyio
async def test_error_never_quotes_a_raw_body(fake_api, answer):
    async with fake_api(answer).client() as client:
        with pytest.raises(RequestRejected) as raised:
            await client.get_team("T-1")

    assert "raw" not in raised.value.message
    assert "secret" not in raised.value.message
    assert "(HTTP 400)" in raised.value.message


# JSON may spell any character as a \\u escape: the raw body then does not
# hold the token, but its decoded detail does.
ESCAPED_TOKEN = "".join(f"\\u{ord(char):04x}" for char in TOKEN)

LEAKY_ANSWERS = [
    pytest.param(api_error(401, f"token {TOKEN} is revoked"), id="401-echoes-token"),
    pytest.param(
        httpx.Response(
            401,
            content=f'{{"errors": [{{"detail": "token {ESCAPED_TOKEN} revoked"}}]}}',
        ),
        id="401-echoes-escaped-token",
    ),
    pytest.param(api_error(400, f"bad header Bearer {TOKEN}"), id="400-echoes-token"),
    pytest.param(api_error(503, f"{TOKEN}"), id="503-echoes-token"),
    pytest.param(
        httpx.Response(500, text=f"Authorization: Bearer {TOKEN}"), id="500-text"
    ),
    pytest.param(httpx.Response(200, text=f"hello {TOKEN}"), id="200-not-json"),
    pytest.param(httpx.ConnectError(f"failed with {TOKEN}"), id="httpx-raises"),
    pytest.param(httpx.ReadTimeout(f"slow {TOKEN}"), id="httpx-timeout"),
    pytest.param(
        api_error(429, TOKEN, headers={"Retry-After": "1"}), id="429-echoes-token"
    ),
]


@pytest.mark.parametrize("answer", LEAKY_ANSWERS)
@pytest.mark.anyio
async def test_error_token_never_in_message_repr_or_logs(fake_api, caplog, answer):
    caplog.set_level(logging.DEBUG)

    async with fake_api(answer).client() as client:
        with pytest.raises(JumpDesktopError) as raised:
            await client.get_team("T-1")

    error = raised.value
    assert TOKEN not in error.message
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert TOKEN not in repr(error.args)
    assert TOKEN not in "".join(traceback.format_exception(error))
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__
    assert caplog.records
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(vars(record))
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(
            {"errors": [{"code": "bad", "detail": "no such user", "status": 404}]},
            "no such user",
            id="one",
        ),
        pytest.param(
            {"errors": [{"detail": "first"}, {"detail": "second"}]},
            "first; second",
            id="several",
        ),
        pytest.param({"errors": [{"code": "rate_limited"}]}, "rate_limited", id="code"),
        pytest.param(
            {"errors": [{"detail": "line one\nline two\x1b[31m\ttabbed"}]},
            "line one line two [31m tabbed",
            id="control-characters",
        ),
        pytest.param({"errors": []}, None, id="empty"),
        pytest.param({"errors": [{"detail": 5}, "odd"]}, None, id="odd-items"),
        pytest.param({"message": "other shape"}, None, id="other-shape"),
        pytest.param("plain text", None, id="text"),
        pytest.param(None, None, id="none"),
    ],
)
def test_summarise_detail_reads_only_the_error_shape(payload, expected):
    assert summarise_detail(payload) == expected


def test_summarise_detail_long_text_is_capped():
    payload = {"errors": [{"detail": "x" * 1000}]}

    summary = summarise_detail(payload)

    assert len(summary) == 200
    assert summary.endswith("…")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("  a\r\nb  ", 200, "a b", id="newline"),
        pytest.param("a\u2028b", 200, "a b", id="line-separator"),
        pytest.param("abcdef", 4, "abc…", id="cut"),
        pytest.param("abcd", 4, "abcd", id="fits"),
    ],
)
def test_clean_text_gives_one_short_line(text, limit, expected):
    assert clean_text(text, limit) == expected


@pytest.mark.parametrize(
    ("error_class", "status"),
    [
        pytest.param(TokenRejected, 401, id="token-rejected"),
        pytest.param(NotAllowed, 403, id="not-allowed"),
        pytest.param(NotFound, 404, id="not-found"),
        pytest.param(RateLimited, 429, id="rate-limited"),
        pytest.param(RequestRejected, None, id="request-rejected"),
        pytest.param(UpstreamUnavailable, None, id="upstream-unavailable"),
        pytest.param(UnreadableAnswer, None, id="unreadable-answer"),
    ],
)
def test_error_classes_default_status(error_class, status):
    error = error_class("what happened")

    assert error.status == status
    assert error.message == "what happened"
    assert isinstance(error, JumpDesktopError)


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        pytest.param(500, False, id="500"),
        pytest.param(501, False, id="501"),
        pytest.param(502, True, id="502"),
        pytest.param(503, True, id="503"),
        pytest.param(504, True, id="504"),
    ],
)
def test_error_for_status_marks_gateway_failures_retryable(status, retryable):
    error = error_for_status(status, action="read team 'T-1'", what="team 'T-1'")

    assert isinstance(error, UpstreamUnavailable)
    assert error.retryable is retryable
