"""A pretend chat channel in the terminal: the real core flows, with no Discord or Slack.

It is a full adapter (it implements `bot.platform.ChatPlatform`) and the fixture the end-to-end
tests drive: push a line with `send`, read what the bot said with `pop`.

Example, runnable as it stands::

    import asyncio, tempfile
    from pathlib import Path
    from adapters.console.chat import open_console

    async def demo() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            async with open_console(db=Path(tmp) / "demo.db") as chat:
                await chat.send("/compare smolvlm2 vs mistral-medium-3")
                card = chat.pop()                 # the card, as message "1"
                await chat.send(":react alice 1 2")   # alice votes 2️⃣ on card 1
                print(chat.pop().summary)             # the card's new tally

    asyncio.run(demo())
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shlex
import sys
import unicodedata
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, TextIO

from adapters.console.line_editing import line_reader
from bot import commands
from bot.catalogue import Catalogue, Tool, load_catalogue
from bot.chat import ChatBot
from bot.errors import BadQuery, Choice
from bot.platform import PostedCard
from bot.poll_flows import PollDesk
from bot.render.lists import render_tool_page
from bot.render.text import (
    render_leaderboard,
    render_posted,
    render_reviews,
    render_tool,
    render_votes,
)
from bot.settings import bundled_catalogue_dir
from bot.votes import KEYCAPS, CardRecord, Leaderboard, ReactionEvent, Store, utc_now
from bot.weekly import WeeklyCommands

PLATFORM = "console"
CAN = commands.Capabilities(buttons=True, ephemeral=True, files=False, native_polls=False)
"""The terminal's buttons are typed (`:pick N`, `:vote USER CARD N`); it shows no pictures."""
PRESS = " (:vote USER CARD N)"
"""How a button is pressed here, said after a card "is voted on with buttons"."""
WEEKLY_CHECK_SECONDS = 30.0
BOT_USER = "verdict-bot"
HELP = """\
Commands:
  /compare A vs B        post a verdict card (2 to 4 tools)
  /tool NAME             one tool's page
  /tools [FILTER]        the catalogue, by name, vendor or category (e.g. /tools vision)
  /leaderboard [CAT]     the community leaderboard, optionally for one category or use case
  :reviews CARD          every reviewer's full review of each tool on card CARD
  :pick N                answer a "did you mean" question with choice N
  :request [NAME]        ask for a tool the catalogue lacks (by default the last unknown name)
  :react USER CARD N     USER reacts with N (1-4, or an emoji) on card CARD
  :unreact USER CARD N   USER removes that reaction
  :vote USER CARD N      USER presses button N on card CARD (channels with votes:buttons)
  :close USER CARD       USER closes card CARD's vote (its asker, or you: the channel admin)
  /verdicts subscribe DAY HOUR [TZ]   a weekly verdict here, e.g. mon 9am Europe/Paris
  /verdicts unsubscribe | now | preview
  /verdicts public NAME | private      show (or hide) this channel's weekly verdicts on the web
  /verdicts settings [results:live|closed] [votes:reactions|buttons]   how new cards vote
  /help, /quit"""

Kind = Literal["card", "edit", "reaction", "ephemeral", "tool", "leaderboard", "info"]


@dataclass(frozen=True)
class ConsoleMessage:
    kind: Kind
    text: str
    message_id: str | None = None
    to_user: str | None = None
    summary: str | None = None
    """For an edited card, just what changed (the tallies), which is what a terminal shows."""


def _printable(text: str) -> str:
    """Drop control characters from user text so it cannot drive the terminal."""
    return "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else "\ufffd" for ch in text
    )


