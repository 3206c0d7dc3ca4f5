"""`verdict catalogue audit` counts what the whole catalogue lacks, as its reader sees it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.catalogue import Catalogue
from bot.catalogue.audit import audit
from tests.catalogue.test_catalogue_commands import verdict


def test_the_audit_counts_gaps_and_flags_a_model_listed_twice(catalogue: Catalogue) -> None:
    day = dt.date(2026, 12, 3)
    tools = list(catalogue.tools)
    gpt5 = catalogue.by_slug["gpt-5"]
    twin = gpt5.model_copy(update={"slug": "openai-gpt-5", "name": "OpenAI GPT-5"})
    report = audit(Catalogue(panel=catalogue.panel, tools=(*tools, twin)), day)
    assert report.tools == len(tools) + 1
    assert ("gpt-5", "openai-gpt-5") in report.duplicates
    assert report.active_past_shutdown == ()
    assert "gpt-5" not in report.no_context


def test_the_audit_command_prints_every_count(tmp_path: Path) -> None:
    result = verdict("catalogue", "audit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("catalogue audit, ") and lines[0].endswith(" tools")
    for label in (
        "no context window:",
        "no modalities:",
        "no maker:",
        "no release date:",
        "shown active past their shutdown date: 0",
        "models listed more than once:",
        "offers more than 3x from their model's median:",
    ):
        assert any(line.startswith(label) for line in lines), label
