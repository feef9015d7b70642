"""Datasets of the paper and helpers.

Every constructor returns a :class:`Dataset` ``(X, y, w0)``: samples ``X``
(n, d), labels ``y`` in {-1, +1} and a start ``w0`` (d,). The conditions each
docstring states are checked in ``tests/test_datasets.py``.

* :func:`example1`, :func:`example2`: the paper's Examples 1 and 2 (Section 4.2).
* :func:`prop2`: random data meeting Proposition 2's sign conditions;
  :func:`augment`: the remark after Proposition 2 (pad c / -c to make any data
  meet them).
* :func:`degenerate`: a max-margin problem with a zero dual coefficient on a
  support vector, where the ln ln t / ln t term of the GD direction error is real.
* :func:`equal_duals`: Proposition 2 data with a small offset w~ (support vectors
  with equal duals): the sharp SGD asymptotics show by t = 10^6.
* :func:`slow_convergence`: Proposition 2 data with very unequal duals: the
  direction error of GD is still ~0.10 at t = 10^8.
* :func:`separable`: random linearly separable data with a given margin.
* :func:`clusters`: three labelled clusters and a start (d, 3) for a
  one-hidden-layer network with output weights :data:`CLUSTERS_V` (Theorems 5.1
  and 5.2; the start is a (d, K) matrix, not a vector).
* :func:`load`: user data from ``.npz``, ``.npy`` or ``.csv``.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from fastbias._validate import as_data, check_positive_int, check_seed
from fastbias.errors import InputError

__all__ = [
    "CLUSTERS_V",
    "Dataset",
    "augment",
    "clusters",
    "degenerate",
    "equal_duals",
    "example1",
    "example2",
    "load",
    "prop2",
    "prop2_violation",
    "separable",
    "slow_convergence",
]


class Dataset(NamedTuple):
    """Samples ``X`` (n, d), labels ``y`` and the start ``w0`` used in the paper's argument."""

    X: np.ndarray
    y: np.ndarray
    w0: np.ndarray


def example1() -> Dataset:
    """The paper's Example 1: GD converges to the local max-margin direction x1/||x1||.

    Two positives x1, x2 and one negative x3 with x1.x2 < 0 and x1.x3 < 0,
    separable by w = (0.5, 1) (and x2.x3 != 0, so no direction sits exactly on a
    region boundary). The start w0 = (1, -0.2) activates x1 only, as in
    the proof: then w_t = w0 + c_t x1 for all t, so x2 stays misclassified
    (w_t.x2 < 0) and the direction tends to x1 / ||x1|| = (1, 0); the loss tends
    to n_-/n + 1/n = 2/3.
    """
    X = np.array([[1.0, 0.0], [-0.5, 1.0], [-1.0, -0.6]])
    y = np.array([1.0, 1.0, -1.0])
    w0 = np.array([1.0, -0.2])
    return Dataset(X, y, w0)


def example2() -> Dataset:
    """The paper's Example 2: the region oscillates, the direction converges.

    One positive x1 = (1, 0) and one negative x2 = (1, 2), with
    ``0 < x1.x2 = 1 <= ||x2||^2 / 2 = 2.5`` as the example requires. The start
    w0 = (1, -1) has w0.x1 > 0 and w0.x2 < 0, as in the proof.

    What GD does (ReLU, e.g. eta = 0.5, within the step-size bound
    ``2 / (max ||x||^2 L(w0)) = 0.585``): w is drawn towards x1 until x2 becomes
    active, whose gradient then throws it back to w.x2 < 0, again and again:
    activation flips continue in every decade (two or more per decade through
    t = 10^7). The *direction* nevertheless converges, to the constrained
    direction ``(2, -1) / sqrt(5)``: the max margin of the positives among
    directions that keep the negative inactive (:func:`fastbias.theory.constrained_direction`,
    margin 2/sqrt(5), with x2 on the boundary u.x2 = 0). w hovers at the boundary
    w.x2 = 0 (w.x2 stays in a bounded band) while ||w|| grows like ln t, so the
    direction error falls, with oscillations, roughly like 1/ln t (0.12 at
    t = 10^2, 0.054 at 10^3, 0.013 at 10^7 for eta = 0.5). This corrects the
    paper's statement that GD "oscillates around the direction x2/||x2|| and
    does not converge".
    """
    X = np.array([[1.0, 0.0], [1.0, 2.0]])
    y = np.array([1.0, -1.0])
    w0 = np.array([1.0, -1.0])
    return Dataset(X, y, w0)


