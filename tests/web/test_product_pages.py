"""A product's web page and a comparison page holding an app and a model, served for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalogue import Catalogue, load_catalogue
from tests.product_files import with_fixture_products
from tests.web.conftest import Web


@pytest.fixture
def web_catalogue(tmp_path: Path) -> Catalogue:
    return load_catalogue(with_fixture_products(tmp_path / "catalogue"))


async def test_a_product_page_shows_its_price_hosting_and_what_it_works_with(web: Web) -> None:
    status, html = await web.get("/t/cursor")
    assert status == 200
    assert "free tier, $20/seat/month" in html
    assert "hosted only; closed source" in html
    assert "VS Code extensions" in html


async def test_a_comparison_page_names_the_app_and_the_model(web: Web) -> None:
    status, html = await web.get("/c/chatgpt-vs-smolvlm2")
    assert status == 200
    assert "ChatGPT (app) vs SmolVLM2 (model)" in html
    assert "An app and a model: price does not decide." in html
