"""Discord's side of the card: embeds that stay inside Discord's limits, and safe user text."""

from __future__ import annotations

import discord

from bot.catalogue import Catalogue, Tool, pricing_read
from bot.compare import VerdictCard
from bot.platform import PostedCard
from bot.render.facts import released
from bot.render.layout import fit, headline
from bot.render.lines import (
    CardSections,
    board_caveats,
    board_lines,
    board_title,
    fit_card,
    tally_line,
    tools_line,
)
from bot.render.lists import ToolPage, page_heading
from bot.render.reviews import full_reviews, no_reviews
from bot.votes import (
    MEANING,
    RANKS_MEANING,
    Leaderboard,
    freshness_note,
    scope_note,
)

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
MAX_FIELDS = 25
COLOUR = discord.Colour.blurple()


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


def _embed(title: str, description: str | None = None, url: str | None = None) -> discord.Embed:
    """An embed in our colour, its title and description cut to Discord's limits."""
    text = fit(description, DESCRIPTION_LIMIT) if description is not None else None
    return discord.Embed(title=fit(title, TITLE_LIMIT), description=text, colour=COLOUR, url=url)


def _bold(text: str) -> str:
    return f"**{text}**"


def _italic(text: str) -> str:
    return f"_{text}_"


def card_description(shown: CardSections) -> str:
    """Everything under the title, in the shared layout's order."""
    parts = [shown.recap] if shown.recap else []
    parts += [shown.reason, shown.rows]
    parts += [shown.opinions] if shown.opinions else []
    return "\n\n".join(parts)


def card_embed(posted: PostedCard) -> discord.Embed:
    """The card as an embed: the verdict as the title, then the reason, the tool rows, the
    reviewers who split and the tally in the footer; within the card budget where the catalogue
    allows, and always within Discord's limits."""
    title = fit(headline(posted.card), TITLE_LIMIT)
    footer = fit(tally_line(posted, posted.vote_emojis), FOOTER_LIMIT)  # shown as it is
    description = fit_card(
        posted,
        posted.vote_emojis,
        card_description,
        lambda description: len(title) + len(description) + len(footer),
        strong=_bold,
        italic=_italic,
        escape=safe,
    )
    embed = _embed(title, description, url=posted.page_url)  # the title links to the page
    embed.set_footer(text=footer)
    return _shrink_to_total(embed)


def embed_lines(embed: discord.Embed) -> list[str]:
    """What a reader sees, line by line: title, description, fields, footer."""
    lines = [embed.title or ""]
    lines += (embed.description or "").split("\n")
    for field in embed.fields:
        lines += [field.name or "", *(field.value or "").split("\n")]
    if embed.footer.text:
        lines.append(embed.footer.text)
    return lines


def reviews_embed(card: VerdictCard, catalogue: Catalogue, slug: str) -> discord.Embed:
    """One tool's full reviews, an embed (a page of the "Full reviews" answer: four bodies
    fit one embed); a take no reviewer wrote is the one computed from facts, marked so."""
    column = next(c for c in card.tools if c.slug == slug)
    embed = _embed(f"Full reviews: {column.name}")
    reviews = full_reviews(card, catalogue, slug)
    if not reviews:
        embed.description = no_reviews(catalogue, slug)
    for review in reviews:
        if review.body is None:  # a take from facts: its words are the field's value
            name = f"{review.who}: {review.verdict}" if review.verdict else review.who
            value = review.take
        else:
            name, value = f"{review.who}: {review.verdict}. {review.take}", review.body
        embed.add_field(
            name=fit(name, FIELD_NAME_LIMIT),
            value=fit(safe(value), FIELD_VALUE_LIMIT),
            inline=False,
        )
    return _shrink_to_total(embed)


def tool_embed(tool: Tool, catalogue: Catalogue) -> discord.Embed:
    embed = _embed(f"{tool.name} · {tool.vendor}", f"_{tool.tagline}_\n\n{tool.description}")
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
        text=fit(
            f"{tool.licence} · released {released(tool)} · {sources}",
            FOOTER_LIMIT,
        )
    )
    return _shrink_to_total(embed)


def tools_embed(page: ToolPage) -> discord.Embed:
    """A page of /tools: one line per tool."""
    lines = [tools_line(t, strong=_bold, escape=safe) for t in page.tools]
    embed = _embed(
        page_heading(page), "\n".join(lines) or "Try a vendor, a category or part of a name."
    )
    return embed.set_footer(text="Compare any two with /compare; one tool's page: /tool")


def leaderboard_embed(board: Leaderboard) -> discord.Embed:
    lines = board_lines(board, strong=_bold, escape=safe)
    lines += [f"\n{safe(part)}" for part in board_caveats(board)]
    if board.ranked:
        lines.append(f"\n_{RANKS_MEANING}_")
    note = scope_note(board)
    lines.append(f"\n_{MEANING}{' ' + note if note else ''}_")
    footer = f"From {board.total_votes} votes · Luce choice model"
    fresh = freshness_note(board)
    return _embed(board_title(board), "\n".join(lines)).set_footer(
        text=f"{footer} · {fresh}" if fresh else footer
    )
