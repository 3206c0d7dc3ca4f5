"""What a platform registers: its name, the `verdict` command that runs it, the setting that says
it is set up, and its `verdict doctor` checks. The list of platforms is `adapters.registry`.

A platform's code lives in its package (`adapters/<name>/`); its entry module
(`adapters/<name>/entry.py`, the `PlatformEntry` shape below) is imported only when the platform
runs or is checked, so building the command line imports no platform library (discord.py, Bolt,
the web server) and `verdict --help` answers in the interpreter's start-up time.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:  # types only: the command line imports this module before any command runs
    from adapters.doctor.report import Check
    from bot.catalogue import Catalogue
    from bot.compare import Comparer
    from bot.settings import Settings


@dataclass(frozen=True, kw_only=True)
class Startup:
    """What the command line hands a platform it starts: the catalogue as configured (reviewed
    files over the generated layer), or a running bot's one comparer over it, which the
    background price refresh (when switched on) keeps current."""

    catalogue: Callable[[argparse.Namespace], Catalogue]
    comparer: Callable[[argparse.Namespace], Comparer]


@dataclass(frozen=True, kw_only=True)
class DoctorOptions:
    """How `verdict doctor` was asked: a channel to check membership of, and offline or not."""

    channel: str | None = None
    offline: bool = False


class PlatformEntry(Protocol):
    """The module `adapters/<name>/entry.py`: what the command line and the doctor call."""

    def run(self, args: argparse.Namespace, startup: Startup) -> int:
        """Run the platform until it stops; the exit code (`adapters.exit_codes`)."""
        ...


class DoctorEntry(Protocol):
    """An entry module that also has `verdict doctor` checks of its own."""

    async def doctor(self, settings: Settings, options: DoctorOptions) -> list[Check]:
        """The platform's checks, one line each; no network when `options.offline`."""
        ...


@dataclass(frozen=True)
class Option:
    """One option of a platform's command, as `argparse.add_argument` takes it."""

    flag: str
    help: str
    type: Callable[[str], Any] = str
    action: str = "store"
    """`store` (the default) or `append` (the option may be given more than once)."""


@dataclass(frozen=True, kw_only=True)
class Platform:
    """One platform, as the command line and `verdict doctor` see it."""

    name: str
    """What people call it (`verdict doctor NAME`)."""
    command: str
    """`verdict COMMAND` runs it."""
    help: str
    """The line `verdict --help` shows for the command."""
    entry: str
    """The entry module, imported when the platform runs or is checked."""
    options: tuple[Option, ...] = ()
    """The command's own options."""
    token_setting: str | None = None
    """The environment variable that says this chat platform is set up (its token); None for
    the surfaces that need none (the terminal, the web pages), which have no doctor checks."""

    def add_command(self, commands: Any) -> None:
        """Add `verdict COMMAND` to the command line's subcommands (`add_subparsers`)."""
        parser: argparse.ArgumentParser = commands.add_parser(self.command, help=self.help)
        for option in self.options:
            parser.add_argument(
                option.flag, type=option.type, help=option.help, action=option.action
            )

    def run(self, args: argparse.Namespace, startup: Startup) -> int:
        return self._entry().run(args, startup)

    def configured(self, settings: Settings) -> bool:
        """Whether the settings set this chat platform up (its token is there)."""
        if self.token_setting is None:
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
        entry = cast(DoctorEntry, importlib.import_module(self.entry))
        return await entry.doctor(settings, options)

    def _entry(self) -> PlatformEntry:
        return cast(PlatformEntry, importlib.import_module(self.entry))
