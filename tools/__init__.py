"""The MCP tools, one module per part of a Jump Desktop team."""

from mcp.server.mcpserver import MCPServer

from server.settings import Settings
from tools import (
    access,
    devices,
    groups,
    history,
    installers,
    invites,
    prompts,
    resources,
    status,
    team,
    users,
)
from tools.audit import AuditLog


def register_tools(server: MCPServer, settings: Settings, audit: AuditLog) -> None:
    """Add every tool the settings allow, then the resources and prompts."""
    team.register(server)
    users.register(server)
    devices.register(server)
    groups.register(server)
    history.register(server)
    installers.register(server)
    status.register(server)
    if not settings.read_only:
        # Absent, not merely refused, when read-only: a model never sees them.
        access.register(server)
        invites.register(server)
    resources.register(server, audit)
    prompts.register(server)
