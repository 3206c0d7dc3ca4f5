"""What the core needs from a chat platform. Each adapter implements this and nothing more.

The core hands over models (a posted card, a tool, a leaderboard); how they look on the
platform (plain text, an embed, Block Kit) is the adapter's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Tool
from bot.compare import VerdictCard
from bot.errors import Choice
from bot.polls import CardPoll
from bot.votes import HeadToHead, Leaderboard


class PostedCard(BaseModel):
    """A card as it stands in a channel: the verdict, and the votes cast on this very message."""

    model_config = ConfigDict(frozen=True)

    card: VerdictCard
    vote_emojis: tuple[str, ...]
    """The reaction that votes for each tool, in card order."""
    card_votes: tuple[int, ...]
    """Votes on this message for each tool, in card order."""
    head_to_head: HeadToHead | None = None
    """For two-tool cards: every vote ever cast between the pair, on any card."""
    recap: str | None = None
    """On a weekly verdict: how the channel's previous weekly card ended."""
    page_url: str | None = None
    """The comparison's full web page, when the bot has a public URL (`VERDICT_PUBLIC_URL`)."""
    poll: CardPoll | None = None
    """How the card is voted on, and whether it closes, closed or hides its split."""
    idempotency_key: str | None = None
    """On a weekly verdict: the same for every attempt at one channel-week's post. A platform
    that can stores it with the message (Slack: message metadata; Discord: the enforced nonce
    and the "Close vote" button's custom_id), and its optional `find_card(channel, key) ->
    message id | None` finds the card an attempt cut short by a crash already posted, so a
    recovery records it instead of posting again."""


class ChatPlatform(Protocol):
    name: str
    """Stored with every card and vote ("discord", "slack", "console")."""

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        """Post a new card in `channel`; return the platform's id for the message."""
        ...

    async def edit_card(self, channel: str, message_id: str, posted: PostedCard) -> None:
        """Replace a posted card's content now, e.g. with a new tally. The core coalesces
        these for platforms with rate limits (see `ChatBot(edits=...)`)."""
        ...

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        """Seed the vote reactions on a posted card, in order."""
        ...

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        """Answer only the asking user (errors, suggestions). `text` may hold user input: the
        adapter escapes it so it pings nobody and breaks no formatting."""
        ...

    async def send_choices(
        self,
        channel: str,
        user_id: str,
        text: str,
        choices: Sequence[Choice],
        *,
        requests: Sequence[str] = (),
    ) -> None:
        """Answer only the asking user with comparisons to pick from ("did you mean"): a button
        each where the platform has buttons; and for each name in `requests` (it matched no
        tool) a way to request it ("Request it"). `text` is escaped as in `send_ephemeral`."""
        ...

    async def post_tool(self, channel: str, tool: Tool) -> None:
        """Show one tool's page."""
        ...

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        """Show the community leaderboard."""
        ...


@runtime_checkable
class ShowsReviews(Protocol):
    """Optional: a platform that shows the full reviews a page per tool (an embed, blocks).
    Without it, the asker gets them all as one plain-text answer (`send_ephemeral`)."""

    async def send_reviews(self, channel: str, user_id: str, card: VerdictCard, slug: str) -> None:
        """Answer only the asking user with the full reviews of the card's tool `slug`."""
        ...
