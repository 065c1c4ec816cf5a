"""The team's histories: connections to its computers, and its activity log.

Both answer a page at a time; the query parameters are the same for both.
Only admins may read them.
"""

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from ..errors import ApiError
from ..history import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery, select_page
from ..wire import activity_json, device_event_json
from .common import answer, team_call


async def device_history(request: Request) -> Response:
    """``GET /team/{teamID}/history/devices``: connections, newest first by default."""
    call = team_call(request, admin_for="read the connection history")
    page = select_page(call.team.device_events, page_query(request.query_params))

    return answer(
        {
            "deviceEvents": [device_event_json(event) for event in page.events],
            "hasMoreEvents": page.has_more,
            "nextOffset": page.next_offset,
        }
    )


async def team_history(request: Request) -> Response:
    """``GET /team/{teamID}/history``: who changed what in the team."""
    call = team_call(request, admin_for="read the team's activity log")
    page = select_page(call.team.activity, page_query(request.query_params))

    return answer(
        {
            "events": [activity_json(event) for event in page.events],
            "hasMoreEvents": page.has_more,
            "nextOffset": page.next_offset,
        }
    )


def page_query(params: QueryParams) -> PageQuery:
    """Read ``desc``, ``limit``, ``offset``, ``startTime`` and ``endTime``.

    ``limit`` above the maximum is lowered to it; any unreadable value
    answers 400.
    """
    limit = _integer(params, "limit", DEFAULT_PAGE_SIZE, minimum=1)

    return PageQuery(
        desc=_boolean(params, "desc", default=True),
        limit=min(limit, MAX_PAGE_SIZE),
        offset=_integer(params, "offset", 0, minimum=0),
        start_time=_seconds(params, "startTime"),
        end_time=_seconds(params, "endTime"),
    )


def _boolean(params: QueryParams, name: str, default: bool) -> bool:
    text = params.get(name)
    if text is None:
        return default

    if text.lower() not in ("true", "false"):
        raise _bad_query(name, text, "true or false")

    return text.lower() == "true"


def _integer(params: QueryParams, name: str, default: int, minimum: int) -> int:
    text = params.get(name)
    if text is None:
        return default

    try:
        value = int(text)
    except ValueError:
        raise _bad_query(name, text, f"a whole number of at least {minimum}") from None

    if value < minimum:
        raise _bad_query(name, text, f"a whole number of at least {minimum}")

    return value


def _seconds(params: QueryParams, name: str) -> float | None:
    text = params.get(name)
    if text is None:
        return None

    try:
        return float(text)
    except ValueError:
        raise _bad_query(name, text, "a Unix time in seconds") from None


def _bad_query(name: str, text: str, wanted: str) -> ApiError:
    detail = f"The query parameter '{name}' is {text!r}; it must be {wanted}."
    return ApiError(400, "invalid_query", detail)
