"""Tests of fastbias.theory.margin: exact max-margin directions (LDP via NNLS)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize

import fastbias.theory.margin as mm
from fastbias.errors import InputError, NotSeparableError
from fastbias.theory import (
    MaxMargin,
    constrained_direction,
    global_direction,
    leaky_direction,
    linear_direction,
    local_direction,
    max_margin,
)

HYP = settings(deadline=None, max_examples=50, suppress_health_check=[HealthCheck.too_slow])
HYP_MAIN = settings(HYP, max_examples=120)
KKT_TOL = 1e-10
DIR_TOL = 1e-8


# ----------------------------------------------------------------------------------
# independent references


def row_norms(A: np.ndarray) -> np.ndarray:
    """Row norms that do not underflow for tiny rows (hypothesis finds them)."""
    amax = np.abs(A).max(axis=1, initial=0.0)
    safe = np.where(amax > 0, amax, 1.0)
    return amax * np.linalg.norm(A / safe[:, None], axis=1)


def slsqp_direction(Z: np.ndarray, N: np.ndarray | None = None) -> np.ndarray:
    """Max-margin direction by SLSQP on the primal ``min ||w||^2/2, Z w >= 1, N w <= 0``.

    SLSQP alone is accurate to about 1e-8 only, and less on degenerate data (a row
    on the margin with a zero multiplier).  Its answer only seeds an exact
    enumeration: for each subset S (by increasing size) of the rows SLSQP leaves
    nearly active, the least-norm ``w`` with ``G_S w = h_S`` and multipliers with
    ``G_S.T lam = w``; the first ``w`` that is feasible with ``lam >= 0`` satisfies
    the KKT conditions, so it is the optimum.  (Comparing norms instead would not
    do: directions 1e-8 apart can differ in norm by only 1e-16.)
    """
    s = np.linalg.norm(Z, axis=1).max()
    Zs = Z / s  # same direction; keeps the solver's numbers O(1)
    d = Z.shape[1]
    Nn = np.zeros((0, d))
    cons = [{"type": "ineq", "fun": lambda w: Zs @ w - 1.0, "jac": lambda w: Zs}]
    if N is not None and len(N):
        # u.n <= 0 is homogeneous: normalise the rows (after a max-abs scaling so that
        # tiny rows do not underflow) to give every constraint the same weight.
        amax = np.abs(N).max(axis=1, keepdims=True)
        Nn = N / np.where(amax > 0, amax, 1.0)
        Nn /= np.maximum(np.linalg.norm(Nn, axis=1, keepdims=True), 1e-300)
        cons.append({"type": "ineq", "fun": lambda w: -(Nn @ w), "jac": lambda w: -Nn})
    scale = 1.0
    for _attempt in range(2):
        res = minimize(
            lambda w, c=scale: 0.5 * c * (w @ w),
            np.zeros(d),
            jac=lambda w, c=scale: c * w,
            constraints=cons,
            method="SLSQP",
            options={"ftol": 1e-14, "maxiter": 1000},
        )
        # Status 8 ("Positive directional derivative for linesearch") comes when the
        # first QP step already lands on the optimum; the comparison decides.
        if res.status in (0, 8) and np.min(Zs @ res.x) >= 1.0 - 1e-9:
            break
        # With a tiny relative margin ||w||^2 is large and ftol-based termination
        # fails: solve again with the objective normalised to about 1.
        scale = 1.0 / max(float(res.fun), 1e-300)
    else:
        raise AssertionError(f"SLSQP reference failed: {res.message}")

    w0 = res.x
    G = np.concatenate([Zs, -Nn])
    h = np.concatenate([np.ones(len(Zs)), np.zeros(len(Nn))])
    W0 = max(1.0, float(np.linalg.norm(w0)))
    slack = G @ w0 - h
    near = np.argsort(slack, kind="stable")[: min(8, len(h))]
    near = near[(slack[near] <= 1e-5 * W0) & (np.linalg.norm(G[near], axis=1) > 0)]
    for r in range(1, min(len(near), d) + 1):
        for S in itertools.combinations(near.tolist(), r):
            GS, hS = G[list(S)], h[list(S)]
            w, _, rank, _ = np.linalg.lstsq(GS, hS, rcond=None)
            if rank < r:
                continue
            lam = np.linalg.lstsq(GS.T, w, rcond=None)[0]
            Wn = float(np.linalg.norm(w))
            if (
                np.all(G @ w - h >= -1e-12 * Wn)
                and np.all(lam >= -1e-10 * np.abs(lam).max())
                and np.linalg.norm(GS.T @ lam - w) <= 1e-10 * Wn
            ):
                return w / Wn
    return w0 / np.linalg.norm(w0)


def assert_certificate(Z: np.ndarray, N: np.ndarray | None, res: MaxMargin, tol: float = 1e-10) -> None:
    """Optimality proof by weak duality, checked here without trusting the solver.

    ``w = u / gamma`` feasible, ``lam >= 0``, ``w = Z.T lam_Z - N.T lam_N`` and
    ``sum(lam_Z) = ||w||^2`` imply that ``w`` is the least-norm feasible point.
    """
    m = Z.shape[0]
    N = np.zeros((0, Z.shape[1])) if N is None else N
    s = np.linalg.norm(Z, axis=1).max()
    assert np.isclose(np.linalg.norm(res.u), 1.0, rtol=0, atol=1e-14)
    w = res.u / res.gamma
    W = np.linalg.norm(w)
    lz, ln = res.duals[:m], res.duals[m:]
    assert res.duals.shape == (m + N.shape[0],)
    assert np.all(res.duals >= 0)
    assert np.min(Z @ res.u) >= res.gamma - tol * s
    if N.shape[0]:
        assert np.all(N @ res.u <= tol * row_norms(N))
    assert np.linalg.norm(w - Z.T @ lz + N.T @ ln) <= tol * W
    assert abs(lz.sum() - W**2) <= tol * W**2


def check_support(Z: np.ndarray, N: np.ndarray | None, res: MaxMargin) -> None:
    """The support is the set of active rows (zero rows of N excluded); duals vanish off it."""
    m = Z.shape[0]
    N = np.zeros((0, Z.shape[1])) if N is None else N
    s = np.linalg.norm(Z, axis=1).max()
    nn = row_norms(N)
    slack = np.abs(np.concatenate([(Z @ res.u - res.gamma) / s, (N @ res.u) / np.where(nn > 0, nn, 1.0)]))
    expected = slack <= 1e-9
    expected[m:] &= nn > 0
    on = np.zeros(m + N.shape[0], dtype=bool)
    on[res.support] = True
    clear = (slack < 0.5e-9) | (slack > 2e-9)  # ignore rows right at the tolerance
    assert np.array_equal(on[clear], expected[clear])
    assert np.all(res.duals[~on] == 0.0)


# ----------------------------------------------------------------------------------
# hypothesis data: separable sets with margin >= 1e-3 max ||z||

coord = st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False)
# Grid coordinates: distinct rows are never nearly parallel.  With arbitrary floats,
# rows 1e-8 apart in angle make the direction itself ill-conditioned (rounding at
# 1e-16 decides between answers 1e-8 apart), so no solver can match another to 1e-8.
grid = st.integers(-64, 64).map(lambda k: k / 64.0)


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    if n < 0.1:
        v = np.zeros_like(v)
        v[0] = 1.0
        n = 1.0
    return v / n


@st.composite
def separable(draw, with_nonpositive: bool = False, on_grid: bool = True):
    """Separable sets with margin >= 1e-3 max ||z||: d in 2..6, m in 1..30."""
    elems = grid if on_grid else coord
    offsets = st.integers(1, 320).map(lambda k: k / 320.0) if on_grid else st.floats(0.003, 1.0)
    d = draw(st.integers(2, 6))
    m = draw(st.integers(1, 30))
    u = _unit(draw(arrays(np.float64, d, elements=coord)))
    V = draw(arrays(np.float64, (m, d), elements=elems))
    c = draw(arrays(np.float64, m, elements=offsets))
    # Components orthogonal to u* have norm <= sqrt(6), so ||z|| <= sqrt(7) < 2.7 and
    # u* has margin >= 0.003 > 1e-3 max ||z||; the max margin is at least that.
    Z = V - np.outer(V @ u, u) + np.outer(c, u)
    if not with_nonpositive:
        return Z, None
    p = draw(st.integers(1, 20))
    P = draw(arrays(np.float64, (p, d), elements=elems))
    # u*.n_j = -b_j <= 0: u* stays feasible.  On the grid b_j > 0, so that rows of N
    # are never nearly opposite (u.n <= 0 and u.(-n) <= 0: a wedge of width 1e-16).
    b = draw(arrays(np.float64, p, elements=offsets if on_grid else offsets | st.just(0.0)))
    N = P - np.outer(P @ u, u) - np.outer(b, u)
    # Only the directions of the rows of N matter; normalising by the largest entry
    # keeps the multipliers (~ 1 / ||n_j||) representable (see test_tiny_nonpositive_row).
    # Rows that are rounding noise (P parallel to u*, b = 0) become zero rows.
    amax = np.abs(N).max(axis=1, keepdims=True)
    return Z, np.where(amax > 1e-6, N / np.maximum(amax, 1e-6), 0.0)


@HYP_MAIN
@given(separable())
def test_matches_slsqp(data):
    Z, _ = data
    res = max_margin(Z)
    ref = slsqp_direction(Z)
    assert np.linalg.norm(res.u - ref) <= DIR_TOL
    assert abs(res.gamma - np.min(Z @ ref)) <= DIR_TOL * np.linalg.norm(Z, axis=1).max()
    assert max(res.kkt.values()) < KKT_TOL
    assert set(res.kkt) >= {"primal", "dual", "complementarity", "stationarity"}
    assert_certificate(Z, None, res)
    check_support(Z, None, res)


@HYP_MAIN
@given(separable(with_nonpositive=True))
def test_nonpositive_matches_slsqp(data):
    Z, N = data
    res = max_margin(Z, nonpositive=N)
    assert np.all(N @ res.u <= 1e-12 * row_norms(N))
    ref = slsqp_direction(Z, N)
    assert np.linalg.norm(res.u - ref) <= DIR_TOL
    assert max(res.kkt.values()) < KKT_TOL
    assert res.duals.shape == (Z.shape[0] + N.shape[0],)
    assert_certificate(Z, N, res)
    check_support(Z, N, res)


@HYP_MAIN
@given(st.booleans().flatmap(lambda nonpos: separable(with_nonpositive=nonpos, on_grid=False)))
def test_kkt_on_arbitrary_floats(data):
    # Any floats, nearly parallel rows included: the answer must still satisfy the
    # KKT conditions and the weak-duality certificate to near machine precision.
    Z, N = data
    res = max_margin(Z, nonpositive=N)
    assert max(res.kkt.values()) < KKT_TOL
    assert_certificate(Z, N, res)
    check_support(Z, N, res)


@HYP
@given(separable(), st.sampled_from([2.0**-300, 2.0**-30, 2.0**30, 2.0**300]))
def test_scale_invariance_exact(data, c):
    # The data are normalised by max ||z||: a power-of-two scale changes no bit of the
    # computation, only the exponents of the results (up to underflow of tiny entries).
    Z, _ = data
    a, b = max_margin(Z), max_margin(c * Z)
    np.testing.assert_allclose(b.u, a.u, rtol=1e-15, atol=1e-15)
    assert b.gamma == pytest.approx(c * a.gamma, rel=1e-15)
    np.testing.assert_allclose(b.duals * c**2, a.duals, rtol=1e-14, atol=1e-14 * a.duals.max())
    assert b.support.tolist() == a.support.tolist()
    assert b.degenerate == a.degenerate
    assert max(b.kkt.values()) < KKT_TOL


@HYP
@given(separable(), st.sampled_from([1e-100, 3.0, 1e100]))
def test_scale_invariance(data, c):
    Z, _ = data
    a, b = max_margin(Z), max_margin(c * Z)
    assert np.linalg.norm(a.u - b.u) <= DIR_TOL
    assert b.gamma == pytest.approx(c * a.gamma, rel=1e-9)
    assert max(b.kkt.values()) < KKT_TOL


# ----------------------------------------------------------------------------------
# special cases


def test_single_point():
    z = np.array([[3.0, -4.0, 12.0]])
    res = max_margin(z)
    np.testing.assert_allclose(res.u, z[0] / 13.0, rtol=0, atol=1e-15)
    assert res.gamma == pytest.approx(13.0, rel=1e-15)
    np.testing.assert_allclose(res.duals, [1.0 / 169.0], rtol=1e-14)
    assert res.support.tolist() == [0]
    assert not res.degenerate
    assert max(res.kkt.values()) < 1e-14


def test_two_symmetric_points():
    res = max_margin([[1.0, 1.0], [1.0, -1.0]])
    np.testing.assert_allclose(res.u, [1.0, 0.0], atol=1e-15)
    assert res.gamma == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose(res.duals, [0.5, 0.5], rtol=1e-14)
    assert res.support.tolist() == [0, 1]
    assert not res.degenerate


def test_duplicates():
    base = np.array([[2.0, 1.0, 0.0], [0.5, 2.0, 1.0], [1.0, -1.0, 2.0]])
    ref = max_margin(base)
    Z = np.concatenate([base, base[[0, 0, 2]]])
    res = max_margin(Z)
    np.testing.assert_allclose(res.u, ref.u, atol=1e-14)
    assert res.gamma == pytest.approx(ref.gamma, rel=1e-13)
    # Multipliers of copies add up to the multiplier of the original row.
    np.testing.assert_allclose(
        [res.duals[[0, 3, 4]].sum(), res.duals[1], res.duals[[2, 5]].sum()], ref.duals, rtol=1e-10
    )
    # Every row of base is a support vector, so every copy is active and the
    # multipliers are not unique.
    assert ref.support.tolist() == [0, 1, 2] and not ref.degenerate
    assert res.support.tolist() == [0, 1, 2, 3, 4, 5]
    assert res.degenerate
    assert max(res.kkt.values()) < KKT_TOL


def test_collinear_points():
    z = np.array([1.0, 2.0, -2.0])
    Z = np.outer([3.0, 1.0, 2.0, 5.0], z)
    res = max_margin(Z)
    np.testing.assert_allclose(res.u, z / 3.0, atol=1e-15)
    assert res.gamma == pytest.approx(3.0, rel=1e-14)  # the shortest row, 1 * ||z||
    assert res.support.tolist() == [1]
    assert not res.degenerate
    assert max(res.kkt.values()) < KKT_TOL


def test_collinear_both_sides_not_separable():
    with pytest.raises(NotSeparableError, match="not separable by a direction through the origin"):
        max_margin([[1.0, 2.0], [-2.0, -4.0]])


def test_fewer_points_than_dimensions():
    rng = np.random.default_rng(1)
    Z = rng.standard_normal((3, 8))
    res = max_margin(Z)
    # The least-norm w lies in the span of the rows, and here every row is active.
    coef = np.linalg.lstsq(Z.T, res.u, rcond=None)[0]
    np.testing.assert_allclose(Z.T @ coef, res.u, atol=1e-13)
    np.testing.assert_allclose(res.u, slsqp_direction(Z), atol=DIR_TOL)
    assert max(res.kkt.values()) < KKT_TOL
    assert_certificate(Z, None, res)


def test_degenerate_zero_dual_unique():
    # w = (1, 0): z2 = (1, 1) has z2.w = 1 (active) but the unique multiplier is 0.
    res = max_margin([[1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(res.u, [1.0, 0.0], atol=1e-15)
    assert res.gamma == pytest.approx(1.0, rel=1e-15)
    assert res.support.tolist() == [0, 1]
    np.testing.assert_allclose(res.duals, [1.0, 0.0], atol=1e-15)
    assert res.degenerate
    assert max(res.kkt.values()) < 1e-14


def test_degenerate_dependent_support():
    # z3 = (z1 + z2) / 2 lies on the margin; multipliers (t, t, 1 - 2t) are all optimal.
    res = max_margin([[1.0, 1.0], [1.0, -1.0], [1.0, 0.0]])
    np.testing.assert_allclose(res.u, [1.0, 0.0], atol=1e-15)
    assert res.support.tolist() == [0, 1, 2]
    assert res.degenerate
    assert max(res.kkt.values()) < KKT_TOL
    assert_certificate(np.array([[1.0, 1.0], [1.0, -1.0], [1.0, 0.0]]), None, res)


def test_not_degenerate_when_inactive_row_is_close():
    res = max_margin([[1.0, 1.0], [1.0, -1.0], [1.0 + 1e-6, 0.0]])
    assert res.support.tolist() == [0, 1]
    assert not res.degenerate


def test_nonpositive_active_constraint():
    # Unconstrained answer (1, 0); forbidding u.(1, -1) > 0 tilts it to (1, 1)/sqrt 2.
    Z = np.array([[1.0, 0.0], [1.0, 0.5]])
    N = np.array([[1.0, -1.0], [0.0, 0.0], [-1.0, -5.0]])
    res = max_margin(Z, nonpositive=N)
    np.testing.assert_allclose(res.u, [2**-0.5, 2**-0.5], atol=1e-15)
    assert res.gamma == pytest.approx(2**-0.5, rel=1e-14)
    assert res.support.tolist() == [0, 2]  # z_0 and n_0 (offset by m = 2); zero row never
    assert res.duals.shape == (5,)
    assert res.duals[3] == 0.0
    assert not res.degenerate
    assert_certificate(Z, N, res)


def test_tiny_nonpositive_row():
    # ||n|| = 4.5e-237: its square underflows, its direction still constrains u.
    Z = np.array([[1.0, -1.0]])
    N = np.array([[0.0, -4.5e-237]])
    res = max_margin(Z, nonpositive=N)
    np.testing.assert_allclose(res.u, [1.0, 0.0], atol=1e-15)
    assert res.gamma == pytest.approx(1.0, rel=1e-15)
    assert res.support.tolist() == [0, 1]
    np.testing.assert_allclose(res.duals, [1.0, 1.0 / 4.5e-237], rtol=1e-14)
    assert not res.degenerate


def test_nonpositive_empty_and_inactive():
    Z = np.array([[1.0, 1.0], [1.0, -1.0]])
    a = max_margin(Z)
    b = max_margin(Z, nonpositive=np.zeros((0, 2)))
    c = max_margin(Z, nonpositive=[[-1.0, 0.0]])
    np.testing.assert_allclose(b.u, a.u, atol=1e-15)
    np.testing.assert_allclose(c.u, a.u, atol=1e-15)
    assert b.duals.shape == (2,) and c.duals.shape == (3,)
    assert c.duals[2] == 0.0


@pytest.mark.parametrize("eps", [1e-3, 1e-6, 1e-9])
def test_small_but_resolvable_margin(eps):
    # w1 >= 1 and -w1 + eps w2 >= 1: least norm w = (1, 2 / eps), both rows active.
    Z = np.array([[1.0, 0.0], [-1.0, eps]])
    res = max_margin(Z)
    w = np.array([1.0, 2.0 / eps])
    np.testing.assert_allclose(res.u, w / np.linalg.norm(w), rtol=0, atol=1e-15)
    assert res.gamma == pytest.approx(1.0 / np.linalg.norm(w), rel=1e-12)
    np.testing.assert_allclose(res.duals, [1 + 2 / eps**2, 2 / eps**2], rtol=1e-12)
    assert res.support.tolist() == [0, 1]
    assert max(res.kkt.values()) < KKT_TOL


@pytest.mark.parametrize("n_rows", [600, 3000])
def test_large_m_cutting_plane(n_rows):
    # Enough rows for the candidate-set loop; checked by certificate and SLSQP.
    rng = np.random.default_rng(n_rows)
    d = 5
    u = rng.standard_normal(d)
    u /= np.linalg.norm(u)
    Z = rng.standard_normal((n_rows, d))
    Z += np.outer(np.clip(0.05 + 0.5 * rng.random(n_rows) - Z @ u, 0, None), u)
    N = rng.standard_normal((n_rows, d))
    N -= np.outer(np.clip(N @ u + 0.01 + rng.random(n_rows), 0, None), u)
    for nonpos in (None, N):
        res = max_margin(Z, nonpositive=nonpos)
        assert max(res.kkt.values()) < KKT_TOL
        assert_certificate(Z, nonpos, res)
        if n_rows == 600:
            np.testing.assert_allclose(res.u, slsqp_direction(Z, nonpos), atol=DIR_TOL)


def test_large_m_with_ties():
    # Half the points exactly on one margin hyperplane: massive degeneracy.
    rng = np.random.default_rng(7)
    d = 6
    u = np.zeros(d)
    u[0] = 1.0
    Z = rng.standard_normal((2000, d))
    Z[:, 0] = np.maximum(Z[:, 0], 0.25)
    res = max_margin(Z)
    assert max(res.kkt.values()) < KKT_TOL
    assert_certificate(Z, None, res)
    np.testing.assert_allclose(res.u, u, atol=1e-12)
    assert res.degenerate


# ----------------------------------------------------------------------------------
# NNLS robustness


def test_fallback_when_scipy_nnls_is_wrong(monkeypatch):
    # Simulate the SciPy 1.12-1.15 regressions: a non-optimal x and a false zero rnorm.
    def bad_nnls(A, b, maxiter=None):
        x = np.zeros(A.shape[1])
        x[0] = 0.3
        return x, 0.0

    rng = np.random.default_rng(3)
    Z = rng.standard_normal((20, 4)) + np.array([3.0, 0.0, 0.0, 0.0])
    good = max_margin(Z)
    monkeypatch.setattr(mm, "_scipy_nnls", bad_nnls)
    res = max_margin(Z)
    np.testing.assert_allclose(res.u, good.u, atol=1e-13)
    assert max(res.kkt.values()) < KKT_TOL
    with pytest.raises(NotSeparableError):
        max_margin([[1.0, 0.0], [-1.0, 0.0]])


def test_fallback_when_scipy_nnls_raises(monkeypatch):
    def failing_nnls(A, b, maxiter=None):
        raise RuntimeError("Maximum number of iterations reached.")

    Z = np.array([[1.0, 1.0], [1.0, -1.0], [2.0, 0.5]])
    good = max_margin(Z)
    monkeypatch.setattr(mm, "_scipy_nnls", failing_nnls)
    res = max_margin(Z)
    np.testing.assert_allclose(res.u, good.u, atol=1e-14)
    assert max(res.kkt.values()) < KKT_TOL


@settings(deadline=None, max_examples=40)
@given(st.integers(1, 8), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_lawson_hanson_matches_scipy(rows, cols, seed):
    from scipy.optimize import nnls

    rng = np.random.default_rng(seed)
    A = rng.standard_normal((rows, cols))
    b = rng.standard_normal(rows)
    x = mm._nnls_lawson_hanson(A, b)
    assert np.all(x >= 0)
    ref, _ = nnls(A, b)
    # Compare objective values (the minimiser need not be unique when cols > rows).
    fx, fr = np.linalg.norm(A @ x - b), np.linalg.norm(A @ ref - b)
    assert fx <= fr + 1e-10 * (1 + np.linalg.norm(b))
    # KKT of NNLS: gradient A.T (b - A x) <= 0, and = 0 where x > 0.
    g = A.T @ (b - A @ x)
    assert np.all(g <= 1e-9 * (1 + np.abs(A).sum()))
    assert np.all(np.abs(g[x > 0]) <= 1e-9 * (1 + np.abs(A).sum()))


# ----------------------------------------------------------------------------------
# not separable


@pytest.mark.parametrize(
    "Z",
    [
        [[1.0, 0.0], [-1.0, 0.0]],
        [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]],
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
        [[1.0, 2.0], [0.0, 0.0]],
        [[0.0, 0.0, 0.0]],
        [[1.0, 0.0], [-1.0, 1e-13]],  # separable in exact arithmetic, margin below 1e-10 relative
    ],
)
def test_not_separable(Z):
    msg = "rows of Z are not separable by a direction through the origin"
    with pytest.raises(NotSeparableError, match=msg):
        max_margin(Z)


def test_not_separable_is_value_error():
    with pytest.raises(ValueError):
        max_margin([[1.0, 0.0], [-1.0, 0.0]])


def test_not_separable_with_nonpositive():
    with pytest.raises(NotSeparableError, match=r"not separable .* nonpositive"):
        max_margin([[1.0, 0.0]], nonpositive=[[1.0, 0.0]])
    with pytest.raises(NotSeparableError, match="nonpositive"):
        max_margin([[1.0, 1.0], [1.0, -1.0]], nonpositive=[[1.0, 1.0], [1.0, -1.0]])


@HYP
@given(separable())
def test_not_separable_after_adding_negated_row(data):
    Z, _ = data
    Z2 = np.concatenate([Z, -Z[:1]])
    with pytest.raises(NotSeparableError, match="not separable"):
        max_margin(Z2)


# ----------------------------------------------------------------------------------
# input errors


@pytest.mark.parametrize(
    ("Z", "match"),
    [
        ([1.0, 2.0], r"Z must be a 2-D array .*shape \(2,\)"),
        (np.ones((2, 2, 2)), r"Z must be a 2-D array"),
        (np.ones((0, 3)), r"Z must have at least one row and one column, got shape \(0, 3\)"),
        (np.ones((3, 0)), r"Z must have at least one row and one column"),
        ([[1.0, np.nan]], r"Z has a non-finite value .* at index \(0, 1\)"),
        ([[1.0, 2.0], [np.inf, 0.0]], r"Z has a non-finite value .* at index \(1, 0\)"),
        ([["a", "b"]], r"Z must hold real numbers"),
        ([[True, False]], r"Z must hold real numbers"),
        ([[1 + 1j, 0]], r"Z must hold real numbers"),
        (None, r"Z must hold real numbers"),
    ],
)
def test_input_errors_Z(Z, match):
    with pytest.raises(InputError, match=match):
        max_margin(Z)


@pytest.mark.parametrize(
    ("N", "match"),
    [
        ([[1.0, 2.0, 3.0]], r"nonpositive must have the same number of columns as Z \(2\)"),
        ([1.0, 2.0], r"nonpositive must be a 2-D array"),
        ([[np.nan, 0.0]], r"nonpositive has a non-finite value"),
        ([["x", "y"]], r"nonpositive must hold real numbers"),
    ],
)
def test_input_errors_nonpositive(N, match):
    with pytest.raises(InputError, match=match):
        max_margin([[1.0, 0.0]], nonpositive=N)


def test_input_errors_are_value_errors():
    with pytest.raises(ValueError):
        max_margin([1.0, 2.0])


# ----------------------------------------------------------------------------------
# named directions

X_EX = np.array(
    [
        [2.0, 1.0],  # +
        [1.0, 2.0],  # +
        [-1.0, 3.0],  # +
        [1.0, -1.0],  # -
        [-2.0, -1.0],  # -
    ]
)
Y_EX = np.array([1, 1, 1, -1, -1])


def test_global_direction():
    res = global_direction(X_EX, Y_EX)
    ref = max_margin(X_EX[:3])
    np.testing.assert_allclose(res.u, ref.u, atol=1e-15)
    assert res.gamma == ref.gamma
    assert res.duals.shape == (5,)
    np.testing.assert_allclose(res.duals[:3], ref.duals)
    assert np.all(res.duals[3:] == 0.0)
    np.testing.assert_allclose(X_EX.T @ res.duals, res.u / res.gamma, atol=1e-13)
    assert set(res.support.tolist()) <= {0, 1, 2}


def test_local_direction_mask_and_indices():
    a = local_direction(X_EX, [0, 1])
    b = local_direction(X_EX, np.array([True, True, False, False, False]))
    c = local_direction(X_EX, [1, 0, 1])  # repeats count once
    ref = max_margin(X_EX[:2])
    for res in (a, b, c):
        np.testing.assert_allclose(res.u, ref.u, atol=1e-15)
        np.testing.assert_allclose(X_EX.T @ res.duals, res.u / res.gamma, atol=1e-13)
        assert res.duals.shape == (5,)
    np.testing.assert_allclose(a.u, [2**-0.5, 2**-0.5], atol=1e-15)


def test_constrained_direction():
    res = constrained_direction(X_EX, Y_EX)
    ref = max_margin(X_EX[:3], nonpositive=X_EX[3:])
    np.testing.assert_allclose(res.u, ref.u, atol=1e-15)
    assert np.all(X_EX[3:] @ res.u <= 1e-12)
    np.testing.assert_allclose(X_EX.T @ (Y_EX * res.duals), res.u / res.gamma, atol=1e-12)
    sub = constrained_direction(X_EX, Y_EX, J=[0])
    ref = max_margin(X_EX[:1], nonpositive=X_EX[3:])
    np.testing.assert_allclose(sub.u, ref.u, atol=1e-15)
    np.testing.assert_allclose(X_EX.T @ (Y_EX * sub.duals), sub.u / sub.gamma, atol=1e-12)
    assert sub.duals[1] == 0.0 and sub.duals[2] == 0.0


def test_constrained_direction_active_negative():
    # Positive (1, 0) alone would give u = (1, 0), but the negative (1, -1) must stay
    # on the non-positive side: u = (1, 1) / sqrt 2, with that negative in the support.
    X = np.array([[1.0, 0.0], [1.0, -1.0]])
    y = np.array([1, -1])
    res = constrained_direction(X, y)
    np.testing.assert_allclose(res.u, [2**-0.5, 2**-0.5], atol=1e-15)
    assert res.support.tolist() == [0, 1]
    assert res.duals[1] > 0
    np.testing.assert_allclose(X.T @ (y * res.duals), res.u / res.gamma, atol=1e-14)


def test_constrained_direction_not_separable():
    X = np.array([[1.0, 0.0], [2.0, 0.0]])
    y = np.array([1, -1])
    with pytest.raises(NotSeparableError, match=r"constrained direction.*nonpositive"):
        constrained_direction(X, y)


def test_linear_and_leaky_directions():
    lin = linear_direction(X_EX, Y_EX)
    ref = max_margin(Y_EX[:, None] * X_EX)
    np.testing.assert_allclose(lin.u, ref.u, atol=1e-15)
    np.testing.assert_allclose(X_EX.T @ (Y_EX * lin.duals), lin.u / lin.gamma, atol=1e-12)
    one = leaky_direction(X_EX, Y_EX, 1.0)
    np.testing.assert_allclose(one.u, lin.u, atol=1e-15)
    for a in (0.1, 0.5):
        res = leaky_direction(X_EX, Y_EX, a)
        star = np.where(Y_EX > 0, 1.0, a)[:, None] * X_EX
        ref = max_margin(Y_EX[:, None] * star)
        np.testing.assert_allclose(res.u, ref.u, atol=1e-15)
        np.testing.assert_allclose(star.T @ (Y_EX * res.duals), res.u / res.gamma, atol=1e-12)


def test_named_directions_not_separable():
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0]])
    y = np.array([1, 1, -1])
    with pytest.raises(NotSeparableError, match=r"global direction.*not separable"):
        global_direction(X, y)
    with pytest.raises(NotSeparableError, match=r"local direction.*not separable"):
        local_direction(X, [0, 1])
    X2 = np.array([[1.0, 0.0], [1.0, 0.0]])
    y2 = np.array([1, -1])
    with pytest.raises(NotSeparableError, match=r"linear direction.*not separable"):
        linear_direction(X2, y2)
    with pytest.raises(NotSeparableError, match=r"leaky direction.*not separable"):
        leaky_direction(np.array([[1.0, 0.0], [1.0, 0.0]]), y2, 1.0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: global_direction(X_EX, [1, 1, 1, -1]), r"y has 4 labels but X has 5 rows"),
        (
            lambda: global_direction(X_EX, [1, 1, 0, -1, -1]),
            r"y must hold labels -1 or \+1, got 0.0 at index 2",
        ),
        (lambda: global_direction(X_EX, [[1, 1, 1, -1, -1]]), r"y must be 1-D"),
        (lambda: global_direction(X_EX, ["a"] * 5), r"y must hold labels -1 or \+1"),
        (lambda: global_direction(X_EX, -np.ones(5)), r"y has no positive"),
        (lambda: global_direction(X_EX[0], Y_EX), r"X must be a 2-D array"),
        (lambda: global_direction(np.full((5, 2), np.nan), Y_EX), r"X has a non-finite value"),
        (lambda: constrained_direction(X_EX, -np.ones(5)), r"y has no positive"),
        (lambda: local_direction(X_EX, [0, 5]), r"J holds index 5, outside \[0, 5\)"),
        (lambda: local_direction(X_EX, [-1]), r"J holds index -1"),
        (lambda: local_direction(X_EX, []), r"J selects no rows"),
        (lambda: local_direction(X_EX, np.zeros(5, dtype=bool)), r"J selects no rows"),
        (lambda: local_direction(X_EX, [True, False]), r"J is a boolean mask of length 2 but X has 5 rows"),
        (lambda: local_direction(X_EX, [0.0, 1.0]), r"J must be integer indices or a boolean mask"),
        (lambda: local_direction(X_EX, [[0, 1]]), r"J must be a 1-D"),
        (lambda: local_direction(np.ones((0, 2)), [0]), r"X must have at least one row"),
        (
            lambda: constrained_direction(X_EX, Y_EX, J=[0, 3]),
            r"J must select positive samples only, but sample 3",
        ),
        (lambda: leaky_direction(X_EX, Y_EX, 0.0), r"slope must lie in \(0, 1\]"),
        (lambda: leaky_direction(X_EX, Y_EX, 1.5), r"slope must lie in \(0, 1\]"),
        (lambda: leaky_direction(X_EX, Y_EX, -0.5), r"slope must lie in \(0, 1\]"),
        (lambda: leaky_direction(X_EX, Y_EX, float("nan")), r"slope must lie in \(0, 1\]"),
        (lambda: leaky_direction(X_EX, Y_EX, "0.5"), r"slope must be a real number"),
        (lambda: leaky_direction(X_EX, Y_EX, True), r"slope must be a real number"),
    ],
)
def test_named_input_errors(call, match):
    with pytest.raises(InputError, match=match):
        call()


def test_result_types():
    res = max_margin([[1.0, 2.0], [2.0, 1.0]])
    assert isinstance(res, MaxMargin)
    assert isinstance(res.gamma, float)
    assert isinstance(res.degenerate, bool)
    assert res.u.dtype == np.float64 and res.duals.dtype == np.float64
    assert res.support.dtype == np.intp
    assert all(isinstance(v, float) for v in res.kkt.values())
