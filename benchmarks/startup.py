"""How long a person waits for the `verdict` command: `--help`, and the README's example card,
beside a bare `python -c pass` (the interpreter's own start, which no change of ours removes).

Run: `python -m benchmarks.startup [--runs N]`. Targets on the reference machine: `verdict
--help` at most 0.3 s and `verdict compare "smolvlm2 vs mistral-medium-3"` at most 0.6 s, wall
clock, median of the runs. Each run is a fresh process, as a user's is; the first run of each
is a warm-up and not counted (the disk cache, not the code, makes a cold first start slow).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

TARGETS = {"verdict --help": 0.3, "verdict compare (README example)": 0.6}


def _wall(argv: Sequence[str], runs: int, cwd: str) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times[1:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
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
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
