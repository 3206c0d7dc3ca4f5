"""The Discord adapter: slash commands, embeds, reaction votes, weekly verdicts.

It only translates: Discord events become core calls (`bot.chat`, `bot.weekly`) and
core results become embeds. Callbacks are a few lines over methods of `DiscordVerdicts`, which the
tests drive with real discord.py objects against a fake Discord API on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import io
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord
from discord import app_commands

from adapters.discord.buttons import (
    CloseButton,
    PickButton,
    Pressed,
    RequestButton,
    ReviewsView,
    ToolsPageButton,
    VoteButton,
    card_key,
    choices_view,
)
from adapters.discord.render import (
    card_embed,
    fit,
    leaderboard_embed,
    reviews_embed,
    safe,
    tool_embed,
    tools_embed,
)
from adapters.heartbeat import heartbeat
from adapters.logs import announce, startup_line
from bot import commands
from bot.catalogue import Catalogue, Tool
from bot.chat import ChatBot
from bot.compare import Comparer, UseCase, VerdictCard, split_last_name
from bot.errors import CannotPostHere, Choice, CloseRefused, PlatformRefused, VerdictError
from bot.platform import PostedCard
from bot.poll_flows import PollDesk
from bot.render.chart import FILENAME as CHART_FILENAME
from bot.render.chart import draw_leaderboard
from bot.render.reviews import has_full_reviews
from bot.votes import (
    CardRecord,
    EditCoalescer,
    Leaderboard,
    ReactionEvent,
    Store,
    utc_now,
)
from bot.weekly import WEEKDAYS, WeeklyCommands

log = logging.getLogger(__name__)

PLATFORM = "discord"
NEEDS_MANAGE_SERVER = "Weekly verdicts need the Manage Server permission."
DISCORD = commands.Surface(
    name=PLATFORM,
    can=commands.Capabilities(buttons=True, ephemeral=True, files=True, native_polls=True),
    hint="`/tools` lists every tool, and /compare suggests names as you type.",
    which_card="Which card? Give its message link (Copy Message Link on the card) or message id.",
    refusal=NEEDS_MANAGE_SERVER,
)
"""What Discord offers a command (buttons, ephemeral answers, files, native polls), where it
tells people to look after a name that matches nothing, and how it refuses a member."""
MAX_CHOICES = 25
"""Autocomplete choices: Discord's most."""
CHOICE_LIMIT = 100
EDIT_INTERVAL_SECONDS = 3.0
CARD_PERMISSIONS = {
    "send_messages": "Send Messages",
    "embed_links": "Embed Links",
    "add_reactions": "Add Reactions",
    "read_message_history": "Read Message History",
}
"""What posting a card and seeding its votes takes in a channel (the README's invite grants it)."""
HISTORY_LOOKED_AT = 100
"""How many of a channel's latest messages a recovery reads looking for its weekly card."""
WHERE_TO_GRANT = (
    "A server admin can grant it in Server Settings → Roles → verdict, or for this channel "
    "only in Edit Channel → Permissions."
)


def missing_permissions(granted: discord.Permissions) -> list[str]:
    """The card permissions the bot lacks, by the names Discord's settings show."""
    return [label for flag, label in CARD_PERMISSIONS.items() if not getattr(granted, flag)]


def lacking(missing: Sequence[str], where: str = "in this channel") -> str:
    """What to tell someone when the bot cannot post: which permission, and where to grant it."""
    names = " and ".join(missing) if len(missing) <= 2 else ", ".join(missing)
    return f"I can't post cards {where}: I need {names}. {WHERE_TO_GRANT}"


def intents() -> discord.Intents:
    """Only what the bot uses: guilds (for commands) and reactions. No privileged intents."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_reactions = True
    return wanted


def reaction_event(payload: discord.RawReactionActionEvent) -> ReactionEvent:
    """A raw reaction (fired for uncached messages too) as the core's neutral event."""
    return ReactionEvent(
        platform=PLATFORM,
        channel=str(payload.channel_id),
        message_id=str(payload.message_id),
        user_id=str(payload.user_id),
        emoji=str(payload.emoji),
        added=payload.event_type == "REACTION_ADD",
        user_is_bot=bool(payload.member is not None and payload.member.bot),
    )


