"""Discord's buttons: the card's "Full reviews" (a persistent view), "Did you mean" choices and
/tools pages (DynamicItems whose custom_id carries what they need, so they work after a restart).

Each press is a line over the presses the bot answers (`Presses`, which `DiscordVerdicts` in
`adapters.discord.bot` provides), reached through the client (`VerdictClient.verdicts`) the way
the slash commands reach it; the Protocol keeps this module below the bot (no import circle).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import discord

from bot.errors import Choice
from bot.render.layout import fit

MAX_BUTTONS = 25
"""Buttons on one message: Discord's most (five rows of five)."""
REVIEWS_ID = "verdict:reviews"
"""The "Full reviews" button on every card: fixed, so one persistent view answers them all,
including cards posted before a restart (the card is found by its message in the store)."""
VOTE_PREFIX = "verdict:vote:"
"""A vote button: the prefix and the tool's 0-based place on the card. The card is the message
the button is on (a card's id exists only once Discord has accepted its message)."""
CLOSE_ID = "verdict:close"
"""The "Close vote" button: the card, again, is the message it is on. On a weekly card it also
carries the channel-week's idempotency key (`verdict:close:KEY`), out of sight, so a recovery
can find a card Discord accepted but the bot never recorded (`card_key`)."""
CLOSE_KEYED = re.compile(r"verdict:close(?::(?P<key>[\w-]{1,25}))?")
PICK_PREFIX = "verdict:pick:"
REQUEST_PREFIX = "verdict:request:"
"""A "Request it" button: the prefix and the name that matched nothing."""
TOOLS_PREFIX = "verdict:tools:"
CUSTOM_ID_LIMIT = 100
BUTTON_LABEL_LIMIT = 80

Pressed = Callable[[discord.Interaction], Awaitable[None]]


class Presses(Protocol):
    """What a button press asks of the bot: the answers behind the buttons."""

    async def compare(self, interaction: discord.Interaction, query: str) -> None:
        """Answer a "Did you mean" pick: the card for `query`."""

    async def tools(self, interaction: discord.Interaction, filter: str, *, page: int) -> None:
        """Show page `page` of the /tools list for `filter`."""

    async def vote(self, interaction: discord.Interaction, choice: int) -> None:
        """Record a vote for the tool at 0-based place `choice` on the pressed card."""

    async def close_pressed(self, interaction: discord.Interaction) -> None:
        """Close the vote on the pressed card, if the presser may."""

    async def request(self, interaction: discord.Interaction, name: str) -> None:
        """Count a request for the tool `name`, which matched nothing."""


class ReviewsView(discord.ui.View):
    """A card's "Full reviews" button, and a "Full page" link when the card has a web page.
    Persistent: no timeout and a fixed custom_id (a link sends no interaction), and
    `client.add_view` registers one at start-up so presses on old cards still answer."""

    def __init__(
        self, on_press: Pressed | None = None, page_url: str | None = None, *, reviews: bool = True
    ) -> None:
        """`reviews` False leaves the "Full reviews" button out (no tool on the card has any)."""
        super().__init__(timeout=None)
        self.on_press = on_press
        if reviews:
            button: discord.ui.Button[ReviewsView] = discord.ui.Button(
                label="Full reviews", style=discord.ButtonStyle.secondary, custom_id=REVIEWS_ID
            )
            button.callback = self._pressed  # type: ignore[method-assign]
            self.add_item(button)
        if page_url is not None:
            self.add_item(discord.ui.Button(label="Full page", url=page_url))

    async def _pressed(self, interaction: discord.Interaction) -> None:
        if self.on_press is not None:
            await self.on_press(interaction)


def _client_verdicts(interaction: discord.Interaction) -> Presses:
    verdicts = getattr(interaction.client, "verdicts", None)
    if verdicts is None:
        raise RuntimeError("a verdict button was pressed on a client without DiscordVerdicts")
    return verdicts()


class VerdictButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template="(?!)"):
    """A button whose custom_id carries all its press needs, so it works after a restart and
    needs no memory. Each kind has its `template` (registered with `add_dynamic_items`), its
    `style`, and says in `press` what a press asks of the bot, from the custom_id's fields.
    This base matches no custom_id ("(?!)") and is never registered."""

    style = discord.ButtonStyle.secondary

    def __init__(self, custom_id: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=fit(label, BUTTON_LABEL_LIMIT), style=self.style, custom_id=custom_id
            )
        )
        self.fields = self.__discord_ui_compiled_template__.fullmatch(custom_id)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VerdictButton:
        """The button as it was sent, rebuilt from the pressed message's component."""
        button = cls.__new__(cls)
        VerdictButton.__init__(button, match.string, getattr(item, "label", None) or "")
        return button

    async def callback(self, interaction: discord.Interaction) -> None:
        if self.fields is not None:
            await self.press(_client_verdicts(interaction), interaction, self.fields)

    async def press(
        self, presses: Presses, interaction: discord.Interaction, fields: re.Match[str]
    ) -> None:
        raise NotImplementedError


class PickButton(VerdictButton, template=r"verdict:pick:(?P<query>.+)"):
    """A "Did you mean" choice: the comparison to run."""

    style = discord.ButtonStyle.primary

    def __init__(self, query: str, label: str = "Compare") -> None:
        super().__init__(f"{PICK_PREFIX}{query}", label)

    async def press(self, presses: Presses, interaction: Any, fields: re.Match[str]) -> None:
        await presses.compare(interaction, fields["query"])


class ToolsPageButton(VerdictButton, template=r"verdict:tools:(?P<page>\d+):(?P<filter>.*)"):
    """Previous / next page of /tools: the page and the filter."""

    def __init__(self, page: int, filter: str, label: str) -> None:
        super().__init__(fit(f"{TOOLS_PREFIX}{page}:{filter}", CUSTOM_ID_LIMIT), label)

    async def press(self, presses: Presses, interaction: Any, fields: re.Match[str]) -> None:
        await presses.tools(interaction, fields["filter"], page=int(fields["page"]))


class VoteButton(VerdictButton, template=r"verdict:vote:(?P<choice>[0-3])"):
    """One tool's vote button on a card of a channel with `votes:buttons`: the press is
    answered privately, so nobody else sees who voted what."""

    style = discord.ButtonStyle.primary

    def __init__(self, choice: int, label: str = "Vote") -> None:
        super().__init__(f"{VOTE_PREFIX}{choice}", label)

    async def press(self, presses: Presses, interaction: Any, fields: re.Match[str]) -> None:
        await presses.vote(interaction, int(fields["choice"]))


class CloseButton(VerdictButton, template=CLOSE_KEYED.pattern):
    """ "Close vote" on an open card: for its asker or a channel admin. `key` is a weekly
    card's idempotency key, kept in the custom_id where nobody sees it."""

    style = discord.ButtonStyle.danger

    def __init__(self, key: str | None = None) -> None:
        super().__init__(CLOSE_ID if key is None else f"{CLOSE_ID}:{key}", "Close vote")

    async def press(self, presses: Presses, interaction: Any, fields: re.Match[str]) -> None:
        await presses.close_pressed(interaction)


class RequestButton(VerdictButton, template=r"verdict:request:(?P<name>.+)"):
    """ "Request it" for a name that matched nothing: the name, so a press after a restart
    still counts."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{REQUEST_PREFIX}{name}", f"Request “{name}”")

    async def press(self, presses: Presses, interaction: Any, fields: re.Match[str]) -> None:
        await presses.request(interaction, fields["name"])


def card_key(message: discord.Message) -> str | None:
    """The idempotency key a weekly card carries in its "Close vote" button, if any."""
    for row in message.components:
        for item in getattr(row, "children", ()):
            matched = CLOSE_KEYED.fullmatch(getattr(item, "custom_id", None) or "")
            if matched is not None and matched["key"] is not None:
                return matched["key"]
    return None


def pick_query(choice: Choice) -> str | None:
    """The choice's comparison, short enough for a custom_id, or None if it cannot be."""
    query = choice.query.replace(" vs ", "|")
    return query if len(PICK_PREFIX) + len(query) <= CUSTOM_ID_LIMIT else None


def choices_view(choices: Sequence[Choice], requests: Sequence[str] = ()) -> discord.ui.View | None:
    """Up to five buttons per name that did not resolve (25 in all, Discord's most), and a
    "Request it" button for each name that matched nothing (those come first: they are few)."""
    view = discord.ui.View(timeout=None)
    for name in requests:
        if len(REQUEST_PREFIX) + len(name) <= CUSTOM_ID_LIMIT:
            view.add_item(RequestButton(name))
    for choice in choices[: MAX_BUTTONS - len(view.children)]:
        query = pick_query(choice)
        if query is not None:
            view.add_item(PickButton(query, f"{choice.label} (for {choice.typed})"))
    return view if view.children else None
