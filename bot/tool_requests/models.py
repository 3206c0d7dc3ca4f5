"""What a tool request is: who asked (hashed), where (the community), for which name, and
how strongly (a pressed "Request it", or a name typed in /compare that matched nothing)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Strength = Literal["request", "unknown"]
MAX_NAME_LENGTH = 60
"""A requested name longer than this is not a tool's name (and would not fit a button)."""


class RequestRow(BaseModel):
    """One stored row: a person's interest in one name in one community."""

    model_config = ConfigDict(frozen=True)

    community: str
    name_key: str
    requester: str
    name: str
    strength: Strength


class WantedTool(BaseModel):
    """A group of requested names that read as one tool, with its counts."""

    model_config = ConfigDict(frozen=True)

    name: str
    """The spelling most people used."""
    requests: int
    """People who asked for it ("Request it"), each once per community."""
    unknown: int
    """People who only typed it in /compare (a weaker signal), each once per community."""
    communities: int
    spellings: tuple[str, ...]
    """Every spelling in the group, most used first."""
