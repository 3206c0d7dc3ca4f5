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
    pick) rows.

    Only the diagonal is needed, so the covariance is never formed: with I + λ·Id = L·Lᵀ,
    diag(C·(L·Lᵀ)⁻¹·C)_i = ‖L⁻¹(e_i − 1/n)‖², read a block of columns of L⁻¹ at a time. The
    factor overwrites the information (`_cholesky_in_place`): one n×n array in all, where
    `np.linalg.inv` held four (~20 MB at 800 tools, the recount's peak)."""
    import numpy as np

    factor = _information(params, sets, shown, n_items)
    factor[np.diag_indices(n_items)] += prior
    _cholesky_in_place(factor)
    centre = _forward(factor, np.full((n_items, 1), 1.0 / n_items))[:, 0]  # L⁻¹·1/n
    variances = np.empty(n_items)
    for first in range(0, n_items, BLOCK):
        last = min(first + BLOCK, n_items)
        width = last - first
        unit = np.zeros((n_items - first, width))
        unit[np.arange(width), np.arange(width)] = 1.0
        columns = _forward(factor, unit, first)  # L⁻¹'s columns first..last, from row first
        columns -= centre[first:, None]
        above = centre[:first] @ centre[:first]  # rows where L⁻¹'s columns are zero
        variances[first:last] = (columns * columns).sum(axis=0) + above
    return np.sqrt(np.clip(variances, 0.0, None))


BLOCK = 128
"""Columns per step of the blocked factorisation and solves: big enough for BLAS to be quick,
small enough that each step's temporaries are a few hundred kB."""


def _cholesky_in_place(matrix: np.ndarray) -> None:
    """Overwrite the lower triangle of the symmetric positive definite `matrix` with its
    Cholesky factor L (matrix = L·Lᵀ), a block of columns at a time; its upper triangle is
    left as scratch. numpy's own `cholesky` returns a new array (and copies its input): this
    keeps one n×n array, with temporaries of BLOCK columns."""
    import numpy as np

    n = len(matrix)
    for first in range(0, n, BLOCK):
        last = min(first + BLOCK, n)
        diagonal = np.linalg.cholesky(matrix[first:last, first:last])
        matrix[first:last, first:last] = diagonal
        if last == n:
            break
        # the panel below: L21 = A21·L11⁻ᵀ, i.e. L11·L21ᵀ = A21ᵀ
        matrix[last:, first:last] = np.linalg.solve(diagonal, matrix[last:, first:last].T).T
        panel = matrix[last:, first:last]
        for start in range(last, n, BLOCK):  # the trailing block's lower part: A22 −= L21·L21ᵀ
            stop = min(start + BLOCK, n)
            matrix[start:, start:stop] -= (
                panel[start - last :] @ panel[start - last : stop - last].T
            )


def _forward(factor: np.ndarray, right: np.ndarray, first: int = 0) -> np.ndarray:
    """Solve L·X = B in place on `right`, for L the lower triangle of `factor` from row and
    column `first` on (a B whose rows above `first` are zero gives an X zero there too)."""
    import numpy as np

    n = len(factor)
    for start in range(first, n, BLOCK):
        stop = min(start + BLOCK, n)
        at, to = start - first, stop - first
        right[at:to] = np.linalg.solve(np.tril(factor[start:stop, start:stop]), right[at:to])
        right[to:] -= factor[stop:, start:stop] @ right[at:to]
    return right


def _information(params: np.ndarray, sets: np.ndarray, shown: np.ndarray, n_items: int) -> Any:
    """The lower triangle of Σ n_S·(diag(p_S) − p_S p_Sᵀ) as an n×n array (all that the
    Cholesky factorisation reads; the upper one stays zero), added into it cell by cell, with
    no second n×n temporary and per-set arrays of 32-bit indexes and one float column each."""
    import numpy as np

    present = sets >= 0
    at = np.where(present, sets, 0)
    p = np.exp(params - params.max())[at]
    p[~present] = 0.0
    p /= p.sum(axis=1, keepdims=True)
    flat = np.zeros(n_items * n_items)
    diagonal = np.zeros(n_items)
    width = sets.shape[1]
    for a in range(width):
        on = present[:, a]
        # the diagonal: n·p_i − n·p_i², each item of each set
        diagonal += np.bincount(
            at[on, a], weights=(shown * p[:, a] * (1.0 - p[:, a]))[on], minlength=n_items
        )
        for b in range(a + 1, width):  # each pair of columns once, into the lower triangle
            both = on & present[:, b]
            first, second = at[both, a], at[both, b]
            cells = np.maximum(first, second).astype(np.int64) * n_items + np.minimum(first, second)
            np.subtract.at(flat, cells, (shown * p[:, a] * p[:, b])[both])
    information = flat.reshape(n_items, n_items)
    information[np.diag_indices(n_items)] += diagonal
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
