"""Connect installers: `get_installer_links`, the downloads that add a computer."""

from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from server.jumpdesktop import Team
from tools.runtime import READ_ONLY, TeamArg, resolve_team, runtime, upstream
from tools.team import InstallerSet, hides_admin_sections, installer_sets
from tools.text import clean

PROFILE_CAP = 25
URL_LIMIT = 1000

Platform = Literal["macos", "windows", "linux"]

KEEP_NAME = "do not rename the file: its name carries the team's configuration."
HOW_TO = {
    "pkg": f"Download it on the Mac and open it to install Connect; {KEEP_NAME}",
    "exe": f"Download it on the Windows PC and run it; {KEEP_NAME}",
    "msi": (
        "For silent or managed deployment on Windows (msiexec /qn, Intune, "
        f"Group Policy); {KEEP_NAME}"
    ),
}
LINUX_NOTE = (
    "No team installer link for Linux is known here: the API hands out macOS "
    "and Windows installers only. Install Jump Desktop Connect for Linux on "
    "the computer, then sign in to it with an account of this team."
)
NEEDS_ADMIN = (
    "Tried to read the team's Connect installers, but this token is not an "
    "admin's: a member's view of the team leaves out the Connect Settings "
    "profiles. Configure the server with a team admin's API token (the admin "
    "makes one in the dashboard under Security → Generate new token)."
)

NOT_LISTED = (
    "The API's answer for this team holds no Connect Settings profiles, so no "
    "installer links are known here; an admin finds them in the Jump Desktop "
    "dashboard under Connect Settings."
)


class InstallerLink(BaseModel):
    platform: str = Field(description='"macos" or "windows".')
    format: str = Field(description='"pkg", "exe" or "msi".')
    url: str
    how: str = Field(description="What to do with it.")


class InstallerProfile(BaseModel):
    profile: str = Field(description="Connect Settings profile the installers apply.")
    links: list[InstallerLink]


class InstallerLinks(BaseModel):
    platform: str = Field(description='The platform asked for, or "all".')
    total: int = Field(description="Connect Settings profiles with matching links.")
    profiles: list[InstallerProfile]
    linux: str | None = Field(description="How to add a Linux computer instead.")
    summary: str


async def get_installer_links(
    ctx: Context,
    platform: Annotated[
        Platform | None,
        Field(
            description=(
                '"macos" (the pkg), "windows" (the exe and the msi) or "linux"; '
                "omit for every platform."
            )
        ),
    ] = None,
    team: TeamArg = None,
) -> InstallerLinks:
    """Get the team's Connect installer links that add a computer to the team."""
    rt = runtime(ctx)
    team_id = await resolve_team(rt, team)

    async with upstream():
        found = await rt.client.get_team(team_id)
    profiles = _profiles(_installer_sets(found), platform)

    shown = profiles[:PROFILE_CAP]
    summary = _summary(profiles, shown, platform)
    if "deviceConfigs" in found.missing_sections() and platform != "linux":
        summary = NOT_LISTED
    return InstallerLinks(
        platform=platform or "all",
        total=len(profiles),
        profiles=shown,
        linux=LINUX_NOTE if platform in (None, "linux") else None,
        summary=summary,
    )


def _installer_sets(team: Team) -> list[InstallerSet]:
    # A member's limited view has no deviceConfigs at all, which is not the
    # same as a team that has no profiles. An admin's answer without them
    # (it holds other admin-only sections) lists no installers.
    missing = team.missing_sections()
    if "deviceConfigs" in missing and hides_admin_sections(missing):
        raise ToolError(NEEDS_ADMIN)
    return installer_sets(team)


def _profiles(
    sets: list[InstallerSet], platform: Platform | None
) -> list[InstallerProfile]:
    profiles = []
    for installers in sets:
        links = [
            link
            for link in _links(installers)
            if platform is None or link.platform == platform
        ]
        if links:
            profiles.append(InstallerProfile(profile=installers.profile, links=links))
    return profiles


def _links(installers: InstallerSet) -> list[InstallerLink]:
    offered = (
        ("macos", "pkg", installers.macos_pkg),
        ("windows", "exe", installers.windows_exe),
        ("windows", "msi", installers.windows_msi),
    )
    return [
        InstallerLink(
            platform=platform, format=kind, url=clean(url, URL_LIMIT), how=HOW_TO[kind]
        )
        for platform, kind, url in offered
        if url and clean(url, URL_LIMIT)
    ]


def _summary(
    profiles: list[InstallerProfile],
    shown: list[InstallerProfile],
    platform: Platform | None,
) -> str:
    if platform == "linux":
        return LINUX_NOTE

    wanted = {"macos": "macOS ", "windows": "Windows "}.get(platform or "", "")
    if not profiles:
        return (
            f"This team has no {wanted}Connect installer links. An admin creates "
            "them in the dashboard under Connect Settings."
        )

    names = ", ".join(repr(profile.profile) for profile in shown)
    text = (
        f"{len(profiles)} Connect Settings profile"
        f"{' has' if len(profiles) == 1 else 's have'} {wanted}installer links: "
        f"{names}. Run the installer on the computer to add it to the team; "
        "each profile applies its own Connect settings."
    )
    if len(shown) < len(profiles):
        text += f" Only the first {len(shown)} are listed."
    return text


def register(server: MCPServer) -> None:
    server.add_tool(
        get_installer_links,
        name="get_installer_links",
        title="Get Connect installer links",
        annotations=READ_ONLY,
    )
