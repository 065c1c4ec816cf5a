"""Typed views of what the Jump Desktop API answers.

The API's objects are only partly documented and keep growing, so every
model here is forgiving: all fields are optional, unknown fields are kept
(``model_extra``), timestamps may be epoch seconds or milliseconds, and one
odd record in a list is dropped (with a warning) instead of failing the whole
answer. Python names are snake_case; the API's camelCase names are aliases,
and ``model_dump(by_alias=True)`` gives them back.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)

logger = logging.getLogger(__name__)

# Epoch values above this are milliseconds: as seconds they would lie past
# the year 5000, as milliseconds they are after 1973.
MILLISECONDS_ABOVE = 10**11

RecordT = TypeVar("RecordT", bound=BaseModel)


class _Model(BaseModel):
    """Keeps unknown fields, and takes Python names as well as API names."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)


def epoch_to_datetime(value: Any) -> datetime | None:
    """Read a Unix epoch number (seconds or milliseconds) as an aware UTC time.

    Numeric strings and ISO 8601 text are read too; None, 0, negative and
    unreadable values give None.
    """

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    number = _number_from(value)
    if number is None:
        return _iso_datetime(value)

    if not math.isfinite(number) or number <= 0:
        return None

    if number > MILLISECONDS_ABOVE:
        number /= 1000

    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _number_from(value: Any) -> float | None:
    if isinstance(value, bool):
        return None

    if isinstance(value, int | float):
        return float(value)

    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None

    return None


def _iso_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None

    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None

    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number_as_text(value: Any) -> Any:
    # Ids and names are text, but a numeric one must not cost the record.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)

    return value


def _object_or_none(value: Any, info: ValidationInfo) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        return dict(value)

    if value is not None:
        logger.warning("Ignored %s: expected an object", info.field_name)
    return None


def _int_or_none(value: Any) -> int | None:
    number = _number_from(value)
    if number is None or not math.isfinite(number):
        return None

    return int(number)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}

    return bool(value)


def _id_list(value: Any, info: ValidationInfo) -> list[str]:
    """Read a list of ids; a single id (one client saw ``groups`` as a
    string) becomes a list of one."""

    if value is None or value == "":
        return []

    if isinstance(value, str):
        return [value]

    if not isinstance(value, list | tuple):
        logger.warning("Ignored %s: expected a list of ids", info.field_name)
        return []

    ids = []
    for index, item in enumerate(value):
        item = _number_as_text(item)
        if isinstance(item, str) and item:
            ids.append(item)
        else:
            logger.warning("Dropped %s[%d]: not an id", info.field_name, index)

    return ids


def parse_records(
    model: type[RecordT], value: Any, *, label: str | None = None
) -> list[RecordT]:
    """Validate a list of records, or a map of records keyed by id.

    A record that fails validation is dropped with a WARNING naming its
    position (never its content), so one odd record cannot fail the rest. A
    keyed record without an ``id`` gets its key as id. None gives an empty
    list, as does any other shape (with a warning).
    """

    label = label or model.__name__
    records = []
    for index, item in enumerate(_record_items(value, label)):
        try:
            records.append(model.model_validate(item))
        except ValidationError:
            logger.warning(
                "Dropped %s[%d]: not a valid %s", label, index, model.__name__
            )

    return records


def _record_items(value: Any, label: str) -> list[Any]:
    if value is None:
        return []

    if isinstance(value, list | tuple):
        return list(value)

    if isinstance(value, Mapping):
        return [_with_id(key, item) for key, item in value.items()]

    logger.warning("Ignored %s: expected a list or a map of records", label)
    return []


def _with_id(key: Any, item: Any) -> Any:
    if isinstance(item, Mapping) and item.get("id") is None:
        return {**item, "id": key}

    return item


def _records(model: type[BaseModel]) -> BeforeValidator:
    def validate(value: Any, info: ValidationInfo) -> list[Any]:
        return parse_records(model, value, label=info.field_name)

    return BeforeValidator(validate)


