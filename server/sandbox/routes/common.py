"""What every route needs: the caller, their team, request bodies, answers."""

import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..access import can_reach
from ..errors import ApiError
from ..world import ActivityEvent, Device, Team, User, World


@dataclass(frozen=True, slots=True)
class TeamCall:
    """A request about one team, by a member of it."""

    world: World
    team: Team
    caller: User

    def log(self, kind: str, detail: str) -> None:
        """Record the caller's change in the team's activity log."""
        now = int(self.world.now())
        self.team.log(ActivityEvent(now, kind, self.caller.email, detail))


def world_of(request: Request) -> World:
    return request.app.state.world


def caller_id(request: Request) -> str:
    """Return the id of the user the bearer token acts as."""
    return request.state.user_id


def team_call(request: Request, admin_for: str | None = None) -> TeamCall:
    """Resolve the ``team_id`` path parameter for the caller.

    Answers 404 for an unknown team and 403 when the caller is not in it;
    with ``admin_for`` (what the caller is trying to do) also 403 when the
    caller is not one of the team's admins.
    """
    world = world_of(request)
    team_id = request.path_params["team_id"]

    team = world.teams.get(team_id)
    if team is None:
        raise ApiError(404, "team_not_found", f"There is no team {team_id}.")

    caller = team.users.get(caller_id(request))
    if caller is None:
        detail = f"You are not a member of team {team_id}."
        raise ApiError(403, "forbidden", detail)

    if admin_for is not None and not caller.is_admin:
        detail = f"Only team admins can {admin_for}; your role is '{caller.role}'."
        raise ApiError(403, "admin_required", detail)

    return TeamCall(world, team, caller)


def visible_device(call: TeamCall, device_id: str) -> Device:
    """Return a computer the caller may see: any for an admin, else reachable ones.

    A computer the caller may not reach answers 404, as if it did not exist.
    """
    device = call.team.devices.get(device_id)
    caller = call.caller

    if device is None or not (
        caller.is_admin or can_reach(call.team, device, caller.id)
    ):
        detail = f"There is no computer {device_id} in team {call.team.id}."
        raise ApiError(404, "device_not_found", detail)

    return device


async def json_body(request: Request) -> dict[str, Any]:
    """Return the request's JSON object, or answer 400."""
    raw = await request.body()

    try:
        body = json.loads(raw)
    except ValueError as exc:
        detail = f"The request body is not valid JSON: {exc}."
        raise ApiError(400, "invalid_json", detail) from exc

    if not isinstance(body, dict):
        raise ApiError(400, "invalid_body", "The request body must be a JSON object.")

    return body


def id_list(body: dict[str, Any], key: str) -> list[str]:
    """Return the list of ids under ``key`` (empty when absent), or answer 400."""
    value = body.get(key, [])

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        detail = f"'{key}' must be a list of id strings."
        raise ApiError(400, "invalid_body", detail)

    return value


def check_members(team: Team, user_ids: list[str], group_ids: list[str]) -> None:
    """Answer 400 unless every id names a user or an access group of the team."""
    unknown_users = [u for u in user_ids if u not in team.users]
    if unknown_users:
        detail = f"No user with id {', '.join(unknown_users)} in team {team.id}."
        raise ApiError(400, "unknown_user", detail)

    unknown_groups = [g for g in group_ids if g not in team.groups]
    if unknown_groups:
        detail = (
            f"No access group with id {', '.join(unknown_groups)} in team {team.id}."
        )
        raise ApiError(400, "unknown_group", detail)


def describe_members(team: Team, user_ids: list[str], group_ids: list[str]) -> str:
    """Name users and access groups for the activity log."""
    names = [f"{team.users[u].first_name} {team.users[u].last_name}" for u in user_ids]
    names += [f"the access group {team.groups[g].name}" for g in group_ids]

    return ", ".join(names) or "nobody"


def answer(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def no_content() -> Response:
    return Response(status_code=204)
