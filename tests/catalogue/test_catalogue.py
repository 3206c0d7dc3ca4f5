"""The bundled catalogue is sound, and a broken one is reported whole, never as a traceback."""

from __future__ import annotations

from pathlib import Path

from bot.catalogue import Catalogue, check_catalogue

REQUIRED_SLUGS = {
    "smolvlm2",
    "mistral-medium-3",
    "moondream2",
    "paligemma-2",
    "qwen2-vl-2b",
    "qwen2-vl-7b",
    "internvl2-8b",
    "gpt-4o-mini",
    "gpt-4o",
    "claude-3-5-haiku",
    "claude-3-5-sonnet",
    "gemini-2-0-flash",
    "mistral-large",
}


def test_bundled_catalogue_has_every_required_tool(catalogue: Catalogue) -> None:
    assert set(catalogue.by_slug) >= REQUIRED_SLUGS


def test_every_tool_has_one_review_per_persona(catalogue: Catalogue) -> None:
    personas = set(catalogue.panel.slugs)
    assert personas == {"builder", "skeptic", "futurist", "buyer"}
    for tool in catalogue.tools:
        assert set(tool.panel) == personas, tool.slug


def test_every_fact_in_the_bundled_catalogue_has_a_source(catalogue: Catalogue) -> None:
    for tool in catalogue.tools:
        assert set(tool.fact_fields()) <= tool.cited_fields(), tool.slug
        assert all(str(s.url).startswith("https://") for s in tool.sources)


def _tool_file(root: Path, slug: str) -> Path:
    return root / "tools" / f"{slug}.toml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _problems(root: Path) -> list[str]:
    catalogue, problems = check_catalogue(root)
    assert catalogue is None
    return [str(p) for p in problems]


def test_every_problem_is_reported_at_once_as_path_field_message(catalogue_copy: Path) -> None:
    _tool_file(catalogue_copy, "moondream2").write_text("slug = 'moondream2\nname = ")
    _replace(_tool_file(catalogue_copy, "gpt-4o"), 'vendor = "OpenAI"\n', "")
    _replace(_tool_file(catalogue_copy, "gpt-4o-mini"), "[panel.futurist]", "[panel.oracle]")
    _tool_file(catalogue_copy, "mistral-large").rename(_tool_file(catalogue_copy, "mistral-big"))
    _replace(_tool_file(catalogue_copy, "smolvlm2"), '"SmolVLM 2",', '"SmolVLM 2", "Haiku 3.5",')
    _replace(_tool_file(catalogue_copy, "qwen2-vl-2b"), 'verdict = "ship"', 'verdict = "maybe"')

    problems = _problems(catalogue_copy)
    joined = "\n".join(problems)
    assert "catalogue/tools/moondream2.toml: toml: not valid TOML" in joined
    assert "catalogue/tools/gpt-4o.toml: vendor: missing" in joined
    assert "catalogue/tools/gpt-4o-mini.toml: panel.oracle: unknown persona" in joined
    assert "catalogue/tools/gpt-4o-mini.toml: panel.futurist: missing review" in joined
    assert 'catalogue/tools/mistral-big.toml: slug: "mistral-large" does not match' in joined
    assert 'catalogue/tools/smolvlm2.toml: aliases: "Haiku 3.5" collides with' in joined
    assert "catalogue/tools/qwen2-vl-2b.toml: panel.builder.verdict:" in joined
    assert len(problems) == 7


def test_a_fact_without_a_source_is_a_problem(catalogue_copy: Path) -> None:
    _replace(
        _tool_file(catalogue_copy, "gpt-4o"),
        'supports = ["pricing", "facts.context_window"]',
        'supports = ["pricing"]',
    )
    assert _problems(catalogue_copy) == [
        "catalogue/tools/gpt-4o.toml: facts.context_window: no source backs this fact"
    ]


def test_a_take_over_140_characters_is_a_problem(catalogue_copy: Path) -> None:
    path = _tool_file(catalogue_copy, "gpt-4o")
    text = path.read_text()
    start = text.index('take = "Best-documented')
    end = text.index("\n", start)
    path.write_text(text[:start] + f'take = "{"x" * 141}"' + text[end:])
    [problem] = _problems(catalogue_copy)
    assert problem.startswith("catalogue/tools/gpt-4o.toml: panel.builder.take: ")
    assert "140" in problem


def test_a_missing_panel_file_and_an_empty_tools_dir_are_problems(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    problems = _problems(tmp_path)
    assert any("panel.toml" in p and "missing" in p for p in problems)
    assert any("no tool files" in p for p in problems)


def test_a_missing_directory_is_a_problem(tmp_path: Path) -> None:
    problems = _problems(tmp_path / "nowhere")
    assert problems == [f"{tmp_path / 'nowhere'}: (catalogue): not a directory"]


def test_the_weekly_queue_is_checked_too(catalogue_copy: Path) -> None:
    (catalogue_copy / "weekly.toml").write_text(
        '[[queue]]\ntools = ["gpt-4o", "gpt-9"]\n\n'
        '[[queue]]\ntools = ["haiku"]\n\n'
        '[[queue]]\ntools = ["gpt-4o", "gpt-4o"]\ndate = 2026-12-01\n'
    )
    problems = _problems(catalogue_copy)
    assert problems[0] == 'catalogue/weekly.toml: queue.0.tools: unknown tool "gpt-9"'
    assert problems[1].startswith("catalogue/weekly.toml: queue.1.tools: ")
    assert problems[2] == "catalogue/weekly.toml: queue.2.tools: names a tool twice"
    assert len(problems) == 3


def test_the_bundled_weekly_queue_names_known_tools(catalogue: Catalogue) -> None:
    assert catalogue.weekly
    for entry in catalogue.weekly:
        assert set(entry.tools) <= set(catalogue.by_slug)
