"""The `verdict` command: the card in a terminal, and the catalogue tools, with no chat platform.

Exit codes (`adapters.exit_codes`; docs/using.md, "The command line"): 0 answered, or a bot
stopped by SIGTERM after draining; 1 `verdict doctor` found something to fix; 2 a question that
cannot be answered (or bad usage); 3 catalogue problems; 4 the vote database cannot be opened,
read or written (corrupt, full, missing directory, unreachable); 5 a setting (a token, an id) is
missing or refused, or the chat platform cannot be reached. Every failure is one line on stderr.

This module only reads the command line; the commands themselves live in `adapters.commands`,
imported once a command runs, so `verdict --help` and a usage error answer in the interpreter's
start-up time. Each platform in `adapters.registry` adds its own command.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from adapters import registry

USE_CASES = (
    "coding",
    "vision",
    "agents",
    "reasoning",
    "long-context",
    "self-hosting",
    "budget",
)
"""`bot.compare.UseCase`'s values, spelled here so `verdict --help` imports nothing of ours."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verdict", description="Compare AI tools and get a verdict card."
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        help="catalogue directory (default: $VERDICT_CATALOGUE or bundled)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compare = commands.add_parser("compare", help='compare tools: "smolvlm2 vs mistral-medium-3"')
    compare.add_argument("query", nargs="+", help="the comparison, e.g. smolvlm2 vs gpt-4o-mini")
    formats = compare.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print one JSON object")
    formats.add_argument("--markdown", action="store_true", help="print Markdown")
    compare.add_argument(
        "--full", action="store_true", help="add every reviewer's full review of each tool"
    )
    compare.add_argument(
        "--for",
        dest="use_case",
        choices=USE_CASES,
        help='what the tools are for (also "A vs B for coding" in the query)',
    )

    tool = commands.add_parser("tool", help="show one tool and its panel reviews")
    tool.add_argument("name", nargs="+")
    tool.add_argument("--json", action="store_true", help="print one JSON object")

    listing = commands.add_parser("list", help="list the tools in the catalogue")
    listing.add_argument("--vendor", help='only tools by this vendor, e.g. "Anthropic"')
    listing.add_argument("--category", help="only tools of this category, e.g. llm")
    listing.add_argument("--reviewed", action="store_true", help="only tools the panel reviewed")
    listing.add_argument(
        "--all", action="store_true", help="also the retired tools (hidden unless asked for)"
    )

    board = commands.add_parser("leaderboard", help="tools ranked by community votes")
    board.add_argument("--category", help="only tools of this category, e.g. vision-language")
    board.add_argument(
        "--for",
        dest="use_case",
        choices=USE_CASES,
        help="only votes cast on cards asked for this use case, e.g. coding",
    )
    board.add_argument("--json", action="store_true", help="print one JSON object")
    board.add_argument(
        "--pairs",
        action="store_true",
        help="also list head to head: each top pair's record and the fit's (predicted) chance",
    )
    board.add_argument(
        "--png",
        type=Path,
        metavar="FILE",
        help="also draw the ratings and their 95%% bands as a PNG chart into FILE",
    )

    export = commands.add_parser("export", help="export anonymised data")
    export_commands = export.add_subparsers(dest="export_command", required=True)
    export_votes = export_commands.add_parser("votes", help="every current vote, voters hashed")
    export_votes.add_argument("--format", choices=("csv", "json"), default="csv")

    for platform in registry.PLATFORMS:
        platform.add_command(commands)

    wanted = commands.add_parser("request", help="ask for a tool the catalogue does not know")
    wanted.add_argument("name", nargs="+", help='the tool\'s name, e.g. "midjourney"')

    doctor = commands.add_parser("doctor", help="check the set-up: tokens, scopes, database, ...")
    doctor.add_argument("platform", nargs="?", choices=[p.name for p in registry.chat_platforms()])
    doctor.add_argument("--channel", help="Slack: also check the bot is in this channel (C…)")
    doctor.add_argument(
        "--offline", action="store_true", help="only what needs no network (settings, data)"
    )

    health = commands.add_parser(
        "health", help="is the running bot alive? (exit 0 or 1; the image's health check)"
    )
    health.add_argument(
        "platform", nargs="?", help="only this bot's heartbeat: discord, slack or web"
    )

    weekly = commands.add_parser("weekly", help="weekly verdicts for subscribed channels")
    weekly_commands = weekly.add_subparsers(dest="weekly_command", required=True)
    preview = weekly_commands.add_parser("preview", help="what would be posted next, where, when")
    preview.add_argument("--channel", help="only this channel")
    weekly_commands.add_parser(
        "run-once", help="post what is due now (terminal channels print here)"
    )

    catalogue = commands.add_parser("catalogue", help="catalogue maintenance")
    catalogue_commands = catalogue.add_subparsers(dest="catalogue_command", required=True)
    check = catalogue_commands.add_parser(
        "check", help="validate a catalogue directory; warn where the price dataset disagrees"
    )
    check.add_argument("dir", nargs="?", type=Path)
    audit = catalogue_commands.add_parser(
        "audit", help="count what the whole catalogue lacks: context, modalities, maker, ..."
    )
    audit.add_argument("dir", nargs="?", type=Path)
    add = catalogue_commands.add_parser("add", help="draft a reviewed file for a new tool")
    sources = add.add_mutually_exclusive_group(required=True)
    sources.add_argument("--from-dataset", metavar="MODEL", help='a dataset model, e.g. "gpt-5"')
    sources.add_argument(
        "--from-hub", metavar="ORG/MODEL", help="a Hugging Face Hub model (its metadata)"
    )
    sources.add_argument(
        "--product", metavar="NAME", help='a product file to write, e.g. "LM Studio"'
    )
    add.add_argument("dir", nargs="?", type=Path, help="catalogue directory (default: bundled)")
    requests = catalogue_commands.add_parser(
        "requests", help="the tools people asked for most, with counts"
    )
    requests.add_argument("--community", help='only one community, e.g. "discord:1234"')
    requests.add_argument("--limit", type=int, default=20, help="at most this many (20)")
    requests.add_argument("--json", action="store_true", help="print one JSON array")
    return parser


def _clean(text: str) -> str:
    """User text as we echo it: bytes that were not UTF-8 become U+FFFD (stdout stays valid
    UTF-8, also with --json), and control characters (terminal escape sequences) are shown
    as visible escapes instead of acting on the terminal."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for name in ("query", "name"):
        if isinstance(getattr(args, name, None), list):
            setattr(args, name, [_clean(part) for part in getattr(args, name)])
    for name in ("category", "channel", "product", "community"):
        if isinstance(getattr(args, name, None), str):
            setattr(args, name, _clean(getattr(args, name)))
    if args.command == "health":  # the image's health check, every 30 s: nothing else imported
        from adapters.heartbeat import report_health

        return report_health(args.platform)
    from adapters.commands import run

    return run(args)
