"""Who may reach a computer: `grant_device_access` and `revoke_device_access`.

Both are two-step writes. A call without `confirm` changes nothing: it
previews who would gain or lose access and hands out a confirmation token
bound to that change and to the computer's members as they were read. The
same call with the token applies the change, reads the computer back so a
write the API silently ignored shows up, and records it in the audit log.
"""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from server.jumpdesktop import AccessGroup, Device, RateLimited, User
from tools.devices import DeviceArg, device_query, pick_device
from tools.groups import pick_group
from tools.reach import Reach, Route
from tools.runtime import Runtime, TeamArg, resolve_team, runtime, upstream
from tools.team import load_team_view
from tools.text import clean, clean_email, iso
from tools.users import pick_user

MEMBER_CAP = 50
EMAILS_SHOWN = 25
PARTS_SHOWN = 10

GRANT_TOOL = "grant_device_access"
REVOKE_TOOL = "revoke_device_access"

GRANT = ToolAnnotations(
    read_only_hint=False,
    destructive_hint=False,
    idempotent_hint=True,
    open_world_hint=True,
)
REVOKE = ToolAnnotations(
    read_only_hint=False,
    destructive_hint=True,
    idempotent_hint=True,
    open_world_hint=True,
)

LIMITED_TOKEN_NOTE = (
    "This token sees a team member's limited view, and Jump Desktop lets only "
    "team admins make this change: it will probably be refused."
)

_Entry = Annotated[str, Field(min_length=1, max_length=254)]

UsersArg = Annotated[
    Annotated[list[_Entry], Field(max_length=MEMBER_CAP)] | None,
    Field(description="Team members, each an email or a user id (U-…); at most 50."),
]
GroupsArg = Annotated[
    Annotated[list[_Entry], Field(max_length=MEMBER_CAP)] | None,
    Field(description="Access groups, each a name or a group id (G-…); at most 50."),
]
ConfirmArg = Annotated[
    str | None,
    Field(
        description=(
            "`confirm_token` of this exact change's preview, once the person "
            "agreed to it; omit to get the preview."
        ),
        max_length=2000,
    ),
]

Status = Literal["preview", "applied", "no_change"]
Member = TypeVar("Member", User, AccessGroup)


# Confirming a write ---------------------------------------------------------


def confirmation(
    rt: Runtime, tool: str, team_id: str, arguments: Any, state: Any
) -> dict[str, str]:
    """The preview's `confirm_token`, `expires_at` and `next_step` fields."""
    token = rt.confirmations.issue(tool, team_id, arguments, state)
    payload = rt.signer.open(token) or {}
    expires = iso(datetime.fromtimestamp(float(payload.get("exp", 0)), UTC)) or ""

    next_step = (
        "Show this preview to the person you are helping and ask whether to go "
        f"ahead. Only if they agree, call {tool} again with the same arguments "
        f'and confirm="{token}". The token works once, until {expires}.'
    )
    return {"confirm_token": token, "expires_at": expires, "next_step": next_step}


def blank_as_none(confirm: str | None) -> str | None:
    """A blank `confirm` asks for a preview, as an omitted one does."""
    if confirm is None or not confirm.strip():
        return None
    return confirm.strip()


@asynccontextmanager
async def keeping_confirmation(rt: Runtime, token: str) -> AsyncIterator[None]:
    """Give a spent confirmation back when the API refused its write as too
    frequent: nothing changed, and the person already agreed to the change."""
    try:
        yield
    except RateLimited as exc:
        rt.confirmations.release(token)
        raise ToolError(
            f"{exc.message} Nothing was changed: once the wait is over, call "
            "again with the same arguments and confirm token."
        ) from None


