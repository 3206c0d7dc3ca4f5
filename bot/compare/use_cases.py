"""What a team can ask a comparison to be for, and what each use case needs of a tool."""

from __future__ import annotations

from enum import StrEnum

from bot.catalogue import Tool
from bot.compare.signals import open_weights, reads_images


class UseCase(StrEnum):
    CODING = "coding"
    VISION = "vision"
    AGENTS = "agents"
    REASONING = "reasoning"
    LONG_CONTEXT = "long-context"
    SELF_HOSTING = "self-hosting"
    BUDGET = "budget"

    @property
    def label(self) -> str:
        """As the card's first line says it: "for long context", "on a budget"."""
        if self is UseCase.BUDGET:
            return "on a budget"
        return "for long context" if self is UseCase.LONG_CONTEXT else f"for {self.value}"


LONG_CONTEXT_TOKENS = 200_000
CODING_CONTEXT_TOKENS = 64_000
"""A repository's worth of files and a long diff; below it, a coding session runs out of room."""


def meets(tool: Tool, use_case: UseCase) -> bool | None:
    """Whether the tool has what the use case needs: True, False, or None when the data does
    not say. Budget needs nothing: it changes what decides, not who may win."""
    if use_case is UseCase.VISION:
        return reads_images(tool)
    if use_case is UseCase.AGENTS:
        return tool.facts.tool_calling
    if use_case is UseCase.REASONING:
        return tool.facts.reasoning
    if use_case is UseCase.SELF_HOSTING:
        return open_weights(tool)
    window = tool.facts.context_window
    if use_case is UseCase.LONG_CONTEXT:
        return None if window is None else window >= LONG_CONTEXT_TOKENS
    if use_case is UseCase.CODING:
        if tool.facts.tool_calling is False:
            return False
        return None if window is None else window >= CODING_CONTEXT_TOKENS
    return True


LEAD_PERSONA = {UseCase.CODING: "builder", UseCase.AGENTS: "builder", UseCase.BUDGET: "buyer"}
"""The persona whose lens the use case is: on a panel tie, their take decides."""
