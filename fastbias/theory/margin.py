"""Max-margin directions through the origin, solved exactly.

The max-margin problem of a point set ``Z`` (rows ``z_i``) is the least-distance
program (LDP)

    min ||w||^2 / 2   subject to   Z w >= 1   (and N w <= 0 for optional rows of N),

whose solution gives the unit direction ``u = w / ||w||`` maximising
``min_i u.z_i`` and the margin ``gamma = 1 / ||w||``.  Lawson and Hanson reduce an
LDP to a non-negative least-squares problem (NNLS), which their active-set
algorithm solves exactly in finitely many steps.  Here:

1. the data are scaled (``Z`` by ``max ||z_i||``, rows of ``N`` to unit norm);
2. for large problems a cutting-plane loop solves the LDP on a growing candidate
   set of rows, adding violated rows until the candidate solution is feasible for
   every row (then it is optimal for all of them: the result stays exact);
3. each LDP is solved with :func:`scipy.optimize.nnls`, then *polished* on the
   detected support (least-norm solution of the active equalities and its
   multipliers from one QR factorisation; ``lstsq`` plus NNLS multipliers when
   that fails), and the candidate with the smallest KKT residual wins.  When none
   passes, a plain NumPy Lawson-Hanson NNLS is used as a fallback: SciPy's
   ``nnls`` was re-implemented in 1.12 and again in 1.15, and some of those
   releases return non-optimal points (even with a wrong, zero ``rnorm``), so
   nothing here trusts its output without checking it;
4. the infeasibility certificate (a non-negative combination of the rows that
   nearly vanishes) and the KKT residuals are computed here from the solver's
   output, never taken from it.

The named directions of the paper (Sections 4.2 and 5.1) are thin wrappers.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import lstsq as _scipy_lstsq
from scipy.linalg import solve_triangular as _solve_triangular
from scipy.optimize import nnls as _scipy_nnls

from fastbias.errors import InputError, NotSeparableError

__all__ = [
    "MaxMargin",
    "constrained_direction",
    "global_direction",
    "leaky_direction",
    "linear_direction",
    "local_direction",
    "max_margin",
]

#: Relative margins (``gamma / max ||z_i||``) below this are treated as zero.
SEPARABILITY_RTOL = 1e-10
#: A constraint is active when its slack is below this (relative to the data scale).
ACTIVE_RTOL = 1e-9
#: An active constraint is degenerate when its multiplier's force ``lambda_i ||z_i||``
#: is below this fraction of ``||w||``.
DEGENERATE_RTOL = 1e-9

# A candidate answer whose largest relative KKT residual is below this is accepted
# without trying the fallback NNLS.
_ACCEPT_RTOL = 1e-12
# Intermediate rounds of the cutting-plane loop only need this accuracy.
_LOOSE_RTOL = 1e-9
# Above this the answer is returned with a RuntimeWarning.
_WARN_RTOL = 1e-8
# Cutting-plane loop: a row outside the candidate set is added when its relative
# violation exceeds this.
_VIOLATION_RTOL = 1e-14


class MaxMargin(NamedTuple):
    """Result of :func:`max_margin` and of the named directions.

    Attributes
    ----------
    u : ndarray, shape (d,)
        Unit direction maximising ``min_i u.z_i`` (subject to the constraints).
    gamma : float
        The margin ``min_i u.z_i`` of ``u``; equal to ``1 / ||w||`` for the
        minimum-norm ``w`` with ``Z w >= 1``.
    support : ndarray of int, shape (k,)
        Sorted indices of the active constraints: ``i < m`` for row ``i`` of ``Z``
        (``u.z_i == gamma``) and ``m + j`` for row ``j`` of ``nonpositive``
        (``u.n_j == 0``).  The named directions index rows of ``X`` instead.
    duals : ndarray, shape (m + p,)
        Lagrange multipliers of ``min ||w||^2/2 s.t. Z w >= 1, N w <= 0``, scaled so
        that ``w = u / gamma = Z.T @ duals[:m] - N.T @ duals[m:]``.  They are zero
        off the support.  The named directions index them by the rows of ``X``.
    kkt : dict of str to float
        Relative KKT residuals of ``w = u / gamma`` and ``lam = duals``, all scale
        invariant.  With ``F = max(||w||, sum_i lam_i ||g_i||)`` (``g_i`` the rows
        ``z_i`` and ``-n_j``; ``F = ||w||`` unless multipliers of nearly parallel
        rows cancel): ``primal`` (largest ``(gamma - u.z_i) / max||z||`` and
        ``u.n_j / ||n_j||``), ``dual`` (largest ``-lam_i ||g_i|| / F``),
        ``complementarity`` (largest ``|lam_i * slack_i| / (||w|| F)`` with
        ``slack_i = z_i.w - 1`` or ``n_j.w``), ``stationarity``
        (``||w - Z.T lam_Z + N.T lam_N|| / F``) and ``gap`` (duality gap
        ``|sum(lam_Z) - ||w||^2| / ||w||^2``).
    degenerate : bool
        True when some active constraint has a (relatively) zero multiplier.  The
        multipliers returned are a basic solution, so this also flags every case
        where they are not unique (linearly dependent active rows, duplicates).
    """

    u: NDArray[np.float64]
    gamma: float
    support: NDArray[np.intp]
    duals: NDArray[np.float64]
    kkt: dict[str, float]
    degenerate: bool


class _Infeasible(Exception):
    """Internal: an NNLS certificate shows that the LDP has (numerically) no solution."""


# ----------------------------------------------------------------------------------
# input validation


def _as_matrix(value: ArrayLike, name: str) -> NDArray[np.float64]:
    """A C-contiguous finite float64 copy of a 2-D real array, or InputError."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise InputError(f"{name} could not be converted to an array: {exc}") from exc
    if arr.dtype == np.bool_ or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise InputError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D array (one point per row), got shape {arr.shape}")
    out = np.array(arr, dtype=np.float64, order="C", copy=True)
    if not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))[0]
        raise InputError(f"{name} has a non-finite value (NaN or inf) at index {tuple(int(b) for b in bad)}")
    return out


