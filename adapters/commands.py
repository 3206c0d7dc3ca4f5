"""What each `verdict` command does, once `adapters.cli` has read the command line: the core
wired to the terminal, the chat platforms and the web pages (the composition root)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shlex
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from adapters import registry, request_commands
from adapters.console.width import terminal_width
from adapters.exit_codes import (
    EXIT_CATALOGUE,
    EXIT_CHECK_FAILED,
    EXIT_OK,
    EXIT_SETTINGS,
    EXIT_STORE,
    EXIT_UNANSWERABLE,
)
from adapters.platform import Startup
from bot.catalogue import (
    Catalogue,
    PriceRefresh,
    check_catalogue,
    check_with_known_models,
    dataset_disagreements,
    default_cache_dir,
    known_tools,
    lifecycle_problems,
    merge_layers,
    read_shutdowns,
)
from bot.catalogue.capabilities_data import MODELS_DEV_API
from bot.commands import NO_SUBSCRIBERS, Capabilities, Private, Request, ask_compare
from bot.compare import Comparer
from bot.errors import HINTS, CatalogueError, PlatformRefused, Problem, VerdictError
from bot.render import json_format, list_tools, markdown, text
from bot.render.chart import leaderboard_png
from bot.render.reviews import has_full_reviews
from bot.settings import SettingsError, load_settings
from bot.storage import DatabaseError
from bot.storage import exists as database_exists
from bot.typed import escaped
from bot.votes import (
    Leaderboard,
    NothingStored,
    Store,
    StoreError,
    check_category,
    count_choices,
    rank_choices,
    read_choice_counts,
    read_choice_counts_for_use_case,
    votes_csv,
    votes_json,
)

T = TypeVar("T")


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _catalogue_dir(args: argparse.Namespace) -> Path:
    return args.catalogue if args.catalogue is not None else load_settings().catalogue


def _today() -> dt.date:
    """The day dataset prices are read for (UTC, so every process agrees)."""
    return dt.datetime.now(dt.UTC).date()


def _load(args: argparse.Namespace) -> Catalogue:
    """The reviewed files with the generated layer under them (unless VERDICT_DATASET=0)."""
    settings = load_settings()
    directory = args.catalogue if args.catalogue is not None else settings.catalogue
    if settings.dataset:
        catalogue, problems = check_with_known_models(
            directory, as_of=_today(), cache_dir=settings.cache_dir or default_cache_dir()
        )
    else:
        catalogue, problems = check_catalogue(directory)
    if catalogue is None:
        raise CatalogueError(problems)
    return catalogue


async def _read_store(read: Callable[[Store], Awaitable[T]], empty: T) -> T:
    """Read from the vote database if one exists; reading commands never create one."""
    location = load_settings().db
    if not database_exists(location):
        return empty
    try:
        store = await Store.open(location, read_only=True)
    except NothingStored:
        return empty
    try:
        return await read(store)
    finally:
        await store.close()


CLI = Request(
    platform="cli",
    channel="terminal",
    user_id="you",
    can=Capabilities(buttons=True, ephemeral=True, files=False),
    hint=HINTS["cli"],
)
"""The command line as the core's commands see it: its "did you mean" choices come back as
choices (a numbered pick in a terminal, commands to type otherwise)."""


def _compare(args: argparse.Namespace) -> int:
    """`verdict compare`: the core's /compare, as the chats ask it; a "did you mean" is a
    numbered pick where a person is at the terminal, and exit 2 with the commands to type
    where not."""
    from adapters.console.pick import interactive, pick

    comparer = Comparer(_load(args))
    query = " ".join(args.query)
    today = _today()
    answer = ask_compare(
        comparer, CLI, query, use_case=args.use_case, today=today, command="verdict compare"
    )
    asking = not args.json and interactive()
    while isinstance(answer, Private):
        print(answer.text, file=sys.stderr)
        chosen = pick(answer.choices) if asking and answer.choices else None
        if chosen is None:
            return _refused(answer, as_json=args.json, offered=asking)
        query = chosen.query  # it keeps what the comparison was for ("… for coding")
        answer = ask_compare(comparer, CLI, query, today=today, command="verdict compare")
    if answer.lasts is not None:  # the same words as in a chat; a printed card has no vote to end
        print(
            "verdict: `for …` sets how long a chat card's vote stays open; ignored here",
            file=sys.stderr,
        )
    slugs = list(answer.slugs)
    tools = [comparer.catalogue.by_slug[slug] for slug in slugs]
    tallies = asyncio.run(_read_store(lambda store: store.tool_tallies(slugs), {}))
    card = comparer.card_for(tools, tallies, use_case=answer.use_case, today=today)
    if answer.offer is not None:
        print(f"verdict: {answer.offer}", file=sys.stderr)
    shown = f'"{query}"' if '"' not in query and "$" not in query else shlex.quote(query)
    reviewed = has_full_reviews(card)
    hint = None if args.full or not reviewed else f"Full reviews: verdict compare {shown} --full"
    if args.json:
        data = json_format.render_card(card, comparer.catalogue if args.full else None)
        print(data)
    elif args.markdown:
        print(markdown.render_card(card, tally=hint))
        if args.full:
            print(f"\n```text\n{text.render_reviews(card, comparer.catalogue)}\n```")
    else:
        width = terminal_width()
        print(text.render_card(card, footer=hint, width=width))
        if args.full:
            print(f"\n{text.render_reviews(card, comparer.catalogue, width=width)}")
    return EXIT_OK


def _refused(answer: Private, *, as_json: bool, offered: bool) -> int:
    """A comparison that was not answered (the message is out already): its "did you mean" as
    commands to run, unless a pick just offered them, and "Request it" as a command; exit 2."""
    if not offered:
        for choice in answer.choices:
            print(f"  verdict compare {shlex.quote(choice.query)}", file=sys.stderr)
    for name in answer.requests:
        print(f"Ask for it to be added: verdict request {shlex.quote(name)}", file=sys.stderr)
    if as_json and answer.error is not None:
        print(json_format.render_error(answer.error))
    return EXIT_UNANSWERABLE


def _tool(args: argparse.Namespace) -> int:
    catalogue = _load(args)
    try:
        tool = Comparer(catalogue).tool(" ".join(args.name))
    except VerdictError as error:
        return _unanswerable(error, as_json=args.json)
    print(json_format.render_tool(tool) if args.json else text.render_tool(tool, catalogue))
    return EXIT_OK


def _leaderboard(args: argparse.Namespace) -> int:
    catalogue = _load(args)
    try:
        check_category(catalogue.by_slug, args.category)
    except VerdictError as error:
        return _unanswerable(error, as_json=args.json)
    if args.use_case is not None:
        counts = asyncio.run(
            _read_store(
                lambda store: read_choice_counts_for_use_case(store, args.use_case),
                count_choices(()),
            )
        )
        board = rank_choices(counts, catalogue.by_slug, category=args.category)
        board = board.model_copy(update={"use_case": args.use_case})
    else:
        counts = asyncio.run(_read_store(read_choice_counts, count_choices(())))
        board = rank_choices(counts, catalogue.by_slug, category=args.category)
    print(
        json_format.render_leaderboard(board)
        if args.json
        else text.render_leaderboard(board, pairs=args.pairs)
    )
    if args.png is not None:
        return _write_chart(board, args.png)
    return EXIT_OK


def _write_chart(board: Leaderboard, path: Path) -> int:
    """The chart into `path`; nothing is written while nothing is ranked (an empty picture
    would say less than the text above it)."""
    png = leaderboard_png(board)
    if png is None:
        print(f"No chart written to {path}: nothing is ranked yet.", file=sys.stderr)
        return EXIT_OK
    try:
        path.write_bytes(png)
    except OSError as error:
        reason = error.strerror or error
        print(f"verdict: cannot write the chart to {path}: {reason}", file=sys.stderr)
        return EXIT_UNANSWERABLE
    return EXIT_OK


def _export_votes(args: argparse.Namespace) -> int:
    votes = asyncio.run(_read_store(lambda store: store.vote_rows(), []))
    print(votes_csv(votes) if args.format == "csv" else votes_json(votes), end="")
    return EXIT_OK


def _weekly(args: argparse.Namespace) -> int:
    from adapters.console.chat import weekly_preview, weekly_run_once

    catalogue = _load(args)
    db = load_settings().db
    if args.weekly_command == "preview":
        if not database_exists(db):
            if args.channel is not None:
                print(f'verdict: no subscribed channel "{args.channel}"', file=sys.stderr)
                return EXIT_UNANSWERABLE
            print(NO_SUBSCRIBERS)
            return EXIT_OK
        try:
            print(asyncio.run(weekly_preview(catalogue, db, channel=args.channel)))
        except VerdictError as error:
            print(f"verdict: {error.message}", file=sys.stderr)
            return EXIT_UNANSWERABLE
        return EXIT_OK
    if not database_exists(db):
        print("Nothing is due: no channel has subscribed yet.")
        return EXIT_OK
    print(asyncio.run(weekly_run_once(catalogue, db)))
    return EXIT_OK


def _comparer(args: argparse.Namespace) -> Comparer:
    """A running bot's one comparer, built at start-up; with VERDICT_REFRESH_PRICES=1 a
    background refresh swaps its catalogue whole when fresh dataset prices arrive."""
    comparer = Comparer(_load(args))
    _start_price_refresh(args, comparer)
    return comparer


def _start_price_refresh(args: argparse.Namespace, comparer: Comparer) -> PriceRefresh | None:
    """With VERDICT_REFRESH_PRICES=1, fresh dataset prices reach `comparer` in the background
    (the running bots only; off by default)."""
    settings = load_settings()
    if not (settings.refresh_prices and settings.dataset):
        return None
    reviewed, problems = check_catalogue(_catalogue_dir(args))
    if reviewed is None:
        raise CatalogueError(problems)
    shutdowns, _ = read_shutdowns(Path(_catalogue_dir(args)))
    refresh = PriceRefresh(
        reviewed,
        comparer.replace_catalogue,
        today=_today,
        shutdowns=shutdowns,
        cache_dir=settings.cache_dir or default_cache_dir(),
        capabilities_url=MODELS_DEV_API,
    )
    refresh.start()
    return refresh


def _doctor(args: argparse.Namespace) -> int:
    from adapters.diagnose import run_doctor
    from adapters.doctor.report import passed
    from adapters.logs import configure_logging

    settings = load_settings()
    configure_logging(settings, also=registry.readable_settings())
    checks = asyncio.run(
        run_doctor(
            settings,
            platform=args.platform,
            catalogue_dir=_catalogue_dir(args),
            channel=args.channel,
            offline=args.offline,
        )
    )
    for check in checks:
        print(check.line())
    return EXIT_OK if passed(checks) else EXIT_CHECK_FAILED


def _unanswerable(error: VerdictError, *, as_json: bool) -> int:
    print(error.message, file=sys.stderr)
    if as_json:
        print(json_format.render_error(error))
    return EXIT_UNANSWERABLE


def _check(args: argparse.Namespace) -> int:
    directory = args.dir if args.dir is not None else _catalogue_dir(args)
    catalogue, problems = check_catalogue(directory)
    if catalogue is None:
        _print_problems(problems)
        print(f"{len(problems)} problem(s) in {escaped(str(directory))}", file=sys.stderr)
        return EXIT_CATALOGUE
    settings = load_settings()
    known, info = known_tools(_today(), cache_dir=settings.cache_dir or default_cache_dir())
    shutdowns, problems = read_shutdowns(Path(directory))
    merged = merge_layers(catalogue, known, shutdowns)
    problems = [*problems, *lifecycle_problems(merged, _today())]
    if problems:
        _print_problems(problems)
        print(f"{len(problems)} problem(s) in {escaped(str(directory))}", file=sys.stderr)
        return EXIT_CATALOGUE
    warnings = dataset_disagreements(catalogue.tools, known)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    products = sum(t.is_product for t in catalogue.tools)
    counted = f"{len(catalogue.tools) - products} tools" + (
        f" and {products} products" if products else ""
    )
    print(
        f"ok: {counted}, {len(catalogue.panel.personas)} panel personas; "
        f"{len(merged.tools) - len(catalogue.tools)} more from {info.label}"
    )
    if warnings:
        print(
            f"{len(warnings)} warning(s): the dataset ({info.label}, prices as of "
            f"{info.as_of.isoformat()}) disagrees with a reviewed file; check the source and "
            "update whichever is wrong. Warnings do not fail the check (exit 0).",
            file=sys.stderr,
        )
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from bot.catalogue.audit import audit, render_audit

    settings = load_settings()
    directory = args.dir if args.dir is not None else _catalogue_dir(args)
    catalogue, problems = check_with_known_models(
        directory, as_of=_today(), cache_dir=settings.cache_dir or default_cache_dir()
    )
    if catalogue is None:
        raise CatalogueError(problems)
    print(render_audit(audit(catalogue, _today())))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    """`verdict list`: current and reviewed tools first (`in_listing_order`, as chat /tools),
    retired ones only with --all; through $PAGER in a terminal."""
    from adapters.console.pager import page

    catalogue = _load(args)
    try:
        listed = list_tools(
            catalogue,
            _today(),
            vendor=args.vendor,
            category=args.category,
            reviewed=args.reviewed,
            retired=args.all,
        )
    except VerdictError as error:
        return _unanswerable(error, as_json=False)
    lines = []
    if listed.tools:
        shown = Catalogue(panel=catalogue.panel, tools=listed.tools, weekly=())
        lines.append(text.render_list(shown, width=terminal_width()))
    if listed.retired_hidden:
        lines.append(f"({listed.retired_hidden} retired not shown: verdict list --all)")
    page("\n".join([*lines, listed.summary]))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the command `args` names; our typed errors become one line and an exit code."""
    try:
        if args.command == "compare":
            return _compare(args)
        if args.command == "tool":
            return _tool(args)
        if args.command == "list":
            return _list(args)
        if args.command == "leaderboard":
            return _leaderboard(args)
        if args.command == "export":
            return _export_votes(args)
        if args.command == "weekly":
            return _weekly(args)
        if args.command == "doctor":
            return _doctor(args)
        for platform in registry.PLATFORMS:
            if args.command == platform.command:
                return platform.run(args, Startup(catalogue=_load, comparer=_comparer))
        if args.command == "request":
            return request_commands.request(args, _load(args))
        if args.catalogue_command == "requests":
            return request_commands.list_requests(args)
        if args.catalogue_command == "add":
            return request_commands.add(args, Path(args.dir or _catalogue_dir(args)), _today())
        if args.catalogue_command == "audit":
            return _audit(args)
        return _check(args)
    except CatalogueError as error:
        _print_problems(error.problems)
        return EXIT_CATALOGUE
    except StoreError as error:
        print(f"verdict: {error}", file=sys.stderr)
        return EXIT_STORE
    except (sqlite3.Error, DatabaseError) as error:  # e.g. a page found corrupt mid-read
        print(f"verdict: the vote database failed: {error}", file=sys.stderr)
        return EXIT_STORE
    except (SettingsError, PlatformRefused) as error:
        print(f"verdict: {error}", file=sys.stderr)
        return EXIT_SETTINGS
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:
        return EXIT_OK
