"""What /compare was asked (the comparison, what for, how long its vote runs) and what
/leaderboard was asked for (a category or a use case), read from the words typed; and the
offer of a retired tool's live successor that follows its card."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.catalogue import Tool
from bot.compare import Comparer, UseCase, and_list, split_use_case, successor_comparison
from bot.errors import VerdictError
from bot.polls import split_duration


@dataclass(frozen=True)
class Ask:
    """What /compare was asked: the comparison, what for, and how long its vote stays open."""

    text: str
    use_case: UseCase | None
    lasts: timedelta | None

    @property
    def asked(self) -> str:
        """The use case and the duration as they can be typed again: " for coding for 1d2h"."""
        parts = [f" {self.use_case.label}"] if self.use_case else []
        if self.lasts is not None:
            minutes = int(self.lasts.total_seconds()) // 60
            days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
            units = ((days, "d"), (hours, "h"), (minutes, "m"))
            parts.append(" for " + "".join(f"{n}{unit}" for n, unit in units if n))
        return "".join(parts)


def split_ask(text: str, use_case: str | None = None) -> Ask:
    """ "A vs B for coding for 24h" -> the comparison, its use case and its duration. The use
    case comes off first ("for coding"); what is left after a last "for" is a duration.
    `use_case` is a platform's separate option for it (Discord's `for`, the CLI's `--for`)."""
    text, case = split_use_case(f"{text} for {use_case}" if use_case else text)
    text, lasts = split_duration(text)
    return Ask(text, case, lasts)


def resolve_ask(comparer: Comparer, ask: Ask) -> list[Tool]:
    """The tools asked, in the order typed. A name that did not resolve raises its typed error,
    whose "did you mean" choices keep what the comparison was for and how long it runs."""
    try:
        return comparer.resolve_query(ask.text)
    except VerdictError as error:
        error.asked = ask.asked
        raise


def leaderboard_scope(
    tools: Mapping[str, Tool], typed: str | None
) -> tuple[str | None, UseCase | None]:
    """ "/leaderboard coding" is a use case; "/leaderboard llm" a category: (category, use
    case). A word that is neither stays a category, for the board to refuse with the known."""
    if not typed or typed in {t.category for t in tools.values()}:
        return typed or None, None
    try:
        _, use_case = split_use_case(f"a vs b for {typed}")
    except VerdictError:
        return typed, None
    return (None, use_case) if use_case is not None else (typed, None)


def successor_offer(
    tools: Sequence[Tool],
    known: Mapping[str, Tool],
    today: date,
    use_case: UseCase | None = None,
    *,
    command: str = "/compare",
) -> str | None:
    """ "Claude 3.5 Sonnet is retired. Compare the live models instead: /compare …"; None
    when no tool is retired, or one has no live successor (the card says what it knows)."""
    instead = successor_comparison(tools, known, today)
    if not instead:
        return None
    old = [t.name for t in tools if t.status_on(today) == "retired"]
    query = " vs ".join(known[s].name for s in instead)
    asked = f" {use_case.label}" if use_case else ""
    verb = "is" if len(old) == 1 else "are"
    typed = (
        f"{command} {query}{asked}" if command.startswith("/") else f'{command} "{query}{asked}"'
    )
    return f"{and_list(old)} {verb} retired. Compare the live models instead: {typed}"
