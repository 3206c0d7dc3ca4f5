"""Settings as an operator meets them: a blank value (a compose `.env` line with nothing after
`=`) means unset, and an unusable value is one line naming the variable and what it wants,
never its value, with exit code 5, for every command and every platform's settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.registry import PLATFORMS
from bot.settings import EnvironmentSettings, Settings, SettingsError, read_settings, variable

VERDICT = str(Path(sys.executable).parent / "verdict")


def every_variable() -> list[str]:
    """Each environment variable the core and the registered platforms read."""
    models: list[type[EnvironmentSettings]] = [Settings]
    for platform in PLATFORMS:
        own = platform.read_settings()
        if own is not None:
            models.append(type(own))
    return sorted({variable(model, name) for model in models for name in model.model_fields})


def verdict(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in every_variable()}
    return subprocess.run(
        [VERDICT, *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_setting_left_blank_is_unset_for_the_cli_and_doctor(tmp_path: Path) -> None:
    blank = dict.fromkeys(every_variable(), "")
    assert {"VERDICT_PUBLIC_URL", "DISCORD_GUILD_ID", "SLACK_BOT_TOKEN", "PORT"} <= set(blank)

    compared = verdict("compare", "smolvlm2 vs mistral-medium-3", env=blank, cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr
    assert "SmolVLM2" in compared.stdout and compared.stderr == ""

    doctor = verdict("doctor", "--offline", env=blank, cwd=tmp_path)
    assert doctor.returncode == 1  # a check failed: no platform is set up; not a settings error
    assert doctor.stdout.splitlines()[0] == (
        "FAIL  settings: no DISCORD_TOKEN or SLACK_BOT_TOKEN is set; set one "
        "(docs/running.md: Discord, Slack)"
    )
    assert "Traceback" not in doctor.stderr


def test_a_token_with_blank_optional_settings_passes_doctor(tmp_path: Path) -> None:
    blank = dict.fromkeys(every_variable(), "")
    env = {**blank, "DISCORD_TOKEN": "not-checked-offline", "SLACK_BOT_TOKEN": "xoxb-offline"}
    env["SLACK_SIGNING_SECRET"] = "s3cret"
    doctor = verdict("doctor", "--offline", env=env, cwd=tmp_path)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "ok    discord settings: DISCORD_TOKEN is set\n" in doctor.stdout
    assert "ok    slack settings: HTTP mode on port 3000 (SLACK_SIGNING_SECRET is set)" in (
        doctor.stdout
    )


@pytest.mark.parametrize(
    ("command", "env", "said"),
    [
        (
            ["doctor", "--offline"],
            {"VERDICT_PUBLIC_URL": "https://verdict.example.org/bot"},
            "VERDICT_PUBLIC_URL wants a scheme and host without a path, e.g. "
            "https://verdict.example.org",
        ),
        (
            ["compare", "smolvlm2 vs mistral-medium-3"],
            {"VERDICT_WEB_PORT": "99999", "VERDICT_LOG_LEVEL": "loud"},
            "VERDICT_WEB_PORT wants a port from 1 to 65535; "
            "VERDICT_LOG_LEVEL wants DEBUG, INFO, WARNING or ERROR",
        ),
        (
            ["doctor", "--offline"],
            {"DISCORD_TOKEN": "t", "DISCORD_GUILD_ID": "my server"},
            "DISCORD_GUILD_ID wants a whole number: the server's id (Copy Server ID)",
        ),
        (
            ["doctor", "slack", "--offline"],
            {"SLACK_BOT_TOKEN": "xoxb-1", "PORT": "http"},
            "PORT wants a port from 1 to 65535",
        ),
        (
            ["slack"],
            {"SLACK_BOT_TOKEN": "xoxb-1", "VERDICT_SLACK_MAX_QUEUE_SECONDS": "-1"},
            "VERDICT_SLACK_MAX_QUEUE_SECONDS wants a number of seconds above 0",
        ),
        (
            ["discord"],
            {"DISCORD_TOKEN": "t", "DISCORD_SHARD_COUNT": "0"},
            "DISCORD_SHARD_COUNT wants a whole number from 1: the total shard count",
        ),
    ],
)
def test_an_unusable_setting_is_one_line_naming_it(
    tmp_path: Path, command: list[str], env: dict[str, str], said: str
) -> None:
    ran = verdict(*command, env=env, cwd=tmp_path)
    assert (ran.returncode, ran.stderr) == (5, f"verdict: {said}\n")
    for value in env.values():
        if len(value) > 2:
            assert value not in ran.stderr.replace(said, "")


def test_a_platform_s_bad_setting_does_not_stop_the_core_s_commands(tmp_path: Path) -> None:
    """Only the platform that reads it refuses: `verdict compare` has no use for Discord's."""
    ran = verdict(
        "compare", "smolvlm2 vs mistral-medium-3", env={"DISCORD_GUILD_ID": "x"}, cwd=tmp_path
    )
    assert ran.returncode == 0, ran.stderr


NUMBERS = (int, int | None, float | None)


@pytest.mark.parametrize(
    "platform", [p for p in PLATFORMS if p.settings is not None], ids=lambda p: p.name
)
def test_each_platform_s_settings_take_blank_as_unset_and_name_a_bad_value(
    platform: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.registry import Platform

    assert isinstance(platform, Platform)
    own = platform.read_settings()
    assert own is not None
    model = type(own)
    for name in model.model_fields:
        monkeypatch.setenv(variable(model, name), "")
    defaults = read_settings(model)
    assert defaults == model.model_construct(
        **{n: f.get_default(call_default_factory=True) for n, f in model.model_fields.items()}
    )
    numbers = [n for n, f in model.model_fields.items() if f.annotation in NUMBERS]
    for name in numbers:
        monkeypatch.setenv(variable(model, name), "lots")
        with pytest.raises(SettingsError) as raised:
            read_settings(model)
        assert str(raised.value).startswith(f"{variable(model, name)} wants a ")
        assert "\n" not in str(raised.value) and "lots" not in str(raised.value)
        monkeypatch.setenv(variable(model, name), "")
    assert numbers  # each chat platform has a number to get wrong (an id, a port)
