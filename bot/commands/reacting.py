"""Why a reaction is not a vote, in words, for a surface that answers every reaction (the
terminal): the same rules `bot.votes` applies silently on Discord and Slack."""

from __future__ import annotations

from bot.chat import ChatBot
from bot.votes import KEYCAPS, CardRecord, ReactionEvent, choice_for


async def why_not_a_vote(
    bot: ChatBot, card: CardRecord, event: ReactionEvent, *, press: str = ""
) -> str | None:
    """Why `event` would change nothing on `card`; None when it is a vote (or its removal) to
    record. `press` is how a button is pressed on this surface, said after "voted on with
    buttons"."""
    if await bot.polls.voted_with_buttons(event.platform, event.channel, event.message_id):
        return f"card {card.message_id} is voted on with buttons{press}."
    names = [bot.comparer.catalogue.by_slug[s].name for s in card.tools]
    if event.user_is_bot:
        return "the bot's own reactions are not votes."
    choice = choice_for(event.emoji, len(card.tools))
    if choice is None:
        offered = ", ".join(f"{KEYCAPS[i]} {name}" for i, name in enumerate(names))
        return f"it is not a choice on this card ({offered})."
    if event.added:
        return None
    voter = bot.store.voter_on(event.platform, event.user_id, card.id)
    held = await bot.polls.current_choice(card.id, voter)
    if held == choice:
        return None
    if held is None:
        return f"{event.user_id} has no vote on this card."
    return f"{event.user_id}'s vote is {KEYCAPS[held]} {names[held]}, not {event.emoji}."
