"""Prompts: ready-made conversations an admin starts from a client's menu."""

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from pydantic import Field

from tools.text import clean, clean_email


def access_review(
    team: Annotated[
        str | None, Field(description="Team id or configured name; omit for default.")
    ] = None,
) -> str:
    """Review who can reach which computer, and what looks wrong."""
    which = f"the team {clean(team)!r}" if team else "the default team"
    return (
        f"Review remote access for {which} in Jump Desktop.\n"
        "1. Call describe_team for the overview and the admins.\n"
        "2. Call list_access_groups: for each group, who is in it and which "
        "computers it holds.\n"
        "3. Call list_users with remote_access='disabled' and point out disabled "
        "users who are still members of access groups.\n"
        "4. Call list_devices (page through with next_cursor) and list computers "
        "nobody can reach (reachable_by_count 0), and computers not seen for "
        "30 days (not_seen_for='30d') that still grant access.\n"
        "5. Summarise: the admins, anything that looks too broad, and concrete "
        "changes to consider. Do not change anything."
    )


def onboard_computer(
    platform: Annotated[
        Literal["windows", "macos", "linux"],
        Field(description="The new computer's operating system."),
    ],
    computer_name: Annotated[
        str | None, Field(description="What the computer will be called.")
    ] = None,
) -> str:
    """Walk through adding a new computer to the team with a Connect installer."""
    named = f" called {clean(computer_name)!r}" if computer_name else ""
    return (
        f"Help me add a new {platform} computer{named} to our Jump Desktop team.\n"
        f"1. Call get_installer_links with platform='{platform}' and give me the "
        "right link, with the instruction to run it on that computer without "
        "renaming the file.\n"
        "2. Tell me how to check it joined: once installed, find_device with its "
        "name should show it online.\n"
        "3. Ask me who should reach it; then suggest an access group from "
        "list_access_groups or direct access (grant_device_access, if it is "
        "available, always previews first)."
    )


def troubleshoot_connection(
    device: Annotated[str, Field(description="The computer's name or id.")],
    user_email: Annotated[
        str | None, Field(description="Email of the person who cannot connect.")
    ] = None,
) -> str:
    """Work out why someone cannot connect to a computer."""
    who = f" {clean_email(user_email)}" if user_email else " a user"
    steps = [
        f"Work out why{who} cannot connect to the computer {clean(device)!r}.",
        "1. Call get_device for it: is it online (last seen), and who can reach "
        "it, directly or through which group?",
    ]
    if user_email:
        steps.append(
            f"2. Call lookup_user_by_email for {clean_email(user_email)}: is their "
            "remote access enabled, and is this computer in their list?"
        )
    steps += [
        "3. Call get_connection_history for this computer with since='24h' and "
        "look for failed authentications or connections that closed early.",
        "4. Explain the likely cause in plain words (offline computer, no access, "
        "remote access disabled, failed sign-in) and the fix, and give the "
        "connect link from get_connect_url if the computer is reachable.",
    ]
    return "\n".join(steps)


def register(server: MCPServer) -> None:
    for prompt, title in [
        (access_review, "Access review"),
        (onboard_computer, "Add a new computer"),
        (troubleshoot_connection, "Troubleshoot a connection"),
    ]:
        server.prompt(name=prompt.__name__, title=title)(prompt)
