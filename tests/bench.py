"""How much the server adds on top of reading the team from the API.

Run with `make bench`. For teams of growing size, each step is timed against
a baseline measured in the same run: the raw `GET /team/{id}` from the same
in-process sandbox, decoded with `json.loads` and nothing else. Machines here
are noisy, so only the ratios mean anything, and runs are interleaved so
that a slow moment hurts every step alike. Nothing here passes or fails.
"""

import json
import logging
import statistics
import time
from collections.abc import Awaitable, Callable

import anyio
import httpx
import stamina
from mcp import Client

from server.app import build_server
from server.jumpdesktop import JumpDesktopClient
from server.sandbox import ADMIN_TOKEN, TEAM_ID, create_app, generated_world
from server.settings import Settings

SIZES = [(200, 1_000), (1_000, 5_000), (2_000, 20_000)]  # users, computers
ROUNDS = 7


async def bench_team(users: int, devices: int) -> dict[str, float]:
    app = create_app(generated_world(users=users, devices=devices, groups=40))
    base_url = "http://sandbox.bench/v1"
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    settings = Settings(api_token=ADMIN_TOKEN, team_id=TEAM_ID, base_url=base_url)
    transport = httpx.ASGITransport(app=app)

    raw = httpx.AsyncClient(transport=transport, base_url=base_url, headers=headers)
    api = JumpDesktopClient(ADMIN_TOKEN, base_url, transport=transport)
    mcp = Client(build_server(settings, transport=transport))
    async with raw, api, mcp:

        async def baseline() -> None:
            json.loads((await raw.get(f"/team/{TEAM_ID}")).content)

        steps: dict[str, Callable[[], Awaitable[object]]] = {
            "raw GET /team + json.loads": baseline,
            "client.get_team (typed models)": lambda: api.get_team(TEAM_ID),
            "find_device (MCP call)": lambda: mcp.call_tool(
                "find_device", {"name": "a", "limit": 100}
            ),
            "lookup_user_by_email (MCP call)": lambda: mcp.call_tool(
                "lookup_user_by_email", {"email": "avery.admin@northwind.example"}
            ),
            "list_access_groups (MCP call)": lambda: mcp.call_tool(
                "list_access_groups", {}
            ),
        }
        timings: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(ROUNDS):
            for name, step in steps.items():
                started = time.perf_counter()
                await step()
                timings[name].append(time.perf_counter() - started)

    return {name: statistics.median(times) for name, times in timings.items()}


async def main() -> None:
    # Nothing should retry or log per request while timing.
    stamina.set_active(False)
    logging.basicConfig(level=logging.WARNING)
    print(f"median of {ROUNDS} interleaved rounds, as a ratio to the baseline\n")
    for users, devices in SIZES:
        medians = await bench_team(users, devices)
        baseline = next(iter(medians.values()))
        print(f"{users} users, {devices} computers (baseline {baseline * 1000:.0f} ms)")
        for name, seconds in medians.items():
            print(f"  {name:36} {seconds / baseline:5.2f}x")
        print()


if __name__ == "__main__":
    anyio.run(main)
