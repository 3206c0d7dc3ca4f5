"""How long a person waits for the `verdict` command: `--help`, and the README's example card,
beside a bare `python -c pass` (the interpreter's own start, which no change of ours removes);
and `verdict compare` over a 10,000-tool catalogue, with its peak memory.

Run: `python -m benchmarks.startup [--runs N] [--tools N]`. Targets on the reference machine:
`verdict --help` at most 0.3 s and `verdict compare "smolvlm2 vs mistral-medium-3"` at most
0.6 s, wall clock, median of the runs. Each run is a fresh process, as a user's is; the first run
of each is a warm-up and not counted (the disk cache, not the code, makes a cold first start
slow). Over 10,000 made-up reviewed tools (each with its own prose, `benchmarks.matching`) plus
the dataset layer, one name typo'd: at most 1.5 s and 200 MB peak RSS with the parsed-catalogue
cache warm; the cold run (no cache at all: every file parsed, the cache written) is shown
beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

TARGETS = {"verdict --help": 0.3, "verdict compare (README example)": 0.6}
BIG_WALL_S = 1.5
BIG_RSS_MB = 200.0


def _wall(argv: Sequence[str], runs: int, cwd: str) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times[1:]


def _timed(argv: Sequence[str], env: dict[str, str], cwd: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system: what the run itself costs, which a busy
    machine does not inflate as it does the wall clock) and the process's own peak RSS in MB
    (`wait4`, not the children's running maximum, so each run is measured alone)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed: {errors.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _big_catalogue(tools: int, into: Path) -> str:
    """A catalogue of `tools` made-up reviewed tools in `into`; returns a comparison naming
    two of them, the first with a typo, as people type."""
    from benchmarks.matching import synthetic_tools, typo, write_catalogue
    from bot.catalogue import known_tools, load_catalogue, merge_layers
    from bot.compare import Matcher
    from bot.errors import VerdictError
    from bot.settings import bundled_catalogue_dir

    generated, _ = known_tools(dt.date.today())
    real = list(merge_layers(load_catalogue(bundled_catalogue_dir()), generated).tools)
    made_up = synthetic_tools(real, tools)
    write_catalogue(made_up, into)
    matcher = Matcher(real + made_up)
    rng = random.Random(3)
    while True:  # a slip that still names one tool, so a card is drawn
        first, second = rng.sample(made_up, 2)
        slipped = typo(first.name, rng)
        try:
            if slipped != first.name and matcher.resolve(slipped) == first:
                return f"{slipped} vs {second.name}"
        except VerdictError:
            continue


def _big(runs: int, tools: int, entry: Sequence[str]) -> list[tuple[str, float, float, float]]:
    """(label, wall s, CPU s, peak MB): the cold run, then the median of the warm ones (the
    highest peak of them)."""
    with tempfile.TemporaryDirectory() as work:
        root = Path(work, "catalogue")
        root.mkdir()
        query = _big_catalogue(tools, root)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
        env |= {"VERDICT_CATALOGUE": str(root), "XDG_CACHE_HOME": str(Path(work, "cache"))}
        command = [*entry, "compare", query]
        cold = _timed(command, env, work)
        warm = [_timed(command, env, work) for _ in range(runs)]
    label = f"{tools:,} tools: compare {query!r}"
    return [
        (f"{label} (cold)", *cold),
        (
            f"{label} (warm)",
            statistics.median(w for w, _, _ in warm),
            statistics.median(c for _, c, _ in warm),
            max(r for _, _, r in warm),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tools", type=int, default=10_000)
    args = parser.parse_args(argv)
    entry = [sys.executable, "-c", "from adapters.cli import main; raise SystemExit(main())"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "verdict --help": [*entry, "--help"],
        "verdict compare (README example)": [*entry, "compare", "smolvlm2 vs mistral-medium-3"],
    }
    print(f"{'command':<34} {'median s':>9} {'max s':>7} {'target s':>9}  ok")
    failed = False
    with tempfile.TemporaryDirectory() as empty:  # no verdict.db: as a first-time user runs it
        for label, command in commands.items():
            times = _wall(command, args.runs, cwd=empty)
            median = statistics.median(times)
            target = TARGETS.get(label)
            ok = "" if target is None else ("yes" if median <= target else "NO")
            failed |= ok == "NO"
            shown = f"{target:.2f}" if target is not None else "-"
            print(f"{label:<34} {median:>9.3f} {max(times):>7.3f} {shown:>9}  {ok}")
    if args.tools:
        print()
        print(
            f"{'command (fresh process each)':<58} {'wall s':>7} {'cpu s':>6} {'target':>7} "
            f"{'peak MB':>8} {'target':>7}  ok"
        )
        cold, warm = _big(max(1, args.runs // 2), args.tools, entry)
        label, wall, cpu, rss = cold
        print(f"{label:<58} {wall:>7.2f} {cpu:>6.2f} {'-':>7} {rss:>8.0f} {'-':>7}")
        label, wall, cpu, rss = warm
        ok = "yes" if wall <= BIG_WALL_S and rss <= BIG_RSS_MB else "NO"
        failed |= ok == "NO"
        print(
            f"{label:<58} {wall:>7.2f} {cpu:>6.2f} {BIG_WALL_S:>7.1f} {rss:>8.0f} "
            f"{BIG_RSS_MB:>7.0f}  {ok}"
        )
        print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
