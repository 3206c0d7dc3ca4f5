"""The asking commands: /compare (with "did you mean" and a vote duration), /tool, /tools,
/leaderboard and a card's "Full reviews". Each reads the catalogue (and the vote counts) and
says what to show; nothing here posts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime

from bot.commands.asked import leaderboard_scope, resolve_ask, split_ask, successor_offer
from bot.commands.models import (
    Private,
    Request,
    ShowBoard,
    ShowCard,
    ShowReviews,
    ShowTool,
    ShowTools,
)
from bot.compare import Comparer
from bot.errors import VerdictError
from bot.render import tool_page
from bot.tool_requests import unknown_names
from bot.votes import Store, check_category, leaderboards_of

CARD_GONE = "That card is not in the vote database any more; ask /compare again."
TOOLS_GONE = "Those tools are not in the catalogue any more."

Accepted = Callable[[], Awaitable[None]]
"""Called once a request is known to be good and before the slow part (a recount): where a
platform must answer within seconds, it acknowledges here (Discord defers)."""


def refusal(error: VerdictError, request: Request) -> Private:
    """What the asker is told about a question that cannot be answered: the message with the
    hint for their platform, and the comparisons they may have meant. Where the platform has
    no buttons, the choices are part of the words."""
    text = error.with_hint(request.hint)
    choices = tuple(error.choices())
    wanted = tuple(unknown_names(error))
    if not request.can.buttons:
        if choices:
            text = f"{text}\nTry: {'; '.join(c.query for c in choices)}"
        return Private(text=text, requests=wanted, error=error)
    return Private(text=text, choices=choices, requests=wanted, error=error)


def ask_compare(
    comparer: Comparer,
    request: Request,
    query: str,
    *,
    use_case: str | None = None,
    today: date | None = None,
    command: str = "/compare",
) -> Private | ShowCard:
    """/compare A vs B [for coding] [for 2h]: the card to post (with the offer of a retired
    tool's live successor), or why not and what was perhaps meant. `use_case` is a platform's
    separate option for what the tools are for; `today` (UTC today by default) is the day the
    tools' lifecycle is read on; `command` is how the offer is typed there."""
    try:
        ask = split_ask(query, use_case)
        tools = resolve_ask(comparer, ask)
    except VerdictError as error:
        return refusal(error, request)
    day = today or datetime.now(UTC).date()
    offer = successor_offer(tools, comparer.catalogue.by_slug, day, ask.use_case, command=command)
    return ShowCard(
        slugs=tuple(t.slug for t in tools), lasts=ask.lasts, use_case=ask.use_case, offer=offer
    )


def ask_tool(comparer: Comparer, request: Request, name: str) -> Private | ShowTool:
    """/tool NAME: the tool's page, or why not."""
    try:
        return ShowTool(tool=comparer.tool(name))
    except VerdictError as error:
        return refusal(error, request)


def ask_tools(comparer: Comparer, text: str, page: int | None = None) -> ShowTools:
    """/tools [filter] [page]: a page of the catalogue (a trailing number in `text` is the page
    when `page` is not given)."""
    return ShowTools(page=tool_page(comparer.catalogue, text, page))


async def ask_leaderboard(
    comparer: Comparer,
    store: Store,
    request: Request,
    category: str | None,
    *,
    accepted: Accepted | None = None,
) -> Private | ShowBoard:
    """/leaderboard [CATEGORY | USE CASE]: the process's shared board for `store`, counted in
    SQL and recounted at most once per interval; an unknown category is answered privately.
    A use case ("coding") ranks only the votes cast on cards asked for it."""
    by_slug = comparer.catalogue.by_slug
    wanted, use_case = leaderboard_scope(by_slug, (category or "").strip() or None)
    try:
        check_category(by_slug, wanted)
    except VerdictError as error:
        return refusal(error, request)
    if accepted is not None:
        await accepted()
    board = await leaderboards_of(store).board(
        by_slug, wanted, use_case=use_case.value if use_case else None
    )
    return ShowBoard(board=board)


def ask_reviews(comparer: Comparer, slugs: Sequence[str] | None) -> Private | ShowReviews:
    """A card's "Full reviews": every panel review of its tools still in the catalogue.
    `slugs` None means the card is not in the vote database (any more)."""
    if slugs is None:
        return Private(text=CARD_GONE)
    by_slug = comparer.catalogue.by_slug
    known = [by_slug[s] for s in slugs if s in by_slug]
    if not known:
        return Private(text=TOOLS_GONE)
    return ShowReviews(card=comparer.card_for(known, {}))
