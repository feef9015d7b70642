"""Gradient descent on the single neuron: ``fastbias.gd``."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from fastbias import _validate as v
from fastbias.errors import InputError, StepSizeWarning
from fastbias.kernels.network import net_loss
from fastbias.kernels.neuron import loss as _loss
from fastbias.loops.runs import GDRun, Run
from fastbias.loops.trajectory import Trajectory
from fastbias.models import Network

__all__ = ["PARALLEL_MIN_ROWS", "check_model", "finish", "gd", "loss_of", "starts", "step_bound"]

#: With ``parallel="auto"``, one replicate on at least this many rows uses the
#: row-parallel gradient. The choice depends on the problem only, never on the
#: thread count, so results are the same on any machine.
PARALLEL_MIN_ROWS = 20_000


def gd(
    X,
    y,
    w0=None,
    *,
    eta: float,
    n_iter: int,
    slope: float = 0.0,
    checkpoints: int | np.ndarray = 20,
    inits=None,
    parallel: bool | Literal["auto"] = "auto",
    model: Network | None = None,
    progress: bool = False,
    chunk_seconds: float = 1.0,
) -> Trajectory:
    """Gradient descent w <- w - eta grad L(w) with a constant step.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples (converted to C-contiguous float64).
    y : array_like, shape (n,)
        Labels in {-1, +1}, both present.
    w0 : array_like, shape (d,) or (d, K), optional
        Start; never modified. Give either ``w0`` or ``inits``. For a
        :class:`~fastbias.models.Network`, the (d, K) hidden weights W.
    eta : float
        Step size, > 0.
    n_iter : int
        Number of updates, >= 1 (integral floats such as ``1e8`` accepted).
    slope : float
        Activation slope a in [0, 1]: 0 ReLU, 1 linear, between leaky ReLU.
    checkpoints : int or array_like
        Points per decade of :func:`fastbias.log_schedule`, or explicit
        strictly increasing iteration counts (n_iter is appended if missing).
        t = 0 is always recorded.
    inits : array_like, shape (R, d) or (R, d, K), optional
        R independent initialisations, run in parallel (one thread each).
    parallel : bool or "auto"
        Use the row-parallel gradient (one replicate only). ``"auto"`` picks it
        for n >= ``PARALLEL_MIN_ROWS`` and R = 1.
    model : Network, optional
        ``None`` for the single neuron, or a one-hidden-layer
        :class:`~fastbias.models.Network` with fixed output weights.
    progress : bool
        Show a progress bar.
    chunk_seconds : float
        About how long compiled code runs before Python gets control back
        (progress, Ctrl-C). Does not affect results.

    Returns
    -------
    Trajectory
        See :class:`fastbias.Trajectory`; GD records the iterate statistics and
        the cumulative counters ``flips``, ``sep_entries``, ``sep_exits``
        (for a network: (sample, unit) activation flips, and the activation
        patterns, stored when they change).

    Warns
    -----
    StepSizeWarning
        When eta > 2 / (max_i ||x_i||^2 L(w0)) for some start: the run may leave
        the small-step regime the theory assumes.
    """
    X, y = v.as_data(X, y)
    n, d = X.shape
    if (w0 is None) == (inits is None):
        raise InputError("give exactly one of w0 (one start) and inits (R starts)")
    net = check_model(model)
    W = starts(w0, inits, d, net)
    eta = v.check_positive_float(eta, "eta")
    n_iter = v.check_positive_int(n_iter, "n_iter")
    slope = v.check_slope(slope)
    schedule, per_decade = v.as_checkpoints(checkpoints, n_iter)
    chunk_seconds = v.check_positive_float(chunk_seconds, "chunk_seconds")
    progress = v.check_flag(progress, "progress")
    R = W.shape[0]
    if parallel == "auto":
        use_parallel = R == 1 and n >= PARALLEL_MIN_ROWS
    elif isinstance(parallel, (bool, np.bool_)) and np.ndim(parallel) == 0:
        if parallel and R != 1:
            raise InputError(f"parallel=True needs a single start, got inits with {R} rows")
        use_parallel = bool(parallel)
    else:
        raise InputError(f"parallel must be True, False or 'auto', got {parallel!r}")

    vv = None if net is None else net.v
    check_initial_loss(X, y, W, slope, "w0" if inits is None else "inits", vv)
    _warn_step_size(X, y, W, slope, eta, vv)
    run = GDRun(X, y, W, eta=eta, slope=slope, times=np.concatenate(([0], schedule)),
                per_decade=per_decade, parallel=use_parallel, v=vv)
    return finish(run, chunk_seconds=chunk_seconds, progress=progress)


def finish(run: Run, *, chunk_seconds: float, progress: bool) -> Trajectory:
    """Run to the end; on Ctrl-C warn and return what was computed, current state included."""
    run.run(chunk_seconds=chunk_seconds, progress=progress)
    if run.interrupted:
        warnings.warn(
            f"{run.algorithm} interrupted at t = {run.t}: returning the checkpoints recorded so far "
            "and the current state",
            RuntimeWarning,
            stacklevel=3,
        )
    return run.trajectory(include_current=run.interrupted)


def check_model(model) -> Network | None:
    """``None`` (single neuron) or a :class:`Network`."""
    if model is None or isinstance(model, Network):
        return model
    raise InputError(f"model must be None (single neuron) or a fastbias.Network, got {model!r}")


def starts(w0, inits, d: int, net: Network | None) -> np.ndarray:
    """Validated starts as an (R, P) array of flattened parameters (P = d, or d K for a network)."""
    if net is None:
        return v.as_vector(w0, "w0", d)[None, :] if inits is None else v.as_inits(inits, d)
    K = net.K
    if inits is None:
        W = v.as_matrix(w0, "w0", (d, K))
        return W.reshape(1, d * K)
    W = v.as_matrix(inits, "inits", (None, d, K))
    return W.reshape(W.shape[0], d * K)


def loss_of(X: np.ndarray, y: np.ndarray, w: np.ndarray, slope: float, vv: np.ndarray | None) -> float:
    """The loss at flattened parameters ``w`` (the neuron's w, or a network's W raveled)."""
    if vv is None:
        return _loss(w, X, y, slope)
    return net_loss(w.reshape(X.shape[1], vv.size), vv, X, y, slope)


def check_initial_loss(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, name: str, vv: np.ndarray | None = None
) -> None:
    """Reject starts whose loss already overflows float64 (nothing finite to keep)."""
    for r in range(W.shape[0]):
        if not np.isfinite(loss_of(X, y, W[r], slope, vv)):
            where = "" if W.shape[0] == 1 else f" (row {r})"
            raise InputError(
                f"{name}{where} has an infinite loss: exp(-y f(x)) overflows float64 at the start"
            )


def step_bound(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, vv: np.ndarray | None = None
) -> float:
    """2 / (max_i ||x_i||^2 max_r L(w_r)): the local smoothness bound on a constant step.

    That is the local smoothness of the mean exponential loss over the starts
    (rows of ``W``, flattened); a network's output is scaled by ||v||, hence a
    factor ||v||^2 more.
    """
    max_sq = float(np.max(np.einsum("ij,ij->i", X, X)))
    if vv is not None:
        max_sq *= float(vv @ vv)
    worst = max(loss_of(X, y, W[r], slope, vv) for r in range(W.shape[0]))
    return 2.0 / (max_sq * worst) if max_sq * worst > 0 else np.inf


def _warn_step_size(
    X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, eta: float, vv: np.ndarray | None = None
) -> None:
    bound = step_bound(X, y, W, slope, vv)
    if eta > bound:
        warnings.warn(
            f"eta = {eta:g} exceeds the local smoothness bound 2 / (max ||x_i||^2 L(w0)) = "
            f"{bound:.3g}: the run may leave the small-step regime the theory assumes",
            StepSizeWarning,
            stacklevel=3,
        )
