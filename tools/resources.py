"""Resources: the team, one computer, one user, and the audit log, as JSON."""

import json
from collections.abc import Awaitable

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import (
    ResourceError,
    ResourceNotFoundError,
    ToolError,
)
from pydantic import BaseModel

from tools.audit import AuditLog
from tools.devices import get_device
from tools.runtime import NotFoundError
from tools.team import describe_team
from tools.users import lookup_user_by_email

JSON = "application/json"


async def _read(answer: Awaitable[BaseModel]) -> str:
    """Run a tool for a resource, turning its errors into resource errors."""
    try:
        model = await answer
    except NotFoundError as exc:
        raise ResourceNotFoundError(str(exc)) from None
    except ToolError as exc:
        raise ResourceError(str(exc)) from None
    return model.model_dump_json(indent=2)


async def team(ctx: Context, team_id: str) -> str:
    """A team's summary, by team id, configured name, or `default`."""
    return await _read(describe_team(ctx, team=team_id))


async def device(ctx: Context, team_id: str, device: str) -> str:
    """One computer, by id or exact name: details and who can reach it."""
    return await _read(get_device(ctx, device=device, team=team_id))


async def user(ctx: Context, team_id: str, email: str) -> str:
    """One member, by email: role, remote access, computers they can reach."""
    return await _read(lookup_user_by_email(ctx, email=email, team=team_id))


def register(server: MCPServer, audit: AuditLog) -> None:
    def audit_log() -> str:
        """Writes this server process applied, oldest first (at most the last 500)."""
        return json.dumps({"entries": audit.entries()}, indent=2)

    routes = [
        ("jumpdesktop://audit", "audit-log", audit_log),
        ("jumpdesktop://team/{team_id}", "team", team),
        ("jumpdesktop://team/{team_id}/device/{device}", "device", device),
        ("jumpdesktop://team/{team_id}/user/{email}", "user", user),
    ]
    for uri, name, handler in routes:
        server.resource(uri, name=name, description=handler.__doc__, mime_type=JSON)(
            handler
        )
