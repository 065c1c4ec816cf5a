"""Teams of any size, for tests that need thousands of users or computers.

The team uses the demo team id and the demo tokens, so code that works
against the seeded world works here too. Building stays cheap (no work per
computer beyond creating it) so that 50,000 computers take well under a
second or two.
"""

import random
import time

from . import links
from .history import connection_events
from .ids import make_id
from .seed import (
    ADMIN_EMAIL,
    MEMBER_EMAIL,
    TEAM_ID,
    demo_tokens,
    harbor_team,
    user_id,
)
from .seed_history import peer
from .world import DAY, Device, DeviceEvent, Group, OsInfo, Team, User, World

_FIRST_NAMES = ("Alex", "Bea", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ivo")
_LAST_NAMES = ("Abbott", "Baker", "Cruz", "Dietz", "Evans", "Fong", "Gray", "Holm")
_GROUP_PLACES = ("London", "Berlin", "Lagos", "Osaka", "Lima", "Oslo", "Pune")
_PLATFORMS = (
    ("Windows", "10.0.22631", "WS"),
    ("macOS", "14.5", "Mac"),
    ("Linux", "Ubuntu 24.04", "node"),
)
_MAX_CONNECTIONS = 250


def generated_world(
    users: int,
    devices: int,
    groups: int = 10,
    seed: int = 0,
    *,
    now: float | None = None,
) -> World:
    """Build a world whose main team has the given numbers of users, computers
    and access groups, plus the seeded world's small second team.

    ``users`` counts the demo admin and member, so it must be at least 2.
    The same arguments build the same team, apart from the time anchor
    ``now`` (Unix seconds, default the current time).
    """
    if users < 2 or devices < 0 or groups < 0:
        raise ValueError(
            f"generated_world needs users >= 2 (the demo admin and member) and "
            f"non-negative devices and groups, got {users}, {devices}, {groups}"
        )

    rng = random.Random(seed)
    created_at = time.time() if now is None else now
    team = Team(id=TEAM_ID, name="Generated Team", avatar_url=links.avatar_url(TEAM_ID))

    _add_users(team, rng, users)
    _add_groups(team, rng, groups)
    _add_devices(team, rng, devices, created_at)
    team.device_events = _history(team, rng, created_at)
    team.billing = {"plan": "Enterprise", "seats": users}
    team.saml = {"enabled": False}

    second = harbor_team(created_at)
    return World(
        teams={team.id: team, second.id: second},
        tokens=demo_tokens(),
        created_at=created_at,
    )


def _add_users(team: Team, rng: random.Random, count: int) -> None:
    team.add_user(User(user_id("avery"), ADMIN_EMAIL, "Avery", "Adams", "admin"))
    team.add_user(User(user_id("morgan"), MEMBER_EMAIL, "Morgan", "Lee"))

    for n in range(count - 2):
        team.add_user(
            User(
                make_id("U", f"generated/user/{n}"),
                f"user{n:05d}@generated.example",
                rng.choice(_FIRST_NAMES),
                rng.choice(_LAST_NAMES),
                "admin" if n % 25 == 0 else "user",
                "disabled" if n % 15 == 0 else "enabled",
            )
        )


def _add_groups(team: Team, rng: random.Random, count: int) -> None:
    for n in range(count):
        place = _GROUP_PLACES[n % len(_GROUP_PLACES)]
        team.add_group(Group(make_id("G", f"generated/group/{n}"), f"{place} {n:02d}"))

    if not team.groups:
        return

    group_list = list(team.groups.values())
    for position, user in enumerate(team.users.values()):
        # The demo member always lands in the first group, so it reaches
        # something; everyone else joins one group at random.
        group = group_list[0] if position == 1 else rng.choice(group_list)
        if not user.is_admin:
            group.users.append(user.id)


def _add_devices(team: Team, rng: random.Random, count: int, created_at: float) -> None:
    group_list = list(team.groups.values())
    user_ids = list(team.users)

    for n in range(count):
        platform, version, prefix = _PLATFORMS[n % len(_PLATFORMS)]
        device = Device(make_id("D", f"generated/device/{n}"), f"{prefix}-{n:05d}")
        seen = rng.random()

        if seen < 0.9:
            host = f"{prefix.lower()}-{n:05d}"
            address = f"198.51.100.{n % 250 + 1}"
            device.os_info = OsInfo(host, platform, version, address)
            device.online = seen < 0.55
        if 0.55 <= seen < 0.9:
            ago = rng.uniform(600, 60 * DAY)
            device.last_online_at = int((created_at - ago) * 1000)

        if group_list and rng.random() < 0.8:
            group = rng.choice(group_list)
            device.groups.append(group.id)
            group.devices.append(device.id)
        if rng.random() < 0.1:
            device.users.append(rng.choice(user_ids))

        team.add_device(device)


def _history(team: Team, rng: random.Random, created_at: float) -> list[DeviceEvent]:
    online = [device for device in team.devices.values() if device.online]
    people = [user for user in team.users.values() if user.remote_access == "enabled"]
    if not online or not people:
        return []

    events: list[DeviceEvent] = []
    for _ in range(min(_MAX_CONNECTIONS, len(online))):
        device = rng.choice(online)
        person = rng.choice(people)
        start = int(created_at - rng.uniform(DAY / 24, 7 * DAY))
        address = f"192.0.2.{rng.randint(1, 254)}"
        duration = rng.randint(60, 3 * 3600)

        connection = connection_events(
            device, peer(person.email, address), start, duration
        )
        if connection[-1].timestamp < created_at:
            events += connection

    events.sort(key=lambda event: event.timestamp)
    return events