def _check_real(value: object, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise InputError(f"{name} must be finite, got {value!r}")
    return v


def _gram_blocks(X: np.ndarray):
    """Yield ``(i0, X[i0:i1] @ X.T)`` in row blocks of bounded size (about 32 MB each)."""
    n = X.shape[0]
    step = max(1, (1 << 22) // max(n, 1))
    for i0 in range(0, n, step):
        yield i0, X[i0 : i0 + step] @ X.T


def _sign_violation(X: np.ndarray, y: np.ndarray) -> tuple[int, int, float] | None:
    """First pair (i, j), i < j, breaking Proposition 2's sign conditions, or None.

    The conditions: x_i.x_j > 0 within a class, x_i.x_j < 0 across classes.
    """
    n = y.size
    for i0, G in _gram_blocks(X):
        rows = np.arange(i0, i0 + G.shape[0])
        same = y[rows, None] == y[None, :]
        bad = np.where(same, G <= 0.0, G >= 0.0)
        bad &= np.arange(n)[None, :] > rows[:, None]
        if bad.any():
            r, j = (int(k) for k in np.argwhere(bad)[0])
            return i0 + r, j, float(G[r, j])
    return None


def _max_abs_offdiagonal(X: np.ndarray) -> float:
    """max_{i != j} |x_i.x_j| (0 for a single row)."""
    M = 0.0
    for i0, G in _gram_blocks(X):
        A = np.abs(G)
        A[np.arange(G.shape[0]), np.arange(i0, i0 + G.shape[0])] = 0.0
        M = max(M, float(A.max(initial=0.0)))
    return M


def prop2_violation(X, y) -> tuple[int, int, float] | None:
    """The first pair breaking Proposition 2's sign conditions, or ``None`` when they hold.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples.
    y : array_like, shape (n,)
        Labels in {-1, +1}, both present.

    Returns
    -------
    tuple of (int, int, float) or None
        ``(i, j, x_i.x_j)`` with ``i < j`` for the first pair (row-major order) with
        ``x_i.x_j <= 0`` in the same class or ``x_i.x_j >= 0`` across classes.
    """
    X, y = as_data(X, y)
    return _sign_violation(X, y)


def prop2(n: int = 10, d: int = 2, seed: int = 0) -> Dataset:
    """Random data meeting Proposition 2's sign conditions, with a start.

    Positives lie in a cone around a random unit vector ``c`` and negatives in
    the opposite cone: ``x_i = y_i r_i (c + v_i)`` with ``v_i`` orthogonal to
    ``c``, ``||v_i|| < 0.8`` and radii ``r_i`` in [0.5, 1.5]. Then
    ``x_i.x_j = y_i y_j r_i r_j (1 + v_i.v_j)`` with ``1 + v_i.v_j > 0.36``, so
    x_i.x_j > 0 within a class and < 0 across classes (Combes et al. 2018;
    asserted before returning). There are ``ceil(n / 2)`` positives and
    ``floor(n / 2)`` negatives, in random order. The start ``w0`` is a random
    vector of norm 0.1 with at least one active positive (w0.x_i > 0 for some
    y_i = +1), so not in the dead region.

    Parameters
    ----------
    n : int
        Number of samples, >= 2.
    d : int
        Dimension, >= 1.
    seed : int
        Non-negative integer seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    Dataset
    """
    n = check_positive_int(n, "n")
    if n < 2:
        raise InputError(f"n must be >= 2 (both classes are needed), got {n}")
    d = check_positive_int(d, "d")
    rng = np.random.default_rng(check_seed(seed))
    c = _unit(rng.standard_normal(d))
    y = np.ones(n)
    y[(n + 1) // 2 :] = -1.0
    rng.shuffle(y)
    V = rng.standard_normal((n, d))
    V -= np.outer(V @ c, c)
    norms = np.linalg.norm(V, axis=1)
    radius = 0.8 * rng.uniform(0.0, 1.0, n)
    V *= np.divide(radius, norms, out=np.zeros(n), where=norms > 0)[:, None]
    r = rng.uniform(0.5, 1.5, n)
    X = (y * r)[:, None] * (c + V)
    w0 = _start(rng, X, y)
    bad = _sign_violation(X, y)
    if bad is not None:  # pragma: no cover - impossible by construction
        raise RuntimeError(f"prop2 built samples {bad[0]}, {bad[1]} breaking the sign conditions")
    return Dataset(X, y, w0)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _start(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, norm: float = 0.1) -> np.ndarray:
    """A random start of the given norm with at least one active positive sample."""
    pos = X[y > 0]
    for _ in range(1000):
        w = norm * _unit(rng.standard_normal(X.shape[1]))
        if np.any(pos @ w > 0.0):
            return w
        if np.any(pos @ -w > 0.0):
            return -w
    # Unreachable unless every positive is zero (then no start activates one).
    raise InputError("X has no non-zero positive sample: every start is dead")


def augment(X, y, c=None) -> tuple[np.ndarray, np.ndarray]:
    """Pad coordinates so that the data meet Proposition 2's sign conditions.

    The remark after Proposition 2: append ``c`` to every positive and ``-c`` to
    every negative. The inner products become ``x_i.x_j + ||c||^2`` within a class
    and ``x_i.x_j - ||c||^2`` across classes, so the conditions (> 0 within, < 0
    across; pairs i != j) hold exactly when ``||c||^2 > max |x_i.x_j|`` over the
    pairs whose sign is wrong. They are asserted on the augmented data.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples.
    y : array_like, shape (n,)
        Labels in {-1, +1}, both present.
    c : float or array_like of shape (k,), optional
        A scalar (one extra coordinate) or a vector (k extra coordinates).
        Default: the scalar ``sqrt(2 M)`` with ``M = max_{i != j} |x_i.x_j|``,
        which gives ``||c||^2 = 2 M``: every pair's inner product then has the
        right sign with a margin of at least M (scale-invariant, unlike the
        paper's padding of 1s). ``||c||^2`` is at least ``1e-6 max_i ||x_i||^2``
        (so that rounding cannot flip a sign when all samples are nearly
        orthogonal), and ``c = 1`` when every sample is zero.

    Returns
    -------
    X_aug : numpy.ndarray, shape (n, d + k)
        The padded samples (k = 1 for a scalar c).
    y : numpy.ndarray, shape (n,)
        The labels (a float64 copy).

    Raises
    ------
    InputError
        On malformed ``X``, ``y`` or ``c``, or when a given ``c`` is too small:
        the message names the first pair whose sign condition fails.
    """
    X, y = as_data(X, y)
    if c is None:
        M = _max_abs_offdiagonal(X)
        scale = float(np.max(np.einsum("ij,ij->i", X, X)))
        c2 = max(2.0 * M, 1e-6 * scale) if scale > 0.0 else 1.0
        c_vec = np.array([np.sqrt(c2)])
        if not np.isfinite(c2):
            raise InputError("X is too large: the inner products x_i.x_j overflow float64")
    else:
        c_vec = _as_pad(c)
    X_aug = np.hstack([X, y[:, None] * c_vec[None, :]])
    bad = _sign_violation(X_aug, y)
    if bad is not None:
        i, j, g = bad
        if c is None:  # pragma: no cover - guarded by the floor on c.c; rounding only
            raise InputError(
                f"X could not be augmented: samples {i} and {j} keep the wrong sign (x_i.x_j "
                f"= {g:.6g} after padding); pass a larger c"
            )
        gij = float(X[i] @ X[j])
        same = y[i] == y[j]
        need = "x_i.x_j + c.c > 0" if same else "x_i.x_j - c.c < 0"
        raise InputError(
            f"c is too small: samples {i} and {j} ({'same class' if same else 'opposite classes'}) "
            f"have x_i.x_j = {gij:.6g} and c.c = {float(c_vec @ c_vec):.6g}, so the augmented "
            f"inner product is {g:.6g}; Proposition 2 needs {need}, i.e. c.c > {abs(gij):.6g}"
        )
    return X_aug, y.copy()


def _as_pad(c) -> np.ndarray:
    if np.ndim(c) == 0:
        v = _check_real(c, "c")
        if v == 0.0:
            raise InputError("c must be non-zero")
        return np.array([v])
    try:
        arr = np.asarray(c)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise InputError(f"c could not be converted to an array: {exc}") from exc
    if arr.ndim != 1 or arr.size == 0:
        raise InputError(f"c must be a scalar or a non-empty 1-D vector, got shape {arr.shape}")
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise InputError(f"c must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError("c has a non-finite value")
    if not np.any(arr):
        raise InputError("c must be non-zero")
    return arr


def degenerate() -> Dataset:
    """A max-margin problem with a zero dual coefficient on a support vector.

    Positives x1 = (1, 0), x2 = (1, 0.5), negative x3 = (-1.5, -0.5); start
    w0 = (0.1, 0). For the linear model (rows y_i x_i) and for the ReLU model
    (positives; x3 inactive) alike, the max-margin direction is u = (1, 0) with
    margin 1, and *both* positives lie exactly on the margin (u.x2 = 1), but
    ``u / gamma = 1 * x1 + 0 * x2``: x2 is a support vector with a zero dual
    coefficient (unique, since x1, x2 are independent; ``max_margin(...).degenerate``
    is True). The data also meet Proposition 2's sign conditions.

    Why it matters: Soudry et al.'s offset solves exp(-w~.x_i) ~ dual_i on the
    support vectors, which has no solution for a zero dual. Here w_t = (a_t, b_t)
    with a_t ~ ln t and db/dt proportional to exp(-a_t - 0.5 b_t), so exp(0.5 b_t)
    grows like ln t: ``b_t ~ 2 ln ln t`` and the direction error is ~ 2 ln ln t / ln t, the
    upper-bound rate of the paper's theorems, attained. Measured (GD, eta = 0.5,
    10^2..10^8, one row per decade), direction error x ln t:

    * linear (slope 1): 1.08, 1.51, 1.88, 2.20, 2.48, 2.74, 2.97 (still growing
      like 2 ln ln t: 0.23 per decade at 10^8);
    * ReLU: 0.99, 1.42, 1.79, 2.12, 2.41, 2.68, 2.91;
    * the generic perturbation x2 = (1.5, 0.5) (not a support vector): linear
      0.77, 0.91, 0.93, 0.92, 0.91, 0.89, 0.88, while err x ||w|| settles at
      0.7946 to four digits from 10^6 on.

    Beware near-degenerate data: with x2 = (1.1, 0.5)-type perturbations, or two
    support vectors with positive but unequal duals, err x ln t also keeps
    growing through 10^8 (the offset settles like t^(-lambda), lambda the
    smallest eigenvalue of sum_i dual_i x_i x_i^T on the support span), so growth
    over an accessible range alone does not prove degeneracy.
    """
    X = np.array([[1.0, 0.0], [1.0, 0.5], [-1.5, -0.5]])
    y = np.array([1.0, 1.0, -1.0])
    w0 = np.array([0.1, 0.0])
    return Dataset(X, y, w0)


def equal_duals() -> Dataset:
    """Proposition 2 data whose offset w~ is parallel to w^+: fast, clean asymptotics.

    Positives (1.1, 0.9), (1.1, -0.9); negatives (-1.1, -0.2), (-1.1, 0.3); start
    w0 = (1, -0.5). The global direction is w^+ = (1, 0) with margin 1.1 and
    *equal* dual coefficients on the two positives (both support vectors). The
    offset of ``w_t = w^ ln t + w~ + o(1)`` solves ``exp(-w~.x_i) = n dual_i`` on the
    support vectors, so equal duals make ``w~.x1 = w~.x2`` and w~ parallel to w^+:
    no persistent direction error, and the start's transient decays like
    ``t^(-lambda)`` with lambda = 0.67 (GD) or ``(1 - alpha) lambda`` (SGD), lambda
    the smallest eigenvalue of ``sum_i dual_i x_i x_i^T``. The negatives are
    inactive along w^+ (x.w^+ = -1.1).

    Used for two scientific checks (SGD, alpha = 0.6, eta0 = 1, 64 replicates):

    * ``||E wbar_t|| gamma / ((1 - alpha) ln t)`` (rates.sgd_norm_ratio) is within
      about 1% of 1 at t = 10^6. In general it is ``1 + k / ((1 - alpha) ln t)``
      with ``k = ln(eta0 / (1 - alpha)) - (1 - alpha) + ln(gamma^2 / n) + H(p)``,
      ``p_i = gamma^2 dual_i`` the normalised duals and ``H`` their entropy; the data
      are scaled (1.1) so that k is close to 0 (k = 0.014 here).
    * Theorem 4.4's squared direction error of E wbar_t times ln t stays bounded
      and falls over 10^3..10^7.
    """
    X = np.array([[1.1, 0.9], [1.1, -0.9], [-1.1, -0.2], [-1.1, 0.3]])
    y = np.array([1.0, 1.0, -1.0, -1.0])
    w0 = np.array([1.0, -0.5])
    return Dataset(X, y, w0)


def slow_convergence() -> Dataset:
    """Proposition 2 data on which the direction converges very slowly.

    Positives (1, 0.4), (0.7, 1), (1.5, 0.2); negatives (-1, -0.6), (-0.3, -1.2);
    start w0 = (2, 1), on the limit direction w^+ = (2, 1)/sqrt(5) itself (margin
    2.4/sqrt(5) = 1.073, support vectors x1, x2). The support vectors' dual
    coefficients are very unequal (0.752 and 0.116), so the offset w~ of
    ``w_t = w^ ln t + w~ + o(1)`` has a large component orthogonal to w^+
    (gamma ||w~_perp|| = 3.0), and it builds up slowly: like ``1 - t^(-0.045)``,
    0.045 being the smallest eigenvalue of ``sum_i dual_i x_i x_i^T``. Starting on
    w^+, GD (eta = 1) moves *away* from it: the direction error is 0.07-0.10 from
    10^3 to 10^8. The gradient-flow limit of GD (which matches GD to three digits
    from 10^3 on) peaks at 0.098 near t = 2.5 x 10^6, is still 0.09 at 10^10 and
    0.04 at 10^30, and error x ln t reaches 2.9 (of its limit 3.0) only then.
    SGD's E[wbar_t] follows the same path on a slower clock ((1 - alpha) ln t).
    See ``examples/slow_convergence.py``.
    """
    X = np.array([[1.0, 0.4], [0.7, 1.0], [1.5, 0.2], [-1.0, -0.6], [-0.3, -1.2]])
    y = np.array([1.0, 1.0, 1.0, -1.0, -1.0])
    w0 = np.array([2.0, 1.0])
    return Dataset(X, y, w0)


def separable(n: int = 20, d: int = 2, seed: int = 0, margin: float = 0.1) -> Dataset:
    """Random linearly separable data with margin at least ``margin`` through the origin.

    A random unit direction u; samples ``x_i = v_i + y_i (margin + |g_i|) u`` with
    ``v_i`` standard normal projected orthogonally to u and ``g_i`` standard
    normal, so ``y_i u.x_i >= margin`` for every i: the linear max margin
    (:func:`fastbias.theory.linear_direction`) is at least ``margin``. Labels are
    random with both classes present (at least one of each). The start ``w0`` is a
    random vector of norm 0.1 with at least one active positive sample.

    Parameters
    ----------
    n : int
        Number of samples, >= 2.
    d : int
        Dimension, >= 1.
    seed : int
        Non-negative integer seed of :func:`numpy.random.default_rng`.
    margin : float
        Lower bound of the linear margin, > 0.

    Returns
    -------
    Dataset
    """
    n = check_positive_int(n, "n")
    if n < 2:
        raise InputError(f"n must be >= 2 (both classes are needed), got {n}")
    d = check_positive_int(d, "d")
    margin = _check_real(margin, "margin")
    if margin <= 0.0:
        raise InputError(f"margin must be > 0, got {margin!r}")
    rng = np.random.default_rng(check_seed(seed))
    u = _unit(rng.standard_normal(d))
    y = rng.choice(np.array([-1.0, 1.0]), size=n)
    y[:2] = (1.0, -1.0)
    rng.shuffle(y)
    V = rng.standard_normal((n, d))
    V -= np.outer(V @ u, u)
    along = y * (margin + np.abs(rng.standard_normal(n)))
    X = V + along[:, None] * u
    w0 = _start(rng, X, y)
    return Dataset(X, y, w0)


#: Output weights of the network :func:`clusters` is made for: unit k has the sign of cluster k's label.
CLUSTERS_V = (1.0, -1.0, 1.0)


def clusters(offset: float = -10.0, scale: float = 0.1) -> Dataset:
    """Three clusters for a one-hidden-layer network: Theorems 5.1 and 5.2 at work (and failing).

    Clusters of five points at angles 0, 120 and 240 degrees with labels
    +1, -1, +1: in each, two points at +-20 degrees and radius 1 are the support
    vectors of the cluster's max-margin problem, with equal dual coefficients,
    so the offset w~ adds no lasting direction error; three more points lie
    inside (radii 1.6, 1.8, 2.2). The start ``w0`` is (2, 3): unit k points
    ``offset`` degrees off cluster k, with norm ``scale``. With output weights
    :data:`CLUSTERS_V` = (1, -1, 1), unit k captures cluster k.

    * ``offset = -10`` (default): each unit is active on its own cluster only;
      the patterns never change, no two classes share a unit, and GD's (or
      SGD's averaged) effective weights w~_h converge in direction to each
      cluster's max-margin direction w^_h (Theorems 5.1 and 5.2).
    * ``offset = 25``: a unit ends up active on two clusters, so two pattern
      classes share it and :func:`fastbias.theory.network_outcome` reports the
      failed ``disjoint_units`` condition.

    Parameters
    ----------
    offset : float
        Angle (degrees) between each unit's start and its cluster's centre.
    scale : float
        Norm of each unit's start, > 0.

    Returns
    -------
    Dataset
        ``X`` (15, 2), ``y``, and ``w0`` of shape (2, 3) (the hidden weights W).
    """
    offset = _check_real(offset, "offset")
    scale = _check_real(scale, "scale")
    if scale <= 0.0:
        raise InputError(f"scale must be > 0, got {scale!r}")
    pts, labels = [], []
    for centre, label in ((0.0, 1.0), (120.0, -1.0), (240.0, 1.0)):
        for dang, radius in ((-20.0, 1.0), (20.0, 1.0), (-5.0, 1.6), (5.0, 1.8), (0.0, 2.2)):
            a = np.deg2rad(centre + dang)
            pts.append((radius * np.cos(a), radius * np.sin(a)))
            labels.append(label)
    ang = np.deg2rad(np.array([0.0, 120.0, 240.0]) + offset)
    W0 = scale * np.vstack([np.cos(ang), np.sin(ang)])
    return Dataset(np.array(pts), np.array(labels), W0)


def load(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read a labelled dataset from ``.npz``, ``.npy`` or ``.csv``.

    * ``.npz``: arrays under the keys ``X`` (n, d) and ``y`` (n,).
    * ``.npy``: one 2-D array (n, d + 1) whose last column is the label.
    * ``.csv``: numbers separated by commas, one sample per line, the last column
      the label; a first line that is not numeric is taken as a header and skipped.

    Parameters
    ----------
    path : str or os.PathLike
        The file; its extension selects the format (case-insensitive).

    Returns
    -------
    X : numpy.ndarray, shape (n, d)
        Samples (float64).
    y : numpy.ndarray, shape (n,)
        Labels in {-1, +1}, both present (validated as for :func:`fastbias.gd`).

    Raises
    ------
    InputError
        If the file is missing or unreadable, the extension is not one of the
        three, an ``.npz`` lacks ``X`` or ``y``, the array shapes are wrong, or
        the data fail validation (non-finite values, labels other than -1/+1, a
        class missing).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"path must be a str or os.PathLike, got {path!r}")
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".npz", ".npy", ".csv"):
        raise InputError(f"path {str(p)!r} has extension {ext or '(none)'!r}; expected .npz, .npy or .csv")
    if not p.is_file():
        raise InputError(f"path {str(p)!r} does not exist or is not a file")
    try:
        if ext == ".npz":
            with np.load(p, allow_pickle=False) as f:
                missing = [k for k in ("X", "y") if k not in f.files]
                if missing:
                    raise InputError(
                        f"path {str(p)!r} lacks the key(s) {', '.join(missing)}; it holds {sorted(f.files)}"
                    )
                X, y = f["X"], f["y"]
        else:
            data = np.load(p, allow_pickle=False) if ext == ".npy" else _read_csv(p)
            if data.ndim != 2 or data.shape[1] < 2:
                raise InputError(
                    f"path {str(p)!r} must hold a 2-D array with at least two columns (features, "
                    f"then the label), got shape {data.shape}"
                )
            X, y = data[:, :-1], data[:, -1]
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise InputError(f"path {str(p)!r} could not be read as {ext}: {exc}") from exc
    try:
        return as_data(X, y)
    except InputError as exc:
        raise InputError(f"path {str(p)!r}: {exc}") from None


def _read_csv(p: Path) -> np.ndarray:
    with p.open(encoding="utf-8") as fh:
        first = fh.readline()
    skip = 0
    try:
        [float(v) for v in first.strip().split(",")]
    except ValueError:
        skip = 1  # a header line
    return np.loadtxt(p, delimiter=",", skiprows=skip, ndmin=2, dtype=np.float64)