def who_asked(ctx: Context) -> str:
    """The MCP client behind this request, as the audit log names it."""
    session = getattr(ctx.request_context, "session", None)
    params = getattr(session, "client_params", None)
    info = getattr(params, "client_info", None)

    client = "unknown client"
    if info is not None and clean(info.name, 60):
        client = f"{clean(info.name, 60)}/{clean(info.version, 30) or '?'}"
    return f"{client} via the configured API token"


# Resolving what a call names ------------------------------------------------


@dataclass
class MemberChange:
    """One call's computer, users and access groups, resolved to team objects."""

    team_id: str
    device: Device
    users: list[User]
    groups: list[AccessGroup]
    reach: Reach
    limited_view: bool
    routes: dict[str, Route] = field(init=False)
    current_groups: list[AccessGroup] = field(init=False)

    def __post_init__(self) -> None:
        self.routes = self.reach.routes_to(self.device)
        self.current_groups = self.reach.groups_of(self.device)

    @property
    def device_id(self) -> str:
        return self.device.id or ""

    @property
    def label(self) -> str:
        return f"{clean(self.device.name)!r} ({self.device_id})"

    def arguments(self) -> dict[str, Any]:
        """The change a confirmation token is bound to."""
        return {
            "device": self.device_id,
            "users": sorted(user.id or "" for user in self.users),
            "groups": sorted(group.id or "" for group in self.groups),
        }

    def state(self) -> dict[str, list[str]]:
        """The computer's members as read now; a token only applies to these."""
        return {
            "users": sorted(set(self.device.users)),
            "groups": sorted(group.id or "" for group in self.current_groups),
        }

    def email_of(self, user_id: str) -> str:
        user = self.reach.users.get(user_id)
        return clean_email(user.email) if user and user.email else user_id

    def group_name(self, group_id: str) -> str:
        group = self.reach.groups.get(group_id)
        return clean(group.name) if group and group.name else group_id

    def emails(self, user_ids: list[str], limit: int = EMAILS_SHOWN) -> list[str]:
        shown = {self.email_of(user_id) for user_id in user_ids}
        return sorted(shown, key=str.casefold)[:limit]


async def resolve_change(
    rt: Runtime,
    team_id: str,
    device: str,
    users: list[str] | None,
    groups: list[str] | None,
) -> MemberChange:
    """Read the team once and resolve every name; ambiguous names are refused."""
    query = device_query(device)
    if not users and not groups:
        raise ToolError(
            "nothing to change: name at least one user (email or id) in `users` "
            "or one access group (name or id) in `groups`"
        )

    view = await load_team_view(rt, team_id, needs=("users", "devices"))
    chosen = pick_device(view.devices, query)
    members = _unique([pick_user(view.users, entry) for entry in users or []])
    holders = _unique([pick_group(view.groups, entry) for entry in groups or []])

    return MemberChange(
        team_id=team_id,
        device=chosen,
        users=members,
        groups=holders,
        reach=view.reach(),
        limited_view=view.limited,
    )


def _unique(found: list[Member]) -> list[Member]:
    # The same person may be named by email and by id in one call.
    seen: dict[str, Member] = {}
    for item in found:
        seen.setdefault(item.id or "", item)
    return list(seen.values())


@dataclass
class Plan:
    """What one call would change, what is already so, and what to point out.

    `user_ids` and `group_ids` are the real changes, the only ones sent.
    """

    users: list[Any]
    groups: list[Any]
    user_ids: list[str]
    group_ids: list[str]
    changes: list[str]
    already: list[str]
    notes: list[str]
    granting: bool

    @property
    def empty(self) -> bool:
        return not self.user_ids and not self.group_ids


# Results ----------------------------------------------------------------------


class MembersNow(BaseModel):
    """A computer's members as the API reports them after the change."""

    direct_user_count: int
    direct_users: list[str] = Field(
        description="Emails of the users with direct access, possibly cut short."
    )
    groups: list[str] = Field(description="Access groups holding the computer.")


