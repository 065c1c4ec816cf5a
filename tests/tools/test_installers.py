from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from mcp import Client

from server.app import build_server
from server.sandbox import MEMBER_TOKEN, TEAM_ID
from server.sandbox.world import DeviceConfig
from tests.conftest import call, call_error, make_settings

pytestmark = pytest.mark.anyio

TOOL = "get_installer_links"
PROFILES = ["Default", "Render Farm (no screen sharing)"]


def formats(page: dict[str, Any]) -> list[list[str]]:
    return [[link["format"] for link in p["links"]] for p in page["profiles"]]


@pytest.fixture
async def member(sandbox: Any, mode: str) -> AsyncIterator[Client]:
    settings = make_settings(api_token=MEMBER_TOKEN)
    server = build_server(settings, transport=httpx.ASGITransport(app=sandbox))
    async with Client(server, mode=mode) as client:
        yield client


async def test_get_installer_links_for_every_platform_names_each_profile(
    sandbox: Any, mcp: Client
) -> None:
    before = len(sandbox.state.requests)

    page = await call(mcp, TOOL)

    assert [p["profile"] for p in page["profiles"]] == PROFILES
    assert formats(page) == [["pkg", "exe", "msi"]] * 2
    assert page["platform"] == "all" and page["total"] == 2
    assert "Linux" in page["linux"]
    assert all(name in page["summary"] for name in PROFILES)
    assert len(sandbox.state.requests) - before == 1


@pytest.mark.parametrize(
    ("platform", "wanted", "ending"),
    [
        pytest.param("macos", ["pkg"], (".pkg",), id="macos"),
        pytest.param("windows", ["exe", "msi"], (".exe", ".msi"), id="windows"),
    ],
)
async def test_get_installer_links_for_one_platform_gives_only_its_files(
    mcp: Client, platform: str, wanted: list[str], ending: tuple[str, ...]
) -> None:
    page = await call(mcp, TOOL, platform=platform)

    assert formats(page) == [wanted] * 2
    for profile in page["profiles"]:
        for link in profile["links"]:
            assert link["platform"] == platform
            assert link["url"].startswith("https://")
            assert link["url"].endswith(ending)
            assert "rename" in link["how"]
    assert page["linux"] is None


async def test_get_installer_links_says_the_msi_is_for_managed_deployment(
    mcp: Client,
) -> None:
    page = await call(mcp, TOOL, platform="windows")

    how = {link["format"]: link["how"] for link in page["profiles"][0]["links"]}
    assert "silent" in how["msi"] and "managed" in how["msi"]
    assert "run it" in how["exe"]


async def test_get_installer_links_for_linux_says_there_is_no_link(
    mcp: Client,
) -> None:
    page = await call(mcp, TOOL, platform="linux")

    assert page["profiles"] == [] and page["total"] == 0
    assert "No team installer link for Linux" in page["linux"]
    assert "Jump Desktop Connect for Linux" in page["linux"]
    assert "sign in" in page["summary"]


async def test_get_installer_links_for_a_member_needs_an_admin(
    sandbox: Any, member: Client
) -> None:
    text = await call_error(member, TOOL)

    assert "admin's" in text
    assert "https://" not in text
    assert len(sandbox.state.requests) == 1


async def test_get_installer_links_without_profiles_says_where_to_make_them(
    sandbox: Any, mcp: Client
) -> None:
    sandbox.state.world.teams[TEAM_ID].device_configs = []

    page = await call(mcp, TOOL, platform="macos")

    assert page["profiles"] == [] and page["total"] == 0
    assert "Connect Settings" in page["summary"]


async def test_get_installer_links_cleans_hidden_characters_in_profile_names(
    sandbox: Any, mcp: Client
) -> None:
    sandbox.state.world.teams[TEAM_ID].device_configs = [
        DeviceConfig("DC-1", "Lab\u200b \u202eMacs", "token-1")
    ]

    page = await call(mcp, TOOL)

    assert page["profiles"][0]["profile"] == "Lab Macs"


async def test_get_installer_links_refuses_an_unknown_platform(mcp: Client) -> None:
    text = await call_error(mcp, TOOL, platform="beos")

    assert "platform" in text
