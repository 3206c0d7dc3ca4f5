"""Slack's side of the card: Block Kit inside Slack's limits, and mrkdwn-safe text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.catalogue import Catalogue, Tool, pricing_read
from bot.compare import VerdictCard
from bot.errors import Choice
from bot.platform import PostedCard
from bot.render import lines
from bot.render.layout import fit, headline
from bot.render.lists import ToolPage, page_heading
from bot.render.reviews import full_reviews, has_full_reviews, no_reviews
from bot.votes import (
    KEYCAPS,
    MEANING,
    RANKS_MEANING,
    SLACK_NAMES,
    Leaderboard,
    freshness_note,
    scope_note,
)

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
MAX_FIELDS = 10
CONTEXT_LIMIT = 2000

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: these three and nothing else. `<!channel>` then pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, str]:
    return {"type": "mrkdwn", "text": fit(text, limit)}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text, CONTEXT_LIMIT)]}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": fit(text, HEADER_LIMIT)}}


def _button(action_id: str, label: str, *, value: str = "", url: str = "") -> Block:
    """A button (a link button when it has a `url`); its label may hold an emoji."""
    text = {"type": "plain_text", "text": label, "emoji": True}
    button: Block = {"type": "button", "action_id": action_id, "text": text}
    return button | ({"url": url} if url else {"value": value})


def _actions(buttons: Sequence[Block]) -> list[Block]:
    """A row of buttons, or nothing when there are none."""
    return [{"type": "actions", "elements": list(buttons)}] if buttons else []


REVIEWS_ACTION = "verdict_reviews"
"""The "Full reviews" button; its value holds the card's tool slugs, joined by "+"."""
FULL_PAGE_ACTION = "full_page"
"""A link button: Slack still sends an interaction for it, which the app only acknowledges."""
PICK_ACTION = "verdict_pick"
REQUEST_ACTION = "verdict_request"
"""A "Request it" button; its value is the name that matched nothing."""
"""A "Did you mean" button; its value is the comparison to run with that choice."""
TOOLS_ACTION = "verdict_tools"
"""Previous / next page of /tools; the value is "page:filter"."""
VOTE_ACTION = "verdict_vote"
"""A vote button, `verdict_vote_N` for the tool at 0-based place N; the card is the message
the button is on."""
CLOSE_ACTION = "verdict_close"
"""The "Close vote" button on an open card."""
MAX_ACTIONS = 25


def _bold(text: str) -> str:
    return f"*{text}*"


def _italic(text: str) -> str:
    return f"_{text}_"


def _markers(posted: PostedCard) -> list[str]:
    return [f":{SLACK_NAMES[i]}:" for i in range(len(posted.card_votes))]


def tally_line(posted: PostedCard) -> str:
    """The shared tally line, with Slack's vote names and escaping."""
    return lines.tally_line(posted, _markers(posted), escape=escape)


def _card_blocks(posted: PostedCard, shown: lines.CardSections) -> list[Block]:
    card = posted.card
    blocks = [_header(headline(card))]
    if shown.recap:
        blocks.append(_context(shown.recap))
    blocks.append(_section(shown.reason))
    blocks.append(_section(shown.rows))
    if shown.opinions:
        blocks.append(_section(shown.opinions))
    blocks.append(_context(tally_line(posted)))
    buttons: list[Block] = []
    if has_full_reviews(card):  # nothing to open on tools with too few facts
        slugs = "+".join(c.slug for c in card.tools)
        buttons.append(_button(REVIEWS_ACTION, "Full reviews", value=slugs))
    poll = posted.poll
    if poll is not None and not poll.closed:
        if poll.buttons:
            buttons += [
                _button(f"{VOTE_ACTION}_{i}", KEYCAPS[i], value=str(i))
                for i in range(len(card.tools))
            ]
        buttons.append(_button(CLOSE_ACTION, "Close vote", value="close"))
    if posted.page_url is not None:
        buttons.append(_button(FULL_PAGE_ACTION, "Full page", url=posted.page_url))
    blocks += _actions(buttons)
    return blocks[:MAX_BLOCKS]


