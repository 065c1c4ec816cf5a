"""The server itself: `server_status`."""

import time

from mcp.server.mcpserver import Context, MCPServer
from pydantic import BaseModel, Field

from server import __version__
from server.jumpdesktop import JumpDesktopError, UpstreamUnavailable
from tools.runtime import READ_ONLY, runtime

WRITE_TOOLS = ("grant_device_access", "revoke_device_access", "invite_user")


class ToolOff(BaseModel):
    name: str
    why: str


class ApiCheck(BaseModel):
    base_url: str
    answered: bool = Field(description="Whether the API answered at all.")
    token_accepted: bool | None = Field(description="None when it did not answer.")
    milliseconds: int
    problem: str | None


class ServerStatus(BaseModel):
    version: str
    demo: bool = Field(description="True when serving the built-in sandbox team.")
    default_team: str | None
    allowed_teams: dict[str, str]
    read_only: bool
    tools_off: list[ToolOff]
    api: ApiCheck
    summary: str


async def server_status(ctx: Context) -> ServerStatus:
    """Report version, team, read-only mode, tools turned off, and API health."""
    rt = runtime(ctx)
    settings = rt.settings
    api = await _check_api(ctx)

    tools_off = []
    if settings.read_only:
        why = "read-only mode; start with --allow-writes or JUMPDESKTOP_READ_ONLY=false"
        tools_off = [ToolOff(name=name, why=why) for name in WRITE_TOOLS]

    default = settings.team_id or rt.discovered_team_id
    return ServerStatus(
        version=__version__,
        demo=settings.demo,
        default_team=default,
        allowed_teams=rt.allowed_teams(),
        read_only=settings.read_only,
        tools_off=tools_off,
        api=api,
        summary=_summary(default, settings.read_only, api),
    )


async def _check_api(ctx: Context) -> ApiCheck:
    """One light request: any answer, even a refusal, shows the API is up."""
    rt = runtime(ctx)
    started = time.perf_counter()
    answered, accepted, problem = True, True, None
    try:
        await rt.client.list_teams()
    except UpstreamUnavailable as exc:
        answered, accepted, problem = exc.status is not None, None, exc.message
    except JumpDesktopError as exc:
        accepted = exc.status not in (401, 403)
        problem = None if accepted else exc.message

    return ApiCheck(
        base_url=rt.settings.base_url,
        answered=answered,
        token_accepted=accepted,
        milliseconds=round((time.perf_counter() - started) * 1000),
        problem=problem,
    )


def _summary(team: str | None, read_only: bool, api: ApiCheck) -> str:
    mode = "read-only" if read_only else "writes allowed (each needs confirmation)"
    health = (
        f"the API answered in {api.milliseconds} ms"
        if api.answered and api.token_accepted
        else f"the API check failed: {api.problem}"
    )
    return f"jumpdesktop-mcp {__version__}, team {team or 'not set'}, {mode}; {health}."


def register(server: MCPServer) -> None:
    server.add_tool(
        server_status,
        name="server_status",
        title="Server status",
        annotations=READ_ONLY,
    )
