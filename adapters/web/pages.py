"""What each web page shows, as plain template context built from the core's models.

Pure functions, no I/O: the numbers and the verdict come from the same `VerdictCard` the chat
posts, the descriptive facts from the catalogue's `Tool`. Every read of a card column goes
through `_column_facts`, so a renamed card field is one edit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.catalogue import Catalogue, Panel, Tool, data_age
from bot.compare import ToolColumn, UseCase, VerdictCard, comparison_path, tool_path
from bot.errors import Suggestion
from bot.render.chart import axis_range
from bot.render.facts import released, stated_facts
from bot.render.layout import title as card_title
from bot.render.layout import verdict_words
from bot.votes import (
    RANKS_MEANING,
    HeadToHead,
    Leaderboard,
    apart_reason,
    band_text,
    rank_text,
    record_text,
)
from bot.weekly import PublicPost

Context = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Meta:
    """What a pasted link unfurls into (Open Graph / Twitter) and the page's <title>."""

    title: str
    description: str
    path: str


def _usd(amount: float | None) -> str:
    return "—" if amount is None else f"${amount:.2f}"


def _votes(n: int) -> str:
    return f"{n:,} vote{'s' if n != 1 else ''}"


def _column_facts(column: ToolColumn) -> Context:
    """The card's per-tool numbers, by the names the templates use."""
    if column.panel_size and column.panel_ship_pct is not None:
        panel = f"{column.panel_ship_pct}% ship ({column.panel_ships} of {column.panel_size})"
        if column.panel_from_facts:
            panel += f", {column.panel_from_facts} from facts"
    else:
        panel = "too few facts to judge"
    tally = column.community
    if tally.votes and tally.ship_pct is not None:
        community = f"{tally.ship_pct}% of {_votes(tally.votes)}"
        if tally.interval_pct is not None:
            low, high = tally.interval_pct
            community += f" (95% interval {low}–{high}%)"
        else:
            community += " (too few to say how sure)"
    else:
        community = "no votes yet"
    return {
        "slug": column.slug,
        "name": column.name,
        "category": column.category,
        "tagline": column.tagline,
        "reviewed": column.reviewed,
        "panel": panel,
        "community": community,
        "entry_price": column.entry_price.value,
        "pricing_read": column.pricing_read,
        "best_for": column.best_for,
        "lifecycle_note": column.lifecycle_note,
    }


def lifecycle_text(column: ToolColumn, tool: Tool) -> str | None:
    """The card's lifecycle line, with the catalogue's note on it when there is one (the page
    has room for it; the card does not)."""
    if column.lifecycle_note is None:
        return None
    note = tool.lifecycle.note
    return f"{column.lifecycle_note} {note}" if note else column.lifecycle_note


def _sources(tool: Tool) -> list[Context]:
    # "as of" the day the data was collected, where the catalogue knows it (never today)
    return [
        {
            "url": str(source.url),
            "supports": ", ".join(source.supports),
            "as_of": source.read_on.isoformat() if source.read_on else None,
        }
        for source in tool.sources
    ]


def _offers(tool: Tool) -> list[Context]:
    return [
        {
            "provider": offer.provider_name,
            "model_id": offer.model_id,
            "price": f"{_usd(offer.input_usd_per_mtok)} in / {_usd(offer.output_usd_per_mtok)} out",
            "url": str(offer.url) if offer.url else None,
        }
        for offer in tool.offers
    ]


def _facts(tool: Tool) -> list[tuple[str, str]]:
    return [
        ("Vendor", tool.vendor),
        ("Licence", tool.licence),
        ("Released", released(tool)),
        *stated_facts(tool),
    ]


def tool_view(column: ToolColumn, tool: Tool, catalogue: Catalogue) -> Context:
    """Everything the pages show about one tool: the card's numbers and the catalogue's facts."""
    view = _column_facts(column)
    view.update(
        url=tool_path(tool.slug),
        description=tool.description,
        lifecycle=lifecycle_text(column, tool),
        offers=_offers(tool),
        sources=_sources(tool),
        data_age=data_age([tool]),
        facts=_facts(tool),
    )
    return view


def _cell(tool: Tool, persona: str, card: VerdictCard | None) -> Context | None:
    """A reviewer's review with its body; else the card's take computed from facts (marked,
    naming its fact); else None: too few facts to judge."""
    review = tool.panel.get(persona)
    if review is not None:
        return {
            "verdict": review.verdict,
            "take": review.take,
            "body": review.body,
            "from_facts": False,
            "fact": None,
        }
    split = next((p for p in card.reviewer_split if p.persona == persona), None) if card else None
    take = next((t for t in split.takes if t.slug == tool.slug), None) if split else None
    if take is None:
        return None
    return {
        "verdict": take.verdict,
        "take": take.take,
        "body": None,
        "from_facts": True,
        "fact": (take.fact or "").replace("_", " "),
    }


