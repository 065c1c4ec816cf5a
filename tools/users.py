"""Team members: `lookup_user_by_email`."""

import difflib
import re
from typing import Annotated

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import User
from tools.reach import Reach
from tools.runtime import READ_ONLY, TeamArg, resolve_team, runtime
from tools.team import load_team_view
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

    view = await load_team_view(rt, team_id)
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
    raise ToolError(
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
        raise ToolError(
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
        role=user.role,
        remote_access=user.remote_access,
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


def register(server: MCPServer) -> None:
    server.add_tool(
        lookup_user_by_email,
        name="lookup_user_by_email",
        title="Look up user by email",
        annotations=READ_ONLY,
    )
