"""The web links Jump Desktop hands out: connect pages, installers, avatars.

Every link is derived from ids alone, so asking twice gives the same answer.
"""

from .ids import make_token

APP_URL = "https://app.jumpdesktop.com"


def device_urls(team_id: str, device_id: str) -> dict[str, str]:
    """Return the three links of one computer, spelled as the API spells them."""
    return {
        "askScreenShare": f"{APP_URL}/screenshare/ask/{make_token(device_id)}",
        "connect": f"{APP_URL}/connect/device/{device_id}",
        "dashboard": f"{APP_URL}/dashboard/teams/{team_id}/devices/{device_id}",
    }


def connect_downloads(download_token: str) -> dict[str, str]:
    """Return a Connect Settings profile's installers for macOS and Windows."""
    base = f"{APP_URL}/connect/dl/{download_token}"

    return {
        "macpkg": f"{base}/JumpDesktopConnect.pkg",
        "winexe": f"{base}/JumpDesktopConnect.exe",
        "winmsi": f"{base}/JumpDesktopConnect.msi",
    }


def avatar_url(team_id: str) -> str:
    """Return the team's avatar image link."""
    return f"{APP_URL}/avatars/teams/{team_id}.png"
