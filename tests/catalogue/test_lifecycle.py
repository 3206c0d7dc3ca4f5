"""Lifecycle true today: the makers' shutdowns (the sourced lifecycle file, the reviewed files)
retire models once their day has passed, and every "use X instead" leads to a live model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.catalogue import Catalogue, check_with_known_models, lifecycle_problems, live_successor
from bot.catalogue.lifecycle import LIFECYCLE_FILE, read_shutdowns
from bot.compare.card import lifecycle_note
from bot.settings import bundled_catalogue_dir

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    "slug",
    [
        "gpt-4-5-preview",
        "o1-preview",
        "claude-2",
        "claude-3-sonnet",
        "claude-3-opus",
        "claude-3-5-sonnet",
        "gemini-1-0-pro-vision",
        "gemini-1-5-pro",
        "gemini-1-5-flash",
        "palm-2-chat-bison",
        "grok-beta",
        "llama2-70b-4096",
        "grok-code-fast-1",
    ],
)
def test_well_known_shutdowns_are_retired_with_a_source(
    merged_catalogue: Catalogue, slug: str
) -> None:
    tool = merged_catalogue.by_slug[slug]
    assert tool.status_on(TODAY) == "retired"
    assert "lifecycle" in tool.cited_fields()


def test_reviewed_files_whose_shutdown_day_has_passed_are_retired(
    merged_catalogue: Catalogue,
) -> None:
    for slug in ("claude-sonnet-4-5", "gemini-2-5-flash", "gemini-2-5-pro", "gemini-2-0-flash"):
        assert merged_catalogue.by_slug[slug].status_on(TODAY) == "retired", slug


def test_an_announced_shutdown_retires_the_model_only_once_its_day_passes(
    merged_catalogue: Catalogue,
) -> None:
    gpt5 = merged_catalogue.by_slug["gpt-5"]
    assert gpt5.status_on(TODAY) == "deprecated"
    assert gpt5.status_on(dt.date(2026, 12, 11)) == "retired"
    codex_mini = merged_catalogue.by_slug["gpt-5-1-codex-mini"]
    assert codex_mini.status_on(dt.date(2026, 7, 22)) == "deprecated"
    assert codex_mini.status_on(TODAY) == "retired"


def test_every_successor_chain_ends_at_a_live_model(merged_catalogue: Catalogue) -> None:
    named = [t for t in merged_catalogue.tools if t.lifecycle.successor is not None]
    assert len(named) > 25
    for tool in named:
        live = live_successor(tool, merged_catalogue.by_slug, TODAY)
        assert live is not None, tool.slug
        assert live.status_on(TODAY) != "retired"
    # 3.5 Sonnet's named successor is alive, not Sonnet 4.5 (retired 2026-11-30)
    assert merged_catalogue.by_slug["claude-3-5-sonnet"].lifecycle.successor == "claude-sonnet-4-6"
    assert lifecycle_problems(merged_catalogue, TODAY) == []


def test_a_successor_that_is_itself_gone_is_a_problem(merged_catalogue: Catalogue) -> None:
    def pointing(slug: str, successor: str | None):  # type: ignore[no-untyped-def]
        tool = merged_catalogue.by_slug[slug]
        lifecycle = tool.lifecycle.model_copy(update={"successor": successor})
        return tool.model_copy(update={"lifecycle": lifecycle})

    # 3.5 Sonnet -> Opus 3 (retired) -> nothing: the chain ends at a dead model
    changed = {t.slug: t for t in (pointing("claude-3-5-sonnet", "claude-3-opus"),)}
    changed["claude-3-opus"] = pointing("claude-3-opus", None)
    tools = tuple(changed.get(t.slug, t) for t in merged_catalogue.tools)
    broken = Catalogue(panel=merged_catalogue.panel, tools=tools)
    problems = lifecycle_problems(broken, TODAY)
    assert [(p.path, p.field) for p in problems] == [
        ("tools/claude-3-5-sonnet.toml", "lifecycle.successor")
    ]
    assert "retired" in problems[0].message


def test_every_shutdown_in_the_lifecycle_file_cites_a_page_and_names_a_known_successor(
    merged_catalogue: Catalogue,
) -> None:
    shutdowns, problems = read_shutdowns(bundled_catalogue_dir())
    assert problems == [] and len(shutdowns) >= 15
    for entry in shutdowns:
        assert entry.url.scheme == "https"
        assert entry.successor is None or entry.successor in merged_catalogue.by_slug
        # a date for every shutdown: the announced day, or the cited page's day showing it gone
        assert (entry.retired_on is None) != (entry.retired_by is None), entry.ids
        assert entry.retired_by is None or entry.retired_by <= entry.read_on, entry.ids


def test_palm_2_retired_on_the_day_vertex_ai_shut_it_down(merged_catalogue: Catalogue) -> None:
    palm = merged_catalogue.by_slug["palm-2-chat-bison"]
    assert palm.lifecycle.retired_on == dt.date(2025, 4, 9)
    assert palm.status_on(dt.date(2025, 4, 8)) != "retired"
    assert palm.status_on(dt.date(2025, 4, 9)) == "retired"
    assert any("deprecations/palm" in str(s.url) for s in palm.sources)


def test_a_shutdown_without_a_published_day_says_retired_by_the_sourced_day(
    merged_catalogue: Catalogue,
) -> None:
    beta = merged_catalogue.by_slug["grok-beta"]
    assert beta.lifecycle.retired_on is None
    note = lifecycle_note(beta, merged_catalogue.by_slug, TODAY)
    assert note is not None
    assert note.startswith("Retired by 2026-12-03 at the latest; use Grok")


@pytest.mark.parametrize(
    ("entry", "field", "said"),
    [
        # a date that is no date
        ('retired_on = "soon"\n', "shutdown.0.retired_on", "date"),
        # no date at all: neither the announced day nor a sourced one
        ("", "shutdown.0", "retired_by"),
    ],
)
def test_a_broken_lifecycle_file_names_the_file_and_the_field(
    catalogue_copy: Path, tmp_path: Path, entry: str, field: str, said: str
) -> None:
    (catalogue_copy / LIFECYCLE_FILE).write_text(
        f'[[shutdown]]\nids = ["gpt-4.5-preview"]\n{entry}'
        'url = "https://example.com"\nread_on = 2026-12-03\n'
    )
    catalogue, problems = check_with_known_models(
        catalogue_copy, as_of=TODAY, cache_dir=tmp_path / "cache"
    )
    assert catalogue is None
    assert [(p.path, p.field) for p in problems] == [(LIFECYCLE_FILE, field)]
    assert said in problems[0].message
