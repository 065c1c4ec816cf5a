"""Text that came from the API, made safe to show a model, and times made readable."""

import unicodedata
from datetime import UTC, datetime

NAME_LIMIT = 120
EMAIL_LIMIT = 254

# Categories that render as nothing or reorder text: controls, format
# characters (zero-width joiners, bidi overrides), separators other than a
# plain space, unassigned and private-use code points.
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean(text: object, limit: int = NAME_LIMIT) -> str:
    """Return `text` without invisible or bidirectional characters, capped."""
    if text is None:
        return ""

    text = str(text)
    if _plain(text) and len(text) <= limit:
        return text

    kept = (
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _HIDDEN_CATEGORIES
    )
    single_spaced = " ".join("".join(kept).split())

    if len(single_spaced) <= limit:
        return single_spaced
    return single_spaced[: limit - 1].rstrip() + "…"


def _plain(text: str) -> bool:
    # Printable ASCII holds no invisible or bidirectional characters, so most
    # names skip the per-character walk; only space runs still need folding.
    return (
        text.isascii()
        and text.isprintable()
        and "  " not in text
        and text == text.strip()
    )


def clean_email(email: object) -> str:
    return clean(email, EMAIL_LIMIT)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ago(moment: datetime | None, now: datetime | None = None) -> str:
    """Say how long ago `moment` was, the way a person would ("3 days ago")."""
    if moment is None:
        return "never seen"

    seconds = ((now or datetime.now(UTC)) - moment).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"

    return "just now"
