"""Spans of time a model types, like "90m" or "7d", read into timedeltas."""

import re
from datetime import timedelta

from mcp.server.mcpserver.exceptions import ToolError

from tools.text import clean

UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Ten years is longer than any question about a team needs, and keeps every
# answer a valid timedelta.
LONGEST = timedelta(weeks=522)
DURATION_FORMAT = (
    "a number and a unit: m (minutes), h (hours), d (days) or w (weeks), "
    "like '90m', '24h', '7d' or '2w'"
)

_SHAPE = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z])")


def parse_duration(text: str, field: str) -> timedelta:
    """Read `text` ("90m", "24h", "7d", "2w") as a span of time.

    Anything else, zero, or more than ten years is a ToolError that names
    `field`, the argument the text came from, and the format it takes.
    """
    shape = _SHAPE.fullmatch(text.strip().casefold())
    if shape is None or shape.group(2) not in UNITS:
        raise ToolError(
            f"{field} {clean(text, 40)!r} is not a duration; pass {DURATION_FORMAT}"
        )

    number, unit = float(shape.group(1)), UNITS[shape.group(2)]
    # Checked before building the span, which cannot hold a huge number; a
    # tiny one rounds to zero microseconds, which would filter nothing.
    too_long = number > LONGEST / timedelta(**{unit: 1})
    if too_long or not timedelta(**{unit: number}):
        raise ToolError(
            f"{field} {clean(text, 40)!r} is out of range; pass a duration above "
            "zero and at most ten years (522w), like '7d'"
        )
    return timedelta(**{unit: number})
