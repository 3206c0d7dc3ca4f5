"""The contract between the command line and a platform's entry module
(`adapters/<name>/entry.py`): what the command line hands a platform it starts (`Startup`),
how `verdict doctor` asks for checks (`DoctorOptions`), and the shape of an entry module
(`PlatformEntry`, `DoctorEntry`). The list of platforms is `adapters.registry`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # types only
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
    """The module `adapters/<name>/entry.py`: what the command line calls."""

    def run(self, args: argparse.Namespace, startup: Startup) -> int:
        """Run the platform until it stops; the exit code (`adapters.exit_codes`)."""
        ...


class DoctorEntry(Protocol):
    """An entry module that also has `verdict doctor` checks of its own (a chat platform)."""

    async def doctor(self, settings: Settings, options: DoctorOptions) -> list[Check]:
        """The platform's checks, one line each; no network when `options.offline`."""
        ...
