"""Team members: `lookup_user_by_email` and `list_users`."""

import difflib
import re
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import User
from tools.paging import DEFAULT_LIMIT, CursorArg, LimitArg, Slice, page_of
from tools.reach import Reach
from tools.runtime import READ_ONLY, NotFoundError, TeamArg, resolve_team, runtime
from tools.team import TeamView, load_team_view
from tools.text import clean, clean_email

EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
COMPUTER_CAP = 100

EmailArg = Annotated[
    str,
    Field(
        description="Email address of a team member; case and spaces are ignored.",
        min_length=3,
        max_length=254,
    ),
]


class ReachableComputer(BaseModel):
    id: str
    name: str
    via: str = Field(description='"direct", or the access groups that grant it.')


class UserAccess(BaseModel):
    id: str
    name: str
    email: str
    role: str | None = Field(description='"admin" or "user".')
    remote_access: str | None = Field(
        description='"enabled", or "disabled" (cannot connect, not billed).'
    )
    computer_count: int = Field(description="How many computers this user can reach.")
    computers: list[ReachableComputer]
    more_computers: bool
    summary: str


async def lookup_user_by_email(
    ctx: Context, email: EmailArg, team: TeamArg = None
) -> UserAccess:
    """Find a team member by email: role, remote access, computers they can reach."""
    wanted = _normalise(email)
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id, needs=("users",))
    user = find_user(view.users, wanted)
    return _user_access(user, view.reach())


def _normalise(email: str) -> str:
    wanted = email.strip()
    if not EMAIL_SHAPE.fullmatch(wanted):
        raise ToolError(
            f"{clean(wanted, 80)!r} is not an email address; pass one like "
            "name@example.com"
        )
    return wanted


def find_user(users: list[User], email: str) -> User:
    """The user whose email is `email`, ignoring case and spaces, or a clear error."""
    wanted = email.strip().casefold()
    matches = [user for user in users if _email_key(user) == wanted]
    exact = [user for user in matches if (user.email or "").strip() == email.strip()]
    if len(matches) == 1 or len(exact) == 1:
        return (exact or matches)[0]

    if matches:
        ids = ", ".join(user.id or "?" for user in matches)
        raise ToolError(
            f"{len(matches)} members have the email {clean_email(email)!r} in "
            f"different cases ({ids}); type it exactly as stored to pick one."
        )

    known = [key for key in map(_email_key, users) if key]
    close = difflib.get_close_matches(wanted, known, n=3)
    hint = f" Close matches: {', '.join(map(clean_email, close))}." if close else ""
    raise NotFoundError(
        f"no member of this team has the email {clean_email(email)!r}.{hint} "
        "Check the spelling, or call describe_team to see pending invites."
    )


def pick_user(users: list[User], email_or_id: str) -> User:
    """The member named by a user id (U-…) or an email, or a clear error."""
    wanted = email_or_id.strip()
    for user in users:
        if user.id == wanted:
            return user

    if "@" not in wanted:
        raise NotFoundError(
            f"no member of this team has the id {clean(wanted, 80)!r}; pass a "
            "user id from lookup_user_by_email or list_users, or an email"
        )
    return find_user(users, wanted)


def _email_key(user: User) -> str:
    return (user.email or "").strip().casefold()


def _user_access(user: User, reach: Reach) -> UserAccess:
    routes = reach.routes_from(user)
    computers = sorted(
        (
            ReachableComputer(
                id=device_id,
                name=clean(reach.devices[device_id].name),
                via=route.describe(),
            )
            for device_id, route in routes.items()
        ),
        key=lambda computer: computer.name.casefold(),
    )
    name = clean(user.name)

    return UserAccess(
        id=user.id or "",
        name=name,
        email=clean_email(user.email),
        role=clean(user.role, 20) or None,
        remote_access=clean(user.remote_access, 20) or None,
        computer_count=len(computers),
        computers=computers[:COMPUTER_CAP],
        more_computers=len(computers) > COMPUTER_CAP,
        summary=_summary(user, name, len(computers)),
    )


def _summary(user: User, name: str, count: int) -> str:
    text = f"{name} is {'an admin' if user.is_admin else 'a user'} who can reach "
    text += f"{count} computer{'' if count == 1 else 's'}."
    if not user.remote_access_enabled:
        text += " Remote access is disabled, so they cannot connect to any of them."
    return text


# Listing -----------------------------------------------------------------

