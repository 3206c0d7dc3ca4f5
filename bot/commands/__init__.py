"""Every chat command once: a function from a neutral request (who asks, where, with what
rights, on a platform that can do what) to a neutral answer, which each platform's package
shows in its own way. The platforms translate; the decisions are made here."""

from bot.commands.asked import (
    Ask,
    leaderboard_scope,
    resolve_ask,
    split_ask,
    successor_offer,
)
from bot.commands.asking import (
    CARD_GONE,
    TOOLS_GONE,
    Accepted,
    ask_compare,
    ask_leaderboard,
    ask_reviews,
    ask_tool,
    ask_tools,
)
from bot.commands.channel import (
    NOT_ALLOWED,
    VERDICTS_USAGE,
    channel_command,
    needs_rights,
    not_allowed,
)
from bot.commands.closing import (
    OTHER_SERVER,
    AdminWhere,
    CardLink,
    close_found,
    close_linked,
    read_card_link,
)
from bot.commands.failed import (
    CLOSE_FAILED,
    PRESS_FAILED,
    REQUEST_FAILED,
    SOMETHING_WENT_WRONG,
    or_failed,
)
from bot.commands.models import (
    Answer,
    Capabilities,
    Private,
    Request,
    Rights,
    ShowBoard,
    ShowCard,
    ShowReviews,
    ShowTool,
    ShowTools,
    Surface,
)
from bot.commands.reacting import why_not_a_vote
from bot.commands.rights import RoleLookup, RoleMemory
from bot.commands.scheduled import NO_SUBSCRIBERS, NOTHING_DUE, preview_all, ran_once
from bot.commands.showing import offer_successor, show
from bot.commands.typed import TYPED, ask_typed
from bot.commands.voting import close_card, press_vote

__all__ = [
    "CARD_GONE",
    "CLOSE_FAILED",
    "NOTHING_DUE",
    "NOT_ALLOWED",
    "NO_SUBSCRIBERS",
    "OTHER_SERVER",
    "PRESS_FAILED",
    "REQUEST_FAILED",
    "SOMETHING_WENT_WRONG",
    "TOOLS_GONE",
    "TYPED",
    "VERDICTS_USAGE",
    "Accepted",
    "AdminWhere",
    "Answer",
    "Ask",
    "Capabilities",
    "CardLink",
    "Private",
    "Request",
    "Rights",
    "RoleLookup",
    "RoleMemory",
    "ShowBoard",
    "ShowCard",
    "ShowReviews",
    "ShowTool",
    "ShowTools",
    "Surface",
    "ask_compare",
    "ask_leaderboard",
    "ask_reviews",
    "ask_tool",
    "ask_tools",
    "ask_typed",
    "channel_command",
    "close_card",
    "close_found",
    "close_linked",
    "leaderboard_scope",
    "needs_rights",
    "not_allowed",
    "offer_successor",
    "or_failed",
    "press_vote",
    "preview_all",
    "ran_once",
    "read_card_link",
    "resolve_ask",
    "show",
    "split_ask",
    "successor_offer",
    "why_not_a_vote",
]