class AccessResult(BaseModel):
    status: Status = Field(
        description='"preview" (nothing changed yet), "applied" or "no_change".'
    )
    team_id: str
    device_id: str
    device_name: str
    confirm_token: str | None = Field(
        None, description="Preview only: pass as `confirm` once the person agreed."
    )
    expires_at: str | None = Field(
        None, description="Preview only: when the token stops working (ISO 8601 UTC)."
    )
    next_step: str | None = Field(None, description="What to do with this preview.")
    members_now: MembersNow | None = Field(
        None, description="Applied only: the computer's members, read back."
    )
    not_reflected: list[str] = Field(
        default_factory=list,
        description="Applied only: parts of the change the computer does not show.",
    )
    notes: list[str] = Field(default_factory=list)
    summary: str


class UserGrant(BaseModel):
    id: str
    name: str
    email: str
    change: Literal["gains_direct_access", "already_has_direct_access"]
    reaches_via_groups: list[str] = Field(
        description="Access groups that already let them reach the computer."
    )


class GroupGrant(BaseModel):
    id: str
    name: str
    change: Literal["computer_joins_group", "computer_already_in_group"]
    newly_reaching_count: int = Field(
        description="Users of the group who cannot reach the computer yet."
    )
    newly_reaching: list[str] = Field(description="Their emails, possibly cut short.")


class AccessGrant(AccessResult):
    users: list[UserGrant]
    groups: list[GroupGrant]


class UserRevoke(BaseModel):
    id: str
    name: str
    email: str
    change: Literal["loses_direct_access", "had_no_direct_access"]
    still_reaches_via_groups: list[str] = Field(
        description="Access groups that still let them reach it after the change."
    )
    keeps_access: bool = Field(description="True when they can still connect.")


class GroupRevoke(BaseModel):
    id: str
    name: str
    change: Literal["computer_leaves_group", "computer_not_in_group"]
    losing_all_access_count: int = Field(
        description="Users of the group left with no way to reach the computer."
    )
    losing_all_access: list[str] = Field(
        description="Their emails, possibly cut short."
    )


class AccessRevocation(AccessResult):
    users: list[UserRevoke]
    groups: list[GroupRevoke]


# grant_device_access ----------------------------------------------------------


async def grant_device_access(
    ctx: Context,
    device: DeviceArg,
    users: UsersArg = None,
    groups: GroupsArg = None,
    confirm: ConfirmArg = None,
    team: TeamArg = None,
) -> AccessGrant:
    """Give users or access groups access to a computer: preview, then confirm."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)
    change = await resolve_change(rt, team_id, device, users, groups)

    plan = _grant_plan(change)
    fields = await _preview_or_apply(ctx, rt, GRANT_TOOL, change, plan, confirm)
    return AccessGrant(**fields)


def _grant_plan(change: MemberChange) -> Plan:
    each = _emails_each(change.groups)
    users = [_user_grant(user, change) for user in change.users]
    groups = [_group_grant(group, change, each) for group in change.groups]
    changes, already = _grant_phrases(users, groups)

    return Plan(
        users=users,
        groups=groups,
        user_ids=[row.id for row in users if row.change == "gains_direct_access"],
        group_ids=[row.id for row in groups if row.change == "computer_joins_group"],
        changes=changes,
        already=already,
        notes=[LIMITED_TOKEN_NOTE] if change.limited_view else [],
        granting=True,
    )


def _user_grant(user: User, change: MemberChange) -> UserGrant:
    route = change.routes.get(user.id or "")
    direct = route is not None and route.direct
    return UserGrant(
        id=user.id or "",
        name=clean(user.name),
        email=clean_email(user.email),
        change="already_has_direct_access" if direct else "gains_direct_access",
        reaches_via_groups=[clean(name) for name in route.groups] if route else [],
    )


def _group_grant(group: AccessGroup, change: MemberChange, each: int) -> GroupGrant:
    holds = any(held.id == group.id for held in change.current_groups)
    newly = [] if holds else _members(group, lambda uid: uid not in change.routes)
    return GroupGrant(
        id=group.id or "",
        name=clean(group.name),
        change="computer_already_in_group" if holds else "computer_joins_group",
        newly_reaching_count=len(newly),
        newly_reaching=change.emails(newly, each),
    )


def _grant_phrases(
    users: list[UserGrant], groups: list[GroupGrant]
) -> tuple[list[str], list[str]]:
    changes, already = [], []
    for user in users:
        if user.change == "already_has_direct_access":
            already.append(f"{user.name} already has direct access")
            continue
        via = user.reaches_via_groups
        reach = f" (already reaches it through {', '.join(via)})" if via else ""
        changes.append(f"{user.name} gains direct access{reach}")

    for group in groups:
        if group.change == "computer_already_in_group":
            already.append(f"the computer is already in access group {group.name}")
            continue
        count = group.newly_reaching_count
        changes.append(
            f"the computer joins access group {group.name}, so {count} more "
            f"user{'' if count == 1 else 's'} can reach it"
        )
    return changes, already


# revoke_device_access ---------------------------------------------------------


async def revoke_device_access(
    ctx: Context,
    device: DeviceArg,
    users: UsersArg = None,
    groups: GroupsArg = None,
    confirm: ConfirmArg = None,
    team: TeamArg = None,
) -> AccessRevocation:
    """Revoke users' or access groups' access to a computer: preview, then confirm."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)
    change = await resolve_change(rt, team_id, device, users, groups)

    plan = _revoke_plan(change)
    fields = await _preview_or_apply(ctx, rt, REVOKE_TOOL, change, plan, confirm)
    return AccessRevocation(**fields)


