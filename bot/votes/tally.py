"""What the community's votes say about one tool: a votes concept that cards and pages consume."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CommunityTally(BaseModel):
    """Community votes for one tool across every card it appeared on."""

    model_config = ConfigDict(frozen=True)

    votes: int = Field(default=0, ge=0)
    ship_pct: int | None = Field(default=None, ge=0, le=100)
