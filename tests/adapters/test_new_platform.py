"""Adding a platform is one package and one line in the list: a throwaway platform, written
here into a temporary directory with its own settings, is registered and `/compare` is driven
through it by the real command line, the core's commands and a real SQLite file
(docs/building.md walks through it). Nothing in `bot/` names it, or any other platform."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from adapters import registry
from adapters.cli import main
from adapters.registry import Option, Platform
from bot.votes import Store

ENTRY = '''
"""A platform with no buttons: each `--say` line is typed in one channel; what the bot posts or
answers is printed, one line each."""

import asyncio

from bot.chat import ChatBot
from bot.commands import Capabilities, Request, ask_compare, show
from bot.settings import load_settings, read_settings
from bot.votes import Store
from throwaway_platform.settings import ThrowawaySettings


class Printed:
    name = "throwaway"

    async def post_card(self, channel, posted):
        names = " | ".join(column.name for column in posted.card.tools)
        print(f"card in {channel}: {names} (vote with {' '.join(posted.vote_emojis)})")
        return "m1"

    async def edit_card(self, channel, message_id, posted):
        print(f"edit {message_id}")

    async def add_reactions(self, channel, message_id, emojis):
        print(f"reactions on {message_id}: {' '.join(emojis)}")

    async def send_ephemeral(self, channel, user_id, text):
        print(f"to {user_id} only: {text}")

    async def send_choices(self, channel, user_id, text, choices):
        raise AssertionError("a platform without buttons is never offered buttons")

    async def post_tool(self, channel, tool):
        print(tool.name)

    async def post_leaderboard(self, channel, board):
        print("leaderboard")


async def _run(catalogue, db, lines, channel):
    store = await Store.open(db)
    try:
        bot = ChatBot(catalogue, store, Printed())
        for line in lines:
            command, _, rest = line.partition(" ")
            assert command == "/compare", command
            request = Request(
                platform="throwaway",
                channel=channel,
                user_id="u1",
                can=Capabilities(buttons=False, ephemeral=True, files=False),
            )
            await show(bot, request, ask_compare(bot.comparer, request, rest))
    finally:
        await store.close()


def run(args, startup):
    own = read_settings(ThrowawaySettings)
    asyncio.run(_run(startup.catalogue(args), load_settings().db, args.say or [], own.channel))
    return 0
'''

SETTINGS = '''
"""The throwaway platform's own settings, on the core's base (a blank value is unset)."""

from pydantic import Field

from bot.settings import EnvironmentSettings


class ThrowawaySettings(EnvironmentSettings):
    channel: str = Field(default="c1", validation_alias="THROWAWAY_CHANNEL")
    lines_at_most: int = Field(default=10, ge=1, validation_alias="THROWAWAY_LINES")
'''


@pytest.fixture
def throwaway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "code" / "throwaway_platform"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A platform for one test."""\n')
    (package / "entry.py").write_text(textwrap.dedent(ENTRY))
    (package / "settings.py").write_text(textwrap.dedent(SETTINGS))
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    line = Platform(
        name="throwaway",
        command="throwaway",
        help="a platform for one test",
        entry="throwaway_platform.entry",
        settings="throwaway_platform.settings:ThrowawaySettings",
        options=(Option("--say", "a line typed in the channel", action="append"),),
    )
    monkeypatch.setattr(registry, "PLATFORMS", (*registry.PLATFORMS, line))
    db = tmp_path / "votes.db"
    monkeypatch.setenv("VERDICT_DB", str(db))
    monkeypatch.setenv("VERDICT_DATASET", "0")
    monkeypatch.delenv("THROWAWAY_CHANNEL", raising=False)
    monkeypatch.delenv("THROWAWAY_LINES", raising=False)
    return db


def test_a_registered_platform_answers_compare_and_its_card_is_stored(
    throwaway: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["throwaway", "--say", "/compare smolvlm2 vs mistral-medium-3 for 2h"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "card in c1: SmolVLM2 | Mistral Medium 3 (vote with 1️⃣ 2️⃣)"
    assert out[1] == "reactions on m1: 1️⃣ 2️⃣"

    async def stored() -> tuple[tuple[str, ...], bool]:
        store = await Store.open(str(throwaway), read_only=True)
        try:
            card = await store.find_card("throwaway", "c1", "m1")
            assert card is not None
            closes = await store.fetch("SELECT closes_at FROM cards WHERE id = ?", (card.id,))
            return card.tools, closes[0][0] is not None
        finally:
            await store.close()

    assert asyncio.run(stored()) == (("smolvlm2", "mistral-medium-3"), True)


def test_a_platform_without_buttons_gets_did_you_mean_in_words(
    throwaway: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["throwaway", "--say", "/compare gpt 9 vs claude 3.5 haiku"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        'to u1 only: No tool called "gpt 9". Did you mean: GPT-5, GPT-4o, ChatGPT?',
        "Try: gpt-5 vs claude 3.5 haiku; gpt-4o vs claude 3.5 haiku; chatgpt vs claude 3.5 haiku",
    ]


def test_the_new_platform_has_its_command_in_the_help(
    throwaway: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "a platform for one test" in capsys.readouterr().out


def test_a_new_platform_gets_the_use_case_and_the_successor_offer_from_the_core(
    throwaway: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The platform translates nothing of the use case or the offer: the core's answer carries
    both, and showing it posts the card, then tells the asker alone."""
    assert main(["throwaway", "--say", "/compare claude 3.5 haiku vs gpt-4o for coding"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "card in c1: Claude 3.5 Haiku | GPT-4o (vote with 1️⃣ 2️⃣)"
    assert out[-1] == (
        "to u1 only: Claude 3.5 Haiku is retired. Compare the live models instead: "
        "/compare Claude Haiku 4.5 vs GPT-4o for coding"
    )

    async def stored_use_case() -> str | None:
        store = await Store.open(str(throwaway), read_only=True)
        try:
            card = await store.find_card("throwaway", "c1", "m1")
            assert card is not None
            return card.use_case
        finally:
            await store.close()

    assert asyncio.run(stored_use_case()) == "coding"


def test_a_new_platform_reads_its_own_settings_with_the_core_s_rules(
    throwaway: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its settings model lives in its package: set, it is read; blank, it is unset; unusable,
    the command line says so in one line naming the variable, as for the core's."""
    monkeypatch.setenv("THROWAWAY_CHANNEL", "c9")
    assert main(["throwaway", "--say", "/compare smolvlm2 vs mistral-medium-3"]) == 0
    assert capsys.readouterr().out.startswith("card in c9: SmolVLM2 | Mistral Medium 3")

    monkeypatch.setenv("THROWAWAY_CHANNEL", "")
    assert main(["throwaway", "--say", "/compare smolvlm2 vs mistral-medium-3"]) == 0
    assert capsys.readouterr().out.startswith("card in c1: ")

    monkeypatch.setenv("THROWAWAY_LINES", "0")
    assert main(["throwaway", "--say", "/compare smolvlm2 vs mistral-medium-3"]) == 5
    assert capsys.readouterr().err == "verdict: THROWAWAY_LINES wants a number at least 1\n"


def test_the_core_s_settings_name_no_platform() -> None:
    """Tokens, ids and ports of a platform are in its package: the core's settings hold none,
    so a new platform edits nothing in `bot/`."""
    import bot.settings

    core = {name.lower() for name in bot.settings.Settings.model_fields}
    source = Path(bot.settings.__file__).read_text().lower()
    for platform in registry.chat_platforms():
        assert not any(platform.name in name for name in core), platform.name
        assert platform.name not in source, platform.name
        assert platform.settings is not None and platform.read_settings() is not None
