"""Connection history: `get_connection_history`, who connected to what and when.

The API answers raw events, newest first, a page at a time from an offset.
One connection is several events sharing a connection id: the request, the
incoming connection, a successful or failed sign-in, and its closing. This
module folds them back into connections and pages through them behind a
signed cursor that holds the API offset to read on from.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import Device, DeviceEvent, HistoryPage, NotAllowed
from tools.devices import device_query, pick_device
from tools.paging import DEFAULT_LIMIT, CursorArg, LimitArg
from tools.runtime import READ_ONLY, Runtime, TeamArg, resolve_team, runtime, upstream
from tools.signing import (
    STALE_CURSOR,
    Signer,
    fingerprint,
    issue_cursor,
    read_cursor,
)
from tools.text import ago, clean, clean_email, iso
from tools.times import parse_duration
from tools.users import EMAIL_SHAPE

TOOL = "get_connection_history"
DEFAULT_SINCE = timedelta(days=7)
# Events asked for per history request: a connection is about four events,
# so one request usually fills a whole answer page. The API documents no
# maximum; one that answers fewer still pages on through `nextOffset`.
EVENTS_PER_REQUEST = 200
# API requests one call may make, the device list included.
REQUEST_BUDGET = 3
# Connections already shown whose older events may still lie ahead; the
# cursor carries their digests so that no connection is shown twice.
SEEN_CAP = 100
_DIGEST_CHARS = 8

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOOKS_LIKE_A_DATE = re.compile(r"\d{4}-")
ISO_FORMAT = "an ISO date or time like '2026-12-01' or '2026-12-01T18:00:00Z'"

NEEDS_ADMIN = (
    "Tried to read the team's connection history, but the API refused it "
    "(HTTP 403): only a team admin's token may read connection history (or "
    "the token's user is not in this team). "
    "Configure the server with an admin's API token (an admin makes one in the "
    "dashboard under Security → Generate new token)."
)

MOMENT_FORMS = (
    f"{ISO_FORMAT} (UTC unless it has an offset), "
    "or a span ago: a number and a unit m, h, d or w ('24h' = a day ago)"
)
SinceArg = Annotated[
    str | None,
    Field(
        description=f"Start of the period: {MOMENT_FORMS}. Default 7 days ago.",
        max_length=40,
    ),
]
UntilArg = Annotated[
    str | None,
    Field(
        description=(
            f"End of the period: {MOMENT_FORMS}; a date alone includes that "
            "day. Omit for up to now."
        ),
        max_length=40,
    ),
]


# Reading the period --------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The period asked about: events at or after `since`, before `until`."""

    since: datetime
    until: datetime | None

    def key(self) -> list[str | None]:
        return [iso(self.since), iso(self.until)]


def read_window(since: str | None, until: str | None, now: datetime) -> Window:
    """The absolute period `since` and `until` name, as seen from `now`."""
    start = parse_moment(since, "since", now, end_of_day=False)
    end = parse_moment(until, "until", now, end_of_day=True)
    start = start or now - DEFAULT_SINCE

    if start > now:
        raise ToolError(
            f"since {iso(start)} is in the future, so there is no history yet; "
            "pass an earlier time, or a span ago like '24h'"
        )
    if end is not None and end <= start:
        raise ToolError(
            f"until ({iso(end)}) must be after since ({iso(start)}); swap them, "
            "or omit until to read up to now"
        )
    return Window(start, end)


def parse_moment(
    text: str | None, field: str, now: datetime, *, end_of_day: bool
) -> datetime | None:
    """Read an ISO date or time, or a span before `now`; None for no text.

    A date alone is the start of that day (UTC), or with `end_of_day` the
    start of the next, so that `until` includes the day it names.
    """
    if text is None or not text.strip():
        return None
    wanted = text.strip()

    if _LOOKS_LIKE_A_DATE.match(wanted):
        return _iso_moment(wanted, field, end_of_day)
    try:
        return now - parse_duration(wanted, field)
    except ToolError as exc:
        raise ToolError(f"{exc}; or pass {ISO_FORMAT}") from None