def _check_Z(Z: ArrayLike) -> NDArray[np.float64]:
    Z = _as_matrix(Z, "Z")
    if Z.shape[0] < 1 or Z.shape[1] < 1:
        raise InputError(f"Z must have at least one row and one column, got shape {Z.shape}")
    return Z


def _check_nonpositive(N: ArrayLike | None, d: int) -> NDArray[np.float64]:
    if N is None:
        return np.zeros((0, d))
    N = _as_matrix(N, "nonpositive")
    if N.shape[1] != d:
        raise InputError(f"nonpositive must have the same number of columns as Z ({d}), got shape {N.shape}")
    return N


def _check_labels(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a labelled dataset ``X`` (n, d), ``y`` (n,) in {-1, +1}."""
    X = _as_matrix(X, "X")
    n = X.shape[0]
    if n < 1 or X.shape[1] < 1:
        raise InputError(f"X must have at least one row and one column, got shape {X.shape}")
    try:
        y_arr = np.asarray(y)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise InputError(f"y could not be converted to an array: {exc}") from exc
    if y_arr.dtype == np.bool_ or not (
        np.issubdtype(y_arr.dtype, np.floating) or np.issubdtype(y_arr.dtype, np.integer)
    ):
        raise InputError(f"y must hold labels -1 or +1, got dtype {y_arr.dtype}")
    if y_arr.ndim != 1:
        raise InputError(f"y must be 1-D, got shape {y_arr.shape}")
    if y_arr.shape[0] != n:
        raise InputError(f"y has {y_arr.shape[0]} labels but X has {n} rows")
    y_arr = y_arr.astype(np.float64)
    bad = ~((y_arr == 1.0) | (y_arr == -1.0))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(f"y must hold labels -1 or +1, got {float(y_arr[i])!r} at index {i}")
    return X, y_arr


def _check_subset(J: ArrayLike, n: int) -> NDArray[np.intp]:
    """Row indices selected by ``J`` (a boolean mask of length n or integer indices)."""
    try:
        arr = np.asarray(J)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise InputError(f"J could not be converted to an array: {exc}") from exc
    if arr.ndim != 1:
        raise InputError(f"J must be a 1-D index array or boolean mask, got shape {arr.shape}")
    if arr.dtype == np.bool_:
        if arr.shape[0] != n:
            raise InputError(f"J is a boolean mask of length {arr.shape[0]} but X has {n} rows")
        idx = np.flatnonzero(arr)
    elif np.issubdtype(arr.dtype, np.integer) or arr.size == 0:
        idx = arr.astype(np.intp)
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(idx[(idx < 0) | (idx >= n)][0])
            raise InputError(f"J holds index {bad}, outside [0, {n}) for X with {n} rows")
    else:
        raise InputError(f"J must be integer indices or a boolean mask, got dtype {arr.dtype}")
    if idx.size == 0:
        raise InputError("J selects no rows: the max-margin direction of an empty set is undefined")
    return np.unique(idx)


# ----------------------------------------------------------------------------------
# NNLS


def _nnls_lawson_hanson(A: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lawson-Hanson active-set NNLS, ``argmin ||A x - b||`` over ``x >= 0``, in NumPy.

    A fallback for :func:`scipy.optimize.nnls`, whose implementation changed
    between releases.  The passive-set least-squares problems are solved with
    ``lstsq``; a column whose coefficient comes out non-positive right after
    entering is rejected for that outer iteration (the classic guard against
    cycling in floating point).
    """
    m, n = A.shape
    x = np.zeros(n)
    passive = np.zeros(n, dtype=bool)
    scale = max(float(np.abs(A).sum(axis=0).max(initial=0.0)), 1e-300)
    tol = 10.0 * np.finfo(float).eps * scale * max(m, n)
    grad = A.T @ (b - A @ x)
    rejected = np.zeros(n, dtype=bool)
    for _ in range(3 * n + 100):
        cand = np.where(passive | rejected, -np.inf, grad)
        j = int(np.argmax(cand)) if n else 0
        if n == 0 or cand[j] <= tol:
            break
        passive[j] = True
        first = True
        for _inner in range(3 * n + 100):
            s = np.zeros(n)
            s[passive] = _lstsq(A[:, passive], b)
            if first and s[j] <= 0.0:
                passive[j] = False
                rejected[j] = True
                break
            first = False
            if np.all(s[passive] > 0.0):
                x = s
                rejected[:] = False
                break
            mask = passive & (s <= 0.0)
            alpha = float(np.min(x[mask] / (x[mask] - s[mask])))
            x = x + alpha * (s - x)
            passive &= x > tol * 1e-3
            x[~passive] = 0.0
        grad = A.T @ (b - A @ x)
    return x


def _lstsq(A: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Minimum-norm least-squares solution (complete orthogonal factorisation, xGELSY).

    Much faster than NumPy's SVD-based ``lstsq`` on the small, often square systems
    solved here, and as accurate for them.
    """
    return _scipy_lstsq(A, b, lapack_driver="gelsy", check_finite=False)[0]


def _nnls(A: NDArray[np.float64], b: NDArray[np.float64], *, use_scipy: bool) -> NDArray[np.float64]:
    if use_scipy:
        try:
            x, _ = _scipy_nnls(A, b, maxiter=5 * A.shape[1] + 100)
        except (RuntimeError, ValueError, np.linalg.LinAlgError):
            x = _nnls_lawson_hanson(A, b)
    else:
        x = _nnls_lawson_hanson(A, b)
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


# ----------------------------------------------------------------------------------
# the LDP on scaled data: rows g_i of G with right-hand sides h_i in {1, 0}


def _row_norms(A: NDArray[np.float64]) -> NDArray[np.float64]:
    """Euclidean norms of the rows, without overflow or underflow of the squares."""
    amax = np.abs(A).max(axis=1, initial=0.0)
    safe = np.where(amax > 0.0, amax, 1.0)
    return amax * np.linalg.norm(A / safe[:, None], axis=1)


def _kkt(
    G: NDArray[np.float64],
    h: NDArray[np.float64],
    w: NDArray[np.float64],
    lam: NDArray[np.float64],
    row_scale: NDArray[np.float64],
) -> dict[str, float]:
    """Relative KKT residuals of ``min ||w||^2/2 s.t. G w >= h`` at ``(w, lam)``.

    ``row_scale`` holds ``max ||z||`` for margin rows (h = 1) and ``||n_j||`` for
    sign rows (h = 0); see :class:`MaxMargin` for the definitions.
    """
    W = float(np.linalg.norm(w))
    if not np.isfinite(W) or W == 0.0:
        inf = float("inf")
        return {"primal": inf, "dual": inf, "complementarity": inf, "stationarity": inf, "gap": inf}
    slack = G @ w - h
    force = np.abs(lam) * _row_norms(G)
    # Scale of the sum w = G.T lam: large multipliers that cancel (nearly parallel
    # active rows) make its rounding error proportional to sum |lam_i| ||g_i||.
    F = max(W, float(force.sum()))
    primal = float(np.max(-slack / (row_scale * W), initial=0.0))
    dual = float(np.max(np.where(lam < 0.0, force, 0.0), initial=0.0)) / F
    comp = float(np.max(np.abs(lam * slack), initial=0.0)) / (W * F)
    stat = float(np.linalg.norm(w - G.T @ lam)) / F
    gap = abs(float(h @ lam) - W**2) / W**2
    # "+ 0.0" turns a -0.0 into 0.0
    return {
        "primal": max(primal, 0.0) + 0.0,
        "dual": max(dual, 0.0) + 0.0,
        "complementarity": comp + 0.0,
        "stationarity": stat + 0.0,
        "gap": gap + 0.0,
    }


def _worst(kkt: dict[str, float]) -> float:
    v = max(kkt.values())
    return v if np.isfinite(v) else float("inf")


class _Solution(NamedTuple):
    """Internal: a candidate answer of an LDP on scaled data."""

    w: NDArray[np.float64]
    lam: NDArray[np.float64]
    resid: float  # largest relative KKT residual on the rows it was computed for
    passive: NDArray[np.intp]  # NNLS passive set, for polishing
    use_scipy: bool  # which NNLS produced it


def _ldp_nnls(G: NDArray[np.float64], h: NDArray[np.float64], *, use_scipy: bool) -> NDArray[np.float64]:
    """NNLS coefficients ``u`` of Lawson and Hanson's LDP reduction for ``G w >= h``.

    ``E = [G.T; h.T]``, ``f = e_{d+1}``, ``u = argmin ||E u - f||`` over ``u >= 0``.
    Raises ``_Infeasible`` when ``u`` is a Farkas certificate: with ``v = G.T u``
    every feasible ``w`` has ``||w|| >= h.u / ||v||``, so a tiny ``||v|| / h.u``
    bounds the relative margin below ``SEPARABILITY_RTOL``.  The certificate is
    computed here from ``u``: the solver's own ``rnorm`` is never trusted.
    """
    M, d = G.shape
    E = np.empty((d + 1, M))
    E[:d] = G.T
    E[d] = h
    f = np.zeros(d + 1)
    f[d] = 1.0
    u = _nnls(E, f, use_scipy=use_scipy)
    hu = float(h @ u)
    if hu > 0.0 and float(np.linalg.norm(G.T @ u)) <= SEPARABILITY_RTOL * hu:
        raise _Infeasible
    return u


def _raw_pair(
    G: NDArray[np.float64], h: NDArray[np.float64], u: NDArray[np.float64]
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Lawson and Hanson's answer ``w = -r[:d] / r[d]``, multipliers ``u / (-r[d])``."""
    denom = 1.0 - float(h @ u)  # = -r[d], positive at an NNLS optimum
    if not denom > 0.0:
        return []
    return [((G.T @ u) / denom, u / denom)]


def _polish(
    G: NDArray[np.float64], h: NDArray[np.float64], passive: NDArray[np.intp], *, use_scipy: bool
) -> list[tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Re-solve exactly on the support: least-norm ``w`` with ``G_P w = h_P``, multipliers.

    First with one QR factorisation ``G_P.T = Q R``: ``R.T y = h_P``, ``w = Q y``
    and ``R lam_P = y`` (so ``w = G_P.T lam_P`` exactly).  If that fails (rank
    deficient ``G_P``), the least-norm ``w`` by ``lstsq`` and non-negative
    multipliers over every active row by NNLS.
    """
    M, d = G.shape
    if passive.size == 0:
        return []
    GP = G[passive]
    hP = h[passive]
    out = []
    if passive.size <= d:
        Q, R = np.linalg.qr(GP.T)
        diag = np.abs(np.diag(R))
        if diag.min() > 8.0 * np.finfo(float).eps * passive.size * diag.max():
            y = _solve_triangular(R.T, hP, lower=True, check_finite=False)
            lam_p = _solve_triangular(R, y, check_finite=False)
            lam = np.zeros(M)
            lam[passive] = lam_p
            out.append((Q @ y, lam))
            if lam_p.min() >= 0.0:
                return out
    w = _lstsq(GP, hP)
    W = float(np.linalg.norm(w))
    if not np.isfinite(W) or W == 0.0:
        return out
    active = np.union1d(np.flatnonzero(np.abs(G @ w - h) <= ACTIVE_RTOL * W), passive)
    lam = np.zeros(M)
    lam[active] = _nnls(G[active].T, w, use_scipy=use_scipy)
    out.append((w, lam))
    return out


def _best(
    G: NDArray[np.float64],
    h: NDArray[np.float64],
    row_scale: NDArray[np.float64],
    pairs: list[tuple[NDArray[np.float64], NDArray[np.float64]]],
    passive: NDArray[np.intp],
    use_scipy: bool,
    best: _Solution | None,
) -> _Solution | None:
    for w, lam in pairs:
        r = _worst(_kkt(G, h, w, lam, row_scale))
        if best is None or r < best.resid:
            best = _Solution(w, lam, r, passive, use_scipy)
    return best


def _solve_subset(
    G: NDArray[np.float64],
    h: NDArray[np.float64],
    row_scale: NDArray[np.float64],
    order: list[bool],
    *,
    tol: float,
) -> _Solution:
    """Best candidate for the LDP on the rows ``G``, trying NNLS solvers in ``order``.

    The raw NNLS answer is polished when it misses ``tol``, and always for the
    full accuracy ``_ACCEPT_RTOL``.  ``order`` holds
    the solvers (True: SciPy, False: the NumPy fallback); when the first misses
    ``tol`` and a later one meets it, ``order`` is reversed in place, so the rest
    of a cutting-plane loop starts with the solver that works.
    """
    best: _Solution | None = None
    for k, use_scipy in enumerate(list(order)):
        u = _ldp_nnls(G, h, use_scipy=use_scipy)
        passive = np.flatnonzero(u > 0.0)
        best = _best(G, h, row_scale, _raw_pair(G, h, u), passive, use_scipy, best)
        if best is None or best.resid > tol or tol <= _ACCEPT_RTOL:
            pairs = _polish(G, h, passive, use_scipy=use_scipy)
            best = _best(G, h, row_scale, pairs, passive, use_scipy, best)
        if best is not None and best.resid <= tol:
            if k > 0:
                order.reverse()
            return best
    if best is None:  # pragma: no cover - no solver produced anything usable
        raise _Infeasible
    return best


def _refine(
    G: NDArray[np.float64],
    h: NDArray[np.float64],
    row_scale: NDArray[np.float64],
    order: list[bool],
    sol: _Solution,
) -> _Solution:
    """Bring a (loosely accepted) solution to full accuracy, polishing its own support first."""
    pairs = _polish(G, h, sol.passive, use_scipy=sol.use_scipy)
    sol = _best(G, h, row_scale, pairs, sol.passive, sol.use_scipy, sol) or sol
    if sol.resid <= _ACCEPT_RTOL:
        return sol
    again = _solve_subset(G, h, row_scale, order, tol=_ACCEPT_RTOL)
    return again if again.resid < sol.resid else sol


def _initial_candidates(G: NDArray[np.float64], h: NDArray[np.float64], k: int) -> NDArray[np.intp]:
    """Rows likely to be active: smallest margins / largest sign violations under a guess."""
    margin_rows = np.flatnonzero(h > 0.0)
    sign_rows = np.flatnonzero(h == 0.0)
    Zs = G[margin_rows]
    norms = _row_norms(Zs)
    guess = (Zs / norms[:, None]).sum(axis=0)
    if sign_rows.size:
        guess += G[sign_rows].sum(axis=0)  # rows are -n_j / ||n_j||: push u.n_j down
    gn = float(np.linalg.norm(guess))
    if gn == 0.0:
        guess = Zs[np.argmax(norms)]
        gn = float(np.linalg.norm(guess))
    guess /= gn
    picks = [margin_rows[np.argsort(Zs @ guess, kind="stable")[:k]]]
    if sign_rows.size:
        picks.append(sign_rows[np.argsort(G[sign_rows] @ guess, kind="stable")[:k]])
    return np.unique(np.concatenate(picks))


def _solve_scaled(
    G: NDArray[np.float64], h: NDArray[np.float64], row_scale: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact LDP on all rows, by a cutting-plane loop over NNLS solves on subsets.

    Rounds solve the LDP on a candidate set ``C`` to a loose tolerance and add the
    rows it violates (at most ``2 (d + 1)`` per round, the worst first).  Once no
    row is violated, the solution on ``C`` is polished to full accuracy and checked
    against every row again: a solution optimal on ``C`` and feasible for all rows
    is optimal for all rows, so the answer is exact, whatever ``C`` is.
    """
    M, d = G.shape
    k = 2 * (d + 1)
    order = [True, False]
    if M <= max(4 * k, 256):
        sol = _solve_subset(G, h, row_scale, order, tol=_ACCEPT_RTOL)
        return sol.w, sol.lam
    cand = _initial_candidates(G, h, k)
    while cand.size < M:
        Gc, hc, rc = G[cand], h[cand], row_scale[cand]
        sol = _solve_subset(Gc, hc, rc, order, tol=_LOOSE_RTOL)
        for strict in (False, True):
            if strict:
                sol = _refine(Gc, hc, rc, order, sol)
            W = float(np.linalg.norm(sol.w))
            viol = (h - G @ sol.w) / (row_scale * W)
            viol[cand] = -np.inf
            out = np.flatnonzero(viol > (_VIOLATION_RTOL if strict else _LOOSE_RTOL))
            if out.size:
                break
        else:
            lam = np.zeros(M)
            lam[cand] = sol.lam
            return sol.w, lam
        cand = np.union1d(cand, out[np.argsort(viol[out])[::-1][:k]])
        if 2 * cand.size >= M:
            break
    sol = _solve_subset(G, h, row_scale, order, tol=_ACCEPT_RTOL)
    return sol.w, sol.lam


# ----------------------------------------------------------------------------------
# public API


def max_margin(Z: ArrayLike, *, nonpositive: ArrayLike | None = None) -> MaxMargin:
    """Max-margin direction through the origin of the rows of ``Z``.

    Solves ``min ||w||^2 / 2`` subject to ``Z w >= 1`` (and ``N w <= 0`` for the
    rows of ``N = nonpositive``) exactly, by Lawson and Hanson's reduction of this
    least-distance program to NNLS, and returns ``u = w / ||w||``, which maximises
    ``min_i u.z_i`` over unit vectors (with ``u.n_j <= 0`` for every row of ``N``).

    Parameters
    ----------
    Z : array_like, shape (m, d)
        The points ``z_i``, one per row, finite, at least one row.
    nonpositive : array_like, shape (p, d), optional
        Rows ``n_j`` that ``u`` must not point towards: ``u.n_j <= 0``.  Zero rows
        are allowed (trivially satisfied, never in the support).

    Returns
    -------
    MaxMargin
        ``(u, gamma, support, duals, kkt, degenerate)``; see :class:`MaxMargin`.
        ``duals`` has length ``m + p`` and ``support`` indexes the stacked rows
        ``[Z; nonpositive]``.

    Raises
    ------
    InputError
        If ``Z`` is not a finite 2-D array with at least one row and column, or
        ``nonpositive`` is not a finite 2-D array with as many columns as ``Z``.
    NotSeparableError
        If no unit ``u`` has ``u.z_i > 0`` for every row (under the constraints),
        or the best margin is below ``SEPARABILITY_RTOL * max ||z_i||``.

    Notes
    -----
    The multipliers satisfy ``u / gamma = Z.T @ duals[:m] - N.T @ duals[m:]`` and
    ``sum(duals[:m]) = 1 / gamma**2``.  They scale like ``1 / max||z||**2`` (and
    ``1 / ||n_j||``), so for extreme data scales they may overflow to ``inf`` or
    underflow to 0; everything else is computed on normalised data and is not
    affected.  The answer is verified by its KKT residuals
    (``kkt``), which are about machine precision for well-posed data; an answer
    whose residuals exceed ``1e-8`` comes with a ``RuntimeWarning``.

    Examples
    --------
    >>> import numpy as np
    >>> res = max_margin(np.array([[1.0, 1.0], [1.0, -1.0]]))
    >>> bool(np.allclose(res.u, [1.0, 0.0])), bool(np.isclose(res.gamma, 1.0))
    (True, True)
    """
    Z = _check_Z(Z)
    m, d = Z.shape
    N = _check_nonpositive(nonpositive, d)
    p = N.shape[0]

    def _not_separable(detail: str) -> NotSeparableError:
        msg = "the rows of Z are not separable by a direction through the origin"
        if p:
            msg += " subject to u.n <= 0 for every row n of nonpositive"
        return NotSeparableError(f"{msg}: {detail}")

    znorms = _row_norms(Z)
    s = float(znorms.max())
    if not np.all(znorms > SEPARABILITY_RTOL * s):
        i = int(np.argmin(znorms))
        raise _not_separable(
            f"row {i} of Z has norm {znorms[i]:.3g}, so no direction gives it a margin above "
            f"{SEPARABILITY_RTOL:g} * max ||z_i||"
        )
    nnorms = _row_norms(N)
    nscale = np.where(nnorms > 0.0, nnorms, 1.0)

    # Scaled problem: rows z_i / s (norms <= 1) and -n_j / ||n_j|| (unit or zero).
    G = np.empty((m + p, d))
    G[:m] = Z / s
    G[m:] = -N / nscale[:, None]
    h = np.concatenate([np.ones(m), np.zeros(p)])
    row_scale = np.ones(m + p)

    try:
        w_s, lam_s = _solve_scaled(G, h, row_scale)
    except _Infeasible:
        raise _not_separable(
            f"a non-negative combination of the rows certifies a margin below "
            f"{SEPARABILITY_RTOL:g} * max ||z_i||"
        ) from None
    W_s = float(np.linalg.norm(w_s))
    if not np.isfinite(W_s) or 1.0 / W_s < SEPARABILITY_RTOL:
        raise _not_separable(f"the best margin is below {SEPARABILITY_RTOL:g} * max ||z_i||")
    lam_s = np.maximum(lam_s, 0.0)  # non-negative by construction; drops -0.0

    # Everything below is scale invariant, so it is computed on the scaled problem
    # (no overflow or underflow of ||w||^2 for extreme data scales).
    kkt = _kkt(G, h, w_s, lam_s, row_scale)
    slack = (G @ w_s - h) / W_s  # (u.z_i - gamma) / s and -u.n_j / ||n_j||
    active = np.abs(slack) <= ACTIVE_RTOL
    active[m:] &= nnorms > 0.0
    support = np.flatnonzero(active).astype(np.intp)
    force = lam_s * _row_norms(G)
    degenerate = bool(np.any(force[support] <= DEGENERATE_RTOL * W_s))

    worst = _worst(kkt)
    if worst > _WARN_RTOL:
        warnings.warn(
            f"max_margin: the answer's largest relative KKT residual is {worst:.2e}; "
            "the data may be nearly non-separable or badly scaled",
            RuntimeWarning,
            stacklevel=2,
        )

    # Back to the original scale: w = w_s / s, lam_Z = lam_s / s^2, lam_N = lam_s / (s ||n||).
    u = w_s / W_s
    lam = np.zeros(m + p)
    with np.errstate(over="ignore", under="ignore"):
        lam[:m] = lam_s[:m] / s / s
        lam[m:] = np.where(nnorms > 0.0, lam_s[m:] / s / nscale, 0.0)
    gamma = float(np.min(Z @ u))
    return MaxMargin(u, gamma, support, lam, kkt, degenerate)


def _reindex(res: MaxMargin, rows: NDArray[np.intp], n: int) -> MaxMargin:
    """Map support and duals of a sub-problem (stacked rows ``rows`` of X) to rows of X."""
    duals = np.zeros(n)
    np.add.at(duals, rows, res.duals)
    support = np.unique(rows[res.support]).astype(np.intp)
    return res._replace(support=support, duals=duals)


def _context(exc: NotSeparableError, what: str) -> NotSeparableError:
    return NotSeparableError(f"{what}: {exc}")


def global_direction(X: ArrayLike, y: ArrayLike) -> MaxMargin:
    """Global max-margin direction of the positive samples, ``w^+`` of the paper.

    ``argmax_{||w|| = 1} min_{i in I^+} w.x_i`` (Section 4.2).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples, one per row.
    y : array_like, shape (n,)
        Labels in {-1, +1}; at least one must be +1.

    Returns
    -------
    MaxMargin
        ``support`` and ``duals`` index rows of ``X`` (zero duals for negatives):
        ``u / gamma = X.T @ duals``.

    Raises
    ------
    InputError
        On malformed ``X`` or ``y``, or when no label is +1.
    NotSeparableError
        If no direction has a positive margin on every positive sample.
    """
    X, y = _check_labels(X, y)
    pos = np.flatnonzero(y > 0)
    if pos.size == 0:
        raise InputError("y has no positive (+1) sample: the global direction w^+ is undefined")
    try:
        res = max_margin(X[pos])
    except NotSeparableError as exc:
        raise _context(exc, "global direction (positive samples of X)") from None
    return _reindex(res, pos, X.shape[0])


def local_direction(X: ArrayLike, J: ArrayLike) -> MaxMargin:
    """Local max-margin direction of the rows ``X[J]``, ``w_J^+`` of the paper.

    ``argmax_{||w|| = 1} min_{i in J} w.x_i`` (Section 4.2).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples, one per row.
    J : array_like
        Integer row indices in ``[0, n)`` or a boolean mask of length ``n``; must
        select at least one row.  Repeated indices count once.

    Returns
    -------
    MaxMargin
        ``support`` and ``duals`` index rows of ``X``: ``u / gamma = X.T @ duals``.

    Raises
    ------
    InputError
        On malformed ``X`` or ``J``, or an empty selection.
    NotSeparableError
        If no direction has a positive margin on every row of ``X[J]``.
    """
    X = _as_matrix(X, "X")
    if X.shape[0] < 1 or X.shape[1] < 1:
        raise InputError(f"X must have at least one row and one column, got shape {X.shape}")
    idx = _check_subset(J, X.shape[0])
    try:
        res = max_margin(X[idx])
    except NotSeparableError as exc:
        raise _context(exc, "local direction (rows X[J])") from None
    return _reindex(res, idx, X.shape[0])


def constrained_direction(X: ArrayLike, y: ArrayLike, J: ArrayLike | None = None) -> MaxMargin:
    """Max margin of the positives in ``J`` with every negative on the non-positive side.

    ``argmax_{||w|| = 1} min_{i in J} w.x_i`` subject to ``w.x_j <= 0`` for every
    ``j`` with ``y_j = -1``: the direction of the paper's local max-margin
    ``w_J^+`` restricted to the region where the ReLU suppresses every negative
    sample (Theorem 4.1).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples, one per row.
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    J : array_like, optional
        Positive samples to separate: integer indices or a boolean mask (default:
        every positive sample).  Selecting a negative sample is an error.

    Returns
    -------
    MaxMargin
        ``support`` and ``duals`` index rows of ``X``: ``u / gamma = X.T @ (y * duals)``.

    Raises
    ------
    InputError
        On malformed input, an empty selection, or ``J`` selecting a negative sample.
    NotSeparableError
        If no direction has a positive margin on the selected positives while
        keeping ``u.x_j <= 0`` for every negative.
    """
    X, y = _check_labels(X, y)
    n = X.shape[0]
    if J is None:
        pos = np.flatnonzero(y > 0)
        if pos.size == 0:
            raise InputError("y has no positive (+1) sample: the constrained direction is undefined")
    else:
        pos = _check_subset(J, n)
        neg_sel = pos[y[pos] < 0]
        if neg_sel.size:
            raise InputError(
                f"J must select positive samples only, but sample {int(neg_sel[0])} has label -1"
            )
    neg = np.flatnonzero(y < 0)
    try:
        res = max_margin(X[pos], nonpositive=X[neg])
    except NotSeparableError as exc:
        raise _context(exc, "constrained direction (selected positives vs negatives of X)") from None
    return _reindex(res, np.concatenate([pos, neg]), n)


def linear_direction(X: ArrayLike, y: ArrayLike) -> MaxMargin:
    """Max-margin direction of the linear model: max margin of the rows ``y_i x_i``.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples, one per row.
    y : array_like, shape (n,)
        Labels in {-1, +1}.

    Returns
    -------
    MaxMargin
        ``support`` and ``duals`` index rows of ``X``: ``u / gamma = X.T @ (y * duals)``.

    Raises
    ------
    InputError
        On malformed ``X`` or ``y``.
    NotSeparableError
        If the data are not linearly separable through the origin.
    """
    X, y = _check_labels(X, y)
    try:
        res = max_margin(y[:, None] * X)
    except NotSeparableError as exc:
        raise _context(exc, "linear direction (rows y_i x_i)") from None
    return _reindex(res, np.arange(X.shape[0]), X.shape[0])


def leaky_direction(X: ArrayLike, y: ArrayLike, slope: float) -> MaxMargin:
    """Max-margin direction of the leaky-ReLU model, ``w^*`` of the paper (Section 5.1).

    The max margin of the rows ``y_i x*_i`` with ``x*_i = x_i`` for positives and
    ``x*_i = slope * x_i`` for negatives.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Samples, one per row.
    y : array_like, shape (n,)
        Labels in {-1, +1}.
    slope : float
        Leaky-ReLU slope in ``(0, 1]`` (1 gives :func:`linear_direction`).

    Returns
    -------
    MaxMargin
        ``support`` and ``duals`` index rows of ``X``; the duals refer to the
        scaled rows: ``u / gamma = sum_i duals_i y_i x*_i``.

    Raises
    ------
    InputError
        On malformed ``X`` or ``y``, or ``slope`` outside ``(0, 1]``.
    NotSeparableError
        If the scaled data are not linearly separable through the origin.
    """
    if isinstance(slope, (bool, np.bool_)) or not isinstance(slope, (int, float, np.integer, np.floating)):
        raise InputError(f"slope must be a real number in (0, 1], got {slope!r}")
    a = float(slope)
    if not (np.isfinite(a) and 0.0 < a <= 1.0):
        raise InputError(
            f"slope must lie in (0, 1] for the leaky direction, got {slope!r} "
            "(slope 0 is the ReLU: use global_direction or constrained_direction)"
        )
    X, y = _check_labels(X, y)
    scale = np.where(y > 0, 1.0, a)
    try:
        res = max_margin((y * scale)[:, None] * X)
    except NotSeparableError as exc:
        raise _context(exc, f"leaky direction (rows y_i x*_i, slope {a:g})") from None
    return _reindex(res, np.arange(X.shape[0]), X.shape[0])