def _revoke_plan(change: MemberChange) -> Plan:
    after = _Remaining(change)
    each = _emails_each(change.groups)
    users = [_user_revoke(user, change, after) for user in change.users]
    groups = [_group_revoke(group, change, after, each) for group in change.groups]
    changes, already = _revoke_phrases(users, groups)
    notes = _still_reaching_notes(users)

    return Plan(
        users=users,
        groups=groups,
        user_ids=[row.id for row in users if row.change == "loses_direct_access"],
        group_ids=[row.id for row in groups if row.change == "computer_leaves_group"],
        changes=changes,
        already=already,
        notes=notes + ([LIMITED_TOKEN_NOTE] if change.limited_view else []),
        granting=False,
    )


class _Remaining:
    """Who reaches the computer directly, and which groups hold it, once the
    call's users and groups are taken away."""

    def __init__(self, change: MemberChange) -> None:
        revoked_users = {user.id for user in change.users}
        revoked_groups = {group.id for group in change.groups}
        self.direct = set(change.device.users) - revoked_users
        self.groups = [g for g in change.current_groups if g.id not in revoked_groups]

    def groups_of(self, user_id: str) -> list[str]:
        return [clean(group.name) for group in self.groups if user_id in group.users]

    def reaches(self, user_id: str) -> bool:
        return user_id in self.direct or bool(self.groups_of(user_id))


def _user_revoke(user: User, change: MemberChange, after: _Remaining) -> UserRevoke:
    direct = (user.id or "") in change.device.users
    return UserRevoke(
        id=user.id or "",
        name=clean(user.name),
        email=clean_email(user.email),
        change="loses_direct_access" if direct else "had_no_direct_access",
        still_reaches_via_groups=after.groups_of(user.id or ""),
        keeps_access=after.reaches(user.id or ""),
    )


def _group_revoke(
    group: AccessGroup, change: MemberChange, after: _Remaining, each: int
) -> GroupRevoke:
    holds = any(held.id == group.id for held in change.current_groups)
    losing = _members(group, lambda uid: not after.reaches(uid)) if holds else []
    return GroupRevoke(
        id=group.id or "",
        name=clean(group.name),
        change="computer_leaves_group" if holds else "computer_not_in_group",
        losing_all_access_count=len(losing),
        losing_all_access=change.emails(losing, each),
    )