Text = Annotated[str | None, BeforeValidator(_number_as_text)]
Time = Annotated[datetime | None, BeforeValidator(epoch_to_datetime)]
Ids = Annotated[list[str], BeforeValidator(_id_list)]
Section = Annotated[dict[str, Any] | None, BeforeValidator(_object_or_none)]
Count = Annotated[int | None, BeforeValidator(_int_or_none)]
Flag = Annotated[bool, BeforeValidator(_flag)]


class User(_Model):
    """A team member. ``role`` is "admin" or "user"; ``remote_access`` is
    "enabled" or "disabled" (a disabled user cannot connect)."""

    id: Text = None
    email: Text = None
    first_name: Text = Field(None, alias="firstName")
    last_name: Text = Field(None, alias="lastName")
    role: Text = None
    remote_access: Text = Field(None, alias="remoteAccess")

    @property
    def name(self) -> str:
        """The full name, or the email, or the id when there is no name."""

        parts = [(part or "").strip() for part in (self.first_name, self.last_name)]
        return " ".join(part for part in parts if part) or self.email or self.id or ""

    @property
    def is_admin(self) -> bool:
        return (self.role or "").lower() == "admin"

    @property
    def remote_access_enabled(self) -> bool:
        """False only when remote access is known to be disabled."""

        return (self.remote_access or "").lower() != "disabled"


class OsInfo(_Model):
    hostname: Text = None
    platform: Text = None
    version: Text = None
    public_ip: Text = Field(None, alias="publicIP")


class ClientInfo(_Model):
    os_info: OsInfo | None = Field(None, alias="osInfo")


class Device(_Model):
    """A computer in the team, running Jump Desktop Connect.

    ``users`` are the ids of users with direct access; ``groups`` the ids of
    the access groups holding the computer.
    """

    id: Text = None
    name: Text = None
    users: Ids = Field(default_factory=list)
    groups: Ids = Field(default_factory=list)
    last_online_at: Time = Field(None, alias="lastOnlineAt")
    client_info: ClientInfo | None = Field(None, alias="clientInfo")

    @property
    def hostname(self) -> str | None:
        return self._os_info.hostname

    @property
    def platform(self) -> str | None:
        return self._os_info.platform

    @property
    def version(self) -> str | None:
        return self._os_info.version

    @property
    def public_ip(self) -> str | None:
        return self._os_info.public_ip

    @property
    def _os_info(self) -> OsInfo:
        client_info = self.client_info or ClientInfo()
        return client_info.os_info or OsInfo()


class AccessGroup(_Model):
    """An access group: every user in it may connect to every computer in it."""

    id: Text = None
    name: Text = None
    users: Ids = Field(default_factory=list)
    devices: Ids = Field(default_factory=list)


class ConnectDownloads(_Model):
    """The team's pre-configured Jump Desktop Connect installers, by format."""

    macpkg: Text = None
    winexe: Text = None
    winmsi: Text = None


class DeviceConfig(_Model):
    """A Connect Settings profile and its installers."""

    id: Text = None
    name: Text = None
    connect_downloads: ConnectDownloads | None = Field(None, alias="connectDownloads")


class UserInvite(_Model):
    """A pending invitation of someone, by email, to join the team."""

    id: Text = None
    email: Text = None


class DeviceInvite(_Model):
    """A pending invitation of a computer to join the team."""

    id: Text = None
    name: Text = None


# The parts of a team an admin sees and a member's limited view may omit,
# as (Python name, API name).
TEAM_SECTIONS = (
    ("users", "users"),
    ("devices", "devices"),
    ("groups", "groups"),
    ("device_configs", "deviceConfigs"),
    ("user_invites", "userInvites"),
    ("billing", "billing"),
    ("plan_features", "planFeatures"),
    ("saml", "saml"),
    ("security", "security"),
)


