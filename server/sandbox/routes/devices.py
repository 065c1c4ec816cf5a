"""The team's computers: the list, one computer, and its links."""

import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from ..access import reachable_devices
from ..links import device_urls
from ..wire import device_json
from .common import answer, team_call, visible_device


def name_matcher(pattern: str) -> Callable[[str], bool]:
    """Return a test for computer names: exact and case-sensitive, where ``*``
    stands for any run of characters (so ``*Lab*`` matches ``Lab Mac``).
    """
    if "*" not in pattern:
        return pattern.__eq__

    regex = re.compile(".*".join(map(re.escape, pattern.split("*"))), re.DOTALL)

    return lambda name: regex.fullmatch(name) is not None


async def list_devices(request: Request) -> Response:
    """Every computer for an admin, the reachable ones for anyone else."""
    call = team_call(request)
    if call.caller.is_admin:
        devices = list(call.team.devices.values())
    else:
        devices = reachable_devices(call.team, call.caller.id)

    pattern = request.query_params.get("name")
    if pattern is not None:
        matches = name_matcher(pattern)
        devices = [device for device in devices if matches(device.name)]

    now = call.world.now()
    return answer({"devices": [device_json(device, now) for device in devices]})


async def get_device(request: Request) -> Response:
    call = team_call(request)
    device = visible_device(call, request.path_params["device_id"])

    return answer(device_json(device, call.world.now()))


async def get_device_urls(request: Request) -> Response:
    call = team_call(request)
    device = visible_device(call, request.path_params["device_id"])

    return answer(device_urls(call.team.id, device.id))