def card_blocks(posted: PostedCard) -> list[Block]:
    """The card as Block Kit, in the shared layout's order, with a "Full reviews" button;
    within the card budget where the catalogue allows, always within Slack's limits."""
    return lines.fit_card(
        posted,
        _markers(posted),
        lambda shown: _card_blocks(posted, shown),
        lambda blocks: sum(len(line) for line in block_lines(blocks)),
        strong=_bold,
        italic=_italic,
        escape=escape,
    )


def block_lines(blocks: list[Block]) -> list[str]:
    """What a reader sees, line by line: every text in the blocks; a row of buttons is one
    line of their labels."""
    lines: list[str] = []
    for block in blocks:
        if block["type"] == "actions":
            lines.append(" ".join(e["text"]["text"] for e in block["elements"] if "text" in e))
            continue
        texts = []
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [f["text"] for f in block.get("fields", [])]
        texts += [
            e["text"] if isinstance(e["text"], str) else e["text"]["text"]
            for e in block.get("elements", [])
            if "text" in e
        ]
        for text in texts:
            lines.extend(text.split("\n"))
    return lines


def card_text(posted: PostedCard) -> str:
    """The plain fallback Slack shows in notifications."""
    return fit(headline(posted.card), SECTION_LIMIT)


def reviews_blocks(card: VerdictCard, catalogue: Catalogue, slug: str) -> list[Block]:
    """One tool's full reviews (a page of the "Full reviews" answer: one message per tool)."""
    column = next(c for c in card.tools if c.slug == slug)
    blocks = [_header(f"Full reviews: {column.name}")]
    reviews = full_reviews(card, catalogue, slug)
    if not reviews:
        blocks.append(_section(no_reviews(catalogue, slug)))
    for review in reviews:  # a take no reviewer wrote is the one from facts, marked so
        body = f"\n{escape(review.body)}" if review.body is not None else ""
        verdict = f" {review.verdict}." if review.verdict else ""
        blocks.append(_section(f"*{escape(review.who)}:{verdict}* {escape(review.take)}{body}"))
    return blocks[:MAX_BLOCKS]


def tool_blocks(tool: Tool, catalogue: Catalogue) -> list[Block]:
    blocks = [
        _header(f"{tool.name} · {tool.vendor}"),
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
    ranked = lines.board_lines(board, strong=_bold, escape=escape)
    blocks: list[Block] = [
        _header(lines.board_title(board)),
        _section("\n".join(ranked)),
    ]
    blocks += [_context(escape(part)) for part in lines.board_caveats(board)]
    ranks = RANKS_MEANING if board.ranked else None
    notes = " ".join(filter(None, [ranks, scope_note(board), freshness_note(board)]))
    blocks.append(
        _context(f"{MEANING}{' ' + notes if notes else ''} From {board.total_votes} votes.")
    )
    return blocks


def tools_blocks(page: ToolPage) -> list[Block]:
    """A page of /tools, with buttons to the previous and next pages."""
    rows = [lines.tools_line(t, strong=_bold, escape=escape) for t in page.tools]
    blocks: list[Block] = [_section(f"*{escape(page_heading(page))}*")]
    if rows:
        blocks.append(_section("\n".join(rows)))
    turns = [
        _button(f"{TOOLS_ACTION}_{label.lower()}", label, value=f"{number}:{page.filter}")
        for label, number in page.turns
    ]
    return blocks + _actions(turns)


def choices_blocks(
    text: str, choices: Sequence[Choice], requests: Sequence[str] = ()
) -> list[Block]:
    """A "did you mean" answer: what went wrong, a button per choice (five per name), and a
    "Request it" button for each name that matched nothing."""
    blocks: list[Block] = [_section(escape(text))]
    asks = [
        _button(f"{REQUEST_ACTION}_{i}", fit(f"Request “{name}”", 75), value=name)
        for i, name in enumerate(requests[:MAX_ACTIONS])
    ]
    picks = [
        _button(
            f"{PICK_ACTION}_{i}", fit(f"{c.label} (for {c.typed})", 75), value=fit(c.query, 2000)
        )
        for i, c in enumerate(choices[:MAX_ACTIONS])
    ]
    return blocks + _actions(asks) + _actions(picks)
