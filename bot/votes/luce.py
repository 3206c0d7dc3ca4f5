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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

MAX_STEPS = 20_000
TOLERANCE = 1e-8
"""choix's convergence test: the mean absolute change of the centred log-strengths."""
PRIOR_PRECISION = 0.1
"""The bands' prior: log-strengths ~ N(0, 1/0.1), a standard deviation of ~550 rating points.
It only matters where votes say little (a tool that never won, groups never compared): there
it keeps a band finite instead of infinitely wide; ten votes between two tools already weigh
about twenty-five times more."""


def fit_luce(
    n_items: int,
    members: np.ndarray,
    picks: np.ndarray,
    votes: np.ndarray,
    *,
    alpha: float,
    prior: float = PRIOR_PRECISION,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred log-strengths and their standard errors for items 0..n_items−1.

    Row r: `votes[r]` times `picks[r]` was picked out of the items in `members[r]` (−1 pads;
    the pick is among them). The errors come from the model's Fisher information at the
    estimate plus a Gaussian prior of precision `prior` on each log-strength, so they are
    finite on any vote graph (see `_standard_errors`). After `MAX_STEPS` the last iterate is
    kept: a ranking 1e-8 off its limit serves people better than none."""
    import numpy as np

    if n_items < 2:  # nothing to compare: the one item sits at the centre, exactly
        return np.zeros(n_items), np.zeros(n_items)
    won = np.bincount(picks, weights=votes.astype(np.float64), minlength=n_items)
    # Who was picked matters only through `won`; the rest of the model sees each tool set
    # and the votes cast on it, so the steps (and the bands) run over distinct sets.
    sets, shown = _per_tool_set(members, votes)
    params = _strengths(n_items, sets, shown, won, alpha)
    return params, _standard_errors(params, sets, shown, n_items, prior)


def _strengths(
    n_items: int, sets: np.ndarray, shown: np.ndarray, won: np.ndarray, alpha: float
) -> np.ndarray:
    """The MM iteration to the fixed point above, from all-equal strengths. Its working
    arrays are this function's: they are gone before the bands need their memory."""
    import numpy as np

    present = sets >= 0
    flat_items = sets[present]
    set_of_offer = np.nonzero(present)[0].astype(np.int32)
    del present
    shown_per_offer = shown[set_of_offer]

    def step(params: np.ndarray) -> np.ndarray:
        """One MM step on centred log-strengths. The strengths are scaled to sum to n, as in
        choix: α is not scale-free, and this is the scale its fixed point is defined at."""
        weights = np.exp(params - params.max())
        weights *= n_items / weights.sum()
        offered_weight = np.bincount(set_of_offer, weights=weights[flat_items], minlength=len(sets))
        exposure = np.bincount(
            flat_items, weights=shown_per_offer / offered_weight[set_of_offer], minlength=n_items
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
            return twice
        r, v = once - params, twice - 2 * once + params
        curvature = float(v @ v)
        jump = min(-float(np.sqrt((r @ r) / curvature)), -1.0) if curvature > 0 else -1.0
        landed = step(params - 2 * jump * r + jump * jump * v)
        params = landed if np.all(np.isfinite(landed)) else twice
    return params


def _standard_errors(
    params: np.ndarray, sets: np.ndarray, shown: np.ndarray, n_items: int, prior: float
) -> np.ndarray:
    """Standard errors of the centred log-strengths: √diag of C·(I + λ·Id)⁻¹·C, where I is the
    information Σ n_S·(diag(p_S) − p_S p_Sᵀ) over the tool sets S shown, λ the prior's
    precision and C the centring.

    Without the prior I is singular along the all-ones vector (strengths share a constant),
    and along one more direction per extra group of items never compared with the rest: the
    pseudo-inverse then gave zero-width bands, and a near-singular inverse bands in the
    billions. With it every band is finite, and across a gap it is as wide as the prior says
    (which is why the board ranks only one connected group). With many votes λ is lost
    beside I. p_S depends only on the set: the cost follows the distinct sets, not the (set,
    pick) rows, and the matrix is filled a pair of columns at a time (one n² temporary)."""
    import numpy as np

    information = _information(params, sets, shown, n_items)
    information[np.diag_indices(n_items)] += prior
    covariance = np.linalg.inv(information)
    del information
    centred = np.diag(covariance) - 2.0 * covariance.mean(axis=1) + float(covariance.mean())
    spread: np.ndarray = np.sqrt(np.clip(centred, 0.0, None))
    return spread


def _information(params: np.ndarray, sets: np.ndarray, shown: np.ndarray, n_items: int) -> Any:
    """Σ n_S·(diag(p_S) − p_S p_Sᵀ) as an n×n array; its per-set working arrays are freed on
    return, before the inverse needs two more n×n arrays."""
    import numpy as np

    present = sets >= 0
    at = np.where(present, sets, 0).astype(np.int64)
    strength = np.where(present, np.exp(params - params.max())[at], 0.0)
    p = strength / strength.sum(axis=1, keepdims=True)
    del strength
    weighted = shown[:, None] * p
    flat = np.zeros(n_items * n_items)
    width = sets.shape[1]
    for a in range(width):
        for b in range(a + 1, width):  # each pair of columns once, both of its cells
            both = present[:, a] & present[:, b]
            cells = np.concatenate(
                (at[both, b] * n_items + at[both, a], at[both, a] * n_items + at[both, b])
            )
            off_diagonal = (weighted[:, a] * p[:, b])[both]
            flat -= np.bincount(
                cells, weights=np.tile(off_diagonal, 2), minlength=n_items * n_items
            )
    information = flat.reshape(n_items, n_items)
    # the diagonal: n·p_i − n·p_i², each item of each set
    information[np.diag_indices(n_items)] += np.bincount(
        at[present], weights=(weighted * (1.0 - p))[present], minlength=n_items
    )
    return information


def _per_tool_set(members: np.ndarray, votes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tool sets among the rows, a run of rows with the same set merged into one entry
    with the votes cast on it, whatever was picked. The counts come with each set's picks
    side by side (`choices` groups them), so runs find them without a sort; where a set comes
    back later it is simply a second entry, which the sums above do not mind."""
    import numpy as np

    rows = members.astype(np.int32, copy=False)
    if not len(rows):
        return rows, np.zeros(0)
    starts = np.flatnonzero(np.concatenate(([True], np.any(rows[1:] != rows[:-1], axis=1))))
    return rows[starts], np.add.reduceat(votes.astype(np.float64), starts)
