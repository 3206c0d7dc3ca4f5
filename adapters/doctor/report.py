"""The doctor's report: one check is one line, `ok`, `skip` (could not check: how to, by hand)
or `FAIL` (what to do); network checks run under a deadline so a dead API is a line, not a hang."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

import aiohttp

DEADLINE_SECONDS = 15.0


class Status(Enum):
    OK = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Check:
    """One line of the report: what was checked, and either what is fine or what to do."""

    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.value:<4}  {self.name}: {self.detail}"


def ok(name: str, detail: str) -> Check:
    return Check(name, Status.OK, detail)


def fail(name: str, detail: str) -> Check:
    return Check(name, Status.FAIL, detail)


def skip(name: str, detail: str) -> Check:
    return Check(name, Status.SKIP, detail)


def passed(checks: list[Check]) -> bool:
    return all(c.status is not Status.FAIL for c in checks)


async def within_deadline(
    name: str, where: str, call: Callable[[], Awaitable[list[Check]]]
) -> list[Check]:
    """Run network checks; an unreachable or silent API becomes one line saying so."""
    try:
        return await asyncio.wait_for(call(), DEADLINE_SECONDS)
    except (aiohttp.ClientConnectionError, OSError) as error:
        return [fail(name, f"cannot reach {where} ({type(error).__name__}); check the network")]
    except TimeoutError:
        return [fail(name, f"{where} did not answer in {DEADLINE_SECONDS:.0f} s")]
