"""Recorder kernel for one-hidden-layer networks."""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from fastbias._jit import jit, jit_parallel
from fastbias.kernels.network import net_preactivations, net_term

__all__ = ["count_changed", "net_record_states", "unpack_patterns"]


@jit_parallel
def net_record_states(
    V: np.ndarray,
    v: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    floor: int,
    loss: np.ndarray,
    excess: np.ndarray,
    norm: np.ndarray,
    lmargin: np.ndarray,
    separable: np.ndarray,
    patterns: np.ndarray,
) -> None:
    """Statistics of R flattened networks ``V`` (R, d*K) at one checkpoint.

    Fills per replicate: mean loss, its excess over the infimum L* (``floor``:
    0 when L* = 0; 1 when ReLU outputs are >= 0, so each negative's loss is
    >= 1; 2 when they are <= 0, likewise for positives), accumulated term by
    term with ``expm1`` so tiny excesses keep their digits, Frobenius norm, min_i y_i f(x_i) / ||W||
    (the network is 1-homogeneous in W, so this is scale-free), whether every
    y_i f(x_i) > 0, and the activation patterns packed little-endian along the
    unit axis into ``patterns[r]`` (n, ceil(K/8)). Pre-activations are summed
    in the steppers' order, so ties (w_k . x = 0) are decided the same way.
    """
    n, d = X.shape
    K = v.shape[0]
    for r in prange(V.shape[0]):
        Wm = V[r].reshape((d, K))
        z = np.empty(K)
        c = np.empty(K)
        norm2 = 0.0
        for q in range(V.shape[1]):
            norm2 += V[r, q] * V[r, q]
        nrm = math.sqrt(norm2)
        total = 0.0
        extra = 0.0
        worst = math.inf
        sep = True
        for b in range(patterns.shape[2]):
            for i in range(n):
                patterns[r, i, b] = 0
        for i in range(n):
            net_preactivations(Wm, X, i, z)
            f = 0.0
            for k in range(K):
                if z[k] > 0.0:
                    f += v[k] * z[k]
                    patterns[r, i, k >> 3] |= np.uint8(1 << (k & 7))
                else:
                    f += v[k] * (slope * z[k])
            e = net_term(z, v, y[i], slope, c)
            total += e
            if (floor == 1 and y[i] < 0.0) or (floor == 2 and y[i] > 0.0):
                extra += math.expm1(-y[i] * f)  # e - 1, without the cancellation
            else:
                extra += e
            m = y[i] * f
            worst = min(worst, m)
            if not m > 0.0:
                sep = False
        loss[r] = total / n
        excess[r] = extra / n
        norm[r] = nrm
        lmargin[r] = worst / nrm if nrm > 0.0 else 0.0
        separable[r] = sep


@jit
def unpack_patterns(packed: np.ndarray, K: int, out: np.ndarray) -> None:
    """out[r, i*K + k] = bit k of packed[r, i] (no temporaries: n K can be 10^8)."""
    for r in range(packed.shape[0]):
        for i in range(packed.shape[1]):
            for k in range(K):
                out[r, i * K + k] = (packed[r, i, k >> 3] >> (k & 7)) & 1 == 1


@jit
def count_changed(packed: np.ndarray, K: int, active: np.ndarray, out: np.ndarray) -> None:
    """out[r] = number of (sample, unit) pairs whose bit in ``packed`` differs from ``active``."""
    for r in range(packed.shape[0]):
        total = 0
        for i in range(packed.shape[1]):
            for k in range(K):
                bit = (packed[r, i, k >> 3] >> (k & 7)) & 1 == 1
                if bit != active[r, i * K + k]:
                    total += 1
        out[r] = total