def _iso_moment(text: str, field: str, end_of_day: bool) -> datetime:
    try:
        if _DATE_ONLY.fullmatch(text):
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text.upper())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # Every later step works in UTC; near either end of the calendar an
        # offset can put the time outside it, which is caught here.
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ToolError(
            f"{field} {clean(text, 40)!r} is not a valid date or time; pass "
            f"{ISO_FORMAT}, or a span ago like '24h'"
        ) from None


# Where a page starts -------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where the next page starts, as a cursor carries it.

    `offset` is the API offset to read on from; `anchor` the moment (Unix
    seconds) the first page was asked for, so relative times stay put;
    `upto` the newest event time left to read, which skips events read
    before when new ones push the offsets along; `seen` the digests of
    connections already shown; `shown` how many were shown so far.
    """

    anchor: int
    offset: int = 0
    upto: int | None = None
    seen: tuple[str, ...] = ()
    shown: int = 0

    def payload(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "offset": self.offset,
            "upto": self.upto,
            "seen": list(self.seen),
            "shown": self.shown,
        }


def anchor_of(rt: Runtime, cursor: str | None) -> int:
    """When the first page was asked for, or now for a first page.

    Only a cursor this server signed is believed; whether it belongs to this
    query is checked once the query is known.
    """
    payload = rt.signer.open(cursor) if cursor and cursor.strip() else None
    position = payload.get("p") if payload else None
    anchor = position.get("anchor") if isinstance(position, dict) else None
    if isinstance(anchor, int) and not isinstance(anchor, bool):
        return anchor
    return int(datetime.now(UTC).timestamp())


def position_of(raw: dict[str, Any], anchor: int) -> Position:
    """The position a checked cursor holds; a first page for no cursor."""
    if not raw:
        return Position(anchor)

    offset, upto, shown = raw.get("offset"), raw.get("upto"), raw.get("shown")
    seen = raw.get("seen")
    well_formed = (
        _whole(offset)
        and _whole(shown)
        and (upto is None or _whole(upto))
        and isinstance(seen, list)
        and all(isinstance(digest, str) for digest in seen)
    )
    if not well_formed:
        raise ToolError(STALE_CURSOR)
    return Position(anchor, offset, upto, tuple(seen), shown)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def digest(key: str) -> str:
    return fingerprint(key)[:_DIGEST_CHARS]


# Folding events into connections ------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """Which events the question is about: one computer, one person, or all."""

    device_id: str | None = None
    email: str | None = None

    def keeps(self, event: DeviceEvent) -> bool:
        if self.device_id is not None and event.device_id != self.device_id:
            return False
        peer = (event.peer_email or "").strip().casefold()
        return self.email is None or peer == self.email


@dataclass
class Connection:
    """The events of one connection read so far, newest first."""

    key: str
    events: list[DeviceEvent] = field(default_factory=list)
    last_index: int = 0
    started: bool = False

    def add(self, event: DeviceEvent, index: int) -> None:
        self.events.append(event)
        self.last_index = max(self.last_index, index)
        # The request is a connection's first step: once it is read, nothing
        # of this connection lies further back.
        self.started = self.started or event.kind == "connection_request"


@dataclass
class Reader:
    """Reads history pages into the connections of one answer page.

    Connections are taken in the order their newest event arrives. Once
    `limit` are taken, the first event of the next one marks where the next
    page starts; events further on still complete the connections taken.
    """

    window: Window
    wanted: EventFilter
    limit: int
    position: Position
    offset: int = field(init=False)
    seen: list[str] = field(init=False)
    taken: dict[str, Connection] = field(default_factory=dict)
    held: dict[str, list[tuple[DeviceEvent, int]]] = field(default_factory=dict)
    stop: int | None = None
    stop_time: int | None = None
    oldest_read: int | None = None
    finished: bool = False

    def __post_init__(self) -> None:
        self.offset = self.position.offset
        self.seen = list(self.position.seen)

    @property
    def satisfied(self) -> bool:
        """Nothing more needs reading for this page."""
        if self.finished:
            return True
        complete = all(connection.started for connection in self.taken.values())
        return self.stop is not None and complete

    def read(self, page: HistoryPage) -> None:
        events = page.device_events
        for number, event in enumerate(events):
            self._take(event, self.offset + number)

        following = page.next_offset
        if not page.has_more_events or not events:
            self.finished = True
        elif following is not None and following > self.offset:
            self.offset = following
        else:
            self.offset += len(events)

    def _take(self, event: DeviceEvent, index: int) -> None:
        moment = _seconds(event.timestamp)
        upto = self.position.upto
        if moment is not None and upto is not None and moment > upto:
            return
        if moment is not None:
            self.oldest_read = min(moment, self.oldest_read or moment)
        if not self.wanted.keeps(event):
            return

        body = event.body
        key = body.connection_id if body and body.connection_id else f"#{index}"
        if digest(key) in self.seen:
            self._skip_seen(event, key)
        elif key in self.taken:
            self.taken[key].add(event, index)
        elif self.stop is None:
            self._take_new(event, key, index)

    def _skip_seen(self, event: DeviceEvent, key: str) -> None:
        # Shown on an earlier page. Its request is its oldest event, so past
        # it the connection needs no more skipping.
        if event.kind == "connection_request" and self.stop is None:
            self.seen.remove(digest(key))

    def _take_new(self, event: DeviceEvent, key: str, index: int) -> None:
        until = self.window.until
        if until is not None and event.timestamp and event.timestamp >= until:
            # It may have begun inside the period: keep it until that shows.
            # Should the page fill first, it is listed on a later page without
            # these newer events, so without its end.
            self.held.setdefault(key, []).append((event, index))
            return
        if len(self.taken) == self.limit:
            self.stop, self.stop_time = index, _seconds(event.timestamp)
            return

        # An event without a connection id is a connection of its own.
        connection = Connection(key, started=key.startswith("#"))
        for held, held_index in self.held.pop(key, []):
            connection.add(held, held_index)
        connection.add(event, index)
        self.taken[key] = connection

    def next_position(self) -> Position | None:
        """Where the following page starts; None when the history is read."""
        if self.stop is None and self.finished:
            return None

        offset = self.offset if self.stop is None else self.stop
        # Events still to read are no newer than the last one read; should
        # new events push the offsets along, this skips what was read before.
        upto = self.oldest_read if self.stop is None else self.stop_time
        ahead = [
            digest(connection.key)
            for connection in self.taken.values()
            if not connection.started or connection.last_index >= offset
        ]
        seen = (self.seen + ahead)[-SEEN_CAP:]
        shown = self.position.shown + len(self.taken)
        return Position(
            self.position.anchor,
            offset,
            self.position.upto if upto is None else upto,
            tuple(seen),
            shown,
        )


def _seconds(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


async def read_history(
    rt: Runtime, team_id: str, reader: Reader, requests: int
) -> None:
    """Read pages into `reader` until its page is done, in at most `requests`."""
    for _ in range(requests):
        async with upstream():
            try:
                page = await rt.client.get_device_history(
                    team_id,
                    desc=True,
                    limit=EVENTS_PER_REQUEST,
                    offset=reader.offset,
                    start_time=reader.window.since,
                )
            except NotAllowed:
                raise ToolError(NEEDS_ADMIN) from None

        reader.read(page)
        if reader.satisfied:
            return


# The answer ----------------------------------------------------------------

OUTCOMES = (
    '"connected", "authentication failed", "closed before sign-in", '
    '"requested only", or "ended, start not read".'
)


class ComputerRef(BaseModel):
    id: str | None
    name: str


class ConnectionRow(BaseModel):
    when: str | None = Field(description="When it began, ISO 8601 UTC.")
    when_ago: str
    computer_id: str | None
    computer_name: str = Field(description="Its name, or host name if unknown.")
    who: str | None = Field(description="Email of the person who connected.")
    from_ip: str | None
    app: str | None = Field(description="What they connected with, as the API says.")
    outcome: str = Field(description=OUTCOMES)
    ended_at: str | None = Field(
        description="ISO 8601 UTC; null when no end was read (it may go on)."
    )
    duration: str | None
    start_seen: bool = Field(
        description="False when its first steps lie before `since` or unread."
    )


class ConnectionHistory(BaseModel):
    since: str
    until: str | None
    device: ComputerRef | None = Field(description="The computer asked about.")
    user_email: str | None
    returned: int
    total: int | None = Field(
        description="Connections over every page; null until the last page."
    )
    more: bool = Field(description="True when `next_cursor` leads to more.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    stopped_early: bool = Field(
        description=(
            "True when the page is short because one call reads a bounded "
            "amount of history; older connections may still match."
        )
    )
    connections: list[ConnectionRow] = Field(
        description=(
            "Newest first. A connection still open where a page ends is listed "
            "on that page, so the next may start with one that began later."
        )
    )
    summary: str


DeviceFilterArg = Annotated[
    str | None,
    Field(
        description=(
            "Only connections to this computer: its id (D-…) or its name; omit "
            "for every computer."
        ),
        max_length=300,
    ),
]
EmailFilterArg = Annotated[
    str | None,
    Field(
        description="Only connections by this email; case is ignored.",
        max_length=254,
    ),
]


async def get_connection_history(
    ctx: Context,
    device: DeviceFilterArg = None,
    user_email: EmailFilterArg = None,
    since: SinceArg = None,
    until: UntilArg = None,
    limit: LimitArg = DEFAULT_LIMIT,
    cursor: CursorArg = None,
    team: TeamArg = None,
) -> ConnectionHistory:
    """List who connected to which computer and when, newest first, with the outcome."""
    rt = runtime(ctx)
    anchor = anchor_of(rt, cursor)
    window = read_window(since, until, datetime.fromtimestamp(anchor, UTC))
    email = _email(user_email)
    team_id, looked_up = await _resolve_team(rt, team)

    devices, chosen = None, None
    if device is not None:
        devices = await _list_devices(rt, team_id)
        chosen = pick_device(devices, device_query(device))
    wanted = EventFilter(chosen.id if chosen else None, email)
    query = [TOOL, team_id, wanted.device_id, wanted.email, *window.key()]
    position = position_of(read_cursor(rt.signer, query, cursor), anchor)

    # One request stays for the device list (the filter, or the names), and
    # one may have gone to finding the default team.
    reader = Reader(window, wanted, limit, position)
    await read_history(rt, team_id, reader, REQUEST_BUDGET - 1 - looked_up)
    if devices is None and reader.taken:
        devices = await _list_devices(rt, team_id)

    return _answer(reader, devices or [], chosen, query, rt.signer)


async def _resolve_team(rt: Runtime, team: str | None) -> tuple[str, int]:
    """The team's id, and how many requests finding it took: with no team
    configured, the first call looks the default up among the token's teams."""
    unknown = rt.settings.team_id is None and rt.discovered_team_id is None
    team_id = await resolve_team(rt, team)
    return team_id, int(unknown and rt.discovered_team_id is not None)