@dataclass
class ConsoleChat:
    """The platform side: keeps posted messages and their reactions, and an outbox to read."""

    catalogue: Catalogue
    store: Store | None = None
    """Where earlier sessions' cards are: card numbers continue from them."""
    name: str = PLATFORM
    outbox: deque[ConsoleMessage] = field(default_factory=deque)
    messages: dict[str, str] = field(default_factory=dict)
    reactions: dict[str, list[str]] = field(default_factory=dict)
    keyed: dict[tuple[str, str], str] = field(default_factory=dict)
    """(channel, idempotency key) -> message id of the weekly cards posted with a key."""

    async def _next_number(self) -> str:
        """Card numbers are unique per database, not per session: a vote typed for card 3
        must land on the card shown as 3, even after a restart."""
        used = [int(m) for m in self.messages if m.isdigit()]
        if self.store is not None:
            used += [int(m) for m in await self.store.message_ids(PLATFORM) if m.isdigit()]
        return str(max(used, default=0) + 1)

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        message_id = await self._next_number()
        if posted.idempotency_key is not None:
            self.keyed[(channel, posted.idempotency_key)] = message_id
        self.messages[message_id] = render_posted(posted, card_number=message_id)
        self.outbox.append(ConsoleMessage("card", self.messages[message_id], message_id))
        return message_id

    async def find_card(self, channel: str, key: str) -> str | None:
        """The card posted in `channel` with idempotency key `key`, if any (see PostedCard)."""
        return self.keyed.get((channel, key))

    async def edit_card(self, channel: str, message_id: str, posted: PostedCard) -> None:
        self.messages[message_id] = render_posted(posted, card_number=message_id)
        self.outbox.append(
            ConsoleMessage(
                "edit",
                self.messages[message_id],
                message_id,
                summary=render_votes(posted, card_number=message_id),
            )
        )

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        self.reactions.setdefault(message_id, []).extend(emojis)

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        self.outbox.append(ConsoleMessage("ephemeral", _printable(text), to_user=user_id))

    async def post_tool(self, channel: str, tool: Tool) -> None:
        self.outbox.append(ConsoleMessage("tool", render_tool(tool, self.catalogue)))

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        self.outbox.append(ConsoleMessage("leaderboard", render_leaderboard(board)))

    async def send_choices(
        self,
        channel: str,
        user_id: str,
        text: str,
        choices: Sequence[Choice],
        *,
        requests: Sequence[str] = (),
    ) -> None:
        """A "did you mean" answer: every problem of the query, and numbered choices; for a
        name that matched nothing, how to request it."""
        lines = [text]
        lines += [f"  {i}. {c.label} (for {c.typed!r})" for i, c in enumerate(choices, start=1)]
        if choices:
            lines.append("Type :pick N to compare with choice N.")
        if requests:
            named = " and ".join(f'"{n}"' for n in requests)
            lines.append(f"Type :request to ask for {named} to be added.")
        self.outbox.append(
            ConsoleMessage("ephemeral", _printable("\n".join(lines)), to_user=user_id)
        )


def _emoji(typed: str) -> str:
    """`1` … `4` stand for the keycaps; anything else is passed on as the emoji itself."""
    return KEYCAPS[int(typed) - 1] if typed in {"1", "2", "3", "4"} else typed


