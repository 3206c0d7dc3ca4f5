"""The card's budget on every surface, with the real catalogue's longest entries: a two-tool
card in at most 12 lines and 900 characters, three in 15, four in 18, verdict first.

Each surface is measured as its reader sees it: the terminal text, the Markdown, what Discord
shows of the embed (title, description, fields, footer) and what Slack shows of the blocks.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator

import pytest

from adapters.discord.buttons import ReviewsView
from adapters.discord.render import card_embed, embed_lines
from adapters.slack.render import block_lines, card_blocks
from bot.catalogue import Catalogue, Facts, Lifecycle
from bot.compare import Comparer, UseCase, VerdictCard
from bot.platform import PostedCard
from bot.polls import CardPoll, final_line
from bot.render import markdown, text
from bot.render.layout import CARD_CHARS, CARD_LINES
from bot.votes import KEYCAPS, CommunityTally

README_EXAMPLE = ("smolvlm2", "mistral-medium-3")


def _posted(card: VerdictCard) -> PostedCard:
    n = len(card.tools)
    return PostedCard(card=card, vote_emojis=tuple(KEYCAPS[:n]), card_votes=(999,) * n)


def _text(card: VerdictCard) -> list[str]:
    slugs = " vs ".join(c.slug for c in card.tools)
    return text.render_card(card, tally=f'Full reviews: verdict compare "{slugs}" --full').split(
        "\n"
    )


SURFACES: dict[str, Callable[[VerdictCard], list[str]]] = {
    "text": _text,
    "chat text": lambda card: text.render_posted(_posted(card), card_number="1234").split("\n"),
    "markdown": lambda card: markdown.render_card(card).split("\n"),
    "discord embed": lambda card: embed_lines(card_embed(_posted(card))),
    "slack blocks": lambda card: block_lines(card_blocks(_posted(card))),
}


def _cards(catalogue: Catalogue, n: int) -> Iterator[VerdictCard]:
    """Every pair of catalogue tools in either order, and every three or four of the seven
    wordiest tools, with four-digit vote counts on every tool: the widest real cards get."""
    comparer = Comparer(catalogue)
    tallies = {t.slug: CommunityTally(votes=1234, ship_pct=100) for t in catalogue.tools}
    wordiest = sorted(
        catalogue.tools,
        key=lambda t: -(len(t.name) + len(t.best_for) + sum(len(r.take) for r in t.panel.values())),
    )
    slugs = [t.slug for t in (catalogue.tools if n == 2 else wordiest[:7])]
    combos = itertools.permutations(slugs, n) if n == 2 else itertools.combinations(slugs, n)
    for combo in combos:
        yield comparer.card_for([catalogue.by_slug[s] for s in combo], tallies)
    yield comparer.card_for([catalogue.by_slug[s] for s in slugs[:n]], {})


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("n", [2, 3, 4])
def test_every_card_fits_the_line_budget_on_every_surface(
    catalogue: Catalogue, surface: str, n: int
) -> None:
    render = SURFACES[surface]
    for card in _cards(catalogue, n):
        lines = render(card)
        assert len(lines) <= CARD_LINES[n], "\n".join(lines)


@pytest.mark.parametrize("surface", ["text", "chat text", "discord embed", "slack blocks"])
def test_two_tool_cards_fit_900_characters(catalogue: Catalogue, surface: str) -> None:
    """Markdown is left out: its table pipes are markup, not text a reader reads."""
    render = SURFACES[surface]
    for card in _cards(catalogue, 2):
        lines = render(card)
        assert sum(len(line) for line in lines) <= CARD_CHARS[2], "\n".join(lines)


@pytest.mark.parametrize("surface", list(SURFACES))
def test_the_readme_example_puts_the_verdict_first_everywhere(
    catalogue: Catalogue, surface: str
) -> None:
    card = Comparer(catalogue).card_for([catalogue.by_slug[s] for s in README_EXAMPLE], {})
    lines = SURFACES[surface](card)
    assert "SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2." in lines[0]
    assert lines[1].startswith("3 of 4 reviewers ship SmolVLM2") or lines[0].endswith(
        "already own.”"
    )  # Markdown keeps the reason in the verdict's paragraph
    joined = "\n".join(lines)
    assert len(lines) <= 12 and sum(len(line) for line in lines) <= 900
    order = [
        joined.index(s)
        for s in ("verdict: ship", "3 of 4 reviewers", "vision-language", "≠", "= The Builder")
    ]
    assert order == sorted(order)


def test_text_card_lines_fit_80_columns(catalogue: Catalogue) -> None:
    for n in (2, 3, 4):
        for card in _cards(catalogue, n):
            assert max(len(line) for line in _text(card)) <= 80


def test_full_reviews_are_offered_where_a_take_from_facts_exists(catalogue: Catalogue) -> None:
    """Known only from the price data, every persona judges from facts: "Full reviews" opens
    them. With too few facts for any take, the button would open nothing, so it is not there."""
    unreviewed = [
        catalogue.by_slug[s].model_copy(update={"panel": {}}) for s in ("gpt-4o", "gpt-4o-mini")
    ]
    from_facts = _posted(Comparer(catalogue).card_for(unreviewed, {}))
    [button] = [e for b in card_blocks(from_facts) if b["type"] == "actions" for e in b["elements"]]
    assert button["text"]["text"] == "Full reviews"
    bare = [
        t.model_copy(update={"facts": Facts(), "released": None, "lifecycle": Lifecycle()})
        for t in unreviewed
    ]
    posted = _posted(Comparer(catalogue).card_for(bare, {}))
    assert posted.card.tools[0].panel_size == 0  # too few facts for any persona
    buttons = [e for b in card_blocks(posted) if b["type"] == "actions" for e in b["elements"]]
    assert buttons == []
    assert ReviewsView(reviews=False).children == []


def _poll(card: VerdictCard, state: str) -> CardPoll:
    """The widest poll lines a card can get: four-digit votes, the longest close time."""
    end = dt.datetime(2026, 12, 30, 23, 59, tzinfo=dt.UTC)
    if state == "closed":
        return CardPoll(final=final_line([c.name for c in card.tools], [9999] * len(card.tools)))
    if state == "hidden":
        return CardPoll(buttons=True, hidden_total=99_999, closes_at=end)
    return CardPoll(buttons=True, closes_at=end)


POSTED_SURFACES: dict[str, Callable[[PostedCard], list[str]]] = {
    "chat text": lambda posted: text.render_posted(posted, card_number="1234").split("\n"),
    "discord embed": lambda posted: embed_lines(card_embed(posted)),
    "slack blocks": lambda posted: block_lines(card_blocks(posted)),
}


@pytest.mark.parametrize("state", ["closed", "hidden", "open with an end and buttons"])
@pytest.mark.parametrize("surface", list(POSTED_SURFACES))
@pytest.mark.parametrize("n", [2, 3, 4])
def test_poll_lines_keep_every_card_within_its_budget(
    catalogue: Catalogue, surface: str, n: int, state: str
) -> None:
    """A final line, a hidden tally, a close time and vote buttons take no line of their own
    beyond the tally line (a row of buttons is one line on Slack)."""
    render = POSTED_SURFACES[surface]
    for card in _cards(catalogue, n):
        posted = _posted(card).model_copy(update={"poll": _poll(card, state)})
        lines = render(posted)
        assert len(lines) <= CARD_LINES[n], "\n".join(lines)
        assert sum(len(line) for line in lines) <= CARD_CHARS[n], "\n".join(lines)


async def test_a_four_tool_button_card_fits_discords_five_rows_of_five(
    catalogue: Catalogue,
) -> None:
    """Vote buttons, Close vote, Full reviews and Full page, laid out by discord.py's own View:
    Discord refuses a message with more than 5 action rows or more than 5 buttons in a row."""
    import discord

    from adapters.discord.bot import DiscordPlatform

    client = discord.Client(intents=discord.Intents.none())
    platform = DiscordPlatform(client, catalogue)
    for card in _cards(catalogue, 4):
        posted = _posted(card).model_copy(
            update={
                "poll": _poll(card, "open with an end and buttons"),
                "page_url": "https://x.test/c",
            }
        )
        view = platform.card_view(posted)
        assert len(view.children) == 4 + 3
        rows = view.to_components()
        assert len(rows) <= 5
        assert all(len(row["components"]) <= 5 for row in rows)
        assert sum(len(row["components"]) for row in rows) == len(view.children)


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("use_case", list(UseCase))
def test_a_card_asked_for_a_use_case_shows_it_and_its_certainty_within_budget(
    catalogue: Catalogue, surface: str, use_case: UseCase
) -> None:
    """Every pair, asked for each use case, with votes on every tool: the use case in the
    first line, each share with its 95% interval, and the budget held."""
    comparer = Comparer(catalogue)
    tallies = {t.slug: CommunityTally(votes=1234, ship_pct=48) for t in catalogue.tools}
    render = SURFACES[surface]
    for a, b in itertools.permutations(catalogue.tools, 2):
        card = comparer.card_for([a, b], tallies, use_case=use_case)
        lines = render(card)
        headline = " ".join(lines[:2]) if surface in ("text", "chat text") else lines[0]
        assert use_case.label in headline, lines[:2]  # a terminal wraps a long headline
        assert "48% of 1234 (45-51)" in "\n".join(lines)
        assert len(lines) <= CARD_LINES[2], "\n".join(lines)
        if surface != "markdown":
            assert sum(len(line) for line in lines) <= CARD_CHARS[2], "\n".join(lines)


@pytest.mark.parametrize("surface", ["discord embed", "slack blocks"])
def test_two_long_product_names_keep_the_verdict_and_drop_the_quote_first(
    catalogue: Catalogue, surface: str
) -> None:
    """The widest pair of names, closed with four-digit votes: the reviewer's quoted take gives
    way (it is one click away in Full reviews), the verdict, the score and who tips it stay."""
    card = Comparer(catalogue).card_for(
        [catalogue.by_slug["stable-diffusion"], catalogue.by_slug["text-generation-inference"]],
        {t.slug: CommunityTally(votes=1234, ship_pct=100) for t in catalogue.tools},
    )
    posted = _posted(card).model_copy(update={"poll": _poll(card, "closed")})
    lines = POSTED_SURFACES[surface](posted)
    assert sum(len(line) for line in lines) <= CARD_CHARS[2]
    assert lines[1].startswith("2 of 4 reviewers ship Stable Diffusion (open weights)")
    assert lines[1].endswith("The Builder tips it.")
    assert "“" not in lines[1]
    wide = Comparer(catalogue).card_for(
        [catalogue.by_slug["smolvlm2"], catalogue.by_slug["mistral-medium-3"]], {}
    )
    assert "tips it: “" in POSTED_SURFACES[surface](_posted(wide))[1]  # kept where it fits
