"""Fresh prices in production: genai-prices fetches its online data in the background, and each
time it has, the generated layer is derived again and handed on as a new catalogue.

Opt-in (`VERDICT_REFRESH_PRICES=1`) and only for the long-running bots; the CLI and the tests use
the bundled snapshot. genai-prices' `UpdatePrices` owns the fetching thread and its interval;
this module only watches for a new snapshot, which keeps it testable with a loopback URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from bot.catalogue.known_models import bundled_providers, known_tools
from bot.catalogue.layers import merge_layers
from bot.catalogue.lifecycle import Shutdown
from bot.catalogue.models import Catalogue

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 6 * 3600.0
"""genai-prices' data changes a few times a month; four fetches a day is plenty."""


class PriceRefresh:
    """Runs while started: on every new price snapshot, `on_update(catalogue)` with the reviewed
    files over freshly derived dataset tools. Errors are logged, never raised into the bot."""

    def __init__(
        self,
        reviewed: Catalogue,
        on_update: Callable[[Catalogue], None],
        *,
        today: Callable[[], dt.date],
        interval_s: float = DEFAULT_INTERVAL_S,
        url: str | None = None,
        poll_s: float = 5.0,
        shutdowns: Sequence[Shutdown] = (),
    ) -> None:
        self._reviewed = reviewed
        self._shutdowns = tuple(shutdowns)
        self._on_update = on_update
        self._today = today
        self._interval_s = interval_s
        self._url = url
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._updater: object | None = None

    def start(self) -> None:
        from genai_prices import UpdatePrices, data_snapshot

        kwargs: dict[str, object] = {"update_interval": self._interval_s}
        if self._url is not None:
            kwargs["url"] = self._url
        updater = UpdatePrices(**kwargs)  # type: ignore[arg-type]
        self._updater = updater
        seen = data_snapshot.get_snapshot()
        updater.start()
        self._thread = threading.Thread(
            target=self._watch, args=(seen,), name="verdict:price-refresh", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._updater is not None:
            self._updater.stop()  # type: ignore[attr-defined]
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self, seen: object) -> None:
        from genai_prices import data_snapshot

        while not self._stop.wait(self._poll_s):
            current = data_snapshot.get_snapshot()
            if current is seen:
                continue
            seen = current
            try:
                tools, info = known_tools(self._today(), providers=bundled_providers())
                self._on_update(merge_layers(self._reviewed, tools, self._shutdowns))
                log.info("prices refreshed: %d dataset tools as of %s", len(tools), info.as_of)
            except Exception:  # a bad fetch must not take the bot down
                log.exception("could not use the refreshed prices; keeping the previous ones")