def _email(user_email: str | None) -> str | None:
    if user_email is None:
        return None
    wanted = user_email.strip()
    if not EMAIL_SHAPE.fullmatch(wanted):
        raise ToolError(
            f"user_email {clean(wanted, 80)!r} is not an email address; pass one "
            "like name@example.com, or omit it for everyone"
        )
    return wanted.casefold()


async def _list_devices(rt: Runtime, team_id: str) -> list[Device]:
    async with upstream():
        return await rt.client.list_devices(team_id)


def _answer(
    reader: Reader,
    devices: list[Device],
    chosen: Device | None,
    query: list[Any],
    signer: Signer,
) -> ConnectionHistory:
    now = datetime.now(UTC)
    names = {device.id: device for device in devices if device.id}
    rows = [_row(connection, names, now) for connection in reader.taken.values()]
    rows.sort(key=lambda row: row.when or "", reverse=True)

    following = reader.next_position()
    next_cursor = (
        issue_cursor(signer, query, following.payload()) if following else None
    )
    window, email = reader.window, reader.wanted.email
    history = ConnectionHistory(
        since=iso(window.since) or "",
        until=iso(window.until),
        device=_computer(chosen) if chosen else None,
        user_email=clean_email(email) if email else None,
        returned=len(rows),
        total=None if following else reader.position.shown + len(rows),
        more=following is not None,
        next_cursor=next_cursor,
        stopped_early=following is not None and reader.stop is None,
        connections=rows,
        summary="",
    )
    history.summary = _summary(history)
    return history


