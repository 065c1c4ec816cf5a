"""Computers: `find_device` and `get_connect_url`, and how a name picks a computer."""

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import Device
from tools.reach import Reach
from tools.runtime import READ_ONLY, TeamArg, resolve_team, runtime, upstream
from tools.team import is_online, load_team_view
from tools.text import ago, clean, clean_email, iso

CANDIDATE_CAP = 10

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
    for device in devices:
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


def pick_device(devices: list[Device], query: str) -> Device:
    """The one computer `query` names, by id, exact name or any-case name.

    Several computers with that name, or none, is a tool error that lists
    the candidates: a guess could hand out the wrong computer.
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
    raise ToolError(not_found(devices, query, ranked))


def not_found(devices: list[Device], query: str, ranked: list[Candidate]) -> str:
    partial = [c.device for c in ranked]
    if partial:
        return (
            f"no computer is named exactly {clean(query)!r}; names containing it: "
            f"{describe_candidates(partial)}. Call again with the id or full name."
        )

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

    view = await load_team_view(rt, team_id)
    ranked = rank(view.devices, query)
    if not ranked:
        raise ToolError(not_found(view.devices, query, ranked))

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
    query = device.strip()
    if not query:
        raise ToolError("device is blank; pass a computer's id or name")
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
