"""What every tool shares: the API client, the team it may use, error translation."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from server.jumpdesktop import JumpDesktopClient, JumpDesktopError, NotFound
from server.settings import Settings
from tools.audit import AuditLog
from tools.signing import Confirmations, Signer

READ_ONLY = ToolAnnotations(
    read_only_hint=True,
    destructive_hint=False,
    idempotent_hint=True,
    open_world_hint=True,
)

TeamArg = Annotated[
    str | None,
    Field(
        description=(
            "Team id (T-…) or a configured team name; omit for the default team."
        ),
        max_length=100,
    ),
]


class NotFoundError(ToolError):
    """Nothing in the team matches what was asked for."""


@dataclass
class Runtime:
    """The state one server process keeps while it runs."""

    settings: Settings
    client: JumpDesktopClient
    signer: Signer = field(init=False)
    confirmations: Confirmations = field(init=False)
    audit: AuditLog = field(default_factory=AuditLog)
    discovered_team_id: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        key = self.settings.signing_key
        self.signer = Signer(key.get_secret_value().encode() if key else None)
        self.confirmations = Confirmations(self.signer)

    def allowed_teams(self) -> dict[str, str]:
        """Team ids this server may use, keyed by the name a user may type."""
        teams = dict(self.settings.teams)
        default = self.settings.team_id or self.discovered_team_id
        if default and default not in teams.values():
            teams["default"] = default
        return teams


def runtime(ctx: Context) -> Runtime:
    return ctx.request_context.lifespan_context


async def resolve_team(rt: Runtime, team: str | None) -> str:
    """Turn a tool's `team` argument into a team id this server may use."""
    if team is None or not team.strip():
        return await _default_team(rt)

    wanted = team.strip()
    if wanted.casefold() == "default":
        return await _default_team(rt)

    allowed = rt.allowed_teams()
    if wanted in allowed.values():
        return wanted

    for name, team_id in allowed.items():
        if name.casefold() == wanted.casefold():
            return team_id

    listed = ", ".join(f"{name} ({team_id})" for name, team_id in allowed.items())
    raise NotFoundError(
        f"team {wanted!r} is not one this server may use; allowed: {listed}. "
        "Omit `team` for the default team."
    )


async def _default_team(rt: Runtime) -> str:
    default = rt.settings.team_id or rt.discovered_team_id
    if default:
        return default

    # No team configured: a token that belongs to exactly one team says which.
    async with upstream():
        teams = await rt.client.list_teams()
    if len(teams) == 1 and teams[0].id:
        rt.discovered_team_id = teams[0].id
        return teams[0].id

    raise ToolError(
        "no default team is configured and the token's user belongs to "
        f"{len(teams)} teams; set JUMPDESKTOP_TEAM_ID to one of them (the id "
        "is in the dashboard URL app.jumpdesktop.com/dashboard/teams/<id>)"
    )


@asynccontextmanager
async def upstream() -> AsyncIterator[None]:
    """Turn the API client's errors into tool errors the model can act on."""
    try:
        yield
    except NotFound as exc:
        raise NotFoundError(exc.message) from None
    except JumpDesktopError as exc:
        raise ToolError(exc.message) from None
