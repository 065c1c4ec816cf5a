"""The team as a whole: `describe_team`, and the one read every other tool builds on."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import AccessGroup, Device, NotAllowed, Team, User
from tools.reach import Reach
from tools.runtime import (
    READ_ONLY,
    NotFoundError,
    Runtime,
    TeamArg,
    resolve_team,
    runtime,
    upstream,
)
from tools.text import clean, clean_email

ONLINE_WINDOW = timedelta(minutes=5)
ADMIN_ONLY_SECTIONS = {
    "billing": "billing",
    "planFeatures": "plan",
    "deviceConfigs": "Connect installers",
    "userInvites": "pending invites",
    "saml": "SSO settings",
    "security": "security settings",
}
CORE_SECTIONS = ("users", "devices", "groups")
LIST_CAP = 25


@dataclass
class TeamView:
    """One team as far as the token may see it, with the sections it could not."""

    team: Team
    users: list[User]
    devices: list[Device]
    groups: list[AccessGroup]
    missing: list[str] = field(default_factory=list)

    @property
    def limited(self) -> bool:
        """Whether this is a member's limited view rather than an admin's."""
        hidden = set(self.missing)
        return bool(hidden & set(CORE_SECTIONS)) or hides_admin_sections(hidden)

    def reach(self) -> Reach:
        return Reach(self.users, self.devices, self.groups)


def hides_admin_sections(missing: Iterable[str]) -> bool:
    """Whether a team answer leaves out every admin-only section.

    A member's limited view leaves them all out. An admin's answer may still
    lack one or two (an API that does not send invites, say), so any one of
    them present shows that the token is an admin's.
    """
    return ADMIN_ONLY_SECTIONS.keys() <= set(missing)


async def load_team_view(
    rt: Runtime, team_id: str, needs: tuple[str, ...] = ()
) -> TeamView:
    """Read the team in one request, and at most two more where it leaves gaps.

    The team object normally holds users, computers and groups. When it does
    not, the users and devices endpoints fill in what the token may see. A
    section in `needs` that stays out of sight is a tool error, so that an
    empty list is never mistaken for "there is none".
    """
    async with upstream():
        team = await rt.client.get_team(team_id)
    missing = set(team.missing_sections())

    users, devices = team.users, team.devices
    if "users" in missing:
        users = await _optional(rt.client.list_users(team_id), missing, "users")
    if "devices" in missing:
        devices = await _optional(rt.client.list_devices(team_id), missing, "devices")

    hidden = [section for section in needs if section in missing]
    if hidden:
        raise ToolError(
            f"this token may not see the team's {' or '.join(hidden)} (a member's "
            "limited view); use a team admin's API token to answer this"
        )
    return TeamView(team, users, devices, team.groups, sorted(missing))


async def _optional(request: Any, missing: set[str], section: str) -> list[Any]:
    async with upstream():
        try:
            found = await request
        except NotAllowed:
            return []
    missing.discard(section)
    return found


def is_online(device: Device, now: datetime) -> bool:
    seen = device.last_online_at
    return seen is not None and now - seen <= ONLINE_WINDOW


class Person(BaseModel):
    id: str
    name: str
    email: str
    remote_access: str | None = None


class GroupSize(BaseModel):
    id: str
    name: str
    users: int
    computers: int


class InstallerSet(BaseModel):
    profile: str = Field(description="Connect Settings profile the installers apply.")
    macos_pkg: str | None = None
    windows_exe: str | None = None
    windows_msi: str | None = None


class Invite(BaseModel):
    email: str
    id: str | None = None


class TeamCounts(BaseModel):
    users: int | None = Field(description="Null when this token may not see users.")
    admins: int | None = Field(description="Null when roles are not visible.")
    disabled_users: int | None = Field(
        description="Users whose remote access is disabled."
    )
    computers: int | None = Field(
        description="Null when this token may not see computers."
    )
    computers_online: int | None = Field(
        description="Computers seen in the last 5 minutes."
    )


class TeamDescription(BaseModel):
    id: str
    name: str
    counts: TeamCounts
    admins: list[Person]
    access_groups: list[GroupSize]
    installers: list[InstallerSet] = Field(
        description="The team's Connect installers: run one on a computer to add it."
    )
    pending_invites: list[Invite]
    pending_invite_count: int
    plan: dict[str, Any] | None = Field(description="Billing and plan features.")
    sso: dict[str, Any] | None = Field(description="SAML single sign-on state.")
    limited_view: bool = Field(description="True when the token is not an admin's.")
    not_visible: list[str] = Field(description="Parts this token may not see.")
    summary: str


async def describe_team(ctx: Context, team: TeamArg = None) -> TeamDescription:
    """Summarise a Jump Desktop team: people, computers, groups, installers, plan."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)
    view = await load_team_view(rt, team_id)
    return _describe(view, team_id, datetime.now(UTC))


