"""The Slack adapter on slack-bolt's AsyncApp: /compare, /tool, /tools, /leaderboard and
/verdicts, Block Kit cards with "Full reviews" and "Did you mean" buttons, reaction votes, over
HTTP (signed requests) or Socket Mode.

Slash commands ack at once and do their work in the background (the asker waits for the
3-second answer); reaction events are answered only after their vote is committed, so a 200 to
Slack always means the vote is stored, and a store failure answers 500 so Slack retries.
Everything Slack-specific (blocks, reaction names, ephemeral messages, chat.update) is here.

Background work is bounded: at most VERDICT_SLACK_MAX_BACKGROUND (default 128) commands and
button presses run at once; past that the asker is told to try again instead of a queue growing
without limit. Over HTTP, reaction votes skip Bolt (`direct_events`); the admission limits are
in adapters/slack/http.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import math
import re
import signal
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from slack_bolt import BoltResponse
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.heartbeat import heartbeat
from adapters.logs import announce, startup_line
from adapters.quiet_log import QuietLog
from adapters.slack.http import HEALTH_PATH, DirectHandler, HttpLimits, SlackHttpServer
from adapters.slack.render import (
    CLOSE_ACTION,
    FULL_PAGE_ACTION,
    PICK_ACTION,
    REQUEST_ACTION,
    REVIEWS_ACTION,
    TOOLS_ACTION,
    VOTE_ACTION,
    card_blocks,
    card_text,
    choices_blocks,
    escape,
    leaderboard_blocks,
    reviews_blocks,
    tool_blocks,
    tools_blocks,
)
from bot import commands
from bot.catalogue import Catalogue, Tool
from bot.chat import ChatBot
from bot.compare import Comparer, VerdictCard
from bot.errors import CannotPostHere, Choice, PlatformRefused, VerdictError
from bot.platform import PostedCard
from bot.poll_flows import PollDesk
from bot.render.chart import FILENAME as CHART_FILENAME
from bot.render.chart import draw_leaderboard
from bot.render.lists import ToolPage, page_heading
from bot.votes import (
    KEYCAPS,
    SLACK_NAMES,
    EditCoalescer,
    Leaderboard,
    ReactionEvent,
    Store,
    utc_now,
)
from bot.weekly import WeeklyCommands

log = logging.getLogger(__name__)

PLATFORM = "slack"
EDIT_INTERVAL_SECONDS = 3.0
EVENTS_PATH = "/slack/events"
ADMINS = "a workspace admin or owner"
"""Who, besides SLACK_ADMIN_USER_IDS, manages a channel on Slack (`SlackVerdicts._admin`)."""
SLACK = commands.Surface(
    name=PLATFORM,
    can=commands.Capabilities(buttons=True, ephemeral=True, files=True, native_polls=False),
    hint="`/tools [filter]` lists every tool, e.g. `/tools vision`.",
    admins=ADMINS,
    which_card="Which card? Give its message link (Copy link on the card) or its timestamp.",
)
"""What Slack offers a command (buttons, ephemeral answers, files; no native polls) and where
it tells people to look after a name that matches nothing."""
NOT_ALLOWED = commands.not_allowed(commands.Rights(admins=ADMINS))
INVITE_ME = "Invite @verdict to this channel: /invite @verdict"
OUTSIDE_CHANNEL = frozenset({"not_in_channel", "channel_not_found"})
"""What Slack answers when the bot was never invited (a private channel is "not found")."""
_NAME_BY_KEYCAP = dict(zip(KEYCAPS, SLACK_NAMES, strict=True))
VOTE_COMMIT_SECONDS = 2.5
"""A reaction event waits this long for its commit; past it, 500 (Slack's own limit is 3 s)."""
PRESS_ACK_SECONDS = 2.5
"""A vote button waits this long for its commit before the ack; past it, the ack goes at once
(Slack shows the presser an error after 3 s) and the outcome follows privately."""
TRIGGER_MEMORY_SECONDS = 600.0
"""A replayed /compare carries its first `trigger_id`; signed requests expire after 300 s."""
CHART_SCOPE = "files:write"
"""Only for uploading the leaderboard chart; without it the leaderboard's text still goes."""
ADMIN_SCOPE = "users:read"
"""Only for `users.info`, to know workspace admins and owners; without it, only the bot admins
(SLACK_ADMIN_USER_IDS) manage channels."""
HISTORY_SCOPES = ("channels:history", "groups:history")
"""Only for finding a weekly card a crashed attempt posted (`find_card`); without them a
recovery posts again, as before."""
CARD_KEY_EVENT = "verdict_weekly_card"
"""The metadata event type a weekly card carries its idempotency key in."""
DRAIN_SECONDS = 25.0
"""On SIGTERM: how long accepted requests and commands may take to finish."""
MAX_BACKGROUND = 128
"""Commands and button presses worked on at once, by default (VERDICT_SLACK_MAX_BACKGROUND)."""
BUSY = "Verdict is busy right now: try again in a moment."


class Background:
    """Work a listener starts after its ack (a slash command's answer), kept so that a
    shutdown can let it finish instead of dropping it. At most `limit` run at once: `spawn`
    refuses more, so a rush of commands cannot pile up tasks without bound."""

    def __init__(self, limit: int = MAX_BACKGROUND) -> None:
        self.limit = limit
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None]) -> bool:
        """Start `work`; False (and `work` closed unstarted) when `limit` tasks already run."""
        if len(self._tasks) >= self.limit:
            work.close()
            log.warning("slack: %d commands already under way; asked one to try again", self.limit)
            return False
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return True

    def adopt(self, work: Coroutine[Any, Any, None]) -> None:
        """Start `work` whatever the limit: for the end of something already under way (a
        vote committing past its ack), which must not be dropped."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("slack command failed", exc_info=task.exception())

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)


class RecentKeys:
    """Keys seen in the last `seconds` (bounded): `first(key)` is True once per key."""

    def __init__(self, seconds: float, limit: int = 50_000) -> None:
        self.seconds = seconds
        self.limit = limit
        self._seen: dict[str, float] = {}

    def first(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if (
            len(self._seen) >= self.limit
            or next(iter(self._seen.values()), now) < now - self.seconds
        ):
            self._seen = {k: t for k, t in self._seen.items() if t >= now - self.seconds}
            while len(self._seen) >= self.limit:
                del self._seen[next(iter(self._seen))]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


def _outside_channel(error: SlackApiError) -> bool:
    return error.response.get("error") in OUTSIDE_CHANNEL


@asynccontextmanager
async def _in_channel() -> AsyncIterator[None]:
    """A post refused because the bot is not in the channel becomes an answer for the asker."""
    try:
        yield
    except SlackApiError as error:
        if _outside_channel(error):
            raise CannotPostHere(INVITE_ME) from None
        raise


class SlackPlatform:
    """`ChatPlatform` over Slack's Web API."""

    name = PLATFORM

    def __init__(self, client: AsyncWebClient, catalogue: Catalogue) -> None:
        self.client = client
        self.catalogue = catalogue

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        keyed: dict[str, Any] = {}
        if posted.idempotency_key is not None:  # found again by `find_card` after a crash
            keyed["metadata"] = {
                "event_type": CARD_KEY_EVENT,
                "event_payload": {"key": posted.idempotency_key},
            }
        async with _in_channel():
            response = await self.client.chat_postMessage(
                channel=channel, blocks=card_blocks(posted), text=card_text(posted), **keyed
            )
        return str(response["ts"])

    async def find_card(self, channel: str, key: str) -> str | None:
        """The ts of a card posted here with idempotency key `key` among the channel's latest
        messages (it carries the key in its metadata), or None. Needs the history scopes;
        without them it cannot tell, and the caller posts (as before)."""
        response = await self.client.conversations_history(
            channel=channel, limit=100, include_all_metadata=True
        )
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == CARD_KEY_EVENT and payload.get("key") == key:
                return str(message["ts"])
        return None

    async def edit_card(self, channel: str, message_id: str, posted: PostedCard) -> None:
        await self.client.chat_update(
            channel=channel, ts=message_id, blocks=card_blocks(posted), text=card_text(posted)
        )

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        for emoji in emojis:
            await self.client.reactions_add(
                channel=channel, timestamp=message_id, name=_NAME_BY_KEYCAP.get(emoji, emoji)
            )

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        await self._answer_privately(channel, user_id, escape(text))

    async def send_choices(
        self,
        channel: str,
        user_id: str,
        text: str,
        choices: Sequence[Choice],
        *,
        requests: Sequence[str] = (),
    ) -> None:
        """A "did you mean" answer only the asker sees, a button per choice, and "Request it"
        for each name that matched nothing."""
        blocks = choices_blocks(text, choices, requests=requests)
        await self._answer_privately(channel, user_id, escape(text), blocks)

    async def send_blocks(self, channel: str, user_id: str, blocks: list[Any], text: str) -> None:
        await self._answer_privately(channel, user_id, escape(text), blocks)

    async def send_reviews(self, channel: str, user_id: str, card: VerdictCard, slug: str) -> None:
        column = next(c for c in card.tools if c.slug == slug)
        blocks = reviews_blocks(card, self.catalogue, slug)
        await self.send_blocks(channel, user_id, blocks, f"Full reviews: {column.name}")

    async def _answer_privately(
        self, channel: str, user_id: str, text: str, blocks: list[Any] | None = None
    ) -> None:
        """Every private answer goes through here: `text` is already mrkdwn-escaped."""
        await self.client.chat_postEphemeral(
            channel=channel, user=user_id, text=text, blocks=blocks
        )

    async def post_tool(self, channel: str, tool: Tool) -> None:
        async with _in_channel():
            await self.client.chat_postMessage(
                channel=channel, blocks=tool_blocks(tool, self.catalogue), text=tool.name
            )

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        """The leaderboard's text, then its chart as a file in the channel. The chart needs
        the `files:write` scope; without it (or if drawing fails) the text stands alone and the
        error is logged by its code."""
        async with _in_channel():
            await self.client.chat_postMessage(
                channel=channel, blocks=leaderboard_blocks(board), text="Community leaderboard"
            )
        try:
            png = await draw_leaderboard(board)
        except Exception:  # a chart is an extra: the text is already posted
            log.exception("could not draw the leaderboard chart")
            return
        if png is None:
            return
        try:
            await self.client.files_upload_v2(
                channel=channel,
                content=png,
                filename=CHART_FILENAME,
                title="Community leaderboard",
            )
        except SlackApiError as error:
            log.warning(
                "Slack refused the leaderboard chart (%s; it needs the %s scope)",
                error.response.get("error"),
                CHART_SCOPE,
            )
        except SlackClientError as error:
            log.warning("could not upload the leaderboard chart: %s", type(error).__name__)


