"""Theorem 4.1 (landscape regions) and Theorem 4.2 (GD outcomes), and what the theorem misses.

Regions are those of the ReLU model with the tie rule of Theorem 4.1: a sample
with w.x = 0 is inactive.

* ``separable``: y_i w.x_i > 0 for every sample; the loss tends to L* = n_-/n
  along w.
* ``local`` (W_J): no negative active, J+ = the active positives (non-empty),
  not separable; the loss tends to n_-/n + (n_+ - |J+|)/n.
* ``dead``: no sample active; the loss is exactly 1 and the gradient 0.
* ``negative-active``: some negative sample has w.x > 0; the loss grows
  without bound along w.

:func:`predict` says which outcomes the data admit; :func:`outcome` classifies
a finished run from its recorded counters, regions and directions. Two facts
that careful runs show and Theorem 4.2's list does not name are handled:

(a) Example 2: the region oscillates (activation flips continue), yet the
    direction converges, to the *constrained* direction (max margin of the
    positives among directions keeping every negative inactive): w hovers at
    the boundary w.x2 = 0.
(b) GD can oscillate between non-separable regions (e.g. between W_{x1} and a
    negative-active region) even when w^+ lies in the separable region.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

from fastbias._validate import as_data, as_vector
from fastbias.errors import InputError, NotSeparableError
from fastbias.kernels.neuron import margins as _margins
from fastbias.loops.record import REGION_NAMES
from fastbias.loops.trajectory import Trajectory
from fastbias.theory.margin import (
    constrained_direction,
    global_direction,
    linear_direction,
    local_direction,
)

__all__ = [
    "MAX_ENUMERATED_POSITIVES",
    "LocalCheck",
    "Outcome",
    "Prediction",
    "Region",
    "check_local",
    "in_local_region",
    "outcome",
    "predict",
    "region",
]

#: predict() enumerates every subset J+ of the positives only up to this many positives.
MAX_ENUMERATED_POSITIVES = 16


class Region(NamedTuple):
    """The Theorem 4.1 region of a vector w.

    Attributes
    ----------
    kind : str
        One of ``"separable"``, ``"local"``, ``"dead"``, ``"negative-active"``.
    j_plus : numpy.ndarray
        Indices of the active positive samples (w.x > 0), sorted.
    limit : float
        lim_{alpha -> inf} L(alpha w): n_-/n, n_-/n + (n_+ - |J+|)/n, 1, or inf.
    """

    kind: str
    j_plus: np.ndarray
    limit: float


def _margins_of(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    # The kernel's in-order sums: the same tie decisions as the loops' records.
    m = np.empty(X.shape[0])
    _margins(w, X, m)
    return m


def region(w, X, y) -> Region:
    """Theorem 4.1 region of ``w`` for data ``X``, ``y`` (ReLU; w.x = 0 is inactive).

    Parameters
    ----------
    w : array_like, shape (d,)
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels in {-1, +1}.

    Returns
    -------
    Region
    """
    X, y = as_data(X, y)
    w = as_vector(w, "w", X.shape[1])
    m = _margins_of(w, X)
    on = m > 0.0
    n = y.size
    n_neg = int(np.sum(y < 0))
    j_plus = np.flatnonzero(on & (y > 0))
    if not on.any():
        return Region("dead", j_plus, 1.0)
    if (on & (y < 0)).any():
        return Region("negative-active", j_plus, float("inf"))
    n_pos = n - n_neg
    limit = (n_neg + n_pos - j_plus.size) / n
    if np.all(y * m > 0.0):
        return Region("separable", j_plus, limit)
    return Region("local", j_plus, limit)


def _subset(J, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    J = np.asarray(J)
    if J.dtype == np.bool_:
        if J.shape != y.shape:
            raise InputError(f"J as a mask must have length {y.size}, got shape {J.shape}")
        J = np.flatnonzero(J)
    if J.ndim != 1 or J.size == 0 or not np.issubdtype(J.dtype, np.integer):
        raise InputError(f"J must be a non-empty 1-D array of sample indices or a mask, got {J!r}")
    if J.min() < 0 or J.max() >= y.size:
        raise InputError(f"J has an index outside 0..{y.size - 1}")
    if np.any(y[J] < 0):
        bad = int(J[np.argmax(y[J] < 0)])
        raise InputError(f"J must select positive samples only, but sample {bad} is negative")
    return np.unique(J)


def _tolerance(X: np.ndarray) -> float:
    # Inner products of unit directions with rows are exact to a few ulps of max ||x||.
    return 1e-10 * float(np.max(np.linalg.norm(X, axis=1)))


def in_local_region(u, X, y, J, *, tol: float = 0.0) -> bool:
    """Whether ``u`` lies in W_J^+: u.x_i > tol for i in J, u.x_i <= tol for all other samples."""
    X, y = as_data(X, y)
    u = as_vector(u, "u", X.shape[1])
    J = _subset(J, X, y)
    m = _margins_of(u, X)
    inside = np.zeros(y.size, dtype=bool)
    inside[J] = True
    return bool(np.all(m[inside] > tol) and np.all(m[~inside] <= tol))


class LocalCheck(NamedTuple):
    """Whether the local max-margin direction w_J^+ lies in W_J^+.

    ``verdict`` is ``"admitted"`` (w_J^+ in W_J^+: GD may converge to it),
    ``"excluded"`` (some other sample is strictly active along w_J^+), or
    ``"boundary"`` (some other sample has |w_J^+ . x| within rounding of 0:
    undecided). ``direction`` is w_J^+, ``margins`` are w_J^+ . x_i.
    """

    J: np.ndarray
    verdict: str
    direction: np.ndarray
    margins: np.ndarray


def check_local(X, y, J) -> LocalCheck:
    """Check whether w_J^+ (max margin of X[J]) lies in W_J^+ (Theorem 4.2, case 3)."""
    X, y = as_data(X, y)
    J = _subset(J, X, y)
    u = local_direction(X, J).u
    m = X @ u
    others = np.ones(y.size, dtype=bool)
    others[J] = False
    tol = _tolerance(X)
    worst = float(np.max(m[others])) if others.any() else -np.inf
    if worst > tol:
        verdict = "excluded"
    elif worst >= -tol:
        verdict = "boundary"
    else:
        verdict = "admitted"
    return LocalCheck(J, verdict, u, m)


class Prediction(NamedTuple):
    """Which Theorem 4.2 outcomes the data admit.

    Attributes
    ----------
    global_direction : numpy.ndarray
        w^+, the max-margin direction of the positives.
    global_verdict : str
        ``"admitted"`` (w^+ strictly in the separable region), ``"excluded"``
        (a negative is active along w^+) or ``"boundary"`` (undecided).
    locals : list of LocalCheck
        One per non-empty proper subset J+ of the positives whose w_J^+ is
        admitted or on the boundary (only when enumerated).
    enumerated : bool
        Whether every subset was checked (n_+ <= MAX_ENUMERATED_POSITIVES);
        otherwise use :func:`check_local` for the subsets of interest.
    oscillation : str
        ``"admitted"`` when w^+ is not in the separable region (Theorem 4.2,
        case 2), otherwise ``"undecided"``: GD can still oscillate between
        non-separable regions (see the module notes), which the theorem does
        not rule out by any data condition we can check.
    stuck : str
        Always ``"admitted"``: the dead region is never empty (it contains 0)
        and is absorbing.
    """

    global_direction: np.ndarray
    global_verdict: str
    locals: list[LocalCheck]
    enumerated: bool
    oscillation: str
    stuck: str

    def admits(self, kind: str, J=None) -> str:
        """Verdict for an outcome ``kind`` (and J+ for ``"local"``): admitted / excluded / undecided."""
        if kind == "global":
            return "undecided" if self.global_verdict == "boundary" else self.global_verdict
        if kind == "stuck":
            return self.stuck
        if kind == "oscillating":
            return self.oscillation
        if kind == "local":
            if J is None:
                raise InputError("J is required to ask about a local outcome")
            key = tuple(sorted(int(j) for j in np.atleast_1d(J)))
            for chk in self.locals:
                if tuple(chk.J.tolist()) == key:
                    return "undecided" if chk.verdict == "boundary" else chk.verdict
            return "excluded" if self.enumerated else "undecided"
        raise InputError(f"kind must be global, local, stuck or oscillating, got {kind!r}")


def predict(X, y) -> Prediction:
    """Which outcomes of Theorem 4.2 the data admit (for GD with a small step)."""
    X, y = as_data(X, y)
    pos = np.flatnonzero(y > 0)
    tol = _tolerance(X)
    u = global_direction(X, y).u
    neg_max = float(np.max(X[y < 0] @ u))
    global_verdict = "excluded" if neg_max > tol else ("boundary" if neg_max >= -tol else "admitted")
    enumerated = pos.size <= MAX_ENUMERATED_POSITIVES
    locals_: list[LocalCheck] = []
    if enumerated:
        for size in range(1, pos.size):
            for J in itertools.combinations(pos.tolist(), size):
                try:
                    chk = check_local(X, y, np.array(J))
                except NotSeparableError:  # pragma: no cover - a subset of positives of separable data
                    continue
                if chk.verdict != "excluded":
                    locals_.append(chk)
    oscillation = "admitted" if global_verdict != "admitted" else "undecided"
    return Prediction(u, global_verdict, locals_, enumerated, oscillation, "admitted")


class Outcome(NamedTuple):
    """Classification of one replicate of a finished run, with its evidence.

    Attributes
    ----------
    kind : str
        ``"global"``, ``"local"``, ``"stuck"``, ``"oscillating"``, ``"overflow"``
        or ``"undecided"`` (e.g. negative-active at the end without late flips).
    j_plus : numpy.ndarray
        Active positives at the end (the J+ of a ``"local"`` outcome).
    final_region : str
    flips_per_decade : numpy.ndarray
        Activation flips in each decade [10^k, 10^(k+1)) covered by checkpoints.
    decades : numpy.ndarray
        The k of each entry of ``flips_per_decade``.
    errors : dict
        Direction error at the last checkpoint to every candidate direction:
        ``global`` (w^+), ``local`` (w_J^+ of the final J+), ``constrained``
        (max margin of all positives keeping the negatives inactive),
        ``constrained_local`` (the same over the final J+ only), ``linear``.
    nearest : str
        The candidate with the smallest final error.
    converging : bool
        Whether w converges in direction to ``nearest``: ||w|| grows over the
        last two decades while err * ||w|| (the distance from the candidate
        ray) stays bounded; judged on per-decade maxima, so an oscillating
        run is judged by its envelope.
    """

    kind: str
    j_plus: np.ndarray
    final_region: str
    flips_per_decade: np.ndarray
    decades: np.ndarray
    errors: dict[str, float]
    nearest: str
    converging: bool


def _decade_flips(t: np.ndarray, flips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flips in each full decade [10^k, 10^(k+1)) between recorded checkpoints at powers of 10."""
    ks, counts = [], []
    k = 0
    while 10 ** (k + 1) <= t[-1]:
        a, b = np.flatnonzero(t == 10**k), np.flatnonzero(t == 10 ** (k + 1))
        if a.size and b.size:
            ks.append(k)
            counts.append(int(flips[b[0]] - flips[a[0]]))
        k += 1
    return np.array(ks, dtype=int), np.array(counts, dtype=np.int64)


