"""The tool contract clients see: any change to it must be reviewed.

After a deliberate change, refresh the snapshot with
`UPDATE_SNAPSHOTS=1 make test` and review the diff of tests/snapshots/.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from server.app import build_server
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).parent / "snapshots"

pytestmark = pytest.mark.anyio


async def contract(**settings: Any) -> list[dict[str, Any]]:
    async with Client(build_server(make_settings(**settings))) as client:
        tools = (await client.list_tools()).tools
    return [
        tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools
    ]


def check_snapshot(name: str, value: Any) -> None:
    path = SNAPSHOTS / name
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text)
    assert path.exists(), f"no snapshot {name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(), f"{name} changed: review, then UPDATE_SNAPSHOTS=1"


async def test_tool_contract_matches_the_snapshot() -> None:
    check_snapshot("tools.json", await contract())


async def test_every_tool_states_all_four_hints_and_a_title() -> None:
    for tool in await contract():
        hints = tool["annotations"]
        assert tool["title"], tool["name"]
        assert set(hints) >= {
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        }, tool["name"]
        assert "outputSchema" in tool, tool["name"]
        assert len(tool["description"]) <= 120, tool["name"]


async def test_readme_tool_table_lists_every_tool() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- tools:start -->")[1].split("<!-- tools:end -->")[0]
    listed = re.findall(r"^\| `(\w+)` \| (.+) \|$", table, re.MULTILINE)

    tools = await contract(read_only=False)

    assert [name for name, _ in listed] == [tool["name"] for tool in tools]
    for (_, said), tool in zip(listed, tools, strict=True):
        assert said.startswith(tool["description"].split(".")[0]), tool["name"]
