"""An async client for the Jump Desktop Cloud API.

One :class:`JumpDesktopClient` holds one keep-alive ``httpx.AsyncClient``.
Its methods take plain ids, return the models of :mod:`.models` and raise
the errors of :mod:`.errors`; they never return raw HTTP. Reads are retried
on rate limits and passing failures; writes are sent exactly once.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote

import httpx
import stamina
from pydantic import BaseModel, SecretStr, ValidationError

from server import __version__

from .errors import (
    JumpDesktopError,
    RateLimited,
    UpstreamUnavailable,
    clean_text,
    error_for_status,
    summarise_detail,
    unreachable,
    unreadable,
)
from .models import (
    Device,
    DeviceUrls,
    HistoryPage,
    Team,
    TeamRef,
    User,
    parse_records,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.jumpdesktop.com/v1"
CONNECT_TIMEOUT = 5.0

# Reads: about four attempts within about twelve seconds in all, so a tool
# call fails in reasonable time instead of hanging on a sick API.
RETRY_ATTEMPTS = 4
RETRY_BUDGET = 12.0
RETRY_WAIT_INITIAL = 0.5
RETRY_WAIT_MAX = 4.0
RETRY_WAIT_JITTER = 0.5
RETRY_AFTER_CAP = 5.0

_TEAM = "/team/{teamID}"
_USERS = "/team/{teamID}/users"
_DEVICES = "/team/{teamID}/devices"
_DEVICE = "/team/{teamID}/device/{deviceID}"
_DEVICE_URLS = "/team/{teamID}/device/{deviceID}/urls"
_MEMBERS = "/team/{teamID}/device/{deviceID}/members"
_MEMBERS_DELETE = "/team/{teamID}/device/{deviceID}/members/delete"
_HISTORY = "/team/{teamID}/history/devices"
# These two are named by summaries of the API's specification, but their
# paths and bodies are not confirmed: a 404 from them may mean the endpoint
# differs, and their NotFound messages say so.
_INVITE = "/team/{teamID}/invite/user"
_USER_TEAMS = "/user/teams"

_ID_NAMES = {"teamID": "team_id", "deviceID": "device_id"}

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=BaseModel)


class _WrongShape(Exception):
    """The answer was JSON, but not of the shape the caller reads."""


@dataclass(frozen=True)
class _Call:
    """One API request, and the words that describe it in errors and logs.

    ``template`` is the path with its placeholders (what gets logged);
    ``path`` the same with every id filled in as one encoded segment.
    """

    method: str
    template: str
    path: str
    action: str
    what: str
    params: dict[str, str] | None = None
    body: dict[str, Any] | None = None


def retry_delay(error: Exception) -> bool | float:
    """Decide whether a read is tried again after ``error``.

    This is the backoff hook given to stamina: True retries with jittered
    exponential backoff, a float retries after that many seconds (a 429's
    ``Retry-After``, capped at ``RETRY_AFTER_CAP``), False gives up at once.
    """

    if isinstance(error, RateLimited):
        if error.retry_after is None:
            return True

        return min(error.retry_after, RETRY_AFTER_CAP)

    if isinstance(error, UpstreamUnavailable):
        return error.retryable

    return False


class JumpDesktopClient:
    """Talks to the Jump Desktop API as the user who made ``token``.

    Use it as an async context manager, or call :meth:`aclose` when done.
    Every id goes into the URL as one percent-encoded path segment, so no id
    can reach another endpoint. Errors are :class:`JumpDesktopError`
    subclasses whose messages never contain the token.
    """

    def __init__(
        self,
        token: str | SecretStr,
        base_url: str = DEFAULT_BASE_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
        user_agent: str | None = None,
    ) -> None:
        self._token = _token_text(token)
        self._requests_made = 0
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={
                "Authorization": f"Bearer {self._token}",
                "Accept": "application/json",
                "User-Agent": user_agent or f"jumpdesktop-mcp/{__version__}",
            },
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"JumpDesktopClient(base_url={str(self._http.base_url)!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections; the client cannot be used afterwards."""

        await self._http.aclose()

    @property
    def requests_made(self) -> int:
        """How many HTTP requests were sent, retries included."""

        return self._requests_made

    async def get_team(self, team_id: str) -> Team:
        """The team; a member's token gets a limited view (see
        :meth:`Team.missing_sections`)."""

        team = _shown(team_id)
        call = _prepare(
            "GET",
            _TEAM,
            {"teamID": team_id},
            action=f"read team {team}",
            what=f"team {team}",
        )
        return await self._get(call, partial(_one, Team))

    async def list_users(self, team_id: str, *, email: str | None = None) -> list[User]:
        """The team's members, or only the one with ``email``."""

        team = _shown(team_id)
        call = _prepare(
            "GET",
            _USERS,
            {"teamID": team_id},
            action=f"list the users of team {team}",
            what=f"team {team}",
            params=None if email is None else {"email": email},
        )
        return await self._get(call, partial(_many, User, "users"))

    async def list_devices(
        self, team_id: str, *, name: str | None = None
    ) -> list[Device]:
        """The team's computers, or only those whose name matches ``name``
        (``*`` is a wildcard: ``"*lab*"``)."""

        team = _shown(team_id)
        call = _prepare(
            "GET",
            _DEVICES,
            {"teamID": team_id},
            action=f"list the computers of team {team}",
            what=f"team {team}",
            params=None if name is None else {"name": name},
        )
        return await self._get(call, partial(_many, Device, "devices"))

    async def get_device(self, team_id: str, device_id: str) -> Device:
        """One computer of the team."""

        computer = _computer(team_id, device_id)
        call = _prepare(
            "GET",
            _DEVICE,
            {"teamID": team_id, "deviceID": device_id},
            action=f"read {computer}",
            what=computer,
        )
        return await self._get(call, _device)

    async def get_device_urls(self, team_id: str, device_id: str) -> DeviceUrls:
        """The stable connect, dashboard and ask-to-share-screen links of a
        computer."""

        computer = _computer(team_id, device_id)
        call = _prepare(
            "GET",
            _DEVICE_URLS,
            {"teamID": team_id, "deviceID": device_id},
            action=f"read the links of {computer}",
            what=computer,
        )
        return await self._get(call, partial(_one, DeviceUrls))

    async def add_device_members(
        self,
        team_id: str,
        device_id: str,
        *,
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> None:
        """Give users and access groups direct access to a computer.

        Additive and idempotent: members it already has stay as they are.
        """

        computer = _computer(team_id, device_id)
        call = _prepare(
            "POST",
            _MEMBERS,
            {"teamID": team_id, "deviceID": device_id},
            action=f"give users or access groups access to {computer}",
            what=computer,
            body=_members_body(users, groups),
        )
        await self._send(call)

    async def remove_device_members(
        self,
        team_id: str,
        device_id: str,
        *,
        users: Iterable[str] = (),
        groups: Iterable[str] = (),
    ) -> None:
        """Take direct access to a computer away from users and access groups.

        Access a user still has through another access group is not touched.
        """

        computer = _computer(team_id, device_id)
        call = _prepare(
            "POST",
            _MEMBERS_DELETE,
            {"teamID": team_id, "deviceID": device_id},
            action=f"remove users or access groups from {computer}",
            what=computer,
            body=_members_body(users, groups),
        )
        await self._send(call)

    async def get_device_history(
        self,
        team_id: str,
        *,
        desc: bool = True,
        limit: int | None = None,
        offset: int | None = None,
        start_time: datetime | None = None,
    ) -> HistoryPage:
        """One page of the team's connection history.

        ``desc`` puts the newest first; ``start_time`` (a naive time counts
        as UTC) leaves out older events; pass the page's ``next_offset`` as
        ``offset`` to read on.
        """

        team = _shown(team_id)
        call = _prepare(
            "GET",
            _HISTORY,
            {"teamID": team_id},
            action=f"read the connection history of team {team}",
            what=f"team {team}",
            params=_history_params(desc, limit, offset, start_time),
        )
        return await self._get(call, _history_page)

    async def invite_user(
        self, team_id: str, email: str, *, groups: Iterable[str] = ()
    ) -> None:
        """Invite someone by email to join the team, optionally into access
        groups. The endpoint is not confirmed: NotFound may mean it differs."""

        if not isinstance(email, str) or not email.strip():
            raise ValueError("email must be a non-empty email address")

        team = _shown(team_id)
        body: dict[str, Any] = {"email": email.strip()}
        group_ids = _id_values(groups, "groups")
        if group_ids:
            body["groups"] = group_ids

        call = _prepare(
            "POST",
            _INVITE,
            {"teamID": team_id},
            action=f"invite {_shown(email)} to team {team}",
            what=f"team {team} (or this API version has no invite endpoint)",
            body=body,
        )
        await self._send(call)

    async def list_teams(self) -> list[TeamRef]:
        """The teams the token's user belongs to. The endpoint is not
        confirmed: NotFound may mean this API version lacks it."""

        call = _prepare(
            "GET",
            _USER_TEAMS,
            {},
            action="list the teams of the token's user",
            what="teams endpoint (this API version may not have it)",
        )
        return await self._get(call, partial(_many, TeamRef, "teams"))

    async def _get(self, call: _Call, read: Callable[[Any], T]) -> T:
        """Send a read, retrying passing failures, and shape its JSON."""

        async for attempt in stamina.retry_context(
            on=retry_delay,
            attempts=RETRY_ATTEMPTS,
            timeout=RETRY_BUDGET,
            wait_initial=RETRY_WAIT_INITIAL,
            wait_max=RETRY_WAIT_MAX,
            wait_jitter=RETRY_WAIT_JITTER,
        ):
            with attempt:
                response = await self._send(call)

        data = _json_of(response, call)
        try:
            return read(data)
        except _WrongShape as wrong:
            status = response.status_code
            raise unreadable(call.action, str(wrong), status=status) from None

    async def _send(self, call: _Call) -> httpx.Response:
        """Make one HTTP attempt; raise the matching error unless it succeeds.

        httpx's own exceptions are not chained: they hold the request, and
        with it the Authorization header.
        """

        self._requests_made += 1
        started = time.perf_counter()
        try:
            response = await self._http.request(
                call.method, call.path, params=call.params, json=call.body
            )
        except httpx.TransportError as exc:
            _log_attempt(call, type(exc).__name__, started)
            raise _unreachable(call, exc) from None
        except httpx.DecodingError:
            # A body whose Content-Encoding does not match it, e.g. from a proxy.
            _log_attempt(call, "DecodingError", started)
            problem = "its compressed body could not be decoded"
            raise unreadable(call.action, problem, status=None) from None

        _log_attempt(call, response.status_code, started)
        if not response.is_success:
            raise self._error_for(response, call)

        return response

    def _error_for(self, response: httpx.Response, call: _Call) -> JumpDesktopError:
        # The API may echo what it was sent; the token must not come back.
        detail = summarise_detail(_loads_or_none(response.text), secret=self._token)

        return error_for_status(
            response.status_code,
            action=call.action,
            what=call.what,
            detail=detail,
            retry_after=_retry_after(response),
        )


def _token_text(token: str | SecretStr) -> str:
    if isinstance(token, SecretStr):
        token = token.get_secret_value()

    if not isinstance(token, str) or not token.strip():
        raise ValueError(
            "The Jump Desktop API token is empty: make one in the Jump Desktop "
            "dashboard under Security → Generate new token."
        )

    token = token.strip()
    if any(not "!" <= char <= "~" for char in token):
        raise ValueError(
            "The Jump Desktop API token contains spaces or unusual characters: "
            "copy it again from the Jump Desktop dashboard."
        )

    return token


def _prepare(
    method: str,
    template: str,
    ids: Mapping[str, str],
    *,
    action: str,
    what: str,
    params: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> _Call:
    segments = {name: _segment(value, _ID_NAMES[name]) for name, value in ids.items()}

    return _Call(
        method=method,
        template=template,
        path=template.format_map(segments),
        action=action,
        what=what,
        params=params,
        body=body,
    )


def _segment(value: str, name: str) -> str:
    """Encode an id as exactly one path segment, or refuse it."""

    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")

    if not value.strip():
        raise ValueError(f"{name} must not be empty")

    # quote() leaves dots alone, and "." or ".." would climb the path.
    if value in {".", ".."}:
        raise ValueError(f"{name} must be an id, not {value!r}")

    return quote(value, safe="")


def _computer(team_id: str, device_id: str) -> str:
    return f"computer {_shown(device_id)} in team {_shown(team_id)}"


def _shown(value: Any) -> str:
    """An id as it appears in messages: quoted, escaped, not too long."""

    return clean_text(repr(value), limit=80)


def _id_values(values: Iterable[str], name: str) -> list[str]:
    # A bare string would otherwise be read as a list of one-letter ids.
    if isinstance(values, str):
        raise TypeError(f"{name} must be a list of ids, not a string")

    ids = list(values)
    for value in ids:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name} must hold non-empty id strings")

    return ids


def _members_body(users: Iterable[str], groups: Iterable[str]) -> dict[str, Any]:
    body = {"users": _id_values(users, "users"), "groups": _id_values(groups, "groups")}
    if not body["users"] and not body["groups"]:
        raise ValueError("give at least one user id or access group id")

    return body


def _history_params(
    desc: bool,
    limit: int | None,
    offset: int | None,
    start_time: datetime | None,
) -> dict[str, str]:
    params = {"desc": "true" if desc else "false"}

    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive whole number")
        params["limit"] = str(limit)

    if offset is not None:
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValueError("offset must be a whole number, zero or more")
        params["offset"] = str(offset)

    if start_time is not None:
        if start_time.tzinfo is None:
            start_time = start_time.replace(tzinfo=UTC)
        params["startTime"] = str(int(start_time.timestamp()))

    return params


def _log_attempt(call: _Call, outcome: int | str, started: float) -> None:
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "%s %s -> %s in %.0f ms", call.method, call.template, outcome, elapsed_ms
    )


