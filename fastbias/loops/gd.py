"""Gradient descent on the single neuron: ``fastbias.gd``."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

from fastbias import _validate as v
from fastbias.errors import InputError, StepSizeWarning
from fastbias.kernels.neuron import loss as _loss
from fastbias.kernels.neuron import margins as _margins
from fastbias.loops.driver import run_schedule, status_names, versions
from fastbias.loops.record import record_states
from fastbias.loops.steppers import OK, OVERFLOW, gd_advance, gd_advance_parallel
from fastbias.loops.trajectory import Trajectory

__all__ = ["PARALLEL_MIN_ROWS", "gd"]

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
    w0 : array_like, shape (d,), optional
        Start; never modified. Give either ``w0`` or ``inits``.
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
    inits : array_like, shape (R, d), optional
        R independent initialisations, run in parallel (one thread each).
    parallel : bool or "auto"
        Use the row-parallel gradient (one replicate only). ``"auto"`` picks it
        for n >= ``PARALLEL_MIN_ROWS`` and R = 1.
    progress : bool
        Show a progress bar.
    chunk_seconds : float
        About how long compiled code runs before Python gets control back
        (progress, Ctrl-C). Does not affect results.

    Returns
    -------
    Trajectory
        See :class:`fastbias.Trajectory`; GD records the iterate statistics and
        the cumulative counters ``flips``, ``sep_entries``, ``sep_exits``.

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
    W = v.as_vector(w0, "w0", d)[None, :] if inits is None else v.as_inits(inits, d)
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

    check_initial_loss(X, y, W, slope, "w0" if inits is None else "inits")
    _warn_step_size(X, y, W, slope, eta)
    args = {"eta": eta, "n_iter": n_iter, "slope": slope, "replicates": R,
            "checkpoints_per_decade": per_decade, "parallel": use_parallel}
    return _run_gd(X, y, W, schedule, args, use_parallel, progress, chunk_seconds)


def check_initial_loss(X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, name: str) -> None:
    """Reject starts whose loss already overflows float64 (nothing finite to keep)."""
    for r in range(W.shape[0]):
        if not np.isfinite(_loss(W[r], X, y, slope)):
            where = "" if W.shape[0] == 1 else f" (row {r})"
            raise InputError(
                f"{name}{where} has an infinite loss: exp(-y sigma(w.x)) overflows float64 at the start"
            )


def _warn_step_size(X: np.ndarray, y: np.ndarray, W: np.ndarray, slope: float, eta: float) -> None:
    max_sq = float(np.max(np.einsum("ij,ij->i", X, X)))
    worst = max(_loss(W[r], X, y, slope) for r in range(W.shape[0]))
    bound = 2.0 / (max_sq * worst) if max_sq * worst > 0 else np.inf
    if eta > bound:
        warnings.warn(
            f"eta = {eta:g} exceeds the local smoothness bound 2 / (max ||x_i||^2 L(w0)) = "
            f"{bound:.3g}: the run may leave the small-step regime the theory assumes",
            StepSizeWarning,
            stacklevel=3,
        )


def _initial_pattern(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Activation pattern and separability of each start, as the stepper computes them."""
    R, n = W.shape[0], X.shape[0]
    active = np.empty((R, n), dtype=np.bool_)
    sep = np.empty(R, dtype=np.bool_)
    m = np.empty(n)
    for r in range(R):
        _margins(W[r], X, m)
        active[r] = m > 0.0
        sep[r] = bool(np.all(y * m > 0.0))
    return active, sep


def _run_gd(X, y, W, schedule, args, use_parallel, progress, chunk_seconds) -> Trajectory:
    R, d = W.shape
    n = X.shape[0]
    slope = args["slope"]
    eta = args["eta"]
    active, sep = _initial_pattern(W, X, y)
    W_prev = W.copy()
    counts = np.zeros((R, 3), dtype=np.int64)
    status = np.full(R, OK, dtype=np.int8)
    t_stop = np.full(R, -1, dtype=np.int64)

    times = np.concatenate(([0], schedule)).astype(np.int64)
    rec = _allocate_records(times.size, R, n, d)
    t_rec = np.zeros(times.size, dtype=np.int64)
    extra_flips = np.empty(R, dtype=np.int64)
    sep_now = np.empty(R, dtype=np.bool_)
    step = gd_advance_parallel if use_parallel else gd_advance

    def advance(t0: int, t1: int) -> None:
        step(X, y, slope, eta, W, W_prev, active, counts, sep, status, t_stop, t0, t1)

    def record_rows(c: int) -> None:
        rec["w"][c] = W
        record_states(
            W, X, y, slope, active, True,
            rec["loss"][c], rec["excess"][c], rec["norm"][c], rec["mask"][c], rec["region"][c],
            rec["region_margin"][c], rec["linear_margin"][c], extra_flips, sep_now,
        )

    def record(c: int, t: int) -> None:
        t_rec[c] = t
        record_rows(c)
        # The stepper's last step produced w_t without evaluating its loss; if
        # that overflows, step back to w_{t-1} here, exactly as the stepper
        # would at its next pass (so how the run is split changes nothing).
        bad = (status == OK) & ~np.isfinite(rec["loss"][c])
        if bad.any():
            W[bad] = W_prev[bad]
            status[bad] = OVERFLOW
            t_stop[bad] = t - 1
            record_rows(c)
        # Counters cover w_0..w_t: the stepper has counted up to the last
        # evaluated iterate; the recorder adds the step to w_t itself.
        rec["flips"][c] = counts[:, 0] + extra_flips
        rec["sep_entries"][c] = counts[:, 1] + (sep_now & ~sep)
        rec["sep_exits"][c] = counts[:, 2] + (~sep_now & sep)

    timing = run_schedule(
        times, advance, record, lambda: bool(np.all(status != OK)),
        chunk_seconds=chunk_seconds, progress=progress, desc="gd", replicates=R,
    )
    rows = timing.pop("rows")
    meta = {"algorithm": "gd", "args": args, "versions": versions(), **timing}
    return Trajectory(
        algorithm="gd",
        t=t_rec[:rows].copy(),
        status=status_names(status),
        t_stop=t_stop,
        labels=y.copy(),
        meta=meta,
        arrays={k: a[:rows].copy() for k, a in rec.items()},
    )


def _allocate_records(C: int, R: int, n: int, d: int) -> dict[str, np.ndarray]:
    nbytes = (n + 7) // 8
    return {
        "w": np.empty((C, R, d)),
        "loss": np.empty((C, R)),
        "excess": np.empty((C, R)),
        "norm": np.empty((C, R)),
        "mask": np.empty((C, R, nbytes), dtype=np.uint8),
        "region": np.empty((C, R), dtype=np.int8),
        "region_margin": np.empty((C, R)),
        "linear_margin": np.empty((C, R)),
        "flips": np.empty((C, R), dtype=np.int64),
        "sep_entries": np.empty((C, R), dtype=np.int64),
        "sep_exits": np.empty((C, R), dtype=np.int64),
    }
