"""Shared fixtures: the bundled catalogue, and a writable copy of it for breaking on purpose."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.catalogue import Catalogue, check_with_known_models, load_catalogue
from bot.compare import Comparer
from bot.settings import bundled_catalogue_dir


@pytest.fixture(scope="session", autouse=True)
def _dataset_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The generated layer's cache (see `bot.catalogue.known_models`) goes to a temporary
    directory, for this process and the `verdict` subprocesses tests start, never to ~/.cache."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(bundled_catalogue_dir())


@pytest.fixture(scope="session")
def comparer(catalogue: Catalogue) -> Comparer:
    return Comparer(catalogue)


MERGED_DAY = dt.date(2026, 12, 3)
"""The day the merged catalogue's dated facts (shutdowns, prices) are read for in tests."""


@pytest.fixture(scope="session")
def merged_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """The reviewed files over every model of the bundled price and capability data, as the CLI
    loads them on `MERGED_DAY`."""
    merged, problems = check_with_known_models(
        bundled_catalogue_dir(), as_of=MERGED_DAY, cache_dir=tmp_path_factory.mktemp("merged")
    )
    assert merged is not None, problems
    return merged


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled catalogue in tmp_path/catalogue."""
    target = tmp_path / "catalogue"
    shutil.copytree(bundled_catalogue_dir(), target)
    return target


POSTGRES_ADMIN_URL = os.environ.get("VERDICT_TEST_POSTGRES", "")
"""A PostgreSQL URL where tests may create and drop databases (`.ci/run` starts one)."""
REQUIRE_POSTGRES = os.environ.get("VERDICT_REQUIRE_POSTGRES") == "1"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards; skips when none is configured."""
    if not POSTGRES_ADMIN_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("VERDICT_TEST_POSTGRES is not set but PostgreSQL tests are required")
        pytest.skip("set VERDICT_TEST_POSTGRES to run the PostgreSQL backend tests")
    import asyncpg

    name = f"verdict_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(POSTGRES_ADMIN_URL, name)
    finally:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Where a store test keeps its data: run once on a SQLite file, once on PostgreSQL."""
    if request.param == "sqlite":
        yield str(tmp_path / "verdict.db")
        return
    async with fresh_postgres_database() as url:
        yield url
