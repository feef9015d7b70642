"""Stochastic gradient descent with running averages: ``fastbias.sgd``."""

from __future__ import annotations

import numpy as np

from fastbias import _validate as v
from fastbias.kernels.rng import replicate_key
from fastbias.loops.driver import run_schedule, status_names, versions
from fastbias.loops.gd import _allocate_records, check_initial_loss
from fastbias.loops.record import DEAD as REGION_DEAD
from fastbias.loops.record import record_states
from fastbias.loops.steppers import DEAD, OK, OVERFLOW, SGD_BLOCK, sgd_advance
from fastbias.loops.trajectory import Trajectory

__all__ = ["sgd"]

_STATS = ("loss", "excess", "norm", "mask", "region", "region_margin", "linear_margin")


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
    w0 : array_like, shape (d,)
        Start of every replicate; never modified.
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
    n, d = X.shape
    w0 = v.as_vector(w0, "w0", d)
    n_iter = v.check_positive_int(n_iter, "n_iter")
    eta0 = v.check_positive_float(eta0, "eta0")
    alpha = v.check_nonnegative_float(alpha, "alpha")
    R = v.check_positive_int(replicates, "replicates")
    seed = v.check_seed(seed)
    slope = v.check_slope(slope)
    schedule, per_decade = v.as_checkpoints(checkpoints, n_iter)
    chunk_seconds = v.check_positive_float(chunk_seconds, "chunk_seconds")
    progress = v.check_flag(progress, "progress")

    check_initial_loss(X, y, w0[None, :], slope, "w0")
    W = np.tile(w0, (R, 1))
    S = np.zeros((R, d))
    Ccomp = np.zeros((R, d))
    keys = np.array([replicate_key(np.uint64(seed), r) for r in range(R)], dtype=np.uint64)
    status = np.full(R, OK, dtype=np.int8)
    t_stop = np.full(R, -1, dtype=np.int64)
    table = np.empty(min(SGD_BLOCK, n_iter))

    times = np.concatenate(([0], schedule)).astype(np.int64)
    C = times.size
    rec = _allocate_records(C, R, n, d)
    for k in ("flips", "sep_entries", "sep_exits"):
        del rec[k]
    rec_bar = {f"{k}_wbar": np.empty_like(rec[k]) for k in _STATS}
    rec.update(rec_bar)
    rec["wbar"] = np.empty((C, R, d))
    rec["mean_w"] = np.empty((C, d))
    rec["se_w"] = np.empty((C, d))
    rec["mean_wbar"] = np.empty((C, d))
    rec["se_wbar"] = np.empty((C, d))
    t_rec = np.zeros(C, dtype=np.int64)
    no_prev = np.zeros((R, 1), dtype=np.bool_)
    scratch_i = np.empty(R, dtype=np.int64)
    scratch_b = np.empty(R, dtype=np.bool_)

    def advance(t0: int, t1: int) -> None:
        sgd_advance(X, y, slope, eta0, alpha, keys, W, S, Ccomp, status, t_stop, table, t0, t1)

    def averages(t: int) -> np.ndarray:
        if t == 0:
            return W.copy()
        # A stopped replicate's sum ends at t_stop; a dead one's iterate stays
        # put after that, so its average continues exactly.
        stopped = status != OK
        upto = np.where(stopped, t_stop, t).astype(np.float64)
        total = S - Ccomp
        dead = status == DEAD
        total[dead] += (t - upto[dead])[:, None] * W[dead]
        denom = np.where(dead, t, upto).astype(np.float64)
        out = total / np.maximum(denom, 1.0)[:, None]
        out[denom == 0] = W[denom == 0]  # stopped at its first step: wbar_0 = w_0
        return out

    def stats(c: int, V: np.ndarray, suffix: str) -> None:
        record_states(
            V, X, y, slope, no_prev, False,
            rec[f"loss{suffix}"][c], rec[f"excess{suffix}"][c], rec[f"norm{suffix}"][c],
            rec[f"mask{suffix}"][c], rec[f"region{suffix}"][c], rec[f"region_margin{suffix}"][c],
            rec[f"linear_margin{suffix}"][c], scratch_i, scratch_b,
        )

    # State at the last checkpoint whose statistics were all finite: an
    # overflowing replicate goes back there (the stepper sees only the sampled
    # term, so it cannot know that another sample's loss overflowed).
    good = {"W": W.copy(), "S": S.copy(), "C": Ccomp.copy(), "t": np.zeros(R, dtype=np.int64)}
    rolled = np.zeros(R, dtype=np.bool_)

    def record_rows(c: int, t: int) -> None:
        stats(c, W, "")
        wbar = averages(t)
        rec["w"][c] = W
        rec["wbar"][c] = wbar
        stats(c, wbar, "_wbar")

    def record(c: int, t: int) -> None:
        t_rec[c] = t
        record_rows(c, t)
        finite = (
            np.isfinite(rec["loss"][c]) & np.isfinite(rec["loss_wbar"][c])
            & np.isfinite(rec["norm"][c]) & np.isfinite(rec["norm_wbar"][c])
        )
        bad = ~rolled & ((status == OVERFLOW) | ~finite)
        if bad.any():
            rolled[bad] = True
            W[bad], S[bad], Ccomp[bad] = good["W"][bad], good["S"][bad], good["C"][bad]
            status[bad] = OVERFLOW
            t_stop[bad] = good["t"][bad]
            record_rows(c, t)
        if slope == 0.0:
            newly_dead = (status == OK) & (rec["region"][c] == REGION_DEAD)
            status[newly_dead] = DEAD
            t_stop[newly_dead] = t
        for name in ("w", "wbar"):
            rec[f"mean_{name}"][c] = rec[name][c].mean(axis=0)
            rec[f"se_{name}"][c] = rec[name][c].std(axis=0, ddof=1) / np.sqrt(R) if R > 1 else 0.0
        ok = status == OK
        good["W"][ok], good["S"][ok], good["C"][ok] = W[ok], S[ok], Ccomp[ok]
        good["t"][ok] = t

    timing = run_schedule(
        times, advance, record, lambda: bool(np.all(status != OK)),
        chunk_seconds=chunk_seconds, progress=progress, desc="sgd", replicates=R,
    )
    rows = timing.pop("rows")
    args = {"n_iter": n_iter, "eta0": eta0, "alpha": alpha, "replicates": R, "seed": seed,
            "slope": slope, "checkpoints_per_decade": per_decade}
    meta = {"algorithm": "sgd", "args": args, "versions": versions(), **timing}
    return Trajectory(
        algorithm="sgd",
        t=t_rec[:rows].copy(),
        status=status_names(status),
        t_stop=t_stop,
        labels=y.copy(),
        meta=meta,
        arrays={k: a[:rows].copy() for k, a in rec.items()},
    )
