"""Computers: find, list and describe them, get their links; how a name picks one."""

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import Device
from tools.paging import DEFAULT_LIMIT, CursorArg, LimitArg, Slice, page_of
from tools.reach import Reach, Route
from tools.runtime import (
    READ_ONLY,
    NotFoundError,
    TeamArg,
    resolve_team,
    runtime,
    upstream,
)
from tools.team import TeamView, is_online, load_team_view
from tools.text import ago, clean, clean_email, iso
from tools.times import parse_duration

CANDIDATE_CAP = 10
HIDDEN = (
    "The token is a member's, which sees only the computers that member may "
    "reach; an admin's token sees every computer of the team."
)
REACHER_CAP = 100

DeviceArg = Annotated[
    str,
    Field(
        description="A computer's id (D-…) or its name as shown in Jump Desktop.",
        min_length=1,
        max_length=300,
    ),
]


class Match(IntEnum):
    """How well a computer matches what was asked; lower is better."""

    ID = 0
    EXACT = 1
    ANY_CASE = 2
    PARTIAL = 3
    HOSTNAME = 4


@dataclass(frozen=True)
class Candidate:
    device: Device
    match: Match


def rank(devices: list[Device], query: str) -> list[Candidate]:
    """Computers matching `query`: by id, exact name, any case, part of a name.

    Names are compared as shown (invisible characters removed), so a name
    that hides characters can still be found by what it reads as.
    """
    wanted = " ".join(query.split())
    folded = wanted.casefold()
    found = []
    # A computer listed without an id cannot be named in a later call or
    # asked for its links, so it is never offered.
    for device in filter(lambda device: device.id, devices):
        match = _match(device, wanted, folded)
        if match is not None:
            found.append(Candidate(device, match))

    return sorted(found, key=lambda c: (c.match, _staleness(c.device), _name(c.device)))


def _match(device: Device, wanted: str, folded: str) -> Match | None:
    name = clean(device.name, 1000)
    if device.id == wanted:
        return Match.ID
    if name == wanted:
        return Match.EXACT
    if name.casefold() == folded:
        return Match.ANY_CASE
    if folded in name.casefold():
        return Match.PARTIAL
    if folded in (device.hostname or "").casefold():
        return Match.HOSTNAME
    return None


def _staleness(device: Device) -> float:
    seen = device.last_online_at
    return -seen.timestamp() if seen else float("inf")


def _name(device: Device) -> str:
    return clean(device.name).casefold()


def device_query(device: str) -> str:
    """A `device` argument without its spaces; a blank one is a tool error."""
    query = device.strip()
    if not query:
        raise ToolError("device is blank; pass a computer's id or name")
    return query


def pick_device(devices: list[Device], query: str, *, limited: bool = False) -> Device:
    """The one computer `query` names, by id, exact name or any-case name.

    Several computers with that name, or none, is a tool error that lists
    the candidates: a guess could hand out the wrong computer. `limited`
    says `devices` are only those a member's token may see.
    """
    ranked = rank(devices, query)
    best = [c.device for c in ranked if c.match == ranked[0].match] if ranked else []
    if ranked and ranked[0].match <= Match.ANY_CASE and len(best) == 1:
        return best[0]

    if ranked and ranked[0].match <= Match.ANY_CASE:
        raise ToolError(
            f"{len(best)} computers are named {clean(query)!r}: "
            f"{describe_candidates(best)}. Call again with the id."
        )
    raise NotFoundError(not_found(devices, query, ranked, limited=limited))


def not_found(
    devices: list[Device],
    query: str,
    ranked: list[Candidate],
    *,
    limited: bool = False,
) -> str:
    partial = [c.device for c in ranked]
    if partial:
        return (
            f"no computer is named exactly {clean(query)!r}; names containing it: "
            f"{describe_candidates(partial)}. Call again with the id or full name."
        )

    if limited:
        return f"no computer this token can see is named {clean(query)!r}. {HIDDEN}"

    names = {_name(device): device for device in devices if device.name}
    close = difflib.get_close_matches(query.casefold(), names, n=5, cutoff=0.5)
    hint = (
        f" Closest names: {describe_candidates([names[key] for key in close])}."
        if close
        else " Call find_device with part of the name to search."
    )
    return f"no computer in this team is named {clean(query)!r}.{hint}"


