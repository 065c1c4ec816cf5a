"""The sandbox's world: teams, their members, computers and access groups.

Everything lives in memory and changes as the sandbox serves writes. Times
are Unix numbers: event timestamps in seconds, ``last_online_at`` and
``created_at`` of invites in milliseconds, as the API itself mixes them.
"""

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["admin", "user"]
RemoteAccess = Literal["enabled", "disabled"]
EventKind = Literal[
    "incomingConnectionRequest",
    "incomingConnectionEvent",
    "authSucceededEvent",
    "authFailedEvent",
    "connectionClosedEvent",
]

HOUR = 3600
DAY = 24 * HOUR

# An online computer reports in once a minute, each at its own moment of the
# minute, so its last-seen time stays put between reports.
HEARTBEAT_SECONDS = 60


@dataclass(slots=True)
class User:
    """A member of a team. ``role`` and ``remote_access`` are per team."""

    id: str
    email: str
    first_name: str
    last_name: str
    role: Role = "user"
    remote_access: RemoteAccess = "enabled"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(slots=True, frozen=True)
class OsInfo:
    """What Jump Desktop Connect reports about the computer it runs on."""

    hostname: str
    platform: str
    version: str
    public_ip: str


@dataclass(slots=True)
class Device:
    """A computer running Jump Desktop Connect, and who may reach it.

    ``online`` computers always read as seen moments before the request;
    otherwise ``last_online_at`` (epoch milliseconds) is when it was last
    seen, or None for a computer that never came online (then ``os_info``
    is None too). ``users`` holds direct access, ``groups`` the access
    groups holding the computer; the group's ``devices`` mirrors the latter.
    """

    id: str
    name: str
    os_info: OsInfo | None = None
    online: bool = False
    last_online_at: int | None = None
    users: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def last_seen_ms(self, now: float) -> int | None:
        """Return when the computer was last seen, in epoch ms, as of ``now``."""
        if not self.online:
            return self.last_online_at

        phase = zlib.crc32(self.id.encode()) % HEARTBEAT_SECONDS
        last_report = now - (now - phase) % HEARTBEAT_SECONDS

        return int(last_report) * 1000


@dataclass(slots=True)
class Group:
    """An access group: every user in it may reach every computer in it."""

    id: str
    name: str
    users: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class DeviceConfig:
    """A Connect Settings profile and the token of its Connect installers."""

    id: str
    name: str
    download_token: str


@dataclass(slots=True, frozen=True)
class UserInvite:
    """A pending invitation to join the team. ``created_at`` is epoch ms."""

    id: str
    email: str
    created_at: int
    groups: tuple[str, ...] = ()
    invited_by: str = ""


@dataclass(slots=True, frozen=True)
class DeviceInvite:
    """A pending Connect installer link for one more computer (epoch ms)."""

    id: str
    name: str
    created_at: int
    expires_at: int
    config_id: str


@dataclass(slots=True, frozen=True)
class Peer:
    """The person and app on the other end of a connection."""

    email: str
    ip_address: str
    peer_id: str
    source_type: str


@dataclass(slots=True, frozen=True)
class DeviceEvent:
    """One step of a connection to a computer; ``timestamp`` is Unix seconds."""

    timestamp: int
    kind: EventKind
    device_id: str
    host_name: str
    connection_id: str
    tunnel_id: str
    peer: Peer


@dataclass(slots=True, frozen=True)
class ActivityEvent:
    """One entry of the team's activity log; ``timestamp`` is Unix seconds."""

    timestamp: int
    type: str
    actor_email: str
    detail: str


@dataclass(slots=True)
class Team:
    """A Jump Desktop team. Dicts keep their insertion order, lists are oldest first.

    ``billing``, ``plan_features``, ``saml``, ``security`` and
    ``user_device_migrate`` are served as they are: the API does not say
    what they hold, so the sandbox keeps them as plain small objects.
    """

    id: str
    name: str
    avatar_url: str
    users: dict[str, User] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    device_configs: list[DeviceConfig] = field(default_factory=list)
    device_invites: list[DeviceInvite] = field(default_factory=list)
    user_invites: list[UserInvite] = field(default_factory=list)
    device_events: list[DeviceEvent] = field(default_factory=list)
    activity: list[ActivityEvent] = field(default_factory=list)
    billing: dict[str, Any] = field(default_factory=dict)
    plan_features: dict[str, Any] = field(default_factory=dict)
    saml: dict[str, Any] = field(default_factory=dict)
    security: dict[str, Any] = field(default_factory=dict)
    user_device_migrate: dict[str, Any] = field(default_factory=dict)

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_device(self, device: Device) -> Device:
        self.devices[device.id] = device
        return device

    def add_group(self, group: Group) -> Group:
        self.groups[group.id] = group
        return group

    def log(self, event: ActivityEvent) -> None:
        """Append to the activity log, which stays ordered by time."""
        self.activity.append(event)


@dataclass(slots=True)
class World:
    """Every team the sandbox knows, and which bearer token acts as which user.

    ``created_at`` (Unix seconds) anchors every offline time and event; only
    online computers follow ``clock``, so they always look freshly seen.
    """

    teams: dict[str, Team]
    tokens: dict[str, str]
    created_at: float
    clock: Callable[[], float] = time.time

    def now(self) -> float:
        return self.clock()

    def teams_of(self, user_id: str) -> list[Team]:
        """Return the teams the user belongs to, in the world's order."""
        return [team for team in self.teams.values() if user_id in team.users]
