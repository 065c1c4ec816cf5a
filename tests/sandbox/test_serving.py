"""``serve()`` really serves on a loopback address, and only there by default."""

import socket
import subprocess
import sys
import time

import httpx
import pytest

from server.sandbox import ADMIN_TOKEN, MEMBER_TOKEN, TEAM_ID, serve
from server.sandbox.serving import base_url, is_loopback

STARTUP_POLLS = 100
POLL_INTERVAL = 0.1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    """Poll ``url`` until the server answers (bounded), or fail."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    with httpx.Client(trust_env=False, timeout=2) as client:
        for _ in range(STARTUP_POLLS):
            if process.poll() is not None:
                break
            try:
                return client.get(url, headers=headers)
            except httpx.TransportError:
                time.sleep(POLL_INTERVAL)

    raise AssertionError(f"the sandbox never answered at {url}")


def test_serve_answers_on_loopback_and_announces_itself_on_stderr() -> None:
    port = free_port()
    code = f"from server.sandbox import serve; serve(port={port})"

    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            response = wait_until_serving(
                f"http://127.0.0.1:{port}/v1/user/teams", process
            )
        finally:
            process.terminate()
            stdout, stderr = process.communicate(timeout=10)

    assert response.status_code == 200
    assert TEAM_ID in {team["id"] for team in response.json()["teams"]}
    assert stdout == ""
    assert f"http://127.0.0.1:{port}/v1" in stderr
    for text in (ADMIN_TOKEN, MEMBER_TOKEN, TEAM_ID):
        assert text in stderr


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("0.0.0.0", id="all-interfaces"),
        pytest.param("::", id="all-interfaces-v6"),
        pytest.param("192.168.1.20", id="lan-address"),
        pytest.param("sandbox.example", id="host-name"),
    ],
)
def test_serve_on_a_non_loopback_host_is_refused(host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(host=host, port=free_port())


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        pytest.param("127.0.0.1", True, id="ipv4"),
        pytest.param("127.1.2.3", True, id="ipv4-range"),
        pytest.param("::1", True, id="ipv6"),
        pytest.param("localhost", True, id="localhost"),
        pytest.param("10.0.0.1", False, id="private"),
        pytest.param("", False, id="empty"),
    ],
)
def test_is_loopback_recognises_loopback_hosts(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_base_url_brackets_ipv6_hosts() -> None:
    assert base_url("::1", 9000) == "http://[::1]:9000/v1"
    assert base_url("127.0.0.1", 9000) == "http://127.0.0.1:9000/v1"
