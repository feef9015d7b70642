"""Single-neuron kernels: model output sigma(w.x), exponential loss.

L(w) = (1/n) sum_i exp(-y_i sigma(w.x_i)),  grad = -(1/n) sum_i y_i sigma'(w.x_i) e_i x_i.

Every kernel is a module-level ``@njit`` function with its output passed in, so
it can be called from Python and from users' own ``@numba.njit`` code. None
allocates (the parallel ones allocate one small (blocks x d) buffer) and none
validates: call them with C-contiguous float64 arrays of matching shapes
(``fastbias`` validates for you at its public entry points).

Under ReLU (``slope == 0``) an inactive sample (w.x <= 0) costs no ``exp``: it
adds exactly 1 to the loss sum and nothing to the gradient.

Overflow is not hidden: an exponent beyond float64 range makes the loss
``inf``; the loops test for that and stop with status ``overflow``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from fastbias._jit import N_BLOCKS, jit, jit_inline, jit_parallel
from fastbias.kernels._simd import simd_row_dot

__all__ = [
    "accumulate_rows",
    "excess_loss",
    "loss",
    "loss_grad",
    "loss_grad_parallel",
    "margins",
    "row_dot",
    "row_term",
    "sample_loss_grad",
    "strided_dot",
    "tracked_rows",
]


@jit_inline
def strided_dot(w: np.ndarray, off: int, stride: int, X: np.ndarray, i: int) -> float:
    """sum_j w[off + j stride] X[i, j] in a fixed grouping: eight partial sums, then a fixed tree.

    Partial sum q takes the terms j = q (mod 8) of the first 8 floor(d/8)
    columns, the remaining columns go to partial sum 0 in order, and the result
    is ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7)). Below d = 8 that is
    the plain in-order sum. The grouping is part of the definition, not left to
    the compiler (``fastmath`` stays off), so the bits are the same on every
    machine; the eight independent chains hide the add latency (PERF_NOTES 2:
    an in-order sum is latency-bound). LLVM does not pack them into SIMD
    registers by itself; :func:`row_dot` does, with the same bits.
    A network unit (``off`` = k, ``stride`` = K over the row-major (d, K) W)
    uses the same function, so K = 1 reproduces the neuron bit for bit.
    """
    d = X.shape[1]
    s0 = 0.0
    if d < 8:
        for j in range(d):
            s0 += w[off + j * stride] * X[i, j]
        return s0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    s4 = 0.0
    s5 = 0.0
    s6 = 0.0
    s7 = 0.0
    nb = d // 8
    for b in range(nb):
        j = 8 * b
        q = off + j * stride
        s0 += w[q] * X[i, j]
        s1 += w[q + stride] * X[i, j + 1]
        s2 += w[q + 2 * stride] * X[i, j + 2]
        s3 += w[q + 3 * stride] * X[i, j + 3]
        s4 += w[q + 4 * stride] * X[i, j + 4]
        s5 += w[q + 5 * stride] * X[i, j + 5]
        s6 += w[q + 6 * stride] * X[i, j + 6]
        s7 += w[q + 7 * stride] * X[i, j + 7]
    for j in range(8 * nb, d):
        s0 += w[off + j * stride] * X[i, j]
    return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))


@jit_inline
def row_dot(w: np.ndarray, X: np.ndarray, i: int) -> float:
    """w . X[i] (no row view: PERF_NOTES 1), grouped as :func:`strided_dot`, bit for bit.

    C-contiguous arrays take :func:`~fastbias.kernels._simd.simd_row_dot`, the
    same eight partial sums held in two ``<4 x double>`` registers (LLVM leaves
    the scalar chains of ``strided_dot`` unvectorised); other layouts take
    ``strided_dot`` itself.
    """
    return simd_row_dot(w, X, i)


@jit_inline
def row_term(m: float, yi: float, slope: float) -> tuple[float, float]:
    """Loss term and gradient coefficient of one sample with pre-activation ``m``.

    Returns ``(e, c)`` with e = exp(-y sigma(m)) and c = -y sigma'(m) e, so that
    the sample's gradient is ``c * x``. An inactive ReLU sample returns (1, 0)
    without evaluating ``exp``.
    """
    if m > 0.0:
        e = math.exp(-yi * m)
        return e, -yi * e
    if slope == 0.0:
        return 1.0, 0.0
    e = math.exp(-yi * slope * m)
    return e, -yi * slope * e


@jit
def margins(w: np.ndarray, X: np.ndarray, out: np.ndarray) -> None:
    """Write the pre-activations w . x_i into ``out`` (length n)."""
    for i in range(X.shape[0]):
        out[i] = row_dot(w, X, i)


@jit
def accumulate_rows(
    w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, lo: int, hi: int, g: np.ndarray
) -> float:
    """Add the gradient sum of rows [lo, hi) into ``g``; return their loss sum.

    One fused pass: each row is read once for its dot product and once more,
    still in cache, for its contribution to the gradient.
    """
    d = X.shape[1]
    total = 0.0
    for i in range(lo, hi):
        e, c = row_term(row_dot(w, X, i), y[i], slope)
        total += e
        if c != 0.0:
            for j in range(d):
                g[j] += c * X[i, j]
    return total


@jit_inline
def tracked_rows(
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    lo: int,
    hi: int,
    active: np.ndarray,
    g: np.ndarray,
) -> tuple[float, int, bool, int]:
    """:func:`accumulate_rows` that also tracks the activation pattern.

    ``active[i]`` holds whether w.x_i > 0 at the previous call and is updated.
    Returns ``(loss_sum, flips, separable, n_active)``: the number of rows whose
    activation changed, whether y_i w.x_i > 0 for every row, and how many rows
    are active. This is the pass the GD loop makes at every iteration, so the
    counters cost no extra pass over X.
    """
    d = X.shape[1]
    total = 0.0
    flips = 0
    n_active = 0
    separable = True
    for i in range(lo, hi):
        m = row_dot(w, X, i)
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
            for j in range(d):
                g[j] += c * X[i, j]
    return total, flips, separable, n_active


@jit
def loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float) -> float:
    """Mean exponential loss L(w) of the single neuron with activation ``slope``."""
    total = 0.0
    for i in range(X.shape[0]):
        total += row_term(row_dot(w, X, i), y[i], slope)[0]
    return total / X.shape[0]


@jit
def loss_grad(w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, out: np.ndarray) -> float:
    """Write the mean gradient of L at ``w`` into ``out``; return L(w). No allocation."""
    n = X.shape[0]
    for j in range(out.shape[0]):
        out[j] = 0.0
    total = accumulate_rows(w, X, y, slope, 0, n, out)
    inv_n = 1.0 / n
    for j in range(out.shape[0]):
        out[j] *= inv_n
    return total * inv_n


@jit
def sample_loss_grad(w: np.ndarray, x: np.ndarray, yi: float, slope: float, out: np.ndarray) -> float:
    """Loss exp(-y sigma(w.x)) of one sample; its gradient is written into ``out``."""
    m = row_dot(w, x.reshape((1, x.shape[0])), 0)
    e, c = row_term(m, yi, slope)
    for j in range(x.shape[0]):
        out[j] = c * x[j]
    return e


@jit_inline
def excess_term(m: float, yi: float, slope: float) -> float:
    """One sample's contribution to L - L* (see :func:`excess_loss`)."""
    if slope == 0.0 and yi < 0.0:
        return math.expm1(m) if m > 0.0 else 0.0
    return row_term(m, yi, slope)[0]


