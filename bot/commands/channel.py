"""/verdicts: a channel's weekly verdicts (subscribe, unsubscribe, now, preview, public,
private) and its card settings. Who may change them: whoever the request's rights make a
channel admin (the platform reckons them from its own roles and the configured bot admins;
having subscribed the channel grants nothing); anyone may preview, and see the settings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.asking import Accepted
from bot.commands.models import Request, Rights
from bot.poll_flows import PollDesk
from bot.polls import SETTINGS_USAGE
from bot.weekly import WeeklyCommands, subscribe_words

VERDICTS_USAGE = (
    "Usage: /verdicts subscribe DAY HOUR [TZ] | unsubscribe | now | preview | public NAME | private"
    " | settings [results:live|closed] [votes:reactions|buttons] | close CARD"
)
NOT_ALLOWED = "Only {admins}, or a bot admin, can do that."
"""The refusal, naming who holds the rights on the platform (`Rights.admins`)."""
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
    if needs_rights(action, args) and not request.rights.admin:
        refused = not_allowed(request.rights)
        return f"{refused} {SETTINGS_USAGE}" if action == "settings" else refused
    if action == "settings":
        if "votes:buttons" in args and not request.can.buttons:
            return NO_BUTTONS
        return await desk.settings(where, args)
    if action not in ACTIONS:
        return VERDICTS_USAGE
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


def needs_rights(action: str, args: Sequence[str]) -> bool:
    """Whether this /verdicts action needs a channel admin: all but a preview, a look at the
    settings and words that are not an action (answered with the usage). A platform whose
    roles cost a call to learn asks only then."""
    if action == "settings":
        return any(args)
    return action in ACTIONS and action != "preview"


def not_allowed(rights: Rights) -> str:
    """The refusal for someone without the rights, naming who has them on their platform."""
    return rights.refusal or NOT_ALLOWED.format(admins=rights.admins)
