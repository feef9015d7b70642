"""Compiled steppers: advance a run's state in place from t0 to t1.

One loop per algorithm, for every model. The model (``NEURON`` or
``NETWORK``) is an integer argument that selects, inside the loop, which
module-level pass or per-sample kernel to call: static dispatch keeps
``cache=True`` working and lets LLVM inline the kernels (passing jitted
functions as arguments defeats the cache; see docs/DESIGN_NOTES.md).

State layout per replicate: parameters flattened to one vector ``w`` of
length P (the neuron's d weights, or the network's (d, K) matrix W row-major),
activation flags of length n*K (K = 1 for the neuron), ``v`` the network's
output weights (a dummy (1,) array for the neuron).

Steppers never raise and never allocate inside the step loop; each
replicate's outcome goes to ``status`` (and ``t_stop``), and the Python run
reports it. Replicates are the unit of parallelism (``prange`` over r); each
replicate's state is copied into thread-local arrays for the duration of a
call, so threads never write neighbouring cache lines (PERF_NOTES 6).
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from fastbias._jit import N_BLOCKS, jit, jit_inline, jit_parallel
from fastbias.kernels.network import net_term, preactivations_flat, tracked_rows_flat
from fastbias.kernels.neuron import block_bounds, row_dot, row_term, tracked_rows
from fastbias.kernels.rng import draw_index
from fastbias.loops.schedule import fill_step_sizes, step_size

__all__ = [
    "DEAD",
    "NETWORK",
    "NEURON",
    "OK",
    "OVERFLOW",
    "STATUS_NAMES",
    "gd_advance",
    "gd_advance_parallel",
    "sgd_advance",
]

OK = 0
OVERFLOW = 1  # an exponent or an iterate left float64 range; state is the last finite iterate
DEAD = 2  # ReLU with no active sample: the gradient is exactly zero forever
STATUS_NAMES = ("ok", "overflow", "dead")

NEURON = 0
NETWORK = 1

#: Steps per shared step-size table in SGD (512 KiB of float64: stays in L2). Every block is a
#: barrier for all threads, so fewer blocks mean fewer waits for a busy core: 2-thread scaling at
#: R = 8 measured 1.83x with 16384 (median of 15 runs), 1.89x with 65536.
SGD_BLOCK = 65536


@jit_inline
def _pass(
    model: int, w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, v: np.ndarray, lo: int, hi: int,
    active: np.ndarray, g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> tuple[float, int, bool, int]:
    """The model's tracked pass over rows [lo, hi): (loss_sum, flips, separable, n_active).

    Networks take the flat parameters as they are (no (d, K) view: a reshape
    per pass cost about 10% at n = 15, K = 3).
    """
    if model == NEURON:
        return tracked_rows(w, X, y, slope, lo, hi, active, g)
    return tracked_rows_flat(w, v, X, y, slope, lo, hi, active, g, z, c)


@jit
def _refresh(
    model: int, w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, v: np.ndarray, n: int,
    active: np.ndarray, g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> None:
    """Recompute the activation flags of ``w`` (after a step back).

    A call, not inlined: it is rare, and a second inlined copy of the pass
    (neuron and both network variants) doubled the loop's first compile.
    """
    _pass(model, w, X, y, slope, v, 0, n, active, g, z, c)


@jit_inline
def _apply_step(w: np.ndarray, prev: np.ndarray, g: np.ndarray, scale: float) -> bool:
    """prev <- w; w <- w - scale * g, unless that leaves float64 range.

    Returns whether the step was applied; if not, ``w`` is untouched (the last
    finite iterate). The candidate is computed twice (checked, then stored)
    rather than kept in scratch memory: the store and reload sat on the
    iteration's critical path (about 10% at n = 3, d = 2).
    """
    finite = True
    for j in range(w.shape[0]):
        finite &= abs(w[j] - scale * g[j]) < math.inf
    if finite:
        for j in range(w.shape[0]):
            wj = w[j]
            prev[j] = wj
            w[j] = wj - scale * g[j]
    return finite


@jit
def _gd_steps(
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    eta: float,
    w: np.ndarray,
    prev: np.ndarray,
    g: np.ndarray,
    active: np.ndarray,
    counts: np.ndarray,
    sep: bool,
    t0: int,
    t1: int,
    z: np.ndarray,
    c: np.ndarray,
) -> tuple[int, int, bool]:
    """GD for one replicate with the serial pass; returns (t_end, status, sep).

    The counters live in locals for the whole loop and are written back once:
    a store into ``counts`` every iteration may alias ``w`` or ``X`` as far as
    LLVM knows, which forces reloads and cost 1.6x at n = 3.
    """
    n = X.shape[0]
    flips = counts[0]
    entries = counts[1]
    exits = counts[2]
    t_end = t1
    status = OK
    for t in range(t0, t1):
        for j in range(g.shape[0]):
            g[j] = 0.0
        total, f, s, n_active = _pass(model, w, X, y, slope, v, 0, n, active, g, z, c)
        if not total < math.inf:
            # w_t is past float64 range: nothing is counted, return to w_{t-1}.
            for j in range(w.shape[0]):
                w[j] = prev[j]
            _refresh(model, w, X, y, slope, v, n, active, g, z, c)
            t_end, status = t - 1, OVERFLOW
            break
        flips += f
        entries, exits = _transitions(sep, s, entries, exits)
        sep = s
        if n_active == 0 and slope == 0.0:
            t_end, status = t, DEAD
            break
        if not _apply_step(w, prev, g, eta / n):
            t_end, status = t, OVERFLOW
            break
    counts[0] = flips
    counts[1] = entries
    counts[2] = exits
    return t_end, status, sep


@jit_inline
def _tracked_d2(
    w0: float, w1: float, X: np.ndarray, y: np.ndarray, slope: float, active: np.ndarray
) -> tuple[float, int, bool, int, float, float]:
    """:func:`~fastbias.kernels.neuron.tracked_rows` for d = 2 with w and g in registers.

    The same operations in the same order (so the same bits); returns
    ``(loss_sum, flips, separable, n_active, g0, g1)``.
    """
    total = 0.0
    flips = 0
    n_active = 0
    separable = True
    g0 = 0.0
    g1 = 0.0
    for i in range(X.shape[0]):
        x0 = X[i, 0]
        x1 = X[i, 1]
        # -0.0 + a is a for every a, so LLVM drops that add (0.0 + a is not: it maps -0.0 to +0.0).
        # m differs from the in-order sum from 0.0 only in the sign of a zero m, which no output
        # sees (m > 0 and exp(-y m) are the same for +-0): one add less on the critical path.
        m = -0.0
        m += w0 * x0
        m += w1 * x1
        yi = y[i]
        on = m > 0.0
        if on != active[i]:
            flips += 1
            active[i] = on
        if on:
            n_active += 1
        if not yi * m > 0.0:
            separable = False
        e, c = row_term(m, yi, slope)
        total += e
        if c != 0.0:
            g0 += c * x0
            g1 += c * x1
    return total, flips, separable, n_active, g0, g1


@jit
def _gd_steps_d2(
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    eta: float,
    w: np.ndarray,
    prev: np.ndarray,
    active: np.ndarray,
    counts: np.ndarray,
    sep: bool,
    t0: int,
    t1: int,
) -> tuple[int, int, bool]:
    """:func:`_gd_steps` for the neuron in two dimensions (the paper's examples), w held in registers.

    Bit for bit the generic loop (tested against it on zero-padded data); it
    saves the trip of w and g through memory that sits on the iteration's
    critical path.
    """
    n = X.shape[0]
    flips = counts[0]
    entries = counts[1]
    exits = counts[2]
    w0, w1, p0, p1 = w[0], w[1], prev[0], prev[1]
    t_end = t1
    status = OK
    for t in range(t0, t1):
        total, f, s, n_active, g0, g1 = _tracked_d2(w0, w1, X, y, slope, active)
        if not total < math.inf:
            w0, w1 = p0, p1
            _tracked_d2(w0, w1, X, y, slope, active)
            t_end, status = t - 1, OVERFLOW
            break
        flips += f
        entries, exits = _transitions(sep, s, entries, exits)
        sep = s
        if n_active == 0 and slope == 0.0:
            t_end, status = t, DEAD
            break
        scale = eta / n
        u0 = w0 - scale * g0
        u1 = w1 - scale * g1
        if not (abs(u0) < math.inf) & (abs(u1) < math.inf):
            t_end, status = t, OVERFLOW
            break
        p0, p1 = w0, w1
        w0, w1 = u0, u1
    w[0], w[1], prev[0], prev[1] = w0, w1, p0, p1
    counts[0] = flips
    counts[1] = entries
    counts[2] = exits
    return t_end, status, sep


@jit_inline
def _transitions(before: bool, after: bool, entries: int, exits: int) -> tuple[int, int]:
    """Count an entry into or an exit from the separable region."""
    if after and not before:
        entries += 1
    elif before and not after:
        exits += 1
    return entries, exits


@jit_parallel
def gd_advance(
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    eta: float,
    W: np.ndarray,
    W_prev: np.ndarray,
    active: np.ndarray,
    counts: np.ndarray,
    sep: np.ndarray,
    status: np.ndarray,
    t_stop: np.ndarray,
    t0: int,
    t1: int,
) -> None:
    """Advance R independent GD runs (rows of ``W``, each a flattened parameter vector) from t0 to t1.

    State per replicate r: ``W[r]`` (w_t), ``W_prev[r]`` (w_{t-1}, to step back
    to when w_t's loss overflows), ``active[r]`` (activation pattern of the
    last evaluated iterate), ``counts[r]`` (cumulative activation flips,
    separable-region entries, exits), ``sep[r]`` (whether that iterate was
    separable), ``status[r]`` and ``t_stop[r]``. Replicates not ``OK`` are left
    as they are.
    """
    if W.shape[0] == 1:
        # No parallel region for one run: each entry waits for every thread,
        # which costs up to a time slice when another process holds a core.
        _gd_replicate(0, model, X, y, slope, v, eta, W, W_prev, active, counts, sep, status, t_stop, t0, t1)
        return
    for r in prange(W.shape[0]):
        _gd_replicate(r, model, X, y, slope, v, eta, W, W_prev, active, counts, sep, status, t_stop, t0, t1)


@jit
def _gd_replicate(
    r: int,
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    eta: float,
    W: np.ndarray,
    W_prev: np.ndarray,
    active: np.ndarray,
    counts: np.ndarray,
    sep: np.ndarray,
    status: np.ndarray,
    t_stop: np.ndarray,
    t0: int,
    t1: int,
) -> None:
    """Replicate r of :func:`gd_advance`, on thread-local copies of its state (PERF_NOTES 6)."""
    if status[r] != OK:
        return
    w = W[r].copy()
    prev = W_prev[r].copy()
    g = np.empty_like(w)
    act = active[r].copy()
    cnt = counts[r].copy()
    z = np.empty(v.shape[0])
    c = np.empty(v.shape[0])
    if model == NEURON and X.shape[1] == 2:
        t_end, st, s = _gd_steps_d2(X, y, slope, eta, w, prev, act, cnt, sep[r], t0, t1)
    else:
        t_end, st, s = _gd_steps(model, X, y, slope, v, eta, w, prev, g, act, cnt, sep[r], t0, t1, z, c)
    W[r] = w
    W_prev[r] = prev
    active[r] = act
    counts[r] = cnt
    sep[r] = s
    if st != OK:
        status[r] = st
        t_stop[r] = t_end


@jit_parallel
def _tracked_parallel(
    model: int,
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    active: np.ndarray,
    partial: np.ndarray,
    stats: np.ndarray,
    g: np.ndarray,
) -> tuple[float, int, bool, int]:
    """The tracked pass over a fixed number of row blocks, reduced in block order."""
    n = X.shape[0]
    nb = partial.shape[0]
    K = v.shape[0]
    for b in prange(nb):
        lo, hi = block_bounds(n, nb, b)
        for j in range(partial.shape[1]):
            partial[b, j] = 0.0
        z = np.empty(K)
        c = np.empty(K)
        total, flips, s, n_act = _pass(model, w, X, y, slope, v, lo, hi, active, partial[b], z, c)
        stats[b, 0] = total
        stats[b, 1] = flips
        stats[b, 2] = 1.0 if s else 0.0
        stats[b, 3] = n_act
    total = 0.0
    flips = 0
    s = True
    n_act = 0
    for j in range(g.shape[0]):
        g[j] = 0.0
    for b in range(nb):
        total += stats[b, 0]
        flips += int(stats[b, 1])
        s = s and stats[b, 2] > 0.0
        n_act += int(stats[b, 3])
        for j in range(g.shape[0]):
            g[j] += partial[b, j]
    return total, flips, s, n_act


@jit
def gd_advance_parallel(
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    eta: float,
    W: np.ndarray,
    W_prev: np.ndarray,
    active: np.ndarray,
    counts: np.ndarray,
    sep: np.ndarray,
    status: np.ndarray,
    t_stop: np.ndarray,
    t0: int,
    t1: int,
) -> None:
    """:func:`gd_advance` with the pass parallel over row blocks.

    For large n and few replicates (PERF_NOTES 6: ``prange`` inside a step
    pays only for large n). The blocks are fixed (``N_BLOCKS``), so results do
    not depend on the thread count.
    """
    n = X.shape[0]
    P = W.shape[1]
    nb = min(N_BLOCKS, n)
    partial = np.empty((nb, P))
    stats = np.empty((nb, 4))
    g = np.empty(P)
    for r in range(W.shape[0]):
        if status[r] != OK:
            continue
        w = W[r]
        s = sep[r]
        for t in range(t0, t1):
            total, flips, s_now, n_act = _tracked_parallel(
                model, w, X, y, slope, v, active[r], partial, stats, g
            )
            st = OK
            if not total < math.inf:
                for j in range(P):
                    w[j] = W_prev[r, j]
                _tracked_parallel(model, w, X, y, slope, v, active[r], partial, stats, g)
                st, t = OVERFLOW, t - 1
            else:
                counts[r, 0] += flips
                counts[r, 1], counts[r, 2] = _transitions(s, s_now, counts[r, 1], counts[r, 2])
                s = s_now
                if n_act == 0 and slope == 0.0:
                    st = DEAD
                elif not _apply_step(w, W_prev[r], g, eta / n):
                    st = OVERFLOW
            if st != OK:
                status[r] = st
                t_stop[r] = t
                break
        sep[r] = s


@jit_inline
def _net_delta(
    w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, v: np.ndarray, i: int, eta: float,
    delta: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> tuple[bool, bool]:
    """A network's SGD update of sample i: w_next = w - delta. Returns (moves, finite).

    ``moves`` is False when the sample's gradient is exactly zero (ReLU, no
    active unit: no exp evaluated); ``finite`` whether w - delta stays finite.
    """
    d, K = X.shape[1], v.shape[0]
    preactivations_flat(w, K, X, i, z)
    e = net_term(z, v, y[i], slope, c)
    moves = False
    for k in range(K):
        moves = moves or c[k] != 0.0
    if not moves:
        return False, True
    finite = e < math.inf
    for j in range(d):
        for k in range(K):
            delta[j * K + k] = (eta * c[k]) * X[i, j]
            finite &= abs(w[j * K + k] - delta[j * K + k]) < math.inf
    return True, finite


@jit_inline
def _eta(table: np.ndarray, j: int, eta0: float, alpha: float, k: int, own: bool) -> float:
    """eta_k for step j of a block: its own pow (``own``), or the block's shared table.

    One replicate computes eta_k itself, and only for a step that moves w: the
    pow then overlaps the iteration's dependency chain instead of running in a
    table pass first, and an inactive ReLU sample costs none. Either way the
    value is :func:`~fastbias.loops.schedule.step_size`, the same bits.
    """
    if own:
        return step_size(eta0, alpha, k)
    return table[j]


@jit_inline
def _kahan_add(w: np.ndarray, wsum: np.ndarray, comp: np.ndarray) -> None:
    """wsum += w with Kahan compensation (fastmath off, so LLVM keeps the compensation)."""
    for q in range(w.shape[0]):
        yk = w[q] - comp[q]
        tk = wsum[q] + yk
        comp[q] = (tk - wsum[q]) - yk
        wsum[q] = tk


@jit
def _sgd_steps(
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    key: np.uint64,
    table: np.ndarray,
    eta0: float,
    alpha: float,
    own: bool,
    k0: int,
    count: int,
    w: np.ndarray,
    wsum: np.ndarray,
    comp: np.ndarray,
    delta: np.ndarray,
    z: np.ndarray,
    c: np.ndarray,
) -> tuple[int, int]:
    """``count`` SGD steps of one replicate from global step k0; returns (k_end, status).

    Step k: draw i_k, compute the update, add w_k to the Kahan-compensated
    running sum, then w_{k+1} = w_k - eta_k grad ell(w_k; z_{i_k}).

    An update that would leave float64 range stops the replicate with status
    ``OVERFLOW`` and k_end = k. The network's state is then untouched: it keeps
    exactly (w_k, sum_{<k} w). The neuron's is not: it adds and updates in one
    pass and tests the new w in the same pass (a separate test pass first cost
    ~10% at n = 1000, d = 50), so its caller replays the block from its start
    up to step k, which gives the same bits (see :func:`_sgd_replicate`). The
    neuron updates w directly (a scratch ``delta`` between would cost 1.7x at
    n = 3: LLVM cannot rule out that it aliases w).
    """
    n = X.shape[0]
    d = X.shape[1]
    for j in range(count):
        i = draw_index(key, k0 + j, n)
        if model == NEURON:
            e, coef = row_term(row_dot(w, X, i), y[i], slope)
            if coef == 0.0:
                _kahan_add(w, wsum, comp)
                continue
            if not e < math.inf:
                return k0 + j, OVERFLOW
            step = _eta(table, j, eta0, alpha, k0 + j, own) * coef
            finite = True
            for q in range(d):  # _kahan_add and the update, fused
                wq = w[q]
                yk = wq - comp[q]
                tk = wsum[q] + yk
                comp[q] = (tk - wsum[q]) - yk
                wsum[q] = tk
                wq = wq - step * X[i, q]
                w[q] = wq
                finite &= abs(wq) < math.inf
            if not finite:
                return k0 + j, OVERFLOW
        else:
            moves, finite = _net_delta(w, X, y, slope, v, i, _eta(table, j, eta0, alpha, k0 + j, own), delta,
                                       z, c)
            if not finite:
                return k0 + j, OVERFLOW
            _kahan_add(w, wsum, comp)
            if moves:
                for q in range(w.shape[0]):
                    w[q] -= delta[q]
    return k0 + count, OK


@jit
def _sgd_steps_d2(
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    key: np.uint64,
    table: np.ndarray,
    eta0: float,
    alpha: float,
    own: bool,
    k0: int,
    count: int,
    w: np.ndarray,
    wsum: np.ndarray,
    comp: np.ndarray,
) -> tuple[int, int]:
    """:func:`_sgd_steps` for the neuron in two dimensions: w and the Kahan sums in registers.

    The same operations in the same order (bit for bit the generic loop, tested
    on zero-padded data).
    """
    n = X.shape[0]
    w0, w1 = w[0], w[1]
    s0, s1 = wsum[0], wsum[1]
    c0, c1 = comp[0], comp[1]
    for j in range(count):
        i = draw_index(key, k0 + j, n)
        x0 = X[i, 0]
        x1 = X[i, 1]
        m = -0.0  # one add less, no output changes (see _tracked_d2)
        m += w0 * x0
        m += w1 * x1
        e, coef = row_term(m, y[i], slope)
        step = 0.0
        if coef != 0.0:
            step = _eta(table, j, eta0, alpha, k0 + j, own) * coef
            if not (e < math.inf) & (abs(w0 - step * x0) < math.inf) & (abs(w1 - step * x1) < math.inf):
                w[0], w[1], wsum[0], wsum[1], comp[0], comp[1] = w0, w1, s0, s1, c0, c1
                return k0 + j, OVERFLOW
        yk = w0 - c0
        tk = s0 + yk
        c0 = (tk - s0) - yk
        s0 = tk
        yk = w1 - c1
        tk = s1 + yk
        c1 = (tk - s1) - yk
        s1 = tk
        if coef != 0.0:
            w0 -= step * x0
            w1 -= step * x1
    w[0], w[1], wsum[0], wsum[1], comp[0], comp[1] = w0, w1, s0, s1, c0, c1
    return k0 + count, OK


@jit_parallel
def sgd_advance(
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    eta0: float,
    alpha: float,
    keys: np.ndarray,
    W: np.ndarray,
    S: np.ndarray,
    C: np.ndarray,
    status: np.ndarray,
    t_stop: np.ndarray,
    table: np.ndarray,
    t0: int,
    t1: int,
) -> None:
    """Advance R SGD replicates from global step t0 to t1.

    State per replicate r: ``W[r]`` (w_t, flattened), ``S[r]`` (sum_{k<t} w_k)
    and ``C[r]`` (its Kahan compensation), ``status[r]``, ``t_stop[r]``;
    ``keys[r]`` is the replicate's random-stream key. ``table`` is scratch of
    any length >= 1: with R > 1 replicates the step sizes of a block of steps
    are computed into it once and read by every replicate; its length sets the
    block (one replicate computes its own step sizes, see :func:`_eta`).
    """
    R = W.shape[0]
    block = table.shape[0]
    own = R == 1
    k = t0
    while k < t1:
        count = min(block, t1 - k)
        if own:  # no parallel region for one replicate (see gd_advance)
            _sgd_replicate(0, model, X, y, slope, v, keys, W, S, C, status, t_stop, table, eta0, alpha, own,
                           k, count)
            k += count
            continue
        if alpha != 0.0:
            # One pow per step, shared by all replicates, filled in parallel:
            # filled serially it caps the speed-up of R >= 8 replicates at ~1.8x
            # on 2 threads. Each entry is a pure function of k: no bit changes.
            parts = 8
            for p in prange(parts):
                lo = p * count // parts
                fill_step_sizes(eta0, alpha, k + lo, table[lo:], (p + 1) * count // parts - lo)
        else:
            fill_step_sizes(eta0, alpha, k, table, count)
        for r in prange(R):
            _sgd_replicate(r, model, X, y, slope, v, keys, W, S, C, status, t_stop, table, eta0, alpha, own,
                           k, count)
        k += count


@jit
def _sgd_replicate(
    r: int,
    model: int,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    v: np.ndarray,
    keys: np.ndarray,
    W: np.ndarray,
    S: np.ndarray,
    C: np.ndarray,
    status: np.ndarray,
    t_stop: np.ndarray,
    table: np.ndarray,
    eta0: float,
    alpha: float,
    own: bool,
    k: int,
    count: int,
) -> None:
    """One block of replicate r of :func:`sgd_advance`, on thread-local copies of its state."""
    if status[r] != OK:
        return
    K = v.shape[0]
    w = W[r].copy()
    s = S[r].copy()
    cc = C[r].copy()
    delta = np.empty_like(w)
    z = np.empty(K)
    c = np.empty(K)
    if model == NEURON and X.shape[1] == 2:
        k_end, st = _sgd_steps_d2(X, y, slope, keys[r], table, eta0, alpha, own, k, count, w, s, cc)
    else:
        k_end, st = _sgd_steps(model, X, y, slope, v, keys[r], table, eta0, alpha, own, k, count, w, s, cc,
                               delta, z, c)
        if st == OVERFLOW and model == NEURON:
            # The neuron's overflowing step has touched w and the sums: replay the
            # block from its start (still in W[r], S[r], C[r]) up to that step.
            w[:] = W[r]
            s[:] = S[r]
            cc[:] = C[r]
            _sgd_steps(model, X, y, slope, v, keys[r], table, eta0, alpha, own, k, k_end - k, w, s, cc, delta,
                       z, c)
    W[r] = w
    S[r] = s
    C[r] = cc
    if st != OK:
        status[r] = st
        t_stop[r] = k_end
