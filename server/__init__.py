"""jumpdesktop-mcp: an MCP server for a Jump Desktop for Teams account."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jumpdesktop-mcp")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
