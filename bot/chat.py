"""One bot on one platform: posting a card and keeping it current (votes, tally edits, the
final line), over the output contract `ChatPlatform`. The commands that decide what to post
are `bot.commands`; this module posts it and stores it. Time comes from the injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.catalogue import Catalogue
from bot.compare import Comparer, UseCase, comparison_url
from bot.platform import ChatPlatform, PostedCard
from bot.polls import CardPoll, PollRecord, PollStore, ends, final_line
from bot.tool_requests import RequestDesk, RequestStore
from bot.votes import (
    AlsoInTransaction,
    CardRecord,
    EditCoalescer,
    ReactionEvent,
    Store,
    VoteOutcome,
    handle_reaction,
    utc_now,
    vote_emoji,
)

log = logging.getLogger(__name__)


def stored_use_case(card: CardRecord) -> UseCase | None:
    """The use case stored with a card; one this version does not know reads as none."""
    try:
        return UseCase(card.use_case) if card.use_case else None
    except ValueError:
        return None


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
        community: str | None = None,
    ) -> None:
        """With `edits`, tally edits are coalesced (chat platforms with rate limits); without,
        each vote edits the card at once (the terminal). With `public_url` (where `verdict web`
        is reachable), every card links to its full page. `community` (a Slack workspace, a
        Discord server) is where tool requests are counted; by default the platform."""
        self.comparer = comparer or Comparer(catalogue)
        self.edits = edits
        self.store = store
        self.platform = platform
        self.bot_user_id = bot_user_id
        self.clock = clock
        self.public_url = public_url
        self.polls = PollStore(store)
        self.requests = RequestDesk(self.comparer, RequestStore(store, clock=clock))
        self.community = community or platform.name

    def through(self, platform: ChatPlatform, *, community: str | None = None) -> ChatBot:
        """The same bot (catalogue, comparer, store, clock, coalesced edits) answering through
        `platform`: one command's replies, where a platform answers a command differently
        from how it posts (Discord's interaction, Slack's response_url). `community` is where
        that asker's tool requests count (this bot's by default)."""
        return ChatBot(
            self.comparer.catalogue,
            self.store,
            platform,
            bot_user_id=self.bot_user_id,
            clock=self.clock,
            comparer=self.comparer,
            edits=self.edits,
            public_url=self.public_url,
            community=community or self.community,
        )

    async def note_unknown(self, user_id: str, names: Sequence[str]) -> None:
        """Names typed in a failed /compare that match no tool count as a weak request
        (`tool_requests`); never raises."""
        await self.requests.note_unknown(
            platform=self.platform.name, community=self.community, user_id=user_id, names=names
        )

    async def request_tool(self, user_id: str, name: str) -> str:
        """ "Request it" pressed: stored once per person per name here; the answer to show."""
        return await self.requests.request(
            platform=self.platform.name, community=self.community, user_id=user_id, name=name
        )

    async def post_comparison(
        self,
        channel: str,
        user_id: str,
        slugs: Sequence[str],
        *,
        lasts: timedelta | None = None,
        use_case: UseCase | None = None,
    ) -> CardRecord:
        """Post an asked-for comparison and log the request (the weekly pick reads the log).
        With `lasts`, its vote closes by itself that long after it is posted; with `use_case`,
        the card is judged for it and stored with it."""
        record = await self.post_card(
            channel, slugs, asked_by=user_id, lasts=lasts, use_case=use_case
        )
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
        lasts: timedelta | None = None,
        key: str | None = None,
        look_first: bool = False,
        use_case: UseCase | None = None,
    ) -> CardRecord:
        """Post a card for `slugs`, remember it for votes, then seed its vote reactions.

        The card is stored (with `also`, in the same transaction) as soon as the platform has
        accepted it, before any follow-up step that could fail or be cut short. The channel's
        settings decide how it is voted on and whether its results show before it closes."""
        settings = await self.polls.settings(self.platform.name, channel)
        closes_at = ends(self.clock(), lasts, settings)
        poll = CardPoll(
            buttons=settings.vote_mode == "buttons",
            hidden_total=0 if settings.results == "closed" else None,
            closes_at=closes_at,
        )
        posted = await self._posted(
            list(slugs), card_votes=(0,) * len(slugs), recap=recap, poll=poll, use_case=use_case
        )
        if key is not None:
            posted = posted.model_copy(update={"idempotency_key": key})
        message_id = await self._already_posted(channel, key) if look_first else None
        if message_id is None:
            message_id = await self.platform.post_card(channel, posted)
        record = await self.store.register_card(
            platform=self.platform.name,
            channel=channel,
            message_id=message_id,
            tools=slugs,
            asked_by=asked_by,
            recap=recap,
            also=PollStore.opens(settings, closes_at, also),
            use_case=use_case.value if use_case else None,
        )
        if poll.buttons:
            return record
        try:
            await self.platform.add_reactions(channel, message_id, posted.vote_emojis)
        except Exception:  # the card is out and counts as sent; people can still react by hand
            log.exception("could not seed vote reactions on %s/%s", channel, message_id)
        return record

    async def _already_posted(self, channel: str, key: str | None) -> str | None:
        """The card posted with `key` by an attempt that crashed before recording it, where
        the platform can look (`find_card`); None when not found or it cannot tell."""
        find = getattr(self.platform, "find_card", None)
        if key is None or find is None:
            return None
        try:
            found: str | None = await find(channel, key)
        except Exception:  # cannot tell: post, as before (a double post at worst, logged)
            log.exception("could not look for card %s in %s before posting again", key, channel)
            return None
        if found is not None:
            log.info("weekly card %s was already posted in %s as %s; recorded", key, channel, found)
        return found

    async def reaction(self, event: ReactionEvent) -> VoteOutcome:
        """Count a reaction as a vote if it is one, then show the card's new tally. On a card
        voted with buttons a reaction is no vote: it would show everyone who voted what."""
        if await self.polls.voted_with_buttons(event.platform, event.channel, event.message_id):
            return VoteOutcome.IGNORED
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
        elif outcome is VoteOutcome.CLOSED and event.added:
            await self._tell_closed(event)
        return outcome

    async def _tell_closed(self, event: ReactionEvent) -> None:
        """A reaction after the close counts for nothing: say so to the voter, where the
        platform lets the bot answer one person (Discord has no way outside an interaction)."""
        try:
            await self.platform.send_ephemeral(
                event.channel, event.user_id, "This vote is closed; your reaction was not counted."
            )
        except Exception:  # an answer that cannot be sent changes nothing about the vote
            log.exception("could not tell %s the vote is closed", event.user_id)

    async def refresh(self, card: CardRecord) -> None:
        """Show the card's current tally. Coalesced edits read the tally when they are sent,
        so the last edit of a voting rush always shows the final count."""
        if self.edits is None:
            await self._edit(card)
        else:
            self.edits.submit((card.channel, card.message_id), lambda: self._edit(card))

    async def show(self, card: CardRecord) -> None:
        """Show the card's state and return once the platform has it. Coalesced, the edit
        takes its turn in the card's queue: one edit per message is in flight at a time, and
        it reads the state when it is sent."""
        if self.edits is None:
            await self._edit(card)
            return
        key = (card.channel, card.message_id)
        self.edits.submit(key, lambda: self._edit(card))
        await self.edits.settled(key)

    async def _edit(self, card: CardRecord) -> None:
        """Edit the card to stand as it is now. A close may land between reading the state
        and the platform applying the edit (in this process or another one, whose edits this
        coalescer does not order): so the state is read again afterwards, and a card that
        closed meanwhile is edited once more. The final line counts as shown only from an
        edit whose state was read after the close."""
        posted, record = await self._state(card)
        await self.platform.edit_card(card.channel, card.message_id, posted)
        if record is not None and not record.closed:
            now = await self.polls.poll(card.id)
            if now is None or not now.closed:
                return
            posted, record = await self._state(card)
            await self.platform.edit_card(card.channel, card.message_id, posted)
        if record is not None and record.closed:
            await self.polls.mark_shown(card.id)

    async def _state(self, card: CardRecord) -> tuple[PostedCard, PollRecord | None]:
        """The card as it must stand now. While its results are hidden, the split never
        leaves the core: the card's own votes are shown as zeros beside their total."""
        tally = await self.store.card_tally(card.id)
        record = await self.polls.poll(card.id)
        poll = self.card_poll(card, record, tally) if record is not None else None
        if record is not None and (record.hidden or record.closed):
            tally = (0,) * len(tally)
        posted = await self._posted(
            list(card.tools), tally, recap=card.recap, poll=poll, use_case=stored_use_case(card)
        )
        return posted, record

    def card_poll(self, card: CardRecord, record: PollRecord, tally: tuple[int, ...]) -> CardPoll:
        final = None
        if record.final_votes is not None:
            names = [self.comparer.catalogue.by_slug[s].name for s in card.tools]
            final = final_line(names, record.final_votes)
        return CardPoll(
            buttons=record.vote_mode == "buttons",
            hidden_total=sum(tally) if record.hidden else None,
            closes_at=record.closes_at,
            final=final,
        )

    async def _posted(
        self,
        slugs: list[str],
        card_votes: tuple[int, ...],
        recap: str | None = None,
        poll: CardPoll | None = None,
        use_case: UseCase | None = None,
    ) -> PostedCard:
        tools = [self.comparer.catalogue.by_slug[s] for s in slugs]
        card = self.comparer.card_for(
            tools,
            await self.store.tool_tallies(slugs),
            use_case=use_case,
            today=self.clock().date(),
        )
        pair = await self.store.head_to_head(*slugs) if len(slugs) == 2 else None
        return PostedCard(
            card=card,
            vote_emojis=tuple(vote_emoji(i) for i in range(len(slugs))),
            card_votes=card_votes,
            head_to_head=pair if pair is not None and pair.votes else None,
            recap=recap,
            page_url=(
                comparison_url(self.public_url, slugs, use_case=use_case)
                if self.public_url
                else None
            ),
            poll=poll,
        )
