"""The audit log: one JSON line per applied write, on stderr and in memory."""

import json
import sys
from collections import deque
from datetime import UTC, datetime
from typing import Any

from tools.text import iso

AUDIT_CAPACITY = 500


class AuditLog:
    """The most recent applied writes, oldest first, bounded in memory."""

    def __init__(self, capacity: int = AUDIT_CAPACITY) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=capacity)

    def record(
        self, *, who: str, action: str, team_id: str, target: str, result: Any
    ) -> dict[str, Any]:
        entry = {
            "when": iso(datetime.now(UTC)),
            "who": who,
            "action": action,
            "team": team_id,
            "target": target,
            "result": result,
        }
        self._entries.append(entry)
        # A bare JSON line, whatever the log level or format, so a log
        # collector can keep audit lines apart from the rest of stderr.
        sys.stderr.write(json.dumps({"audit": entry}, ensure_ascii=False) + "\n")
        sys.stderr.flush()
        return entry

    def entries(self) -> list[dict[str, Any]]:
        return list(self._entries)
