"""Run the sandbox as a real HTTP server on a loopback address."""

import ipaddress
import sys

import uvicorn

from .app import create_app
from .seed import ADMIN_EMAIL, ADMIN_TOKEN, MEMBER_EMAIL, MEMBER_TOKEN, TEAM_ID
from .world import World


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    world: World | None = None,
    *,
    allow_remote: bool = False,
) -> None:
    """Serve the sandbox with uvicorn until interrupted.

    Writes the base URL, the demo tokens and the team id to stderr first
    (stdout stays clean for whoever runs this). The sandbox has no real
    security, so any host but a loopback address is refused with
    ValueError unless ``allow_remote`` is true.
    """
    if not allow_remote and not is_loopback(host):
        raise ValueError(
            f"Refusing to serve the sandbox on {host!r}: its tokens are public. "
            "Use a loopback address such as 127.0.0.1, or pass allow_remote=True."
        )

    app = create_app(world)
    print(_banner(base_url(host, port)), file=sys.stderr, flush=True)

    # Access logs would go to stdout; warnings and errors still reach stderr.
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(host: str, port: int) -> str:
    """Return the API base URL, bracketing an IPv6 address."""
    shown = f"[{host}]" if ":" in host else host

    return f"http://{shown}:{port}/v1"


def _banner(url: str) -> str:
    return "\n".join(
        [
            f"Jump Desktop Cloud sandbox serving {url}",
            f"  team id:      {TEAM_ID}",
            f"  admin token:  {ADMIN_TOKEN}  ({ADMIN_EMAIL})",
            f"  member token: {MEMBER_TOKEN}  ({MEMBER_EMAIL})",
        ]
    )
