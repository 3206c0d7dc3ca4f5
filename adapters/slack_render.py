"""Slack's side of the card: Block Kit inside Slack's limits, and mrkdwn-safe text."""

from __future__ import annotations

from typing import Any

from bot.catalogue import Catalogue, Tool, pricing_read
from bot.platform import PostedCard
from bot.render.cells import community_cell, panel_cell, picked_name
from bot.votes import SLACK_NAMES, Leaderboard

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
MAX_FIELDS = 10
CONTEXT_LIMIT = 2000
ELLIPSIS = "…"

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: these three and nothing else. `<!channel>` then pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, str]:
    return {"type": "mrkdwn", "text": fit(text, limit)}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text, CONTEXT_LIMIT)]}


def vote_name(position: int) -> str:
    return SLACK_NAMES[position]


def card_blocks(posted: PostedCard) -> list[Block]:
    card = posted.card
    pick = picked_name(card)
    headline = f"*Verdict: ship {escape(pick)}.*" if pick else "*Verdict: it depends.*"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": fit(card.title, HEADER_LIMIT)}}
    ]
    if posted.recap:
        blocks.append(_context(f"_{escape(posted.recap)}_"))
    blocks.append(_section(f"{headline} {escape(card.verdict.reason)}"))
    fields = []
    for position, (column, votes) in enumerate(zip(card.tools, posted.card_votes, strict=True)):
        lines = [
            f"*:{vote_name(position)}: {escape(column.name)}*",
            f"_{escape(column.tagline)}_",
            f"*Panel ship* {panel_cell(column)}",
            f"*Community* {community_cell(column)}",
            f"*Votes here* {votes}",
            f"*Entry* {column.entry_price.value}",
            f"*Pricing* {escape(column.pricing_read)}",
            f"*Best for* {escape(column.best_for)}",
        ]
        fields.append(_mrkdwn("\n".join(lines), FIELD_LIMIT))
    blocks.append({"type": "section", "fields": fields[:MAX_FIELDS]})
    blocks.append({"type": "divider"})
    for persona in card.reviewer_split:
        mark = "≠" if persona.split else "="
        takes = "\n".join(
            f"{escape(t.name)}: *{t.verdict}*, {escape(t.take)}" for t in persona.takes
        )
        blocks.append(_section(f"*{mark} {escape(persona.name)}*\n{takes}"))
    if posted.head_to_head is not None:
        pair = posted.head_to_head
        names = {c.slug: escape(c.name) for c in card.tools}
        blocks.append(
            _context(
                f"Head to head on every card: {names[pair.first]} {pair.first_wins} · "
                f"{names[pair.second]} {pair.second_wins}"
            )
        )
    tally = " · ".join(f":{vote_name(i)}: {votes}" for i, votes in enumerate(posted.card_votes))
    blocks.append(_context(f"Which one would you ship? React to vote. Votes here: {tally}"))
    if posted.page_url is not None:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Full page"},
            "url": posted.page_url,
            "action_id": "full_page",
        }
        # The link stays even when a long card is cut to Slack's block limit.
        return [*blocks[: MAX_BLOCKS - 1], {"type": "actions", "elements": [button]}]
    return blocks[:MAX_BLOCKS]


def card_text(posted: PostedCard) -> str:
    """The plain fallback Slack shows in notifications."""
    pick = picked_name(posted.card)
    verdict = f"ship {pick}" if pick else "it depends"
    return fit(f"{posted.card.title}: {verdict}", SECTION_LIMIT)


def tool_blocks(tool: Tool, catalogue: Catalogue) -> list[Block]:
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": fit(f"{tool.name} · {tool.vendor}", HEADER_LIMIT),
            },
        },
        _section(f"_{escape(tool.tagline)}_\n{escape(tool.description)}"),
        _section(f"*Pricing* {escape(pricing_read(tool))}\n*Best for* {escape(tool.best_for)}"),
    ]
    for persona in catalogue.panel.personas:
        review = tool.panel.get(persona.slug)
        if review is not None:
            blocks.append(
                _section(f"*{escape(persona.name)}: {review.verdict}* {escape(review.take)}")
            )
    blocks.append(_context(" · ".join(escape(str(s.url)) for s in tool.sources)))
    return blocks[:MAX_BLOCKS]


def leaderboard_blocks(board: Leaderboard) -> list[Block]:
    scope = f" · {board.category}" if board.category else ""
    lines = [
        f"*{place}. {escape(e.name)}* {e.rating} ({e.low}–{e.high}), {e.votes} votes"
        for place, e in enumerate(board.ranked, start=1)
    ] or [f"No tool has {board.min_votes} votes yet, so nothing is ranked."]
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": f"Community leaderboard{scope}"},
        },
        _section("\n".join(lines)),
    ]
    if board.unranked:
        waiting = ", ".join(f"{escape(e.name)} ({e.votes})" for e in board.unranked)
        blocks.append(_context(f"Not ranked yet (under {board.min_votes} votes): {waiting}"))
    return blocks
