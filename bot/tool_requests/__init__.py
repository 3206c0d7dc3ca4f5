"""Tools people asked for that the catalogue lacks: "Request it" presses and unknown names typed
in /compare (models), stored once per person per name per community (store), grouped by fuzzy
name into a most-wanted list (grouping), and the flow every surface shares (flows)."""

from bot.tool_requests.flows import RequestDesk, unknown_names
from bot.tool_requests.grouping import group_wanted
from bot.tool_requests.models import (
    MAX_NAME_LENGTH,
    RequestRow,
    Strength,
    WantedTool,
)
from bot.tool_requests.store import RequestStore

__all__ = [
    "MAX_NAME_LENGTH",
    "RequestDesk",
    "RequestRow",
    "RequestStore",
    "Strength",
    "WantedTool",
    "group_wanted",
    "unknown_names",
]
