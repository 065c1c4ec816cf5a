"""The real `jumpdesktop-mcp` command, run as a subprocess over stdio and HTTP."""

import json
import os
import re
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from server.sandbox import ADMIN_TOKEN, MEMBER_TOKEN, TEAM_ID

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).with_name("jumpdesktop-mcp"))
TOKEN = "tok-7d2c5b-never-shown"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):  # about 20 seconds at most
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=0.5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [COMMAND, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    process.terminate()
    out, err = process.communicate(timeout=10)
    return out.decode(), err.decode()


@pytest.fixture
def loopback_sandbox() -> Iterator[str]:
    port = free_port()
    process = start("sandbox", "--port", str(port))
    base_url = f"http://127.0.0.1:{port}/v1"
    wait_until_up(f"{base_url}/user/teams", process)
    yield base_url
    stop(process)


def test_version_prints_the_version() -> None:
    done = subprocess.run([COMMAND, "--version"], capture_output=True, text=True)

    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", done.stdout)


def test_without_a_token_exits_with_one_line_of_help() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUMPDESKTOP_")}
    done = subprocess.run([COMMAND], capture_output=True, text=True, env=env)

    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Generate new token" in done.stderr and "--demo" in done.stderr


def test_a_malformed_team_id_is_refused() -> None:
    env = {"JUMPDESKTOP_API_TOKEN": TOKEN, "JUMPDESKTOP_TEAM_ID": "team-1"}
    done = subprocess.run(
        [COMMAND], capture_output=True, text=True, env={**os.environ, **env}
    )

    assert done.returncode == 2
    assert "team id" in done.stderr
    assert TOKEN not in done.stderr


@pytest.mark.anyio
async def test_stdio_demo_answers_every_tool() -> None:
    params = StdioServerParameters(command=COMMAND, args=["--demo"])
    async with Client(params) as client:
        tools = await client.list_tools()
        found = await client.call_tool("find_device", {"name": "Reception PC"})

    assert {t.name for t in tools.tools} >= {"describe_team", "find_device"}
    assert found.structured_content["matches"][0]["name"] == "Reception PC"


@pytest.mark.anyio
async def test_stdio_against_a_loopback_api_never_shows_the_token(
    loopback_sandbox: str, tmp_path: Path
) -> None:
    env = {
        "JUMPDESKTOP_API_TOKEN": ADMIN_TOKEN,
        "JUMPDESKTOP_TEAM_ID": TEAM_ID,
        "JUMPDESKTOP_BASE_URL": loopback_sandbox,
        "JUMPDESKTOP_LOG_LEVEL": "DEBUG",
    }
    errors = tmp_path / "stderr.txt"
    with errors.open("w") as errlog:
        params = StdioServerParameters(command=COMMAND, env=env)
        async with Client(stdio_client(params, errlog=errlog)) as client:
            team = await client.call_tool("describe_team", {})
            links = await client.call_tool(
                "get_connect_url", {"device": "Reception PC"}
            )

    assert not team.is_error and not links.is_error
    assert links.structured_content["connect"]["url"].startswith("https://")
    logged = errors.read_text()
    assert "GET /team/{teamID}/device/{deviceID}/urls" in logged
    assert ADMIN_TOKEN not in logged


def test_stdio_stdout_is_json_rpc_and_stderr_has_no_token(
    loopback_sandbox: str,
) -> None:
    env = {
        "JUMPDESKTOP_API_TOKEN": MEMBER_TOKEN,
        "JUMPDESKTOP_TEAM_ID": TEAM_ID,
        "JUMPDESKTOP_BASE_URL": loopback_sandbox,
        "JUMPDESKTOP_LOG_LEVEL": "DEBUG",
    }
    process = start(env=env)
    answers = exchange(
        process,
        [
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "t", "version": "0"},
                },
            },
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "describe_team", "arguments": {}},
            },
        ],
        last_id=2,
    )
    out, err = stop(process)

    assert answers[-1]["result"]["structuredContent"]["limited_view"] is True
    assert out.strip() == ""  # everything on stdout was read as JSON-RPC above
    assert "GET /team/{teamID}" in err
    assert MEMBER_TOKEN not in err


def exchange(
    process: subprocess.Popen[bytes], messages: list[dict], last_id: int
) -> list[dict]:
    """Send `messages`, then read stdout until the answer to `last_id` arrives.

    Stdin stays open meanwhile: a server may drop requests in flight at EOF.
    """
    assert process.stdin is not None and process.stdout is not None
    for message in messages:
        process.stdin.write(json.dumps(message).encode() + b"\n")
    process.stdin.flush()

    answers = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        assert line, "the server closed stdout before answering"
        answer = json.loads(line)  # anything but JSON-RPC on stdout fails here
        assert answer["jsonrpc"] == "2.0"
        answers.append(answer)
        if answer.get("id") == last_id:
            return answers
    raise AssertionError("no answer within 30 seconds")


@pytest.mark.anyio
async def test_http_demo_serves_mcp_on_loopback() -> None:
    port = free_port()
    process = start("--demo", "--transport", "http", "--port", str(port))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        async with Client(f"http://127.0.0.1:{port}/mcp") as client:
            team = await client.call_tool("describe_team", {})
    finally:
        _, stderr = stop(process)

    assert team.structured_content["counts"]["computers"] >= 40
    assert f"http://127.0.0.1:{port}/mcp" in stderr
    assert "claude mcp add" in stderr


def test_readme_python_snippet_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", readme, re.DOTALL)
    assert snippet, "the README has no Python example"

    env = {
        **os.environ,
        "PATH": f"{Path(COMMAND).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        [sys.executable, "-c", snippet.group(1)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "Lab Mac" in done.stdout


def test_stdio_on_a_terminal_prints_a_hint_and_serves_anyway() -> None:
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [COMMAND, "--demo"],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    try:
        assert process.stderr is not None
        # Bounded: a server that printed nothing must not hang the suite.
        ready, _, _ = select.select([process.stderr], [], [], 20)
        assert ready, "nothing on stderr within 20 seconds"
        first = process.stderr.readline().decode()
        second = process.stderr.readline().decode()
        time.sleep(0.5)
        still_serving = process.poll() is None
    finally:
        os.close(leader)
        stop(process)

    assert "MCP server for Jump Desktop" in first
    assert "claude mcp add" in second
    assert still_serving
