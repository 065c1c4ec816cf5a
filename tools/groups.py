"""Access groups: a group's users may connect to every computer in it."""

import difflib

from mcp.server.mcpserver.exceptions import ToolError

from server.jumpdesktop import AccessGroup
from tools.text import clean


def pick_group(groups: list[AccessGroup], name_or_id: str) -> AccessGroup:
    """The access group named by an id or a name (any case), or a clear error."""
    wanted = " ".join(name_or_id.split())
    by_id = [group for group in groups if group.id == wanted]
    exact = [group for group in groups if clean(group.name) == wanted]
    any_case = [
        group for group in groups if clean(group.name).casefold() == wanted.casefold()
    ]
    for found in (by_id, exact, any_case):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            ids = ", ".join(group.id or "?" for group in found)
            raise ToolError(
                f"{len(found)} access groups are named {clean(wanted)!r} ({ids}); "
                "call again with the group id"
            )

    names = [clean(group.name) for group in groups if group.name]
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5)
    hint = f" Close: {', '.join(close)}." if close else f" Groups: {', '.join(names)}."
    raise ToolError(f"no access group is named {clean(wanted)!r}.{hint}"[:1000])
