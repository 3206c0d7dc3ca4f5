"""The Discord adapter driven with real discord.py objects against a fake Discord on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import discord.http
import pytest

from adapters.discord.bot import (
    NEEDS_MANAGE_SERVER,
    DiscordVerdicts,
    compare_choices,
    intents,
    tool_choices,
)
from adapters.discord.render import (
    DESCRIPTION_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    MAX_FIELDS,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    card_embed,
)
from bot.catalogue import Catalogue, Review, Tool
from bot.compare import Comparer
from bot.errors import CannotPostHere
from bot.platform import PostedCard
from bot.votes import EditCoalescer, Store
from tests.fake_discord import APP_ID, BOT_ID, CHANNEL_ID, GUILD_ID, FakeDiscord
from tests.unreviewed import with_unreviewed

MANAGE_GUILD = str(discord.Permissions(manage_guild=True).value)
CARD_PERMISSIONS = str(
    discord.Permissions(
        send_messages=True, embed_links=True, add_reactions=True, read_message_history=True
    ).value
)
"""What the README's invite grants the bot; interactions carry it as `app_permissions`."""


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    monkeypatch.setattr(discord.http.Route, "BASE", await server.start())
    yield server
    await server.stop()


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    bot = discord.Client(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
    await bot.login("not-a-real-token")
    yield bot
    await bot.close()


@pytest.fixture
async def verdicts(
    client: discord.Client, catalogue: Catalogue, tmp_path: Path
) -> AsyncIterator[DiscordVerdicts]:
    store = await Store.open(tmp_path / "discord.db")
    made = DiscordVerdicts(client, catalogue, store, edits=EditCoalescer(interval=0.2))
    yield made
    await made.edits.drain()
    await store.close()


_ids = iter(range(9_000, 99_000))


def interaction(
    client: discord.Client,
    name: str,
    options: list[dict[str, Any]],
    permissions: str = "0",
    app_permissions: str = CARD_PERMISSIONS,
) -> discord.Interaction:
    payload = interaction_payload(name, options, permissions, app_permissions)
    return discord.Interaction(data=payload, state=client._connection)  # type: ignore[arg-type]


def interaction_payload(
    name: str,
    options: list[dict[str, Any]],
    permissions: str = "0",
    app_permissions: str = CARD_PERMISSIONS,
) -> dict[str, Any]:
    return {
        "id": str(next(_ids)),
        "application_id": APP_ID,
        "type": 2,
        "token": f"token-{next(_ids)}",
        "version": 1,
        "guild_id": GUILD_ID,
        "channel_id": CHANNEL_ID,
        "channel": {
            "id": CHANNEL_ID,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": "general",
            "position": 0,
        },
        "member": {
            "user": {"id": "777", "username": "ann", "discriminator": "0", "avatar": None},
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "permissions": permissions,
            "flags": 0,
        },
        "data": {"id": "1", "name": name, "type": 1, "options": options},
        "app_permissions": app_permissions,
        "locale": "en-US",
        "attachment_size_limit": 8_388_608,
        "entitlements": [],
        "authorizing_integration_owners": {},
    }


def reaction(
    client: discord.Client,
    message_id: str,
    user_id: str,
    emoji: str,
    *,
    added: bool = True,
    is_bot: bool = False,
) -> discord.RawReactionActionEvent:
    data: dict[str, Any] = {
        "message_id": message_id,
        "channel_id": CHANNEL_ID,
        "user_id": user_id,
        "guild_id": GUILD_ID,
        "type": 0,
    }
    event = discord.RawReactionActionEvent(
        data,  # type: ignore[arg-type]
        discord.PartialEmoji.from_str(emoji),
        "REACTION_ADD" if added else "REACTION_REMOVE",
    )
    if is_bot:
        event.member = discord.Member(
            data={
                "user": {
                    "id": user_id,
                    "username": "other-bot",
                    "discriminator": "0",
                    "avatar": None,
                    "bot": True,
                },
                "roles": [],
                "joined_at": None,
                "deaf": False,
                "mute": False,
                "flags": 0,
            },  # type: ignore[typeddict-item]
            guild=client._connection._get_or_create_unavailable_guild(int(GUILD_ID)),
            state=client._connection,
        )
    return event


def posted_id(fake: FakeDiscord) -> int:
    reactions = fake.calls("PUT", "/reactions/")
    return int(reactions[-1].path.split("/")[4])


async def test_compare_defers_then_posts_the_card_as_an_embed_and_seeds_reactions(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "smolvlm2 vs mistral-medium-3")
    [callback] = fake.calls("POST", "/callback")
    assert callback.body["type"] == 5  # deferred: the 3-second deadline is met whatever follows
    [followup] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    [embed] = followup.body["embeds"]
    assert embed["title"] == "SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2."
    assert embed["description"].startswith("3 of 4 reviewers ship SmolVLM2")
    assert "\n1️⃣ **SmolVLM2** · vision-language · panel 75%" in embed["description"]
    [row] = followup.body["components"]
    assert row["components"][0]["label"] == "Full reviews"
    assert row["components"][0]["custom_id"] == "verdict:reviews"
    assert followup.body["allowed_mentions"] == {"parse": []}
    emojis = [r.path.split("/")[-2] for r in fake.calls("PUT", "/reactions/")]
    assert emojis == ["1️⃣", "2️⃣"]
    card = await verdicts.store.find_card("discord", CHANNEL_ID, str(posted_id(fake)))
    assert card is not None and card.tools == ("smolvlm2", "mistral-medium-3")


async def test_a_bad_query_gets_an_ephemeral_answer_with_suggestions(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "gpt 9 vs claude 3.5 haiku")
    [callback] = fake.calls("POST", "/callback")
    assert callback.body["type"] == 4
    assert callback.body["data"]["flags"] == 64  # ephemeral
    assert "GPT-4o" in callback.body["data"]["content"]
    assert not fake.calls("POST", "/webhooks/")


async def test_echoed_user_text_pings_nobody(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "@everyone vs <@&123> **bold**")
    [callback] = fake.calls("POST", "/callback")
    content = callback.body["data"]["content"]
    assert "@everyone" not in content.replace("@\u200beveryone", "")
    assert "<@&123>" not in content
    assert "**bold**" not in content
    assert callback.body["data"]["allowed_mentions"] == {"parse": []}


async def test_reactions_add_move_and_remove_votes_and_edits_are_coalesced(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "claude 3.5 haiku vs gpt-4o-mini")
    message_id = str(posted_id(fake))
    for user in range(100):
        await verdicts.reaction(reaction(client, message_id, str(10_000 + user), "1️⃣"))
    await verdicts.reaction(reaction(client, message_id, "10000", "2️⃣"))  # moves
    await verdicts.reaction(reaction(client, message_id, "10001", "1️⃣", added=False))  # retracts
    await verdicts.reaction(reaction(client, message_id, "10002", "2️⃣", added=False))  # stale
    await verdicts.reaction(reaction(client, message_id, BOT_ID, "2️⃣"))  # the bot's own seed
    await verdicts.reaction(reaction(client, message_id, "555", "2️⃣", is_bot=True))
    await verdicts.edits.drain()
    card = await verdicts.store.find_card("discord", CHANNEL_ID, message_id)
    assert card is not None
    assert await verdicts.store.card_tally(card.id) == (98, 1)
    edits = fake.calls("PATCH", f"/channels/{CHANNEL_ID}/messages/{message_id}")
    assert 1 <= len(edits) <= 5
    footer = edits[-1].body["embeds"][0]["footer"]["text"]
    assert footer.startswith("Votes here: 1️⃣ 98 · 2️⃣ 1 · react to vote")


async def test_verdicts_needs_manage_server(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.verdicts(interaction(client, "verdicts", []), "subscribe", 4000, "mon", "9")
    [callback] = fake.calls("POST", "/callback")
    assert callback.body["data"]["content"] == NEEDS_MANAGE_SERVER
    assert callback.body["data"]["flags"] == 64
    assert await verdicts.weekly.store.subscriptions() == []


async def test_a_member_without_manage_server_may_still_preview_and_read_the_settings(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    """As on every platform: only changes need the rights (the core decides, from `Rights`)."""
    await verdicts.verdicts(interaction(client, "verdicts", []), "preview", 4000)
    await verdicts.verdicts(interaction(client, "verdicts", []), "settings", 4000, "", "")
    await verdicts.verdicts(
        interaction(client, "verdicts", []), "settings", 4000, "results:closed", ""
    )
    preview, settings, change = [c.body["data"]["content"] for c in fake.calls("POST", "/callback")]
    assert NEEDS_MANAGE_SERVER not in preview and NEEDS_MANAGE_SERVER not in settings
    assert settings.startswith("Settings here (for new cards): results:live")
    assert change.startswith(NEEDS_MANAGE_SERVER)


async def test_verdicts_subscribe_then_now_posts_the_weekly_card_in_that_channel(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    admin = interaction(client, "verdicts", [], permissions=MANAGE_GUILD)
    await verdicts.verdicts(admin, "subscribe", 4242, "friday", "17", "Europe/Paris")
    [answer] = fake.calls("POST", "/callback")
    assert answer.body["data"]["content"] == (
        "Subscribed <#4242>: a weekly verdict on Fridays at 17:00 Europe/Paris."
    )
    await verdicts.verdicts(
        interaction(client, "verdicts", [], permissions=MANAGE_GUILD), "now", 4242
    )
    [card] = fake.calls("POST", "/channels/4242/messages")
    assert card.body["embeds"][0]["description"].startswith("_The first weekly verdict")
    assert fake.calls("PUT", "/channels/4242/messages/")
    said = fake.calls("POST", f"/webhooks/{APP_ID}/")[-1]
    assert said.body["content"].startswith("This week's verdict is posted")


async def test_verdicts_public_shows_the_channel_on_the_web_under_its_name_and_private_hides_it(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    def admin() -> discord.Interaction:
        return interaction(client, "verdicts", [], permissions=MANAGE_GUILD)

    await verdicts.verdicts(admin(), "public", 4242, "ML team")
    await verdicts.verdicts(admin(), "subscribe", 4242, "friday", "17")
    await verdicts.verdicts(admin(), "public", 4242, "ML @everyone team")
    sub = await verdicts.weekly.store.subscription("discord", "4242")
    assert sub is not None
    await verdicts.verdicts(admin(), "private", 4242)
    said = [c.body["data"]["content"] for c in fake.calls("POST", "/callback")]
    assert said[0] == "This channel has no weekly verdict; subscribe first."
    assert said[2] == (
        'This channel\'s weekly verdicts are now public on the web as "ML @everyone team".'
    )
    assert said[3] == "This channel's weekly verdicts are no longer shown on the web."
    assert all(c.body["data"]["flags"] == 64 for c in fake.calls("POST", "/callback"))


async def test_verdicts_bad_input_is_explained(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    admin = interaction(client, "verdicts", [], permissions=MANAGE_GUILD)
    await verdicts.verdicts(admin, "subscribe", 4242, "monday", "9", "Mars/Olympus")
    [callback] = fake.calls("POST", "/callback")
    assert "is not a time zone" in callback.body["data"]["content"]


def test_autocomplete_suggests_names_for_the_last_name_typed(catalogue: Catalogue) -> None:
    comparer = Comparer(catalogue)
    choices = compare_choices(comparer, "smolvlm2 vs mistral me")
    assert choices[0].value == "smolvlm2 vs Mistral Medium 3"
    assert compare_choices(comparer, "")[0].name
    assert len(compare_choices(comparer, "")) <= 25
    long = compare_choices(comparer, "x" * 98 + " vs gpt")
    assert all(0 < len(c.name) <= 100 and 0 < len(c.value) <= 100 for c in long)
    assert tool_choices(comparer, "hai")[0].value == "claude-3-5-haiku"


def _longest(tool: Tool, n: int) -> Tool:
    review = Review(verdict="skip", take="T" * 140, body="B" * 1000)
    return tool.model_copy(
        update={
            "slug": f"{tool.slug}-{n}",
            "name": f"{'N' * 78}{n}",
            "tagline": "G" * 100,
            "best_for": "F" * 120,
            "panel": {
                p: review if n % 2 else review.model_copy(update={"verdict": "ship"})
                for p in tool.panel
            },
        }
    )


def test_the_card_embed_stays_within_discords_limits_for_four_long_tools(
    catalogue: Catalogue,
) -> None:
    base = catalogue.by_slug["gpt-4o"]
    tools = [_longest(base, n) for n in range(4)]
    card = Comparer(catalogue).card_for(tools, {})
    posted = PostedCard(
        card=card, vote_emojis=("1️⃣", "2️⃣", "3️⃣", "4️⃣"), card_votes=(1, 2, 3, 4), recap="R" * 300
    )
    embed = card_embed(posted)
    assert len(embed) <= TOTAL_LIMIT
    assert len(embed.title or "") <= TITLE_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= MAX_FIELDS
    for field in embed.fields:
        assert len(field.name or "") <= FIELD_NAME_LIMIT
        assert 0 < len(field.value or "") <= FIELD_VALUE_LIMIT
    assert discord.Embed.from_dict(embed.to_dict()).to_dict() == embed.to_dict()


def test_the_bot_asks_for_no_privileged_intent() -> None:
    wanted = intents()
    assert wanted.guilds and wanted.guild_reactions
    assert not (wanted.message_content or wanted.members or wanted.presences)


def test_verdict_discord_without_a_token_says_which_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from adapters.cli import main

    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["discord"]) == 5
    assert (
        capsys.readouterr().err
        == "verdict: set DISCORD_TOKEN to the bot's token (docs/running.md: Discord)\n"
    )
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.setenv("DISCORD_GUILD_ID", "not-a-number")
    assert main(["discord"]) == 5
    assert capsys.readouterr().err == (
        "verdict: DISCORD_GUILD_ID wants a whole number: the server's id (Copy Server ID)\n"
    )


async def test_verdict_discord_with_a_refused_token_is_one_line_without_the_token(
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    import asyncio

    from adapters.cli import main

    fake.reject_token = True
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("VERDICT_DB", str(tmp_path / "d.db"))
    code = await asyncio.to_thread(main, ["discord"])
    captured = capsys.readouterr()
    assert code == 5
    assert captured.err.splitlines()[-1] == (
        "verdict: Discord refused DISCORD_TOKEN; copy the bot token again"
    )
    assert "secret-token-value" not in captured.out + captured.err


def test_the_readme_invite_asks_for_exactly_the_permissions_needed() -> None:
    readme = (Path(__file__).resolve().parents[2] / "docs" / "running.md").read_text()
    needed = discord.Permissions(  # a card and its reactions; the leaderboard's chart
        send_messages=True,
        embed_links=True,
        add_reactions=True,
        read_message_history=True,
        attach_files=True,
    )
    assert f"permissions={needed.value}`" in readme


async def test_the_command_tree_has_the_commands_and_guards_verdicts(
    client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    from adapters.discord.bot import build_tree

    tree = build_tree(client, lambda: verdicts)
    commands = {c.name: c for c in tree.get_commands()}
    assert set(commands) == {"compare", "tool", "tools", "leaderboard", "verdicts", "close"}
    group = commands["verdicts"]
    assert isinstance(group, discord.app_commands.Group)
    assert group.default_permissions == discord.Permissions(manage_guild=True)
    assert group.guild_only
    assert {c.name for c in group.commands} == {
        "subscribe",
        "unsubscribe",
        "now",
        "preview",
        "public",
        "private",
        "settings",
    }
    for action in ("unsubscribe", "now", "preview", "private"):
        command = group.get_command(action)
        assert isinstance(command, discord.app_commands.Command)
        [channel] = command.parameters
        assert channel.name == "channel" and channel.required
        assert channel.channel_types == group.get_command("subscribe").parameters[0].channel_types  # type: ignore[union-attr]
    compare = commands["compare"]
    assert isinstance(compare, discord.app_commands.Command)
    assert compare.get_parameter("query").autocomplete  # type: ignore[union-attr]


async def test_tool_and_leaderboard_answer_with_embeds(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.tool(interaction(client, "tool", []), "claude-3-5-haiku")
    [reply] = fake.calls("POST", "/callback")
    embed = reply.body["data"]["embeds"][0]
    assert embed["title"] == "Claude 3.5 Haiku · Anthropic"
    await verdicts.tool(interaction(client, "tool", []), "photoshop")
    assert fake.calls("POST", "/callback")[-1].body["data"]["flags"] == 64
    await verdicts.leaderboard(interaction(client, "leaderboard", []))
    board = fake.calls("POST", f"/webhooks/{APP_ID}/")[-1].body["embeds"][0]
    assert board["title"] == "Community leaderboard"
    assert "nothing is ranked" in board["description"]


async def test_a_failing_command_tells_the_user_privately(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    from adapters.discord.bot import build_tree
    from bot.commands import SOMETHING_WENT_WRONG

    tree = build_tree(client, lambda: verdicts)
    failing = interaction(client, "leaderboard", [])
    await tree.on_error(failing, discord.app_commands.AppCommandError("boom"))
    [reply] = fake.calls("POST", "/callback")
    assert reply.body["data"]["content"] == SOMETHING_WENT_WRONG
    assert reply.body["data"]["flags"] == 64


def test_a_process_can_run_a_slice_of_the_shards(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from adapters.cli import main
    from adapters.discord.bot import VerdictClient
    from adapters.discord.settings import DiscordSettings
    from bot.settings import read_settings

    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "2,3")
    ids = read_settings(DiscordSettings).shards()
    assert ids == [2, 3]
    client = VerdictClient(catalogue, "unused.db", shard_count=4, shard_ids=ids)
    assert (client.shard_count, client.shard_ids) == (4, [2, 3])

    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "3,4")
    assert main(["discord"]) == 5
    assert capsys.readouterr().err == "verdict: DISCORD_SHARD_IDS: each shard once, from 0 to 3\n"


def pressed(client: discord.Client, custom_id: str, message: dict[str, Any]) -> discord.Interaction:
    """A button press as Discord delivers it: a component interaction on `message`."""
    payload = {
        **interaction_payload("unused", []),
        "type": 3,
        "data": {"custom_id": custom_id, "component_type": 2},
        "message": message,
    }
    return discord.Interaction(data=payload, state=client._connection)  # type: ignore[arg-type]


async def dispatch(
    client: discord.Client,
    custom_id: str,
    message: dict[str, Any],
    fake: FakeDiscord,
    *,
    calls: int = 1,
) -> None:
    """Through discord.py's own view store, as the gateway would; returns once the callback
    has made `calls` more requests to Discord (or after 2 s)."""
    import asyncio

    before = len(fake.requests)
    client._connection._view_store.dispatch_view(2, custom_id, pressed(client, custom_id, message))
    for _ in range(200):
        if len(fake.requests) >= before + calls:
            break
        await asyncio.sleep(0.01)


async def test_full_reviews_button_survives_a_restart_and_answers_privately_per_tool(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts, catalogue: Catalogue
) -> None:
    from adapters.discord.buttons import REVIEWS_ID, ReviewsView

    await verdicts.compare(interaction(client, "compare", []), "smolvlm2 vs mistral-medium-3")
    [followup] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    message_id = posted_id(fake)
    button = followup.body["components"][0]["components"][0]
    assert (button["label"], button["custom_id"]) == ("Full reviews", REVIEWS_ID)
    # A new process: only the persistent view registered at start-up knows the button.
    restarted = discord.Client(intents=intents())
    await restarted.login("not-a-real-token")
    try:
        restarted.add_view(ReviewsView(verdicts.reviews))
        message = {
            **fake._message(CHANNEL_ID, followup.body, str(message_id)),
            "components": followup.body["components"],
        }
        await dispatch(restarted, REVIEWS_ID, message, fake, calls=2)
    finally:
        await restarted.close()
    [answer] = [c for c in fake.calls("POST", "/callback") if c.body.get("type") == 4]
    assert answer.body["data"]["flags"] == 64  # only the presser sees it
    first = answer.body["data"]["embeds"][0]
    assert first["title"] == "Full reviews: SmolVLM2"
    skeptic = catalogue.by_slug["smolvlm2"].panel["skeptic"]
    assert first["fields"][1]["name"] == f"The Skeptic: skip. {skeptic.take}"
    assert first["fields"][1]["value"] == skeptic.body
    [page_two] = fake.calls("POST", f"/webhooks/{APP_ID}/")[1:]
    assert page_two.body["flags"] == 64
    assert page_two.body["embeds"][0]["title"] == "Full reviews: Mistral Medium 3"
    for embed in (first, page_two.body["embeds"][0]):
        assert len(discord.Embed.from_dict(embed)) <= TOTAL_LIMIT


async def test_full_reviews_of_an_unreviewed_tool_show_each_take_from_facts(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts, catalogue: Catalogue
) -> None:
    from adapters.discord.buttons import REVIEWS_ID, ReviewsView

    verdicts.comparer.replace_catalogue(with_unreviewed(catalogue))
    await verdicts.compare(interaction(client, "compare", []), "gpt-4o vs new mini")
    [followup] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    client.add_view(ReviewsView(verdicts.reviews))
    message = {
        **fake._message(CHANNEL_ID, followup.body, str(posted_id(fake))),
        "components": followup.body["components"],
    }
    await dispatch(client, REVIEWS_ID, message, fake, calls=2)
    [answer] = [c for c in fake.calls("POST", "/callback") if c.body.get("type") == 4]
    [page_two] = fake.calls("POST", f"/webhooks/{APP_ID}/")[1:]
    unreviewed = page_two.body["embeds"][0]
    assert unreviewed["title"] == "Full reviews: New Mini"
    assert "description" not in unreviewed  # no "Not reviewed yet."
    names = [f["name"] for f in unreviewed["fields"]]
    personas = [p.name for p in catalogue.panel.personas]
    assert [n.split(" (from facts)")[0] for n in names] == personas  # each marked so
    assert names[2:] == ["The Futurist (from facts): ship", "The Buyer (from facts): ship"]
    assert unreviewed["fields"][3]["value"].startswith("Ship: $0.26 per 1M tokens blended")
    assert names[0] == "The Builder (from facts)"  # its rules need facts the data lacks
    assert unreviewed["fields"][0]["value"] == "Too few facts to judge."
    reviewed = answer.body["data"]["embeds"][0]
    assert "from facts" not in str(reviewed["fields"])  # a reviewer's words stay theirs
    assert len(discord.Embed.from_dict(unreviewed)) <= TOTAL_LIMIT


async def test_did_you_mean_buttons_cover_every_problem_and_rerun_the_comparison(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    from adapters.discord.buttons import PickButton

    await verdicts.compare(interaction(client, "compare", []), "mistral vs openai")
    [asked] = fake.calls("POST", "/callback")
    data = asked.body["data"]
    assert data["flags"] == 64
    assert '"mistral" could be several tools' in data["content"]
    assert '"openai" could be several tools' in data["content"]
    buttons = data["components"][0]["components"]
    assert [b["label"] for b in buttons] == [  # newest active model of each family first
        "Mistral Medium 3 (for mistral)",
        "Mistral Large (for mistral)",
        "Mistral Medium 3.1 (for mistral)",
        "OpenAI Agents SDK (framework) (for openai)",  # a product and models: each named by kind
        "gpt-oss-120b (model) (for openai)",
    ]
    assert buttons[0]["custom_id"] == "verdict:pick:mistral-medium-3|openai"
    assert all(len(b["custom_id"]) <= 100 for b in buttons)
    client.add_dynamic_items(PickButton)
    client.verdicts = lambda: verdicts  # type: ignore[attr-defined]  # as VerdictClient has
    ephemeral = {**fake._message(CHANNEL_ID, data), "components": data["components"]}
    await dispatch(client, buttons[0]["custom_id"], ephemeral, fake)
    again = fake.calls("POST", "/callback")[-1].body["data"]
    assert '"mistral"' not in again["content"] and '"openai"' in again["content"]
    second = again["components"][0]["components"][2]
    assert second["custom_id"] == "verdict:pick:mistral-medium-3|gpt-5"
    asked_again = {**fake._message(CHANNEL_ID, again), "components": again["components"]}
    await dispatch(client, second["custom_id"], asked_again, fake, calls=3)
    [card] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    assert card.body["embeds"][0]["title"].startswith("Mistral Medium 3 vs GPT-5 — verdict:")


async def test_a_did_you_mean_button_keeps_the_use_case_asked(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    from adapters.discord.buttons import PickButton

    await verdicts.compare(interaction(client, "compare", []), "mistral vs gpt-5", "coding")
    [asked] = fake.calls("POST", "/callback")
    first = asked.body["data"]["components"][0]["components"][0]
    assert first["custom_id"] == "verdict:pick:mistral-medium-3|gpt-5 for coding"
    client.add_dynamic_items(PickButton)
    client.verdicts = lambda: verdicts  # type: ignore[attr-defined]  # as VerdictClient has
    data = asked.body["data"]
    ephemeral = {**fake._message(CHANNEL_ID, data), "components": data["components"]}
    await dispatch(client, first["custom_id"], ephemeral, fake, calls=3)
    [card] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    title = card.body["embeds"][0]["title"]
    assert title.startswith("Mistral Medium 3 vs GPT-5 for coding — verdict:")


async def test_an_unknown_name_points_to_discords_own_commands(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "qqqqqq vs haiku")
    content = fake.calls("POST", "/callback")[0].body["data"]["content"]
    assert "/tools" in content and "as you type" in content and "verdict list" not in content


async def test_tools_lists_a_page_privately_and_turns_pages_in_place(
    fake: FakeDiscord,
    client: discord.Client,
    verdicts: DiscordVerdicts,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from adapters.discord.buttons import ToolsPageButton

    monkeypatch.setattr("bot.render.lists.PAGE_SIZE", 5)
    await verdicts.tools(interaction(client, "tools", []), "")
    [listed] = fake.calls("POST", "/callback")
    data = listed.body["data"]
    assert data["flags"] == 64
    assert data["embeds"][0]["title"] == "88 tools, page 1 of 18"
    [more] = data["components"][0]["components"]
    assert (more["label"], more["custom_id"]) == ("Next", "verdict:tools:2:")
    client.add_dynamic_items(ToolsPageButton)
    client.verdicts = lambda: verdicts  # type: ignore[attr-defined]
    listing = {**fake._message(CHANNEL_ID, data), "components": data["components"]}
    await dispatch(client, more["custom_id"], listing, fake)
    turned = fake.calls("POST", "/callback")[-1].body
    assert turned["type"] == 7  # UPDATE_MESSAGE: the same message shows page 2
    assert turned["data"]["embeds"][0]["title"] == "88 tools, page 2 of 18"
    await verdicts.tools(interaction(client, "tools", []), "anthropic")
    assert fake.calls("POST", "/callback")[-1].body["data"]["embeds"][0]["title"] == (
        '6 tools matching "anthropic", page 1 of 2'
    )


async def test_leaderboard_of_an_unknown_category_is_answered_privately(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.leaderboard(interaction(client, "leaderboard", []), "no-such")
    [answer] = fake.calls("POST", "/callback")
    assert answer.body["data"]["flags"] == 64
    assert answer.body["data"]["content"].startswith(
        'No category "no-such". Known: agent-framework, chat-assistant,'
    )


# --- a channel where the bot lacks a permission: which one, and where to grant it ----------


def granted(**permissions: bool) -> str:
    everything = dict.fromkeys(
        ("send_messages", "embed_links", "add_reactions", "read_message_history"), True
    )
    return str(discord.Permissions(**(everything | permissions)).value)


async def test_compare_without_add_reactions_names_it_and_where_to_grant_it(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    asked = interaction(client, "compare", [], app_permissions=granted(add_reactions=False))
    await verdicts.compare(asked, "smolvlm2 vs mistral-medium-3")
    [reply] = fake.calls("POST", "/callback")
    assert reply.body["data"]["flags"] == 64  # only the asker sees it
    assert reply.body["data"]["content"] == (
        "I can't post cards in this channel: I need Add Reactions. A server admin can grant it "
        "in Server Settings → Roles → verdict, or for this channel only in Edit Channel → "
        "Permissions."
    )
    assert fake.calls("POST", "/webhooks/") == [] and fake.calls("PUT", "/reactions/") == []
    assert await verdicts.store.vote_rows() == []


async def test_compare_without_send_messages_and_embed_links_names_both(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    asked = interaction(
        client, "compare", [], app_permissions=granted(send_messages=False, embed_links=False)
    )
    await verdicts.compare(asked, "claude 3.5 haiku vs gpt-4o-mini")
    [reply] = fake.calls("POST", "/callback")
    assert reply.body["data"]["content"].startswith(
        "I can't post cards in this channel: I need Send Messages and Embed Links."
    )


async def test_a_weekly_card_in_a_closed_channel_says_which_permission(
    fake: FakeDiscord, verdicts: DiscordVerdicts
) -> None:
    fake.closed_channels = {"4001"}
    with pytest.raises(CannotPostHere) as refused:
        await verdicts.bot.post_card("4001", ["smolvlm2", "gpt-4o"], asked_by="weekly")
    assert refused.value.message.startswith(
        "I can't post cards in channel 4001: I need Send Messages and Embed Links."
    )


async def test_compare_with_the_for_option_judges_for_it_and_stores_it(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(
        interaction(client, "compare", []), "gpt-4o-mini vs mistral-large", "vision"
    )
    [followup] = fake.calls("POST", f"/webhooks/{APP_ID}/")
    [embed] = followup.body["embeds"]
    assert embed["title"] == "GPT-4o mini vs Mistral Large for vision — verdict: ship GPT-4o mini."
    assert "Mistral Large does not read images" in embed["description"]
    card = await verdicts.store.find_card("discord", CHANNEL_ID, str(posted_id(fake)))
    assert card is not None and card.use_case == "vision"


def test_the_compare_command_offers_a_for_option_with_every_use_case() -> None:
    from adapters.discord.bot import build_tree
    from bot.compare import UseCase

    intents = discord.Intents.none()
    tree = build_tree(discord.Client(intents=intents), lambda: None)  # type: ignore[arg-type,return-value]
    compare = tree.get_command("compare")
    assert compare is not None
    option = next(p for p in compare.parameters if p.display_name == "for")
    assert not option.required
    assert [c.value for c in option.choices] == [u.value for u in UseCase]


async def test_a_card_with_a_retired_model_is_followed_by_a_private_offer_of_its_successor(
    fake: FakeDiscord, client: discord.Client, verdicts: DiscordVerdicts
) -> None:
    await verdicts.compare(interaction(client, "compare", []), "claude 3.5 haiku vs gpt-4o")
    card, offer = fake.calls("POST", f"/webhooks/{APP_ID}/")
    [embed] = card.body["embeds"]
    assert embed["title"] == "Claude 3.5 Haiku vs GPT-4o — verdict: ship GPT-4o."
    assert offer.body["flags"] == 64  # ephemeral: only the asker sees it
    assert offer.body["content"] == (
        "Claude 3.5 Haiku is retired. Compare the live models instead: "
        "/compare Claude Haiku 4.5 vs GPT-4o"
    )
