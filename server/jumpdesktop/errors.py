"""What can go wrong when talking to the Jump Desktop API.

Every error carries a message written for the person (or model) reading it:
what was tried, what happened and what to do next. Messages never contain
the API token, a header or a raw response body; at most a short, cleaned
summary of the API's own ``detail`` text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

DETAIL_LIMIT = 200

# Gateway failures pass; a plain 500 usually means the request itself breaks
# something, and sending it again would only repeat that.
RETRYABLE_STATUSES = frozenset({502, 503, 504})

_NOT_PRINTABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r" {2,}")


class JumpDesktopError(Exception):
    """A call to the Jump Desktop API did not succeed.

    ``message`` is safe to show to a user; ``status`` is the HTTP status the
    API answered with, or None when no answer arrived.
    """

    default_status: ClassVar[int | None] = None

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = self.default_status if status is None else status


class TokenRejected(JumpDesktopError):
    """HTTP 401: the API token is wrong, revoked or expired."""

    default_status = 401


class NotAllowed(JumpDesktopError):
    """HTTP 403: the token's user may not do this (not an admin, or the team
    is not theirs)."""

    default_status = 403


class NotFound(JumpDesktopError):
    """HTTP 404: the team, computer or user looked up does not exist.

    ``what`` names what was looked up, e.g. ``"computer 'D-1' in team 'T-1'"``.
    """

    default_status = 404

    def __init__(
        self, message: str, *, status: int | None = None, what: str | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.what = what


class RequestRejected(JumpDesktopError):
    """Another 4xx answer (400, 409, ...): the API refused what was sent."""


class RateLimited(JumpDesktopError):
    """HTTP 429: too many requests.

    ``retry_after`` is the wait in seconds the API asked for, when it said.
    """

    default_status = 429

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class UpstreamUnavailable(JumpDesktopError):
    """The API could not be reached or failed: 5xx, a timeout, a lost connection.

    ``retryable`` says whether trying the same request again may help.
    """

    def __init__(
        self, message: str, *, status: int | None = None, retryable: bool = True
    ) -> None:
        super().__init__(message, status=status)
        self.retryable = retryable


class UnreadableAnswer(JumpDesktopError):
    """The API answered, but not with JSON of the expected shape."""


def clean_text(text: str, limit: int = DETAIL_LIMIT) -> str:
    """Return ``text`` on one line, without control characters, at most
    ``limit`` characters long (an ellipsis marks a cut)."""

    flat = _SPACES.sub(" ", _NOT_PRINTABLE.sub(" ", text)).strip()
    if len(flat) <= limit:
        return flat

    return flat[: limit - 1].rstrip() + "…"


def summarise_detail(payload: Any, *, secret: str | None = None) -> str | None:
    """Summarise the ``detail`` texts of an API error body.

    The body looks like ``{"errors": [{"code", "detail", "status"}]}``; any
    other shape gives None, so a raw body can never reach a message. Wherever
    ``secret`` appears in the texts it becomes ``[token]``.
    """

    if not isinstance(payload, Mapping):
        return None

    errors = payload.get("errors")
    if not isinstance(errors, list):
        return None

    details = [_detail_of(error) for error in errors]
    joined = "; ".join(detail for detail in details if detail)
    if secret:
        # Replaced in the decoded text, before it is cut short: JSON may
        # escape any character of the secret, and a cut may halve it.
        joined = joined.replace(secret, "[token]")
    return clean_text(joined) or None


def _detail_of(error: Any) -> str | None:
    if not isinstance(error, Mapping):
        return None

    detail = error.get("detail") or error.get("code")
    return detail if isinstance(detail, str) else None


def error_for_status(
    status: int,
    *,
    action: str,
    what: str,
    detail: str | None = None,
    retry_after: float | None = None,
) -> JumpDesktopError:
    """Build the error for an HTTP answer with a non-success ``status``.

    ``action`` completes "Tried to ..." (e.g. ``"list the computers of team
    'T-1'"``); ``what`` names what a 404 means was not found; ``detail`` is an
    already cleaned summary of the API's explanation.
    """

    tried = f"Tried to {action}"
    said = f" (HTTP {status}: {detail})" if detail else f" (HTTP {status})"

    if status == 401:
        return TokenRejected(
            f"{tried}, but the API token was rejected{said}. Make a new one in "
            "the Jump Desktop dashboard under Security → Generate new token and "
            "configure the server with it."
        )

    if status == 403:
        return NotAllowed(
            f"{tried}, but the token's user may not do that{said}. Most changes "
            "need a team admin's token, and a token only reaches its own teams: "
            "check the team id or use an admin's token."
        )

    if status == 404:
        return NotFound(
            f"{tried}, but Jump Desktop found no {what}{said}. Check the ids; "
            "listing the team's computers or users shows the right ones.",
            what=what,
        )

    if status == 429:
        return _rate_limited(tried, said, retry_after)

    if status >= 500:
        return UpstreamUnavailable(
            f"{tried}, but Jump Desktop failed to answer it{said}. The service "
            "may be down or overloaded; try again in a minute.",
            status=status,
            retryable=status in RETRYABLE_STATUSES,
        )

    if 400 <= status < 500:
        return RequestRejected(
            f"{tried}, but Jump Desktop refused the request{said}. Check the "
            "values sent (ids, email address) and try again.",
            status=status,
        )

    return UnreadableAnswer(
        f"{tried}, but Jump Desktop gave an unexpected answer{said}. Check that "
        "the base URL points at the Jump Desktop API.",
        status=status,
    )


def _rate_limited(tried: str, said: str, retry_after: float | None) -> RateLimited:
    wait = "wait a little" if retry_after is None else f"wait {retry_after:g} s"

    return RateLimited(
        f"{tried}, but Jump Desktop is limiting how often it may be called"
        f"{said}; {wait} and try again.",
        retry_after=retry_after,
    )


def unreachable(action: str, failure: str, *, timed_out: bool) -> UpstreamUnavailable:
    """Build the error for a request that got no answer.

    ``failure`` names what happened, e.g. the exception class ``ConnectError``.
    """

    if timed_out:
        happened = f"Jump Desktop did not answer in time ({failure})"
    else:
        happened = f"Jump Desktop could not be reached ({failure})"

    return UpstreamUnavailable(
        f"Tried to {action}, but {happened}. Check the network connection and "
        "try again in a minute."
    )


def unreadable(action: str, problem: str, *, status: int | None) -> UnreadableAnswer:
    """Build the error for an answer that is not JSON of the expected shape.

    ``problem`` says what was wrong, e.g. ``"it was not JSON"``.
    """

    return UnreadableAnswer(
        f"Tried to {action}, but could not read the answer: {problem}. Check "
        "that the base URL points at the Jump Desktop API; if it does, the API "
        "may have changed and this server needs an update.",
        status=status,
    )
