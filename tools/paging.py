"""Pages of a list the API returns whole, behind opaque signed cursors."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from tools.signing import STALE_CURSOR, Signer, issue_cursor, read_cursor


class Record(Protocol):
    """What a page lists: users or computers, each known by its id."""

    @property
    def id(self) -> str | None: ...


T = TypeVar("T", bound=Record)

LIST_CHANGED = (
    "the list changed since the previous page: the last item it showed is no "
    "longer in it; call again without `cursor` to start from the first page"
)

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
    cursor only continues the query that issued it. The API is read afresh
    for every page, so a cursor holds the id of the last item it follows: a
    member or computer added or removed before that item since the previous
    page shifts nothing.
    """
    start = _start(items, read_cursor(signer, query, cursor))

    end = start + limit
    page = list(items[start:end])
    next_cursor = None
    if end < len(items):
        position = {"offset": end, "after": page[-1].id}
        next_cursor = issue_cursor(signer, query, position)
    return Slice(page, len(items), next_cursor)


def _start(items: Sequence[T], position: dict[str, Any]) -> int:
    """Where in `items`, as they are now, the page a cursor points at starts."""
    offset, after = position.get("offset", 0), position.get("after")
    if after is not None:
        ids = [item.id for item in items]
        if after not in ids:
            raise ToolError(LIST_CHANGED)
        return ids.index(after) + 1

    # A first page, or a page after an item without an id.
    if not isinstance(offset, int) or not 0 <= offset <= len(items):
        raise ToolError(STALE_CURSOR)
    return offset
