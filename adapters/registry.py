"""Every platform the bot runs on, in one list: the command line adds a command for each and
`verdict doctor` checks each chat platform that is set up. Adding a platform is a package
`adapters/<name>/` with an `entry.py` (see `adapters.platform.PlatformEntry`) and one line here
(docs/building.md, "Adding a platform")."""

from __future__ import annotations

from adapters.platform import Option, Platform

PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="console",
        command="chat",
        help="a pretend chat channel in the terminal, with votes",
        entry="adapters.console.entry",
    ),
    Platform(
        name="discord",
        command="discord",
        help="run the Discord bot (token from DISCORD_TOKEN)",
        entry="adapters.discord.entry",
        token_setting="DISCORD_TOKEN",
    ),
    Platform(
        name="slack",
        command="slack",
        help="run the Slack app (SLACK_BOT_TOKEN, README: Slack)",
        entry="adapters.slack.entry",
        token_setting="SLACK_BOT_TOKEN",
    ),
    Platform(
        name="web",
        command="web",
        help="serve the web pages (VERDICT_WEB_HOST, _PORT)",
        entry="adapters.web.entry",
        options=(
            Option("--host", "address to listen on (default: $VERDICT_WEB_HOST)"),
            Option("--port", "port (default: $VERDICT_WEB_PORT, 8080)", int),
        ),
    ),
)
"""The platforms, in the order `verdict --help` lists their commands."""


def chat_platforms() -> tuple[Platform, ...]:
    """The platforms a token sets up, which `verdict doctor` checks."""
    return tuple(p for p in PLATFORMS if p.token_setting is not None)
