"""The weekly verdicts as an Atom feed (the newsletter's web form), written with feedgen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from feedgen.feed import FeedGenerator

from bot.typed import printable
from bot.weekly import PublicPost

FEED_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""`updated` of a feed with no entries yet: fixed, so the feed's ETag stays put."""


def entry_id(post: PublicPost) -> str:
    """A tag URI: stable whatever host or public URL serves the feed (RFC 4151)."""
    return f"tag:verdict-bot,2026:weekly/{post.subscription_id}/{post.week}"


def weekly_feed(
    posts: Sequence[PublicPost],
    *,
    base_url: str,
    titles: Mapping[tuple[str, ...], str],
    summaries: Mapping[tuple[str, ...], str],
    links: Mapping[tuple[str, ...], str],
) -> bytes:
    """One entry per sent weekly verdict of a public channel, newest first. `titles`,
    `summaries` and `links` give each comparison's names, verdict and page path."""
    feed = FeedGenerator()
    feed.id("tag:verdict-bot,2026:weekly")
    feed.title("Weekly verdicts")
    feed.subtitle("One AI tool comparison a week, with the panel's and the community's verdict.")
    feed.author({"name": "verdict bot"})
    feed.link(href=f"{base_url}/weekly.atom", rel="self", type="application/atom+xml")
    feed.link(href=f"{base_url}/weekly", rel="alternate", type="text/html")
    feed.language("en")
    feed.updated(max((p.sent_at for p in posts), default=FEED_EPOCH))
    # feedgen prepends each new entry; adding oldest first leaves the newest on top.
    for post in reversed(posts):
        entry = feed.add_entry()
        entry.id(entry_id(post))
        entry.title(printable(f"{post.channel_name}, {post.week}: {titles[post.tools]}"))
        if post.tools in links:
            entry.link(href=f"{base_url}{links[post.tools]}", rel="alternate", type="text/html")
        entry.summary(printable(summaries[post.tools]))
        entry.published(post.sent_at)
        entry.updated(post.sent_at)
    return feed.atom_str(pretty=True)