def _revoke_phrases(
    users: list[UserRevoke], groups: list[GroupRevoke]
) -> tuple[list[str], list[str]]:
    changes, already = [], []
    for user in users:
        via = ", ".join(user.still_reaches_via_groups)
        if user.change == "had_no_direct_access":
            still = f" (they still reach it through {via})" if via else ""
            already.append(f"{user.name} had no direct access{still}")
        elif via:
            changes.append(
                f"{user.name} loses direct access but still reaches it through {via}"
            )
        else:
            changes.append(
                f"{user.name} loses direct access and can no longer reach it"
            )

    for group in groups:
        if group.change == "computer_not_in_group":
            already.append(f"the computer is not in access group {group.name}")
            continue
        count = group.losing_all_access_count
        changes.append(
            f"the computer leaves access group {group.name}, so {count} "
            f"user{'' if count == 1 else 's'} can no longer reach it"
        )
    return changes, already


def _still_reaching_notes(users: list[UserRevoke]) -> list[str]:
    return [
        f"{user.name} can still connect through access group "
        f"{', '.join(user.still_reaches_via_groups)}: taking direct access away "
        "does not take them out of a group. To cut that off, revoke the group "
        "from this computer (its other users lose access too) or change the "
        "group in the Jump Desktop dashboard."
        for user in users[:PARTS_SHOWN]
        if user.keeps_access and user.still_reaches_via_groups
    ]


# Shared steps -----------------------------------------------------------------


async def _preview_or_apply(
    ctx: Context,
    rt: Runtime,
    tool: str,
    change: MemberChange,
    plan: Plan,
    confirm: str | None,
) -> dict[str, Any]:
    """The steps both tools share, giving the fields of their result.

    A token is checked before anything else, so a spent one is refused even
    when its change has since made the call a no-op.
    """
    confirm = blank_as_none(confirm)
    bound = (change.team_id, change.arguments(), change.state())
    if confirm is not None:
        rt.confirmations.spend(confirm, tool, *bound)

    if plan.empty:
        status, fields = "no_change", {}
    elif confirm is None:
        status, fields = "preview", confirmation(rt, tool, *bound)
    else:
        status, fields = "applied", await _apply(rt, change, plan, confirm)
        _audit(ctx, rt, tool, change, plan, fields)

    return {
        "status": status,
        "team_id": change.team_id,
        "device_id": change.device_id,
        "device_name": clean(change.device.name),
        "users": plan.users,
        "groups": plan.groups,
        "summary": _summary(status, change.label, plan, fields),
        **fields,
        "notes": plan.notes + fields.get("notes", []),
    }


async def _apply(
    rt: Runtime, change: MemberChange, plan: Plan, token: str
) -> dict[str, Any]:
    send = (
        rt.client.add_device_members
        if plan.granting
        else rt.client.remove_device_members
    )
    async with upstream(), keeping_confirmation(rt, token):
        await send(
            change.team_id, change.device_id, users=plan.user_ids, groups=plan.group_ids
        )
    return await read_back(rt, change, plan)


def _members(group: AccessGroup, keep: Callable[[str], bool]) -> list[str]:
    return [user_id for user_id in dict.fromkeys(group.users) if keep(user_id)]