def compare_choices(comparer: Comparer, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for /compare: catalogue names for the name being typed after the last "vs"."""
    before, typing = split_last_name(current)
    choices = []
    for tool in comparer.matcher.suggest(typing, limit=MAX_CHOICES):
        value = fit(f"{before}{tool.name}", CHOICE_LIMIT)
        choices.append(app_commands.Choice(name=value, value=value))
    return choices


def tool_choices(comparer: Comparer, current: str) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(name=fit(t.name, CHOICE_LIMIT), value=t.slug)
        for t in comparer.matcher.suggest(current, limit=MAX_CHOICES)
    ]


class DiscordPlatform:
    """`ChatPlatform` over a logged-in discord.py client, for posts outside an interaction
    (weekly verdicts, tally edits)."""

    name = PLATFORM

    def __init__(
        self, client: discord.Client, catalogue: Catalogue, on_reviews: Pressed | None = None
    ) -> None:
        self.client = client
        self.catalogue = catalogue
        self.on_reviews = on_reviews

    def card_view(self, posted: PostedCard) -> ReviewsView:
        """Full reviews and Full page; while the vote is open, a vote button per tool (with
        `votes:buttons`) and "Close vote"."""
        reviewed = has_full_reviews(posted.card)
        view = ReviewsView(self.on_reviews, page_url=posted.page_url, reviews=reviewed)
        poll = posted.poll
        if poll is not None and not poll.closed:
            if poll.buttons:
                for i, column in enumerate(posted.card.tools):
                    view.add_item(VoteButton(i, f"{i + 1} {column.name}"))
            view.add_item(CloseButton(posted.idempotency_key))
        return view

    def _channel(self, channel: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel))

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        """A weekly card goes with its idempotency key as the message's nonce, which
        discord.py (2.5 on) sends enforced: a resend within Discord's few minutes gets the
        first message back instead of a second card. The key also rides in the "Close vote"
        button, for `find_card` later than that."""
        nonce: dict[str, Any] = {}
        if posted.idempotency_key is not None:
            nonce["nonce"] = posted.idempotency_key
        try:
            message = await self._channel(channel).send(
                embed=card_embed(posted), view=self.card_view(posted), **nonce
            )
        except discord.Forbidden:  # a weekly card in a channel closed to the bot: say why
            where = f"in channel {channel}"
            raise CannotPostHere(lacking(["Send Messages", "Embed Links"], where)) from None
        return str(message.id)

    async def find_card(self, channel: str, key: str) -> str | None:
        """The id of a card this bot posted here with idempotency key `key`, among the
        channel's latest messages, or None. Needs Read Message History (the invite grants
        it); without it discord.py raises Forbidden, and the caller posts (as before)."""
        me = self.client.user
        async for message in self._channel(channel).history(limit=HISTORY_LOOKED_AT):
            if me is not None and message.author.id != me.id:
                continue  # a look-alike button from someone else proves nothing
            if card_key(message) == key:
                return str(message.id)
        return None

    async def edit_card(self, channel: str, message_id: str, posted: PostedCard) -> None:
        message = self._channel(channel).get_partial_message(int(message_id))
        await message.edit(embed=card_embed(posted), view=self.card_view(posted))

    async def add_reactions(self, channel: str, message_id: str, emojis: Sequence[str]) -> None:
        message = self._channel(channel).get_partial_message(int(message_id))
        for emoji in emojis:
            await message.add_reaction(emoji)

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        log.info("no interaction to answer %s in %s privately: %s", user_id, channel, text)

    async def send_choices(
        self, channel: str, user_id: str, text: str, choices: Sequence[Choice]
    ) -> None:
        await self.send_ephemeral(channel, user_id, text)

    async def post_tool(self, channel: str, tool: Tool) -> None:
        await self._channel(channel).send(embed=tool_embed(tool, self.catalogue))

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        await send_leaderboard(self._channel(channel).send, board)


async def send_leaderboard(send: Callable[..., Awaitable[Any]], board: Leaderboard) -> None:
    """The leaderboard embed with its chart attached and shown as the embed's image. When the
    chart cannot be drawn or is refused (a channel without Attach Files), the text goes alone."""
    try:
        png = await draw_leaderboard(board)
    except Exception:  # a chart is an extra: never lose the leaderboard to it
        log.exception("could not draw the leaderboard chart; sending the text alone")
        png = None
    if png is not None:
        embed = leaderboard_embed(board).set_image(url=f"attachment://{CHART_FILENAME}")
        try:
            await send(embed=embed, file=discord.File(io.BytesIO(png), filename=CHART_FILENAME))
            return
        except discord.HTTPException as error:
            log.warning(
                "Discord refused the leaderboard chart (HTTP %s, code %s); sending the text alone",
                error.status,
                error.code,
            )
    await send(embed=leaderboard_embed(board))


class InteractionReplies(DiscordPlatform):
    """The same platform, answering one slash command: the card, the tool and the leaderboard
    are the command's reply, and private answers are ephemeral (the first response or a
    follow-up, whichever is due)."""

    def __init__(self, base: DiscordPlatform, interaction: discord.Interaction) -> None:
        super().__init__(base.client, base.catalogue, base.on_reviews)
        self.interaction = interaction

    async def post_card(self, channel: str, posted: PostedCard) -> str:
        message = await self.interaction.followup.send(
            embed=card_embed(posted), view=self.card_view(posted), wait=True
        )
        return str(message.id)

    async def send_ephemeral(self, channel: str, user_id: str, text: str) -> None:
        await answer_privately(self.interaction, text)

    async def send_reviews(self, channel: str, user_id: str, card: VerdictCard, slug: str) -> None:
        embed = reviews_embed(card, self.catalogue, slug)
        await respond(self.interaction, embed=embed, ephemeral=True)

    async def send_choices(
        self,
        channel: str,
        user_id: str,
        text: str,
        choices: Sequence[Choice],
        *,
        requests: Sequence[str] = (),
    ) -> None:
        view = choices_view(choices, requests=requests)
        await answer_privately(self.interaction, text, view=view)

    async def post_tool(self, channel: str, tool: Tool) -> None:
        await respond(self.interaction, embed=tool_embed(tool, self.catalogue))

    async def post_leaderboard(self, channel: str, board: Leaderboard) -> None:
        await send_leaderboard(self.interaction.followup.send, board)


async def respond(interaction: discord.Interaction, **message: Any) -> None:
    """Answer as the first response or as a follow-up, whichever is due."""
    if interaction.response.is_done():
        await interaction.followup.send(**message)
    else:
        await interaction.response.send_message(**message)


async def answer_privately(
    interaction: discord.Interaction, text: str, *, view: discord.ui.View | None = None
) -> None:
    """An ephemeral answer (escaped: it may echo what was typed), whichever response is due."""
    extra: dict[str, Any] = {"view": view} if view is not None else {}
    await respond(interaction, content=safe(text), ephemeral=True, **extra)


def community_of(interaction: discord.Interaction) -> str:
    """Where a request counts: the server, or one's direct messages."""
    return f"discord:{interaction.guild_id}" if interaction.guild_id else "discord:dm"


