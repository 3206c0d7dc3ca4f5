"""What a fitted board may claim: which tools the votes connect, ranks that follow the bands,
and each pair's head-to-head record beside the model's predicted chance.

Pure numpy over the counted rows of `choices` (a row: the tools shown together, the pick, the
votes), so the leaderboard can ask these of the same arrays it fits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def vote_groups(n_items: int, members: np.ndarray) -> np.ndarray:
    """Each item's group: items joined by a path of cards that showed them together share
    one (labelled by its smallest item). `members`: one row per counted tool set, −1 pads.

    Label propagation with pointer jumping, vectorised over the rows: a few passes on real
    vote graphs (popular tools link most others), where a Python union-find would visit each
    of ~10⁵ rows one by one."""
    import numpy as np

    labels = np.arange(n_items, dtype=np.int32)
    present = members >= 0
    at = np.where(present, members, 0).astype(np.int32, copy=False)
    if not present.any():
        return labels
    widest = n_items  # larger than any label
    while True:
        row_low = np.where(present, labels[at], widest).min(axis=1)
        lowered = labels.copy()
        np.minimum.at(lowered, at[present], np.broadcast_to(row_low[:, None], at.shape)[present])
        while True:  # point every label at its root
            jumped = lowered[lowered]
            if np.array_equal(jumped, lowered):
                break
            lowered = jumped
        if np.array_equal(lowered, labels):
            return labels
        labels = lowered


def ranks_from_bands(lows: np.ndarray, highs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LMArena's rank and its spread, from 95% bands: a tool's rank is 1 + the number of tools
    whose band lies wholly above its own (so tools whose bands overlap share a rank), its
    lowest possible rank the number of tools whose band reaches its own or higher (itself
    included)."""
    import numpy as np

    ordered_lows = np.sort(lows)
    ordered_highs = np.sort(highs)
    above = len(lows) - np.searchsorted(ordered_lows, highs, side="right")
    reaching = len(highs) - np.searchsorted(ordered_highs, lows, side="left")
    return 1 + above, reaching


def pair_counts(
    n_items: int, members: np.ndarray, picks: np.ndarray, votes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For items 0..n_items−1 (others −1 in `members`): `shown[a, b]`, the votes cast on cards
    showing both a and b, and `won[a, b]`, those of them that picked a."""
    import numpy as np

    present = members >= 0
    at = np.where(present, members, 0)
    shown = np.zeros(n_items * n_items)
    won = np.zeros(n_items * n_items)
    counts = votes.astype(np.float64)
    for a in range(members.shape[1]):
        for b in range(members.shape[1]):
            if a == b:
                continue
            both = present[:, a] & present[:, b]
            cell = (at[:, a] * n_items + at[:, b])[both]
            shown += np.bincount(cell, weights=counts[both], minlength=n_items * n_items)
            picked_a = both & (picks == members[:, a])
            won += np.bincount(
                (at[:, a] * n_items + at[:, b])[picked_a],
                weights=counts[picked_a],
                minlength=n_items * n_items,
            )
    return (
        shown.reshape(n_items, n_items).astype(np.int64),
        won.reshape(n_items, n_items).astype(np.int64),
    )
