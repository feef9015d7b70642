"""One-hidden-layer network kernels: f(x) = sum_k v_k sigma(w_k . x), exponential loss.

``W`` is (d, K) C-contiguous (column k is w_k), ``v`` (K,) the fixed output
weights. L(W) = (1/n) sum_i exp(-y_i f(x_i)); the gradient w.r.t. w_k is
-(1/n) sum_i y_i v_k sigma'(w_k . x_i) e_i x_i.

The arithmetic mirrors :mod:`fastbias.kernels.neuron` operation for operation
(sums in the same order; y = +-1 makes every sign change exact), so a network
with K = 1 and v = (1) reproduces the single neuron bit for bit.

Kernels with a ``z`` / ``c`` argument take K-long scratch for pre-activations
and gradient coefficients; the public ones allocate that scratch once per call
(nothing per sample). The loops pass preallocated scratch.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from fastbias._jit import N_BLOCKS, jit, jit_inline, jit_parallel
from fastbias.kernels.neuron import block_bounds, strided_dot

__all__ = [
    "net_forward",
    "net_loss",
    "net_loss_grad",
    "net_loss_grad_parallel",
    "net_preactivations",
    "net_rows",
    "net_sample_loss_grad",
    "net_term",
    "net_tracked_rows",
    "preactivations_flat",
    "rows_flat",
    "tracked_rows_flat",
]


@jit_inline
def preactivations_flat(w: np.ndarray, K: int, X: np.ndarray, i: int, z: np.ndarray) -> None:
    """z[k] = w_k . x_i for the row-major flattened W (``w[j K + k]`` = W[j, k]).

    Each sum is :func:`~fastbias.kernels.neuron.strided_dot`, the neuron's own
    dot product, kept in registers and stored once (accumulating into z[k]
    made every add a load and a store: LLVM cannot prove that z does not alias
    W or X; it cost about 2x at n = 15, K = 3, d = 2). From ``WIDE_UNITS``
    units on, see :func:`_preactivations_wide`.
    """
    if K >= WIDE_UNITS:
        _preactivations_wide(w, K, X, i, z)
        return
    for k in range(K):
        z[k] = strided_dot(w, k, K, X, i)


#: From this many units on, pre-activations and gradients run over W's rows
#: (contiguous in k, SIMD across units) instead of unit by unit.
WIDE_UNITS = 8


@jit_inline
def _preactivations_wide(w: np.ndarray, K: int, X: np.ndarray, i: int, z: np.ndarray) -> None:
    """z = W^T x_i summed over j in order with k innermost: W is walked contiguously and the
    sums vectorise across units (unit by unit, W is read with stride K: about 3x slower at
    K = 64, d = 50). Below d = 8 this is the order of ``strided_dot`` too."""
    for k in range(K):
        z[k] = 0.0
    for j in range(X.shape[1]):
        xij = X[i, j]
        for k in range(K):
            z[k] += w[j * K + k] * xij


@jit_inline
def net_preactivations(W: np.ndarray, X: np.ndarray, i: int, z: np.ndarray) -> None:
    """z[k] = w_k . x_i for the (d, K) weights W (see :func:`preactivations_flat`)."""
    preactivations_flat(W.reshape(-1), W.shape[1], X, i, z)


@jit_inline
def net_term(z: np.ndarray, v: np.ndarray, yi: float, slope: float, c: np.ndarray) -> float:
    """Loss term exp(-y f) of one sample with pre-activations ``z``; c[k] = d term / d (w_k . x).

    With ReLU and no active unit, f = 0: the term is exactly 1, no ``exp`` is
    evaluated and every c[k] is 0.
    """
    K = z.shape[0]
    f = 0.0
    any_active = False
    for k in range(K):
        zk = z[k]
        if zk > 0.0:
            f += v[k] * zk
            any_active = True
        else:
            f += v[k] * (slope * zk)
    if slope == 0.0 and not any_active:
        for k in range(K):
            c[k] = 0.0
        return 1.0
    e = math.exp(-yi * f)
    for k in range(K):
        ds = 1.0 if z[k] > 0.0 else slope
        c[k] = (-yi * ds) * e * v[k]
    return e


@jit
def net_forward(W: np.ndarray, v: np.ndarray, X: np.ndarray, slope: float, out: np.ndarray) -> None:
    """Write the network outputs f(x_i) into ``out`` (length n)."""
    K = W.shape[1]
    z = np.empty(K)
    w = W.reshape(-1)
    for i in range(X.shape[0]):
        preactivations_flat(w, K, X, i, z)
        f = 0.0
        for k in range(K):
            f += v[k] * (z[k] if z[k] > 0.0 else slope * z[k])
        out[i] = f


@jit_inline
def _output(w: np.ndarray, v: np.ndarray, X: np.ndarray, i: int, slope: float, z: np.ndarray
            ) -> tuple[float, bool]:
    """Pre-activations of row i into ``z`` and the output f(x_i) (as :func:`net_term` sums it).

    ``w`` is W flattened row-major. Returns ``(f, any_active)``. One pass over
    the units, each dot product in registers (see :func:`preactivations_flat`).
    """
    f = 0.0
    any_active = False
    K = v.shape[0]
    for k in range(K):
        acc = strided_dot(w, k, K, X, i)
        z[k] = acc
        if acc > 0.0:
            f += v[k] * acc
            any_active = True
        else:
            f += v[k] * (slope * acc)
    return f, any_active


@jit_inline
def _add_gradient(g: np.ndarray, X: np.ndarray, i: int, z: np.ndarray, v: np.ndarray, yi: float,
                  slope: float, e: float) -> None:
    """G[:, k] += c_k x_i (G flattened row-major in ``g``), c_k = -y_i sigma'(z_k) e v_k.

    The coefficients are those :func:`net_term` writes."""
    K = v.shape[0]
    for k in range(K):
        ck = (-yi * (1.0 if z[k] > 0.0 else slope)) * e * v[k]
        for j in range(X.shape[1]):
            g[j * K + k] += ck * X[i, j]


@jit_inline
def _output_wide(w: np.ndarray, v: np.ndarray, X: np.ndarray, i: int, slope: float, z: np.ndarray
                 ) -> tuple[float, bool]:
    """:func:`_output` for ``WIDE_UNITS`` units or more (pre-activations by :func:`_preactivations_wide`)."""
    f = 0.0
    any_active = False
    _preactivations_wide(w, v.shape[0], X, i, z)
    for k in range(v.shape[0]):
        acc = z[k]
        if acc > 0.0:
            f += v[k] * acc
            any_active = True
        else:
            f += v[k] * (slope * acc)
    return f, any_active


@jit_inline
def _add_gradient_wide(g: np.ndarray, X: np.ndarray, i: int, z: np.ndarray, c: np.ndarray, v: np.ndarray,
                       yi: float, slope: float, e: float) -> None:
    """:func:`_add_gradient` walking G's rows (contiguous in k); the same single update per entry."""
    K = v.shape[0]
    for k in range(K):
        c[k] = (-yi * (1.0 if z[k] > 0.0 else slope)) * e * v[k]
    for j in range(X.shape[1]):
        xij = X[i, j]
        for k in range(K):
            g[j * K + k] += c[k] * xij