def _unreachable(call: _Call, exc: httpx.TransportError) -> UpstreamUnavailable:
    timed_out = isinstance(exc, httpx.TimeoutException)
    error = unreachable(call.action, type(exc).__name__, timed_out=timed_out)

    # A bad base URL or a header httpx refuses will not get better by waiting.
    error.retryable = not isinstance(
        exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError
    )
    return error


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""

    value = response.headers.get("Retry-After")
    if value is None:
        return None

    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value)

    if seconds is None or not math.isfinite(seconds):
        return None

    return max(0.0, seconds)


def _seconds_until(http_date: str) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return None

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)

    return (when - datetime.now(UTC)).total_seconds()


def _loads_or_none(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _json_of(response: httpx.Response, call: _Call) -> Any:
    status = response.status_code
    if not response.content.strip():
        raise unreadable(call.action, "it was empty", status=status)

    try:
        return response.json()
    except ValueError:
        raise unreadable(call.action, "it was not JSON", status=status) from None


def _one(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, Mapping):
        raise _WrongShape(f"expected an object, got {_kind(data)}")

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _WrongShape(f"unexpected values at {_locations(exc)}") from None


def _device(data: Any) -> Device:
    # The single-computer answer is assumed to be a bare device object; a
    # {"device": {...}} wrapper is read as well.
    if isinstance(data, Mapping) and "id" not in data:
        wrapped = data.get("device")
        if isinstance(wrapped, Mapping):
            data = wrapped

    return _one(Device, data)


def _history_page(data: Any) -> HistoryPage:
    if isinstance(data, list):
        data = {"deviceEvents": data}

    return _one(HistoryPage, data)


def _many(model: type[ModelT], key: str, data: Any) -> list[ModelT]:
    """Read a bare list, a ``{key: [...]}`` wrapper or a map keyed by id."""

    if isinstance(data, Mapping) and key in data:
        data = data[key] if data[key] is not None else []

    if isinstance(data, list) or _is_keyed_map(data):
        return parse_records(model, data, label=key)

    raise _WrongShape(f"expected a list of {key}, got {_kind(data)}")


def _is_keyed_map(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False

    return not data or any(isinstance(item, Mapping) for item in data.values())


def _kind(data: Any) -> str:
    if isinstance(data, Mapping):
        return "an object"

    if isinstance(data, list):
        return "a list"

    if isinstance(data, str):
        return "text"

    return "null" if data is None else "a single value"


def _locations(exc: ValidationError) -> str:
    places = [".".join(str(part) for part in error["loc"]) for error in exc.errors()]
    return clean_text(", ".join(places[:3]) or "the top level", limit=120)