def scorecard(
    tools: Sequence[Tool], panel: Panel, card: VerdictCard | None = None
) -> list[Context]:
    """Persona × tool: every review's full body, or the take computed from facts where no
    reviewer wrote one (from `card`), marked so; a persona with too few facts says so."""
    rows = []
    for persona in panel.personas:
        reviews = [_cell(tool, persona.slug, card) for tool in tools]
        verdicts = {r["verdict"] for r in reviews if r is not None}
        rows.append(
            {
                "name": persona.name,
                "lens": persona.lens,
                "split": len(verdicts) > 1,
                "cells": [
                    {"tool": tool.name, "review": review}
                    for tool, review in zip(tools, reviews, strict=True)
                ],
            }
        )
    return rows


def verdict_headline(card: VerdictCard) -> str:
    asked = f" {card.use_case.label}" if card.use_case else ""
    return f"Verdict{asked}: {verdict_words(card)}."


def _instead(card: VerdictCard, catalogue: Catalogue) -> Context | None:
    """With a retired tool on the card, a link to the same comparison with its successor."""
    if not card.verdict.instead:
        return None
    names = [catalogue.by_slug[s].name for s in card.verdict.instead if s in catalogue.by_slug]
    use_case = card.use_case.value if card.use_case else None
    return {
        "title": " vs ".join(names),
        "url": comparison_path(card.verdict.instead, use_case=use_case),
    }


def comparison_page(
    card: VerdictCard,
    tools: Sequence[Tool],
    catalogue: Catalogue,
    head_to_head: HeadToHead | None,
) -> Context:
    """The full page behind a chat card. `tools` are the card's tools, in the card's order."""
    headline = verdict_headline(card)
    names = {tool.slug: tool.name for tool in tools}
    pair = None
    if head_to_head is not None:
        pair = {
            "first": names[head_to_head.first],
            "first_wins": head_to_head.first_wins,
            "second": names[head_to_head.second],
            "second_wins": head_to_head.second_wins,
            "votes": _votes(head_to_head.votes),
        }
    return {
        "meta": Meta(
            title=f"{card_title(card)}: {headline}",
            description=f"{headline} {card.verdict.reason}",
            path=comparison_path(
                (t.slug for t in tools), use_case=card.use_case.value if card.use_case else None
            ),
        ),
        "title": card_title(card),  # "ChatGPT (app) vs GPT-5 (model)" across kinds
        "headline": headline,
        "reason": card.verdict.reason,
        "decided_by": card.verdict.decided_by,
        "tools": [
            tool_view(column, tool, catalogue)
            for column, tool in zip(card.tools, tools, strict=True)
        ],
        "scorecard": scorecard(tools, catalogue.panel, card),
        "head_to_head": pair,
        "instead": _instead(card, catalogue),
    }


def tool_page(card: VerdictCard, tool: Tool, catalogue: Catalogue) -> Context:
    """One tool's page, from a one-column card so its numbers match every comparison's."""
    view = tool_view(card.tools[0], tool, catalogue)
    candidates = [
        other
        for other in catalogue.tools
        if other.category == tool.category and other.slug != tool.slug and other.panel
    ]
    # The vendor's own siblings first, then the others; retired models last.
    candidates.sort(
        key=lambda o: (o.lifecycle.status == "retired", o.vendor != tool.vendor, o.slug)
    )
    rivals = [
        {"name": other.name, "url": comparison_path([tool.slug, other.slug])}
        for other in candidates[:8]
    ]
    return {
        "meta": Meta(
            title=f"{tool.name}: {tool.tagline}",
            description=f"{tool.name} by {tool.vendor}: panel {view['panel']}, "
            f"community {view['community']}. {tool.tagline}",
            path=tool_path(tool.slug),
        ),
        "tool": view,
        "scorecard": scorecard([tool], catalogue.panel, card),
        "rivals": rivals,
    }


@dataclass(frozen=True, slots=True)
class Chart:
    """The leaderboard drawn as bands on one rating axis. Heights are in CSS pixels, x in
    percent of the chart's width: the SVG has no viewBox, so it is as wide as the page and its
    text keeps its real size (13 px) on a 360-px phone as on a desktop."""

    height: int
    rows: list[Context] = field(default_factory=list)
    ticks: list[Context] = field(default_factory=list)


ROW_HEIGHT = 46
"""A row per tool: its rank and name (left) and rating (right) on one line, its band below."""
AXIS_HEIGHT = 22
CHART_EDGE = 3.0
"""Percent kept free at each side, so a dot at the axis' end is drawn whole."""
NAME_CHARS = 24


