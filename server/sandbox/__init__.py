"""A simulated Jump Desktop Cloud API for demos and tests.

``create_app()`` serves the API under ``/v1`` over an in-memory world (the
seeded "Northwind Studio" team by default); use it in-process through
``httpx.ASGITransport`` or run it for real with ``serve()``. ``Faults``
makes the next responses slow, rate limited, failing or malformed.
"""

from .app import create_app
from .faults import Faults
from .generated import generated_world
from .seed import (
    ADMIN_EMAIL,
    ADMIN_TOKEN,
    MEMBER_EMAIL,
    MEMBER_TOKEN,
    SECOND_TEAM_ID,
    TEAM_ID,
    seeded_world,
)
from .serving import serve
from .world import World

__all__ = [
    "ADMIN_EMAIL",
    "ADMIN_TOKEN",
    "MEMBER_EMAIL",
    "MEMBER_TOKEN",
    "SECOND_TEAM_ID",
    "TEAM_ID",
    "Faults",
    "World",
    "create_app",
    "generated_world",
    "seeded_world",
    "serve",
]
