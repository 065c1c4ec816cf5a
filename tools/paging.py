"""Pages of a list the API returns whole, behind opaque signed cursors."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from tools.signing import STALE_CURSOR, Signer, issue_cursor, read_cursor

T = TypeVar("T")

DEFAULT_LIMIT = 25

LimitArg = Annotated[
    int, Field(description="Most items to return in this page (1-100).", ge=1, le=100)
]
CursorArg = Annotated[
    str | None,
    Field(
        description=(
            "`next_cursor` from the previous page of the same query; "
            "omit for the first page."
        ),
        max_length=2000,
    ),
]


@dataclass(frozen=True)
class Slice(Generic[T]):
    items: list[T]
    total: int
    next_cursor: str | None

    @property
    def more(self) -> bool:
        return self.next_cursor is not None


def page_of(
    items: Sequence[T], limit: int, cursor: str | None, signer: Signer, query: Any
) -> Slice[T]:
    """The page of `items` that `cursor` points at (the first without one).

    `query` is whatever chose and ordered `items` (tool, team, filters): a
    cursor only continues the query that issued it.
    """
    offset = read_cursor(signer, query, cursor).get("offset", 0)
    if not isinstance(offset, int) or not 0 <= offset <= len(items):
        raise ToolError(STALE_CURSOR)

    end = offset + limit
    next_cursor = (
        issue_cursor(signer, query, {"offset": end}) if end < len(items) else None
    )
    return Slice(list(items[offset:end]), len(items), next_cursor)
