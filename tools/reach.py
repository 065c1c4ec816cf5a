"""Who can reach which computer: direct members plus every access group's users."""

from collections.abc import Iterable
from dataclasses import dataclass

from server.jumpdesktop import AccessGroup, Device, User
from tools.text import clean


@dataclass(frozen=True)
class Route:
    """One user's way to one computer: directly, through groups, or both."""

    direct: bool
    groups: tuple[str, ...]

    def describe(self) -> str:
        ways = ["direct"] if self.direct else []
        ways += [f"group {name}" for name in self.groups]
        return ", ".join(ways)


class Reach:
    """An index of a team's access, built once from its users, computers and groups.

    A computer lists its direct users and its groups; a group lists its users
    and its computers. Either side may be the only one that names a link, so
    both are read.
    """

    def __init__(
        self,
        users: Iterable[User],
        devices: Iterable[Device],
        groups: Iterable[AccessGroup],
    ) -> None:
        self.users = {user.id: user for user in users if user.id}
        self.devices = {device.id: device for device in devices if device.id}
        self.groups = {group.id: group for group in groups if group.id}
        self._groups_of_device = self._index_device_groups()

    def groups_of(self, device: Device) -> list[AccessGroup]:
        return [self.groups[gid] for gid in self._groups_of_device.get(device.id, ())]

    def routes_to(self, device: Device) -> dict[str, Route]:
        """Every user id that can reach `device`, with how."""
        direct = set(device.users)
        via: dict[str, list[str]] = {}
        for group in self.groups_of(device):
            for user_id in group.users:
                via.setdefault(user_id, []).append(clean(group.name) or group.id or "")

        return {
            user_id: Route(user_id in direct, tuple(via.get(user_id, ())))
            for user_id in sorted(direct | via.keys())
        }

    def routes_from(self, user: User) -> dict[str, Route]:
        """Every computer id that `user` can reach, with how."""
        member_of = {
            gid for gid, group in self.groups.items() if user.id in group.users
        }
        routes = {}
        for device in self.devices.values():
            groups = tuple(
                clean(group.name) or group.id or ""
                for group in self.groups_of(device)
                if group.id in member_of
            )
            if user.id in device.users or groups:
                routes[device.id] = Route(user.id in device.users, groups)
        return routes

    def _index_device_groups(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for device in self.devices.values():
            index[device.id] = [gid for gid in device.groups if gid in self.groups]

        for group in self.groups.values():
            for device_id in group.devices:
                holders = index.setdefault(device_id, [])
                if group.id not in holders:
                    holders.append(group.id)
        return index