class CommandReplies(SlackPlatform):
    """The same platform, answering one slash command. Slack will not take a private answer
    from a bot in a channel it was never invited to, but the command's `response_url` always
    reaches the asker: that is where the answer goes when chat.postEphemeral is refused."""

    def __init__(self, base: SlackPlatform, response_url: str) -> None:
        super().__init__(base.client, base.catalogue)
        self.response_url = response_url

    async def _answer_privately(
        self, channel: str, user_id: str, text: str, blocks: list[Any] | None = None
    ) -> None:
        try:
            await super()._answer_privately(channel, user_id, text, blocks)
        except SlackApiError as error:
            if not _outside_channel(error):
                raise
            answer = await AsyncWebhookClient(self.response_url).send(
                text=text, blocks=blocks, response_type="ephemeral"
            )
            if answer.status_code != 200:
                status = answer.status_code
                log.warning("could not answer %s in %s (HTTP %d)", user_id, channel, status)


def reaction_event(body: dict[str, Any]) -> ReactionEvent | None:
    """A `reaction_added` / `reaction_removed` event as the core's neutral event; None for one
    that is not on a message or not well-formed (no user, item or reaction, a time that is not
    a number): such an event is answered 200 and ignored, since a retry would be no better."""
    event = body.get("event")
    item = event.get("item") if isinstance(event, dict) else None
    if not isinstance(event, dict) or not isinstance(item, dict) or item.get("type") != "message":
        return None
    fields = (item.get("channel"), item.get("ts"), event.get("user"), event.get("reaction"))
    if not all(isinstance(f, str) and f for f in fields):
        return None
    event_ts = event.get("event_ts")
    try:
        event_time = float(event_ts) if event_ts else None
    except (TypeError, ValueError):
        return None
    if event_time is not None and not math.isfinite(event_time):
        return None
    event_id = body.get("event_id")
    return ReactionEvent(
        platform=PLATFORM,
        channel=str(item["channel"]),
        message_id=str(item["ts"]),
        user_id=str(event["user"]),
        emoji=str(event["reaction"]),
        added=event.get("type") == "reaction_added",
        event_id=event_id if isinstance(event_id, str) else None,
        event_time=event_time,
    )