def _computer(device: Device) -> ComputerRef:
    return ComputerRef(id=device.id, name=clean(device.name))


def _row(
    connection: Connection, names: dict[str, Device], now: datetime
) -> ConnectionRow:
    events = sorted(connection.events, key=_event_time)
    kinds = {event.kind for event in events}
    first, closed = events[0], _last_of(events, "connection_closed")
    start_seen = connection.started or "incoming_connection" in kinds
    peer = next((e.body.peer_info for e in events if e.body and e.body.peer_info), None)
    source = next((e.body.source_type for e in events if e.body), None)

    device = names.get(first.device_id or "")
    name = clean(device.name) if device and device.name else ""
    ended = closed.timestamp if closed else None
    lasted = ended - first.timestamp if ended and first.timestamp else None
    return ConnectionRow(
        when=iso(first.timestamp),
        when_ago=ago(first.timestamp, now) if first.timestamp else "unknown",
        computer_id=first.device_id,
        computer_name=name or clean(first.computer_host_name) or "unknown",
        who=clean_email(peer.email) if peer and peer.email else None,
        from_ip=(clean(peer.ip_address, 64) or None) if peer else None,
        app=clean(source, 40) or None,
        outcome=_outcome(kinds, start_seen),
        ended_at=iso(ended),
        duration=_duration(lasted) if lasted is not None and start_seen else None,
        start_seen=start_seen,
    )


