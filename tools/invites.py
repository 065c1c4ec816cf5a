"""Invitations: `invite_user`, a two-step write like the access tools.

The invite endpoint is named by summaries of the API's specification but not
confirmed: when the API answers 404, the tool says so and points at the
dashboard, which certainly can invite.
"""

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from server.jumpdesktop import AccessGroup, NotFound, Team
from tools.access import (
    ConfirmArg,
    GroupsArg,
    blank_as_none,
    confirmation,
    keeping_confirmation,
    who_asked,
)
from tools.groups import pick_group
from tools.runtime import Runtime, TeamArg, resolve_team, runtime, upstream
from tools.team import TeamView, load_team_view
from tools.text import clean, clean_email
from tools.users import EMAIL_SHAPE

INVITE_TOOL = "invite_user"

INVITE = ToolAnnotations(
    read_only_hint=False,
    destructive_hint=False,
    idempotent_hint=False,
    open_world_hint=True,
)

NO_INVITE_ENDPOINT = (
    "Tried to invite {email}, but this Jump Desktop API answered 404: it does "
    "not offer inviting users, so nothing was sent. Invite them in the Jump "
    "Desktop dashboard instead (Users → Invite)."
)
INVITES_HIDDEN_NOTE = (
    "The team's pending invites could not be read, so an earlier invite to "
    "this address could not be ruled out."
)
LIMITED_TOKEN_NOTE = (
    "This token sees a team member's limited view, and Jump Desktop lets only "
    "team admins invite: the invite will probably be refused."
)

InviteEmailArg = Annotated[
    str,
    Field(
        description="Email address to invite, like name@example.com.",
        min_length=3,
        max_length=254,
    ),
]


class InvitedGroup(BaseModel):
    id: str
    name: str


class Invitation(BaseModel):
    status: Literal["preview", "applied"] = Field(
        description='"preview" (nothing sent yet) or "applied".'
    )
    team_id: str
    email: str
    groups: list[InvitedGroup] = Field(
        description="Access groups the person joins on accepting the invite."
    )
    confirm_token: str | None = Field(
        None, description="Preview only: pass as `confirm` once the person agreed."
    )
    expires_at: str | None = Field(
        None, description="Preview only: when the token stops working (ISO 8601 UTC)."
    )
    next_step: str | None = Field(None, description="What to do with this preview.")
    listed_as_pending: bool | None = Field(
        None,
        description=(
            "Applied only: whether the team now lists the invite as pending; "
            "null when that could not be read."
        ),
    )
    notes: list[str] = Field(default_factory=list)
    summary: str


async def invite_user(
    ctx: Context,
    email: InviteEmailArg,
    groups: GroupsArg = None,
    confirm: ConfirmArg = None,
    team: TeamArg = None,
) -> Invitation:
    """Invite someone by email, after a preview. This API may not offer invites."""
    address = _address(email)
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    view = await load_team_view(rt, team_id)
    chosen = _unique_groups([pick_group(view.groups, entry) for entry in groups or []])
    arguments = {"email": address, "groups": sorted(g.id or "" for g in chosen)}
    state = _pending(view.team)

    confirm = blank_as_none(confirm)
    if confirm is None:
        _refuse_existing(view, address)
        fields = confirmation(rt, INVITE_TOOL, team_id, arguments, state)
        return _invitation("preview", team_id, address, chosen, view, fields)

    rt.confirmations.spend(confirm, INVITE_TOOL, team_id, arguments, state)
    _refuse_existing(view, address)
    await _send(rt, team_id, address, chosen, confirm)
    listed = await _listed(rt, team_id, address)
    _audit(ctx, rt, team_id, address, chosen, listed)
    fields = {"listed_as_pending": listed}
    return _invitation("applied", team_id, address, chosen, view, fields)


def _address(email: str) -> str:
    address = email.strip()
    if not EMAIL_SHAPE.fullmatch(address):
        raise ToolError(
            f"{clean(address, 80)!r} is not an email address; pass one like "
            "name@example.com"
        )
    return address


