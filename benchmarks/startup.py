"""How long a person waits for the `verdict` command: `--help`, and the README's example card,
beside a bare `python -c pass` (the interpreter's own start, which no change of ours removes);
and `verdict compare` over a 10,000-tool catalogue, with its peak memory.

Run: `python -m benchmarks.startup [--runs N] [--tools N]`. Targets on the reference machine:
`verdict --help` at most 0.3 s and `verdict compare "smolvlm2 vs mistral-medium-3"` at most
0.6 s, wall clock, median of the runs. Each run is a fresh process, as a user's is; the first run
of each is a warm-up and not counted (the disk cache, not the code, makes a cold first start
slow). Over 10,000 made-up reviewed tools (each with its own prose, `benchmarks.matching`) plus
the dataset layer, one name typo'd: at most 1.5 s and 200 MB peak RSS with the parsed-catalogue
cache warm (the catalogue and the matcher's index read from it); the cold run (no cache at all:
every file parsed, the index built, the cache written) at most 4 s, with where its time goes,
part by part, in a fresh process (writing the cache must cost no more than building the
catalogue). Each wall time is also shown as a multiple of `python -c pass` in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
COLD_WALL_S = 4.0
"""The cold start over 10,000 tools (issue 28): no cache at all, every file parsed."""


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


_SPLIT = """
import time
import adapters.commands  # what `verdict compare` imports before it reads the catalogue
import bot.compare  # registers the matcher's indexes, as every command that matches names does
import datetime as dt, json, sys
imports = time.time() - float(sys.argv[3]), time.process_time()  # since the process started
from pathlib import Path
from bot.catalogue import check_catalogue, known_tools, merge_layers, read_shutdowns
from bot.catalogue.cache import cached_catalogue, last_cpu_timings, last_timings
root, cache = Path(sys.argv[1]), Path(sys.argv[2])
today = dt.datetime.now(dt.UTC).date()
parts = {}
def timed(part, work):
    wall, cpu = time.perf_counter(), time.process_time()
    done = work()
    parts[part] = (time.perf_counter() - wall, time.process_time() - cpu)
    return done
def build():  # as `check_with_known_models` builds it, each part timed
    reviewed, problems = timed("reviewed files", lambda: check_catalogue(root))
    shutdowns, _ = read_shutdowns(root)
    generated, _ = timed("dataset layer", lambda: known_tools(today, cache_dir=cache))
    return timed("merge", lambda: merge_layers(reviewed, generated, shutdowns)), problems
cached_catalogue(root, cache_dir=cache, depends_on=f"benchmark;{today}", build=build)
for part in ("read", "index", "write"):
    if part in last_timings:
        parts[part] = (last_timings[part], last_cpu_timings[part])
print(json.dumps({"imports": imports, **parts}))
"""


def _split(root: Path, cache: Path, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Where a catalogue load's time goes, in a fresh process, as (wall s, CPU s) per part:
    the interpreter's start and the CLI's imports; then reading the cache, or building the
    catalogue (parsing and checking the reviewed files, deriving the dataset layer, merging
    them), building the matcher's index and writing the cache."""
    ran = subprocess.run(
        [sys.executable, "-c", _SPLIT, str(root), str(cache), repr(time.time())],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, tuple[float, float]] = {
        part: (wall, cpu) for part, (wall, cpu) in json.loads(ran.stdout).items()
    }
    return found


def _big(
    runs: int, tools: int, entry: Sequence[str]
) -> tuple[list[tuple[str, float, float, float]], list[dict[str, tuple[float, float]]]]:
    """(label, wall s, CPU s, peak MB): the cold run, then the median of the warm ones (the
    highest peak of them); and the split of a cold and a warm load (`_split`)."""
    with tempfile.TemporaryDirectory() as work:
        root = Path(work, "catalogue")
        root.mkdir()
        query = _big_catalogue(tools, root)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
        env |= {"VERDICT_CATALOGUE": str(root), "XDG_CACHE_HOME": str(Path(work, "cache"))}
        command = [*entry, "compare", query]
        cold = _timed(command, env, work)
        warm = [_timed(command, env, work) for _ in range(runs)]
        split = [_split(root, Path(work, "split-cache"), env) for _ in range(2)]
    label = f"{tools:,} tools: compare {query!r}"
    return [
        (f"{label} (cold)", *cold),
        (
            f"{label} (warm)",
            statistics.median(w for w, _, _ in warm),
            statistics.median(c for _, c, _ in warm),
            max(r for _, _, r in warm),
        ),
    ], split


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
    print(f"{'command':<34} {'median s':>9} {'max s':>7} {'× pass':>7} {'target s':>9}  ok")
    failed = False
    bare = 0.0  # the interpreter's own start, `python -c pass`: the first command measured
    with tempfile.TemporaryDirectory() as empty:  # no verdict.db: as a first-time user runs it
        for label, command in commands.items():
            times = _wall(command, args.runs, cwd=empty)
            median = statistics.median(times)
            bare = bare or median
            target = TARGETS.get(label)
            ok = "" if target is None else ("yes" if median <= target else "NO")
            failed |= ok == "NO"
            shown = f"{target:.2f}" if target is not None else "-"
            print(
                f"{label:<34} {median:>9.3f} {max(times):>7.3f} {median / bare:>6.0f}× "
                f"{shown:>9}  {ok}"
            )
    if args.tools:
        print()
        print(
            f"{'command (fresh process each)':<58} {'wall s':>7} {'× pass':>7} {'cpu s':>6} "
            f"{'target':>7} {'peak MB':>8} {'target':>7}  ok"
        )
        (cold, warm), split = _big(max(1, args.runs // 2), args.tools, entry)
        label, wall, cpu, rss = cold
        ok = "yes" if wall <= COLD_WALL_S else "NO"
        failed |= ok == "NO"
        print(
            f"{label:<58} {wall:>7.2f} {wall / bare:>6.0f}× {cpu:>6.2f} {COLD_WALL_S:>7.1f} "
            f"{rss:>8.0f} {'-':>7}  {ok}"
        )
        label, wall, cpu, rss = warm
        ok = "yes" if wall <= BIG_WALL_S and rss <= BIG_RSS_MB else "NO"
        failed |= ok == "NO"
        print(
            f"{label:<58} {wall:>7.2f} {wall / bare:>6.0f}× {cpu:>6.2f} {BIG_WALL_S:>7.1f} "
            f"{rss:>8.0f} {BIG_RSS_MB:>7.0f}  {ok}"
        )
        cold_split, warm_split = split
        print("where a cold start's time goes (a fresh process; CPU s, wall s in brackets):")
        for part, (wall, cpu) in cold_split.items():
            print(f"  {part:<15} {cpu:>5.2f}  ({wall:.2f})")
        wall, cpu = warm_split["read"]
        print(f"warm load: cache read (catalogue and matcher index) {cpu:.2f} s CPU ({wall:.2f})")
        building = sum(cold_split[p][1] for p in ("reviewed files", "dataset layer", "merge"))
        ok = "yes" if cold_split["write"][1] <= building else "NO"
        failed |= ok == "NO"
        print(f"writing the cache costs no more than building the catalogue: {ok}")
        print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
