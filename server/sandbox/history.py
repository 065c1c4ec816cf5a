"""Connection history: how one connection unfolds, and how a page of it is cut.

A connection is a request, the incoming connection, then either a
successful or a failed sign-in, and finally its closing, all sharing one
connection id.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from .ids import make_id
from .world import Device, DeviceEvent, EventKind, Peer

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50

# Seconds between the steps of a connection: the request reaches the
# computer at once, the sign-in takes a few seconds, and a failed sign-in
# is dropped shortly after.
_ACCEPT_DELAY = 1
_SIGN_IN_DELAY = 4
_DROP_AFTER_FAILURE = 2


class Timed(Protocol):
    """Anything with a Unix-seconds ``timestamp``: both kinds of history event."""

    @property
    def timestamp(self) -> int: ...


Event = TypeVar("Event", bound=Timed)


def connection_events(
    device: Device, peer: Peer, started_at: int, duration: int, succeeded: bool = True
) -> list[DeviceEvent]:
    """Return the four steps of one connection to a computer that has been seen.

    ``started_at`` is Unix seconds; ``duration`` (seconds) is how long a
    successful session lasted before it closed.
    """
    if device.os_info is None:
        raise ValueError(f"computer {device.id} was never seen, so it has no history")

    key = f"{device.id}/{peer.email}/{started_at}"
    connection_id = make_id("C", key)
    tunnel_id = make_id("TN", key, length=16)
    signed_in_at = started_at + _SIGN_IN_DELAY
    closed_at = signed_in_at + (duration if succeeded else _DROP_AFTER_FAILURE)

    steps: list[tuple[int, EventKind]] = [
        (started_at, "incomingConnectionRequest"),
        (started_at + _ACCEPT_DELAY, "incomingConnectionEvent"),
        (signed_in_at, "authSucceededEvent" if succeeded else "authFailedEvent"),
        (closed_at, "connectionClosedEvent"),
    ]

    return [
        DeviceEvent(
            timestamp=timestamp,
            kind=kind,
            device_id=device.id,
            host_name=device.os_info.hostname,
            connection_id=connection_id,
            tunnel_id=tunnel_id,
            peer=peer,
        )
        for timestamp, kind in steps
    ]


@dataclass(frozen=True, slots=True)
class PageQuery:
    """Which events to answer: a time window, an order and an offset page.

    ``start_time`` includes events at or after it, ``end_time`` those
    strictly before it; both are Unix seconds.
    """

    desc: bool = True
    limit: int = DEFAULT_PAGE_SIZE
    offset: int = 0
    start_time: float | None = None
    end_time: float | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[Event]):
    events: list[Event]
    has_more: bool
    next_offset: int


def select_page(events: Sequence[Event], query: PageQuery) -> Page[Event]:
    """Return one page of ``events``, which are ordered oldest first."""
    chosen = [event for event in events if _in_window(event.timestamp, query)]
    if query.desc:
        chosen.reverse()

    page = chosen[query.offset : query.offset + query.limit]
    next_offset = query.offset + len(page)

    return Page(page, has_more=next_offset < len(chosen), next_offset=next_offset)


def _in_window(timestamp: int, query: PageQuery) -> bool:
    if query.start_time is not None and timestamp < query.start_time:
        return False

    return query.end_time is None or timestamp < query.end_time
