"""Chat cards link to their full page: one canonical address whatever order was asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console.chat import open_console
from adapters.discord.buttons import ReviewsView
from adapters.discord.render import card_embed
from adapters.slack.render import card_blocks
from bot.catalogue import Catalogue
from bot.compare import comparison_path, comparison_url
from bot.settings import SettingsError, load_settings


def test_either_order_gives_the_same_address() -> None:
    assert comparison_path(["smolvlm2", "gpt-4o"]) == "/c/gpt-4o-vs-smolvlm2"
    assert comparison_path(["gpt-4o", "smolvlm2"]) == "/c/gpt-4o-vs-smolvlm2"
    assert (
        comparison_url("https://verdict.example/", ["b", "a", "c"])
        == "https://verdict.example/c/a-vs-b-vs-c"
    )


async def test_a_card_ends_with_its_full_page_when_a_public_url_is_set(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with open_console(
        db=tmp_path / "chat.db", catalogue=catalogue, public_url="https://verdict.example"
    ) as chat:
        await chat.send("/compare smolvlm2 vs mistral-medium-3")
        card = chat.pop()
        assert card.text.endswith(
            "Full page: https://verdict.example/c/mistral-medium-3-vs-smolvlm2"
        )
        posted = await chat.bot._posted(["smolvlm2", "mistral-medium-3"], (0, 0))
    assert card_embed(posted).url == "https://verdict.example/c/mistral-medium-3-vs-smolvlm2"
    [link] = [b for b in ReviewsView(page_url=posted.page_url).children if getattr(b, "url", None)]
    assert getattr(link, "url", None) == posted.page_url
    assert getattr(link, "label", None) == "Full page"
    [actions] = [b for b in card_blocks(posted) if b["type"] == "actions"]
    [slack_link] = [e for e in actions["elements"] if "url" in e]
    assert (slack_link["url"], slack_link["text"]["text"]) == (posted.page_url, "Full page")


async def test_without_a_public_url_cards_carry_no_link(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    async with open_console(db=tmp_path / "chat.db", catalogue=catalogue) as chat:
        await chat.send("/compare smolvlm2 vs mistral-medium-3")
        assert "Full page" not in chat.pop().text
        posted = await chat.bot._posted(["smolvlm2", "mistral-medium-3"], (0, 0))
    assert posted.page_url is None
    assert card_embed(posted).url is None
    assert not [b for b in ReviewsView(page_url=posted.page_url).children if getattr(b, "url", 0)]
    actions = [b for b in card_blocks(posted) if b["type"] == "actions"]
    assert not [e for block in actions for e in block["elements"] if "url" in e]


def test_a_public_url_that_is_not_http_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    for wrong in ("verdict.example", "https://verdict.example/bot"):  # the pages live at a root
        monkeypatch.setenv("VERDICT_PUBLIC_URL", wrong)
        with pytest.raises(SettingsError, match="VERDICT_PUBLIC_URL"):
            load_settings()
    monkeypatch.setenv("VERDICT_PUBLIC_URL", "https://verdict.example:8443")
    settings = load_settings()
    assert settings.public_url == "https://verdict.example:8443"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
