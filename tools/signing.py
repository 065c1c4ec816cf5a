"""Signed, self-contained tokens: page cursors and write confirmations.

Both are HMAC-signed with the server's signing key, so any replica holding
that key can check one and none has to remember it.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError

CONFIRM_TTL_SECONDS = 300
_DIGEST_BYTES = 16


class Signer:
    """Signs small JSON payloads and reads back the ones it signed."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def seal(self, payload: dict[str, Any]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True))
        return f"{body}.{self._mac(body)}"

    def open(self, token: str) -> dict[str, Any] | None:
        """The payload of a token this key signed, or None for anything else."""
        body, _, mac = token.strip().partition(".")
        # Compared as bytes: compare_digest refuses text that is not ASCII.
        expected = self._mac(body).encode()
        if not body or not hmac.compare_digest(mac.encode(), expected):
            return None
        try:
            payload = json.loads(
                base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            )
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return _b64(digest[:_DIGEST_BYTES])


def fingerprint(value: Any) -> str:
    """A short stable digest of JSON-able `value`, for comparing, never reading."""
    canonical = json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:24]


def _b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Cursors -----------------------------------------------------------------

STALE_CURSOR = (
    "this cursor is stale, belongs to another query, or was not issued by this "
    "server; call again without `cursor` to start from the first page"
)


def issue_cursor(signer: Signer, query: Any, position: dict[str, Any]) -> str:
    """A cursor for the next page of `query` (the filters that made the list)."""
    return signer.seal({"q": fingerprint(query), "p": position})


def read_cursor(signer: Signer, query: Any, cursor: str | None) -> dict[str, Any]:
    """The position a cursor points at; {} for no cursor; a ToolError if forged."""
    if cursor is None or not cursor.strip():
        return {}

    payload = signer.open(cursor)
    if payload is None or payload.get("q") != fingerprint(query):
        raise ToolError(STALE_CURSOR)
    position = payload.get("p")
    if not isinstance(position, dict):
        raise ToolError(STALE_CURSOR)
    return position


# Confirmations -----------------------------------------------------------


class Confirmations:
    """Two-step writes: a preview hands out a token, the confirming call spends it.

    A token is bound to the tool, the team, the arguments and the state the
    preview saw, and expires after a few minutes. Once the change is applied
    the state differs, so a token cannot be replayed on any replica; this one
    also remembers the tokens it has spent.
    """

    def __init__(self, signer: Signer, ttl: float = CONFIRM_TTL_SECONDS) -> None:
        self.signer = signer
        self.ttl = ttl
        self._spent: dict[str, float] = {}

    def issue(self, tool: str, team_id: str, arguments: Any, state: Any) -> str:
        return self.signer.seal(
            {
                "tool": tool,
                "args": fingerprint([team_id, arguments]),
                "state": fingerprint(state),
                "exp": int(time.time() + self.ttl),
                "nonce": secrets.token_hex(8),
            }
        )

    def spend(
        self, token: str, tool: str, team_id: str, arguments: Any, state: Any
    ) -> None:
        """Accept `token` for exactly this change once, or raise a ToolError."""
        payload = self.signer.open(token)
        if payload is None:
            raise ToolError(
                "this confirm token was not issued by this server or is damaged; "
                "call again without `confirm` to get a fresh preview and token"
            )
        if payload.get("tool") != tool or payload.get("args") != fingerprint(
            [team_id, arguments]
        ):
            raise ToolError(
                "this confirm token was issued for a different change; call again "
                "with exactly the arguments of the preview, or without `confirm` "
                "for a new preview"
            )

        self._forget_expired()
        expires = float(payload.get("exp", 0))
        if expires < time.time():
            raise ToolError(
                "this confirm token has expired (they last "
                f"{int(self.ttl // 60)} minutes); call again without `confirm` "
                "for a fresh preview"
            )
        if payload.get("nonce") in self._spent or payload.get("state") != fingerprint(
            state
        ):
            raise ToolError(
                "this confirm token was already used, or the team changed since "
                "the preview; call again without `confirm` to see what would "
                "change now"
            )
        self._spent[str(payload.get("nonce"))] = expires

    def release(self, token: str) -> None:
        """Let a spent token be used again: its write was refused, unapplied.

        The state it is bound to still keeps one change from applying twice.
        """
        payload = self.signer.open(token) or {}
        self._spent.pop(str(payload.get("nonce")), None)

    def _forget_expired(self) -> None:
        now = time.time()
        for nonce in [n for n, expires in self._spent.items() if expires < now]:
            del self._spent[nonce]