RoleArg = Annotated[
    Literal["admin", "user"] | None,
    Field(description='Only members with this role: "admin" or "user"; omit for all.'),
]
RemoteAccessArg = Annotated[
    Literal["enabled", "disabled"] | None,
    Field(
        description=(
            'Only members whose remote access is "enabled", or "disabled" '
            "(they cannot connect); omit for all."
        )
    ),
]


class UserRow(BaseModel):
    id: str
    name: str
    email: str
    role: str | None = Field(description='"admin" or "user"; null if not visible.')
    remote_access: str | None = Field(
        description='"enabled", or "disabled" (cannot connect); null if not visible.'
    )
    computer_count: int = Field(description="How many computers this user can reach.")


class UserPage(BaseModel):
    total: int = Field(description="How many members match, over every page.")
    returned: int
    more: bool = Field(description="True when `next_cursor` leads to more.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    users: list[UserRow]
    limited_view: bool = Field(description="True when the token is not an admin's.")
    summary: str


async def list_users(
    ctx: Context,
    role: RoleArg = None,
    remote_access: RemoteAccessArg = None,
    limit: LimitArg = DEFAULT_LIMIT,
    cursor: CursorArg = None,
    team: TeamArg = None,
) -> UserPage:
    """List team members by name, with role, remote access and computers reachable."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id, needs=("users",))
    chosen = [user for user in view.users if _keeps(user, role, remote_access)]
    chosen.sort(key=lambda user: (clean(user.name).casefold(), user.id or ""))
    query = ["list_users", team_id, role, remote_access]
    page = page_of(chosen, limit, cursor, rt.signer, query)

    counts = computer_counts(view.reach(), page.items)
    return UserPage(
        total=page.total,
        returned=len(page.items),
        more=page.more,
        next_cursor=page.next_cursor,
        users=[_user_row(user, counts[user.id or ""]) for user in page.items],
        limited_view=view.limited,
        summary=_page_summary(page, role, remote_access, view),
    )


def _keeps(user: User, role: str | None, remote_access: str | None) -> bool:
    if role is not None and (user.role or "").casefold() != role:
        return False
    return (
        remote_access is None or (user.remote_access or "").casefold() == remote_access
    )


def computer_counts(reach: Reach, users: list[User]) -> dict[str, int]:
    """How many computers each of `users` can reach, keyed by user id.

    One pass over the team for the whole page: asking `Reach.routes_from`
    per user would walk every computer once for each of them.
    """
    reached: dict[str, set[str]] = {user.id or "": set() for user in users}
    held: dict[str, set[str]] = {}
    for device in reach.devices.values():
        for user_id in device.users:
            if user_id in reached:
                reached[user_id].add(device.id or "")
        for group in reach.groups_of(device):
            held.setdefault(group.id or "", set()).add(device.id or "")

    for group_id, group in reach.groups.items():
        for user_id in set(group.users) & reached.keys():
            reached[user_id] |= held.get(group_id, set())
    return {user_id: len(devices) for user_id, devices in reached.items()}


def _user_row(user: User, computer_count: int) -> UserRow:
    return UserRow(
        id=user.id or "",
        name=clean(user.name),
        email=clean_email(user.email),
        role=clean(user.role, 20) or None,
        remote_access=clean(user.remote_access, 20) or None,
        computer_count=computer_count,
    )


def _page_summary(
    page: Slice[User], role: str | None, remote_access: str | None, view: TeamView
) -> str:
    kind = {"admin": "admin", "user": "regular user"}.get(role or "", "member")
    text = f"{page.total} {kind}{'' if page.total == 1 else 's'}"
    if remote_access is not None:
        text += f" with remote access {remote_access}"
    text += f"; {len(page.items)} shown here, sorted by name."
    if page.more:
        text += " Call again with next_cursor for the next page."
    if remote_access == "disabled" and page.total:
        text += " They cannot connect to any computer until it is enabled."

    if view.limited:
        text += " This token is not an admin's, so the view is limited"
        if view.users and all(user.role is None for user in view.users):
            text += ": roles and remote access are not visible to it"
        text += "; computer counts include only the computers it can see."
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        lookup_user_by_email,
        name="lookup_user_by_email",
        title="Look up user by email",
        annotations=READ_ONLY,
    )
    server.add_tool(
        list_users, name="list_users", title="List users", annotations=READ_ONLY
    )
