"""The chat flows every adapter shares: /compare, /tool, /leaderboard, and reaction votes.

Adapters translate platform events into these calls; this module decides what to post, where,
and what to store. Time comes from the injected clock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.catalogue import Catalogue, Tool
from bot.compare import (
    Comparer,
    UseCase,
    and_list,
    comparison_url,
    split_use_case,
    successor_comparison,
)
from bot.errors import CannotPostHere, VerdictError
from bot.platform import ChatPlatform, PostedCard
from bot.polls import CardPoll, PollRecord, PollStore, ends, final_line, split_duration
from bot.votes import (
    AlsoInTransaction,
    CardRecord,
    EditCoalescer,
    Leaderboard,
    ReactionEvent,
    Store,
    VoteOutcome,
    handle_reaction,
    leaderboards_of,
    utc_now,
    vote_emoji,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Ask:
    """What /compare was asked: the comparison, what for, and how long its vote stays open."""

    text: str
    use_case: UseCase | None
    lasts: timedelta | None

    @property
    def asked(self) -> str:
        """The use case and the duration as they can be typed again: " for coding for 1d2h"."""
        parts = [f" {self.use_case.label}"] if self.use_case else []
        if self.lasts is not None:
            minutes = int(self.lasts.total_seconds()) // 60
            days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
            units = ((days, "d"), (hours, "h"), (minutes, "m"))
            parts.append(" for " + "".join(f"{n}{unit}" for n, unit in units if n))
        return "".join(parts)


def split_ask(text: str) -> Ask:
    """ "A vs B for coding for 24h" -> the comparison, its use case and its duration. The use
    case comes off first ("for coding"); what is left after a last "for" is a duration."""
    text, use_case = split_use_case(text)
    text, lasts = split_duration(text)
    return Ask(text, use_case, lasts)


def resolve_ask(comparer: Comparer, ask: Ask) -> list[Tool]:
    """The tools asked, in the order typed. A name that did not resolve raises its typed error,
    whose "did you mean" choices keep what the comparison was for and how long it runs."""
    try:
        return comparer.resolve_query(ask.text)
    except VerdictError as error:
        error.asked = ask.asked
        raise


def leaderboard_scope(
    tools: Mapping[str, Tool], typed: str | None
) -> tuple[str | None, UseCase | None]:
    """ "/leaderboard coding" is a use case; "/leaderboard llm" a category: (category, use
    case). A word that is neither stays a category, for the board to refuse with the known."""
    if not typed or typed in {t.category for t in tools.values()}:
        return typed or None, None
    try:
        _, use_case = split_use_case(f"a vs b for {typed}")
    except VerdictError:
        return typed, None
    return (None, use_case) if use_case is not None else (typed, None)


def stored_use_case(card: CardRecord) -> UseCase | None:
    """The use case stored with a card; one this version does not know reads as none."""
    try:
        return UseCase(card.use_case) if card.use_case else None
    except ValueError:
        return None


def successor_offer(
    tools: Sequence[Tool],
    known: Mapping[str, Tool],
    today: date,
    use_case: UseCase | None = None,
    *,
    command: str = "/compare",
) -> str | None:
    """ "Claude 3.5 Sonnet is retired. Compare the live models instead: /compare …"; None
    when no tool is retired, or one has no live successor (the card says what it knows)."""
    instead = successor_comparison(tools, known, today)
    if not instead:
        return None
    old = [t.name for t in tools if t.status_on(today) == "retired"]
    query = " vs ".join(known[s].name for s in instead)
    asked = f" {use_case.label}" if use_case else ""
    verb = "is" if len(old) == 1 else "are"
    instead = (
        f"{command} {query}{asked}" if command.startswith("/") else f'{command} "{query}{asked}"'
    )
    return f"{and_list(old)} {verb} retired. Compare the live models instead: {instead}"


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
        self.polls = PollStore(store)

    async def compare(self, channel: str, user_id: str, text: str) -> CardRecord | None:
        """Answer /compare: post the card with its vote reactions, or tell the asker why not."""
        try:
            ask = split_ask(text)
            tools = resolve_ask(self.comparer, ask)
        except VerdictError as error:
            await self.platform.send_ephemeral(
                channel, user_id, error.for_surface(self.platform.name)
            )
            return None
        try:
            return await self.post_comparison(
                channel, user_id, [t.slug for t in tools], lasts=ask.lasts, use_case=ask.use_case
            )
        except CannotPostHere as error:
            await self.platform.send_ephemeral(channel, user_id, error.message)
            return None

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
        the card is judged for it and stored with it. A card with a retired tool is followed by
        a private offer of the same comparison with its live successor."""
        record = await self.post_card(
            channel, slugs, asked_by=user_id, lasts=lasts, use_case=use_case
        )
        await self.store.log_request(platform=self.platform.name, channel=channel, tools=slugs)
        await self._offer_successor(channel, user_id, slugs, use_case)
        return record

    async def _offer_successor(
        self, channel: str, user_id: str, slugs: Sequence[str], use_case: UseCase | None
    ) -> None:
        known = self.comparer.catalogue.by_slug
        tools = [known[s] for s in slugs]
        offer = successor_offer(tools, known, self.clock().date(), use_case)
        if offer is None:
            return
        try:
            await self.platform.send_ephemeral(channel, user_id, offer)
        except Exception:  # the card is out; the offer is a courtesy
            log.exception("could not offer the successor comparison to %s", user_id)

    async def post_card(
        self,
        channel: str,
        slugs: Sequence[str],
        *,
        asked_by: str,
        recap: str | None = None,
        also: AlsoInTransaction | None = None,
        lasts: timedelta | None = None,
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
        """Post the leaderboard; an unknown category is answered privately to `user_id`.
        The board is the process's shared one for this store (`leaderboards_of`): counted in
        SQL and recounted at most once per `REFRESH_SECONDS`."""
        by_slug = self.comparer.catalogue.by_slug
        category, use_case = leaderboard_scope(by_slug, category)
        try:
            board = await leaderboards_of(self.store).board(
                by_slug, category, use_case=use_case.value if use_case else None
            )
        except VerdictError as error:
            if user_id is not None:
                text = error.for_surface(self.platform.name)
                await self.platform.send_ephemeral(channel, user_id, text)
            return None
        await self.platform.post_leaderboard(channel, board)
        return board

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

    async def as_posted(self, card: CardRecord) -> PostedCard:
        """The card as it must stand now. While its results are hidden, the split never
        leaves the core: the card's own votes are shown as zeros beside their total."""
        return (await self._state(card))[0]

    async def _state(self, card: CardRecord) -> tuple[PostedCard, PollRecord | None]:
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
