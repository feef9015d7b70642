"""Checkpoint schedules and step sizes."""

from __future__ import annotations

import numpy as np

from fastbias._jit import jit

__all__ = ["fill_step_sizes", "log_schedule", "step_size"]


def log_schedule(n_iter: int, per_decade: int = 20) -> np.ndarray:
    """Log-spaced checkpoints 1 <= t_1 < t_2 < ... = n_iter.

    The points are ``round(10 ** (j / per_decade))`` for j = 0, 1, ..., kept once
    each and below ``n_iter``, followed by ``n_iter`` itself. The grid depends
    only on ``per_decade``, so a shorter run's checkpoints are a prefix of a
    longer run's (plus its own final point).

    Parameters
    ----------
    n_iter : int
        Last iteration count, at least 1.
    per_decade : int
        Grid points per factor of ten, at least 1.

    Returns
    -------
    numpy.ndarray of int64
        Strictly increasing, ending at ``n_iter``.
    """
    from fastbias._validate import check_positive_int

    n_iter = check_positive_int(n_iter, "n_iter")
    per_decade = check_positive_int(per_decade, "per_decade")
    n_points = int(np.ceil(np.log10(n_iter) * per_decade)) + 2
    grid = np.unique(np.rint(10.0 ** (np.arange(n_points) / per_decade)).astype(np.int64))
    grid = grid[grid < n_iter]
    return np.append(grid, np.int64(n_iter))


@jit
def step_size(eta0: float, alpha: float, k: int) -> float:
    """eta_k = eta0 (k + 1)^(-alpha); alpha = 0 is a constant step with no pow."""
    if alpha == 0.0:
        return eta0
    return eta0 * (k + 1.0) ** (-alpha)


@jit
def fill_step_sizes(eta0: float, alpha: float, k0: int, table: np.ndarray, count: int) -> None:
    """table[j] = eta_{k0 + j} for j < count: one pow per step, shared by all replicates."""
    for j in range(count):
        table[j] = step_size(eta0, alpha, k0 + j)
