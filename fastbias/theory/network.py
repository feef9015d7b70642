"""Section 5.2: activation-pattern partitions of a one-hidden-layer network, Theorems 5.1 and 5.2.

For hidden weights W = [w_1 .. w_K] (d x K) the activation pattern of sample
i is A_i = (w_k . x_i > 0)_k. Samples with equal patterns form the classes
B_1..B_m. On class h the network is linear, f(x) = w~_h . x with the
effective weights w~_h = sum over active k of v_k w_k. Theorems 5.1/5.2 say
that, once patterns stop changing, classes share no active unit and the loss
goes to zero, each class is single-label and w~_h converges in direction to
w^_h, the max-margin direction of the class. The paper defines w^_h over
{x : x in B_h}; with the label, over {y_i x_i : i in B_h}, a negative class
gets the direction its w~_h should approach (for a positive class they agree).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from fastbias._validate import as_data, as_matrix
from fastbias.errors import InputError, NotSeparableError
from fastbias.kernels.network import net_forward
from fastbias.loops.trajectory import Trajectory
from fastbias.theory.margin import max_margin

__all__ = [
    "ClassReport",
    "NetworkOutcome",
    "Partition",
    "effective_weights",
    "network_outcome",
    "partition_directions",
    "partitions",
]


class Partition(NamedTuple):
    """Pattern classes: ``patterns`` (m, K) bool, ``classes`` (list of m index arrays), ``labels``."""

    patterns: np.ndarray
    classes: list[np.ndarray]

    @property
    def shared_unit(self) -> bool:
        """Whether two classes share an active unit (A_h1 AND A_h2 != 0 for some h1 != h2)."""
        return bool(np.any(self.patterns.sum(axis=0) > 1))


def _pattern_matrix(W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Activation patterns (n, K) with the kernels' in-order sums (the loops' tie decisions)."""
    n, K = X.shape[0], W.shape[1]
    A = np.empty((n, K), dtype=bool)
    out = np.empty(n)
    for k in range(K):
        # One unit at a time: a (d, 1) network with v = 1 and slope 0 gives sigma(w_k . x).
        net_forward(np.ascontiguousarray(W[:, k : k + 1]), np.ones(1), X, 0.0, out)
        A[:, k] = out > 0.0
    return A


def _from_patterns(A: np.ndarray) -> Partition:
    uniq, inverse = np.unique(A, axis=0, return_inverse=True)
    classes = [np.flatnonzero(inverse.ravel() == h) for h in range(uniq.shape[0])]
    return Partition(uniq.astype(bool), classes)


def partitions(W, X) -> Partition:
    """Partition the samples by their activation patterns under hidden weights ``W`` (d, K)."""
    X = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if X.ndim != 2:
        raise InputError(f"X must be 2-D, got shape {X.shape}")
    W = as_matrix(W, "W", (X.shape[1], None))
    return _from_patterns(_pattern_matrix(W, X))


