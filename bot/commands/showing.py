"""An answer shown through the output contract (`ChatPlatform`): a card posted with its votes,
a tool or the leaderboard posted, a private answer (with its choices) sent to the asker. A
platform whose commands reply differently (Discord's interactions) shows answers itself."""

from __future__ import annotations

import logging

from bot.chat import ChatBot
from bot.commands.models import (
    Answer,
    Private,
    Request,
    ShowBoard,
    ShowCard,
    ShowReviews,
    ShowTool,
)
from bot.errors import CannotPostHere
from bot.platform import ShowsReviews
from bot.render import render_reviews
from bot.votes import CardRecord

log = logging.getLogger(__name__)


async def offer_successor(bot: ChatBot, request: Request, answer: ShowCard) -> None:
    """After a card with a retired tool: the comparison with its live successor, offered to
    the asker alone. The card is out already; the offer is a courtesy, so a failure is logged."""
    if answer.offer is None:
        return
    try:
        await bot.platform.send_ephemeral(request.channel, request.user_id, answer.offer)
    except Exception:
        log.exception("could not offer the successor comparison to %s", request.user_id)


async def show_reviews(bot: ChatBot, request: Request, answer: ShowReviews) -> None:
    """The full reviews, to the asker: a message per tool where the platform lays out a
    tool's reviews itself (one tool's four bodies fit any platform's message), else one text."""
    platform = bot.platform
    if not isinstance(platform, ShowsReviews):
        text = render_reviews(answer.card, bot.comparer.catalogue)
        await platform.send_ephemeral(request.channel, request.user_id, text)
        return
    for column in answer.card.tools:
        await platform.send_reviews(request.channel, request.user_id, answer.card, column.slug)


async def show(bot: ChatBot, request: Request, answer: Answer) -> CardRecord | None:
    """Show `answer` to `request`'s asker in its channel; the card record when a card was
    posted. A channel the bot cannot post in is said privately (what to do about it)."""
    platform = bot.platform
    try:
        if isinstance(answer, ShowCard):
            record = await bot.post_comparison(
                request.channel,
                request.user_id,
                list(answer.slugs),
                lasts=answer.lasts,
                use_case=answer.use_case,
            )
            await offer_successor(bot, request, answer)
            return record
        if isinstance(answer, ShowTool):
            await platform.post_tool(request.channel, answer.tool)
        elif isinstance(answer, ShowBoard):
            await platform.post_leaderboard(request.channel, answer.board)
        elif isinstance(answer, ShowReviews):
            await show_reviews(bot, request, answer)
        elif isinstance(answer, Private):
            if answer.choices or (answer.requests and request.can.buttons):
                await platform.send_choices(
                    request.channel,
                    request.user_id,
                    answer.text,
                    answer.choices,
                    requests=answer.requests,
                )
            else:
                await platform.send_ephemeral(request.channel, request.user_id, answer.text)
            if answer.requests:
                await bot.note_unknown(request.user_id, answer.requests)
        else:
            raise TypeError(f"{type(answer).__name__} is shown by the platform itself")
    except CannotPostHere as error:
        await platform.send_ephemeral(request.channel, request.user_id, error.message)
    return None