def _describe(view: TeamView, team_id: str, now: datetime) -> TeamDescription:
    team = view.team
    admins = [user for user in view.users if user.is_admin]
    counts = _counts(view, admins, now)
    invites = [
        Invite(email=clean_email(invite.email), id=invite.id)
        for invite in team.user_invites
    ]
    not_visible = _not_visible(view)

    return TeamDescription(
        id=team.id or team_id,
        name=clean(team.name),
        counts=counts,
        admins=[person(user) for user in admins[:LIST_CAP]],
        access_groups=_group_sizes(view)[:LIST_CAP],
        installers=installer_sets(team)[:LIST_CAP],
        pending_invites=invites[:LIST_CAP],
        pending_invite_count=len(invites),
        plan=_plan(team),
        sso=scalars(team.saml),
        limited_view=view.limited,
        not_visible=not_visible,
        summary=_summary(team, counts, not_visible, view.limited),
    )


def _counts(view: TeamView, admins: list[User], now: datetime) -> TeamCounts:
    # A section the token may not see is counted as unknown, never as empty.
    counts = TeamCounts(
        users=None,
        admins=None,
        disabled_users=None,
        computers=None,
        computers_online=None,
    )
    if "users" not in view.missing:
        counts.users = len(view.users)
        # A limited view may list people without their role or remote access:
        # then those counts are unknown, not zero.
        if any(user.role for user in view.users):
            counts.admins = len(admins)
        if any(user.remote_access for user in view.users):
            counts.disabled_users = sum(
                not user.remote_access_enabled for user in view.users
            )
    if "devices" not in view.missing:
        counts.computers = len(view.devices)
        counts.computers_online = sum(is_online(d, now) for d in view.devices)
    return counts


def person(user: User) -> Person:
    return Person(
        id=user.id or "",
        name=clean(user.name),
        email=clean_email(user.email),
        remote_access=clean(user.remote_access, 20) or None,
    )


def installer_sets(team: Team) -> list[InstallerSet]:
    sets = []
    for config in team.device_configs:
        downloads = config.connect_downloads
        if downloads is None:
            continue
        sets.append(
            InstallerSet(
                profile=clean(config.name or config.id or "default"),
                macos_pkg=downloads.macpkg,
                windows_exe=downloads.winexe,
                windows_msi=downloads.winmsi,
            )
        )
    return sets


def scalars(section: dict[str, Any] | None, limit: int = 20) -> dict[str, Any] | None:
    """The plain values of an API section whose keys are not documented."""
    if not isinstance(section, dict):
        return None

    shown: dict[str, Any] = {}
    for key, value in list(section.items())[:limit]:
        if isinstance(value, bool | int | float) or value is None:
            shown[clean(key, 60)] = value
        elif isinstance(value, str):
            shown[clean(key, 60)] = clean(value, 200)
    return shown


def _plan(team: Team) -> dict[str, Any] | None:
    billing, features = scalars(team.billing), scalars(team.plan_features)
    if billing is None and features is None:
        return None
    return {**(features or {}), **(billing or {})}