def effective_weights(W, v, pattern) -> np.ndarray:
    """w~ = sum over active units k of v_k w_k, for one pattern (K,) bool (or (m, K) -> (m, d))."""
    W = np.asarray(W, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    P = np.asarray(pattern, dtype=bool)
    if W.ndim != 2 or v.shape != (W.shape[1],) or P.shape[-1] != W.shape[1]:
        raise InputError(f"W (d, K), v (K,) and pattern (..., K) disagree: {W.shape}, {v.shape}, {P.shape}")
    return (P * v) @ W.T


def partition_directions(X, y, partition: Partition) -> list:
    """Max-margin direction of each class over {y_i x_i : i in B_h}; None where not separable."""
    X, y = as_data(X, y)
    out = []
    for idx in partition.classes:
        try:
            out.append(max_margin(y[idx, None] * X[idx]))
        except NotSeparableError:
            out.append(None)
    return out


class ClassReport(NamedTuple):
    """One pattern class at the end of a run."""

    samples: np.ndarray
    pattern: np.ndarray
    single_label: bool
    direction: np.ndarray | None
    errors: np.ndarray
    final_error: float


class NetworkOutcome(NamedTuple):
    """Theorem 5.1/5.2 check of one replicate.

    ``conditions`` maps each hypothesis to whether it held over the late
    checkpoints (t >= t_late): ``patterns_fixed``, ``disjoint_units``,
    ``loss_small`` (loss < 1/n at the end, and falling) and the conclusion
    ``single_label``. ``failed`` lists the names that did not hold.
    ``classes`` reports, per final pattern class (with at least one active
    unit), the direction error of w~_h to w^_h at every checkpoint.
    """

    classes: list[ClassReport]
    conditions: dict[str, bool]
    failed: list[str]
    t_late: int


def network_outcome(traj: Trajectory, X, y, *, replicate: int = 0, of: str = "w",
                    late_fraction: float = 0.01) -> NetworkOutcome:
    """Check Theorems 5.1 (``of="w"``, GD) and 5.2 (``of="mean_wbar"`` or ``"wbar"``, SGD's averaged W).

    The hypotheses are judged over the late checkpoints t >= ``late_fraction``
    x t_end: patterns never change there (same stored pattern, and no
    activation flips for GD), no two classes share an active unit, and the
    loss ends below 1/n and falls. Class directions use the final partition.
    Patterns, flips and loss are those of the iterates w_t of replicate
    ``replicate`` (SGD stores no patterns of the averages); ``of`` picks the
    weights whose effective directions are measured.
    """
    X, y = as_data(X, y)
    if "pattern_id" not in traj.arrays:
        raise InputError("traj must come from a network run (model=Network(...))")
    if of not in traj.arrays or of not in ("w", "wbar", "mean_wbar"):
        raise InputError(f"of must be 'w', or for SGD 'wbar' or 'mean_wbar', got {of!r}")
    r = replicate
    v = traj.arrays["v"]
    d, K = X.shape[1], v.size
    t = traj.t
    late = t >= max(1, int(late_fraction * t[-1]))
    t_late = int(t[late][0])
    pid = traj.pattern_id[late, r]
    fixed = bool(np.all(pid == pid[-1]))
    if "flips" in traj.arrays:
        fixed = fixed and bool(traj.flips[late, r][-1] == traj.flips[late, r][0])
    disjoint = not bool(np.any(traj.shared_unit[late, r]))
    loss = traj.loss[:, r]
    loss_small = bool(loss[-1] < 1.0 / y.size and loss[-1] <= loss[late][0])
    packed = traj.patterns[pid[-1]]
    A = np.unpackbits(packed, axis=1, count=K, bitorder="little").astype(bool)
    part = _from_patterns(A)
    Ws = traj.arrays[of] if of == "mean_wbar" else traj.arrays[of][:, r]
    Ws = Ws.reshape(t.size, d, K)
    reports = []
    for pattern, idx in zip(part.patterns, part.classes, strict=True):
        if not pattern.any():
            continue  # no active unit: f = 0 on this class
        single = bool(np.all(y[idx] == y[idx[0]]))
        try:
            u = max_margin(y[idx, None] * X[idx]).u
        except NotSeparableError:
            u = None
        eff = np.einsum("k,cdk->cd", pattern * v, Ws)
        if u is None:
            errs = np.full(t.size, np.nan)
        else:
            norms = np.linalg.norm(eff, axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                errs = np.where(norms > 0, np.linalg.norm(eff / norms[:, None] - u, axis=1), np.nan)
        reports.append(ClassReport(idx, pattern, single, u, errs, float(errs[-1])))
    single_label = all(rep.single_label for rep in reports)
    conditions = {"patterns_fixed": fixed, "disjoint_units": disjoint, "loss_small": loss_small,
                  "single_label": single_label}
    failed = [k for k, ok in conditions.items() if not ok]
    return NetworkOutcome(reports, conditions, failed, t_late)
