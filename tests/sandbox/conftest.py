"""Clients for the sandbox app, talking to it in-process."""

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from server.sandbox import ADMIN_TOKEN, MEMBER_TOKEN, create_app

from .helpers import sandbox_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app() -> Starlette:
    return create_app()


@pytest.fixture
async def admin(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app, ADMIN_TOKEN) as client:
        yield client


@pytest.fixture
async def member(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app, MEMBER_TOKEN) as client:
        yield client


@pytest.fixture
async def anonymous(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with sandbox_client(app, None) as client:
        yield client
