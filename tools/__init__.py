"""The MCP tools, one module per part of a Jump Desktop team."""

from mcp.server.mcpserver import MCPServer

from server.settings import Settings
from tools import devices, team, users


def register_tools(server: MCPServer, settings: Settings) -> None:
    """Add every tool the settings allow, in a fixed order."""
    team.register(server)
    users.register(server)
    devices.register(server)
