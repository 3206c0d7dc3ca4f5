"""Luce's choice model fitted to counted choices: "picked X out of this set, n times".

choix's `ilsr_top1` takes one observation per vote and has no weights, so at millions of votes
the fit would walk millions of Python tuples. This is the same I-LSR iteration (Maystre and
Grossglauser 2015, as choix implements it: same start, regularisation, convergence test) on
unique (winner, choice set) observations carrying their counts, vectorised with numpy; the
tests hold it to choix's answer on small data. numpy only, imported when a fit runs: no scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_ITERATIONS = 100
TOLERANCE = 1e-8
"""choix's defaults: the mean absolute change of the centred strengths at which we stop."""


class FitError(Exception):
    """The observations do not pin the strengths down (no regularisation and a split graph)."""


def fit_luce(
    n_items: int,
    observations: Sequence[tuple[int, Sequence[int], int]],
    *,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Centred Luce strengths and their standard errors for `n_items` items.

    Each observation is (winner, the other items offered, how many times). The errors come
    from the model's Fisher information at the estimate; the pseudo-inverse fixes the shared
    constant strengths are only defined up to. After `MAX_ITERATIONS` the last iterate is
    kept: each I-LSR step is already a consistent estimate, and a ranking that is 1e-8 off
    serves people better than no ranking."""
    import numpy as np

    width = 1 + max((len(others) for _, others, _ in observations), default=0)
    members = np.full((len(observations), width), -1, dtype=np.int64)
    winners = np.empty(len(observations), dtype=np.int64)
    counts = np.empty(len(observations), dtype=np.float64)
    for row, (winner, others, count) in enumerate(observations):
        winners[row] = winner
        counts[row] = count
        members[row, 0] = winner
        members[row, 1 : 1 + len(others)] = others
    offered = members >= 0
    items = np.where(offered, members, 0)
    losers = offered.copy()
    losers[:, 0] = False
    loser_cells = (items * n_items + winners[:, None])[losers]

    def step(weights: np.ndarray) -> np.ndarray:
        offered_weight = np.where(offered, weights[items], 0.0).sum(axis=1)
        rate = np.broadcast_to((counts / offered_weight)[:, None], members.shape)[losers]
        chain = np.full(n_items * n_items, alpha)
        chain += np.bincount(loser_cells, weights=rate, minlength=n_items * n_items)
        chain = chain.reshape(n_items, n_items)
        chain -= np.diag(chain.sum(axis=1))
        return _centred_log(_stationary(chain))

    params = step(np.ones(n_items))
    for _ in range(MAX_ITERATIONS - 1):
        previous = params
        params = step(_weights(params))
        if np.abs(params - previous).sum() <= TOLERANCE * n_items:
            break
    return params, _standard_errors(params, items, offered, counts, n_items)


def _weights(params: np.ndarray) -> np.ndarray:
    import numpy as np

    weights = np.exp(params - params.mean())
    return (len(weights) / weights.sum()) * weights


def _centred_log(weights: np.ndarray) -> np.ndarray:
    import numpy as np

    params = np.log(weights)
    return params - params.mean()


def _stationary(generator: np.ndarray) -> np.ndarray:
    """The stationary distribution of a continuous-time chain, scaled to sum to its size."""
    import numpy as np

    n = generator.shape[0]
    system = generator.T.copy()
    system[-1, :] = 1.0
    target = np.zeros(n)
    target[-1] = 1.0
    try:
        dist = np.linalg.solve(system, target)
    except np.linalg.LinAlgError:
        raise FitError("the votes split the tools into groups never compared") from None
    if not np.all(dist > 0):
        raise FitError("the votes split the tools into groups never compared")
    return (n / dist.sum()) * dist


def _standard_errors(
    params: np.ndarray,
    items: np.ndarray,
    offered: np.ndarray,
    counts: np.ndarray,
    n_items: int,
) -> np.ndarray:
    """√diag of the pseudo-inverse of Σ n·(diag(p) − p pᵀ) over the observed choice sets."""
    import numpy as np

    strength = np.where(offered, np.exp(params - params.max())[items], 0.0)
    p = strength / strength.sum(axis=1, keepdims=True)
    weighted = counts[:, None] * p
    information = np.diag(np.bincount(items[offered], weights=weighted[offered], minlength=n_items))
    cells = np.zeros(n_items * n_items)
    for a in range(items.shape[1]):
        for b in range(items.shape[1]):
            both = offered[:, a] & offered[:, b]
            cells += np.bincount(
                (items[:, a] * n_items + items[:, b])[both],
                weights=(weighted[:, a] * p[:, b])[both],
                minlength=n_items * n_items,
            )
    information -= cells.reshape(n_items, n_items)
    covariance = np.linalg.pinv(information)
    return np.sqrt(np.clip(np.diag(covariance), 0.0, None))
