"""Product files (`catalogue/products/*.toml`): loaded as tools of kind "product", every fact
sourced and dated, and a clear problem for each way a file misses the schema."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from bot.catalogue import Tool, check_catalogue, load_catalogue, price_figure
from bot.catalogue.cache import cached_catalogue
from tests.catalogue.test_catalogue_commands import verdict
from tests.product_files import with_fixture_products


@pytest.fixture
def products_dir(tmp_path: Path) -> Path:
    return with_fixture_products(tmp_path / "catalogue")


def _problems(root: Path) -> list[str]:
    catalogue, problems = check_catalogue(root)
    assert catalogue is None
    return [str(p) for p in problems]


def _edit(root: Path, slug: str, old: str, new: str) -> None:
    path = root / "products" / f"{slug}.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_products_load_beside_models_as_their_own_kind(products_dir: Path) -> None:
    catalogue = load_catalogue(products_dir)
    cursor = catalogue.by_slug["cursor"]
    assert cursor.kind == "product" and cursor.product is not None
    assert cursor.product.seat_usd_per_month == 20.0
    assert cursor.product.read_on == dt.date(2026, 12, 3)
    assert catalogue.by_slug["smolvlm2"].kind == "model"
    assert "product.works_with" in cursor.fact_fields()


def test_a_product_is_priced_in_its_own_unit_not_per_token(products_dir: Path) -> None:
    catalogue = load_catalogue(products_dir)
    assert price_figure(catalogue.by_slug["cursor"]) == "free tier, $20/seat/month"
    assert price_figure(catalogue.by_slug["claude-code"]) == "$20/seat/month, $3 per 1M tokens"


def test_an_unsourced_product_fact_is_named_with_its_field(products_dir: Path) -> None:
    _edit(products_dir, "cursor", '"product.seat_usd_per_month", ', "")
    assert _problems(products_dir) == [
        "catalogue/products/cursor.toml: product.seat_usd_per_month: no source backs this fact"
    ]


def test_an_undated_source_says_which_one_needs_read_on(products_dir: Path) -> None:
    _edit(
        products_dir,
        "cursor",
        'read_on = 2026-12-03\n\n[[sources]]\nurl = "https://cursor.com/features"',
        '\n[[sources]]\nurl = "https://cursor.com/features"',
    )
    assert _problems(products_dir) == [
        "catalogue/products/cursor.toml: sources.0.read_on: missing: the day this page was read"
    ]


def test_the_product_table_needs_its_own_read_on(products_dir: Path) -> None:
    _edit(
        products_dir,
        "perplexity",
        'runs_on = ["Web", "macOS", "Windows", "iOS", "Android"]\nread_on = 2026-12-03',
        'runs_on = ["Web"]',
    )
    assert _problems(products_dir) == [
        "catalogue/products/perplexity.toml: product.read_on: missing"
    ]


def test_a_category_outside_the_closed_set_is_refused_with_the_list(products_dir: Path) -> None:
    _edit(products_dir, "cursor", 'category = "coding-assistant"', 'category = "ide"')
    (problem,) = _problems(products_dir)
    assert problem.startswith('catalogue/products/cursor.toml: category: "ide" is not a product')
    assert "coding-agent" in problem and "vector-database" in problem


def test_a_product_file_without_its_kind_or_table_says_so(products_dir: Path) -> None:
    _edit(products_dir, "cursor", 'kind = "product"\n', "")
    _edit(products_dir, "chatgpt", "[product]\n", "[notproduct]\n")
    problems = _problems(products_dir)
    assert (
        'catalogue/products/cursor.toml: kind: a file in products/ needs kind = "product"'
        in problems
    )
    assert "catalogue/products/chatgpt.toml: product: missing: the [product] table" in problems


def test_a_product_in_the_models_folder_is_pointed_to_products(products_dir: Path) -> None:
    (products_dir / "products" / "cursor.toml").rename(products_dir / "tools" / "cursor.toml")
    assert _problems(products_dir) == [
        "catalogue/tools/cursor.toml: kind: a product belongs in products/, not tools/"
    ]


def test_a_usage_price_without_its_unit_is_refused(products_dir: Path) -> None:
    _edit(products_dir, "claude-code", 'usage_unit = "per 1M tokens"\n', "")
    problems = _problems(products_dir)
    assert any("usage_usd needs usage_unit" in p for p in problems), problems


def test_an_alias_naming_a_model_collides_and_is_reported_in_the_product(
    products_dir: Path,
) -> None:
    _edit(products_dir, "chatgpt", 'aliases = ["chat gpt"', 'aliases = ["smolvlm2", "chat gpt"')
    (problem,) = _problems(products_dir)
    assert problem.startswith('catalogue/products/chatgpt.toml: aliases: "smolvlm2" collides')


def test_a_new_product_file_misses_the_parsed_catalogue_cache(
    products_dir: Path, tmp_path: Path
) -> None:
    def build() -> tuple[object, list[object]]:
        return check_catalogue(products_dir)

    cache = tmp_path / "cache"
    first, _ = cached_catalogue(products_dir, cache_dir=cache, depends_on="x", build=build)
    extra = products_dir / "products" / "cursor-two.toml"
    extra.write_text(
        (products_dir / "products" / "cursor.toml")
        .read_text()
        .replace('slug = "cursor"', 'slug = "cursor-two"')
        .replace('name = "Cursor"', 'name = "Cursor Two"')
        .replace('aliases = ["cursor ide", "cursor editor", "cursor.com"]', "aliases = []")
    )
    second, _ = cached_catalogue(products_dir, cache_dir=cache, depends_on="x", build=build)
    assert "cursor-two" in second.by_slug  # type: ignore[union-attr]
    assert first is not None


def test_catalogue_check_counts_products_and_fails_on_a_bad_one(
    products_dir: Path, tmp_path: Path
) -> None:
    def check() -> subprocess.CompletedProcess[str]:
        return verdict("catalogue", "check", str(products_dir), cwd=tmp_path)

    ok = check()
    assert ok.returncode == 0, ok.stderr
    assert re.match(r"ok: 24 tools and 5 products, 4 panel personas; ", ok.stdout)
    _edit(products_dir, "cursor", 'supports = ["pricing", ', "supports = [")
    bad = check()
    assert bad.returncode == 3
    assert "catalogue/products/cursor.toml: pricing: no source backs this fact" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_every_fixture_product_is_a_valid_tool() -> None:
    import tomllib

    from tests.product_files import FIXTURE_PRODUCTS

    for path in FIXTURE_PRODUCTS.glob("*.toml"):
        tool = Tool.model_validate(tomllib.loads(path.read_text()))
        assert tool.is_product and tool.slug == path.stem


def test_a_product_is_never_merged_with_the_dataset_model_of_its_name(
    products_dir: Path,
) -> None:
    """A product named like a dataset model ("Sonar") keeps its own facts: the generated layer
    pairs only models."""
    from bot.catalogue import known_tools, pair_layers

    generated, _ = known_tools(dt.date(2026, 12, 3), cache_dir=products_dir.parent / "cache")
    sonar_model = next(t for t in generated if t.slug == "sonar")
    product = load_catalogue(products_dir).by_slug["perplexity"]
    named_alike = product.model_copy(update={"slug": "sonar", "name": "Sonar"})
    assert pair_layers([named_alike], [sonar_model]) == []
    as_model = named_alike.model_copy(update={"kind": "model", "product": None})
    assert pair_layers([as_model], [sonar_model]) != []  # a model file of that name would pair