def describe_candidates(devices: list[Device]) -> str:
    now = datetime.now(UTC)
    shown = [
        f"{device.id} {clean(device.name)!r} ({device.platform or 'unknown platform'}, "
        f"{'online' if is_online(device, now) else ago(device.last_online_at, now)})"
        for device in devices[:CANDIDATE_CAP]
    ]
    if len(devices) > CANDIDATE_CAP:
        shown.append(f"and {len(devices) - CANDIDATE_CAP} more")
    return "; ".join(shown)


class DeviceMatch(BaseModel):
    id: str
    name: str
    match: str = Field(description="id, exact, any_case, partial or hostname.")
    platform: str | None
    version: str | None
    hostname: str | None
    online: bool = Field(description="Seen in the last 5 minutes.")
    last_seen: str | None = Field(description="ISO 8601 UTC; null if never seen.")
    last_seen_ago: str
    reachable_by_count: int = Field(description="Users who can connect to it.")
    reachable_by: list[str] = Field(description="Their emails, possibly cut short.")


class DeviceSearch(BaseModel):
    query: str
    total: int = Field(description="How many computers match in all.")
    returned: int
    more: bool = Field(description="True when matches beyond `limit` were left out.")
    matches: list[DeviceMatch]


async def find_device(
    ctx: Context,
    name: Annotated[
        str,
        Field(
            description="Name, part of a name, host name or id of a computer.",
            min_length=1,
            max_length=300,
        ),
    ],
    limit: Annotated[
        int, Field(description="Most matches to return (1-100).", ge=1, le=100)
    ] = 25,
    team: TeamArg = None,
) -> DeviceSearch:
    """Find computers by name: exact first, then any case, then part of a name."""
    query = name.strip()
    if not query:
        raise ToolError("name is blank; pass part of a computer's name")
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id, needs=("devices",))
    ranked = rank(view.devices, query)
    if not ranked:
        raise NotFoundError(
            not_found(view.devices, query, ranked, limited=view.limited)
        )

    page = ranked[:limit]
    reach = view.reach()
    # Keep the whole answer small however many users each computer has.
    emails_each = max(3, min(25, 250 // len(page)))
    return DeviceSearch(
        query=clean(query),
        total=len(ranked),
        returned=len(page),
        more=len(ranked) > len(page),
        matches=[_device_match(c, reach, emails_each) for c in page],
    )


def _device_match(candidate: Candidate, reach: Reach, emails_each: int) -> DeviceMatch:
    device, now = candidate.device, datetime.now(UTC)
    routes = reach.routes_to(device)
    users = [reach.users.get(user_id) for user_id in routes]
    emails = sorted(clean_email(user.email) for user in users if user and user.email)

    return DeviceMatch(
        id=device.id or "",
        name=clean(device.name),
        match=candidate.match.name.lower(),
        platform=clean(device.platform) or None,
        version=clean(device.version) or None,
        hostname=clean(device.hostname) or None,
        online=is_online(device, now),
        last_seen=iso(device.last_online_at),
        last_seen_ago=ago(device.last_online_at, now),
        reachable_by_count=len(routes),
        reachable_by=emails[:emails_each],
    )


class ConnectLink(BaseModel):
    url: str | None
    use: str


class ConnectUrls(BaseModel):
    device_id: str
    device_name: str
    platform: str | None
    online: bool
    last_seen_ago: str
    connect: ConnectLink
    dashboard: ConnectLink
    ask_screen_share: ConnectLink


async def get_connect_url(
    ctx: Context, device: DeviceArg, team: TeamArg = None
) -> ConnectUrls:
    """Get the links that connect to a computer, show it, or ask its user to share."""
    query = device_query(device)
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    async with upstream():
        chosen = pick_device(await rt.client.list_devices(team_id), query)
        urls = await rt.client.get_device_urls(team_id, chosen.id or "")

    now = datetime.now(UTC)
    return ConnectUrls(
        device_id=chosen.id or "",
        device_name=clean(chosen.name),
        platform=clean(chosen.platform) or None,
        online=is_online(chosen, now),
        last_seen_ago=ago(chosen.last_online_at, now),
        connect=ConnectLink(
            url=urls.connect,
            use="Opens Jump Desktop and connects to this computer.",
        ),
        dashboard=ConnectLink(
            url=urls.dashboard,
            use="Shows this computer in the Jump Desktop web dashboard.",
        ),
        ask_screen_share=ConnectLink(
            url=urls.ask_screen_share,
            use="Asks the person at this computer to share their screen.",
        ),
    )


# Listing -----------------------------------------------------------------

Platform = Literal["windows", "macos", "linux"]
PlatformArg = Annotated[
    Platform | None,
    Field(
        description=(
            'Only computers on this platform: "windows", "macos" or "linux"; '
            "omit for all."
        )
    ),
]
SeenWithinArg = Annotated[
    str | None,
    Field(
        description=(
            "Only computers seen within this span: a number and a unit m, h, d "
            'or w ("1h" ≈ online now, "7d" = seen this week).'
        ),
        max_length=20,
    ),
]
NotSeenForArg = Annotated[
    str | None,
    Field(
        description=(
            "Only computers not seen for longer than this span, never-seen ones "
            'included: a number and a unit m, h, d or w ("7d" = offline over a '
            "week)."
        ),
        max_length=20,
    ),
]

# How Jump Desktop Connect may spell each platform, by the start of the
# lower-cased name with spaces removed ("Mac OS X" -> "macosx").
_PLATFORM_PREFIXES: dict[Platform, tuple[str, ...]] = {
    "windows": ("windows", "win32", "win64"),
    "macos": ("macos", "macosx", "osx", "darwin"),
    "linux": ("linux", "ubuntu", "debian", "fedora", "centos", "rhel", "redhat"),
}
_PLATFORM_NAMES: dict[Platform, str] = {
    "windows": "Windows",
    "macos": "macOS",
    "linux": "Linux",
}


def platform_family(platform: str | None) -> Platform | None:
    """The family of a platform as Connect reports it; None when it is unknown."""
    squeezed = "".join(clean(platform).casefold().split())
    for family, prefixes in _PLATFORM_PREFIXES.items():
        if squeezed.startswith(prefixes):
            return family
    return None


@dataclass(frozen=True)
class DeviceFilter:
    """Which computers `list_devices` keeps."""

    platform: Platform | None = None
    seen_within: timedelta | None = None
    not_seen_for: timedelta | None = None

    def keeps(self, device: Device, now: datetime) -> bool:
        if self.platform and platform_family(device.platform) != self.platform:
            return False

        # A computer never seen was seen within no span, and not for any.
        seen = device.last_online_at
        since = None if seen is None else now - seen
        if self.seen_within and (since is None or since > self.seen_within):
            return False
        return not self.not_seen_for or since is None or since > self.not_seen_for

    def key(self) -> list[object]:
        """What identifies the filter in a cursor."""
        spans = (self.seen_within, self.not_seen_for)
        return [self.platform, *(span and span.total_seconds() for span in spans)]


class DeviceRow(BaseModel):
    id: str
    name: str
    platform: str | None
    version: str | None
    hostname: str | None
    online: bool = Field(description="Seen in the last 5 minutes.")
    last_seen: str | None = Field(description="ISO 8601 UTC; null if never seen.")
    last_seen_ago: str
    reachable_by_count: int = Field(description="Users who can connect to it.")


class DevicePage(BaseModel):
    total: int = Field(description="How many computers match, over every page.")
    returned: int
    more: bool = Field(description="True when `next_cursor` leads to more.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    computers: list[DeviceRow]
    limited_view: bool = Field(description="True when the token is not an admin's.")
    summary: str


async def list_devices(
    ctx: Context,
    platform: PlatformArg = None,
    seen_within: SeenWithinArg = None,
    not_seen_for: NotSeenForArg = None,
    limit: LimitArg = DEFAULT_LIMIT,
    cursor: CursorArg = None,
    team: TeamArg = None,
) -> DevicePage:
    """List the team's computers by name, filtered by platform or when last seen."""
    wanted = DeviceFilter(
        platform,
        parse_duration(seen_within, "seen_within") if seen_within else None,
        parse_duration(not_seen_for, "not_seen_for") if not_seen_for else None,
    )
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id, needs=("devices",))
    now = datetime.now(UTC)
    chosen = [device for device in view.devices if wanted.keeps(device, now)]
    chosen.sort(key=lambda device: (_name(device), device.id or ""))
    query = ["list_devices", team_id, *wanted.key()]
    page = page_of(chosen, limit, cursor, rt.signer, query)

    reach = view.reach()
    return DevicePage(
        total=page.total,
        returned=len(page.items),
        more=page.more,
        next_cursor=page.next_cursor,
        computers=[_device_row(device, reach, now) for device in page.items],
        limited_view=view.limited,
        summary=_page_summary(page, wanted, (seen_within, not_seen_for), view),
    )


def _device_row(device: Device, reach: Reach, now: datetime) -> DeviceRow:
    return DeviceRow(
        id=device.id or "",
        name=clean(device.name),
        platform=clean(device.platform) or None,
        version=clean(device.version) or None,
        hostname=clean(device.hostname) or None,
        online=is_online(device, now),
        last_seen=iso(device.last_online_at),
        last_seen_ago=ago(device.last_online_at, now),
        reachable_by_count=len(reach.routes_to(device)),
    )


def _page_summary(
    page: Slice[Device],
    wanted: DeviceFilter,
    spans: tuple[str | None, str | None],
    view: TeamView,
) -> str:
    kind = f"{_PLATFORM_NAMES[wanted.platform]} " if wanted.platform else ""
    text = f"{page.total} {kind}computer{'' if page.total == 1 else 's'}"
    # Both spans passed parse_duration, so they hold only a number and a unit.
    seen_within, not_seen_for = ("".join((span or "").split()) for span in spans)
    if seen_within:
        text += f" seen within {seen_within}"
    if not_seen_for:
        text += f"{' and' if seen_within else ''} not seen for over {not_seen_for}"
    text += f"; {len(page.items)} shown here, sorted by name."
    if page.more:
        text += " Call again with next_cursor for the next page."

    unknown = 0
    if wanted.platform:
        unknown = sum(platform_family(d.platform) is None for d in view.devices)
    if unknown:
        text += (
            f" {unknown} of the team's computers "
            f"{'reports' if unknown == 1 else 'report'} no known platform (never "
            "seen, or unrecognised), so no platform filter matches them."
        )
    if view.limited:
        text += (
            " This token is not an admin's, so the view is limited to the "
            "computers it may see, and reachable_by_count covers only the access "
            "groups it may see."
        )
    return text


# One computer ------------------------------------------------------------


class GroupRef(BaseModel):
    id: str
    name: str


class Reacher(BaseModel):
    id: str
    name: str
    email: str
    role: str | None = Field(description='"admin" or "user"; null if not visible.')
    remote_access: str | None = Field(
        description='"enabled", or "disabled": listed, but cannot connect.'
    )
    via: str = Field(description='"direct", or the access groups that grant it.')


class DeviceDetail(BaseModel):
    id: str
    name: str
    platform: str | None
    version: str | None
    hostname: str | None
    public_ip: str | None
    online: bool = Field(description="Seen in the last 5 minutes.")
    last_seen: str | None = Field(description="ISO 8601 UTC; null if never seen.")
    last_seen_ago: str
    access_groups: list[GroupRef] = Field(description="Access groups holding it.")
    reachable_by_count: int = Field(description="Users who can connect to it.")
    reachable_by: list[Reacher] = Field(description="Those users by name, capped.")
    more_reachable_by: bool = Field(description="True when the list was cut short.")
    disabled_count: int = Field(
        description="Of those users, how many have remote access disabled."
    )
    limited_view: bool = Field(description="True when the token is not an admin's.")
    summary: str


async def get_device(
    ctx: Context, device: DeviceArg, team: TeamArg = None
) -> DeviceDetail:
    """Describe one computer: platform, last seen, access groups, who can reach it."""
    query = device_query(device)
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id, needs=("devices",))
    chosen = pick_device(view.devices, query, limited=view.limited)
    return _device_detail(chosen, view, datetime.now(UTC))


def _device_detail(device: Device, view: TeamView, now: datetime) -> DeviceDetail:
    reach = view.reach()
    reachers = sorted(
        (
            _reacher(user_id, route, reach)
            for user_id, route in reach.routes_to(device).items()
        ),
        key=lambda reacher: (reacher.name.casefold(), reacher.id),
    )
    disabled = [r for r in reachers if (r.remote_access or "").casefold() == "disabled"]

    return DeviceDetail(
        id=device.id or "",
        name=clean(device.name),
        platform=clean(device.platform) or None,
        version=clean(device.version) or None,
        hostname=clean(device.hostname) or None,
        public_ip=clean(device.public_ip) or None,
        online=is_online(device, now),
        last_seen=iso(device.last_online_at),
        last_seen_ago=ago(device.last_online_at, now),
        access_groups=[
            GroupRef(id=group.id or "", name=clean(group.name))
            for group in reach.groups_of(device)
        ],
        reachable_by_count=len(reachers),
        reachable_by=reachers[:REACHER_CAP],
        more_reachable_by=len(reachers) > REACHER_CAP,
        disabled_count=len(disabled),
        limited_view=view.limited,
        summary=_detail_summary(device, reachers, disabled, view, now),
    )


def _reacher(user_id: str, route: Route, reach: Reach) -> Reacher:
    # Group names come from the API: the route's wording is cleaned like them.
    via = clean(route.describe(), 1000)
    user = reach.users.get(user_id)
    if user is None:
        # Named by the computer or a group, but not in the member list.
        return Reacher(
            id=user_id,
            name="unknown member",
            email="",
            role=None,
            remote_access=None,
            via=via,
        )

    return Reacher(
        id=user_id,
        name=clean(user.name),
        email=clean_email(user.email),
        role=clean(user.role, 20) or None,
        remote_access=clean(user.remote_access, 20) or None,
        via=via,
    )


def _detail_summary(
    device: Device,
    reachers: list[Reacher],
    disabled: list[Reacher],
    view: TeamView,
    now: datetime,
) -> str:
    name = clean(device.name) or device.id or "This computer"
    if is_online(device, now):
        state = "is online now"
    elif device.last_online_at is None:
        state = "has never been seen online"
    else:
        state = f"is offline, last seen {ago(device.last_online_at, now)}"
    count = len(reachers)
    text = f"{name} {state}; {count} user{'' if count == 1 else 's'} can reach it."

    if disabled:
        names = ", ".join(r.name for r in disabled[:CANDIDATE_CAP])
        more = (
            f" and {len(disabled) - CANDIDATE_CAP} more"
            if len(disabled) > CANDIDATE_CAP
            else ""
        )
        text += (
            f" {len(disabled)} of them {'has' if len(disabled) == 1 else 'have'} "
            "remote access disabled and cannot connect although listed: "
            f"{names}{more}."
        )
    if view.limited:
        text += (
            " This token is not an admin's, so the view is limited: people who "
            "reach it through access groups this token cannot see are missing."
        )
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        find_device, name="find_device", title="Find computer", annotations=READ_ONLY
    )
    server.add_tool(
        get_connect_url,
        name="get_connect_url",
        title="Get connect URL",
        annotations=READ_ONLY,
    )
    server.add_tool(
        list_devices, name="list_devices", title="List computers", annotations=READ_ONLY
    )
    server.add_tool(
        get_device, name="get_device", title="Get computer", annotations=READ_ONLY
    )
