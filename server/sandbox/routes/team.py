"""``GET /team/{teamID}`` and ``GET /user/teams``."""

from starlette.requests import Request
from starlette.responses import Response

from ..wire import limited_team_json, team_json
from .common import answer, caller_id, team_call, world_of


async def get_team(request: Request) -> Response:
    """The whole team for an admin, a limited view for everyone else."""
    call = team_call(request)
    now = call.world.now()

    if call.caller.is_admin:
        return answer(team_json(call.team, now))

    return answer(limited_team_json(call.team, call.caller.id, now))


async def list_user_teams(request: Request) -> Response:
    """The teams the token's owner belongs to."""
    teams = world_of(request).teams_of(caller_id(request))

    return answer({"teams": [{"id": team.id, "name": team.name} for team in teams]})
