"""Groups requested names that read as one tool ("Midjourney", "midjourny", "MidJourney v7"
stay apart from "Mistral") and counts each person once per group and community. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz

from bot.tool_requests.models import RequestRow, WantedTool

SAME_TOOL_SCORE = 85.0
"""Two name keys scoring this close (rapidfuzz ratio on the compact names) are one tool."""


def _groups(keys: Iterable[str]) -> list[list[str]]:
    """Keys, most common first, each joined to the first group whose head it is close to."""
    groups: list[list[str]] = []
    for key in keys:
        for group in groups:
            if fuzz.ratio(key, group[0]) >= SAME_TOOL_SCORE:
                group.append(key)
                break
        else:
            groups.append([key])
    return groups


def group_wanted(rows: Iterable[RequestRow]) -> list[WantedTool]:
    """The most wanted tools: requests first, then the weaker unknown-name signal."""
    rows = list(rows)
    per_key = Counter(r.name_key for r in rows)
    ordered = sorted(per_key, key=lambda k: (-per_key[k], k))
    wanted: list[WantedTool] = []
    for keys in _groups(ordered):
        members = [r for r in rows if r.name_key in set(keys)]
        strongest: dict[tuple[str, str], str] = {}
        for row in members:
            person = (row.community, row.requester)
            if strongest.get(person) != "request":
                strongest[person] = row.strength
        spellings = Counter(r.name for r in members)
        wanted.append(
            WantedTool(
                name=spellings.most_common(1)[0][0],
                requests=sum(s == "request" for s in strongest.values()),
                unknown=sum(s == "unknown" for s in strongest.values()),
                communities=len({r.community for r in members}),
                spellings=tuple(name for name, _ in spellings.most_common()),
            )
        )
    wanted.sort(key=lambda w: (-w.requests, -w.unknown, w.name.casefold()))
    return wanted