def malformed(body: dict[str, Any]) -> str | None:
    """Why a signed Slack request cannot be worked on (a command without its channel or user,
    a button press without them), or None. Such a request is answered 400 before any
    listener, not 500: Slack would retry a 500 and fare no better."""
    if "command" in body:
        missing = [k for k in ("channel_id", "user_id") if not _text(body.get(k))]
        return f"a command without {' or '.join(missing)}" if missing else None
    if body.get("type") == "block_actions":
        channel, user = body.get("channel"), body.get("user")
        if not (isinstance(channel, dict) and _text(channel.get("id"))):
            return "a button press without its channel"
        if not (isinstance(user, dict) and _text(user.get("id"))):
            return "a button press without its user"
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions and isinstance(actions[0], dict)):
            return "a button press without its action"
    return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


class SlackVerdicts:
    """The core services one Slack app uses, and what each command and event does."""

    def __init__(
        self,
        client: AsyncWebClient,
        catalogue: Catalogue,
        store: Store,
        *,
        bot_user_id: str | None,
        admin_user_ids: frozenset[str] = frozenset(),
        clock: Callable[[], dt.datetime] = utc_now,
        edits: EditCoalescer | None = None,
        public_url: str | None = None,
        comparer: Comparer | None = None,
        team_id: str | None = None,
    ) -> None:
        """`comparer` is the process's one comparer (built over `catalogue` when not given);
        `team_id` the workspace, where tool requests are counted."""
        self.edits = edits or EditCoalescer(interval=EDIT_INTERVAL_SECONDS)
        self.platform = SlackPlatform(client, catalogue)
        self.store = store
        self.client = client
        self.roles = commands.RoleMemory(self._workspace_admin, bot_admins=admin_user_ids)
        self._role_lookup_failed = False
        self.bot = ChatBot(
            catalogue,
            store,
            self.platform,
            bot_user_id=bot_user_id,
            clock=clock,
            comparer=comparer or Comparer(catalogue),
            edits=self.edits,
            public_url=public_url,
            community=f"slack:{team_id or 'workspace'}",
        )
        self.weekly = WeeklyCommands.for_bots({PLATFORM: self.bot}, platform=PLATFORM, clock=clock)
        self.desk = PollDesk(self.bot)

    def _answering(self, response_url: str | None) -> SlackPlatform:
        """Where one command's answers go: with its `response_url`, the asker hears back even
        where the bot was never invited ("Invite @verdict to this channel")."""
        return CommandReplies(self.platform, response_url) if response_url else self.platform

    def _replies(self, response_url: str | None) -> ChatBot:
        """The bot, answering one command (`_answering`)."""
        platform = self._answering(response_url)
        return self.bot if platform is self.platform else self.bot.through(platform)

    def _request(self, channel: str, user: str, *, admin: bool = False) -> commands.Request:
        return SLACK.request(channel, user, admin=admin)

    async def ask(
        self, command: str, channel: str, user: str, text: str, response_url: str | None = None
    ) -> None:
        """A typed command (`commands.TYPED`; a "did you mean" button is a /compare): what it
        shows is posted, or said to the asker; a /tools page is for the asker alone."""
        request = self._request(channel, user)
        answer = await commands.ask_typed(self.bot, request, command, text)
        if isinstance(answer, commands.ShowTools):
            blocks = tools_blocks(answer.page)
            await self._answering(response_url).send_blocks(
                channel, user, blocks, page_heading(answer.page)
            )
        else:
            await commands.show(self._replies(response_url), request, answer)

    async def request(self, channel: str, user: str, name: str) -> None:
        """ "Request it" pressed: stored, then answered to the presser alone."""
        await self.platform.send_ephemeral(channel, user, await self.bot.request_tool(user, name))

    def tools_page(self, text: str, page: int | None = None) -> ToolPage:
        return commands.ask_tools(self.bot.comparer, text, page).page

    async def reviews(self, channel: str, user: str, value: str) -> None:
        """ "Full reviews" pressed: each tool's four reviews, privately, a message per tool
        (one tool's four bodies stay well inside a message's 50 blocks and 3,000-character
        sections)."""
        answer = commands.ask_reviews(self.bot.comparer, value.split("+"))
        await commands.show(self.bot, self._request(channel, user), answer)

    async def reaction(self, body: dict[str, Any]) -> None:
        event = reaction_event(body)
        if event is not None:
            await self.bot.reaction(event)

    async def press(self, channel: str, user: str, message_ts: str, choice: int, press: str) -> str:
        """A vote button: commit the vote and return the presser's private answer."""
        card = await self.store.find_card(PLATFORM, channel, message_ts)
        return await commands.press_vote(
            self.desk, self._request(channel, user), card, choice, press
        )

    async def close_pressed(self, channel: str, user: str, message_ts: str) -> None:
        await self.platform.send_ephemeral(
            channel, user, await self._close(channel, user, message_ts)
        )

    async def _close(self, channel: str, user: str, message_ts: str) -> str:
        """Close for the card's asker, a workspace admin or owner, or a bot admin."""
        card = await self.store.find_card(PLATFORM, channel, message_ts)
        return await commands.close_found(
            self.desk, self._request(channel, user), card, lambda _: self._admin(channel, user)
        )

    async def _admin(self, channel: str, user: str) -> bool:
        """A bot admin (SLACK_ADMIN_USER_IDS) or a workspace admin or owner. Slack has no
        channel-manager role an app can read, so a channel's own managers count only through
        these."""
        return await self.roles.admin(user)

    async def _workspace_admin(self, user: str) -> bool | None:
        """Whether Slack calls `user` a workspace admin or owner (`users.info`); None when
        it cannot say (warned once: a missing scope fails every time)."""
        try:
            answer = await self.client.users_info(user=user)
        except (SlackApiError, SlackClientError, aiohttp.ClientError, TimeoutError) as error:
            if not self._role_lookup_failed:
                self._role_lookup_failed = True
                reason = error.response.get("error") if isinstance(error, SlackApiError) else error
                log.warning(
                    "cannot read workspace roles (users.info: %s); only SLACK_ADMIN_USER_IDS "
                    "manage channels. Add the %s scope to let workspace admins do it",
                    reason,
                    ADMIN_SCOPE,
                )
            return None
        member = answer.get("user") or {}
        return any(member.get(k) is True for k in ("is_admin", "is_owner", "is_primary_owner"))

    async def verdicts(
        self, command: str, channel: str, user: str, text: str, response_url: str | None = None
    ) -> None:
        """/verdicts ACTION [words] (`command`), answered to the asker."""
        action, _, rest = text.strip().partition(" ")
        try:
            answer = await self._verdicts(channel, user, action, rest.split())
        except VerdictError as error:
            answer = error.message
        await self._answering(response_url).send_ephemeral(channel, user, answer)

    async def _verdicts(self, channel: str, user: str, action: str, args: list[str]) -> str:
        if action == "close":
            return await commands.close_linked(
                self.desk,
                self._request(channel, user),
                " ".join(args),
                lambda _: self._admin(channel, user),
            )
        admin = commands.needs_rights(action, args) and await self._admin(channel, user)
        request = self._request(channel, user, admin=admin)
        return await commands.channel_command(self.weekly, self.desk, request, action, args)


