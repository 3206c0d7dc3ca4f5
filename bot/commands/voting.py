"""The vote commands: a vote button pressed, and a card's vote closed (its button, /close or
`/verdicts close`). Who may close is decided here from the request's rights."""

from __future__ import annotations

from bot.commands.asking import CARD_GONE
from bot.commands.models import Request
from bot.errors import VerdictError
from bot.poll_flows import PollDesk
from bot.votes import CardRecord


async def press_vote(
    desk: PollDesk, request: Request, card: CardRecord | None, choice: int, press_id: str
) -> str:
    """A vote button: another tool moves the vote, the same one takes it back. `press_id` is
    the platform's id for the press (a redelivery counts once). Returns the private answer."""
    if card is None:
        return CARD_GONE
    return await desk.press(card, request.user_id, choice, press_id)


async def close_card(desk: PollDesk, request: Request, card: CardRecord) -> str:
    """Close the card's vote for its asker or a channel admin; what to tell the closer."""
    try:
        return await desk.close(card, user_id=request.user_id, admin=request.rights.admin)
    except VerdictError as error:
        return error.with_hint(request.hint)