def _bounded_offset(t: np.ndarray, dist: np.ndarray, norm: np.ndarray) -> bool:
    """Whether w converges in direction: ||w|| grows while err * ||w|| stays bounded.

    err * ||w|| is about the distance of w from the candidate ray. Compared as
    the maximum over the last decade of the run against the decade before, so
    that oscillating runs (whose error is a sawtooth) are judged by their
    envelope, not by the phase a checkpoint happens to catch.
    """
    end = t[-1]
    last = t >= end / 10
    prev = (t >= end / 100) & (t < end / 10)
    if not last.any() or not prev.any() or not np.all(np.isfinite(dist[last | prev])):
        return False
    grows = norm[-1] > 1.05 * norm[prev][0]
    return bool(grows and dist[last].max() <= 1.25 * dist[prev].max())


def _candidates(X: np.ndarray, y: np.ndarray, j_plus: np.ndarray) -> dict[str, np.ndarray]:
    cands: dict[str, np.ndarray] = {}
    for name, fn in (
        ("global", lambda: global_direction(X, y).u),
        ("constrained", lambda: constrained_direction(X, y).u),
        ("linear", lambda: linear_direction(X, y).u),
    ):
        try:
            cands[name] = fn()
        except NotSeparableError:
            pass
    if j_plus.size:
        cands["local"] = local_direction(X, j_plus).u
        if j_plus.size < int(np.sum(y > 0)):
            # GD can settle at the boundary of W_J (a negative hovering at w.x = 0): the
            # max margin over J+ among directions that keep every negative inactive.
            try:
                cands["constrained_local"] = constrained_direction(X, y, j_plus).u
            except NotSeparableError:
                pass
    return cands


