"""``POST /team/{teamID}/invite/user``: invite someone by email. Admins only."""

import re

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ApiError
from ..ids import make_id
from ..wire import user_invite_json
from ..world import Team, UserInvite
from .common import answer, check_members, id_list, json_body, team_call

# Deliberately loose: one "@", no spaces, a dot in the domain.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


async def invite_user(request: Request) -> Response:
    """Create a pending invite; it shows in the team's ``userInvites`` from now on."""
    call = team_call(request, admin_for="invite users")
    body = await json_body(request)
    email = body.get("email")
    group_ids = id_list(body, "groups")

    if not isinstance(email, str) or not _EMAIL.fullmatch(email):
        detail = f"'email' must be an email address, got {email!r}."
        raise ApiError(400, "invalid_email", detail)
    check_members(call.team, [], group_ids)
    _refuse_duplicate(call.team, email)

    invite = UserInvite(
        id=make_id("I", f"user-invite/{call.team.id}/{email}"),
        email=email,
        created_at=int(call.world.now() * 1000),
        groups=tuple(group_ids),
        invited_by=call.caller.email,
    )
    call.team.user_invites.append(invite)

    call.log("user.invited", f"Invited {email}")
    return answer(user_invite_json(invite))


def _refuse_duplicate(team: Team, email: str) -> None:
    """Answer 409 if the address already belongs to a member or an invite.

    Unlike the ``?email=`` filter this ignores case: a mailbox does not
    change with the capitals someone typed.
    """
    wanted = email.casefold()

    if any(user.email.casefold() == wanted for user in team.users.values()):
        detail = f"{email} is already a member of team {team.id}."
        raise ApiError(409, "already_member", detail)

    if any(invite.email.casefold() == wanted for invite in team.user_invites):
        detail = f"{email} has already been invited to team {team.id}."
        raise ApiError(409, "already_invited", detail)
