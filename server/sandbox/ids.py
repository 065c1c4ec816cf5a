"""Opaque, deterministic identifiers for everything the sandbox invents.

The same key gives the same id on every run, so the seeded world's ids are
stable without writing dozens of them out by hand.
"""

import base64
import hashlib


def make_id(prefix: str, key: str, length: int = 24) -> str:
    """Return ``prefix-`` and ``length`` letters and digits derived from ``key``.

    ``length`` must be at most 50 (what one SHA-256 digest yields in base 32).
    """
    digest = hashlib.sha256(key.encode()).digest()
    text = base64.b32encode(digest).decode().rstrip("=")

    return f"{prefix}-{text[:length]}"


def make_token(key: str) -> str:
    """Return a lowercase, URL-safe secret-looking token derived from ``key``."""
    return hashlib.sha256(f"token/{key}".encode()).hexdigest()[:32]
