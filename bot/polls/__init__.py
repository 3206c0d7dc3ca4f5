"""Poll-grade voting: cards that close (by hand, at an end time, or when the next weekly card
is posted), results hidden until then, and votes cast with buttons instead of reactions.

models and durations and lines are pure; store reads and writes the poll columns and the close
claim. The flows over a chat bot (close, due closes, button presses, settings) are in
`bot.poll_flows`, a layer above `bot.chat`.
"""

from bot.polls.durations import (
    DEFAULT_HIDDEN_DURATION,
    MAX_DURATION,
    parse_duration,
    split_duration,
)
from bot.polls.lines import closing_note, final_line, hidden_tally, how_to_vote, when
from bot.polls.models import CardPoll, ChannelSettings, PollRecord, ResultsMode, VoteMode
from bot.polls.settings import SETTINGS_USAGE, describe_settings, parse_settings
from bot.polls.store import PollStore, ends

__all__ = [
    "DEFAULT_HIDDEN_DURATION",
    "MAX_DURATION",
    "SETTINGS_USAGE",
    "CardPoll",
    "ChannelSettings",
    "PollRecord",
    "PollStore",
    "ResultsMode",
    "VoteMode",
    "closing_note",
    "describe_settings",
    "ends",
    "final_line",
    "hidden_tally",
    "how_to_vote",
    "parse_duration",
    "parse_settings",
    "split_duration",
    "when",
]