async def commit_vote(verdicts: SlackVerdicts, body: dict[str, Any]) -> None:
    """A reaction event's vote, committed or failed within VOTE_COMMIT_SECONDS. An error or a
    timeout answers 500 and Slack retries; the retry carries the same event time, so it is
    counted once."""
    async with asyncio.timeout(VOTE_COMMIT_SECONDS):  # unlike wait_for, no extra task
        await verdicts.reaction(body)


async def commit_press(
    verdicts: SlackVerdicts,
    channel: str,
    user: str,
    body: dict[str, Any],
    choice: int,
    press: str,
) -> str:
    """A vote button's commit, as the presser's private answer (a failure included)."""
    answer = verdicts.press(channel, user, _pressed_on(body), choice, press)
    return await commands.or_failed(answer, commands.PRESS_FAILED)


async def answer_when_committed(
    verdicts: SlackVerdicts, committing: asyncio.Task[str], channel: str, user: str
) -> None:
    """The answer to a press acked before its commit ended, once it has."""
    await verdicts.platform.send_ephemeral(channel, user, await committing)


def direct_events(verdicts: Callable[[], SlackVerdicts]) -> dict[str, DirectHandler]:
    """The events the HTTP server hands straight to the core, without Bolt: votes, the bulk
    of a busy workspace's traffic. Bolt would add only its middleware chain (it ignores the
    bot's own events, as the core does) and a second JSON parse."""

    async def vote(body: dict[str, Any]) -> None:
        await commit_vote(verdicts(), body)

    return {"reaction_added": vote, "reaction_removed": vote}