def leaderboard_chart(board: Leaderboard) -> Chart:
    """Ranked tools as a dot on their 95% band, the axis fitted to their bands; preliminary
    tools greyed below (bands cut at the axis' ends), then tools not comparable yet, unplotted."""
    lo, hi = axis_range(board)

    def x(value: float) -> str:
        share = min(max((value - lo) / (hi - lo), 0.0), 1.0)
        return f"{CHART_EDGE + share * (100 - 2 * CHART_EDGE):.2f}%"

    rows: list[Context] = []
    for entry in (*board.ranked, *board.unranked, *board.not_comparable):
        y = AXIS_HEIGHT + len(rows) * ROW_HEIGHT
        name = entry.name if len(entry.name) <= NAME_CHARS else entry.name[: NAME_CHARS - 1] + "…"
        rated = entry.rating is not None and entry.low is not None and entry.high is not None
        if entry.rank is not None:
            kind, left, right = "ranked", f"{rank_text(entry)}  {name}", band_text(entry)
        elif rated:
            kind, left, right = "preliminary", f"{name} · preliminary", band_text(entry)
        else:
            kind, left, right = "apart", f"{name} · not comparable yet", _votes(entry.votes)
        row: Context = {
            "slug": entry.slug,
            "kind": kind,
            "left": left,
            "right": right,
            "text_y": y + 16,
            "band_y": y + 32,
            "title": f"{entry.name}: {right}, {_votes(entry.votes)}",
            "x_low": None,
        }
        if rated:
            row |= {
                "x_low": x(entry.low or 0),
                "x_high": x(entry.high or 0),
                "x_rating": x(entry.rating or 0),
            }
        rows.append(row)
    span = hi - lo
    step = next(s for s in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000) if span / s <= 5)
    ticks = [
        {"x": x(v), "label": str(v)} for v in range(int(lo // step + 1) * step, int(hi) + 1, step)
    ]
    return Chart(AXIS_HEIGHT + max(1, len(rows)) * ROW_HEIGHT + 6, rows, ticks)


def pair_rows(board: Leaderboard) -> list[Context]:
    """Head to head for the page: record where voted, the fit's chance always (predicted where
    never voted on)."""
    return [
        {
            "first": p.first_name,
            "second": p.second_name,
            "record": record_text(p),
            "chance": f"{p.first_name} {round(p.first_chance * 100)}%",
            "predicted": not p.voted,
        }
        for p in board.pairs
    ]


def leaderboard_page(board: Leaderboard, categories: Sequence[str]) -> Context:
    scope = f"category {board.category}" if board.category else "all tools"
    scope = f"cards asked for {board.use_case}" if board.use_case else scope
    path = "/leaderboard" + (f"?category={board.category}" if board.category else "")
    path = f"/leaderboard?for={board.use_case}" if board.use_case else path
    return {
        "meta": Meta(
            title=f"Community leaderboard ({scope})",
            description=f"AI tools ranked by {_votes(board.total_votes)} from the community, "
            "with a 95% band.",
            path=path,
        ),
        "board": board,
        "scope": scope,
        "chart": leaderboard_chart(board),
        "categories": categories,
        "use_cases": [u.value for u in UseCase],
        "pairs": pair_rows(board),
        "pair_tools": len({p.first for p in board.pairs} | {p.second for p in board.pairs}),
        "ranks_meaning": RANKS_MEANING,
        "rank_text": rank_text,
        "apart_reason": apart_reason,
    }


def weekly_page(posts: Sequence[PublicPost], catalogue: Catalogue) -> Context:
    """Public channels' weekly verdicts, grouped by channel, newest first within each."""
    channels: dict[int, Context] = {}
    for post in posts:
        channel = channels.setdefault(
            post.subscription_id, {"name": post.channel_name, "posts": []}
        )
        channel["posts"].append(weekly_entry(post, catalogue))
    return {
        "meta": Meta(
            title="Weekly verdicts",
            description="The weekly verdicts of the channels that publish theirs.",
            path="/weekly",
        ),
        "channels": list(channels.values()),
    }


def weekly_entry(post: PublicPost, catalogue: Catalogue) -> Context:
    tools = [catalogue.by_slug[s] for s in post.tools if s in catalogue.by_slug]
    return {
        "week": post.week,
        "sent_at": post.sent_at,
        "title": " vs ".join(t.name for t in tools) or "a comparison no longer in the catalogue",
        "url": comparison_path(post.tools) if len(tools) == len(post.tools) else None,
        "channel": post.channel_name,
    }


def not_found_page(
    message: str, links: Sequence[tuple[str, str]], *, path: str, heading: str = "Not found"
) -> Context:
    """A 404 that says what went wrong and offers the pages the chat would have suggested."""
    return {
        "meta": Meta(title=heading, description=message, path=path),
        "heading": heading,
        "message": message,
        "links": [{"label": label, "url": url} for label, url in links],
    }


def suggestion_links(
    suggestions: Sequence[Suggestion], resolved: Sequence[str], use_case: str | None = None
) -> list[tuple[str, str]]:
    """Links for a comparison with a name that failed: each suggestion beside the names that
    did resolve, for the same use case (with none, or only itself, the suggestion's page)."""
    links = []
    for suggestion in suggestions:
        slugs = {*resolved, suggestion.slug}
        if len(slugs) >= 2:
            links.append((suggestion.name, comparison_path(slugs, use_case=use_case)))
        else:
            links.append((suggestion.name, tool_path(suggestion.slug)))
    return links
