"""Typed errors the core raises; adapters and the CLI turn them into short, friendly messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Surface = Literal["cli"]
HINTS: dict[str, str] = {"cli": "`verdict list` shows every tool."}
"""Where to look next on the command line. A chat platform says its own, in words that exist
there (no `verdict list` inside a chat): `bot.commands.Request.hint`."""
MAX_CHOICES = 5
"""At most this many "did you mean" choices per name."""


@dataclass(frozen=True)
class Choice:
    """One "did you mean" answer: the tool offered for a name, and the comparison it runs."""

    typed: str
    label: str
    query: str


class VerdictError(Exception):
    """Base of every error a user can cause; `message` is safe to show as it is."""

    kind: str = "error"
    query: tuple[str, ...] = ()
    """The names of the comparison this error came from, when there was one."""
    asked: str = ""
    """What the comparison was asked for and how long, as typed again (" for coding for 24h"):
    every "did you mean" choice keeps it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def for_surface(self, surface: str) -> str:
        """The message with the hint that fits where it is read (`HINTS`)."""
        return self.with_hint(HINTS.get(surface, HINTS["cli"]))

    def with_hint(self, hint: str) -> str:
        """The message, with `hint` (where to look next) when it needs one."""
        return self.message

    @property
    def problems(self) -> Sequence[VerdictError]:
        return [self]

    def choices(self) -> list[Choice]:
        """The comparisons to offer back, up to five per name that did not resolve: each is
        the query with that one name replaced by a tool it may have meant."""
        out = []
        for problem in self.problems:
            typed = getattr(problem, "typed", None)
            if typed is None or not self.query:
                continue
            for suggestion in getattr(problem, "suggestions", [])[:MAX_CHOICES]:
                names = [suggestion.slug if n == typed else n for n in self.query]
                query = " vs ".join(names) + self.asked
                out.append(Choice(typed=typed, label=suggestion.name, query=query))
        return out


class BadQuery(VerdictError):
    """The comparison text cannot be read as 2 to 4 tool names."""

    kind = "bad_query"


@dataclass(frozen=True)
class Suggestion:
    """A tool offered back to the user: its slug and display name."""

    slug: str
    name: str


class UnknownTool(VerdictError):
    """No catalogue tool is close enough to what the user typed."""

    kind = "unknown"

    def __init__(self, typed: str, suggestions: list[Suggestion]) -> None:
        self.typed = typed
        self.suggestions = suggestions
        if suggestions:
            offer = ", ".join(s.name for s in suggestions)
            self.base = f'No tool called "{typed}". Did you mean: {offer}?'
            message = self.base
        else:
            self.base = f'No tool called "{typed}".'
            message = f"{self.base} {HINTS['cli']}"
        super().__init__(message)

    def with_hint(self, hint: str) -> str:
        if self.suggestions:
            return self.base
        return f"{self.base} {hint}"


class AmbiguousTool(VerdictError):
    """Several tools fit what the user typed equally well; we ask instead of guessing."""

    kind = "ambiguous"

    def __init__(self, typed: str, candidates: list[Suggestion]) -> None:
        self.typed = typed
        self.suggestions = candidates
        offer = ", ".join(c.name for c in candidates)
        super().__init__(f'"{typed}" could be several tools: {offer}. Which one?')


class Unresolved(VerdictError):
    """Several names of one comparison did not resolve: all of them are reported at once."""

    def __init__(self, query: Sequence[str], problems: Sequence[VerdictError]) -> None:
        self.query = tuple(query)
        self._problems = list(problems)
        self.kind = self._problems[0].kind
        self.suggestions = [s for p in self._problems for s in getattr(p, "suggestions", [])]
        super().__init__(self.for_surface("cli"))

    @property
    def problems(self) -> Sequence[VerdictError]:
        return self._problems

    def with_hint(self, hint: str) -> str:
        """Each problem once, and where to look next once, not after every name."""
        parts = [getattr(p, "base", p.message) for p in self._problems]
        if any(isinstance(p, UnknownTool) and not p.suggestions for p in self._problems):
            parts.append(hint)
        return " ".join(parts)


class CannotPostHere(VerdictError):
    """The platform refused to post in the asker's channel: the bot is not a member, or a
    permission is missing there. The adapter's message says what to do about it (invite the bot,
    grant which permission where), so the asker is told privately instead of seeing nothing."""

    kind = "cannot_post_here"


def escaped(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\n`): for a
    file name or a value printed to a terminal, which must show what is there without obeying
    it."""
    out = []
    for ch in text:
        if ch < " " or "\x7f" <= ch <= "\x9f":
            out.append(repr(ch)[1:-1])
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalogue, printed as `path: field: what is wrong`."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        """Control characters (a file named with an escape sequence) are shown escaped: this
        line goes to a terminal."""
        return escaped(f"{self.path}: {self.field}: {self.message}")


@dataclass
class CatalogueError(Exception):
    """A catalogue that cannot be loaded; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class PlatformRefused(Exception):
    """A chat platform refused the bot's credentials; the message names the setting, never
    its value."""


class BadDuration(BadQuery):
    """`for …` after a comparison is not a length of time the bot can keep a vote open."""

    kind = "bad_duration"


class BadSetting(BadQuery):
    """A channel setting that does not exist, or a value it cannot take."""

    kind = "bad_setting"


class CloseRefused(VerdictError):
    """A vote that cannot be closed by this person, or is already closed."""

    kind = "close_refused"
