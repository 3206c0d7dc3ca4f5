"""Every platform the bot runs on, in one list: the command line adds a command for each and
`verdict doctor` checks each chat platform that is set up. Adding a platform is a package
`adapters/<name>/` with an `entry.py` (the shape `adapters.platform.PlatformEntry`) and one
line here (docs/building.md, "Adding a platform"). A platform's settings (its tokens, ids and
ports) are a model in its own package, named here, so `bot/settings.py` holds only the core's.

The command line reads this module before any command runs, so it imports nothing beyond the
interpreter's own start (no typing, no dataclasses): each platform's code, and the contract its
entry module follows, are imported only when the platform runs or is checked.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from typing import Any

    from adapters.doctor.report import Check
    from adapters.platform import DoctorOptions, Startup
    from bot.settings import EnvironmentSettings, Settings


class Option:
    """One option of a platform's command, as `argparse.add_argument` takes it; `action`
    `append` lets it be given more than once."""

    __slots__ = ("action", "flag", "help", "type")

    def __init__(
        self, flag: str, help: str, type: Callable[[str], Any] = str, action: str = "store"
    ) -> None:
        self.flag = flag
        self.help = help
        self.type = type
        self.action = action


class Platform:
    """One platform, as the command line and `verdict doctor` see it: what people call it
    (`name`, as in `verdict doctor NAME`), the `command` that runs it and its `help` line, its
    entry module (`entry`, imported when the platform runs or is checked), the command's own
    `options`, its settings model (`settings`, "module:Class", read from the environment when
    the platform runs or is checked), and the environment variable that says a chat platform
    is set up (`token_setting`: its token; None for the surfaces that need none, the terminal
    and the web pages, which have no doctor checks)."""

    __slots__ = ("command", "entry", "help", "name", "options", "settings", "token_setting")

    def __init__(
        self,
        *,
        name: str,
        command: str,
        help: str,
        entry: str,
        options: tuple[Option, ...] = (),
        settings: str | None = None,
        token_setting: str | None = None,
    ) -> None:
        self.name = name
        self.command = command
        self.help = help
        self.entry = entry
        self.options = options
        self.settings = settings
        self.token_setting = token_setting

    def add_command(self, commands: Any) -> None:
        """Add `verdict COMMAND` to the command line's subcommands (`add_subparsers`)."""
        parser: argparse.ArgumentParser = commands.add_parser(self.command, help=self.help)
        for option in self.options:
            parser.add_argument(
                option.flag, type=option.type, help=option.help, action=option.action
            )

    def run(self, args: argparse.Namespace, startup: Startup) -> int:
        """Run the platform until it stops; the exit code (`adapters.exit_codes`)."""
        return int(self._entry().run(args, startup))

    def read_settings(self) -> EnvironmentSettings | None:
        """The platform's own settings from the environment (None for a platform without
        any). Raises `bot.settings.SettingsError`, one line, for an unusable value."""
        if self.settings is None:
            return None
        import importlib

        from bot.settings import read_settings

        module, _, name = self.settings.partition(":")
        model: type[EnvironmentSettings] = getattr(importlib.import_module(module), name)
        return read_settings(model)

    def configured(self) -> bool:
        """Whether the environment sets this chat platform up (its token is there)."""
        settings = self.read_settings()
        if self.token_setting is None or settings is None:
            return False
        field = next(
            (
                name
                for name, info in type(settings).model_fields.items()
                if info.validation_alias == self.token_setting
            ),
            None,
        )
        return field is not None and getattr(settings, field) is not None

    async def doctor(self, settings: Settings, options: DoctorOptions) -> list[Check]:
        """The platform's own checks for `verdict doctor`."""
        checks: list[Check] = await self._entry().doctor(settings, options)
        return checks

    def _entry(self) -> Any:
        """The entry module (`adapters.platform.PlatformEntry`, and `DoctorEntry` for a chat
        platform with a token)."""
        import importlib

        return importlib.import_module(self.entry)


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="console",
        command="chat",
        help="a pretend chat channel in the terminal, with votes",
        entry="adapters.console.entry",
    ),
    Platform(
        name="discord",
        command="discord",
        help="run the Discord bot (token from DISCORD_TOKEN)",
        entry="adapters.discord.entry",
        settings="adapters.discord.settings:DiscordSettings",
        token_setting="DISCORD_TOKEN",
    ),
    Platform(
        name="slack",
        command="slack",
        help="run the Slack app (SLACK_BOT_TOKEN, docs/running.md: Slack)",
        entry="adapters.slack.entry",
        settings="adapters.slack.settings:SlackSettings",
        token_setting="SLACK_BOT_TOKEN",
    ),
    Platform(
        name="web",
        command="web",
        help="serve the web pages (VERDICT_WEB_HOST, _PORT)",
        entry="adapters.web.entry",
        options=(
            Option("--host", "address to listen on (default: $VERDICT_WEB_HOST)"),
            Option("--port", "port (default: $VERDICT_WEB_PORT, 8080)", int),
        ),
    ),
)
"""The platforms, in the order `verdict --help` lists their commands."""


def readable_settings() -> list[EnvironmentSettings]:
    """Every platform's own settings that can be read (for the secrets a log must never show);
    an unusable one is left out here and said by whatever reads it for use."""
    from bot.settings import SettingsError

    found = []
    for platform in PLATFORMS:
        try:
            own = platform.read_settings()
        except SettingsError:
            continue
        if own is not None:
            found.append(own)
    return found


def chat_platforms() -> tuple[Platform, ...]:
    """The platforms a token sets up, which `verdict doctor` checks."""
    return tuple(p for p in PLATFORMS if p.token_setting is not None)