class DiscordVerdicts:
    """Everything the Discord commands and events do, on one client, catalogue and store."""

    def __init__(
        self,
        client: discord.Client,
        catalogue: Catalogue,
        store: Store,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        edits: EditCoalescer | None = None,
        public_url: str | None = None,
        comparer: Comparer | None = None,
    ) -> None:
        """`comparer` is the process's one comparer (built over `catalogue` when not given)."""
        self.client = client
        self.comparer = comparer or Comparer(catalogue)
        self.store = store
        self.clock = clock
        self.public_url = public_url
        self.edits = edits or EditCoalescer(interval=EDIT_INTERVAL_SECONDS)
        self.platform = DiscordPlatform(client, catalogue, on_reviews=self.reviews)
        me = client.user
        self.bot = ChatBot(
            self.comparer.catalogue,
            self.store,
            self.platform,
            bot_user_id=str(me.id) if me is not None else None,
            clock=self.clock,
            comparer=self.comparer,
            edits=self.edits,
            public_url=self.public_url,
        )
        self.weekly = WeeklyCommands.for_bots({PLATFORM: self.bot}, platform=PLATFORM, clock=clock)
        self.desk = PollDesk(self.bot)

    def _replies(self, interaction: discord.Interaction) -> ChatBot:
        """The bot, answering one interaction, with its server as the requests' community."""
        replies = InteractionReplies(self.platform, interaction)
        return self.bot.through(replies, community=community_of(interaction))

    def _request(
        self, interaction: discord.Interaction, *, admin: bool = False
    ) -> commands.Request:
        user = str(interaction.user.id)
        return DISCORD.request(str(interaction.channel_id), user, admin=admin)

    async def compare(
        self, interaction: discord.Interaction, query: str, use_case: str | None = None
    ) -> None:
        """`use_case` is the command's optional `for` option; the query may say it too."""
        request = self._request(interaction)
        answer = commands.ask_compare(
            self.comparer, request, query, use_case=use_case, today=self.clock().date()
        )
        if isinstance(answer, commands.ShowCard):
            missing = missing_permissions(interaction.app_permissions)
            if missing:  # a card people cannot vote on (or see) helps nobody: say what to fix
                await answer_privately(interaction, lacking(missing))
                return
            await interaction.response.defer(thinking=True)  # the store may take a moment
        await commands.show(self._replies(interaction), request, answer)  # matching is fast

    async def _pressed_card(self, interaction: discord.Interaction) -> CardRecord | None:
        message = interaction.message
        if message is None:
            return None
        return await self.store.find_card(PLATFORM, str(interaction.channel_id), str(message.id))

    async def vote(self, interaction: discord.Interaction, choice: int) -> None:
        """A vote button, answered to the presser alone. The interaction id makes a
        redelivery count once."""

        async def press() -> str:
            card = await self._pressed_card(interaction)
            request = self._request(interaction)
            return await commands.press_vote(self.desk, request, card, choice, str(interaction.id))

        await self._deferred(interaction, press(), commands.PRESS_FAILED)

    async def close_pressed(self, interaction: discord.Interaction) -> None:
        """ "Close vote" on a card."""

        async def close() -> str:
            card = await self._pressed_card(interaction)
            rights = functools.partial(self._admin_where, interaction)
            return await commands.close_found(self.desk, self._request(interaction), card, rights)

        await self._deferred(interaction, close(), commands.CLOSE_FAILED)

    async def close_command(self, interaction: discord.Interaction, link: str) -> None:
        """/close CARD: a card's message link (Copy Message Link) or message id."""

        async def accepted() -> None:  # the card is read from the database
            await interaction.response.defer(ephemeral=True, thinking=True)

        close = commands.close_linked(
            self.desk,
            self._request(interaction),
            link,
            functools.partial(self._admin_where, interaction),
            server=str(interaction.guild_id),
            accepted=accepted,
        )
        await answer_privately(interaction, await commands.or_failed(close, commands.CLOSE_FAILED))

    async def _deferred(
        self, interaction: discord.Interaction, answer: Awaitable[str], failed: str
    ) -> None:
        """A press deferred privately at once (the 3-second rule; the database is read), then
        answered to the presser alone: with `failed` when it fails, never left "thinking"."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        await answer_privately(interaction, await commands.or_failed(answer, failed))

    async def _admin_where(self, interaction: discord.Interaction, card: CardRecord) -> bool:
        """Whether the caller may manage the card's channel: Manage Server or Manage Messages
        there, not where the command was typed. Raises `CloseRefused` for a card in another
        server (or one whose channel the bot cannot see)."""
        if card.channel == str(interaction.channel_id):
            granted = interaction.permissions  # Discord's own reckoning, in this very channel
        else:
            granted = await self._rights_in(interaction, int(card.channel))
        return granted.manage_guild or granted.manage_messages

    async def _rights_in(
        self, interaction: discord.Interaction, channel_id: int
    ) -> discord.Permissions:
        guild = interaction.guild if interaction.guild_id is not None else None
        if guild is None:
            raise CloseRefused(commands.OTHER_SERVER)
        channel = guild.get_channel_or_thread(channel_id)
        if channel is None:
            try:
                fetched = await self.client.fetch_channel(channel_id)
            except discord.HTTPException:
                raise CloseRefused(commands.OTHER_SERVER) from None
            if getattr(fetched, "guild", None) is None or fetched.guild.id != guild.id:
                raise CloseRefused(commands.OTHER_SERVER)
            # A channel of this server that is not in the cache: without its overwrites and
            # the server's roles, its rights cannot be reckoned; only the asker may close.
            return discord.Permissions.none()
        member = interaction.user
        if not isinstance(member, discord.Member):
            return discord.Permissions.none()
        return channel.permissions_for(member)

    async def reviews(self, interaction: discord.Interaction) -> None:
        """ "Full reviews" pressed on a card: each tool's four reviews, privately, a message
        per tool (one embed holds one tool's reviews within Discord's 6,000 characters)."""
        record = await self._pressed_card(interaction)
        answer = commands.ask_reviews(self.comparer, record.tools if record is not None else None)
        await commands.show(self._replies(interaction), self._request(interaction), answer)

    async def request(self, interaction: discord.Interaction, name: str) -> None:
        """ "Request it" pressed: stored, answered to the presser."""
        answer = self._replies(interaction).request_tool(str(interaction.user.id), name)
        await self._deferred(interaction, answer, commands.REQUEST_FAILED)

    async def tool(self, interaction: discord.Interaction, name: str) -> None:
        request = self._request(interaction)
        answer = commands.ask_tool(self.comparer, request, name)
        await commands.show(self._replies(interaction), request, answer)

    async def tools(
        self, interaction: discord.Interaction, filter: str = "", *, page: int | None = None
    ) -> None:
        """/tools [filter]: a page of the catalogue, privately, with buttons to turn pages.
        A button press edits the same message rather than adding another."""
        shown = commands.ask_tools(self.comparer, filter, page).page
        view = discord.ui.View(timeout=None)
        for label, number in shown.turns:
            view.add_item(ToolsPageButton(number, shown.filter, label))
        embed = tools_embed(shown)
        if interaction.type is discord.InteractionType.component:
            await interaction.response.edit_message(embed=embed, view=view)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    async def leaderboard(self, interaction: discord.Interaction, category: str = "") -> None:
        async def accepted() -> None:  # a recount or a picture takes time; a bad category
            await interaction.response.defer(thinking=True)  # is answered before, privately

        request = self._request(interaction)
        answer = await commands.ask_leaderboard(
            self.comparer, self.store, request, category, accepted=accepted
        )
        await commands.show(self._replies(interaction), request, answer)

    async def reaction(self, payload: discord.RawReactionActionEvent) -> None:
        await self.bot.reaction(reaction_event(payload))

    async def verdicts(
        self, interaction: discord.Interaction, action: str, channel_id: int, *args: str
    ) -> None:
        """The /verdicts group. Discord hides it from members without Manage Server; the
        core's check holds even where a server admin changed that default (anyone may preview
        and read the settings, as on every platform)."""

        async def accepted() -> None:  # posting a weekly card takes a moment
            await interaction.response.defer(ephemeral=True, thinking=True)

        try:
            text = await commands.channel_command(
                self.weekly,
                self.desk,
                self._request(interaction, admin=interaction.permissions.manage_guild),
                action,
                args,
                channel=str(channel_id),
                accepted=accepted,
            )
        except VerdictError as error:  # may echo what was typed
            text = safe(error.message)
        await respond(interaction, content=text, ephemeral=True)


CHANNEL_ACTIONS = (
    ("unsubscribe", "Stop a channel's weekly verdict"),
    ("now", "Post this week's verdict in a channel now"),
    ("preview", "What a channel gets next, and when"),
    ("private", "Take a channel's weekly verdicts off the web"),
)
"""The /verdicts actions that take a channel and nothing else."""


def channel_action(
    action: str, description: str, verdicts: Callable[[], DiscordVerdicts]
) -> app_commands.Command[Any, ..., None]:
    """`/verdicts ACTION channel`."""

    async def callback(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await verdicts().verdicts(interaction, action, channel.id)

    return app_commands.Command(name=action, description=description, callback=callback)


def build_tree(
    client: discord.Client, verdicts: Callable[[], DiscordVerdicts]
) -> app_commands.CommandTree:
    """The slash commands, each a thin callback over `DiscordVerdicts`."""
    tree = app_commands.CommandTree(client)
    Suggest = Callable[[Comparer, str], list[app_commands.Choice[str]]]

    def suggesting(command: str, suggest: Suggest) -> Callable[..., Awaitable[Any]]:
        """An autocomplete callback; a failure is logged (older discord.py swallowed them)."""

        async def autocomplete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            try:
                return suggest(verdicts().comparer, current)
            except Exception:
                log.exception("autocomplete for %s failed on %r", command, current)
                return []

        return autocomplete

    @tree.command(name="compare", description="Compare 2 to 4 AI tools: a verdict card to vote on")
    @app_commands.describe(
        query="e.g. smolvlm2 vs mistral-medium-3",
        use_case="what the tools are for: the verdict weighs what it needs",
    )
    @app_commands.rename(use_case="for")
    @app_commands.choices(
        use_case=[app_commands.Choice(name=u.label, value=u.value) for u in UseCase]
    )
    async def compare(
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 300],
        use_case: str | None = None,
    ) -> None:
        await verdicts().compare(interaction, query, use_case)

    compare.autocomplete("query")(suggesting("/compare", compare_choices))

    @tree.command(name="tool", description="One AI tool: pricing, facts and the panel's reviews")
    async def tool(interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        await verdicts().tool(interaction, name)

    tool.autocomplete("name")(suggesting("/tool", tool_choices))

    @tree.command(name="tools", description="The tools we know, by name, vendor or category")
    @app_commands.describe(filter="e.g. vision, openai, llm (empty: every tool)")
    async def tools(
        interaction: discord.Interaction, filter: app_commands.Range[str, 0, 80] = ""
    ) -> None:
        await verdicts().tools(interaction, filter)

    @tree.command(name="leaderboard", description="Tools ranked by the community's votes")
    @app_commands.describe(category="only tools of this category, e.g. vision-language")
    async def leaderboard(
        interaction: discord.Interaction, category: app_commands.Range[str, 0, 60] = ""
    ) -> None:
        await verdicts().leaderboard(interaction, category)

    group = app_commands.Group(
        name="verdicts",
        description="A weekly verdict card in a channel",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    weekdays = [app_commands.Choice(name=d.capitalize(), value=d) for d in WEEKDAYS]

    @group.command(name="subscribe", description="Post a verdict every week in a channel")
    @app_commands.choices(weekday=weekdays)
    @app_commands.describe(hour="0-23, in the time zone", timezone="IANA name, e.g. Europe/Paris")
    async def subscribe(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        weekday: app_commands.Choice[str],
        hour: app_commands.Range[int, 0, 23],
        timezone: str = "UTC",
    ) -> None:
        await verdicts().verdicts(
            interaction, "subscribe", channel.id, weekday.value, str(hour), timezone
        )

    for action, description in CHANNEL_ACTIONS:
        group.add_command(channel_action(action, description, verdicts))

    @group.command(name="public", description="Show a channel's weekly verdicts on the web")
    @app_commands.describe(name="the heading people see on /weekly, e.g. ML team")
    async def public(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        name: app_commands.Range[str, 1, 80],
    ) -> None:
        await verdicts().verdicts(interaction, "public", channel.id, name)

    @group.command(name="settings", description="How new cards in a channel vote and show results")
    @app_commands.describe(
        results="live: show the split as votes come; closed: only after the vote closes",
        votes="reactions: number emojis; buttons: one button per tool, nobody sees who voted",
    )
    @app_commands.choices(
        results=[app_commands.Choice(name=v, value=v) for v in ("live", "closed")],
        votes=[app_commands.Choice(name=v, value=v) for v in ("reactions", "buttons")],
    )
    async def settings(
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        results: app_commands.Choice[str] | None = None,
        votes: app_commands.Choice[str] | None = None,
    ) -> None:
        wanted = [
            f"results:{results.value}" if results else "",
            f"votes:{votes.value}" if votes else "",
        ]
        await verdicts().verdicts(interaction, "settings", channel.id, *wanted)

    tree.add_command(group)

    @tree.command(name="close", description="Close a card's vote: its asker or a channel admin")
    @app_commands.describe(card="the card's message link (Copy Message Link) or message id")
    async def close(
        interaction: discord.Interaction, card: app_commands.Range[str, 1, 200]
    ) -> None:
        await verdicts().close_command(interaction, card)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error(
            "/%s failed", interaction.command.name if interaction.command else "?", exc_info=error
        )
        try:
            await answer_privately(interaction, commands.SOMETHING_WENT_WRONG)
        except discord.HTTPException:
            log.exception("could not tell the user about the failure")

    return tree


class VerdictClient(discord.AutoShardedClient):
    """The running bot: logs in, syncs commands, listens for raw reactions, posts weeklies.

    With `shard_ids`, this process runs only those of `shard_count` shards; several processes
    then share one PostgreSQL store, where claims keep votes and weekly posts exactly-once.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        db: str,
        *,
        guild_id: int | None = None,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
        public_url: str | None = None,
        web: tuple[str, int] | None = None,
        comparer: Comparer | None = None,
    ) -> None:
        """With `public_url`, cards link to their web page and this process serves the pages on
        `web` (host, port) beside the gateway connection. `comparer` is the process's one
        comparer, which the commands and the pages share."""
        # The bot never joins voice: discord.py's start-up warnings that voice libraries are
        # missing would only make an admin wonder what is wrong.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=shard_count,
            shard_ids=shard_ids,
        )
        self.catalogue = catalogue
        self.comparer = comparer or Comparer(catalogue)
        self.db = db
        self.guild_id = guild_id
        self.public_url = public_url
        self.web = web
        self._pages: Any = None
        self._verdicts: DiscordVerdicts | None = None
        self._announced = False
        self.tree = build_tree(self, self.verdicts)

    def verdicts(self) -> DiscordVerdicts:
        assert self._verdicts is not None, "used before setup_hook"
        return self._verdicts

    async def setup_hook(self) -> None:
        store = await Store.open(self.db, check=True)
        self._verdicts = DiscordVerdicts(
            self, self.catalogue, store, public_url=self.public_url, comparer=self.comparer
        )
        if self.public_url is not None and self.web is not None:
            from adapters.web import WebSite, start_web

            site = WebSite(self._verdicts.comparer, store, public_url=self.public_url)
            self._pages = await start_web(site, *self.web)
        # Buttons on messages posted before this start answer too.
        self.add_view(ReviewsView(self._verdicts.reviews))
        self.add_dynamic_items(PickButton, ToolsPageButton, VoteButton, CloseButton, RequestButton)
        if self.guild_id is not None:
            guild = discord.Object(id=self.guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        self.loop.create_task(self.verdicts().weekly.scheduler.run_forever())

    def startup_line(self) -> str:
        shards = "all shards" if self.shard_ids is None else f"shards {self.shard_ids}"
        mode = f"gateway as {self.user} in {_servers(len(self.guilds))}, {shards}"
        if self._pages is not None and self.web is not None:
            mode += f"; web pages on {self.web[0]}:{self.web[1]} for {self.public_url}"
        return startup_line(
            platform=PLATFORM,
            mode=mode,
            database=self.db,
            tools=len(self.catalogue.tools),
        )

    async def on_ready(self) -> None:
        """Fires again after every reconnect; the start-up line is said once."""
        if not self._announced:
            self._announced = True
            announce(self.startup_line())

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self.verdicts().reaction(payload)

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self.verdicts().reaction(payload)

    async def close(self) -> None:
        if self._pages is not None:
            await self._pages.cleanup()
        if self._verdicts is not None:
            await self._verdicts.edits.drain()
            await self._verdicts.store.close()
        await super().close()


def _servers(count: int) -> str:
    return f"{count} server" if count == 1 else f"{count} servers"


def run_discord(
    catalogue: Catalogue,
    db: str,
    token: str,
    guild_id: int | None,
    *,
    shard_count: int | None = None,
    shard_ids: list[int] | None = None,
    public_url: str | None = None,
    web: tuple[str, int] | None = None,
    comparer: Comparer | None = None,
) -> None:
    """`verdict discord`: run until stopped. A bad token raises `discord.LoginFailure`."""
    client = VerdictClient(
        catalogue,
        db,
        guild_id=guild_id,
        shard_count=shard_count,
        shard_ids=shard_ids,
        public_url=public_url,
        web=web,
        comparer=comparer,
    )
    try:
        asyncio.run(_run(client, token))
    except discord.LoginFailure:
        raise PlatformRefused("Discord refused DISCORD_TOKEN; copy the bot token again") from None
    except discord.PrivilegedIntentsRequired:
        raise PlatformRefused("Discord asks for a privileged intent; none is needed") from None


async def _run(client: VerdictClient, token: str) -> None:
    # A sign of life for `verdict health` while the gateway is connected (it has no port).
    connected = heartbeat(PLATFORM, alive=lambda: client.is_ready() and not client.is_closed())
    loop = asyncio.get_running_loop()
    # `docker stop`: close, drain, exit 0. Only the main thread can take signals (a test may
    # run the command on another).
    main = threading.current_thread() is threading.main_thread()
    caught = (signal.SIGTERM, signal.SIGINT) if main else ()
    async with client, connected:  # leaving it closes the client: edits drained, store shut
        running = asyncio.create_task(client.start(token))
        for signum in caught:
            loop.add_signal_handler(signum, running.cancel)
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await running
        finally:
            for signum in caught:
                loop.remove_signal_handler(signum)
