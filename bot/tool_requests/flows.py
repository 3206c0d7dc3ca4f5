"""The request flow every surface shares: "Request it" pressed (or `:request`, or `verdict
request NAME`), and the weaker signal of an unknown name typed in /compare. Answers are plain
text; adapters escape them (a requested name is user text)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.compare import Comparer
from bot.errors import UnknownTool, VerdictError
from bot.tool_requests.grouping import group_wanted
from bot.tool_requests.models import MAX_NAME_LENGTH, WantedTool
from bot.tool_requests.store import RequestStore

log = logging.getLogger(__name__)


def unknown_names(error: VerdictError) -> list[str]:
    """The names of a failed comparison that matched no tool at all (not the ambiguous ones),
    each once, in the order typed: what "Request it" offers to request."""
    names: list[str] = []
    for problem in error.problems:
        if isinstance(problem, UnknownTool) and problem.typed.strip():
            name = " ".join(problem.typed.split())
            if name not in names and len(name) <= MAX_NAME_LENGTH:
                names.append(name)
    return names


def _people(n: int) -> str:
    return "1 person here wants it" if n == 1 else f"{n} people here want it"


class RequestDesk:
    """Requests against one catalogue (a name it knows is not requested) and one store."""

    def __init__(self, comparer: Comparer, requests: RequestStore) -> None:
        self.comparer = comparer
        self.requests = requests

    async def request(self, *, platform: str, community: str, user_id: str, name: str) -> str:
        """Record that this person wants `name` here; the answer says how many do."""
        name = " ".join(name.split())
        if not name:
            return "Name the tool to request, for example: request midjourney"
        if len(name) > MAX_NAME_LENGTH:
            return f"That name is {len(name)} characters; a tool's name is at most 60."
        try:
            known = self.comparer.tool(name)
        except UnknownTool:
            pass
        except VerdictError as error:  # it names several known tools: nothing to add
            return error.message
        else:
            return f'"{name}" is already in the catalogue as {known.name}.'
        before = await self.requests.record(
            platform=platform, community=community, user_id=user_id, name=name, strength="request"
        )
        count = await self.requests.count(community, name)
        if before == "request":
            return f'You already requested "{name}"; {_people(count)}.'
        return f'Requested "{name}": {_people(count)}. The most wanted tools are added first.'

    async def note_unknown(
        self, *, platform: str, community: str, user_id: str, names: Sequence[str]
    ) -> None:
        """Count the unknown names of a failed /compare (`unknown_names`) as a weak request.
        Never raises: the asker's answer matters more than this signal."""
        try:
            for name in names:
                await self.requests.record(
                    platform=platform,
                    community=community,
                    user_id=user_id,
                    name=name,
                    strength="unknown",
                )
        except Exception:
            log.exception("could not note an unknown tool name")

    async def most_wanted(self, community: str | None = None) -> list[WantedTool]:
        return group_wanted(await self.requests.rows(community))