def _event_time(event: DeviceEvent) -> datetime:
    return event.timestamp or datetime.min.replace(tzinfo=UTC)


def _last_of(events: list[DeviceEvent], kind: str) -> DeviceEvent | None:
    return next((event for event in reversed(events) if event.kind == kind), None)


def _outcome(kinds: set[str], start_seen: bool) -> str:
    if "auth_succeeded" in kinds:
        return "connected"
    if "auth_failed" in kinds:
        return "authentication failed"
    if "connection_closed" in kinds:
        return "closed before sign-in" if start_seen else "ended, start not read"
    return "requested only"


def _duration(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _summary(history: ConnectionHistory) -> str:
    about = f" to {history.device.name}" if history.device else ""
    about += f" by {history.user_email}" if history.user_email else ""
    period = f"since {history.since}"
    if history.until:
        period = f"from {history.since} to {history.until}"

    counts = Counter(row.outcome for row in history.connections)
    outcomes = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
    plural = "" if history.returned == 1 else "s"
    text = f"{history.returned} connection{plural}{about} {period}, newest first"
    text += f": {outcomes}." if outcomes else "."

    if history.stopped_early:
        text += (
            " Each call reads a bounded stretch of history (at most "
            f"{REQUEST_BUDGET} API requests) and this one ended before the page "
            "filled; call again with next_cursor to search further back."
        )
    elif history.more:
        text += " More connections match: call again with next_cursor."
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        get_connection_history,
        name=TOOL,
        title="Get connection history",
        annotations=READ_ONLY,
    )
