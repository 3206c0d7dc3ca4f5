"""/verdicts: a channel's weekly verdicts (subscribe, unsubscribe, now, preview, public,
private) and its card settings. Who may change them: a channel admin, the person who
subscribed the channel, or anyone subscribing a channel nobody has; anyone may preview."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.asking import Accepted
from bot.commands.models import Request
from bot.poll_flows import PollDesk
from bot.polls import SETTINGS_USAGE
from bot.weekly import WeeklyCommands, subscribe_words

VERDICTS_USAGE = (
    "Usage: /verdicts subscribe DAY HOUR [TZ] | unsubscribe | now | preview | public NAME | private"
    " | settings [results:live|closed] [votes:reactions|buttons] | close CARD"
)
NOT_ALLOWED = "Only the person who subscribed this channel, or a bot admin, can do that."
NO_BUTTONS = "Cards here are voted with reactions: this platform has no buttons."
ACTIONS = frozenset({"subscribe", "unsubscribe", "now", "preview", "public", "private"})


async def channel_command(
    weekly: WeeklyCommands,
    desk: PollDesk,
    request: Request,
    action: str,
    args: Sequence[str],
    *,
    channel: str | None = None,
    accepted: Accepted | None = None,
) -> str:
    """One /verdicts action for `channel` (default: where it was typed); the answer to the
    asker. Raises `VerdictError` for words that cannot be read (a bad day or hour)."""
    where = channel or request.channel
    here = where == request.channel
    args = [a for a in args if a]
    if action == "settings":
        if args and not await _may_change(weekly, desk, request, where, action):
            return f"{NOT_ALLOWED} {SETTINGS_USAGE}"
        if "votes:buttons" in args and not request.can.buttons:
            return NO_BUTTONS
        return await desk.settings(where, args)
    if action not in ACTIONS:
        return VERDICTS_USAGE
    if action != "preview" and not await _may_change(weekly, desk, request, where, action):
        return NOT_ALLOWED
    if action == "subscribe":
        sub = await weekly.subscribe(where, request.user_id, *subscribe_words(args))
        if here:
            return f"Subscribed: a weekly verdict here on {sub.when}."
        return f"Subscribed <#{where}>: a weekly verdict on {sub.when}."
    if action == "unsubscribe":
        gone = await weekly.unsubscribe(where)
        if gone:
            return "Unsubscribed."
        return f"{'This' if here else 'That'} channel has no weekly verdict."
    if action == "now":
        if accepted is not None:
            await accepted()
        return await weekly.post_now(where)
    if action == "public":
        return await weekly.publish(where, " ".join(args))
    if action == "private":
        return await weekly.unpublish(where)
    return await weekly.preview(where)


async def _may_change(
    weekly: WeeklyCommands, desk: PollDesk, request: Request, channel: str, action: str
) -> bool:
    if request.rights.admin:
        return True
    current = await weekly.store.subscription(request.platform, channel)
    if current is None:
        return action == "subscribe"
    return current.subscribed_by == desk.store.hash_user(request.platform, request.user_id)