@jit
def excess_loss(w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float) -> float:
    """L(w) - L*, accumulated term by term so that tiny excesses keep their digits.

    L* is the infimum of the loss: n_-/n under ReLU (``slope == 0``: a negative
    sample's loss never drops below exp(0) = 1) and 0 otherwise. Under ReLU a
    negative contributes exp(w.x) - 1 = expm1(w.x) when active and exactly 0
    when inactive, so no subtraction of nearly equal numbers happens.
    """
    total = 0.0
    for i in range(X.shape[0]):
        total += excess_term(row_dot(w, X, i), y[i], slope)
    return total / X.shape[0]


@jit
def block_bounds(n: int, n_blocks: int, b: int) -> tuple[int, int]:
    """Rows [lo, hi) of block ``b`` when n rows are cut into ``n_blocks`` near-equal blocks."""
    base = n // n_blocks
    extra = n % n_blocks
    lo = b * base + min(b, extra)
    hi = lo + base + (1 if b < extra else 0)
    return lo, hi


@jit_parallel
def loss_grad_parallel(
    w: np.ndarray, X: np.ndarray, y: np.ndarray, slope: float, out: np.ndarray
) -> float:
    """:func:`loss_grad` for large n, parallel over a fixed number of row blocks.

    The rows are cut into ``N_BLOCKS`` blocks whatever the thread count; each
    block is summed serially and the block sums are added in block order, so
    the result is bitwise the same on 1 or 16 threads. (It differs from the
    serial kernel in the last bits: the summation order is different.)
    """
    n, d = X.shape
    nb = min(N_BLOCKS, n)
    partial = np.zeros((nb, d))
    losses = np.zeros(nb)
    for b in prange(nb):
        lo, hi = block_bounds(n, nb, b)
        losses[b] = accumulate_rows(w, X, y, slope, lo, hi, partial[b])
    total = 0.0
    for j in range(d):
        out[j] = 0.0
    for b in range(nb):
        total += losses[b]
        for j in range(d):
            out[j] += partial[b, j]
    inv_n = 1.0 / n
    for j in range(d):
        out[j] *= inv_n
    return total * inv_n