def _unique_groups(found: list[AccessGroup]) -> list[AccessGroup]:
    return list({group.id: group for group in found}.values())


def _pending(team: Team) -> list[str]:
    """The pending invites' addresses: a token is bound to them as they were."""
    return sorted({(i.email or "").strip().casefold() for i in team.user_invites})


def _refuse_existing(view: TeamView, address: str) -> None:
    """Refuse an address that is a member or invited already, ignoring case."""
    wanted = address.casefold()
    for user in view.users:
        if (user.email or "").strip().casefold() == wanted:
            raise ToolError(
                f"{clean_email(address)!r} is already a member of this team "
                f"({user.id}), so there is nothing to invite. To give them a "
                "computer, use grant_device_access."
            )

    if wanted in _pending(view.team):
        raise ToolError(
            f"{clean_email(address)!r} already has a pending invite to this team, "
            "so a second one was not sent. They can accept the one they have; "
            "describe_team lists the pending invites."
        )


async def _send(
    rt: Runtime, team_id: str, address: str, groups: list[AccessGroup], token: str
) -> None:
    group_ids = [group.id or "" for group in groups]
    async with upstream(), keeping_confirmation(rt, token):
        try:
            await rt.client.invite_user(team_id, address, groups=group_ids)
        except NotFound:
            # The team was just read, so a 404 here means the endpoint.
            message = NO_INVITE_ENDPOINT.format(email=clean_email(address))
            raise ToolError(message) from None


async def _listed(rt: Runtime, team_id: str, address: str) -> bool | None:
    """Whether the team now lists the invite; None when it cannot be read."""
    try:
        async with upstream():
            team = await rt.client.get_team(team_id)
    except ToolError:
        return None
    if "userInvites" in team.missing_sections():
        return None
    return address.casefold() in _pending(team)


def _audit(
    ctx: Context,
    rt: Runtime,
    team_id: str,
    address: str,
    groups: list[AccessGroup],
    listed: bool | None,
) -> None:
    rt.audit.record(
        who=who_asked(ctx),
        action=INVITE_TOOL,
        team_id=team_id,
        target=f"email {clean_email(address)}",
        result={"groups": _group_refs(groups), "listed_as_pending": listed},
    )


def _invitation(
    status: Literal["preview", "applied"],
    team_id: str,
    address: str,
    groups: list[AccessGroup],
    view: TeamView,
    fields: dict[str, Any],
) -> Invitation:
    notes = [INVITES_HIDDEN_NOTE] if "userInvites" in view.missing else []
    notes += [LIMITED_TOKEN_NOTE] if view.limited else []
    return Invitation(
        status=status,
        team_id=team_id,
        email=clean_email(address),
        groups=[InvitedGroup(**ref) for ref in _group_refs(groups)],
        notes=notes,
        summary=_summary(status, address, groups, fields.get("listed_as_pending")),
        **fields,
    )


def _group_refs(groups: list[AccessGroup]) -> list[dict[str, str]]:
    return [{"id": group.id or "", "name": clean(group.name)} for group in groups]


def _summary(
    status: str, address: str, groups: list[AccessGroup], listed: bool | None
) -> str:
    names = ", ".join(clean(group.name) for group in groups)
    joining = f", joining access group {names} on accepting" if groups else ""
    if status == "preview":
        return (
            f"Preview, nothing has been sent yet: {clean_email(address)} would be "
            f"invited to the team{joining}."
        )

    text = f"Invited {clean_email(address)} to the team{joining}."
    if listed is False:
        text += (
            " But the team does not list the invite as pending: the API may have "
            "ignored it; check with describe_team before inviting again."
        )
    elif listed is None:
        text += " Whether the invite is now pending could not be read back."
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        invite_user, name=INVITE_TOOL, title="Invite user", annotations=INVITE
    )
