"""The JSON the sandbox answers with, spelled field by field as the API spells it.

Nothing here is shared with any client: a client that misspells a field
finds out against these shapes.
"""

from typing import Any

from . import links
from .access import groups_of, reachable_devices
from .world import (
    ActivityEvent,
    Device,
    DeviceConfig,
    DeviceEvent,
    DeviceInvite,
    Group,
    Team,
    User,
    UserInvite,
)

Json = dict[str, Any]

# Every step of a connection after the first two refers back to the
# incoming connection it belongs to.
_LATER_KINDS = frozenset(
    {"authSucceededEvent", "authFailedEvent", "connectionClosedEvent"}
)


def user_json(user: User) -> Json:
    return {
        "id": user.id,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "role": user.role,
        "remoteAccess": user.remote_access,
    }


def limited_user_json(user: User) -> Json:
    """A teammate as a non-admin sees them: no role, no remote access setting."""
    return {
        "id": user.id,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
    }


def device_json(device: Device, now: float) -> Json:
    """A computer; a never-seen one has neither ``lastOnlineAt`` nor ``clientInfo``."""
    body: Json = {
        "id": device.id,
        "name": device.name,
        "users": list(device.users),
        "groups": list(device.groups),
    }

    last_seen = device.last_seen_ms(now)
    if last_seen is not None:
        body["lastOnlineAt"] = last_seen

    if device.os_info is not None:
        info = device.os_info
        body["clientInfo"] = {
            "osInfo": {
                "hostname": info.hostname,
                "platform": info.platform,
                "version": info.version,
                "publicIP": info.public_ip,
            }
        }

    return body


def group_json(group: Group) -> Json:
    return {
        "id": group.id,
        "name": group.name,
        "users": list(group.users),
        "devices": list(group.devices),
    }


def device_config_json(config: DeviceConfig) -> Json:
    return {
        "id": config.id,
        "name": config.name,
        "connectDownloads": links.connect_downloads(config.download_token),
    }


def user_invite_json(invite: UserInvite) -> Json:
    return {
        "id": invite.id,
        "email": invite.email,
        "createdAt": invite.created_at,
        "groups": list(invite.groups),
        "invitedBy": invite.invited_by,
    }


def device_invite_json(invite: DeviceInvite) -> Json:
    return {
        "id": invite.id,
        "name": invite.name,
        "createdAt": invite.created_at,
        "expiresAt": invite.expires_at,
        "deviceConfigID": invite.config_id,
    }


def team_json(team: Team, now: float) -> Json:
    """The whole team, as an admin sees it."""
    return {
        "id": team.id,
        "name": team.name,
        "avatarURL": team.avatar_url,
        "users": [user_json(user) for user in team.users.values()],
        "devices": [device_json(device, now) for device in team.devices.values()],
        "groups": [group_json(group) for group in team.groups.values()],
        "deviceConfigs": [device_config_json(c) for c in team.device_configs],
        "deviceInvites": [device_invite_json(i) for i in team.device_invites],
        "userInvites": [user_invite_json(i) for i in team.user_invites],
        "billing": dict(team.billing),
        "planFeatures": dict(team.plan_features),
        "saml": dict(team.saml),
        "security": dict(team.security),
        "userDeviceMigrate": dict(team.user_device_migrate),
    }


def limited_team_json(team: Team, user_id: str, now: float) -> Json:
    """The team as a non-admin sees it: their computers and access groups only."""
    member_of = groups_of(team, user_id)

    return {
        "id": team.id,
        "name": team.name,
        "avatarURL": team.avatar_url,
        "users": [limited_user_json(user) for user in team.users.values()],
        "devices": [
            device_json(device, now) for device in reachable_devices(team, user_id)
        ],
        "groups": [
            group_json(group) for group in team.groups.values() if group.id in member_of
        ],
    }


def device_event_json(event: DeviceEvent) -> Json:
    """One connection step: the common fields plus a body keyed by its kind."""
    peer = event.peer
    body: Json = {
        "connectionID": event.connection_id,
        "peerInfo": {"email": peer.email, "ipAddress": peer.ip_address},
        "peerID": peer.peer_id,
        "sourceType": peer.source_type,
        "tunnelID": event.tunnel_id,
    }

    if event.kind in _LATER_KINDS:
        body["associatedIncomingConnectionEvent"] = dict(body)

    return {
        "timestamp": event.timestamp,
        "deviceID": event.device_id,
        "computerHostName": event.host_name,
        event.kind: body,
    }


def activity_json(event: ActivityEvent) -> Json:
    return {
        "timestamp": event.timestamp,
        "type": event.type,
        "actor": {"email": event.actor_email},
        "detail": event.detail,
    }