class Team(_Model):
    """A Jump Desktop team, as far as the token's user may see it."""

    id: Text = None
    name: Text = None
    avatar_url: Text = Field(None, alias="avatarURL")
    users: Annotated[list[User], _records(User)] = Field(default_factory=list)
    devices: Annotated[list[Device], _records(Device)] = Field(default_factory=list)
    groups: Annotated[list[AccessGroup], _records(AccessGroup)] = Field(
        default_factory=list
    )
    device_configs: Annotated[list[DeviceConfig], _records(DeviceConfig)] = Field(
        default_factory=list, alias="deviceConfigs"
    )
    device_invites: Annotated[list[DeviceInvite], _records(DeviceInvite)] = Field(
        default_factory=list, alias="deviceInvites"
    )
    user_invites: Annotated[list[UserInvite], _records(UserInvite)] = Field(
        default_factory=list, alias="userInvites"
    )
    billing: Section = None
    plan_features: Section = Field(None, alias="planFeatures")
    saml: Section = None
    security: Section = None
    user_device_migrate: Any = Field(None, alias="userDeviceMigrate")

    def missing_sections(self) -> list[str]:
        """The API names of the sections the answer did not contain at all.

        A member's limited view leaves out admin-only parts; an empty list
        here is not the same as a section that was never sent.
        """

        return [api for name, api in TEAM_SECTIONS if name not in self.model_fields_set]


class DeviceUrls(_Model):
    """Stable links for one computer: connect to it, open it in the
    dashboard, or ask the person at it to share their screen."""

    connect: Text = None
    dashboard: Text = None
    ask_screen_share: Text = Field(None, alias="askScreenShare")


class PeerInfo(_Model):
    """Who was on the other end of a connection."""

    email: Text = None
    ip_address: Text = Field(None, alias="ipAddress")


class ConnectionEventBody(_Model):
    connection_id: Text = Field(None, alias="connectionID")
    peer_info: PeerInfo | None = Field(None, alias="peerInfo")
    peer_id: Text = Field(None, alias="peerID")
    source_type: Text = Field(None, alias="sourceType")
    tunnel_id: Text = Field(None, alias="tunnelID")
    associated_incoming_connection_event: Any = Field(
        None, alias="associatedIncomingConnectionEvent"
    )


EventKind = Literal[
    "incoming_connection",
    "connection_request",
    "auth_succeeded",
    "auth_failed",
    "connection_closed",
    "unknown",
]

# Which body field makes an event of which kind, in the order checked.
_EVENT_BODIES: tuple[tuple[str, EventKind], ...] = (
    ("incoming_connection_event", "incoming_connection"),
    ("incoming_connection_request", "connection_request"),
    ("auth_succeeded_event", "auth_succeeded"),
    ("auth_failed_event", "auth_failed"),
    ("connection_closed_event", "connection_closed"),
)


class DeviceEvent(_Model):
    """One entry of a team's connection history; exactly one body is set."""

    timestamp: Time = None
    device_id: Text = Field(None, alias="deviceID")
    computer_host_name: Text = Field(None, alias="computerHostName")
    incoming_connection_event: ConnectionEventBody | None = Field(
        None, alias="incomingConnectionEvent"
    )
    incoming_connection_request: ConnectionEventBody | None = Field(
        None, alias="incomingConnectionRequest"
    )
    auth_succeeded_event: ConnectionEventBody | None = Field(
        None, alias="authSucceededEvent"
    )
    auth_failed_event: ConnectionEventBody | None = Field(None, alias="authFailedEvent")
    connection_closed_event: ConnectionEventBody | None = Field(
        None, alias="connectionClosedEvent"
    )

    @property
    def kind(self) -> EventKind:
        """What happened, named after the body that is present."""

        for field, kind in _EVENT_BODIES:
            if getattr(self, field) is not None:
                return kind

        return "unknown"

    @property
    def body(self) -> ConnectionEventBody | None:
        for field, _kind in _EVENT_BODIES:
            body = getattr(self, field)
            if body is not None:
                return body

        return None

    @property
    def peer_email(self) -> str | None:
        """The email of whoever connected, when the event names them."""

        body = self.body
        if body is None or body.peer_info is None:
            return None

        return body.peer_info.email


class HistoryPage(_Model):
    """One page of connection history; ask again from ``next_offset`` while
    ``has_more_events`` is true."""

    device_events: Annotated[list[DeviceEvent], _records(DeviceEvent)] = Field(
        default_factory=list, alias="deviceEvents"
    )
    has_more_events: Flag = Field(False, alias="hasMoreEvents")
    next_offset: Count = Field(None, alias="nextOffset")


class TeamRef(_Model):
    """A team the token's user belongs to."""

    id: Text = None
    name: Text = None
