"""Tests of fastbias.datasets: every stated condition, plus the scientific checks they support."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import fastbias as fb
from fastbias.datasets import (
    Dataset,
    augment,
    degenerate,
    equal_duals,
    example1,
    example2,
    load,
    prop2,
    prop2_violation,
    separable,
    slow_convergence,
)
from fastbias.errors import InputError
from fastbias.theory import (
    constrained_direction,
    global_direction,
    linear_direction,
    max_margin,
)
from fastbias.theory.landscape import region
from fastbias.theory.rates import sgd_norm_ratio

ROOT = Path(__file__).resolve().parents[1]


def sign_conditions_hold(X: np.ndarray, y: np.ndarray) -> bool:
    """Proposition 2, checked independently: x_i.x_j > 0 within a class, < 0 across (i != j)."""
    n = y.size
    for i in range(n):
        for j in range(i + 1, n):
            g = float(X[i] @ X[j])
            if (y[i] == y[j] and not g > 0) or (y[i] != y[j] and not g < 0):
                return False
    return True


def at(traj_t: np.ndarray, t: int) -> int:
    i = int(np.searchsorted(traj_t, t))
    assert traj_t[i] == t
    return i


# ----------------------------------------------------------------------------------
# the paper's examples


def test_example1_conditions() -> None:
    X, y, w0 = example1()
    x1, x2, x3 = X
    assert list(y) == [1, 1, -1]
    assert x1 @ x2 < 0 and x1 @ x3 < 0 and x2 @ x3 != 0
    w = np.array([0.5, 1.0])
    assert np.all(y * (X @ w) > 0)  # separable
    assert w0 @ x1 > 0 and w0 @ x2 < 0 and w0 @ x3 < 0  # only x1 active


def test_example2_conditions() -> None:
    X, y, w0 = example2()
    x1, x2 = X
    assert list(y) == [1, -1]
    assert 0 < x1 @ x2 <= 0.5 * (x2 @ x2)
    assert x1 @ x2 == 1.0 and x2 @ x2 == 5.0
    assert w0 @ x1 > 0 and w0 @ x2 < 0
    c = constrained_direction(X, y)
    np.testing.assert_allclose(c.u, np.array([2.0, -1.0]) / np.sqrt(5.0), atol=1e-12)
    assert abs(c.u @ x2) < 1e-12  # on the boundary u.x2 = 0
    np.testing.assert_allclose(c.gamma, 2 / np.sqrt(5.0), rtol=1e-12)


def test_example2_region_oscillates_direction_converges() -> None:
    X, y, w0 = example2()
    u = constrained_direction(X, y).u
    traj = fb.gd(X, y, w0, eta=0.5, n_iter=10**6, checkpoints=1)
    flips = traj.flips[:, 0]
    for t in (10**4, 10**5, 10**6):  # flips continue in every late decade
        assert flips[at(traj.t, t)] > flips[at(traj.t, t // 10)]
    err = traj.direction_error(u)[:, 0]
    assert err[at(traj.t, 10**6)] < 0.6 * err[at(traj.t, 10**3)]
    x2 = X[1] / np.linalg.norm(X[1])
    assert traj.direction_error(x2)[-1, 0] > 0.5  # not "around x2 / ||x2||"


# ----------------------------------------------------------------------------------
# Proposition 2 data


@pytest.mark.parametrize("n, d", [(2, 1), (2, 2), (3, 2), (10, 2), (25, 5), (40, 3), (7, 50)])
@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
def test_prop2_sign_conditions(n: int, d: int, seed: int) -> None:
    X, y, w0 = prop2(n, d, seed)
    assert X.shape == (n, d) and y.shape == (n,) and w0.shape == (d,)
    assert set(np.unique(y)) == {-1.0, 1.0}
    assert int(np.sum(y > 0)) == (n + 1) // 2
    assert sign_conditions_hold(X, y)
    assert prop2_violation(X, y) is None
    np.testing.assert_allclose(np.linalg.norm(w0), 0.1)
    assert np.any(X[y > 0] @ w0 > 0)  # not dead: a positive is active
    assert region(w0, X, y).kind != "dead"


def test_prop2_is_deterministic_and_seed_dependent() -> None:
    a, b, c = prop2(8, 3, 5), prop2(8, 3, 5), prop2(8, 3, 6)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 1}, "n must be >= 2"),
        ({"n": 0}, "n must be >= 1"),
        ({"d": 0}, "d must be >= 1"),
        ({"n": 2.5}, "n must be an integer"),
        ({"seed": -1}, "seed must be a non-negative integer"),
    ],
)
def test_prop2_rejects_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        prop2(**kwargs)


def test_prop2_violation_names_the_pair() -> None:
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    assert prop2_violation(X, [1, 1, -1]) == (0, 1, 0.0)  # orthogonal positives
    assert prop2_violation(X, [1, -1, -1]) == (0, 1, 0.0)
    assert prop2_violation(np.array([[1.0, 0.2], [-1.0, 0.1]]), [1, -1]) is None


# ----------------------------------------------------------------------------------
# augment (the remark after Proposition 2)


@pytest.mark.parametrize("seed", range(6))
def test_augment_default_meets_conditions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 30)), int(rng.integers(1, 6))
    X = rng.standard_normal((n, d)) * 10.0 ** rng.uniform(-3, 3)
    y = rng.choice([-1.0, 1.0], size=n)
    y[:2] = (1.0, -1.0)
    Xa, ya = augment(X, y)
    assert Xa.shape == (n, d + 1)
    np.testing.assert_array_equal(Xa[:, :d], X)
    np.testing.assert_array_equal(ya, y)
    c = Xa[:, d] * y
    assert np.all(c == c[0]) and c[0] > 0  # +c on positives, -c on negatives
    G = X @ X.T
    M = np.max(np.abs(G[~np.eye(n, dtype=bool)]))
    assert c[0] ** 2 > M  # the stated condition c^2 > max |x_i.x_j|
    assert sign_conditions_hold(Xa, ya)
    global_direction(Xa, ya)  # the augmented data are separable (no error)


def test_augment_vector_and_scalar_c() -> None:
    X, y, _ = separable(12, 3, 2, 0.5)
    Xa, _ = augment(X, y, c=[3.0, 4.0])
    assert Xa.shape == (12, 5)
    np.testing.assert_array_equal(Xa[:, 3:], y[:, None] * np.array([3.0, 4.0]))
    assert sign_conditions_hold(Xa, y)
    Xb, _ = augment(X, y, c=5.0)  # same c.c = 25, one coordinate
    np.testing.assert_allclose(Xb @ Xb.T, Xa @ Xa.T, rtol=1e-14, atol=1e-12)


def test_augment_rejects_too_small_c() -> None:
    X = np.array([[1.0, 0.0], [-1.0, 0.5], [2.0, 1.0]])
    y = np.array([1.0, 1.0, -1.0])
    # Within a class x0.x1 = -1 (needs c.c > 1); across x0.x2 = 2 (needs c.c > 2).
    with pytest.raises(InputError, match=r"c is too small: samples 0 and 1 \(same class\)"):
        augment(X, y, c=0.5)
    with pytest.raises(InputError, match=r"samples 0 and 2 \(opposite classes\).*c\.c > 2"):
        augment(X, y, c=1.2)
    with pytest.raises(InputError, match="c is too small"):  # c.c == x_i.x_j fails: strict
        augment(np.array([[1.0, 0.0], [4.0, 1.0]]), [1, -1], c=2.0)
    Xa, _ = augment(X, y, c=1.5)
    assert sign_conditions_hold(Xa, y)


@pytest.mark.parametrize(
    "c, match",
    [(0.0, "c must be non-zero"), (float("nan"), "c must be finite"), ([[1.0]], "c must be a scalar"),
     ([], "c must be a scalar"), ("a", "c must"), (True, "c must be a real number"),
     ([0.0, 0.0], "c must be non-zero")],
)
def test_augment_rejects_bad_c(c: object, match: str) -> None:
    X, y, _ = separable(5, 2, 0, 0.1)
    with pytest.raises(InputError, match=match):
        augment(X, y, c=c)


def test_augment_validates_data() -> None:
    with pytest.raises(InputError, match="y must hold labels"):
        augment(np.eye(2), [1, 0])
    with pytest.raises(InputError, match="no negative"):
        augment(np.eye(2), [1, 1])


# ----------------------------------------------------------------------------------
# degenerate support


def test_degenerate_has_zero_dual_support_vector() -> None:
    X, y, w0 = degenerate()
    assert sign_conditions_hold(X, y)
    for res in (linear_direction(X, y), global_direction(X, y)):
        np.testing.assert_allclose(res.u, [1.0, 0.0], atol=1e-12)
        np.testing.assert_allclose(res.gamma, 1.0, rtol=1e-12)
        assert list(res.support) == [0, 1]  # x2 is on the margin ...
        assert res.duals[0] == pytest.approx(1.0, rel=1e-10)
        assert abs(res.duals[1]) < 1e-12  # ... with a zero dual
        assert res.degenerate
        assert max(res.kkt.values()) < 1e-10
    # the same problem through max_margin directly
    res = max_margin(y[:, None] * X)
    assert res.degenerate and abs(res.duals[1]) < 1e-12
    # not degenerate once x2 leaves the margin
    Xg = X.copy()
    Xg[1] = (1.5, 0.5)
    assert not linear_direction(Xg, y).degenerate
    assert not global_direction(Xg, y).degenerate
    assert w0 @ X[0] > 0 and w0 @ X[1] > 0 and w0 @ X[2] < 0


def _offset_growth(X: np.ndarray, y: np.ndarray, w0: np.ndarray, n_iter: int, slope: float) -> np.ndarray:
    """Per-decade increments of err x ||w|| (the orthogonal offset) from 10^4 on."""
    u = linear_direction(X, y).u if slope == 1.0 else global_direction(X, y).u
    traj = fb.gd(X, y, w0, eta=0.5, n_iter=n_iter, slope=slope, checkpoints=1)
    perp = traj.direction_error(u)[:, 0] * traj.norm[:, 0]
    idx = [at(traj.t, 10**k) for k in range(4, int(np.log10(n_iter)) + 1)]
    return np.diff(perp[idx])


@pytest.mark.parametrize("slope", [1.0, 0.0])
def test_degenerate_offset_keeps_growing(slope: float) -> None:
    X, y, w0 = degenerate()
    grow = _offset_growth(X, y, w0, 10**6, slope)
    assert np.all(grow > 0.2)  # ~2 ln(ln 10t / ln t) per decade: 0.33, 0.29
    Xg = X.copy()
    Xg[1] = (1.5, 0.5)  # generic: the offset settles
    settle = _offset_growth(Xg, y, w0, 10**6, slope)
    assert abs(settle[-1]) < 0.02 and abs(settle[-1]) < abs(settle[0])


@pytest.mark.slow
@pytest.mark.parametrize("slope", [1.0, 0.0])
def test_degenerate_offset_keeps_growing_to_1e8(slope: float) -> None:
    X, y, w0 = degenerate()
    grow = _offset_growth(X, y, w0, 10**8, slope)
    lnln = np.diff(2 * np.log(np.log(10.0 ** np.arange(4, 9))))
    ratio = grow / lnln  # tends to 1: the growth is 2 ln ln t + const (0.73, 0.80, 0.86, 0.90)
    assert np.all(ratio > 0.6) and np.all(np.diff(ratio) > 0) and ratio[-1] > 0.85
    Xg = X.copy()
    Xg[1] = (1.5, 0.5)
    settle = _offset_growth(Xg, y, w0, 10**8, slope)
    # settles geometrically: 0.0067, 0.0021, 0.0006 (linear), 0.0039, 0.0012, 0.0004 (ReLU)
    assert np.all(np.abs(settle[-3:]) < 1e-2) and abs(settle[-1]) < 1e-3
    assert np.all(np.abs(settle[-2:]) < 0.5 * np.abs(settle[-3:-1]))


# ----------------------------------------------------------------------------------
# separable


@pytest.mark.parametrize(
    "n, d, margin", [(2, 1, 0.1), (5, 2, 1.0), (30, 3, 0.05), (100, 10, 2.0), (8, 40, 0.3)]
)
@pytest.mark.parametrize("seed", [0, 3, 99])
def test_separable_margin(n: int, d: int, margin: float, seed: int) -> None:
    X, y, w0 = separable(n, d, seed, margin)
    assert X.shape == (n, d) and y.shape == (n,) and w0.shape == (d,)
    assert set(np.unique(y)) == {-1.0, 1.0}
    res = linear_direction(X, y)
    assert res.gamma >= margin * (1 - 1e-12)
    assert np.all(y * (X @ res.u) >= res.gamma * (1 - 1e-9))
    np.testing.assert_allclose(np.linalg.norm(w0), 0.1)
    assert np.any(X[y > 0] @ w0 > 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"margin": 0.0}, "margin must be > 0"), ({"margin": -1.0}, "margin must be > 0"),
     ({"margin": float("inf")}, "margin must be finite"), ({"n": 1}, "n must be >= 2"),
     ({"d": 0}, "d must be >= 1"), ({"margin": "1"}, "margin must be a real number")],
)
def test_separable_rejects_bad_input(kwargs: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        separable(**kwargs)


# ----------------------------------------------------------------------------------
# load


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    X, y, _ = separable(9, 3, 4, 0.2)
    return X, y


def test_load_npz(tmp_path: Path, data) -> None:
    X, y = data
    p = tmp_path / "d.npz"
    np.savez(p, X=X, y=y.astype(int))
    X2, y2 = load(p)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    assert y2.dtype == np.float64
    X3, _ = load(str(p))
    np.testing.assert_array_equal(X3, X)


def test_load_npy(tmp_path: Path, data) -> None:
    X, y = data
    p = tmp_path / "d.npy"
    np.save(p, np.column_stack([X, y]))
    X2, y2 = load(p)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


@pytest.mark.parametrize("header", [False, True])
def test_load_csv(tmp_path: Path, data, header: bool) -> None:
    X, y = data
    p = tmp_path / "d.CSV"
    np.savetxt(p, np.column_stack([X, y]), delimiter=",", fmt="%.17g",
               header="a,b,c,label" if header else "", comments="")
    if not header:  # savetxt writes an empty header line; drop it
        p.write_text(p.read_text().lstrip("\n"))
    X2, y2 = load(p)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_load_single_sample_row_csv(tmp_path: Path) -> None:
    p = tmp_path / "two.csv"
    p.write_text("x,label\n1.5,1\n-2,-1\n")
    X, y = load(p)
    np.testing.assert_array_equal(X, [[1.5], [-2.0]])
    np.testing.assert_array_equal(y, [1.0, -1.0])


def test_load_errors(tmp_path: Path, data) -> None:
    X, y = data
    with pytest.raises(InputError, match=r"path '.*nothere\.npz' does not exist"):
        load(tmp_path / "nothere.npz")
    (tmp_path / "d.txt").write_text("1,1\n")
    with pytest.raises(InputError, match=r"path '.*d\.txt' has extension '\.txt'"):
        load(tmp_path / "d.txt")
    with pytest.raises(InputError, match=r"extension '\(none\)'"):
        load(tmp_path / "noext")
    np.savez(tmp_path / "k.npz", X=X, labels=y)
    with pytest.raises(InputError, match=r"path '.*k\.npz' lacks the key\(s\) y"):
        load(tmp_path / "k.npz")
    np.savez(tmp_path / "k2.npz", A=X)
    with pytest.raises(InputError, match=r"lacks the key\(s\) X, y"):
        load(tmp_path / "k2.npz")
    np.save(tmp_path / "one.npy", y)
    with pytest.raises(InputError, match=r"path '.*one\.npy' must hold a 2-D array"):
        load(tmp_path / "one.npy")
    np.save(tmp_path / "bad.npy", np.column_stack([X, (y > 0).astype(float)]))  # 0/1 labels
    with pytest.raises(InputError, match=r"path '.*bad\.npy': y must hold labels -1 or \+1"):
        load(tmp_path / "bad.npy")
    (tmp_path / "bad.csv").write_text("a,b\n1,x\n2,1\n")
    with pytest.raises(InputError, match=r"path '.*bad\.csv' could not be read as \.csv"):
        load(tmp_path / "bad.csv")
    (tmp_path / "garbage.npz").write_bytes(b"not a zip file")
    with pytest.raises(InputError, match=r"could not be read as \.npz"):
        load(tmp_path / "garbage.npz")
    (tmp_path / "dir.npy").mkdir()
    with pytest.raises(InputError, match="is not a file"):
        load(tmp_path / "dir.npy")
    with pytest.raises(InputError, match="path must be a str"):
        load(3)


# ----------------------------------------------------------------------------------
# equal_duals: the sharp SGD asymptotics (issue 3, items (a) and (b))


def test_equal_duals_conditions() -> None:
    X, y, _ = equal_duals()
    assert sign_conditions_hold(X, y)
    g = global_direction(X, y)
    np.testing.assert_allclose(g.u, [1.0, 0.0], atol=1e-12)
    assert list(g.support) == [0, 1]
    assert g.duals[0] == pytest.approx(g.duals[1], rel=1e-12)
    assert not g.degenerate
    assert np.all(X[y < 0] @ g.u < 0)


def offset_constant(X: np.ndarray, y: np.ndarray, eta0: float, alpha: float) -> float:
    """k in ||E wbar_t|| gamma / ((1 - alpha) ln t) = 1 + k / ((1 - alpha) ln t) + o(1 / ln t)."""
    g = global_direction(X, y)
    p = g.duals[g.support] * g.gamma**2  # normalised duals, sum 1
    entropy = -float(np.sum(p * np.log(p)))
    return np.log(eta0 / (1 - alpha)) - (1 - alpha) + np.log(g.gamma**2 / y.size) + entropy


@pytest.fixture(scope="module")
def equal_duals_sgd():
    X, y, w0 = equal_duals()
    return fb.sgd(X, y, w0, n_iter=10**6, eta0=1.0, alpha=0.6, replicates=64, seed=1, checkpoints=1)


def test_sgd_norm_ratio_within_5_percent(equal_duals_sgd) -> None:
    X, y, _ = equal_duals()
    g = global_direction(X, y)
    s = equal_duals_sgd
    assert set(s.status) == {"ok"}
    r = sgd_norm_ratio(s.t, s.mean_wbar, 0.6, g.gamma)
    assert abs(r[at(s.t, 10**6)] - 1) < 0.05  # measured 1.005
    assert abs(r[at(s.t, 10**6)] - 1) < abs(r[at(s.t, 10**4)] - 1)
    # the 1/ln t correction matches the predicted constant k = 0.014
    k = offset_constant(X, y, 1.0, 0.6)
    measured = (r[at(s.t, 10**6)] - 1) * 0.4 * np.log(1e6)
    assert abs(measured - k) < 0.05


def test_sgd_direction_rate_theorem_4_4(equal_duals_sgd) -> None:
    X, y, _ = equal_duals()
    u = global_direction(X, y).u
    s = equal_duals_sgd
    err = s.direction_error(u, of="mean_wbar")
    idx = [at(s.t, 10**k) for k in range(3, 7)]
    q = err[idx] ** 2 * np.log(s.t[idx])  # squared error x ln t: bounded
    assert np.all(q < 0.05)
    assert np.all(np.diff(q) < 0)  # and falling: 0.018, 0.0049, 0.0013, 0.0003


@pytest.mark.slow
def test_sgd_direction_rate_theorem_4_4_to_1e7() -> None:
    X, y, w0 = equal_duals()
    g = global_direction(X, y)
    s = fb.sgd(X, y, w0, n_iter=10**7, eta0=1.0, alpha=0.6, replicates=64, seed=2, checkpoints=1)
    err = s.direction_error(g.u, of="mean_wbar")
    idx = [at(s.t, 10**k) for k in range(3, 8)]
    q = err[idx] ** 2 * np.log(s.t[idx])
    assert np.all(q < 0.05) and q[-1] < 1e-3
    r = sgd_norm_ratio(s.t, s.mean_wbar, 0.6, g.gamma)
    assert abs(r[-1] - 1) < 0.02


@pytest.mark.slow
@pytest.mark.parametrize("eta0", [0.5, 2.0])
def test_sgd_norm_ratio_constant_depends_on_eta0(eta0: float) -> None:
    # ||E wbar_t|| gamma / ((1 - alpha) ln t) - 1 ~ k / ((1 - alpha) ln t), k = ln eta0 + ...:
    # with eta0 = 0.5 or 2 the ratio at 10^6 is ~0.88 or ~1.13, not within 5% of 1.
    X, y, w0 = equal_duals()
    g = global_direction(X, y)
    s = fb.sgd(X, y, w0, n_iter=10**6, eta0=eta0, alpha=0.6, replicates=64, seed=1, checkpoints=1)
    r = sgd_norm_ratio(s.t, s.mean_wbar, 0.6, g.gamma)[-1]
    k = offset_constant(X, y, eta0, 0.6)
    assert abs((r - 1) * 0.4 * np.log(1e6) - k) < 0.08
    assert abs(r - 1) > 0.05


# ----------------------------------------------------------------------------------
# slow_convergence (issue 3's slow case)


def test_slow_convergence_conditions() -> None:
    X, y, w0 = slow_convergence()
    assert sign_conditions_hold(X, y)
    g = global_direction(X, y)
    np.testing.assert_allclose(g.u, np.array([2.0, 1.0]) / np.sqrt(5.0), atol=1e-12)
    assert list(g.support) == [0, 1]
    np.testing.assert_allclose(g.duals[:2], [0.7523, 0.1157], atol=1e-4)  # very unequal
    assert not g.degenerate
    np.testing.assert_allclose(w0 / np.linalg.norm(w0), g.u, atol=1e-15)


def test_slow_convergence_gd_error_stays_near_0p1() -> None:
    X, y, w0 = slow_convergence()
    u = global_direction(X, y).u
    traj = fb.gd(X, y, w0, eta=1.0, n_iter=10**6, checkpoints=1)
    err = traj.direction_error(u)[:, 0]
    late = err[[at(traj.t, 10**k) for k in range(3, 7)]]
    assert np.all((late > 0.07) & (late < 0.11))  # 0.074, 0.088, 0.095, 0.098
    assert set(traj.region_names()[-3:, 0]) == {"separable"}


@pytest.mark.slow
def test_slow_convergence_to_1e8() -> None:
    X, y, w0 = slow_convergence()
    u = global_direction(X, y).u
    traj = fb.gd(X, y, w0, eta=1.0, n_iter=10**8, checkpoints=1)
    err = traj.direction_error(u)[:, 0]
    late = err[[at(traj.t, 10**k) for k in range(3, 9)]]
    assert np.all((late > 0.07) & (late < 0.11))
    s = fb.sgd(X, y, w0, n_iter=10**7, replicates=16, seed=1, checkpoints=1)
    e = s.direction_error(u, of="mean_wbar")
    grow = e[[at(s.t, 10**k) for k in range(2, 8)]]
    assert np.all(np.diff(grow) > 0) and grow[0] < 0.03 and grow[-1] > 0.06


def test_slow_convergence_example_quick(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location("slow_example", ROOT / "examples" / "slow_convergence.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "fig.png"
    assert module.main([str(out), "--quick"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_dataset_is_a_namedtuple() -> None:
    for make in (example1, example2, degenerate, equal_duals, slow_convergence):
        ds = make()
        assert isinstance(ds, Dataset)
        X, y, w0 = ds
        assert X.dtype == y.dtype == w0.dtype == np.float64
        assert X.shape == (y.size, w0.size)


def test_clusters_conditions() -> None:
    from fastbias.datasets import CLUSTERS_V, clusters
    from fastbias.theory import max_margin, partitions

    X, y, W0 = clusters()
    assert X.shape == (15, 2) and W0.shape == (2, 3)
    np.testing.assert_allclose(np.linalg.norm(W0, axis=0), 0.1)
    assert np.sign(CLUSTERS_V).tolist() == [y[0], y[5], y[10]]
    part = partitions(W0, X)
    # Default start: unit k is active on cluster k only.
    assert sorted(idx.tolist() for idx in part.classes) == [list(range(5 * k, 5 * k + 5)) for k in range(3)]
    assert not part.shared_unit
    for k in range(3):
        idx = np.arange(5 * k, 5 * k + 5)
        m = max_margin(y[idx, None] * X[idx])
        # two support vectors (radius 1, +-20 degrees) with equal duals: w^ = label x centre direction
        ang = np.deg2rad(120.0 * k)
        np.testing.assert_allclose(m.u, y[5 * k] * np.array([np.cos(ang), np.sin(ang)]), atol=1e-12)
        np.testing.assert_allclose(m.gamma, np.cos(np.deg2rad(20.0)), rtol=1e-12)
    _, _, W25 = clusters(offset=25.0)
    np.testing.assert_allclose(np.rad2deg(np.arctan2(W25[1, 0], W25[0, 0])), 25.0)
    with pytest.raises(InputError, match="scale must be > 0"):
        clusters(scale=0.0)
    with pytest.raises(InputError, match="offset must be finite"):
        clusters(offset=float("nan"))