def outcome(traj: Trajectory, X, y, *, replicate: int = 0, late_decades: int = 2) -> Outcome:
    """Classify a finished GD run (one replicate) by Theorem 4.2, with evidence.

    Rules, in order: status ``dead`` -> ``stuck``; status ``overflow`` ->
    ``overflow``; activation flips in each of the last ``late_decades`` full
    decades -> ``oscillating``; final region separable -> ``global``; final
    region W_J -> ``local`` with that J+; otherwise ``undecided``. The
    direction errors to every candidate come along, so that an oscillating run
    that converges in direction (Example 2: to the constrained direction) says so.

    Parameters
    ----------
    traj : Trajectory
        A GD trajectory with checkpoints at the powers of 10 (any
        ``checkpoints`` per decade does).
    X, y : array_like
        The data the run used.
    replicate : int
        Which replicate (start) to classify.
    late_decades : int
        How many final decades must show flips to call it oscillating.
    """
    X, y = as_data(X, y)
    if traj.algorithm != "gd":
        raise InputError(f"traj must be a GD trajectory, got {traj.algorithm!r}")
    if not 0 <= replicate < traj.replicates:
        raise InputError(f"replicate must be in 0..{traj.replicates - 1}, got {replicate}")
    r = replicate
    final_region = REGION_NAMES[int(traj.region[-1, r])]
    j_plus = np.flatnonzero(traj.j_plus()[-1, r])
    decades, per_decade = _decade_flips(traj.t, traj.flips[:, r])
    cands = _candidates(X, y, j_plus)
    errs = {name: traj.direction_error(u)[:, r] for name, u in cands.items()}
    finals = {name: float(e[-1]) for name, e in errs.items() if np.isfinite(e[-1])}
    # Ties (w^+ separable makes the constrained direction equal to it) go to the
    # earlier name in this order.
    names = ("global", "local", "constrained", "constrained_local", "linear")
    order = {name: k for k, name in enumerate(names)}
    nearest = min(finals, key=lambda k: (round(finals[k], 10), order[k])) if finals else ""
    converging = bool(nearest) and _bounded_offset(traj.t, errs[nearest] * traj.norm[:, r], traj.norm[:, r])
    status = traj.status[r]
    if status == "dead":
        kind = "stuck"
    elif status == "overflow":
        kind = "overflow"
    elif per_decade.size >= late_decades and np.all(per_decade[-late_decades:] > 0):
        kind = "oscillating"
    elif final_region == "separable":
        kind = "global"
    elif final_region == "local":
        kind = "local"
    else:
        kind = "undecided"
    return Outcome(kind, j_plus, final_region, per_decade, decades, finals, nearest, converging)
