"""Typed errors the core raises; adapters and the CLI turn them into short, friendly messages."""

from __future__ import annotations

from dataclasses import dataclass, field


class VerdictError(Exception):
    """Base of every error a user can cause; `message` is safe to show as it is."""

    kind: str = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
            message = f'No tool called "{typed}". Did you mean: {offer}?'
        else:
            message = f'No tool called "{typed}". Try `verdict list` to see the catalogue.'
        super().__init__(message)


class AmbiguousTool(VerdictError):
    """Several tools fit what the user typed equally well; we ask instead of guessing."""

    kind = "ambiguous"

    def __init__(self, typed: str, candidates: list[Suggestion]) -> None:
        self.typed = typed
        self.suggestions = candidates
        offer = ", ".join(c.name for c in candidates)
        super().__init__(f'"{typed}" could be several tools: {offer}. Which one?')


class CannotPostHere(VerdictError):
    """The platform refused to post in the asker's channel: the bot is not a member, or a
    permission is missing there. The adapter's message says what to do about it (invite the bot,
    grant which permission where), so the asker is told privately instead of seeing nothing."""

    kind = "cannot_post_here"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalogue, printed as `path: field: what is wrong`."""

    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


@dataclass
class CatalogueError(Exception):
    """A catalogue that cannot be loaded; carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class PlatformRefused(Exception):
    """A chat platform refused the bot's credentials; the message names the setting, never
    its value."""
