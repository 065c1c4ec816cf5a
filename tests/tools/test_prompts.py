import pytest
from mcp import Client

pytestmark = pytest.mark.anyio


async def test_prompts_are_listed_with_descriptions_and_arguments(
    mcp: Client,
) -> None:
    prompts = {prompt.name: prompt for prompt in (await mcp.list_prompts()).prompts}

    assert set(prompts) == {
        "access_review",
        "onboard_computer",
        "troubleshoot_connection",
    }
    for prompt in prompts.values():
        assert prompt.description and prompt.title
        assert all(argument.description for argument in prompt.arguments or [])
    required = {
        a.name for a in prompts["troubleshoot_connection"].arguments if a.required
    }
    assert required == {"device"}


async def test_onboard_computer_points_at_the_installer_tool(mcp: Client) -> None:
    prompt = await mcp.get_prompt("onboard_computer", {"platform": "windows"})

    text = prompt.messages[0].content.text
    assert "get_installer_links" in text and "platform='windows'" in text


async def test_troubleshoot_connection_mentions_the_user_only_when_given(
    mcp: Client,
) -> None:
    without = await mcp.get_prompt("troubleshoot_connection", {"device": "Lab Mac"})
    with_user = await mcp.get_prompt(
        "troubleshoot_connection",
        {"device": "Lab Mac", "user_email": "li.wei@northwind.example"},
    )

    assert "lookup_user_by_email" not in without.messages[0].content.text
    assert "li.wei@northwind.example" in with_user.messages[0].content.text


async def test_prompt_arguments_are_cleaned_of_hidden_characters(mcp: Client) -> None:
    prompt = await mcp.get_prompt("troubleshoot_connection", {"device": "Kiosk\u202e"})

    assert "\u202e" not in prompt.messages[0].content.text
