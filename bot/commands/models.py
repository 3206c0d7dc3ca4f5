"""The neutral request a platform hands a command (who, where, with what rights, on a platform
that can do what) and the neutral answers the commands give back."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict

from bot.catalogue import Tool
from bot.compare import UseCase, VerdictCard
from bot.errors import Choice, VerdictError
from bot.render import ToolPage
from bot.votes import Leaderboard


class Capabilities(BaseModel):
    """What a platform can do, so a command degrades where it cannot (the Vercel Chat SDK's
    capability table): no buttons means "did you mean" choices are offered as words and a
    channel cannot vote with buttons; no ephemeral answers means a private answer is shown to
    the channel; no files means the leaderboard goes without its chart."""

    model_config = ConfigDict(frozen=True)

    buttons: bool = True
    ephemeral: bool = True
    files: bool = True
    native_polls: bool = False


class Rights(BaseModel):
    """What the asker may do, in core terms. The platform reckons them from its own roles
    (Discord's Manage Server or Manage Messages, a Slack workspace admin or owner) and the
    configured bot admins, never from anything done through the bot: subscribing a channel
    grants nothing."""

    model_config = ConfigDict(frozen=True)

    admin: bool = False
    """May manage the channel: close anyone's card, change its settings and weekly verdicts."""
    admins: str = "a channel admin"
    """Who holds `admin` on this platform besides the bot admins, in words, for a refusal."""
    refusal: str | None = None
    """The whole refusal, where the platform words it its own way (Discord, which has no bot
    admins, names the permission); else "Only `admins`, or a bot admin, can do that"."""


CHAT_HINT = "`/tools` lists every tool."
"""Where to look next after a name that matches nothing, in a chat that says nothing else."""
WHICH_CARD = "Which card? Give its message link or its id."
"""What /close says when what was typed names no card it can find."""


class Request(BaseModel):
    """Who asked, where, with what rights, on which platform (and what that platform can do,
    and where it tells people to look next)."""

    model_config = ConfigDict(frozen=True)

    platform: str
    channel: str
    user_id: str
    rights: Rights = Rights()
    can: Capabilities = Capabilities()
    hint: str = CHAT_HINT
    which_card: str = WHICH_CARD


class Surface(BaseModel):
    """A platform as the commands see it: its name, what it can do, where it tells people to
    look next, and who holds the rights there besides the bot admins (`Rights.admins`). A
    platform describes itself once and asks `request` for each command."""

    model_config = ConfigDict(frozen=True)

    name: str
    can: Capabilities = Capabilities()
    hint: str = CHAT_HINT
    admins: str = "a channel admin"
    which_card: str = WHICH_CARD
    """How to name a card to /close here (where the platform puts a message's link)."""
    refusal: str | None = None
    """`Rights.refusal` on this platform."""

    def request(self, channel: str, user_id: str, *, admin: bool = False) -> Request:
        """A command from `user_id` in `channel`; `admin` as the platform reckons it."""
        return Request(
            platform=self.name,
            channel=channel,
            user_id=user_id,
            rights=Rights(admin=admin, admins=self.admins, refusal=self.refusal),
            can=self.can,
            hint=self.hint,
            which_card=self.which_card,
        )


class Private(BaseModel):
    """An answer for the asker alone (an error, a "did you mean", a command's result). `text`
    may echo what was typed: the platform escapes it. `choices` are the comparisons to offer
    back, as buttons where the platform has them."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    text: str
    choices: tuple[Choice, ...] = ()
    requests: tuple[str, ...] = ()
    """Names that matched no tool: "Request it" is offered for each (a button, or words), and
    the asking counts as a weak request (`tool_requests`)."""
    error: VerdictError | None = None
    """The typed error behind a refusal, for a surface that shows it whole (`verdict compare
    --json`)."""


class ShowCard(BaseModel):
    """Post a verdict card for these tools, judged for `use_case` and stored with it; its vote
    closes `lasts` after it is posted. `offer` (a retired tool's live successor, as a command
    to type) follows the card, for the asker alone."""

    model_config = ConfigDict(frozen=True)

    slugs: tuple[str, ...]
    lasts: timedelta | None = None
    use_case: UseCase | None = None
    offer: str | None = None


class ShowTool(BaseModel):
    model_config = ConfigDict(frozen=True)

    tool: Tool


class ShowTools(BaseModel):
    """A page of the catalogue, for the asker."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    page: ToolPage


class ShowBoard(BaseModel):
    """The community leaderboard (a platform that takes files attaches its chart)."""

    model_config = ConfigDict(frozen=True)

    board: Leaderboard


class ShowReviews(BaseModel):
    """Every panel review of the card's tools, for the asker."""

    model_config = ConfigDict(frozen=True)

    card: VerdictCard


Answer = Private | ShowCard | ShowTool | ShowTools | ShowBoard | ShowReviews