def _group_sizes(view: TeamView) -> list[GroupSize]:
    reach = view.reach()
    sizes = {group.id: 0 for group in view.groups}
    for device in view.devices:
        for group in reach.groups_of(device):
            sizes[group.id] += 1

    return [
        GroupSize(
            id=group.id or "",
            name=clean(group.name),
            users=len(set(group.users)),
            computers=sizes.get(group.id, 0),
        )
        for group in view.groups
    ]


def _not_visible(view: TeamView) -> list[str]:
    hidden = [
        ADMIN_ONLY_SECTIONS[key] for key in view.missing if key in ADMIN_ONLY_SECTIONS
    ]
    hidden += [key for key in view.missing if key in CORE_SECTIONS]
    return hidden


def _summary(
    team: Team, counts: TeamCounts, not_visible: list[str], limited: bool
) -> str:
    details = [
        f"{counts.admins} admins" if counts.admins is not None else "",
        f"{counts.disabled_users} with remote access disabled"
        if counts.disabled_users is not None
        else "",
    ]
    shown = ", ".join(part for part in details if part)
    people = (
        "users not visible"
        if counts.users is None
        else f"{counts.users} users" + (f" ({shown})" if shown else "")
    )
    computers = (
        "computers not visible"
        if counts.computers is None
        else f"{counts.computers} computers ({counts.computers_online} online now)"
    )
    text = f"{clean(team.name) or 'The team'}: {people}, {computers}."
    if limited:
        text += (
            " This token is not an admin's, so the view is limited: "
            f"{', '.join(not_visible)} are not visible. Use an admin's token "
            "to see them."
        )
    elif not_visible:
        *most, last = not_visible
        parts = f"{', '.join(most)} and {last}" if most else last
        text += (
            f" The API's answer for this team leaves out {parts}, so none are "
            "listed here; the Jump Desktop dashboard shows them."
        )
    return text


class TeamEntry(BaseModel):
    id: str
    name: str | None
    is_default: bool
    usable: bool = Field(description="Whether this server may use the team.")
    configured_as: str | None = Field(description="Its name in the `teams` setting.")


class TeamList(BaseModel):
    teams: list[TeamEntry]
    listed_by_api: bool = Field(
        description="False when the API could not list the token's teams."
    )
    summary: str


async def list_teams(ctx: Context) -> TeamList:
    """List the teams this token belongs to, and which of them this server may use."""
    rt = runtime(ctx)
    allowed = rt.allowed_teams()
    names = {team_id: name for name, team_id in allowed.items() if name != "default"}
    default = rt.settings.team_id or rt.discovered_team_id

    try:
        async with upstream():
            found = [(ref.id, clean(ref.name)) for ref in await rt.client.list_teams()]
        listed = True
    except NotFoundError:
        # Listing teams is not a confirmed part of the API: where it is
        # missing, fall back to the teams this server was told about. A
        # rejected token or a rate limit is an error like anywhere else.
        found, listed = [], False

    seen = {team_id for team_id, _ in found}
    found += [(team_id, None) for team_id in allowed.values() if team_id not in seen]
    teams = [
        TeamEntry(
            id=team_id or "",
            name=name,
            is_default=team_id == default,
            usable=team_id in allowed.values(),
            configured_as=names.get(team_id or ""),
        )
        for team_id, name in found
        if team_id
    ]
    return TeamList(
        teams=teams, listed_by_api=listed, summary=_teams_summary(teams, listed)
    )


def _teams_summary(teams: list[TeamEntry], listed: bool) -> str:
    usable = [team for team in teams if team.usable]
    text = f"{len(teams)} teams, {len(usable)} usable by this server."
    if not listed:
        text += (
            " The API did not list the token's teams; shown are the configured ones."
        )
    if len(usable) < len(teams):
        text += " Others can be allowed with the `teams` setting."
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        describe_team,
        name="describe_team",
        title="Describe team",
        annotations=READ_ONLY,
    )
    server.add_tool(
        list_teams, name="list_teams", title="List teams", annotations=READ_ONLY
    )