class ConsoleSession:
    """Reads lines as a channel member would type them and runs them through the core."""

    def __init__(
        self, bot: ChatBot, chat: ConsoleChat, weekly: WeeklyCommands, *, channel: str, user: str
    ) -> None:
        self.bot = bot
        self.chat = chat
        self.weekly = weekly
        self.channel = channel
        self.user = user
        self.choices: dict[str, list[Choice]] = {}
        """The last "did you mean" choices offered to each user."""
        self.unknown: dict[str, list[str]] = {}
        """The names of each user's last comparison that matched nothing (`:request`)."""
        self.desk = PollDesk(bot)

    async def send(self, line: str, *, user: str | None = None) -> None:
        """One line typed in the channel (by `user`, or the session's own user)."""
        who = user or self.user
        line = line.strip()
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        if command in commands.TYPED:
            await self._ask(command, rest, who)
        elif command == ":pick":
            await self._pick(rest, who)
        elif command == ":request":
            await self._request_tool(rest, who)
        elif command == ":reviews":
            await self._reviews(rest)
        elif command in {":react", ":unreact"}:
            await self._react(rest, added=command == ":react")
        elif command == ":vote":
            await self._vote(rest)
        elif command == ":close":
            await self._close(rest)
        elif command == "/verdicts":
            await self._verdicts(rest, who)
        elif command == "/help":
            self._info(HELP)
        elif command and not command.startswith("\x1b"):
            # An empty line, or a key a terminal without line editing sent as an escape code
            # (an arrow), is nothing typed: no answer.
            self._info(f"Unknown command {_printable(command)!r}. Type /help for the commands.")
        await self.weekly.scheduler.run_once()  # anything now due is posted, as a live bot would

    def _request(self, user: str) -> commands.Request:
        """The terminal's own user is the channel's admin; anyone else typed in is a member."""
        return commands.Request(
            platform=PLATFORM,
            channel=self.channel,
            user_id=user,
            rights=commands.Rights(admin=user == self.user),
            can=CAN,
        )

    async def _ask(self, command: str, text: str, user: str) -> None:
        """A typed command (`commands.TYPED`). A refusal keeps the names that matched nothing
        for `:request`, and a /compare's "did you mean" its choices for `:pick`."""
        request = self._request(user)
        answer = await commands.ask_typed(self.bot, request, command, text)
        if isinstance(answer, commands.ShowTools):
            self._info(render_tool_page(answer.page))
            return
        if isinstance(answer, commands.Private):
            self.unknown[user] = list(answer.requests)
            if answer.choices and command == "/compare":
                self.choices[user] = list(answer.choices)
        await commands.show(self.bot, request, answer)

    async def _request_tool(self, name: str, user: str) -> None:
        """`:request NAME`, or `:request` alone for the last unknown names: "Request it"."""
        names = [name] if name else self.unknown.get(user, [])
        if not names:
            self._info("Request which tool? Type :request NAME, e.g. :request midjourney")
            return
        for wanted in names:
            await self.chat.send_ephemeral(
                self.channel, user, await self.bot.request_tool(user, wanted)
            )

    async def _pick(self, typed: str, user: str) -> None:
        offered = self.choices.get(user, [])
        if not typed.isdigit() or not 1 <= int(typed) <= len(offered):
            self._info(
                f"Pick a number from 1 to {len(offered)}."
                if offered
                else "Nothing to pick: no question is waiting for an answer."
            )
            return
        await self._ask("/compare", offered[int(typed) - 1].query, user)

    async def _card(self, number: str) -> CardRecord | None:
        card = await self.bot.store.find_card(PLATFORM, self.channel, number)
        if card is None:
            self._info(
                f"There is no card {_printable(number)!r} here; cards are numbered 1, 2, ..."
            )
        return card

    async def _reviews(self, number: str) -> None:
        record = await self._card(number.strip())
        if record is None:
            return
        answer = commands.ask_reviews(self.bot.comparer, record.tools)
        if isinstance(answer, commands.Private):
            self._info(answer.text)
        else:
            self._info(render_reviews(answer.card, self.chat.catalogue))

    async def _react(self, args: str, *, added: bool) -> None:
        try:
            user, number, typed = shlex.split(args)
        except ValueError:
            self._info("Usage: :react USER CARD N, for example :react alice 1 2")
            return
        card = await self._card(number)
        if card is None:
            return
        emoji = _emoji(typed)
        event = ReactionEvent(
            platform=PLATFORM,
            channel=self.channel,
            message_id=number,
            user_id=user,
            emoji=emoji,
            added=added,
            user_is_bot=user == BOT_USER,
        )
        why_not = await commands.why_not_a_vote(self.bot, card, event, press=PRESS)
        if why_not is not None:
            verb = "reaction" if added else "removal"
            said = f"{user}'s {verb} of {emoji} on card {number} changes nothing: {why_not}"
            self._info(_printable(said))
            return
        outcome = await self.bot.reaction(event)
        verb = "voted" if added else "took back the vote"
        self.chat.outbox.append(
            ConsoleMessage(
                "reaction",
                f"{_printable(user)} {verb} {emoji} on card {number} ({outcome.value})",
                number,
            )
        )

    async def _vote(self, args: str) -> None:
        """A vote button pressed, as a chat platform would deliver it (a press id each)."""
        try:
            user, number, typed = shlex.split(args)
        except ValueError:
            self._info("Usage: :vote USER CARD N, for example :vote alice 1 2")
            return
        card = await self._card(number)
        if card is None:
            return
        if not await self.bot.polls.voted_with_buttons(PLATFORM, self.channel, number):
            self._info(f"Card {number} is voted on with reactions: :react USER {number} N.")
            return
        if not typed.isdigit():
            self._info(f"Vote with a tool's number, 1 to {len(card.tools)}.")
            return
        # Unique across sessions on one database: a press id is kept to drop redeliveries.
        request = self._request(user)
        answer = await commands.press_vote(
            self.desk, request, card, int(typed) - 1, uuid.uuid4().hex
        )
        await self.chat.send_ephemeral(self.channel, user, answer)

    async def _close(self, args: str) -> None:
        try:
            user, number = shlex.split(args)
        except ValueError:
            self._info("Usage: :close USER CARD, for example :close alice 1")
            return
        await self._close_card(user, number)

    async def _close_card(self, user: str, number: str) -> None:
        card = await self._card(number)
        if card is None:
            return
        answer = await commands.close_card(self.desk, self._request(user), card)
        await self.chat.send_ephemeral(self.channel, user, answer)

    async def _verdicts(self, args: str, user: str) -> None:
        action, _, rest = args.partition(" ")
        if action == "close":
            await self._close_card(user, rest.strip())
            return
        try:
            request = self._request(user)
            self._info(
                await commands.channel_command(
                    self.weekly, self.desk, request, action, rest.split()
                )
            )
        except BadQuery as error:
            await self.chat.send_ephemeral(self.channel, user, error.message)

    def _info(self, text: str) -> None:
        self.chat.outbox.append(ConsoleMessage("info", text))

    def pop(self) -> ConsoleMessage:
        """The oldest message the bot has said and not yet read; IndexError if none."""
        return self.chat.outbox.popleft()

    def pop_all(self) -> list[ConsoleMessage]:
        messages = list(self.chat.outbox)
        self.chat.outbox.clear()
        return messages


