"""The files that run the bot for real (Dockerfile, compose.yaml, the systemd unit) say what the
README promises: a non-root user, data on a volume, a health check, PostgreSQL at scale, and no
secret written down. There is no Docker engine here; `.ci/run` adds hadolint and
systemd-analyze where they can be installed."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SECRETS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DISCORD_TOKEN")


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    lines = [x.strip() for x in text.splitlines() if x.strip() and not x.lstrip().startswith("#")]
    return [(x.split(None, 1)[0].upper(), x.split(None, 1)[1]) for x in lines]


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_image_is_slim_runs_as_a_user_keeps_data_on_a_volume_and_checks_health() -> None:
    steps = dockerfile()
    [base] = [args for step, args in steps if step == "FROM"]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base)
    users = [args for step, args in steps if step == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert [i for i, (step, _) in enumerate(steps) if step == "USER"][-1] < next(
        i for i, (step, _) in enumerate(steps) if step == "ENTRYPOINT"
    )
    assert ("VOLUME", '["/data"]') in steps
    assert any(step == "ENV" and "VERDICT_DB=/data/verdict.db" in args for step, args in steps)
    [health] = [args for step, args in steps if step == "HEALTHCHECK"]
    assert health.endswith('CMD ["verdict", "health"]')
    assert ("ENTRYPOINT", '["verdict"]') in steps


def test_the_image_bakes_in_no_secret() -> None:
    for step, args in dockerfile():
        if step in {"ENV", "ARG"}:
            assert not any(name in args for name in SECRETS), args
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", "*.db", ".git"} <= set(ignored)


BOT_PROFILES = {"slack-socket": "slack", "slack-http": "slack", "discord": "discord", "web": "web"}


def test_compose_runs_the_bot_on_postgresql_with_secrets_passed_by_name() -> None:
    services = compose()["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    for name, command in BOT_PROFILES.items():
        bot = services[name]
        assert bot["build"] == "."
        assert bot["command"] == [command]
        environment = bot["environment"]
        assert environment["VERDICT_DB"].startswith("postgresql://verdict:${POSTGRES_PASSWORD}@db:")
        assert bot["depends_on"]["db"]["condition"] == "service_healthy"
        for secret in SECRETS:
            assert environment.get(secret) is None  # listed by name only, or not at all
    assert "pgdata" in compose()["volumes"]


def test_every_mode_has_its_own_profile_and_a_health_check_that_fits_it() -> None:
    services = compose()["services"]
    for profile in BOT_PROFILES:
        [bot] = [n for n, s in services.items() if s.get("profiles") == [profile] and "build" in s]
        health = services[bot]["healthcheck"]
        # The heartbeat works with no port (Discord, Socket Mode); HTTP modes add /healthz.
        assert health["test"] == ["CMD", "verdict", "health"], profile
        assert health["start_period"] and health["retries"] >= 1
    socket_mode = services["slack-socket"]
    assert "SLACK_APP_TOKEN" in socket_mode["environment"]
    assert "SLACK_SIGNING_SECRET" not in socket_mode["environment"]
    assert "ports" not in socket_mode and "ports" not in services["discord"]


def test_slack_http_mode_is_reached_only_through_an_https_proxy() -> None:
    services = compose()["services"]
    http_mode, proxy = services["slack-http"], services["https"]
    assert "ports" not in http_mode  # never published without TLS
    assert "SLACK_SIGNING_SECRET" in http_mode["environment"]
    assert proxy["profiles"] == ["slack-http"]
    assert proxy["image"].startswith("caddy:")
    assert {"443:443", "80:80"} <= set(proxy["ports"])
    [mount] = [v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro")]
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    assert "{$VERDICT_DOMAIN}" in caddyfile
    routes = re.findall(r"handle (\S+) \{\s*reverse_proxy (\S+)", caddyfile)
    assert ("/slack/*", "slack-http:3000") in routes
    assert "caddy run" in " ".join(proxy["command"]) and "VERDICT_DOMAIN" in proxy["command"][-1]


def test_no_profile_needs_another_profiles_variables() -> None:
    """Compose interpolates every service before it chooses profiles (docker/compose#11977), so a
    required `${VAR:?}` in one profile's service would stop `up` for every other profile."""
    for name, service in compose()["services"].items():
        if service.get("profiles"):
            assert ":?" not in yaml.safe_dump(service), name


def test_the_systemd_unit_runs_verdict_as_its_own_user_and_restarts_it() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "deploy" / "verdict-slack.service")
    service = unit["Service"]
    assert service["ExecStart"].endswith("/verdict slack")
    assert service["User"] not in {"root", "0"}
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/verdict/verdict.env"
    assert service["WorkingDirectory"] == "/var/lib/verdict"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_readme_shows_the_unit_as_it_is() -> None:
    readme = (ROOT / "docs" / "running.md").read_text()
    [shown] = re.findall(r"```ini\n(.*?)```", readme, re.S)
    unit = (ROOT / "deploy" / "verdict-slack.service").read_text()
    assert shown.splitlines() == [x for x in unit.splitlines() if not x.startswith("#")]
