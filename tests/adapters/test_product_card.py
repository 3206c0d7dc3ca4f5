"""A product's card on every surface: how it is priced, its licence and hosting, what it works
with, within the same line and character budget as a model's card; and a card holding an app
and a model says which is which and does not let price decide between them."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from bot.catalogue import Catalogue, load_catalogue
from bot.catalogue.loader import PRODUCTS_DIR
from bot.compare import Comparer, VerdictCard
from bot.render.layout import CARD_CHARS, CARD_LINES
from bot.votes import CommunityTally
from tests.adapters.test_card_budget import SURFACES
from tests.product_files import with_fixture_products, with_repo_products

MODELS = ("smolvlm2", "mistral-medium-3", "claude-sonnet-4-5")


@pytest.fixture(scope="module")
def with_products(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The five fixture products, whose facts the tests below name."""
    return load_catalogue(with_fixture_products(tmp_path_factory.mktemp("p") / "catalogue"))


@pytest.fixture(scope="module")
def real_products(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The catalogue's own product files (`catalogue/products/`), or the fixture products
    where there are none yet: the budget must hold for every real product row."""
    root = with_repo_products(tmp_path_factory.mktemp("r") / "catalogue")
    if root is None:
        root = with_fixture_products(tmp_path_factory.mktemp("f") / "catalogue")
    return load_catalogue(root)


def _card(catalogue: Catalogue, *slugs: str, votes: bool = True) -> VerdictCard:
    tallies = {s: CommunityTally(votes=1234, ship_pct=100) for s in slugs} if votes else {}
    return Comparer(catalogue).card_for([catalogue.by_slug[s] for s in slugs], tallies)


def _combos(catalogue: Catalogue, n: int) -> list[tuple[str, ...]]:
    """Every pair of products and a few models, in either order; for three and four, every
    combination of the seven wordiest (the widest cards get)."""
    products = [t for t in catalogue.tools if t.is_product]
    pool = [t.slug for t in products] + list(MODELS)
    if n == 2:
        return list(itertools.permutations(pool, 2))

    def words(slug: str) -> int:
        tool = catalogue.by_slug[slug]
        product = tool.product
        extra = len(", ".join(product.works_with)) + len(product.usage_unit) if product else 0
        return -(len(tool.name) + len(tool.best_for) + extra)

    return list(itertools.combinations(sorted(pool, key=words)[:7], n))


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("n", [2, 3, 4])
def test_product_cards_fit_the_line_budget_on_every_surface(
    real_products: Catalogue, surface: str, n: int
) -> None:
    for combo in _combos(real_products, n):
        lines = SURFACES[surface](_card(real_products, *combo))
        assert len(lines) <= CARD_LINES[n], "\n".join(lines)


@pytest.mark.parametrize("surface", ["text", "chat text", "discord embed", "slack blocks"])
def test_two_tool_product_cards_fit_900_characters(real_products: Catalogue, surface: str) -> None:
    for combo in _combos(real_products, 2):
        lines = SURFACES[surface](_card(real_products, *combo))
        assert sum(len(line) for line in lines) <= CARD_CHARS[2], "\n".join(lines)


def test_product_text_cards_fit_80_columns(real_products: Catalogue) -> None:
    for n in (2, 3, 4):
        for combo in _combos(real_products, n):
            assert max(len(line) for line in SURFACES["text"](_card(real_products, *combo))) <= 80


@pytest.mark.parametrize("surface", list(SURFACES))
def test_a_product_row_shows_price_licence_hosting_and_what_it_works_with(
    with_products: Catalogue, surface: str
) -> None:
    shown = "\n".join(SURFACES[surface](_card(with_products, "cursor", "claude-code")))
    assert "freemium $20/seat/mo" in shown
    assert "Proprietary, hosted only" in shown
    assert "works with VS Code extensions" in shown
    assert "or $3/1M tokens" in shown  # Claude Code is billed per seat or by API usage


@pytest.mark.parametrize("surface", list(SURFACES))
def test_an_app_and_a_model_on_one_card_are_named_as_such(
    with_products: Catalogue, surface: str
) -> None:
    lines = SURFACES[surface](_card(with_products, "chatgpt", "smolvlm2", votes=False))
    assert "ChatGPT (app) vs SmolVLM2 (model) — verdict: it depends." in lines[0]


def test_price_never_decides_between_an_app_and_a_model(with_products: Catalogue) -> None:
    """Both are shipped by 3 of 4 reviewers: between two models the lower price would decide;
    a seat price and free weights are not comparable, so the card says so instead."""
    card = _card(with_products, "chatgpt", "smolvlm2", votes=False)
    assert card.verdict.pick is None
    assert card.verdict.reason == (
        "The panel is split evenly (3 of 4 ship each). "
        "An app and a model: price does not decide. Pick ChatGPT for "
        "everyday writing, research and questions for people who are not developers; SmolVLM2 "
        "for on-device image and video Q&A where data must not leave the machine."
    )


def test_between_two_products_the_seat_price_can_decide(
    with_products: Catalogue, tmp_path: Path
) -> None:
    """As between two models, a price decides only when it is clearly lower: a cent between
    $19.99 and $20 a seat is no reason to pick; a seat at $7.99 is."""
    near = _card(with_products, "perplexity", "gemini-app", votes=False)
    assert near.verdict.pick is None and "seat" not in near.verdict.reason
    root = with_fixture_products(tmp_path / "catalogue")
    gemini = root / PRODUCTS_DIR / "gemini-app.toml"
    gemini.write_text(gemini.read_text().replace("19.99", "7.99"))
    cheaper = load_catalogue(root)
    card = _card(cheaper, "perplexity", "gemini-app", votes=False)
    assert card.verdict.pick == "gemini-app" and card.verdict.decided_by == "price"
    assert "$7.99/seat/month, against free tier, $20/seat/month for Perplexity" in (
        card.verdict.reason
    )


def test_the_panel_still_decides_across_kinds(with_products: Catalogue, tmp_path: Path) -> None:
    """Reviews are comparable across kinds: a 3-of-4 app beats a 1-of-4 model on the panel
    (a model still served today, so lifecycle does not decide first)."""
    today = dt.datetime.now(dt.UTC).date()
    model = next(
        t.slug
        for t in with_products.tools
        if not t.is_product
        and sum(r.verdict == "ship" for r in t.panel.values()) == 1
        and t.status_on(today) == "active"
    )
    card = _card(with_products, "chatgpt", model, votes=False)
    assert card.verdict.pick == "chatgpt" and card.verdict.decided_by == "panel"


def test_a_products_page_states_its_hosting_what_it_works_with_and_when_it_was_read(
    with_products: Catalogue,
) -> None:
    from bot.render import text

    page = text.render_tool(with_products.by_slug["cursor"], with_products)
    assert "Pricing       free tier, $20/seat/month" in page
    assert "Hosting       hosted only; closed source" in page
    assert "Works with    VS Code extensions, Claude, GPT, Gemini" in page
    assert "Read on       2026-12-03" in page
