"""Access groups: a group's users may connect to every computer in it."""

import difflib

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import AccessGroup, Device, User
from tools.runtime import READ_ONLY, NotFoundError, TeamArg, resolve_team, runtime
from tools.team import TeamView, load_team_view
from tools.text import clean

GROUP_CAP = 50
# Users plus computers shown over all groups, so that many large groups
# still make a small answer; each group shows at least MEMBER_FLOOR of each.
MEMBER_BUDGET = 500
MEMBER_FLOOR = 5
MEMBER_CAP = 50
NAMED_DISABLED_CAP = 10


def pick_group(groups: list[AccessGroup], name_or_id: str) -> AccessGroup:
    """The access group named by an id or a name (any case), or a clear error."""
    wanted = " ".join(name_or_id.split())
    by_id = [group for group in groups if group.id == wanted]
    exact = [group for group in groups if clean(group.name) == wanted]
    any_case = [
        group for group in groups if clean(group.name).casefold() == wanted.casefold()
    ]
    for found in (by_id, exact, any_case):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ids = ", ".join(group.id or "?" for group in found)
            raise ToolError(
                f"{len(found)} access groups are named {clean(wanted)!r} ({ids}); "
                "call again with the group id"
            )

    names = [clean(group.name) for group in groups if group.name]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = f" Close: {', '.join(close)}." if close else f" Groups: {', '.join(names)}."
    raise NotFoundError(f"no access group is named {clean(wanted)!r}.{hint}"[:1000])


class GroupMember(BaseModel):
    id: str
    name: str
    remote_access: str | None = Field(
        description='"enabled", or "disabled": in the group, but cannot connect.'
    )


class GroupComputer(BaseModel):
    id: str
    name: str


class GroupDetail(BaseModel):
    id: str
    name: str
    user_count: int
    users: list[GroupMember] = Field(description="By name, possibly cut short.")
    computer_count: int
    computers: list[GroupComputer] = Field(description="By name, possibly cut short.")
    disabled_user_count: int = Field(
        description="Users here whose remote access is disabled."
    )


class GroupList(BaseModel):
    total: int = Field(description="How many access groups this token can see.")
    returned: int
    more: bool = Field(description="True when groups past the first 50 were left out.")
    shown_per_group: int = Field(
        description="Most users, and most computers, listed for each group."
    )
    groups: list[GroupDetail]
    limited_view: bool = Field(description="True when the token is not an admin's.")
    summary: str


async def list_access_groups(ctx: Context, team: TeamArg = None) -> GroupList:
    """List the team's access groups by name, with their users and computers."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id)
    groups = sorted(view.groups, key=lambda group: (_name(group), group.id or ""))
    shown = groups[:GROUP_CAP]
    cap = MEMBER_BUDGET // max(1, 2 * len(shown))
    cap = max(MEMBER_FLOOR, min(MEMBER_CAP, cap))

    users = {user.id: user for user in view.users}
    computers = _computers_by_group(view)
    details = [
        _detail(group, users, computers.get(group.id, []), cap) for group in shown
    ]
    return GroupList(
        total=len(groups),
        returned=len(details),
        more=len(groups) > len(details),
        shown_per_group=cap,
        groups=details,
        limited_view=view.limited,
        summary=_summary(details, len(groups), cap, view),
    )


def _name(item: AccessGroup | Device | User) -> str:
    return clean(item.name).casefold()


def _computers_by_group(view: TeamView) -> dict[str | None, list[Device]]:
    """Each group's computers, read from both sides of the relation."""
    reach = view.reach()
    held: dict[str | None, list[Device]] = {}
    for device in view.devices:
        for group in reach.groups_of(device):
            held.setdefault(group.id, []).append(device)
    return held


def _detail(
    group: AccessGroup,
    users: dict[str | None, User],
    computers: list[Device],
    cap: int,
) -> GroupDetail:
    members = [
        _member(user_id, users.get(user_id)) for user_id in dict.fromkeys(group.users)
    ]
    members.sort(key=lambda member: (member.name.casefold(), member.id))
    computers = sorted(computers, key=lambda device: (_name(device), device.id or ""))

    return GroupDetail(
        id=group.id or "",
        name=clean(group.name),
        user_count=len(members),
        users=members[:cap],
        computer_count=len(computers),
        computers=[
            GroupComputer(id=device.id or "", name=clean(device.name))
            for device in computers[:cap]
        ],
        disabled_user_count=sum(_disabled(member) for member in members),
    )


def _member(user_id: str, user: User | None) -> GroupMember:
    if user is None:
        # Named by the group, but not in the team's member list.
        return GroupMember(id=user_id, name="unknown member", remote_access=None)
    return GroupMember(
        id=user_id,
        name=clean(user.name),
        remote_access=clean(user.remote_access, 20) or None,
    )


def _disabled(member: GroupMember) -> bool:
    return (member.remote_access or "").casefold() == "disabled"


def _summary(details: list[GroupDetail], total: int, cap: int, view: TeamView) -> str:
    text = f"{total} access group{'' if total == 1 else 's'}, sorted by name"
    if len(details) < total:
        text += f"; the first {len(details)} are shown, the rest left out"
    text += f". Each lists up to {cap} users and {cap} computers, with counts."

    text += _disabled_note(details)
    if view.limited:
        text += (
            " This token is not an admin's, so the view is limited to the access "
            "groups it may see."
        )
    return text


def _disabled_note(details: list[GroupDetail]) -> str:
    """Name the members who are listed in a group yet cannot connect."""
    total = sum(group.disabled_user_count for group in details)
    if not total:
        return ""

    named = [
        f"{member.name} ({group.name})"
        for group in details
        for member in group.users
        if _disabled(member)
    ][:NAMED_DISABLED_CAP]
    left = total - len(named)
    listed = ", ".join(named + ([f"{left} more"] if left else []))
    return (
        f" {total} group member{' has' if total == 1 else 's have'} remote access "
        f"disabled: listed, but they cannot connect ({listed})."
    )


def register(server: MCPServer) -> None:
    server.add_tool(
        list_access_groups,
        name="list_access_groups",
        title="List access groups",
        annotations=READ_ONLY,
    )
