"""`verdict list`, `verdict catalogue check` and `verdict catalogue add`, run as a user would:
a real subprocess; the Hugging Face Hub is a loopback fake (`HF_ENDPOINT`), never the network."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.catalogue import check_catalogue, load_catalogue
from bot.settings import bundled_catalogue_dir
from tests.loopback import serve


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # XDG_CACHE_HOME stays: the session's temporary cache (tests/conftest.py), warm after one run
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERDICT_", "HF_"))}
    env.update(extra)
    return env


def verdict(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=_env(cwd, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_list_says_how_many_tools_are_reviewed_and_filters(tmp_path: Path) -> None:
    everything = verdict("list", "--all", cwd=tmp_path)
    assert everything.returncode == 0, everything.stderr
    total, reviewed = everything.stdout.splitlines()[-1].split(" tools, ")
    files = len(load_catalogue(bundled_catalogue_dir()).tools)  # models and products
    assert int(total) > 700 and reviewed.startswith(f"{files} reviewed by the panel")

    mine = verdict("list", "--reviewed", "--all", cwd=tmp_path)
    lines = mine.stdout.splitlines()
    assert lines[-1] == f"{files} tools, {files} reviewed by the panel, 0 not yet"
    assert any(line.startswith("smolvlm2 ") for line in lines)

    anthropic = verdict("list", "--vendor", "anthropic", "--category", "llm", "--all", cwd=tmp_path)
    assert anthropic.returncode == 0
    slugs = [line.split()[0] for line in anthropic.stdout.splitlines()[:-1]]
    assert "claude-sonnet-4-5" in slugs and "claude-opus-4-1" in slugs
    assert not any(s.startswith(("gpt", "gemini")) for s in slugs)


def test_list_shows_current_reviewed_tools_first_and_hides_the_retired(tmp_path: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()
    reviewed = {t.slug: t for t in load_catalogue(bundled_catalogue_dir()).tools}
    retired = {s for s, t in reviewed.items() if t.status_on(today) == "retired"}
    assert "claude-3-5-sonnet" in retired  # shut down on 2025-10-22

    shown = verdict("list", cwd=tmp_path).stdout.splitlines()
    hidden = re.fullmatch(r"\((\d+) retired not shown: verdict list --all\)", shown[-2])
    assert hidden is not None and int(hidden[1]) >= len(retired)
    slugs = [line.split()[0] for line in shown[:-2]]
    assert not retired & set(slugs)
    # The first screen: every reviewed tool in use, the newest first; then the rest.
    current = {s for s, t in reviewed.items() if t.status_on(today) == "active"}
    assert set(slugs[: len(current)]) == current
    released = [reviewed[s].released or dt.date.min for s in slugs[: len(current)]]
    assert released == sorted(released, reverse=True)

    everything = verdict("list", "--all", cwd=tmp_path).stdout.splitlines()
    assert len(everything) - 1 == len(slugs) + int(hidden[1])
    assert retired <= {line.split()[0] for line in everything[:-1]}


def test_list_with_an_unknown_vendor_or_category_is_one_line_and_exit_2(tmp_path: Path) -> None:
    vendor = verdict("list", "--vendor", "Antropic", cwd=tmp_path)
    assert vendor.returncode == 2
    assert vendor.stderr.strip() == 'No tools by "Antropic". Did you mean Anthropic?'
    category = verdict("list", "--category", "spreadsheets", cwd=tmp_path)
    assert category.returncode == 2 and "Known: " in category.stderr and "llm" in category.stderr


def test_check_warns_where_the_dataset_disagrees_and_still_exits_0(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    path = catalogue_copy / "tools" / "claude-haiku-4-5.toml"
    text = path.read_text()
    assert "input_usd_per_mtok = 1.0" in text or "input_usd_per_mtok = 1\n" in text
    path.write_text(text.replace("input_usd_per_mtok = 1.0", "input_usd_per_mtok = 0.8", 1))
    result = verdict("catalogue", "check", str(catalogue_copy), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Product files (catalogue/products/) are counted apart: "24 tools and 60 products, …".
    assert re.match(r"ok: 24 tools( and \d+ products)?, 4 panel personas; ", result.stdout)
    assert "warning: tools/claude-haiku-4-5.toml: pricing: $0.8 in / $5 out here" in result.stderr
    assert "Warnings do not fail the check (exit 0)" in result.stderr


def test_add_from_the_dataset_drafts_a_file_that_check_refuses_until_reviewed(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    added = verdict(
        "catalogue", "add", "--from-dataset", "claude opus 4.1", str(catalogue_copy), cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr
    path = catalogue_copy / "tools" / "claude-opus-4-1.toml"
    assert added.stdout.startswith(f"wrote {path}")
    assert "fails on this file until they are" in added.stdout
    draft = path.read_text()
    assert 'dataset = "anthropic/claude-opus-4-1"' in draft
    assert "input_usd_per_mtok = 15" in draft and "as_of = " in draft
    assert "# [panel.skeptic]  WRITE ME" in draft

    _, problems = check_catalogue(catalogue_copy)
    missing = {p.field for p in problems if p.path.endswith("claude-opus-4-1.toml")}
    # the panel's reviews are reported missing once these are written and the file parses
    assert {"tagline", "description", "licence", "best_for"} <= missing
    # the release date models.dev gives is drafted with it, cited
    assert "released = 2025-08-05" in draft and "https://models.dev/api.json" in draft

    again = verdict(
        "catalogue", "add", "--from-dataset", "claude opus 4.1", str(catalogue_copy), cwd=tmp_path
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr


def test_add_from_the_dataset_refuses_a_reviewed_or_unknown_model(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    reviewed = verdict(
        "catalogue", "add", "--from-dataset", "gpt-5", str(catalogue_copy), cwd=tmp_path
    )
    assert reviewed.returncode == 2 and "already reviewed" in reviewed.stderr
    linked = verdict(
        "catalogue", "add", "--from-dataset", "qwen2.5 vl 7b", str(catalogue_copy), cwd=tmp_path
    )
    assert linked.returncode == 2
    assert "already reviewed as qwen2-5-vl-7b" in linked.stderr
    unknown = verdict(
        "catalogue", "add", "--from-dataset", "gpt-9", str(catalogue_copy), cwd=tmp_path
    )
    assert unknown.returncode == 2 and 'No tool called "gpt-9"' in unknown.stderr


SMOLVLM = {
    "_id": "abc",
    "id": "HuggingFaceTB/SmolVLM-256M-Instruct",
    "author": "HuggingFaceTB",
    "sha": "0" * 40,
    "createdAt": "2025-01-17T10:00:00.000Z",
    "lastModified": "2025-02-01T10:00:00.000Z",
    "private": False,
    "disabled": False,
    "gated": False,
    "downloads": 10,
    "likes": 1,
    "tags": ["transformers", "safetensors", "image-text-to-text", "license:apache-2.0"],
    "pipeline_tag": "image-text-to-text",
    "library_name": "transformers",
    "cardData": {"license": "apache-2.0", "language": ["en"]},
    "safetensors": {"parameters": {"BF16": 256_484_928}, "total": 256_484_928},
    "siblings": [],
}


@pytest.fixture
async def fake_hub() -> tuple[str, list[str]]:
    seen: list[str] = []

    async def model(request: web.Request) -> web.Response:
        repo = f"{request.match_info['org']}/{request.match_info['name']}"
        seen.append(repo)
        if repo == SMOLVLM["id"]:
            return web.json_response(SMOLVLM)
        return web.json_response(
            {"error": "Repository not found"}, status=404, headers={"X-Error-Code": "RepoNotFound"}
        )

    app = web.Application()
    app.router.add_get("/api/models/{org}/{name}", model)
    app.router.add_get("/api/models/{org}/{name}/revision/{rev}", model)
    runner, port = await serve(app)
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


async def _verdict_async(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=_env(cwd, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_add_from_the_hub_drafts_licence_parameters_and_card_url(
    fake_hub: tuple[str, list[str]], tmp_path: Path, catalogue_copy: Path
) -> None:
    endpoint, seen = fake_hub
    code, _, err = await _verdict_async(
        "catalogue",
        "add",
        "--from-hub",
        "HuggingFaceTB/SmolVLM-256M-Instruct",
        str(catalogue_copy),
        cwd=tmp_path,
        HF_ENDPOINT=endpoint,
    )
    assert code == 0, err
    assert seen == ["HuggingFaceTB/SmolVLM-256M-Instruct"]
    draft = (catalogue_copy / "tools" / "smolvlm-256m-instruct.toml").read_text()
    assert 'licence = "apache-2.0"' in draft
    assert 'parameters = "256M"' in draft
    assert 'category = "vision-language"' in draft
    assert "released = 2025-01-17" in draft
    assert f'url = "{endpoint}/HuggingFaceTB/SmolVLM-256M-Instruct"' in draft
    assert 'entry_price = "open-weights"' in draft and 'model = "self-hosted"' in draft
    _, problems = check_catalogue(catalogue_copy)
    missing = {p.field for p in problems if "smolvlm-256m" in p.path}
    assert "licence" not in missing and "released" not in missing
    assert {"tagline", "description", "best_for"} <= missing


async def test_add_from_the_hub_with_an_unknown_or_malformed_model_is_one_line(
    fake_hub: tuple[str, list[str]], tmp_path: Path, catalogue_copy: Path
) -> None:
    endpoint, _ = fake_hub
    code, _, err = await _verdict_async(
        "catalogue",
        "add",
        "--from-hub",
        "nobody/nothing",
        str(catalogue_copy),
        cwd=tmp_path,
        HF_ENDPOINT=endpoint,
    )
    assert code == 2 and err.strip() == "verdict: no public model nobody/nothing on the Hub"
    code, _, err = await _verdict_async(
        "catalogue",
        "add",
        "--from-hub",
        "not a repo",
        str(catalogue_copy),
        cwd=tmp_path,
        HF_ENDPOINT=endpoint,
    )
    assert code == 2 and "use ORG/MODEL" in err and "Traceback" not in err
