"""Stochastic gradient descent with running averages: ``fastbias.sgd``."""

from __future__ import annotations

import numpy as np

from fastbias import _validate as v
from fastbias.loops.gd import check_initial_loss, check_model, finish, starts
from fastbias.loops.runs import SGDRun
from fastbias.loops.trajectory import Trajectory
from fastbias.models import Network

__all__ = ["sgd"]

def sgd(
    X,
    y,
    w0,
    *,
    n_iter: int,
    eta0: float = 1.0,
    alpha: float = 0.6,
    replicates: int = 1,
    seed: int = 0,
    slope: float = 0.0,
    checkpoints: int | np.ndarray = 20,
    model: Network | None = None,
    progress: bool = False,
    chunk_seconds: float = 1.0,
) -> Trajectory:
    """SGD with sampling with replacement and step eta_k = eta0 (k + 1)^(-alpha).

    Step k draws i_k uniformly from {0, ..., n-1} and sets
    w_{k+1} = w_k - eta_k grad exp(-y_i sigma(w_k.x_i)). The running average
    wbar_t = (1/t) sum_{k<t} w_k (wbar_0 = w_0) is kept as a Kahan-compensated
    sum. Replicates are independent streams: index k of replicate r is a pure
    function of (seed, r, k) (:mod:`fastbias.kernels.rng`), so results are
    bit-identical for any thread count and any split of the run.

    Parameters
    ----------
    X, y : array_like
        Samples (n, d) and labels in {-1, +1}.
    w0 : array_like, shape (d,) or (d, K)
        Start of every replicate; never modified ((d, K) hidden weights for a
        :class:`~fastbias.models.Network`).
    n_iter : int
        Steps per replicate, >= 1.
    eta0 : float
        Initial step size, > 0.
    alpha : float
        Step-size decay exponent, >= 0 (0 is a constant step).
    replicates : int
        Number of independent streams R (for E[wbar_t]).
    seed : int
        Non-negative integer.
    slope : float
        Activation slope in [0, 1].
    checkpoints : int or array_like
        Points per decade, or explicit iteration counts.
    model : Network, optional
        ``None`` for the single neuron, or a one-hidden-layer network.
    progress : bool
        Show a progress bar.
    chunk_seconds : float
        About how long compiled code runs between returns to Python.

    Returns
    -------
    Trajectory
        With ``w``, ``wbar`` (C, R, d), their replicate means ``mean_w``,
        ``mean_wbar`` and standard errors ``se_w``, ``se_wbar`` (C, d),
        statistics of w (``loss``, ``region``, ...) and of wbar (``loss_wbar``,
        ``excess_wbar``, ...). A replicate whose iterate has no active sample
        (ReLU) is found at the next checkpoint, marked ``dead`` and frozen there;
        its later averages are the exact continuation (the iterate no longer moves).
    """
    X, y = v.as_data(X, y)
    d = X.shape[1]
    net = check_model(model)
    W0 = starts(w0, None, d, net)
    n_iter = v.check_positive_int(n_iter, "n_iter")
    eta0 = v.check_positive_float(eta0, "eta0")
    alpha = v.check_nonnegative_float(alpha, "alpha")
    R = v.check_positive_int(replicates, "replicates")
    seed = v.check_seed(seed)
    slope = v.check_slope(slope)
    schedule, per_decade = v.as_checkpoints(checkpoints, n_iter)
    chunk_seconds = v.check_positive_float(chunk_seconds, "chunk_seconds")
    progress = v.check_flag(progress, "progress")

    vv = None if net is None else net.v
    check_initial_loss(X, y, W0, slope, "w0", vv)
    run = SGDRun(X, y, W0[0], R=R, eta0=eta0, alpha=alpha, seed=seed, slope=slope,
                 times=np.concatenate(([0], schedule)), per_decade=per_decade, v=vv)
    return finish(run, chunk_seconds=chunk_seconds, progress=progress)
