"""The `verdict` command as another program (or a person) runs it: a real subprocess."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def verdict(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("VERDICT_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compare_prints_the_card_from_any_directory(tmp_path: Path) -> None:
    result = verdict("compare", "smolvlm2 vs mistral-medium-3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SmolVLM2 vs Mistral Medium 3 — verdict: ship SmolVLM2.\n")
    assert result.stderr == ""


def test_the_readme_example_card_is_within_the_budget(tmp_path: Path) -> None:
    """The card people read in five seconds: at most 12 lines and 900 characters."""
    result = verdict("compare", "smolvlm2 vs mistral-medium-3", cwd=tmp_path)
    card = result.stdout.rstrip("\n")
    assert len(card.splitlines()) <= 12 and len(card) <= 900, card
    assert max(len(line) for line in card.splitlines()) <= 80
    assert (
        card.splitlines()[-1]
        == 'Full reviews: verdict compare "smolvlm2 vs mistral-medium-3" --full'
    )


def test_compare_full_adds_every_reviewers_full_review(tmp_path: Path) -> None:
    result = verdict("compare", "smolvlm2 vs mistral-medium-3", "--full", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    card, reviews = result.stdout.split("\n\nFull reviews: SmolVLM2 vs Mistral Medium 3\n")
    assert "--full" not in card
    assert reviews.count("The Skeptic: SKIP.") == 2
    assert "Small models miss fine print" in " ".join(reviews.split())
    data = json.loads(
        verdict("compare", "--json", "--full", "smolvlm2 vs mistral-medium-3", cwd=tmp_path).stdout
    )
    assert set(data["reviews"]) == {"smolvlm2", "mistral-medium-3"}
    assert data["reviews"]["smolvlm2"]["skeptic"]["verdict"] == "skip"


def test_every_name_that_does_not_resolve_is_reported_at_once(tmp_path: Path) -> None:
    result = verdict("compare", "--json", "mistral vs openai", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert '"mistral" could be several tools' in result.stderr
    assert '"openai" could be several tools' in result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "ambiguous"
    # the full catalogue (reviewed files and dataset models) asks newest first, per name
    mistral, openai = error["suggestions"][:5], error["suggestions"][5:]
    assert "mistral-large-4" in mistral and "mistral-large" not in mistral[:1]
    assert openai and all(s.startswith(("gpt", "o", "codex", "chatgpt")) for s in openai)
    unknown = verdict("compare", "qqqqqq vs claude 3.5 haiku", cwd=tmp_path)
    assert unknown.stderr.splitlines() == [
        'No tool called "qqqqqq". `verdict list` shows every tool.',
        "Ask for it to be added: verdict request qqqqqq",
    ]
    both = verdict("compare", "qqqqqq vs zzzzzz", cwd=tmp_path)
    assert both.stderr.splitlines() == [
        'No tool called "qqqqqq". No tool called "zzzzzz". `verdict list` shows every tool.',
        "Ask for it to be added: verdict request qqqqqq",
        "Ask for it to be added: verdict request zzzzzz",
    ]


def test_compare_accepts_the_question_unquoted(tmp_path: Path) -> None:
    result = verdict("compare", "claude", "3.5", "haiku", "vs", "gpt-4o", "mini", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Claude 3.5 Haiku vs GPT-4o mini")


def test_compare_json_is_one_object_in_query_order(tmp_path: Path) -> None:
    result = verdict(
        "compare", "--json", "gemini 2.0 flash vs gpt-4o-mini vs claude 3.5 haiku", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [t["slug"] for t in data["tools"]] == [
        "gemini-2-0-flash",
        "gpt-4o-mini",
        "claude-3-5-haiku",
    ]
    assert set(data["verdict"]) >= {"pick", "reason"}


def test_compare_markdown(tmp_path: Path) -> None:
    result = verdict("compare", "--markdown", "gemini 2.0 flash vs gpt-4o-mini", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("**Gemini 2.0 Flash vs GPT-4o mini — verdict: ship")


@pytest.mark.parametrize(
    ("query", "kind", "suggested"),
    [
        ("gpt 9 vs claude 3.5 haiku", "unknown", "gpt-5"),
        ("mistral vs claude 3.5 haiku", "ambiguous", "mistral-large-4"),
        ("haiku", "bad_query", None),
        ("claude 3.5 haiku vs claude-3-5-haiku-20241022", "bad_query", None),
    ],
)
def test_unanswerable_question_exits_2_with_message_and_json_error(
    tmp_path: Path, query: str, kind: str, suggested: str | None
) -> None:
    plain = verdict("compare", query, cwd=tmp_path)
    assert plain.returncode == 2
    assert plain.stdout == ""
    assert plain.stderr.strip() and "Traceback" not in plain.stderr

    as_json = verdict("compare", "--json", query, cwd=tmp_path)
    assert as_json.returncode == 2
    error = json.loads(as_json.stdout)["error"]
    assert error["kind"] == kind
    assert plain.stderr.startswith(error["message"] + "\n")  # then any commands to run instead
    if suggested:
        assert suggested in error["suggestions"]


def test_tool_shows_the_panel_and_sources(tmp_path: Path) -> None:
    result = verdict("tool", "claude", "3.5", "haiku", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Claude 3.5 Haiku (claude-3-5-haiku), by Anthropic")
    assert "The Skeptic: SKIP." in result.stdout
    assert "https://www.anthropic.com/claude/haiku" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_tool_json_and_unknown_tool(tmp_path: Path) -> None:
    data = json.loads(verdict("tool", "--json", "gpt-4o", cwd=tmp_path).stdout)
    assert data["slug"] == "gpt-4o" and data["pricing"]["input_usd_per_mtok"] == 2.5
    missing = verdict("tool", "photoshop", cwd=tmp_path)
    assert missing.returncode == 2 and "photoshop" in missing.stderr


def test_list_names_every_tool(tmp_path: Path) -> None:
    result = verdict("list", cwd=tmp_path)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) >= 13
    assert any(line.startswith("smolvlm2 ") for line in result.stdout.splitlines())


def test_catalogue_check_passes_on_the_bundled_catalogue(tmp_path: Path) -> None:
    result = verdict("catalogue", "check", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("ok: ")


def test_catalogue_check_on_a_broken_dir_exits_3_listing_problems(
    tmp_path: Path, catalogue_copy: Path
) -> None:
    (catalogue_copy / "tools" / "gpt-4o.toml").write_text("= nope")
    result = verdict("catalogue", "check", str(catalogue_copy), cwd=tmp_path)
    assert result.returncode == 3
    assert "tools/gpt-4o.toml: toml: not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["env", "flag"])
def test_compare_with_a_broken_catalogue_fails_cleanly(
    tmp_path: Path, catalogue_copy: Path, how: str
) -> None:
    (catalogue_copy / "tools" / "gpt-4o.toml").write_text("= nope")
    if how == "env":
        result = verdict(
            "compare", "a vs b", cwd=tmp_path, env={"VERDICT_CATALOGUE": str(catalogue_copy)}
        )
    else:
        result = verdict("--catalogue", str(catalogue_copy), "compare", "a vs b", cwd=tmp_path)
    assert result.returncode == 3
    assert "gpt-4o.toml: toml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_another_catalogue_is_used_when_pointed_at(tmp_path: Path, catalogue_copy: Path) -> None:
    path = catalogue_copy / "tools" / "gpt-4o.toml"
    path.write_text(path.read_text().replace('name = "GPT-4o"', 'name = "GPT-4o (local copy)"'))
    result = verdict(
        "compare",
        "gpt-4o vs claude 3.5 haiku",
        cwd=tmp_path,
        env={"VERDICT_CATALOGUE": str(catalogue_copy)},
    )
    assert result.returncode == 0, result.stderr
    assert "GPT-4o (local copy)" in result.stdout


def test_a_built_wheel_carries_the_catalogue(tmp_path: Path) -> None:
    """A non-editable install must not depend on the source tree's catalogue/ directory."""
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(PROJECT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("*.whl")
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    assert (target / "bot" / "_catalogue" / "panel.toml").is_file()
    result = verdict(
        "compare", "smolvlm2 vs mistral-medium-3", cwd=tmp_path, env={"PYTHONPATH": str(target)}
    )
    assert result.returncode == 0, result.stderr
    assert "verdict: ship SmolVLM2." in result.stdout


def test_compare_shows_stored_community_votes(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, ("gpt-4o", "gpt-4o-mini"), first_wins=3, second_wins=9)
    result = verdict(
        "compare", "--json", "gpt-4o vs gpt-4o-mini", cwd=tmp_path, env={"VERDICT_DB": str(db)}
    )
    assert result.returncode == 0, result.stderr
    community = {t["slug"]: t["community"] for t in json.loads(result.stdout)["tools"]}
    assert community == {
        "gpt-4o": {"votes": 12, "ship_pct": 25, "interval_pct": [8, 54]},
        "gpt-4o-mini": {"votes": 12, "ship_pct": 75, "interval_pct": [46, 92]},
    }
    text_card = verdict(
        "compare", "gpt-4o vs gpt-4o-mini", cwd=tmp_path, env={"VERDICT_DB": str(db)}
    ).stdout
    assert "25% of 12" in text_card and "75% of 12" in text_card


def test_compare_without_a_vote_database_creates_none(tmp_path: Path) -> None:
    result = verdict("compare", "gpt-4o vs claude 3.5 haiku", cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "verdict.db").exists()


def test_an_unreadable_vote_database_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    db.write_bytes(b"not a database" * 200)
    result = verdict(
        "compare", "gpt-4o vs claude 3.5 haiku", cwd=tmp_path, env={"VERDICT_DB": str(db)}
    )
    assert result.returncode == 4
    assert result.stderr.startswith("verdict: cannot open")
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == b"not a database" * 200


def _seed_votes(
    db: Path,
    tools: tuple[str, str],
    *,
    first_wins: int,
    second_wins: int,
    message_id: str = "m",
) -> None:
    """A real vote database with one card and that many votes for each of its two tools."""
    import asyncio

    from bot.votes import Store, VoteWrite

    async def seed() -> None:
        store = await Store.open(db)
        card = await store.register_card(
            platform="console",
            channel="c",
            message_id=message_id,
            tools=tools,
            asked_by="someone",
        )
        for i in range(first_wins + second_wins):
            await store.record_vote(
                VoteWrite(
                    card_id=card.id,
                    voter=store.hash_user("console", f"user{message_id}{i}"),
                    added=True,
                    choice=int(i >= first_wins),
                    event_time=1.7e9 + i,
                    event_key=None,
                )
            )
        await store.close()

    asyncio.run(seed())


PAIR = ("gpt-4o", "claude-3-5-haiku")


def test_leaderboard_ranks_stored_votes(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, PAIR, first_wins=15, second_wins=5)
    env = {"VERDICT_DB": str(db)}
    result = verdict("leaderboard", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "from 20 votes" in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("Rank"))
    assert "On cards" in header and "Picked" in header and "95% band" in header
    assert "On cards: votes cast on cards holding the tool; picked: the votes it won." in (
        " ".join(result.stdout.split())
    )
    assert "A card can mix categories" in result.stdout
    data = json.loads(verdict("leaderboard", "--json", cwd=tmp_path, env=env).stdout)
    assert [e["slug"] for e in data["ranked"]] == ["gpt-4o", "claude-3-5-haiku"]
    assert data["ranked"][0]["low"] < data["ranked"][0]["rating"] < data["ranked"][0]["high"]


def test_leaderboard_pairs_show_records_and_mark_predicted_chances(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, ("gpt-5", "gpt-4o"), first_wins=20, second_wins=10, message_id="m1")
    _seed_votes(db, ("gpt-4o", "smolvlm2"), first_wins=20, second_wins=10, message_id="m2")
    env = {"VERDICT_DB": str(db)}
    plain = verdict("leaderboard", cwd=tmp_path, env=env)
    assert "Head to head" not in plain.stdout
    result = verdict("leaderboard", "--pairs", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "GPT-5 vs GPT-4o: 20–10 of 30 votes; fit: GPT-5 67%" in text
    assert "GPT-5 vs SmolVLM2: never voted on; predicted: GPT-5 80%" in text
    data = json.loads(verdict("leaderboard", "--json", cwd=tmp_path, env=env).stdout)
    never = next(p for p in data["pairs"] if not p["voted"])
    assert (never["first"], never["second"], never["votes"]) == ("gpt-5", "smolvlm2", 0)


def test_leaderboard_with_an_unknown_category_says_which_exist(tmp_path: Path) -> None:
    result = verdict("leaderboard", "--category", "robots", cwd=tmp_path)
    assert result.returncode == 2
    assert "vision-language" in result.stderr


def test_export_votes_csv_and_json_are_anonymised(tmp_path: Path) -> None:
    db = tmp_path / "votes.db"
    _seed_votes(db, PAIR, first_wins=15, second_wins=5)
    env = {"VERDICT_DB": str(db)}
    as_csv = verdict("export", "votes", cwd=tmp_path, env=env)
    assert as_csv.returncode == 0, as_csv.stderr
    lines = as_csv.stdout.splitlines()
    assert lines[0] == "card,platform,card_created_at,tools,choice,voter,voted_at"
    assert len(lines) == 21
    assert "user1" not in as_csv.stdout and "someone" not in as_csv.stdout
    as_json = verdict("export", "votes", "--format", "json", cwd=tmp_path, env=env).stdout
    assert as_json.endswith("]\n")  # a file that ends its last line, like the CSV
    rows = json.loads(as_json)
    assert len(rows) == 20
    assert rows[0]["tools"] == ["gpt-4o", "claude-3-5-haiku"]
    assert sum(r["choice"] == "gpt-4o" for r in rows) == 15
    assert len({r["voter"] for r in rows}) == 20


def test_export_without_a_database_is_just_the_header(tmp_path: Path) -> None:
    result = verdict("export", "votes", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "card,platform,card_created_at,tools,choice,voter,voted_at"
    ]
    assert not (tmp_path / "verdict.db").exists()


def test_chat_runs_the_vote_flow_from_standard_input(tmp_path: Path) -> None:
    lines = "/compare claude 3.5 haiku vs gpt-4o\n:react ann 1 2\n:react bob 1 2\n/quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input=lines,
        cwd=tmp_path,
        env={**os.environ, "VERDICT_DB": str(tmp_path / "chat.db")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "2️⃣ GPT-4o 2" in result.stdout
    assert (tmp_path / "chat.db").is_file()


def test_weekly_preview_and_run_once(tmp_path: Path) -> None:
    import asyncio
    import datetime as dt

    from bot.votes import Store
    from bot.weekly import WeeklyStore

    db = tmp_path / "weekly.db"

    async def subscribe() -> None:
        store = await Store.open(db)
        await WeeklyStore(store).subscribe(
            platform="console",
            channel="general",
            weekday=0,
            hour=0,
            timezone="UTC",
            user_id="admin",
            now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )
        await WeeklyStore(store).subscribe(
            platform="discord",
            channel="999",
            weekday=4,
            hour=17,
            timezone="UTC",
            user_id="admin",
            now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )
        await store.close()

    asyncio.run(subscribe())
    env = {"VERDICT_DB": str(db)}
    preview = verdict("weekly", "preview", "--channel", "general", cwd=tmp_path, env=env)
    assert preview.returncode == 0, preview.stderr
    assert preview.stdout.startswith("Next weekly verdict in console/general: SmolVLM2 vs")
    assert "discord" not in preview.stdout
    nope = verdict("weekly", "preview", "--channel", "nope", cwd=tmp_path, env=env)
    assert nope.returncode == 2 and nope.stdout == ""
    assert nope.stderr.strip() == (
        'verdict: No subscribed channel "nope"; subscribed: console/general, discord/999.'
    )
    ran = verdict("weekly", "run-once", cwd=tmp_path, env=env)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("Weekly verdict\nThe first weekly verdict in this channel.")
    assert "SmolVLM2 vs Mistral Medium 3" in ran.stdout
    assert "console/general" in ran.stdout and ": sent" in ran.stdout
    assert "1 subscribed channel(s) on chat platforms" in ran.stdout
    again = verdict("weekly", "run-once", cwd=tmp_path, env=env)
    assert "SmolVLM2 vs" not in again.stdout


def test_compare_for_coding_reads_as_a_user_would(tmp_path: Path) -> None:
    """The current frontier pair from the issue: one verdict line, a panel from facts on both,
    never "not reviewed yet" twice, never "on your own trial"."""
    result = verdict("compare", "claude opus 4.5 vs gpt-5.1 for coding", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("Claude Opus 4.5 vs GPT-5.1 for coding — verdict:")
    assert result.stdout.count("from facts") >= 2
    assert "not reviewed yet" not in result.stdout
    assert "on your own trial" not in result.stdout
    same = verdict("compare", "--for", "coding", "claude opus 4.5 vs gpt-5.1", cwd=tmp_path)
    assert same.stdout.splitlines()[0] == first
    data = json.loads(
        verdict("compare", "--json", "gpt-4o-mini vs deepseek v3.2 for vision", cwd=tmp_path).stdout
    )
    assert data["use_case"] == "vision" and data["verdict"]["pick"] == "gpt-4o-mini"
    assert data["verdict"]["decided_by"] == "use case"


def test_a_did_you_mean_offers_commands_that_keep_the_use_case(tmp_path: Path) -> None:
    result = verdict("compare", "claude opus vs gpt-5 for coding", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert '"claude opus" could be several tools' in result.stderr
    offered = [line for line in result.stderr.splitlines() if line.startswith("  verdict ")]
    assert offered and all(line.endswith(" vs gpt-5 for coding'") for line in offered)
    picked = verdict(*shlex.split(offered[0])[1:], cwd=tmp_path)
    assert picked.returncode == 0
    assert picked.stdout.splitlines()[0].split(" — ")[0].endswith(" vs GPT-5 for coding")


def test_compare_with_a_retired_model_offers_its_successor_on_stderr(tmp_path: Path) -> None:
    result = verdict("compare", "claude 3.5 sonnet vs gpt-4o", cwd=tmp_path)
    assert result.returncode == 0
    assert "verdict: ship GPT-4o." in result.stdout
    assert result.stderr.strip() == (
        "verdict: Claude 3.5 Sonnet is retired. Compare the live models instead: "
        'verdict compare "Claude Sonnet 4.6 vs GPT-4o"'
    )


def test_compare_for_something_unknown_exits_2_with_the_known_use_cases(tmp_path: Path) -> None:
    result = verdict("compare", "gpt-4o vs gpt-5 for poetry", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "for coding, for vision" in result.stderr
