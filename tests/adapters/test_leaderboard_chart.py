"""The leaderboard as a picture: a real PNG with something on it, none for an empty board, and
`verdict leaderboard --png FILE` writing it (a bad path is one line, not a traceback)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np

from bot.catalogue import Catalogue
from bot.render.chart import DPI, ROW_INCHES, axis_range, leaderboard_png
from bot.votes import StoredVote, build_leaderboard
from tests.adapters.test_cli import PAIR, PROJECT, _seed_votes, verdict

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a PNG must start with."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def assert_a_drawn_chart(data: bytes) -> None:
    width, height = png_size(data)
    assert 600 <= width <= 1200 and 150 <= height <= 3500
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    assert float(np.var(pixels[..., :3])) > 0.001  # not one flat colour


def _votes(card: tuple[str, ...], counts: dict[str, int], start: int = 0) -> list[StoredVote]:
    out = []
    n = start
    for slug, count in counts.items():
        for _ in range(count):
            out.append(StoredVote(n, "console", "2026-01-01", f"v{n}", card, slug, float(n)))
            n += 1
    return out


def test_the_chart_draws_ranked_tools_and_greys_the_few(catalogue: Catalogue) -> None:
    votes = _votes(("gpt-4o", "claude-3-5-haiku", "gpt-5"), {"gpt-4o": 30, "gpt-5": 12})
    votes += _votes(("gpt-4o", "smolvlm2"), {"smolvlm2": 3}, start=100)
    board = build_leaderboard(votes, catalogue.by_slug)
    assert board.ranked and board.unranked
    png = leaderboard_png(board)
    assert png is not None
    assert_a_drawn_chart(png)
    _, height = png_size(png)
    fewer = leaderboard_png(build_leaderboard(votes[:42], catalogue.by_slug))
    assert fewer is not None and png_size(fewer)[1] < height  # a row per tool


def test_the_axis_follows_the_ranked_bands_not_a_thin_tools_or_a_gap(
    catalogue: Catalogue,
) -> None:
    # Two groups never compared, and a tool with three votes: the old fit drew an axis in
    # the billions from these.
    votes = _votes(("gpt-5", "gpt-4o"), {"gpt-5": 14, "gpt-4o": 10})
    votes += _votes(("smolvlm2", "qwen2-vl-7b"), {"smolvlm2": 12, "qwen2-vl-7b": 1}, start=100)
    votes += _votes(("gpt-5", "claude-3-5-haiku"), {"claude-3-5-haiku": 3}, start=200)
    board = build_leaderboard(votes, catalogue.by_slug)
    low, high = axis_range(board)
    bands = [(e.low or 0, e.high or 0) for e in board.ranked]
    assert low <= min(b[0] for b in bands) and max(b[1] for b in bands) <= high
    assert high - low < 1.2 * (max(b[1] for b in bands) - min(b[0] for b in bands))
    (thin,) = board.unranked
    assert (thin.high or 0) - (thin.low or 0) > high - low  # cut at the edges, not followed
    png = leaderboard_png(board)
    assert png is not None
    assert_a_drawn_chart(png)


def test_thirty_tools_keep_a_readable_row_each(catalogue: Catalogue) -> None:
    model = catalogue.tools[0]
    tools = {
        f"tool-{i:02d}": model.model_copy(update={"slug": f"tool-{i:02d}", "name": f"Tool {i:02d}"})
        for i in range(30)
    }
    slugs = list(tools)
    votes: list[StoredVote] = []
    for i, slug in enumerate(slugs):
        rival = slugs[(i + 1) % len(slugs)]
        votes += _votes((slug, rival), {slug: 8 + i % 5, rival: 6}, start=len(votes))
    board = build_leaderboard(votes, tools)
    assert len(board.ranked) == 30
    png = leaderboard_png(board)
    assert png is not None
    width, height = png_size(png)
    assert width <= 900  # shown ~360 px wide on a phone: 13-point labels stay ~12 px
    assert height >= 30 * ROW_INCHES * DPI  # a row each, none squeezed


def test_an_empty_board_draws_nothing(catalogue: Catalogue) -> None:
    assert leaderboard_png(build_leaderboard([], catalogue.by_slug)) is None
    few = _votes(("gpt-4o", "smolvlm2"), {"smolvlm2": 3})
    assert leaderboard_png(build_leaderboard(few, catalogue.by_slug)) is None


def test_the_cli_writes_the_chart_beside_the_text(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, PAIR, first_wins=15, second_wins=5)
    chart = tmp_path / "board.png"
    result = verdict("leaderboard", "--png", str(chart), cwd=tmp_path, env={"VERDICT_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert "from 20 votes" in result.stdout
    assert_a_drawn_chart(chart.read_bytes())


def test_a_chart_path_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, PAIR, first_wins=15, second_wins=5)
    bad = tmp_path / "missing" / "board.png"
    result = verdict("leaderboard", "--png", str(bad), cwd=tmp_path, env={"VERDICT_DB": str(db)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"verdict: cannot write the chart to {bad}: No such file or directory"
    ]


def test_no_votes_write_no_chart_and_say_so(tmp_path: Path) -> None:
    chart = tmp_path / "board.png"
    env = {"VERDICT_DB": str(tmp_path / "votes.db")}
    result = verdict("leaderboard", "--png", str(chart), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "nothing is ranked yet" in result.stderr
    assert not chart.exists()


def test_compare_and_help_never_import_matplotlib(tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('matplotlib' in sys.modules, file=sys.stderr))\n"
        "from adapters.cli import main\n"
        "sys.argv = ['verdict', *sys.argv[1:]]\n"
        "main()\n"
    )
    for args in (["compare", "gpt-4o vs smolvlm2"], ["--help"]):
        result = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=PROJECT,
            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "VERDICT_DATASET": "0"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == "False"
