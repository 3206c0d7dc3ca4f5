"""Luce's choice model fitted to counted choices: "picked X out of this set, n times".

The estimate is the one choix's `ilsr_top1(alpha=…)` converges to (Maystre and Grossglauser
2015), the tests hold it to choix's answer, but reached without choix: choix has no weights (one
Python tuple per vote) and solves an n×n system per step, seconds with hundreds of tools. At
I-LSR's fixed point the chain's stationary distribution equals the strengths w, which reads

    w_i · (α(n − 1) + Σ_{sets S ∋ i} n_S / w(S)) = W_i + α Σ_{j ≠ i} w_j

(W_i: votes won by i, n_S: votes cast on set S, w(S): the strengths summed over S). We iterate
that equation as a minorise–maximise step (Hunter 2004; for α = 0 it is his MM algorithm),
accelerated with SQUAREM: each step is a few vectorised passes over the counted rows, no matrix
solve. numpy only, imported when a fit runs: no scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_STEPS = 20_000
TOLERANCE = 1e-8
"""choix's convergence test: the mean absolute change of the centred log-strengths."""


def fit_luce(
    n_items: int,
    members: np.ndarray,
    picks: np.ndarray,
    votes: np.ndarray,
    *,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred log-strengths and their standard errors for items 0..n_items−1.

    Row r: `votes[r]` times `picks[r]` was picked out of the items in `members[r]` (−1 pads;
    the pick is among them). The errors come from the model's Fisher information at the
    estimate. After `MAX_STEPS` the last iterate is kept: a ranking 1e-8 off its limit
    serves people better than none."""
    import numpy as np

    offered = members >= 0
    items = np.where(offered, members, 0)
    flat_items = items[offered]
    counts = votes.astype(np.float64)
    won = np.bincount(picks, weights=counts, minlength=n_items)
    row_of_offer = np.nonzero(offered)[0]
    counts_per_offer = counts[row_of_offer]

    def step(params: np.ndarray) -> np.ndarray:
        """One MM step on centred log-strengths. The strengths are scaled to sum to n, as in
        choix: α is not scale-free, and this is the scale its fixed point is defined at."""
        weights = np.exp(params - params.max())
        weights *= n_items / weights.sum()
        offered_weight = np.bincount(
            row_of_offer, weights=weights[flat_items], minlength=len(members)
        )
        exposure = np.bincount(
            flat_items, weights=counts_per_offer / offered_weight[row_of_offer], minlength=n_items
        )
        weights = (won + alpha * (weights.sum() - weights)) / (alpha * (n_items - 1) + exposure)
        logs = np.log(weights)
        centred: np.ndarray = logs - logs.mean()
        return centred

    def settled(before: np.ndarray, after: np.ndarray) -> bool:
        return bool(np.abs(after - before).sum() <= TOLERANCE * n_items)

    # SQUAREM (Varadhan and Roland 2008): two MM steps, then a jump along their secant; about
    # three times fewer steps than plain MM here, and a bad jump falls back to the plain step.
    params = np.zeros(n_items)
    for _ in range(MAX_STEPS // 3):
        once = step(params)
        twice = step(once)
        if settled(once, twice):
            params = twice
            break
        r, v = once - params, twice - 2 * once + params
        curvature = float(v @ v)
        jump = min(-float(np.sqrt((r @ r) / curvature)), -1.0) if curvature > 0 else -1.0
        landed = step(params - 2 * jump * r + jump * jump * v)
        params = landed if np.all(np.isfinite(landed)) else twice
    return params, _standard_errors(params, items, offered, counts, n_items)


def _standard_errors(
    params: np.ndarray,
    items: np.ndarray,
    offered: np.ndarray,
    counts: np.ndarray,
    n_items: int,
) -> np.ndarray:
    """√diag of the pseudo-inverse of the information Σ n·(diag(p) − p pᵀ) over the rows.

    Strengths are defined up to a shared constant, so the information is singular along the
    all-ones vector; with every item compared (one connected graph) that is its only null
    direction, and pinv(I) = inv(I + 11ᵀ/n) − 11ᵀ/n, one LU instead of an SVD."""
    import numpy as np

    strength = np.where(offered, np.exp(params - params.max())[items], 0.0)
    p = strength / strength.sum(axis=1, keepdims=True)
    weighted = counts[:, None] * p
    cells = np.zeros(n_items * n_items)
    for a in range(items.shape[1]):
        for b in range(items.shape[1]):
            both = offered[:, a] & offered[:, b]
            cells -= np.bincount(
                (items[:, a] * n_items + items[:, b])[both],
                weights=(weighted[:, a] * p[:, b])[both],
                minlength=n_items * n_items,
            )
    information = cells.reshape(n_items, n_items)
    information[np.diag_indices(n_items)] += np.bincount(
        items[offered], weights=weighted[offered], minlength=n_items
    )
    try:
        covariance = np.linalg.inv(information + 1.0 / n_items) - 1.0 / n_items
    except np.linalg.LinAlgError:  # items never compared with the rest: bands from the SVD
        covariance = np.linalg.pinv(information)
    spread: np.ndarray = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    return spread
