"""Hostile text against every parser a person's text reaches: does each answer within 50 ms?

    python -m benchmarks.parsers [--repeat 3]

Feeds each entry point (/compare's `split_duration`, /tool's `Comparer.tool`, the weekly and
settings word parsers, `parse_query`, `parse_duration`) inputs up to 1 MB built from the pieces
that made the old patterns slow (runs of spaces, "for " repeated, huge durations, long dashes),
and prints the slowest answer per parser. Then the duration pattern on its own, without the
length cap in front of it, at 10 kB, 100 kB and 1 MB: its time must grow about tenfold per
step (linear), not a hundredfold (the 40k-space /compare took 12.6 s before).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable

from bot.catalogue import load_catalogue
from bot.compare import Comparer, parse_query
from bot.errors import VerdictError
from bot.polls import parse_duration, split_duration
from bot.polls.durations import _FOR
from bot.polls.settings import parse_settings
from bot.settings import bundled_catalogue_dir
from bot.weekly import subscribe_words

BUDGET_MS = 50.0
PIECES = [" ", "for ", "vs ", "999999w", "a", "—", "\u3000", "for 2d ", "a for x ", "é"]
SIZES = [300, 401, 10_000, 100_000, 1_000_000]


def inputs() -> list[str]:
    texts = []
    for piece in PIECES:
        for size in SIZES:
            texts.append((piece * (size // len(piece) + 1))[:size])
    texts.append("smolvlm2 vs mistral-medium-3" + " " * 40_000 + "x")
    return texts


def slowest(parse: Callable[[str], object], texts: list[str], repeat: int) -> float:
    worst = 0.0
    for text in texts:
        for _ in range(repeat):
            started = time.perf_counter()
            with contextlib.suppress(VerdictError):
                parse(text)
            worst = max(worst, time.perf_counter() - started)
    return worst * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, 10))
    comparer = Comparer(load_catalogue(bundled_catalogue_dir()))
    parsers: dict[str, Callable[[str], object]] = {
        "/compare (split_duration)": split_duration,
        "/tool (Comparer.tool)": comparer.tool,
        "parse_query": parse_query,
        "parse_duration": parse_duration,
        "parse_settings": lambda t: parse_settings(t.split()),
        "subscribe_words": lambda t: subscribe_words(t.split()),
    }
    texts = inputs()
    print(f"{'parser':<28} {'inputs':>7} {'slowest':>10}")
    ok = True
    for name, parse in parsers.items():
        took = slowest(parse, texts, repeat)
        ok &= took <= BUDGET_MS
        print(f"{name:<28} {len(texts):>7} {took:>8.2f}ms")
    print(f"target: every parser within {BUDGET_MS:.0f} ms on inputs up to 1 MB")
    print()
    print("the duration pattern alone (no length cap), worst of its hostile inputs:")
    print(f"{'size':>10} {'time':>10}")
    for size in (10_000, 100_000, 1_000_000):
        worst = 0.0
        for piece in PIECES:
            text = (piece * (size // len(piece) + 1))[:size]
            started = time.perf_counter()
            _FOR.search(text)
            worst = max(worst, time.perf_counter() - started)
        print(f"{size:>10,} {worst * 1000:>8.2f}ms")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
