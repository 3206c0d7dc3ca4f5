"""Shared fixtures: the bundled catalogue, and a writable copy of it for breaking on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalogue import Catalogue
from bot.catalogue_loader import load_catalogue
from bot.compare import Comparer
from bot.settings import bundled_catalogue_dir


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(bundled_catalogue_dir())


@pytest.fixture(scope="session")
def comparer(catalogue: Catalogue) -> Comparer:
    return Comparer(catalogue)


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalogue in tmp_path/catalogue."""
    target = tmp_path / "catalogue"
    shutil.copytree(bundled_catalogue_dir(), target)
    return target
