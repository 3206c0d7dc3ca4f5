"""Discord's side of the card: embeds that stay inside Discord's limits, and safe user text."""

from __future__ import annotations

import discord

from bot.catalogue import Catalogue, Tool, pricing_read
from bot.platform import PostedCard
from bot.render.cells import community_cell, panel_cell, picked_name
from bot.votes import Leaderboard

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
MAX_FIELDS = 25
ELLIPSIS = "…"
COLOUR = discord.Colour.blurple()


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def safe(text: str) -> str:
    """User text that pings nobody and cannot change the formatting around it."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _shrink_to_total(embed: discord.Embed) -> discord.Embed:
    """Cut the longest field values until the whole embed is within 6,000 characters."""
    while len(embed) > TOTAL_LIMIT:
        index, field = max(enumerate(embed.fields), key=lambda item: len(item[1].value or ""))
        value = field.value or ""
        over = len(embed) - TOTAL_LIMIT
        embed.set_field_at(
            index,
            name=field.name or "",
            value=fit(value, max(20, len(value) - over - 1)),
            inline=field.inline,
        )
    return embed


def card_embed(posted: PostedCard) -> discord.Embed:
    card = posted.card
    pick = picked_name(card)
    verdict = f"**Verdict: ship {pick}.**" if pick else "**Verdict: it depends.**"
    description = [verdict, card.verdict.reason]
    if posted.recap:
        description.insert(0, f"_{posted.recap}_\n")
    description.append("\nWhich one would you ship? React to vote.")
    embed = discord.Embed(
        title=fit(card.title, TITLE_LIMIT),
        description=fit("\n".join(description), DESCRIPTION_LIMIT),
        colour=COLOUR,
        url=posted.page_url,  # the title links to the full page when there is one
    )
    for emoji, column, votes in zip(posted.vote_emojis, card.tools, posted.card_votes, strict=True):
        value = "\n".join(
            [
                f"_{column.tagline}_",
                f"**Panel ship** {panel_cell(column)}",
                f"**Community** {community_cell(column)}",
                f"**Votes here** {votes}",
                f"**Entry** {column.entry_price.value}",
                f"**Pricing** {column.pricing_read}",
                f"**Best for** {column.best_for}",
            ]
        )
        embed.add_field(
            name=fit(f"{emoji} {column.name}", FIELD_NAME_LIMIT),
            value=fit(value, FIELD_VALUE_LIMIT),
            inline=True,
        )
    for persona in card.reviewer_split:
        mark = "≠" if persona.split else "="
        takes = "\n".join(f"{t.name}: **{t.verdict}**, {t.take}" for t in persona.takes)
        embed.add_field(
            name=fit(f"{mark} {persona.name}", FIELD_NAME_LIMIT),
            value=fit(takes, FIELD_VALUE_LIMIT),
            inline=False,
        )
    if posted.head_to_head is not None:
        pair = posted.head_to_head
        names = {c.slug: c.name for c in card.tools}
        score = f"{names[pair.first]} {pair.first_wins} · {names[pair.second]} {pair.second_wins}"
        embed.add_field(name="Head to head, every card", value=score, inline=False)
    tally = " · ".join(
        f"{emoji} {votes}"
        for emoji, votes in zip(posted.vote_emojis, posted.card_votes, strict=True)
    )
    embed.set_footer(text=fit(f"Votes on this card: {tally}", FOOTER_LIMIT))
    return _shrink_to_total(embed)


def card_view(posted: PostedCard) -> discord.ui.View | None:
    """A "Full page" link button under a card that has a web page; send and edit the card with
    `view=card_view(posted)`. Link buttons send no interaction, so nothing has to listen."""
    if posted.page_url is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Full page", url=posted.page_url))
    return view


def tool_embed(tool: Tool, catalogue: Catalogue) -> discord.Embed:
    embed = discord.Embed(
        title=fit(f"{tool.name} · {tool.vendor}", TITLE_LIMIT),
        description=fit(f"_{tool.tagline}_\n\n{tool.description}", DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    embed.add_field(name="Pricing", value=fit(pricing_read(tool), FIELD_VALUE_LIMIT), inline=False)
    embed.add_field(name="Best for", value=fit(tool.best_for, FIELD_VALUE_LIMIT), inline=False)
    for persona in catalogue.panel.personas:
        review = tool.panel.get(persona.slug)
        if review is not None:
            embed.add_field(
                name=fit(f"{persona.name}: {review.verdict}", FIELD_NAME_LIMIT),
                value=fit(review.take, FIELD_VALUE_LIMIT),
                inline=False,
            )
    sources = " · ".join(str(s.url) for s in tool.sources)
    embed.set_footer(
        text=fit(f"{tool.licence} · released {tool.released} · {sources}", FOOTER_LIMIT)
    )
    return _shrink_to_total(embed)


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    scope = f" · {board.category}" if board.category else ""
    lines = [
        f"**{place}. {entry.name}** {entry.rating} ({entry.low}–{entry.high}), {entry.votes} votes"
        for place, entry in enumerate(board.ranked, start=1)
    ] or [f"No tool has {board.min_votes} votes yet, so nothing is ranked."]
    if board.unranked:
        waiting = ", ".join(f"{e.name} ({e.votes})" for e in board.unranked)
        lines.append(f"\nNot ranked yet (under {board.min_votes} votes): {waiting}")
    return discord.Embed(
        title=fit(f"Community leaderboard{scope}", TITLE_LIMIT),
        description=fit("\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR,
    ).set_footer(text=f"From {board.total_votes} votes · 95% bands · Luce model")
