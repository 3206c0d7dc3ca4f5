"""The chat flows every adapter shares: /compare, /tool, /leaderboard, and reaction votes.

Adapters translate platform events into these calls; this module decides what to post, where,
and what to store. Time comes from the injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.catalogue import Catalogue
from bot.compare import Comparer, comparison_url
from bot.errors import CannotPostHere, VerdictError
from bot.platform import ChatPlatform, PostedCard
from bot.votes import (
    AlsoInTransaction,
    CardRecord,
    EditCoalescer,
    Leaderboard,
    ReactionEvent,
    Store,
    VoteOutcome,
    build_leaderboard,
    handle_reaction,
    utc_now,
    vote_emoji,
)

log = logging.getLogger(__name__)


class ChatBot:
    """One bot on one platform: a catalogue, a store and the platform's adapter."""

    def __init__(
        self,
        catalogue: Catalogue,
        store: Store,
        platform: ChatPlatform,
        *,
        bot_user_id: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        comparer: Comparer | None = None,
        edits: EditCoalescer | None = None,
        public_url: str | None = None,
    ) -> None:
        """With `edits`, tally edits are coalesced (chat platforms with rate limits); without,
        each vote edits the card at once (the terminal). With `public_url` (where `verdict web`
        is reachable), every card links to its full page."""
        self.comparer = comparer or Comparer(catalogue)
        self.edits = edits
        self.store = store
        self.platform = platform
        self.bot_user_id = bot_user_id
        self.clock = clock
        self.public_url = public_url

    async def compare(self, channel: str, user_id: str, text: str) -> CardRecord | None:
        """Answer /compare: post the card with its vote reactions, or tell the asker why not."""
        try:
            tools = self.comparer.resolve_query(text)
        except VerdictError as error:
            await self.platform.send_ephemeral(
                channel, user_id, error.for_surface(self.platform.name)
            )
            return None
        try:
            return await self.post_comparison(channel, user_id, [t.slug for t in tools])
        except CannotPostHere as error:
            await self.platform.send_ephemeral(channel, user_id, error.message)
            return None

    async def post_comparison(self, channel: str, user_id: str, slugs: Sequence[str]) -> CardRecord:
        """Post an asked-for comparison and log the request (the weekly pick reads the log)."""
        record = await self.post_card(channel, slugs, asked_by=user_id)
        await self.store.log_request(platform=self.platform.name, channel=channel, tools=slugs)
        return record

    async def post_card(
        self,
        channel: str,
        slugs: Sequence[str],
        *,
        asked_by: str,
        recap: str | None = None,
        also: AlsoInTransaction | None = None,
    ) -> CardRecord:
        """Post a card for `slugs`, remember it for votes, then seed its vote reactions.

        The card is stored (with `also`, in the same transaction) as soon as the platform has
        accepted it, before any follow-up step that could fail or be cut short."""
        posted = await self._posted(list(slugs), card_votes=(0,) * len(slugs), recap=recap)
        message_id = await self.platform.post_card(channel, posted)
        record = await self.store.register_card(
            platform=self.platform.name,
            channel=channel,
            message_id=message_id,
            tools=slugs,
            asked_by=asked_by,
            recap=recap,
            also=also,
        )
        try:
            await self.platform.add_reactions(channel, message_id, posted.vote_emojis)
        except Exception:  # the card is out and counts as sent; people can still react by hand
            log.exception("could not seed vote reactions on %s/%s", channel, message_id)
        return record

    async def tool(self, channel: str, user_id: str, name: str) -> None:
        try:
            tool = self.comparer.tool(name)
        except VerdictError as error:
            await self.platform.send_ephemeral(
                channel, user_id, error.for_surface(self.platform.name)
            )
            return
        try:
            await self.platform.post_tool(channel, tool)
        except CannotPostHere as error:
            await self.platform.send_ephemeral(channel, user_id, error.message)

    async def leaderboard(
        self, channel: str, category: str | None = None, *, user_id: str | None = None
    ) -> Leaderboard | None:
        """Post the leaderboard; an unknown category is answered privately to `user_id`."""
        try:
            board = build_leaderboard(
                await self.store.vote_rows(), self.comparer.catalogue.by_slug, category=category
            )
        except VerdictError as error:
            if user_id is not None:
                text = error.for_surface(self.platform.name)
                await self.platform.send_ephemeral(channel, user_id, text)
            return None
        await self.platform.post_leaderboard(channel, board)
        return board

    async def reaction(self, event: ReactionEvent) -> VoteOutcome:
        """Count a reaction as a vote if it is one, then show the card's new tally (not for a
        closed card: its vote was refused, nothing changed)."""
        outcome = await handle_reaction(
            self.store,
            event,
            bot_user_id=self.bot_user_id,
            arrival_time=lambda: self.clock().timestamp(),
        )
        if outcome is VoteOutcome.RECORDED:
            card = await self.store.find_card(event.platform, event.channel, event.message_id)
            if card is not None:
                await self.refresh(card)
        return outcome

    async def refresh(self, card: CardRecord) -> None:
        """Show the card's current tally. Coalesced edits read the tally when they are sent,
        so the last edit of a voting rush always shows the final count."""
        if self.edits is None:
            await self._edit(card)
        else:
            self.edits.submit((card.channel, card.message_id), lambda: self._edit(card))

    async def _edit(self, card: CardRecord) -> None:
        tally = await self.store.card_tally(card.id)
        posted = await self._posted(list(card.tools), tally, recap=card.recap)
        await self.platform.edit_card(card.channel, card.message_id, posted)

    async def _posted(
        self, slugs: list[str], card_votes: tuple[int, ...], recap: str | None = None
    ) -> PostedCard:
        tools = [self.comparer.catalogue.by_slug[s] for s in slugs]
        card = self.comparer.card_for(tools, await self.store.tool_tallies(slugs))
        pair = await self.store.head_to_head(*slugs) if len(slugs) == 2 else None
        return PostedCard(
            card=card,
            vote_emojis=tuple(vote_emoji(i) for i in range(len(slugs))),
            card_votes=card_votes,
            head_to_head=pair if pair is not None and pair.votes else None,
            recap=recap,
            page_url=comparison_url(self.public_url, slugs) if self.public_url else None,
        )
