"""A believable week of Northwind Studio's history, counted back from one anchor.

Render nodes work through the night for the render service account, people
connect to their office machines in the day, and a few sign-ins fail: a
disabled user, a stranger trying the reception PC, a mistyped password.
Connections that would have closed after their computer went offline, or
that fall outside the week, are dropped, so the history never contradicts
the computers' last-seen times.
"""

import random
import time
from collections.abc import Iterator

from .history import connection_events
from .ids import make_id
from .world import DAY, HOUR, ActivityEvent, Device, DeviceEvent, Peer, Team

WEEK = 7 * DAY
_SEED = 20240607

APP = "JumpDesktop"
WEB = "JumpDesktopWeb"

_RENDER_FARM_CONTROLLER = "198.51.100.20"
_RENDER_NODES = tuple(f"render-0{n}" for n in range(1, 7))

# Who works on which computer in the day, and from where.
_DAY_WORK: tuple[tuple[str, str, str], ...] = (
    ("morgan.member@northwind.example", "Lab-Mac.local", "192.0.2.21"),
    ("morgan.member@northwind.example", "LDN-WS-01", "192.0.2.21"),
    ("Li.Wei@Northwind.example", "LIWEI-WS", "192.0.2.34"),
    ("hannah.schmidt@northwind.example", "Studio-Mac-Pro.local", "203.0.113.51"),
    ("hannah.schmidt@northwind.example", "Design-iMac-01.local", "203.0.113.51"),
    ("tomas.alvarez@northwind.example", "Edit-Bay-1.local", "192.0.2.46"),
    ("isabella.rossi@northwind.example", "Grading-Suite.local", "203.0.113.52"),
    ("grace.oneill@northwind.example", "RECEPTION-PC", "203.0.113.53"),
    ("emma.clarke@northwind.example", "RECEPTION-PC", "192.0.2.80"),
    ("oliver.grant@northwind.example", "LDN-WS-02", "192.0.2.88"),
    ("fatima.rahman@northwind.example", "LDN-WS-01", "192.0.2.90"),
    ("ZOE.TURNER@northwind.example", "Edit-Bay-2.local", "192.0.2.92"),
    ("avery.admin@northwind.example", "Averys-MacBook-Pro.local", "203.0.113.50"),
    ("jordan.blake@northwind.example", "console", "203.0.113.54"),
    ("maya.cohen@northwind.example", "Sound-Booth.local", "192.0.2.95"),
)

# seconds before the anchor, type, actor, detail
_ACTIVITY: tuple[tuple[int, str, str, str], ...] = (
    (
        6 * DAY + 14 * HOUR,
        "user.signed_in",
        "avery.admin@northwind.example",
        "Signed in to the dashboard",
    ),
    (
        6 * DAY + 9 * HOUR,
        "device.added",
        "jordan.blake@northwind.example",
        "Added computer render-06 with the Render Farm (no screen sharing) installer",
    ),
    (
        6 * DAY + 9 * HOUR - 60,
        "group.devices.added",
        "jordan.blake@northwind.example",
        "Added render-06 to the access group Render Farm",
    ),
    (
        5 * DAY + 3 * HOUR,
        "group.users.added",
        "avery.admin@northwind.example",
        "Added Chloé Martin to the access group Design",
    ),
    (
        3 * DAY + 6 * HOUR,
        "user.remote_access.disabled",
        "Priya.Natarajan@northwind.example",
        "Turned off remote access for Ravi Shah",
    ),
    (
        3 * DAY + 2 * HOUR,
        "device.access.granted",
        "avery.admin@northwind.example",
        "Gave Morgan Lee direct access to Lab Mac",
    ),
    (
        2 * DAY + 5 * HOUR,
        "device.access.revoked",
        "sam.okafor@northwind.example",
        "Took Kenji Watanabe's direct access to render-03 away",
    ),
    (
        DAY + 12 * HOUR,
        "security.updated",
        "sam.okafor@northwind.example",
        "Required two-factor authentication for every member",
    ),
    (
        9 * HOUR,
        "user.signed_in",
        "jordan.blake@northwind.example",
        "Signed in to the dashboard",
    ),
    (
        2 * HOUR,
        "user.signed_in",
        "avery.admin@northwind.example",
        "Signed in to the dashboard",
    ),
)


def seeded_device_events(team: Team, created_at: float) -> list[DeviceEvent]:
    """Return a week of connection history, oldest first."""
    rng = random.Random(_SEED)
    by_host = {d.os_info.hostname: d for d in team.devices.values() if d.os_info}
    midnight = created_at - created_at % DAY

    connections: list[list[DeviceEvent]] = []
    for days_back in range(8):
        day = midnight - days_back * DAY
        connections += _render_night(by_host, rng, day)
        connections += _office_day(by_host, rng, day)
    connections += _failed_sign_ins(by_host, midnight)

    events = [
        event
        for connection in connections
        if _fits(connection, by_host, created_at)
        for event in connection
    ]
    events.sort(key=lambda event: event.timestamp)  # stable: steps keep order

    return events


