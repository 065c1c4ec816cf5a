"""``GET /team/{teamID}/users``: the team's members, admins only."""

from starlette.requests import Request
from starlette.responses import Response

from ..wire import user_json
from .common import answer, team_call


async def list_users(request: Request) -> Response:
    """All members; ``?email=`` keeps the one whose email matches exactly.

    The match is case-sensitive, as the service's is: a client looking up
    ``li.wei@northwind.example`` will not find ``Li.Wei@Northwind.example``.
    """
    call = team_call(request, admin_for="list the team's users")
    users = list(call.team.users.values())

    email = request.query_params.get("email")
    if email is not None:
        users = [user for user in users if user.email == email]

    return answer({"users": [user_json(user) for user in users]})
