"""The README carries `verdict catalogue audit`'s counts for the bundled catalogue, and they are
the counts the audit gives today: a change to the data or the matching that moves one fails here
until the README says so."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.catalogue import check_with_known_models
from bot.catalogue.audit import audit, render_audit
from bot.settings import bundled_catalogue_dir

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> tuple[dt.date, dict[str, int]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## What the catalogue knows", 1)[1].split("\n## ", 1)[0]
    day = re.search(r"on (\d{4}-\d{2}-\d{2})", section)
    assert day is not None, "the README's audit section names the day it was run"
    rows = dict(re.findall(r"^\| ([a-z][^|]*?) \| (\d+) \|$", section, flags=re.MULTILINE))
    return dt.date.fromisoformat(day.group(1)), {label: int(n) for label, n in rows.items()}


def test_the_readme_shows_every_audit_line_with_the_counts_the_audit_gives(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    day, shown = _readme_table()
    catalogue, problems = check_with_known_models(
        bundled_catalogue_dir(), as_of=day, cache_dir=tmp_path_factory.mktemp("cache")
    )
    assert catalogue is not None, problems
    printed = render_audit(audit(catalogue, day)).splitlines()
    counted = {"tools": int(printed[0].rsplit(": ", 1)[1].split()[0])}
    for line in printed[1:]:
        label, _, rest = line.partition(": ")
        counted[label] = int(rest.split()[0])
    assert shown == counted
    assert "`verdict catalogue audit`" in README.read_text(encoding="utf-8")
