"""Recorder kernels: the quantities stored at each checkpoint, for R vectors at once."""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from fastbias._jit import jit, jit_parallel
from fastbias.kernels.neuron import excess_term, row_dot, row_term

__all__ = ["DEAD", "LOCAL", "NEGATIVE_ACTIVE", "REGION_NAMES", "SEPARABLE", "record_states"]

# Regions of Theorem 4.1 (tie rule: w.x = 0 counts as inactive).
SEPARABLE = 0  # y_i w.x_i > 0 for every sample
LOCAL = 1  # W_J: no negative active, J+ = active positives non-empty, not separable
DEAD = 2  # no sample active: the ReLU gradient is exactly zero
NEGATIVE_ACTIVE = 3  # some negative sample has w.x > 0
REGION_NAMES = ("separable", "local", "dead", "negative-active")


@jit
def _record_one(
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    mask: np.ndarray,
    prev_active: np.ndarray,
    use_prev: bool,
) -> tuple[float, float, float, int, float, float, int, bool]:
    """Statistics of one vector; writes its packed activation bits into ``mask``."""
    n = X.shape[0]
    norm2 = 0.0
    for j in range(w.shape[0]):
        norm2 += w[j] * w[j]
    norm = math.sqrt(norm2)
    for b in range(mask.shape[0]):
        mask[b] = 0
    total = 0.0
    excess = 0.0
    n_active = 0
    neg_active = False
    separable = True
    pos_min = math.inf
    lin_min = math.inf
    flips = 0
    for i in range(n):
        m = row_dot(w, X, i)
        yi = y[i]
        on = m > 0.0
        if on:
            n_active += 1
            mask[i >> 3] |= np.uint8(1 << (i & 7))
            if yi > 0.0:
                pos_min = min(pos_min, m)
            else:
                neg_active = True
        if use_prev and on != prev_active[i]:
            flips += 1
        if not yi * m > 0.0:
            separable = False
        lin_min = min(lin_min, yi * m)
        total += row_term(m, yi, slope)[0]
        excess += excess_term(m, yi, slope)  # same pass: no second read of X
    if n_active == 0:
        region = DEAD
    elif neg_active:
        region = NEGATIVE_ACTIVE
    elif separable:
        region = SEPARABLE
    else:
        region = LOCAL
    # A margin over an empty set, or of w = 0, is recorded as 0 (never NaN).
    rmargin = pos_min / norm if (norm > 0.0 and pos_min < math.inf) else 0.0
    lmargin = lin_min / norm if norm > 0.0 else 0.0
    return total / n, excess / n, norm, region, rmargin, lmargin, flips, separable


@jit_parallel
def record_states(
    V: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    slope: float,
    prev_active: np.ndarray,
    use_prev: bool,
    loss: np.ndarray,
    excess: np.ndarray,
    norm: np.ndarray,
    mask: np.ndarray,
    region: np.ndarray,
    rmargin: np.ndarray,
    lmargin: np.ndarray,
    flips: np.ndarray,
    separable: np.ndarray,
) -> None:
    """Fill checkpoint row outputs (each indexed by replicate) for the R rows of ``V``.

    ``flips[r]`` receives the number of samples whose activation differs from
    ``prev_active[r]`` (when ``use_prev``): the GD stepper keeps the pattern of
    the previous iterate there, so the recorder can count the last change
    without touching the stepper's state.
    """
    for r in prange(V.shape[0]):
        res = _record_one(V[r], X, y, slope, mask[r], prev_active[r], use_prev)
        loss[r] = res[0]
        excess[r] = res[1]
        norm[r] = res[2]
        region[r] = res[3]
        rmargin[r] = res[4]
        lmargin[r] = res[5]
        flips[r] = res[6]
        separable[r] = res[7]
