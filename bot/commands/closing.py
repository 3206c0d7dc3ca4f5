"""Closing a card's vote from what was typed in a command (/close, /verdicts close): the link
read into a card, the card found, the rights reckoned where the card is, the vote closed."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from pydantic import BaseModel, ConfigDict

from bot.commands.asking import Accepted
from bot.commands.models import Request
from bot.commands.voting import close_card
from bot.errors import VerdictError
from bot.poll_flows import PollDesk
from bot.votes import CardRecord

OTHER_SERVER = "That card is in another server."
ARCHIVES_LINK = re.compile(r"/archives/([A-Z0-9]+)/p(\d{10})(\d{6})")
"""A Slack message link: its channel, then the message's ts without its dot."""
TIMESTAMP = re.compile(r"\s*(\d+\.\d+)\s*")
IDS = re.compile(r"\d{5,}")
"""The ids in a Discord message link (`…/channels/SERVER/CHANNEL/MESSAGE`) or typed alone."""

AdminWhere = Callable[[CardRecord], Awaitable[bool]]
"""Whether the asker may manage the card's channel, as the platform reckons it there (not
where the command was typed). May raise `VerdictError` (a card the asker cannot reach)."""


class CardLink(BaseModel):
    """A card as typed: its message, and its channel and server where the link names them."""

    model_config = ConfigDict(frozen=True)

    message_id: str
    channel: str | None = None
    server: str | None = None


def read_card_link(typed: str) -> CardLink | None:
    """The card a message link names (Slack's `…/archives/C1/p1700000000123456`, Discord's
    `…/channels/SERVER/CHANNEL/MESSAGE`), or a message id or ts typed alone; None when nothing
    typed names a message."""
    link = ARCHIVES_LINK.search(typed)
    if link is not None:
        return CardLink(channel=link[1], message_id=f"{link[2]}.{link[3]}")
    stamp = TIMESTAMP.fullmatch(typed)
    if stamp is not None:
        return CardLink(message_id=stamp[1])
    ids = IDS.findall(typed)
    if not ids:
        return None
    return CardLink(
        message_id=ids[-1],
        channel=ids[-2] if len(ids) >= 2 else None,
        server=ids[-3] if len(ids) >= 3 else None,
    )


async def close_linked(
    desk: PollDesk,
    request: Request,
    typed: str,
    admin_where: AdminWhere,
    *,
    server: str | None = None,
    accepted: Accepted | None = None,
) -> str:
    """/close CARD: close the vote of the card `typed` names, in the link's channel or else
    where the command was typed. `server` is where it was typed, on a platform whose links
    name one: a link to another server's card is refused before anything is read. `accepted`
    is awaited once the card is to be looked up (a platform's "thinking")."""
    link = read_card_link(typed)
    if link is None:
        return request.which_card
    if server is not None and link.server not in (None, server):
        return OTHER_SERVER
    if accepted is not None:
        await accepted()
    channel = link.channel or request.channel
    card = await desk.store.find_card(request.platform, channel, link.message_id)
    return await close_found(desk, request, card, admin_where)


async def close_found(
    desk: PollDesk, request: Request, card: CardRecord | None, admin_where: AdminWhere
) -> str:
    """Close `card`'s vote for its asker, or for whoever `admin_where` finds a channel admin
    where the card is; what to tell the closer (which card, when none was found)."""
    if card is None:
        return request.which_card
    try:
        admin = await admin_where(card)
    except VerdictError as error:
        return error.message
    rights = request.rights.model_copy(update={"admin": admin})
    return await close_card(desk, request.model_copy(update={"rights": rights}), card)