def _emails_each(groups: list[AccessGroup]) -> int:
    # Keep the whole answer small however many groups and users a call names.
    return max(3, min(EMAILS_SHOWN, 250 // max(1, len(groups))))


async def read_back(rt: Runtime, change: MemberChange, plan: Plan) -> dict[str, Any]:
    """Read the computer after a write: its members now, and what did not take.

    The write has already happened, so a failing read is a note, not an error.
    """
    try:
        async with upstream():
            device = await rt.client.get_device(change.team_id, change.device_id)
        holders = set(device.groups)
        if plan.group_ids and not _groups_settled(change, plan, holders):
            holders = await _groups_holding(rt, change)
    except ToolError as exc:
        return {"notes": [f"The change was sent, but reading it back failed: {exc}"]}

    direct = set(device.users)
    missed_users = [u for u in plan.user_ids if (u in direct) != plan.granting]
    missed_groups = [g for g in plan.group_ids if (g in holders) != plan.granting]
    user_says, group_says = (
        ("has no direct access", "is not in access group")
        if plan.granting
        else ("still has direct access", "is still in access group")
    )
    not_reflected = [f"{e} {user_says}" for e in change.emails(missed_users)]
    not_reflected += [
        f"the computer {group_says} {change.group_name(g)}" for g in missed_groups
    ]

    members_now = MembersNow(
        direct_user_count=len(direct),
        direct_users=change.emails(sorted(direct)),
        groups=sorted(map(change.group_name, holders), key=str.casefold),
    )
    return {"members_now": members_now, "not_reflected": not_reflected}


def _groups_settled(change: MemberChange, plan: Plan, holders: set[str]) -> bool:
    """Whether the computer's own `groups` show the access group changes.

    Only when, before the change, it named every group holding it and, now,
    shows each change: a group's `devices` may be the only side that does.
    """
    named_all = set(change.device.groups) == set(change.state()["groups"])
    shown = all((gid in holders) == plan.granting for gid in plan.group_ids)
    return named_all and shown


async def _groups_holding(rt: Runtime, change: MemberChange) -> set[str]:
    """The access groups holding the computer, read from both sides."""
    view = await load_team_view(rt, change.team_id)
    device = Device(id=change.device_id)
    return {group.id or "" for group in view.reach().groups_of(device)}


def _audit(
    ctx: Context,
    rt: Runtime,
    tool: str,
    change: MemberChange,
    plan: Plan,
    fields: dict[str, Any],
) -> None:
    user_ids, group_ids = plan.user_ids, plan.group_ids
    rt.audit.record(
        who=who_asked(ctx),
        action=tool,
        team_id=change.team_id,
        target=f"computer {change.label}",
        result={
            "users": [{"id": uid, "email": change.email_of(uid)} for uid in user_ids],
            "groups": [
                {"id": gid, "name": change.group_name(gid)} for gid in group_ids
            ],
            "read_back": "members_now" in fields,
            "not_reflected": fields.get("not_reflected", []),
        },
    )


def _summary(status: Status, label: str, plan: Plan, fields: dict[str, Any]) -> str:
    """One paragraph saying what would change, what did, and what already was."""
    changes, already = plan.changes, plan.already
    so = f" Already so: {_joined(already)}." if already else ""
    if status == "no_change":
        return f"Nothing to change on {label}: {_joined(already)}. Nothing was sent."
    if status == "preview":
        return f"Preview, nothing has changed yet. On {label}: {_joined(changes)}.{so}"

    text = f"Applied on {label}: {_joined(changes)}.{so}"
    missing = fields.get("not_reflected") or []
    if missing:
        text += (
            f" But read back, {_joined(missing)}: the API may have ignored part "
            "of the change; check again with find_device before retrying."
        )
    elif "members_now" not in fields:
        text += " It could not be read back to check."
    return text


def _joined(parts: list[str]) -> str:
    shown = parts[:PARTS_SHOWN]
    if len(parts) > PARTS_SHOWN:
        shown.append(f"and {len(parts) - PARTS_SHOWN} more")
    return "; ".join(shown)


def register(server: MCPServer) -> None:
    server.add_tool(
        grant_device_access,
        name=GRANT_TOOL,
        title="Grant computer access",
        annotations=GRANT,
    )
    server.add_tool(
        revoke_device_access,
        name=REVOKE_TOOL,
        title="Revoke computer access",
        annotations=REVOKE,
    )
