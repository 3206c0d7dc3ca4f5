"""Fresh data in production: the price dataset (genai-prices' published JSON) and models.dev's
capabilities are fetched in the background into the cache directory, and each time either
arrives the generated layer is derived again and handed on as a new catalogue.

Opt-in (`VERDICT_REFRESH_PRICES=1`) and only for the long-running bots, but what they fetch is
written to the shared cache directory, so the CLI and the web pages started afterwards read the
same data (`known_models.known_tools`). A failed fetch keeps the data already at hand, is one
WARNING a day (not one per attempt) and a line in `verdict doctor` (`freshness.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.catalogue.capabilities_data import (
    MODELS_DEV_API,
    CapabilityRefreshError,
    fetch_models_dev,
)
from bot.catalogue.freshness import PRICES_FILE, record_failure, record_success, write_atomically
from bot.catalogue.known_models import known_tools
from bot.catalogue.layers import merge_layers
from bot.catalogue.lifecycle import Shutdown
from bot.catalogue.models import Catalogue

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 6 * 3600.0
"""genai-prices' data changes a few times a month; four fetches a day is plenty."""
PRICES_URL = (
    "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/"
    "new_data/v2/data.json"
)
"""Where genai-prices' own updater fetches from (`genai_prices.update_prices`)."""
FETCH_TIMEOUT_S = 30.0
MAX_BYTES = 64_000_000


class PriceRefreshError(Exception):
    """The price data could not be fetched or was not genai-prices data."""


def fetch_prices(url: str, *, timeout_s: float = FETCH_TIMEOUT_S) -> tuple[list[Any], list[Any]]:
    """genai-prices' published providers: (the raw JSON list, the parsed providers)."""
    from genai_prices.types import _providers_from_raw

    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            body = response.read(MAX_BYTES + 1)
        raw = json.loads(body)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PriceRefreshError(f"could not fetch {url}: {exc}") from exc
    if not isinstance(raw, list) or not raw:
        raise PriceRefreshError(f"{url} did not send a list of providers")
    try:
        return raw, list(_providers_from_raw(raw))
    except Exception as exc:  # the package's own parser: any shape error it raises
        raise PriceRefreshError(f"{url} sent providers genai-prices cannot read: {exc}") from exc


def store_prices(cache_dir: Path, raw: list[Any], today: dt.date) -> None:
    """The fetched price data, dated, where every process reads it (`read_on` first)."""
    payload = '{"read_on": "' + today.isoformat() + '", "data": ' + json.dumps(raw) + "}"
    write_atomically(cache_dir / PRICES_FILE, payload)


class PriceRefresh:
    """Runs while started: every `interval_s`, fetch prices and capabilities; after each
    success, `on_update(catalogue)` with the reviewed files over freshly derived dataset tools.
    Errors are logged (a WARNING a day per source), never raised into the bot."""

    def __init__(
        self,
        reviewed: Catalogue,
        on_update: Callable[[Catalogue], None],
        *,
        today: Callable[[], dt.date],
        interval_s: float = DEFAULT_INTERVAL_S,
        url: str | None = None,
        capabilities_url: str | None = None,
        cache_dir: Path | None = None,
        poll_s: float = 5.0,
        shutdowns: Sequence[Shutdown] = (),
    ) -> None:
        self._reviewed = reviewed
        self._on_update = on_update
        self._today = today
        self._interval_s = interval_s
        self._url = url or PRICES_URL
        self._capabilities_url = capabilities_url
        self._cache_dir = cache_dir
        self._poll_s = poll_s
        self._shutdowns = tuple(shutdowns)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._providers: list[Any] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="verdict:refresh", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=FETCH_TIMEOUT_S + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.refresh_once():
                self._publish()
            if self._stop.wait(self._interval_s):
                return

    def refresh_once(self) -> bool:
        """One round of fetches; True when anything new arrived."""
        today = self._today()
        fresh = False
        try:
            raw, providers = fetch_prices(self._url)
            self._providers = providers
            if self._cache_dir is not None:
                store_prices(self._cache_dir, raw, today)
                record_success(self._cache_dir, "prices", today)
            fresh = True
        except (PriceRefreshError, OSError) as error:
            self._failed("prices", today, error)
        if self._cache_dir is not None and self._capabilities_url is not None:
            try:
                fetch_models_dev(self._cache_dir, today=today, url=self._capabilities_url)
                record_success(self._cache_dir, "capabilities", today)
                fresh = True
            except CapabilityRefreshError as error:
                self._failed("capabilities", today, error)
        return fresh

    def _failed(self, source: str, today: dt.date, error: Exception) -> None:
        first_today = (
            record_failure(self._cache_dir, source, today, str(error))
            if self._cache_dir is not None
            else True
        )
        if first_today:
            log.warning(
                "could not refresh the %s (%s); answering from the data at hand. "
                "`verdict doctor` shows how old it is.",
                source,
                error,
            )

    def _publish(self) -> None:
        try:
            tools, info = known_tools(
                self._today(), cache_dir=self._cache_dir, providers=self._providers
            )
            self._on_update(merge_layers(self._reviewed, tools, self._shutdowns))
            log.info("catalogue refreshed: %d dataset tools as of %s", len(tools), info.as_of)
        except Exception:  # a bad snapshot must not take the bot down
            log.exception("could not use the refreshed data; keeping the previous catalogue")


__all__ = ["MODELS_DEV_API", "PriceRefresh", "PriceRefreshError", "fetch_prices"]
