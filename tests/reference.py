"""Slow, obvious reference implementations that the tests compare against.

Plain NumPy and pure Python only: no numba, nothing shared with fastbias'
kernels, so a bug there cannot hide in here too.
"""

from __future__ import annotations

import math

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def sigma(v: np.ndarray, slope: float) -> np.ndarray:
    return np.where(v > 0, v, slope * v)


def dsigma(v: np.ndarray, slope: float) -> np.ndarray:
    return np.where(v > 0, 1.0, slope)


def margins(w, X) -> np.ndarray:
    """w.x_i summed left to right in plain Python: the same rounding as an in-order loop.

    (BLAS may round an exact kink w.x = 0 to +-eps, flipping the activation.)
    """
    out = np.empty(X.shape[0])
    for i, x in enumerate(X.tolist()):
        s = 0.0
        for wj, xj in zip(w.tolist(), x, strict=True):
            s += wj * xj
        out[i] = s
    return out


def terms(w, X, y, slope):
    """Per-sample losses exp(-y sigma(w.x)) and gradients (n, d)."""
    m = margins(w, X)
    e = np.exp(-y * sigma(m, slope))
    grads = (-(y * dsigma(m, slope) * e))[:, None] * X
    return e, grads


def loss(w, X, y, slope):
    return float(np.mean(terms(w, X, y, slope)[0]))


def loss_grad(w, X, y, slope):
    e, g = terms(w, X, y, slope)
    return float(np.mean(e)), g.mean(axis=0)


def abs_scale(w, X, y, slope):
    """Sum of absolute values of the terms: the scale rounding errors live on."""
    e, g = terms(w, X, y, slope)
    return float(np.sum(np.abs(e))) / len(y), np.abs(g).sum(axis=0) / len(y)


def inf_loss(y, slope):
    """L*: n_-/n under ReLU, 0 otherwise."""
    return float(np.mean(y < 0)) if slope == 0.0 else 0.0


def excess_loss_fsum(w, X, y, slope):
    """L(w) - L* with math.fsum over exact-as-possible terms (expm1 for ReLU negatives)."""
    m = margins(w, X)
    parts = []
    for mi, yi in zip(m, y, strict=True):
        if slope == 0.0 and yi < 0:
            parts.append(math.expm1(mi) if mi > 0 else 0.0)
        else:
            s = mi if mi > 0 else slope * mi
            parts.append(math.exp(-yi * s))
    return math.fsum(parts) / len(y)


def gd(X, y, w0, eta, n_iter, slope):
    """Plain GD; returns all iterates (n_iter + 1, d)."""
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for _ in range(n_iter):
        w = w - eta * loss_grad(w, X, y, slope)[1]
        out.append(w.copy())
    return np.array(out)


# ---------------------------------------------------------------- random stream
def mix64(z: int) -> int:
    z &= MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def replicate_key(seed: int, r: int) -> int:
    return mix64(mix64(seed) + (r + 1) * GOLDEN)


def _reduce32(x: int, n: int) -> int | None:
    m = x * n
    lo = m & 0xFFFFFFFF
    if lo < n and lo < (2**32 - n) % n:
        return None
    return m >> 32


def draw_index(key: int, k: int, n: int) -> int:
    u = mix64(key + (k + 1) * GOLDEN)
    while True:
        for half in (u >> 32, u & 0xFFFFFFFF):
            i = _reduce32(half, n)
            if i is not None:
                return i
        u = mix64(u)


def sgd(X, y, w0, n_iter, eta0, alpha, seed, r, slope):
    """Plain SGD of replicate r; returns (iterates (n_iter+1, d), averages (n_iter+1, d), indices)."""
    key = replicate_key(seed, r)
    n = X.shape[0]
    w = np.array(w0, dtype=float)
    ws = [w.copy()]
    idx = []
    for k in range(n_iter):
        i = draw_index(key, k, n)
        idx.append(i)
        eta = eta0 * (k + 1.0) ** (-alpha) if alpha != 0 else eta0
        m = float(margins(w, X[i : i + 1])[0])
        s = m if m > 0 else slope * m
        ds = 1.0 if m > 0 else slope
        w = w + eta * y[i] * ds * math.exp(-y[i] * s) * X[i]
        ws.append(w.copy())
    ws = np.array(ws)
    avgs = np.empty_like(ws)
    avgs[0] = ws[0]
    csum = np.cumsum(ws, axis=0)
    avgs[1:] = csum[:-1] / np.arange(1, n_iter + 1)[:, None]
    return ws, avgs, np.array(idx)


def region(w, X, y):
    """Theorem 4.1 region name of w (tie rule: w.x = 0 inactive)."""
    m = margins(w, X)
    on = m > 0
    if not on.any():
        return "dead"
    if (on & (y < 0)).any():
        return "negative-active"
    if np.all(y * m > 0):
        return "separable"
    return "local"


# ---------------------------------------------------------------- networks
def net_preactivations(W, X) -> np.ndarray:
    """(n, K) pre-activations, each an in-order sum (as the kernels decide ties)."""
    return np.stack([margins(np.ascontiguousarray(W[:, k]), X) for k in range(W.shape[1])], axis=1)


def net_loss_grad(W, v, X, y, slope):
    """Mean loss and (d, K) gradient of f(x) = sum_k v_k sigma(w_k.x)."""
    Z = net_preactivations(W, X)
    f = sigma(Z, slope) @ v
    e = np.exp(-y * f)
    coef = (-(y * e))[:, None] * dsigma(Z, slope) * v[None, :]  # (n, K)
    return float(np.mean(e)), X.T @ coef / len(y)


def net_abs_scale(W, v, X, y, slope):
    Z = net_preactivations(W, X)
    e = np.exp(-y * (sigma(Z, slope) @ v))
    coef = np.abs(e[:, None] * dsigma(Z, slope) * v[None, :])
    return float(np.mean(e)), np.abs(X).T @ coef / len(y)