@jit_inline
def _rows_wide(
    w: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int,
    g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> float:
    """:func:`rows_flat` for ``WIDE_UNITS`` units or more."""
    total = 0.0
    for i in range(lo, hi):
        yi = y[i]
        f, any_active = _output_wide(w, v, X, i, slope, z)
        if slope == 0.0 and not any_active:
            total += 1.0
            continue
        e = math.exp(-yi * f)
        total += e
        _add_gradient_wide(g, X, i, z, c, v, yi, slope, e)
    return total


@jit_inline
def rows_flat(
    w: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int,
    g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> float:
    """:func:`net_rows` on W and G flattened row-major (``w``, ``g``); ``z``, ``c``: K-long scratch.

    The choice between the unit-by-unit and the row-wise (``WIDE_UNITS``)
    code is made once per pass: a test per sample slowed K = 3 by 1.6x.
    """
    if v.shape[0] >= WIDE_UNITS:
        return _rows_wide(w, v, X, y, slope, lo, hi, g, z, c)
    total = 0.0
    for i in range(lo, hi):
        yi = y[i]
        f, any_active = _output(w, v, X, i, slope, z)
        if slope == 0.0 and not any_active:
            total += 1.0
            continue
        e = math.exp(-yi * f)
        total += e
        _add_gradient(g, X, i, z, v, yi, slope, e)
    return total


@jit_inline
def net_rows(
    W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int,
    G: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> float:
    """Add the gradient sum of rows [lo, hi) into ``G`` (d, K); return their loss sum.

    ``z`` and ``c`` are K-long scratch; rows whose ReLU units are all
    inactive add 1 to the loss, nothing to G, and cost no exp.
    """
    return rows_flat(W.reshape(-1), v, X, y, slope, lo, hi, G.reshape(-1), z, c)


@jit_inline
def tracked_rows_flat(
    w: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int,
    active: np.ndarray, g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> tuple[float, int, bool, int]:
    """:func:`net_tracked_rows` on W and G flattened row-major (``w``, ``g``): what the GD loop calls.

    Unit by unit below ``WIDE_UNITS`` units, row-wise from there on (chosen
    once per pass, as in :func:`rows_flat`).
    """
    if v.shape[0] >= WIDE_UNITS:
        return _tracked_rows(True, w, v, X, y, slope, lo, hi, active, g, z, c)
    return _tracked_rows(False, w, v, X, y, slope, lo, hi, active, g, z, c)


@jit_inline
def _tracked_rows(
    wide: bool, w: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int,
    hi: int, active: np.ndarray, g: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> tuple[float, int, bool, int]:
    """The body of :func:`tracked_rows_flat`; inlined twice with ``wide`` a constant, so each
    copy has only its own code in the per-sample loop."""
    K = v.shape[0]
    total = 0.0
    flips = 0
    n_active = 0
    separable = True
    for i in range(lo, hi):
        if wide:
            f, any_active = _output_wide(w, v, X, i, slope, z)
        else:
            f, any_active = _output(w, v, X, i, slope, z)
        for k in range(K):
            on = z[k] > 0.0
            if on != active[i * K + k]:
                flips += 1
                active[i * K + k] = on
            n_active += on
        yi = y[i]
        if not yi * f > 0.0:
            separable = False
        if slope == 0.0 and not any_active:
            total += 1.0
            continue
        e = math.exp(-yi * f)
        total += e
        if wide:
            _add_gradient_wide(g, X, i, z, c, v, yi, slope, e)
        else:
            _add_gradient(g, X, i, z, v, yi, slope, e)
    return total, flips, separable, n_active


@jit_inline
def net_tracked_rows(
    W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int,
    active: np.ndarray, G: np.ndarray, z: np.ndarray, c: np.ndarray,
) -> tuple[float, int, bool, int]:
    """:func:`net_rows` that tracks the activation pattern (``active`` is (n*K,) bool, row-major).

    Returns ``(loss_sum, flips, separable, n_active)``: flips counts (sample,
    unit) pairs whose activation changed since the last call, separable is
    whether y_i f(x_i) > 0 for every row, n_active the active pairs. ``z``
    and ``c`` are K-long scratch.
    """
    return tracked_rows_flat(W.reshape(-1), v, X, y, slope, lo, hi, active, G.reshape(-1), z, c)


@jit
def net_loss(W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float) -> float:
    """Mean exponential loss of the network."""
    K = W.shape[1]
    z = np.empty(K)
    c = np.empty(K)
    total = 0.0
    w = W.reshape(-1)
    for i in range(X.shape[0]):
        preactivations_flat(w, K, X, i, z)
        total += net_term(z, v, y[i], slope, c)
    return total / X.shape[0]


@jit
def net_loss_grad(
    W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, out: np.ndarray
) -> float:
    """Write the mean gradient w.r.t. W into ``out`` (d, K); return the loss. One fused pass over X."""
    K = W.shape[1]
    z = np.empty(K)
    c = np.empty(K)
    for j in range(out.shape[0]):
        for k in range(K):
            out[j, k] = 0.0
    total = net_rows(W, v, X, y, slope, 0, X.shape[0], out, z, c)
    inv_n = 1.0 / X.shape[0]
    for j in range(out.shape[0]):
        for k in range(K):
            out[j, k] *= inv_n
    return total * inv_n


@jit
def net_sample_loss_grad(
    W: np.ndarray, v: np.ndarray, x: np.ndarray, yi: float, slope: float, out: np.ndarray
) -> float:
    """Loss exp(-y f(x)) of one sample; its gradient w.r.t. W is written into ``out`` (d, K)."""
    K = W.shape[1]
    z = np.empty(K)
    c = np.empty(K)
    preactivations_flat(W.reshape(-1), K, x.reshape((1, x.shape[0])), 0, z)
    e = net_term(z, v, yi, slope, c)
    for j in range(x.shape[0]):
        for k in range(K):
            out[j, k] = c[k] * x[j]
    return e


@jit_parallel
def net_loss_grad_parallel(
    W: np.ndarray, v: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, out: np.ndarray
) -> float:
    """:func:`net_loss_grad` over a fixed number of row blocks, reduced in block order.

    Bitwise the same for any thread count (not the same bits as the serial kernel).
    """
    n, d = X.shape
    K = W.shape[1]
    nb = min(N_BLOCKS, n)
    partial = np.zeros((nb, d, K))
    losses = np.zeros(nb)
    for b in prange(nb):
        lo, hi = block_bounds(n, nb, b)
        z = np.empty(K)
        c = np.empty(K)
        losses[b] = net_rows(W, v, X, y, slope, lo, hi, partial[b], z, c)
    total = 0.0
    for j in range(d):
        for k in range(K):
            out[j, k] = 0.0
    for b in range(nb):
        total += losses[b]
        for j in range(d):
            for k in range(K):
                out[j, k] += partial[b, j, k]
    inv_n = 1.0 / n
    for j in range(d):
        for k in range(K):
            out[j, k] *= inv_n
    return total * inv_n
