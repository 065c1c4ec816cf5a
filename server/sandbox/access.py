"""Who can reach which computer, and the changes that grant or revoke it.

A user reaches a computer directly (the computer's ``users``) or through an
access group holding both. Every change here keeps the two sides of the
group relation (``Device.groups`` and ``Group.devices``) in step.
"""

from collections.abc import Iterable

from .world import Device, Team


def groups_of(team: Team, user_id: str) -> set[str]:
    """Return the ids of the access groups the user is in."""
    return {group.id for group in team.groups.values() if user_id in group.users}


def can_reach(team: Team, device: Device, user_id: str) -> bool:
    """Tell whether the user may connect to the computer."""
    if user_id in device.users:
        return True

    return not groups_of(team, user_id).isdisjoint(device.groups)


def reachable_devices(team: Team, user_id: str) -> list[Device]:
    """Return the computers the user may connect to, in the team's order."""
    member_of = groups_of(team, user_id)

    return [
        device
        for device in team.devices.values()
        if user_id in device.users or not member_of.isdisjoint(device.groups)
    ]


def grant(
    team: Team, device: Device, user_ids: Iterable[str], group_ids: Iterable[str]
) -> None:
    """Give users and access groups access to the computer; repeats are no-ops."""
    for user_id in user_ids:
        if user_id not in device.users:
            device.users.append(user_id)

    for group_id in group_ids:
        _join(team, device, group_id)


def revoke(
    team: Team, device: Device, user_ids: Iterable[str], group_ids: Iterable[str]
) -> None:
    """Take direct access and access groups away from the computer."""
    removed = set(user_ids)
    device.users[:] = [user_id for user_id in device.users if user_id not in removed]

    for group_id in group_ids:
        _leave(team, device, group_id)


def replace(
    team: Team, device: Device, user_ids: Iterable[str], group_ids: Iterable[str]
) -> None:
    """Make the given users and access groups the computer's only members."""
    wanted_groups = list(dict.fromkeys(group_ids))
    device.users[:] = list(dict.fromkeys(user_ids))

    for group_id in [g for g in device.groups if g not in wanted_groups]:
        _leave(team, device, group_id)

    for group_id in wanted_groups:
        _join(team, device, group_id)


def _join(team: Team, device: Device, group_id: str) -> None:
    group = team.groups[group_id]

    if group_id not in device.groups:
        device.groups.append(group_id)
    if device.id not in group.devices:
        group.devices.append(device.id)


def _leave(team: Team, device: Device, group_id: str) -> None:
    group = team.groups[group_id]

    if group_id in device.groups:
        device.groups.remove(group_id)
    if device.id in group.devices:
        group.devices.remove(device.id)
