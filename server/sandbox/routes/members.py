"""Who may reach a computer: grant, revoke, replace and bulk grant. Admins only."""

from starlette.requests import Request
from starlette.responses import Response

from .. import access
from ..errors import ApiError
from ..world import Team
from .common import (
    check_members,
    describe_members,
    id_list,
    json_body,
    no_content,
    team_call,
    visible_device,
)


async def add_members(request: Request) -> Response:
    """Give users and access groups access to a computer; additive, idempotent."""
    call = team_call(request, admin_for="grant access")
    device = visible_device(call, request.path_params["device_id"])
    user_ids, group_ids = await _members_body(request, call.team)

    access.grant(call.team, device, user_ids, group_ids)

    who = describe_members(call.team, user_ids, group_ids)
    call.log("device.access.granted", f"Gave {who} access to {device.name}")
    return no_content()


async def remove_members(request: Request) -> Response:
    """Take access to a computer away; answers 200 with an empty body."""
    call = team_call(request, admin_for="revoke access")
    device = visible_device(call, request.path_params["device_id"])
    user_ids, group_ids = await _members_body(request, call.team)

    access.revoke(call.team, device, user_ids, group_ids)

    who = describe_members(call.team, user_ids, group_ids)
    call.log("device.access.revoked", f"Took access to {device.name} from {who}")
    return Response(status_code=200)


async def replace_members(request: Request) -> Response:
    """Make the body's users and access groups a computer's only members."""
    call = team_call(request, admin_for="change access")
    device = visible_device(call, request.path_params["device_id"])
    user_ids, group_ids = await _members_body(request, call.team)

    access.replace(call.team, device, user_ids, group_ids)

    who = describe_members(call.team, user_ids, group_ids)
    call.log("device.access.replaced", f"Set access to {device.name} to {who}")
    return no_content()


async def bulk_add_members(request: Request) -> Response:
    """Give users and access groups access to several computers at once."""
    call = team_call(request, admin_for="grant access")
    user_ids, group_ids = await _members_body(request, call.team)
    device_ids = id_list(await json_body(request), "devices")

    if not device_ids:
        detail = "'devices' must list at least one computer id."
        raise ApiError(400, "invalid_body", detail)

    unknown = [d for d in device_ids if d not in call.team.devices]
    if unknown:
        detail = f"No computer with id {', '.join(unknown)} in team {call.team.id}."
        raise ApiError(400, "unknown_device", detail)

    for device_id in device_ids:
        access.grant(call.team, call.team.devices[device_id], user_ids, group_ids)

    who = describe_members(call.team, user_ids, group_ids)
    detail = f"Gave {who} access to {len(device_ids)} computers"
    call.log("device.access.granted", detail)
    return no_content()


async def _members_body(request: Request, team: Team) -> tuple[list[str], list[str]]:
    """Read a ``{"users": [...], "groups": [...]}`` body whose ids all exist."""
    body = await json_body(request)

    user_ids = id_list(body, "users")
    group_ids = id_list(body, "groups")
    check_members(team, user_ids, group_ids)

    return user_ids, group_ids


async def change_members(request: Request) -> Response:
    """One path, two meanings: POST adds members, PUT replaces them all."""
    if request.method == "PUT":
        return await replace_members(request)

    return await add_members(request)