def seeded_activity(team: Team, created_at: float) -> list[ActivityEvent]:
    """Return the team's activity log, oldest first, invites included."""
    anchor = int(created_at)
    events = [
        ActivityEvent(anchor - ago, kind, actor, detail)
        for ago, kind, actor, detail in _ACTIVITY
    ]

    events += [
        ActivityEvent(
            invite.created_at // 1000,
            "user.invited",
            invite.invited_by,
            f"Invited {invite.email}",
        )
        for invite in team.user_invites
    ]
    events += [
        ActivityEvent(
            invite.created_at // 1000,
            "device_invite.created",
            "avery.admin@northwind.example",
            f"Created a Connect installer link for {invite.name}",
        )
        for invite in team.device_invites
    ]

    return sorted(events, key=lambda event: event.timestamp)


def peer(email: str, ip_address: str, source_type: str = APP) -> Peer:
    """Return the app of one person, always with the same peer id."""
    return Peer(
        email, ip_address, make_id("P", f"peer/{email}/{source_type}"), source_type
    )


def _render_night(
    by_host: dict[str, Device], rng: random.Random, day: float
) -> Iterator[list[DeviceEvent]]:
    service = peer("render.service@northwind.example", _RENDER_FARM_CONTROLLER)

    for host in _RENDER_NODES:
        for _ in range(rng.randint(1, 2)):
            start = day + rng.randint(HOUR, 4 * HOUR)
            duration = rng.randint(20 * 60, 150 * 60)
            yield connection_events(by_host[host], service, int(start), duration)

    if rng.random() < 0.5:
        lucas = peer("lucas.silva@northwind.example", "192.0.2.71", WEB)
        start = day - HOUR + rng.randint(0, 1800)
        node = by_host[rng.choice(_RENDER_NODES)]
        yield connection_events(node, lucas, int(start), rng.randint(300, 900))


def _office_day(
    by_host: dict[str, Device], rng: random.Random, day: float
) -> Iterator[list[DeviceEvent]]:
    weekday = time.gmtime(day).tm_wday
    sessions = rng.randint(4, 6) if weekday < 5 else rng.randint(0, 1)

    for email, host, ip_address in rng.sample(_DAY_WORK, sessions):
        start = day + rng.randint(9 * HOUR, 17 * HOUR)
        duration = rng.randint(10 * 60, 120 * 60)
        source = WEB if rng.random() < 0.2 else APP
        person = peer(email, ip_address, source)
        yield connection_events(by_host[host], person, int(start), duration)


def _failed_sign_ins(
    by_host: dict[str, Device], midnight: float
) -> Iterator[list[DeviceEvent]]:
    kenji = peer("kenji.watanabe@northwind.example", "192.0.2.66")
    stranger = peer("visitor@example.com", "192.0.2.250", WEB)
    li_wei = peer("Li.Wei@Northwind.example", "192.0.2.34")
    grace = peer("grace.oneill@northwind.example", "203.0.113.53")

    attempts = (
        (kenji, "render-03", 2 * DAY - 2 * HOUR),
        (kenji, "render-03", 4 * DAY - 2 * HOUR),
        (stranger, "RECEPTION-PC", DAY - 3 * HOUR),
        (stranger, "RECEPTION-PC", DAY - 3 * HOUR + 40),
        (stranger, "RECEPTION-PC", DAY - 3 * HOUR + 95),
        (li_wei, "LIWEI-WS", 3 * DAY - 9 * HOUR),
        (grace, "KIOSK-01", 5 * DAY - 10 * HOUR),
    )
    for person, host, before_midnight in attempts:
        start = int(midnight - before_midnight)
        yield connection_events(by_host[host], person, start, 0, succeeded=False)

    # Li Wei got the password right on the second try.
    retry = int(midnight - 3 * DAY + 9 * HOUR + 120)
    yield connection_events(by_host["LIWEI-WS"], li_wei, retry, 95 * 60)


def _fits(
    connection: list[DeviceEvent], by_host: dict[str, Device], created_at: float
) -> bool:
    device = by_host[connection[0].host_name]
    closed_at = connection[-1].timestamp

    if connection[0].timestamp < created_at - WEEK or closed_at >= created_at:
        return False
    if device.online or device.last_online_at is None:
        return True

    return closed_at * 1000 <= device.last_online_at
