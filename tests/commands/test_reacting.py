"""Why a reaction is not a vote, decided in the core over a real store: the bot's own
reaction, an emoji that is no choice, taking back a vote one does not hold, a card voted with
buttons; and None for what the vote rules will record."""

from __future__ import annotations

from bot import commands
from bot.chat import ChatBot
from bot.poll_flows import PollDesk
from bot.votes import KEYCAPS, CardRecord, ReactionEvent

PAIR = ["claude-3-5-haiku", "claude-3-5-sonnet"]


def _event(card: CardRecord, user: str, emoji: str, *, added: bool = True) -> ReactionEvent:
    return ReactionEvent(
        platform="console",
        channel=card.channel,
        message_id=card.message_id,
        user_id=user,
        emoji=emoji,
        added=added,
        user_is_bot=user == "bot",
    )


async def test_a_reaction_that_is_a_choice_is_a_vote_and_others_say_why_not(bot: ChatBot) -> None:
    card = await bot.post_card("c1", PAIR, asked_by="alice")
    assert await commands.why_not_a_vote(bot, card, _event(card, "alice", KEYCAPS[1])) is None
    assert await commands.why_not_a_vote(bot, card, _event(card, "bot", KEYCAPS[0])) == (
        "the bot's own reactions are not votes."
    )
    for emoji in (KEYCAPS[2], "thumbsup"):
        assert await commands.why_not_a_vote(bot, card, _event(card, "alice", emoji)) == (
            "it is not a choice on this card (1️⃣ Claude 3.5 Haiku, 2️⃣ Claude 3.5 Sonnet)."
        )


async def test_taking_back_says_which_vote_is_held_or_that_there_is_none(bot: ChatBot) -> None:
    card = await bot.post_card("c1", PAIR, asked_by="alice")
    await bot.reaction(_event(card, "alice", KEYCAPS[1]))
    held = _event(card, "alice", KEYCAPS[1], added=False)
    assert await commands.why_not_a_vote(bot, card, held) is None
    other = _event(card, "alice", KEYCAPS[0], added=False)
    assert await commands.why_not_a_vote(bot, card, other) == (
        "alice's vote is 2️⃣ Claude 3.5 Sonnet, not 1️⃣."
    )
    none = _event(card, "bob", KEYCAPS[0], added=False)
    assert await commands.why_not_a_vote(bot, card, none) == "bob has no vote on this card."


async def test_on_a_card_voted_with_buttons_no_reaction_is_a_vote(bot: ChatBot) -> None:
    await PollDesk(bot).settings("c1", ["votes:buttons"])
    card = await bot.post_card("c1", PAIR, asked_by="alice")
    said = await commands.why_not_a_vote(
        bot, card, _event(card, "alice", KEYCAPS[0]), press=" (press one)"
    )
    assert said == f"card {card.message_id} is voted on with buttons (press one)."
