"""What the community's votes say about one tool: a votes concept that cards and pages consume."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, computed_field

Z_95 = 1.959964
"""The normal quantile of a two-sided 95% interval."""
INTERVAL_MIN_VOTES = 10
"""Below this many votes no interval is given: the share itself is noise."""


def wilson_interval(ships: int, votes: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a share `ships / votes`, as fractions (0..1). Unlike the
    normal approximation it stays inside 0..1 and is honest about small counts."""
    if votes <= 0:
        return (0.0, 1.0)
    p = ships / votes
    z2 = z * z
    centre = (p + z2 / (2 * votes)) / (1 + z2 / votes)
    half = z * math.sqrt(p * (1 - p) / votes + z2 / (4 * votes * votes)) / (1 + z2 / votes)
    return (max(0.0, centre - half), min(1.0, centre + half))


class CommunityTally(BaseModel):
    """Community votes for one tool across every card it appeared on."""

    model_config = ConfigDict(frozen=True)

    votes: int = Field(default=0, ge=0)
    ship_pct: int | None = Field(default=None, ge=0, le=100)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def interval_pct(self) -> tuple[int, int] | None:
        """The 95% Wilson interval of the share, in whole percent, from 10 votes; else None."""
        if self.votes < INTERVAL_MIN_VOTES or self.ship_pct is None:
            return None
        ships = round(self.ship_pct * self.votes / 100)
        low, high = wilson_interval(ships, self.votes)
        return (math.floor(100 * low), math.ceil(100 * high))


def clearly_ahead(leader: CommunityTally, other: CommunityTally) -> bool:
    """The leader's margin is outside the 95% interval of the difference between the two
    shares (Newcombe's method from the two Wilson intervals); inside it, the two are a tie."""
    if leader.ship_pct is None or other.ship_pct is None or not leader.votes or not other.votes:
        return False
    ships_a = round(leader.ship_pct * leader.votes / 100)
    ships_b = round(other.ship_pct * other.votes / 100)
    p_a, p_b = ships_a / leader.votes, ships_b / other.votes
    low_a, _ = wilson_interval(ships_a, leader.votes)
    _, high_b = wilson_interval(ships_b, other.votes)
    return p_a - p_b - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2) > 0