@asynccontextmanager
async def open_console(
    *,
    db: str | Path,
    catalogue: Catalogue | None = None,
    channel: str = "terminal",
    user: str = "you",
    clock: Callable[[], datetime] = utc_now,
    public_url: str | None = None,
) -> AsyncIterator[ConsoleSession]:
    """A console channel on the SQLite file `db` (created if missing); with `public_url`, each
    card ends with a "Full page" line."""
    catalogue = catalogue or load_catalogue(bundled_catalogue_dir())
    store = await Store.open(db, clock=clock)
    try:
        chat = ConsoleChat(catalogue, store)
        bot = ChatBot(
            catalogue, store, chat, bot_user_id=BOT_USER, clock=clock, public_url=public_url
        )
        weekly = WeeklyCommands.for_bots({PLATFORM: bot}, platform=PLATFORM, clock=clock)
        yield ConsoleSession(bot, chat, weekly, channel=channel, user=user)
    finally:
        await store.close()


async def weekly_preview(
    catalogue: Catalogue, db: str | Path, *, channel: str | None = None
) -> str:
    """`verdict weekly preview`: the next post of every subscribed channel, on any platform.
    Raises `BadQuery` for a `channel` that has not subscribed, naming those that have."""
    async with open_console(db=db, catalogue=catalogue) as session:
        return await commands.preview_all(session.weekly.scheduler, channel)


async def weekly_run_once(catalogue: Catalogue, db: str | Path) -> str:
    """`verdict weekly run-once`: post what is due. Terminal channels' cards are printed here;
    channels on chat platforms are posted by that platform's bot process."""
    async with open_console(db=db, catalogue=catalogue) as session:
        results = await session.weekly.scheduler.run_once()
        shown = [m.text for m in session.pop_all() if m.kind == "card"]
        subscribed = await session.weekly.store.subscriptions()
    elsewhere = sum(s.platform != PLATFORM for s in subscribed)
    return "\n".join(shown + commands.ran_once(results, elsewhere)) or commands.NOTHING_DUE


def _show(message: ConsoleMessage, out: TextIO) -> None:
    if message.kind == "card":
        print(f"--- card {message.message_id} ---", file=out)
    elif message.kind == "edit":
        print(f"--- card {message.message_id}, tallies updated ---", file=out)
    elif message.kind == "ephemeral":
        print(f"(visible only to {message.to_user})", file=out)
    print(message.summary or message.text, file=out)


async def run_chat(
    catalogue: Catalogue,
    db: str | Path,
    *,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    public_url: str | None = None,
) -> None:
    """The interactive loop behind `verdict chat`."""
    user = os.environ.get("USER") or "you"
    async with open_console(
        db=db, catalogue=catalogue, user=user, public_url=public_url
    ) as session:
        print(f"verdict chat: a pretend channel, votes stored in {db}", file=out)
        print(HELP, file=out)

        async def show_after(sleep: float) -> None:
            """While nobody types, weekly verdicts that fall due still appear."""
            await asyncio.sleep(sleep)
            for message in session.pop_all():
                _show(message, out)

        weekly = asyncio.create_task(
            session.weekly.scheduler.run_forever(sleep=show_after, every=WEEKLY_CHECK_SECONDS)
        )
        slugs = sorted(t.slug for t in catalogue.tools)
        try:
            with line_reader(slugs=lambda: slugs, stdin=stdin, out=out) as reader:
                while True:
                    line = await asyncio.to_thread(reader.read)
                    if line is None or line.strip() in {"/quit", "/exit"}:
                        break
                    await session.send(line)
                    for message in session.pop_all():
                        _show(message, out)
        finally:
            weekly.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await weekly
