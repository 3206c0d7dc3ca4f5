"""Catalogue directories with product files, for the product tests.

`with_fixture_products` adds the five small product files under `tests/catalogue/products/`
(written for these tests) to a copy of the bundled catalogue. `with_repo_products` is the real
thing: the bundled catalogue as it is, with its `catalogue/products/`; during development a
directory of product files not merged yet can be added with `VERDICT_TEST_PRODUCTS=<dir>`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.catalogue.loader import PRODUCTS_DIR
from bot.settings import bundled_catalogue_dir

FIXTURE_PRODUCTS = Path(__file__).parent / "catalogue" / "products"


def with_fixture_products(target: Path) -> Path:
    """A copy of the bundled catalogue's models in `target`, with the fixture products in
    place of its own (whose facts the tests must not depend on)."""
    shutil.copytree(bundled_catalogue_dir(), target, ignore=shutil.ignore_patterns(PRODUCTS_DIR))
    shutil.copytree(FIXTURE_PRODUCTS, target / PRODUCTS_DIR)
    return target


def with_repo_products(target: Path) -> Path | None:
    """A copy of the bundled catalogue with its own product files, and those in
    `$VERDICT_TEST_PRODUCTS` if set; None when there are no product files at all."""
    shutil.copytree(bundled_catalogue_dir(), target)
    extra = os.environ.get("VERDICT_TEST_PRODUCTS")
    if extra:
        (target / PRODUCTS_DIR).mkdir(exist_ok=True)
        for path in Path(extra).glob("*.toml"):
            shutil.copy(path, target / PRODUCTS_DIR / path.name)
    if not any((target / PRODUCTS_DIR).glob("*.toml")):
        return None
    return target
