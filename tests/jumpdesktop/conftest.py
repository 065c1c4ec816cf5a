from collections.abc import Callable, Iterator

import httpx
import pytest
import stamina

from .fakes import Answer, FakeApi


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def retries_without_waiting() -> Iterator[None]:
    # cap=True keeps the client's own attempt count, so tests can count it.
    with stamina.set_testing(True, attempts=10, cap=True):
        yield


@pytest.fixture
def fake_api() -> Callable[..., FakeApi]:
    """Build a FakeApi from answers; with none it says 200 ``{}`` to all."""

    def build(*answers: Answer) -> FakeApi:
        return FakeApi(list(answers) or [httpx.Response(200, json={})])

    return build