def _pressed_on(body: dict[str, Any]) -> str:
    """The ts of the message a button was pressed on."""
    container = body.get("container") or {}
    return str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")


def build_app(
    verdicts: Callable[[], SlackVerdicts],
    *,
    client: AsyncWebClient,
    signing_secret: str,
    background: Background | None = None,
) -> AsyncApp:
    """The Bolt app. It runs each listener before answering (`process_before_response`), so
    commands ack and hand their work to `background`, and votes commit before their ack."""
    app = AsyncApp(client=client, signing_secret=signing_secret, process_before_response=True)
    work = background or Background()
    quiet = QuietLog(log)

    @app.middleware
    async def well_formed(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> Any:
        problem = malformed(body)
        if problem is not None:
            quiet.warning("rejected a signed but malformed Slack request: %s", problem)
            return BoltResponse(status=400, body=f"malformed request: {problem}")
        return await next()

    triggers = RecentKeys(TRIGGER_MEMORY_SECONDS)

    async def start(ack: Any, job: Coroutine[Any, Any, None], busy: str | None = BUSY) -> None:
        """Ack with the job under way. When the background pool is full the job is dropped
        (logged) and a command's asker reads `busy`; a button press has no text answer."""
        if work.spawn(job) or busy is None:
            await ack()
        else:
            await ack(busy)

    Answer = Callable[[SlackVerdicts], Callable[..., Coroutine[Any, Any, None]]]

    def command_text(answer: Answer, *, once: bool = False) -> Callable[..., Awaitable[None]]:
        """A command answered from its name, channel, user, text and response_url, after the
        ack. With `once`, a replay (its first trigger_id again) is acked and dropped."""

        async def listener(ack: Any, command: dict[str, Any]) -> None:
            trigger = str(command.get("trigger_id") or "")
            if once and trigger and not triggers.first(trigger):
                log.warning("ignored a replayed %s (trigger_id seen before)", command["command"])
                await ack()
                return
            job = answer(verdicts())(
                command["command"],
                command["channel_id"],
                command["user_id"],
                command.get("text", ""),
                command.get("response_url"),
            )
            await start(ack, job)

        return listener

    def button_value(answer: Answer) -> Callable[..., Awaitable[None]]:
        """A button answered from its channel, user and value, after the ack."""

        async def listener(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            job = answer(verdicts())(body["channel"]["id"], body["user"]["id"], action["value"])
            await start(ack, job, busy=None)

        return listener

    for typed in commands.TYPED:
        app.command(typed)(command_text(lambda v: v.ask, once=typed == "/compare"))
    app.command("/verdicts")(command_text(lambda v: v.verdicts))
    app.action(REVIEWS_ACTION)(button_value(lambda v: v.reviews))
    app.action(re.compile(rf"^{PICK_ACTION}_\d+$"))(
        button_value(lambda v: functools.partial(v.ask, "/compare"))
    )
    app.action(re.compile(rf"^{REQUEST_ACTION}_\d+$"))(button_value(lambda v: v.request))

    @app.action(re.compile(rf"^{TOOLS_ACTION}_(previous|next)$"))
    async def tools_page(ack: Any, action: dict[str, Any], respond: Any) -> None:
        """Turn the page in place: the ephemeral list is replaced through its response_url."""
        number, _, wanted = action["value"].partition(":")
        page = verdicts().tools_page(wanted, int(number) if number.isdigit() else 1)
        turned = respond(replace_original=True, blocks=tools_blocks(page), text=page_heading(page))
        await start(ack, turned, busy=None)

    @app.action(re.compile(rf"^{VOTE_ACTION}_[0-3]$"))
    async def vote_button(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """Commit, then ack: Slack does not retry a press, so a failed commit is said to the
        presser privately rather than lost. A redelivery has the same trigger id: once. A
        commit slower than PRESS_ACK_SECONDS is acked at once and goes on; its outcome, a
        failure included, is then said privately."""
        channel, user = body["channel"]["id"], body["user"]["id"]
        press = str(body.get("trigger_id") or f"{user}:{action.get('action_ts')}")
        committing = asyncio.create_task(
            commit_press(verdicts(), channel, user, body, int(action["action_id"][-1]), press)
        )
        try:
            async with asyncio.timeout(PRESS_ACK_SECONDS):
                answer = await asyncio.shield(committing)  # a late commit goes on
        except TimeoutError:
            log.warning("a vote button's commit took over %s s; acked first", PRESS_ACK_SECONDS)
            await ack()
            work.adopt(answer_when_committed(verdicts(), committing, channel, user))
            return
        await ack()
        work.spawn(verdicts().platform.send_ephemeral(channel, user, answer))

    @app.action(CLOSE_ACTION)
    async def close_button(ack: Any, body: dict[str, Any]) -> None:
        channel, user = body["channel"]["id"], body["user"]["id"]
        await start(ack, verdicts().close_pressed(channel, user, _pressed_on(body)), busy=None)

    @app.action(FULL_PAGE_ACTION)
    async def full_page(ack: Any) -> None:
        """A link button: the browser opens the page; Slack only wants to hear it was seen."""
        await ack()

    async def vote(ack: Any, body: dict[str, Any]) -> None:
        """Socket Mode's votes (HTTP's skip Bolt): commit first, then ack."""
        await commit_vote(verdicts(), body)
        await ack()

    app.event("reaction_added")(vote)
    app.event("reaction_removed")(vote)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("slack request failed: %r", error)

    return app


async def _auth_test(client: AsyncWebClient, api_url: str | None) -> Any:
    """Who the token belongs to; a refused token, Slack in trouble and Slack out of reach are
    three different one-line errors (never the token itself)."""
    where = urllib.parse.urlsplit(api_url or AsyncWebClient.BASE_URL).netloc or "Slack"
    try:
        return await client.auth_test()
    except SlackApiError as error:
        status = error.response.status_code
        if status == 429 or status >= 500:
            raise PlatformRefused(
                f"Slack at {where} is not answering (HTTP {status}); try again later"
            ) from None
        data = error.response.data
        reason = data.get("error", "refused") if isinstance(data, dict) else f"HTTP {status}"
        raise PlatformRefused(f"Slack refused SLACK_BOT_TOKEN ({reason})") from None
    except (aiohttp.ClientError, OSError, TimeoutError, SlackClientError) as error:
        raise PlatformRefused(
            f"cannot reach Slack at {where} ({type(error).__name__}); check SLACK_API_URL "
            "and the network"
        ) from None


async def run_slack(
    catalogue: Catalogue,
    db: str,
    *,
    bot_token: str,
    signing_secret: str | None,
    app_token: str | None,
    api_url: str | None,
    port: int,
    admin_user_ids: frozenset[str],
    host: str = "127.0.0.1",
    public_url: str | None = None,
    web: tuple[str, int] | None = None,
    limits: HttpLimits | None = None,
    max_background: int = MAX_BACKGROUND,
    comparer: Comparer | None = None,
) -> None:
    """`verdict slack`: Socket Mode when an app token is given, else an HTTP server on
    host:port. SIGTERM (or Ctrl-C) drains: stop accepting, finish what was accepted, return.
    With `public_url`, cards link to their web page and the pages are served on `web`
    (host, port) by this same process. `limits` bound the HTTP server's load and
    `max_background` the commands under way."""
    client = AsyncWebClient(token=bot_token, base_url=api_url or AsyncWebClient.BASE_URL)
    auth = await _auth_test(client, api_url)  # a bad token fails here, before anything listens
    store = await Store.open(db, check=True)
    services = SlackVerdicts(
        client,
        catalogue,
        store,
        bot_user_id=auth.get("user_id"),
        admin_user_ids=admin_user_ids,
        public_url=public_url,
        comparer=comparer,
        team_id=auth.get("team_id"),
    )
    background = Background(max_background)
    app = build_app(
        lambda: services,
        client=client,
        signing_secret=signing_secret or "",
        background=background,
    )
    weekly_stop = asyncio.Event()
    weekly = asyncio.create_task(services.weekly.scheduler.run_forever(stop=weekly_stop))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server: SlackHttpServer | None = None
    handler: Any = None
    pages: Any = None
    try:
        if app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            handler = AsyncSocketModeHandler(app, app_token)
            await handler.connect_async()
            mode = "Socket Mode (no public URL needed)"
        else:
            server = SlackHttpServer(
                app,
                signing_secret=signing_secret or "",
                healthy=services.store.healthy,
                path=EVENTS_PATH,
                limits=limits,
                direct=direct_events(lambda: services),
            )
            await server.start(host, port)
            mode = f"HTTP on {host}:{port} at {EVENTS_PATH}"
        if public_url is not None and web is not None:
            from adapters.web import WebSite, start_web

            site = WebSite(services.bot.comparer, store, public_url=public_url)
            pages = await start_web(site, *web)
            mode += f"; web pages on {web[0]}:{web[1]} for {public_url}"
        announce(
            startup_line(platform=PLATFORM, mode=mode, database=db, tools=len(catalogue.tools))
        )
        # A sign of life for `verdict health`: Socket Mode while its socket is connected,
        # HTTP mode while /healthz answers.
        probe_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        async with heartbeat(
            PLATFORM,
            probe=None if server is None else f"http://{probe_host}:{port}{HEALTH_PATH}",
            alive=None if handler is None else handler.client.is_connected,
        ):
            await stop.wait()
        log.info("stopping: finishing accepted requests")
        if handler is not None:
            await handler.close_async()
        if server is not None:
            await server.drain(DRAIN_SECONDS)
        await background.drain(DRAIN_SECONDS)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        if pages is not None:
            await pages.cleanup()
        weekly_stop.set()  # a weekly post under way finishes and is recorded
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(weekly, DRAIN_SECONDS)
        await services.edits.drain()
        await store.close()
