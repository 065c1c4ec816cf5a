"""The API's routes, relative to ``/v1``, one module per thing they serve."""

from starlette.routing import BaseRoute, Route

from . import devices, history, invites, members, team, users

_DEVICE = "/team/{team_id}/device/{device_id}"


def api_routes() -> list[BaseRoute]:
    """Return every route the sandbox serves, paths relative to ``/v1``."""
    return [
        Route("/user/teams", team.list_user_teams, methods=["GET"]),
        Route("/team/{team_id}", team.get_team, methods=["GET"]),
        Route("/team/{team_id}/users", users.list_users, methods=["GET"]),
        Route("/team/{team_id}/devices", devices.list_devices, methods=["GET"]),
        Route(
            "/team/{team_id}/device/members",
            members.bulk_add_members,
            methods=["PATCH"],
        ),
        Route(_DEVICE, devices.get_device, methods=["GET"]),
        Route(f"{_DEVICE}/urls", devices.get_device_urls, methods=["GET"]),
        Route(f"{_DEVICE}/members", members.change_members, methods=["POST", "PUT"]),
        Route(f"{_DEVICE}/members/delete", members.remove_members, methods=["POST"]),
        Route("/team/{team_id}/history", history.team_history, methods=["GET"]),
        Route(
            "/team/{team_id}/history/devices", history.device_history, methods=["GET"]
        ),
        Route("/team/{team_id}/invite/user", invites.invite_user, methods=["POST"]),
    ]
